/*
 * NAME
 *	sg_mimesig 3
 * SUMMARY
 *	the MIME side of S/MIME signatures
 * DESCRIPTION
 *	The signed part of a multipart/signed is found on the raw bytes by
 *	its boundary (RFC 2046 section 5.1.1: a delimiter is CRLF "--"
 *	boundary at the start of a line, the CRLF belonging to it), because
 *	the digest covers exactly what the sender wrote. GMime is used for
 *	what it is good at: parsing a Content-Type value, decoding the
 *	signature part, and re-encoding an entity to 7 bits.
 * SECURITY
 *	Everything that goes into an Authentication-Results field from a
 *	certificate (addresses, the issuer name) is attacker-chosen: control
 *	characters, quotes and 8-bit bytes are replaced, so no field can be
 *	split or forged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
#include <gnutls/crypto.h>

#include "sg_b64.h"
#include "sg_cms.h"
#include "sg_mem.h"
#include "sg_mimesig.h"

/* sg_mimesig_free - release the buffers */
void	sg_mimesig_free(sg_mimesig *sig)
{
	sg_buf_free(&sig->der);
	sig->entity = NULL;
	sig->entity_len = 0;
	sig->kind = SG_MIMESIG_NONE;
}

/*
 * sg_mimesig_delim - the next delimiter line "--boundary" (or the close
 * delimiter "--boundary--") that starts a line at or after pos, which is
 * a line start. Returns its offset, or SIZE_MAX; *after is the offset past
 * its line end.
 */
static size_t sg_mimesig_delim(const uint8_t *d, size_t len, size_t pos,
			       const char *b, size_t blen, bool *close,
			       size_t *after)
{
	const uint8_t *nl;
	size_t	i = pos, j;

	while (i + 2 + blen <= len) {
		if (d[i] == '-' && d[i + 1] == '-'
		    && memcmp(d + i + 2, b, blen) == 0) {
			j = i + 2 + blen;
			*close = j + 1 < len && d[j] == '-' && d[j + 1] == '-';
			if (*close)
				j += 2;
			while (j < len && (d[j] == ' ' || d[j] == '\t'))
				j++;
			if (j == len || d[j] == '\n'
			    || (d[j] == '\r' && j + 1 < len && d[j + 1] == '\n')) {
				*after = j == len ? len : d[j] == '\n' ? j + 1
					: j + 2;
				return i;
			}
		}
		if ((nl = memchr(d + i, '\n', len - i)) == NULL)
			break;
		i = (size_t) (nl - d) + 1;
	}
	return SIZE_MAX;
}

/* sg_mimesig_part_end - end of a part: before the line end of the delim */
static size_t sg_mimesig_part_end(const uint8_t *d, size_t from, size_t delim)
{
	size_t	end = delim;

	if (end > from && d[end - 1] == '\n')
		end--;
	if (end > from && d[end - 1] == '\r')
		end--;
	return end;
}

/* sg_mimesig_decode_part - the decoded body of a raw MIME part */
static sg_status sg_mimesig_decode_part(const uint8_t *p, size_t len,
					sg_buf *out)
{
	GMimeStream *stream, *mem;
	GMimeParser *parser;
	GMimeObject *obj;
	GMimeDataWrapper *content;
	GByteArray *bytes;
	sg_status st = sg_status_make(SG_REJECT, "the signature part does "
				      "not decode");

	/* strict base64 in a simple header: nettle, as GMime would */
	if (sg_mime_part_b64(p, len, out))
		return out->len > 0 ? sg_status_ok() : st;
	sg_mime_init();
	stream = g_mime_stream_mem_new_with_buffer((const char *) p, len);
	parser = g_mime_parser_new_with_stream(stream);
	obj = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (obj == NULL)
		return st;
	if (GMIME_IS_PART(obj)
	    && (content = g_mime_part_get_content(GMIME_PART(obj))) != NULL) {
		bytes = g_byte_array_new();
		mem = g_mime_stream_mem_new_with_byte_array(bytes);
		g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
		if (g_mime_data_wrapper_write_to_stream(content, mem) >= 0
		    && bytes->len > 0) {
			sg_buf_append(out, bytes->data, bytes->len);
			st = sg_status_ok();
		}
		g_object_unref(mem);
		g_byte_array_free(bytes, TRUE);
	}
	g_object_unref(obj);
	return st;
}

/* sg_mimesig_detached - the two parts of a multipart/signed */
static sg_status sg_mimesig_detached(sg_mime *m, const char *boundary,
				     sg_mimesig *sig)
{
	const uint8_t *d;
	size_t	len, blen = strlen(boundary), d1, a1, d2, a2, d3, a3;
	bool	close;

	sg_mime_body(m, &d, &len);
	if (blen == 0 || blen > 70)
		return sg_status_make(SG_REJECT, "multipart/signed with a bad "
				      "boundary");
	d1 = sg_mimesig_delim(d, len, 0, boundary, blen, &close, &a1);
	if (d1 == SIZE_MAX || close)
		return sg_status_make(SG_REJECT, "multipart/signed without "
				      "its first part");
	d2 = sg_mimesig_delim(d, len, a1, boundary, blen, &close, &a2);
	if (d2 == SIZE_MAX || close)
		return sg_status_make(SG_REJECT, "multipart/signed without "
				      "its signature part");
	/* the close delimiter, or end of data for a truncated message */
	d3 = sg_mimesig_delim(d, len, a2, boundary, blen, &close, &a3);
	if (d3 == SIZE_MAX)
		d3 = len;
	sig->entity = d + a1;
	sig->entity_len = sg_mimesig_part_end(d, a1, d2) - a1;
	sig->kind = SG_MIMESIG_DETACHED;
	return sg_mimesig_decode_part(d + a2, sg_mimesig_part_end(d, a2, d3)
				      - a2, &sig->der);
}

/* a boundary is at most 70 characters (RFC 2046 5.1.1); longer is bad */
#define SG_MIMESIG_BOUNDARY_MAX	72

/*
 * sg_mimesig_top_type - the first Content-Type of m (its value kept in
 * value, which t points into); false: none, a plain top level
 * (sg_mime_plain_top), or one that does not parse. The caller frees
 * value and t either way.
 */
static bool sg_mimesig_top_type(sg_mime *m, sg_buf *value, sg_mime_ctype *t)
{
	memset(t, 0, sizeof(*t));
	return !sg_mime_plain_top(m) && sg_mime_header(m, "Content-Type", value)
		&& sg_mime_ctype_parse((const char *) value->data, t);
}

/*
 * sg_mimesig_maybe - can sg_mimesig_find() find anything at the top level
 * of m: is its first Content-Type (sg_mimesig_top_type) multipart/signed
 * or application/?
 */
bool	sg_mimesig_maybe(sg_mime *m)
{
	sg_buf	value = SG_BUF_INIT;
	sg_mime_ctype t;
	bool	maybe;

	maybe = sg_mimesig_top_type(m, &value, &t)
		&& (sg_mime_ctype_is(&t, "multipart", "signed")
		    || sg_mime_ctype_is(&t, "application", "*"));
	sg_mime_ctype_free(&t);
	sg_buf_free(&value);
	return maybe;
}

/* sg_mimesig_find - the signature at the top level of m, if any */
sg_status sg_mimesig_find(sg_mime *m, sg_mimesig *sig)
{
	sg_buf	value = SG_BUF_INIT;
	sg_mime_ctype t;
	char	protocol[64], boundary[SG_MIMESIG_BOUNDARY_MAX];
	sg_status st = sg_status_ok();

	sig->kind = SG_MIMESIG_NONE;
	if (!sg_mimesig_top_type(m, &value, &t))
		goto cleanup;
	if (sg_mime_ctype_is(&t, "multipart", "signed")) {
		/* none, or too long to be ours: "" */
		if (!sg_mime_ctype_param(&t, "protocol", protocol,
					 sizeof(protocol)))
			protocol[0] = '\0';
		if (!sg_mime_ctype_param(&t, "boundary", boundary,
					 sizeof(boundary)))
			boundary[0] = '\0';
		if (strcasecmp(protocol, "application/pkcs7-signature") != 0
		    && strcasecmp(protocol,
				  "application/x-pkcs7-signature") != 0)
			goto cleanup;	/* PGP/MIME and others: not ours */
		st = sg_mimesig_detached(m, boundary, sig);
	} else if (sg_mime_ctype_is(&t, "application", "*")) {
		st = sg_mime_smime_body(m, &sig->der);
		if (sg_status_is_ok(&st)
		    && sg_cms_peek_signed(sig->der.data, sig->der.len))
			sig->kind = SG_MIMESIG_OPAQUE;
		else
			sg_buf_reset(&sig->der);
		st = sg_status_ok();
	}
cleanup:
	sg_mime_ctype_free(&t);
	sg_buf_free(&value);
	if (!sg_status_is_ok(&st))
		sg_mimesig_free(sig);
	return st;
}

/* sg_mimesig_is_7bit - no 8-bit byte, no NUL, no line over 998 bytes */
bool	sg_mimesig_is_7bit(const uint8_t *p, size_t len)
{
	sg_mimesig_scan s = SG_MIMESIG_SCAN_INIT;

	sg_mimesig_7bit_scan(&s, p, len);
	return s.ok;
}

/* sg_mimesig_7bit_scan - sg_mimesig_is_7bit() in pieces */
void	sg_mimesig_7bit_scan(sg_mimesig_scan *s, const uint8_t *p, size_t len)
{
	size_t	i, line = s->line;

	for (i = 0; i < len && s->ok; i++) {
		if (p[i] == 0 || p[i] >= 0x80)
			s->ok = false;
		line = p[i] == '\n' ? 0 : line + 1;
		if (line > 998)
			s->ok = false;
	}
	s->line = line;
}

/* sg_mimesig_7bit - entity (CRLF) made 7-bit safe, into out (CRLF) */
sg_status sg_mimesig_7bit(const uint8_t *entity, size_t len, sg_buf *out)
{
	GMimeStream *stream, *mem;
	GMimeParser *parser;
	GMimeObject *obj;
	GMimeFormatOptions *fo;
	GMimeContentType *ct;
	GByteArray *bytes;
	sg_status st = sg_status_ok();

	sg_buf_reset(out);
	if (sg_mimesig_is_7bit(entity, len)) {
		sg_buf_append(out, entity, len);
		return st;
	}
	sg_mime_init();
	stream = g_mime_stream_mem_new_with_buffer((const char *) entity, len);
	parser = g_mime_parser_new_with_stream(stream);
	obj = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	ct = obj ? g_mime_object_get_content_type(obj) : NULL;
	if (obj == NULL || (ct && g_mime_content_type_is_type(ct, "multipart",
							      "signed"))) {
		/* nothing GMime can do, or a signature to keep intact */
		sg_buf_append(out, entity, len);
		if (obj)
			g_object_unref(obj);
		return st;
	}
	g_mime_object_encode(obj, GMIME_ENCODING_CONSTRAINT_7BIT);
	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	bytes = g_byte_array_new();
	mem = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	if (g_mime_object_write_to_stream(obj, fo, mem) < 0)
		st = sg_status_make(SG_INTERNAL, "cannot re-encode the message "
				    "to 7 bits for signing");
	else
		sg_buf_append(out, bytes->data, bytes->len);
	g_object_unref(mem);
	g_byte_array_free(bytes, TRUE);
	g_mime_format_options_free(fo);
	g_object_unref(obj);
	return st;
}

/*
 * sg_mimesig_build_head - a fresh random boundary ("--" and it into delim,
 * SG_MIMESIG_DELIM_MAX bytes), then the multipart/signed header, the
 * preamble and the first delimiter line, appended to out (CRLF)
 */
void	sg_mimesig_build_head(const char *micalg, char *delim, sg_buf *out)
{
	unsigned char rnd[12];
	char	boundary[64];
	size_t	i, n;

	(void) gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd));
	n = (size_t) snprintf(boundary, sizeof(boundary), "----=_smimegw_");
	for (i = 0; i < sizeof(rnd); i++)
		n += (size_t) snprintf(boundary + n, sizeof(boundary) - n,
				       "%02x", rnd[i]);
	snprintf(delim, SG_MIMESIG_DELIM_MAX, "--%s", boundary);
	sg_buf_append_str(out, "Content-Type: multipart/signed; "
			  "protocol=\"application/pkcs7-signature\";\r\n\tmicalg=");
	sg_buf_append_str(out, micalg);
	sg_buf_append_str(out, "; boundary=\"");
	sg_buf_append_str(out, boundary);
	sg_buf_append_str(out, "\"\r\n\r\nThis is an S/MIME signed message.\r\n"
			  "\r\n");
	sg_buf_append_str(out, delim);
	sg_buf_append_str(out, "\r\n");
}

/*
 * sg_mimesig_build_tail - after the entity: the delimiter, the signature
 * part (base64 of der) and the close delimiter, appended to out (CRLF)
 */
void	sg_mimesig_build_tail(const char *delim, const uint8_t *der,
			      size_t dlen, sg_buf *out)
{
	sg_buf_append_str(out, "\r\n");
	sg_buf_append_str(out, delim);
	sg_buf_append_str(out, "\r\nContent-Type: application/pkcs7-signature; "
			  "name=\"smime.p7s\"\r\n"
			  "Content-Transfer-Encoding: base64\r\n"
			  "Content-Disposition: attachment; "
			  "filename=\"smime.p7s\"\r\n"
			  "Content-Description: S/MIME Cryptographic Signature"
			  "\r\n\r\n");
	sg_b64_encode(der, dlen, true, out);
	sg_buf_append_str(out, delim);
	sg_buf_append_str(out, "--\r\n");
}

/* sg_mimesig_build - the multipart/signed entity (CRLF) into out */
void	sg_mimesig_build(const uint8_t *entity, size_t len,
			 const char *micalg, const uint8_t *der, size_t dlen,
			 sg_buf *out)
{
	char	delim[SG_MIMESIG_DELIM_MAX];

	/* a boundary that does not occur in the entity */
	do {
		sg_buf_reset(out);
		sg_mimesig_build_head(micalg, delim, out);
	} while (memmem(entity, len, delim, strlen(delim)) != NULL);
	sg_buf_append(out, entity, len);
	sg_mimesig_build_tail(delim, der, dlen, out);
}

/* sg_mimesig_ar_is_ours - does this A-R value claim authserv_id? */
bool	sg_mimesig_ar_is_ours(const char *value, const char *authserv_id)
{
	const char *p = value;
	size_t	n = 0;
	int	depth = 0;

	/* skip CFWS: white space and (nested) comments */
	while (*p) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (depth == 0 && *p != ' ' && *p != '\t')
			break;
		p++;
	}
	if (*p == '"')			/* a quoted authserv-id */
		p++;
	while (p[n] && p[n] != ';' && p[n] != ' ' && p[n] != '\t'
	       && p[n] != '(' && p[n] != '"')
		n++;
	return n == strlen(authserv_id) && n > 0
		&& strncasecmp(p, authserv_id, n) == 0;
}

/* sg_mimesig_clean - printable ASCII only; quotes and backslashes too */
static void sg_mimesig_clean(sg_buf *out, const char *s, bool in_quotes,
			     bool in_comment)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char) *s;

		if (c < 0x20 || c >= 0x7f || c == '\\'
		    || (in_quotes && c == '"')
		    || (in_comment && (c == '(' || c == ')')))
			c = '?';
		sg_buf_append(out, &c, 1);
	}
}

/* sg_mimesig_is_token - a value that needs no quotes (RFC 8601 pvalue) */
static bool sg_mimesig_is_token(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f
		    || strchr("()<>@,;:\\\"/[]?=", *s) != NULL)
			return false;
	return true;
}

/* sg_mimesig_prop - " body.NAME=value", quoted when it must be */
static void sg_mimesig_prop(sg_buf *f, const char *name, const char *value,
			    bool addr)
{
	if (value == NULL || *value == '\0')
		return;
	sg_buf_append_str(f, "\n\tbody.");
	sg_buf_append_str(f, name);
	sg_buf_append_str(f, "=");
	if (sg_mimesig_is_token(value) || (addr && strchr(value, '"') == NULL
					   && strpbrk(value, " \t();,") == NULL)) {
		sg_mimesig_clean(f, value, false, false);
	} else {
		sg_buf_append_str(f, "\"");
		sg_mimesig_clean(f, value, true, false);
		sg_buf_append_str(f, "\"");
	}
}

/* sg_mimesig_ar_add - one result; the first call starts the field */
void	sg_mimesig_ar_add(sg_buf *field, const char *authserv_id,
			  const sg_mimesig_result *r)
{
	if (field->len == 0) {
		sg_buf_append_str(field, "Authentication-Results: ");
		sg_mimesig_clean(field, authserv_id, false, false);
	}
	sg_buf_append_str(field, ";\n\tsmime=");
	sg_buf_append_str(field, r->result);
	if (r->comment) {
		sg_buf_append_str(field, " (");
		sg_mimesig_clean(field, r->comment, false, true);
		sg_buf_append_str(field, ")");
	}
	sg_mimesig_prop(field, "smime-identifier", r->identifier, true);
	sg_mimesig_prop(field, "smime-part", r->part, false);
	sg_mimesig_prop(field, "smime-serial", r->serial, false);
	sg_mimesig_prop(field, "smime-issuer", r->issuer, false);
}

/* sg_mimesig_ar_finish - end the field with LF; "smime=none" if empty */
void	sg_mimesig_ar_finish(sg_buf *field, const char *authserv_id)
{
	if (field->len == 0) {
		sg_buf_append_str(field, "Authentication-Results: ");
		sg_mimesig_clean(field, authserv_id, false, false);
		sg_buf_append_str(field, ";\n\tsmime=none");
	}
	sg_buf_append_str(field, "\n");
}
