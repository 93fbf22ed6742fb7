/*
 * NAME
 *	sg_mime 3
 * SUMMARY
 *	S/MIME message wrapping and unwrapping
 * DESCRIPTION
 *	Raw header fields are found by sg_mime_fields(); GMime answers the
 *	questions about MIME structure and transfer encodings.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "sg_b64.h"
#include "sg_cms.h"
#include "sg_ctype.h"
#include "sg_mem.h"
#include "sg_mime.h"

/* One raw header field: bytes [start, end) including its line ends. */
typedef struct sg_mime_field {
	size_t	start;
	size_t	end;
	size_t	name_len;
} sg_mime_field;

struct sg_mime {
	const uint8_t *data;
	size_t	len;
	sg_mime_field *fields;
	size_t	nfields;
	size_t	body;		/* offset of the body */
	bool	blank;		/* the header ended with an empty line */
	GMimeMessage *msg;	/* NULL when GMime found nothing */
	bool	parsed;		/* msg was made (sg_mime_tree) */
	GMimeMessage *head;	/* header and first body bytes only */
};

/* sg_mime_line_end - offset just past the line that starts at pos */
static size_t sg_mime_line_end(const uint8_t *d, size_t len, size_t pos)
{
	const uint8_t *nl = memchr(d + pos, '\n', len - pos);

	return nl ? (size_t) (nl - d) + 1 : len;
}

/*
 * sg_mime_field_name_len - length of the name in "name:" or "name :", 0 if
 * the line is not a header field. As Postfix's is_header(): printable
 * characters other than ':', then optional white space (the obsolete
 * syntax of RFC 5322 section 4.5), then ':'.
 */
static size_t sg_mime_field_name_len(const uint8_t *d, size_t len, size_t pos)
{
	size_t	i = pos, name;

	while (i < len && d[i] > ' ' && d[i] < 0x7f && d[i] != ':')
		i++;
	name = i - pos;
	while (i < len && (d[i] == ' ' || d[i] == '\t'))
		i++;
	return (name > 0 && i < len && d[i] == ':') ? name : 0;
}

/* sg_mime_is_blank - an empty line (LF or CRLF) at pos? */
static bool sg_mime_is_blank(const uint8_t *d, size_t len, size_t pos)
{
	return (pos < len && d[pos] == '\n')
		|| (pos + 1 < len && d[pos] == '\r' && d[pos + 1] == '\n');
}

/* sg_mime_fields - split the header block into raw fields */
static void sg_mime_fields(sg_mime *m)
{
	const uint8_t *d = m->data;
	size_t	pos = 0, cap = 0, nlen;

	while (pos < m->len) {
		if (sg_mime_is_blank(d, m->len, pos)) {
			m->body = sg_mime_line_end(d, m->len, pos);
			m->blank = true;
			return;
		}
		nlen = sg_mime_field_name_len(d, m->len, pos);
		if (nlen == 0)
			break;			/* the body starts here */
		if (m->nfields == cap) {
			cap = cap ? 2 * cap : 32;
			m->fields = sg_realloc(m->fields, cap * sizeof(*m->fields));
		}
		m->fields[m->nfields].start = pos;
		m->fields[m->nfields].name_len = nlen;
		pos = sg_mime_line_end(d, m->len, pos);
		while (pos < m->len && (d[pos] == ' ' || d[pos] == '\t'))
			pos = sg_mime_line_end(d, m->len, pos);
		m->fields[m->nfields].end = pos;
		m->nfields++;
	}
	m->body = pos;
}

/*
 * sg_mime_raw - the raw fields of data's header block in m, without
 * GMime (the caller frees m->fields)
 */
static void sg_mime_raw(sg_mime *m, const uint8_t *data, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->data = data;
	m->len = len;
	sg_mime_fields(m);
}

/* sg_mime_is_ws_line - a line of only spaces and tabs at pos? */
static bool sg_mime_is_ws_line(const uint8_t *d, size_t len, size_t pos)
{
	while (pos < len && (d[pos] == ' ' || d[pos] == '\t'))
		pos++;
	return pos == len || d[pos] == '\n'
		|| (d[pos] == '\r' && pos + 1 < len && d[pos + 1] == '\n');
}

/*
 * sg_mime_check_header - refuse a header block that readers split in
 * different ways: a CR not followed by LF (a line end to some readers,
 * data to Postfix and to us), or a line of only white space followed by
 * more header lines (a continuation to Postfix and RFC 5322's obs-FWS,
 * the end of the header to other readers).
 */
static sg_status sg_mime_check_header(const sg_mime *m)
{
	const uint8_t *d = m->data;
	size_t	i, pos, end, next;

	for (i = 0; i < m->nfields; i++) {
		end = m->fields[i].end;
		/* Postfix keeps at most header_size_limit (100 KB) of one */
		if (end - m->fields[i].start > SG_MIME_MAX_FIELD)
			return sg_status_make(SG_REJECT, "a message header field "
					      "is larger than %d bytes",
					      SG_MIME_MAX_FIELD);
		for (pos = m->fields[i].start; pos < end; pos++)
			if (d[pos] == '\r' && (pos + 1 == end || d[pos + 1] != '\n'))
				return sg_status_make(SG_REJECT, "message header "
						      "contains a bare CR "
						      "(carriage return "
						      "without line feed)");
		/* the continuation lines: all but the field's first line */
		for (pos = sg_mime_line_end(d, end, m->fields[i].start);
		     pos < end; pos = next) {
			next = sg_mime_line_end(d, end, pos);
			if (sg_mime_is_ws_line(d, end, pos)
			    && (next < end || i + 1 < m->nfields))
				return sg_status_make(SG_REJECT, "message header "
						      "contains a line of only "
						      "white space followed by "
						      "more header lines");
		}
	}
	return sg_status_ok();
}

/* sg_mime_field_is - is field f named name (case-insensitive)? */
static bool sg_mime_field_is(const sg_mime *m, const sg_mime_field *f,
			     const char *name)
{
	return f->name_len == strlen(name)
		&& strncasecmp((const char *) m->data + f->start, name,
			       f->name_len) == 0;
}

/* sg_mime_field_is_content - a Content-* field? */
static bool sg_mime_field_is_content(const sg_mime *m, const sg_mime_field *f)
{
	return f->name_len > 8
		&& strncasecmp((const char *) m->data + f->start, "Content-",
			       8) == 0;
}

/* sg_mime_init - GMime's global set-up, once per process */
void	sg_mime_init(void)
{
	static bool done;

	if (!done) {
		g_mime_init();
		done = true;
	}
}

/* sg_mime_parse - parse a message; the data must outlive *m */
sg_status sg_mime_parse(const uint8_t *data, size_t len, sg_mime **mp)
{
	sg_mime *m;
	sg_status st;

	*mp = NULL;
	if (len == 0)
		return sg_status_make(SG_REJECT, "empty message");
	m = sg_calloc(1, sizeof(*m));
	m->data = data;
	m->len = len;
	sg_mime_fields(m);
	if (m->nfields == 0) {
		sg_mime_free(m);
		return sg_status_make(SG_REJECT, "message has no header");
	}
	st = sg_mime_check_header(m);
	if (!sg_status_is_ok(&st)) {
		sg_mime_free(m);
		return st;
	}
	*mp = m;
	return sg_status_ok();
}

/* sg_mime_gmime_parse - GMime's parse of len bytes of data */
static GMimeMessage *sg_mime_gmime_parse(const uint8_t *data, size_t len)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	sg_mime_init();
	stream = g_mime_stream_mem_new_with_buffer((const char *) data, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

/*
 * sg_mime_tree - GMime's parse of the whole message, made on first use:
 * a message that is only wrapped (outbound) never costs a MIME parse or
 * GMime's copies of its body
 */
static GMimeMessage *sg_mime_tree(sg_mime *m)
{
	if (!m->parsed) {
		m->msg = sg_mime_gmime_parse(m->data, m->len);
		m->parsed = true;
	}
	return m->msg;
}

/*
 * sg_mime_head_tree - enough of a parse for the top level's content type
 * and encoding: the whole tree when the body is small (or the tree is
 * made already), else a parse of the header and the first
 * SG_MIME_HEAD_BODY bytes of the body
 */
static GMimeMessage *sg_mime_head_tree(sg_mime *m)
{
	if (m->parsed || m->len - m->body <= SG_MIME_HEAD_BODY)
		return sg_mime_tree(m);
	if (m->head == NULL)
		m->head = sg_mime_gmime_parse(m->data, m->body
					      + SG_MIME_HEAD_BODY);
	return m->head;
}

void	sg_mime_free(sg_mime *m)
{
	if (m == NULL)
		return;
	if (m->msg)
		g_object_unref(m->msg);
	if (m->head)
		g_object_unref(m->head);
	free(m->fields);
	free(m);
}

/* sg_mime_top_part - the top-level leaf part of a parse, or NULL */
static GMimePart *sg_mime_top_part(GMimeMessage *msg)
{
	GMimeObject *obj;

	if (msg == NULL)
		return NULL;
	obj = g_mime_message_get_mime_part(msg);
	return (obj && GMIME_IS_PART(obj)) ? GMIME_PART(obj) : NULL;
}

/*
 * sg_mime_token_is - is a parameter value, up to white space, a comment
 * or a quote, the token want (case-insensitive)? GMime may hand back
 * "enveloped-data (comment)" for smime-type=enveloped-data (comment).
 */
static bool sg_mime_token_is(const char *value, const char *want)
{
	size_t	n;

	if (value == NULL)
		return false;
	value += strspn(value, " \t");
	n = strcspn(value, " \t(\";");
	return n == strlen(want) && strncasecmp(value, want, n) == 0;
}

/*
 * sg_mime_peek_part - sg_cms_peek() on the first SG_MIME_PEEK_LEN decoded
 * bytes of a part's content: reads only as much of the transfer encoding
 * as that needs.
 */
static sg_cms_kind sg_mime_peek_part(GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *stream;
	GMimeEncoding enc;
	sg_buf	dec = SG_BUF_INIT;
	char	raw[4096];
	ssize_t	n;
	sg_cms_kind kind;

	if (content == NULL
	    || (stream = g_mime_data_wrapper_get_stream(content)) == NULL)
		return SG_CMS_KIND_UNKNOWN;
	g_mime_encoding_init_decode(&enc,
				    g_mime_data_wrapper_get_encoding(content));
	g_mime_stream_reset(stream);
	while (dec.len < SG_MIME_PEEK_LEN) {
		n = g_mime_stream_read(stream, raw, sizeof(raw));
		sg_buf_reserve(&dec, g_mime_encoding_outlen(&enc, n > 0
						      ? (size_t) n : 0) + 16);
		if (n <= 0) {
			sg_buf_set_len(&dec, dec.len + g_mime_encoding_flush(&enc,
					 raw, 0, (char *) dec.data + dec.len));
			break;
		}
		sg_buf_set_len(&dec, dec.len + g_mime_encoding_step(&enc, raw,
					  (size_t) n, (char *) dec.data + dec.len));
	}
	g_mime_stream_reset(stream);
	kind = sg_cms_peek(dec.data, dec.len);
	sg_buf_free(&dec);
	return kind;
}

/* sg_mime_ctype_parse - value read by sg_ctype if simple, else by GMime */
bool	sg_mime_ctype_parse(const char *value, sg_mime_ctype *t)
{
	memset(t, 0, sizeof(*t));
	t->is_simple = sg_ctype_parse(value, &t->simple);
	if (t->is_simple)
		return true;
	sg_mime_init();
	t->gmime = g_mime_content_type_parse(NULL, value);
	return t->gmime != NULL;
}

/* sg_mime_ctype_is - type/sub ("*": any subtype) */
bool	sg_mime_ctype_is(const sg_mime_ctype *t, const char *type,
			 const char *sub)
{
	if (t->is_simple)
		return sg_ctype_is(&t->simple, type, sub);
	return t->gmime != NULL
		&& g_mime_content_type_is_type(t->gmime, type, sub);
}

/* sg_mime_ctype_param - a parameter's value into buf; false if none/long */
bool	sg_mime_ctype_param(const sg_mime_ctype *t, const char *name,
			    char *buf, size_t size)
{
	const char *v;

	if (t->is_simple)
		return sg_ctype_param(&t->simple, name, buf, size);
	if (t->gmime == NULL
	    || (v = g_mime_content_type_get_parameter(t->gmime, name)) == NULL
	    || strlen(v) >= size)
		return false;
	memcpy(buf, v, strlen(v) + 1);
	return true;
}

/* sg_mime_ctype_free - release t (after any answer of _parse) */
void	sg_mime_ctype_free(sg_mime_ctype *t)
{
	if (t->gmime != NULL)
		g_object_unref(t->gmime);
	t->gmime = NULL;
}

/*
 * sg_mime_single - the one field called name; NULL: none, or several
 * (GMime reads the last of several); *many (may be NULL) says which
 */
static const sg_mime_field *sg_mime_single(const sg_mime *m, const char *name,
					   bool *many)
{
	const sg_mime_field *f = NULL;
	size_t	i;

	if (many != NULL)
		*many = false;
	for (i = 0; i < m->nfields; i++) {
		if (!sg_mime_field_is(m, &m->fields[i], name))
			continue;
		if (f != NULL) {
			if (many != NULL)
				*many = true;
			return NULL;
		}
		f = &m->fields[i];
	}
	return f;
}

static void sg_mime_unfold(const uint8_t *, const sg_mime_field *, sg_buf *);

/*
 * sg_mime_simple_ctype - m's one Content-Type, when it has the simple form
 * that sg_ctype reads as GMime does (ct points into value)
 */
static bool sg_mime_simple_ctype(const sg_mime *m, sg_buf *value,
				 sg_ctype *ct)
{
	const sg_mime_field *f = sg_mime_single(m, "Content-Type", NULL);

	if (f == NULL)
		return false;
	sg_mime_unfold(m->data, f, value);
	return strlen((const char *) value->data) == value->len
		&& sg_ctype_parse((const char *) value->data, ct);
}

/*
 * sg_mime_b64_leaf - is m a leaf of type application/ whose one
 * Content-Transfer-Encoding is base64, its header ended by an empty line
 * (where GMime's body begins too): a body sg_b64_decode may read for
 * GMime
 */
static bool sg_mime_b64_leaf(const sg_mime *m)
{
	const sg_mime_field *f = sg_mime_single(m,
						"Content-Transfer-Encoding",
						NULL);
	sg_buf	value = SG_BUF_INIT;
	sg_ctype ct;
	bool	ok;

	if (!m->blank || f == NULL)
		return false;
	sg_mime_unfold(m->data, f, &value);
	ok = value.len == 6 && strncasecmp((const char *) value.data,
					   "base64", 6) == 0
		&& sg_mime_simple_ctype(m, &value, &ct)
		&& sg_ctype_is(&ct, "application", "*");
	sg_buf_free(&value);
	return ok;
}

/*
 * sg_mime_top_is_envelope - a simple Content-Type (sg_mime_simple_ctype)
 * that declares enveloped or authEnveloped S/MIME: what GMime's parse
 * would say, without GMime
 */
static bool sg_mime_top_is_envelope(const sg_mime *m)
{
	sg_buf	value = SG_BUF_INIT;
	sg_ctype ct;
	char   *type;
	bool	yes = false;

	if (sg_mime_simple_ctype(m, &value, &ct)
	    && (sg_ctype_is(&ct, "application", "pkcs7-mime")
		|| sg_ctype_is(&ct, "application", "x-pkcs7-mime"))) {
		/* no parameter is longer than the value it is part of */
		type = sg_malloc(value.len + 1);
		yes = sg_ctype_param(&ct, "smime-type", type, value.len + 1)
			&& (sg_mime_token_is(type, "enveloped-data")
			    || sg_mime_token_is(type, "authEnveloped-data"));
		free(type);
	}
	sg_buf_free(&value);
	return yes;
}

/*
 * sg_mime_classify - ENCRYPTED when the top level declares enveloped or
 * authEnveloped S/MIME (fail closed even if the body is broken), or when
 * it is an application leaf whose body begins as a CMS EnvelopedData or
 * AuthEnvelopedData, whatever its parameters say.
 */
sg_mime_kind sg_mime_classify(sg_mime *m)
{
	GMimePart *part;
	GMimeContentType *ct;
	const char *smime_type;

	if (sg_mime_plain_top(m))
		return SG_MIME_OTHER;
	if (sg_mime_top_is_envelope(m))
		return SG_MIME_ENCRYPTED;	/* said as GMime would */
	part = sg_mime_top_part(sg_mime_head_tree(m));
	if (part == NULL)
		return SG_MIME_OTHER;
	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	if (g_mime_content_type_is_type(ct, "application", "pkcs7-mime")
	    || g_mime_content_type_is_type(ct, "application", "x-pkcs7-mime")) {
		smime_type = g_mime_content_type_get_parameter(ct, "smime-type");
		if (sg_mime_token_is(smime_type, "enveloped-data")
		    || sg_mime_token_is(smime_type, "authEnveloped-data"))
			return SG_MIME_ENCRYPTED;
	}
	if (!g_mime_content_type_is_type(ct, "application", "*"))
		return SG_MIME_OTHER;
	return sg_mime_peek_part(part) == SG_CMS_KIND_UNKNOWN ? SG_MIME_OTHER
		: SG_MIME_ENCRYPTED;
}

struct sg_mime_decoder {
	GMimeEncoding enc;
};

/* sg_mime_decoder_new - GMime's decoder for the top-level part's body */
sg_mime_decoder *sg_mime_decoder_new(sg_mime *m)
{
	GMimePart *part = sg_mime_top_part(sg_mime_head_tree(m));
	sg_mime_decoder *d;

	if (part == NULL)
		return NULL;
	d = sg_calloc(1, sizeof(*d));
	g_mime_encoding_init_decode(&d->enc,
				    g_mime_part_get_content_encoding(part));
	return d;
}

/* sg_mime_decoder_step - decode the next len raw bytes, appended to out */
void	sg_mime_decoder_step(sg_mime_decoder *d, const uint8_t *in, size_t len,
			     sg_buf *out)
{
	size_t	n;

	for (; len > 0; in += n, len -= n) {
		n = len < 65536 ? len : 65536;
		sg_buf_reserve(out, g_mime_encoding_outlen(&d->enc, n) + 16);
		sg_buf_set_len(out, out->len + g_mime_encoding_step(&d->enc,
				       (const char *) in, n,
				       (char *) out->data + out->len));
	}
}

/* sg_mime_decoder_end - the decoder's last bytes, appended; d is freed */
void	sg_mime_decoder_end(sg_mime_decoder *d, sg_buf *out)
{
	if (d == NULL)
		return;
	sg_buf_reserve(out, g_mime_encoding_outlen(&d->enc, 0) + 16);
	sg_buf_set_len(out, out->len + g_mime_encoding_flush(&d->enc, "", 0,
					 (char *) out->data + out->len));
	free(d);
}

/* sg_mime_b64_body - m's body decoded by nettle, if a simple base64 leaf */
static bool sg_mime_b64_body(const sg_mime *m, sg_buf *out)
{
	return sg_mime_b64_leaf(m)
		&& sg_b64_decode(m->data + m->body, m->len - m->body, out);
}

/* sg_mime_part_b64 - the body of a simple base64 leaf, decoded by nettle */
bool	sg_mime_part_b64(const uint8_t *data, size_t len, sg_buf *out)
{
	sg_mime	e;
	bool	ok;

	sg_mime_raw(&e, data, len);
	ok = sg_mime_b64_body(&e, out);
	free(e.fields);
	return ok;
}

/* sg_mime_smime_body - decoded body of the top-level part into out */
sg_status sg_mime_smime_body(sg_mime *m, sg_buf *out)
{
	GMimePart *part;
	GMimeDataWrapper *content;
	GMimeStream *mem;
	GByteArray *bytes;

	sg_buf_reset(out);
	if (sg_mime_b64_body(m, out)) {
		/* strict base64 of a simple leaf: nettle, not GMime */
		if (out->len == 0)
			return sg_status_make(SG_REJECT, "S/MIME body is empty");
		return sg_status_ok();
	}
	part = sg_mime_top_part(sg_mime_head_tree(m));
	if (part == NULL || (content = g_mime_part_get_content(part)) == NULL)
		return sg_status_make(SG_REJECT, "message has no S/MIME body");
	if (!m->parsed) {
		/* a large body: decoded from our bytes, in pieces */
		sg_mime_decoder *d = sg_mime_decoder_new(m);

		sg_buf_reserve(out, (m->len - m->body) / 4 * 3 + 16);
		sg_mime_decoder_step(d, m->data + m->body, m->len - m->body,
				     out);
		sg_mime_decoder_end(d, out);
	} else {
		bytes = g_byte_array_new();
		mem = g_mime_stream_mem_new_with_byte_array(bytes);
		g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
		if (g_mime_data_wrapper_write_to_stream(content, mem) < 0) {
			g_object_unref(mem);
			g_byte_array_free(bytes, TRUE);
			return sg_status_make(SG_REJECT, "S/MIME body does "
					      "not decode");
		}
		g_object_unref(mem);
		sg_buf_append(out, bytes->data, bytes->len);
		g_byte_array_free(bytes, TRUE);
	}
	if (out->len == 0)
		return sg_status_make(SG_REJECT, "S/MIME body is empty");
	return sg_status_ok();
}

/* sg_mime_entity_head - the entity's Content-* fields, CRLF, and "\r\n" */
static void sg_mime_entity_head(const sg_mime *m, sg_buf *out)
{
	size_t	i;

	for (i = 0; i < m->nfields; i++)
		if (sg_mime_field_is_content(m, &m->fields[i]))
			sg_buf_append_crlf(out, m->data + m->fields[i].start,
				    m->fields[i].end - m->fields[i].start);
	sg_buf_append(out, "\r\n", 2);
}

/* sg_mime_entity_append - sg_mime_entity(), appended to out */
void	sg_mime_entity_append(const sg_mime *m, sg_buf *out)
{
	sg_buf_reserve(out, m->len + (m->len >> 5) + 2);
	sg_mime_entity_head(m, out);
	sg_buf_append_crlf(out, m->data + m->body, m->len - m->body);
}

/* sg_mime_entity - Content-* fields and body, CRLF, into out */
void	sg_mime_entity(const sg_mime *m, sg_buf *out)
{
	sg_buf_reset(out);
	sg_mime_entity_append(m, out);
}

/* sg_mime_entity_open - sg_mime_entity(), read in pieces */
void	sg_mime_entity_open(const sg_mime *m, sg_mime_entity_reader *r)
{
	const uint8_t *d = m->data + m->body;
	size_t	left = m->len - m->body;

	memset(r, 0, sizeof(*r));
	sg_eol_open(&r->body, d, left, SG_EOL_CRLF);
	sg_mime_entity_head(m, &r->head);
	r->total = r->head.len + sg_eol_length(d, left, SG_EOL_CRLF);
}

/* sg_mime_entity_read - the next want bytes of the entity (sg_cms_source) */
size_t	sg_mime_entity_read(void *ctx, uint8_t *buf, size_t want)
{
	sg_mime_entity_reader *r = ctx;
	size_t	n = 0, k;

	if (r->head_off < r->head.len) {
		k = r->head.len - r->head_off;
		n = k < want ? k : want;
		memcpy(buf, r->head.data + r->head_off, n);
		r->head_off += n;
	}
	return n + sg_eol_read(&r->body, buf + n, want - n);
}

/* sg_mime_entity_close - release a reader */
void	sg_mime_entity_close(sg_mime_entity_reader *r)
{
	sg_buf_wipe_free(&r->head);
}

/*
 * sg_mime_append_field - one raw field with LF line ends. A continuation
 * line of only white space is left out (unfolded it is only white space,
 * and some readers end the header block there); a CR without LF becomes
 * a space (only entity fields can hold one: sg_mime_parse refuses them).
 */
static void sg_mime_append_field(sg_buf *out, const uint8_t *p, size_t len)
{
	size_t	pos, next, i, run;

	for (pos = 0; pos < len; pos = next) {
		next = sg_mime_line_end(p, len, pos);
		if (pos > 0 && sg_mime_is_ws_line(p, next, pos))
			continue;
		for (i = run = pos; i < next; i++) {
			if (p[i] != '\r')
				continue;
			sg_buf_append(out, p + run, i - run);
			if (i + 1 == next || p[i + 1] != '\n')
				sg_buf_append(out, " ", 1);
			run = i + 1;
		}
		sg_buf_append(out, p + run, next - run);
	}
	if (out->len && out->data[out->len - 1] != '\n')
		sg_buf_append(out, "\n", 1);
}

/* sg_mime_keep_outer - copy the fields that stay outside the envelope */
static void sg_mime_keep_outer(const sg_mime *m, sg_buf *out)
{
	const sg_mime_field *f;
	size_t	i;

	for (i = 0; i < m->nfields; i++) {
		f = &m->fields[i];
		if (sg_mime_field_is_content(m, f)
		    || sg_mime_field_is(m, f, "MIME-Version")
		    || sg_mime_field_is(m, f, "Bcc")
		    || sg_mime_field_is(m, f, "Resent-Bcc"))
			continue;
		sg_mime_append_field(out, m->data + f->start, f->end - f->start);
	}
}

/* sg_mime_wrap - the outbound S/MIME message into out */
void	sg_mime_wrap(const sg_mime *m, const uint8_t *der, size_t len,
		     bool auth_enveloped, sg_buf *out)
{
	sg_buf_reset(out);
	sg_mime_keep_outer(m, out);
	sg_buf_append_str(out, "MIME-Version: 1.0\n"
			  "Content-Type: application/pkcs7-mime; smime-type=");
	sg_buf_append_str(out, auth_enveloped ? "authEnveloped-data"
			  : "enveloped-data");
	sg_buf_append_str(out, "; name=\"smime.p7m\"\n"
			  "Content-Transfer-Encoding: base64\n"
		       "Content-Disposition: attachment; filename=\"smime.p7m\"\n"
			  "Content-Description: S/MIME Encrypted Message\n\n");
	sg_b64_encode(der, len, false, out);
}

/*
 * Decryption: merging the outer header with the entity's header.
 */

/* A field name, for sorted lookups; idx is the field's index. */
typedef struct sg_mime_key {
	const char *name;
	size_t	len;
	size_t	idx;
} sg_mime_key;

/* sg_mime_name_cmp - compare two field names, case-insensitive */
static int sg_mime_name_cmp(const char *a, size_t alen, const char *b,
			    size_t blen)
{
	int	c = strncasecmp(a, b, alen < blen ? alen : blen);

	if (c == 0 && alen != blen)
		c = alen < blen ? -1 : 1;
	return c;
}

/* sg_mime_key_cmp - by name, then by position */
static int sg_mime_key_cmp(const void *va, const void *vb)
{
	const sg_mime_key *a = va, *b = vb;
	int	c = sg_mime_name_cmp(a->name, a->len, b->name, b->len);

	if (c == 0 && a->idx != b->idx)
		c = a->idx < b->idx ? -1 : 1;
	return c;
}

/* sg_mime_name_in - does the sorted key array hold name? */
static bool sg_mime_name_in(const sg_mime_key *keys, size_t n,
			    const char *name, size_t len)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = sg_mime_name_cmp(name, len, keys[mid].name, keys[mid].len);
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* The header fields that RFC 5322 section 3.6 allows once at most. */
static const char *const sg_mime_once[] = {
	"Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Message-ID",
	"In-Reply-To", "References", "Subject",
};

/* Entity fields never delivered: trace, authentication, ours, RFC 9788. */
static const char *const sg_mime_inner_drop[] = {
	"Received", "Return-Path", "Delivered-To", "X-Original-To",
	"Authentication-Results", "ARC-Authentication-Results",
	"ARC-Message-Signature", "ARC-Seal", SG_MIME_TRACE_HEADER, "HP-Outer",
	"MIME-Version",
};

/* sg_mime_field_in - is field f named one of names? */
static bool sg_mime_field_in(const sg_mime *m, const sg_mime_field *f,
			     const char *const *names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (sg_mime_field_is(m, f, names[i]))
			return true;
	return false;
}

#define SG_MIME_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* sg_mime_outer_kept - an outer field that can reach the output */
static bool sg_mime_outer_kept(const sg_mime *m, const sg_mime_field *f)
{
	return !sg_mime_field_is_content(m, f)
		&& !sg_mime_field_is(m, f, "MIME-Version")
		&& !sg_mime_field_is(m, f, SG_MIME_TRACE_HEADER);
}

/* sg_mime_inner_kept - an entity field that can reach the output */
static bool sg_mime_inner_kept(const sg_mime *m, const sg_mime_field *f)
{
	return !sg_mime_field_in(m, f, sg_mime_inner_drop,
				 SG_MIME_NELEM(sg_mime_inner_drop));
}

/*
 * sg_mime_keys - the sorted names of m's fields that pass keep(); with
 * later set, later[i] says that field i repeats a name seen before it
 * and is a field allowed once (sg_mime_once, or any Content-* field).
 */
static size_t sg_mime_keys(const sg_mime *m,
			   bool (*keep) (const sg_mime *, const sg_mime_field *),
			   sg_mime_key **keysp, bool *later)
{
	sg_mime_key *keys = sg_calloc(m->nfields + 1, sizeof(*keys));
	const sg_mime_field *f;
	size_t	i, n = 0;

	for (i = 0; i < m->nfields; i++) {
		if (!keep(m, &m->fields[i]))
			continue;
		keys[n].name = (const char *) m->data + m->fields[i].start;
		keys[n].len = m->fields[i].name_len;
		keys[n].idx = i;
		n++;
	}
	qsort(keys, n, sizeof(*keys), sg_mime_key_cmp);
	for (i = 1; later && i < n; i++) {
		f = &m->fields[keys[i].idx];
		if (sg_mime_name_cmp(keys[i].name, keys[i].len,
				     keys[i - 1].name, keys[i - 1].len) == 0
		    && (sg_mime_field_is_content(m, f)
			|| sg_mime_field_in(m, f, sg_mime_once,
					    SG_MIME_NELEM(sg_mime_once))))
			later[keys[i].idx] = true;
	}
	*keysp = keys;
	return n;
}

/*
 * sg_mime_hp_cipher - does the entity's first Content-Type field carry
 * hp="cipher" (RFC 9788 header protection of an encrypted message)?
 */
static bool sg_mime_hp_cipher(const sg_mime *e)
{
	const sg_mime_field *f;
	sg_mime_ctype ct;
	char   *value, *hp;
	size_t	i, pos, n = 0;
	bool	is;

	for (i = 0; i < e->nfields; i++)
		if (sg_mime_field_is(e, &e->fields[i], "Content-Type"))
			break;
	if (i == e->nfields)
		return false;
	f = &e->fields[i];
	value = sg_malloc(f->end - f->start + 1);
	pos = f->start + f->name_len;
	while (pos < f->end && e->data[pos] != ':')
		pos++;
	for (pos++; pos < f->end; pos++)	/* unfold; NUL ends nothing */
		if (e->data[pos] != '\r' && e->data[pos] != '\n')
			value[n++] = e->data[pos] ? (char) e->data[pos] : ' ';
	value[n] = 0;
	/* no parameter is longer than the value it is part of */
	hp = sg_malloc(n + 1);
	is = sg_mime_ctype_parse(value, &ct)
		&& sg_mime_ctype_param(&ct, "hp", hp, n + 1)
		&& sg_mime_token_is(hp, "cipher");
	sg_mime_ctype_free(&ct);
	free(hp);
	free(value);
	return is;
}

/*
 * sg_mime_unwrap - the decrypted inbound message into out: one of each
 * field, as the header documents.
 */
static size_t sg_mime_unwrap_head(const sg_mime *m, const uint8_t *entity,
				  size_t len, const char *trace, sg_buf *out)
{
	sg_mime	e;
	sg_mime_key *okeys, *ikeys;
	size_t	i, nokeys, nikeys;
	bool   *olater, *ilater, hp;
	const sg_mime_field *f;

	sg_mime_raw(&e, entity, len);
	hp = sg_mime_hp_cipher(&e);
	olater = sg_calloc(m->nfields + 1, sizeof(bool));
	ilater = sg_calloc(e.nfields + 1, sizeof(bool));
	nokeys = sg_mime_keys(m, sg_mime_outer_kept, &okeys, olater);
	nikeys = sg_mime_keys(&e, sg_mime_inner_kept, &ikeys, ilater);

	sg_buf_reset(out);
	for (i = 0; i < m->nfields; i++) {
		f = &m->fields[i];
		if (!sg_mime_outer_kept(m, f) || olater[i])
			continue;
		/* RFC 9788: the protected copy of a field wins */
		if (hp && sg_mime_name_in(ikeys, nikeys, (const char *) m->data
					  + f->start, f->name_len))
			continue;
		sg_mime_append_field(out, m->data + f->start, f->end - f->start);
	}
	sg_buf_append_str(out, SG_MIME_TRACE_HEADER ": ");
	sg_buf_append_str(out, trace);
	sg_buf_append_str(out, "\nMIME-Version: 1.0\n");
	for (i = 0; i < e.nfields; i++) {
		f = &e.fields[i];
		if (!sg_mime_inner_kept(&e, f) || ilater[i])
			continue;
		/* without header protection the outer copy wins */
		if (!hp && !sg_mime_field_is_content(&e, f)
		    && sg_mime_name_in(okeys, nokeys, (const char *) e.data
				       + f->start, f->name_len))
			continue;
		sg_mime_append_field(out, e.data + f->start, f->end - f->start);
	}
	sg_buf_append(out, "\n", 1);
	free(okeys);
	free(ikeys);
	free(olater);
	free(ilater);
	free(e.fields);
	return e.body;
}

void	sg_mime_unwrap(const sg_mime *m, const uint8_t *entity, size_t len,
		       const char *trace, sg_buf *out)
{
	size_t	body = sg_mime_unwrap_head(m, entity, len, trace, out);

	sg_buf_append_lf(out, entity + body, len - body);
}

/* sg_mime_unwrap_buf - sg_mime_unwrap() of the entity in buf, in place */
void	sg_mime_unwrap_buf(const sg_mime *m, sg_buf *buf, const char *trace)
{
	sg_buf	head = SG_BUF_INIT;
	size_t	body;

	body = sg_mime_unwrap_head(m, buf->data, buf->len, trace, &head);
	sg_buf_lf_from(buf, body);
	sg_buf_splice(buf, 0, body, head.data, head.len);
	sg_buf_wipe_free(&head);
}

/* sg_mime_strip_trace - data without our trace header fields */
void	sg_mime_strip_trace(const uint8_t *data, size_t len, sg_buf *out,
			    bool *changed)
{
	sg_mime	m;
	size_t	i, from = 0;

	sg_mime_raw(&m, data, len);
	sg_buf_reset(out);
	*changed = false;
	for (i = 0; i < m.nfields; i++) {
		if (!sg_mime_field_is(&m, &m.fields[i], SG_MIME_TRACE_HEADER))
			continue;
		sg_buf_append(out, data + from, m.fields[i].start - from);
		from = m.fields[i].end;
		*changed = true;
	}
	sg_buf_append(out, data + from, len - from);
	free(m.fields);
}

/* sg_mime_unfold - a field's value without its name, folding and ends */
static void sg_mime_unfold(const uint8_t *d, const sg_mime_field *f,
			   sg_buf *value)
{
	size_t	i = f->start + f->name_len;

	sg_buf_reset(value);
	while (i < f->end && d[i] != ':')
		i++;
	for (i++; i < f->end && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r'
				 || d[i] == '\n'); i++)
		;
	for (; i < f->end; i++)
		if (d[i] != '\r' && d[i] != '\n')
			sg_buf_append(value, d + i, 1);
	while (value->len > 0 && (value->data[value->len - 1] == ' '
				  || value->data[value->len - 1] == '\t'))
		value->len--;
	sg_buf_append(value, "", 0);
	value->data[value->len] = '\0';
}

/* sg_mime_header - the unfolded value of the first field called name */
bool	sg_mime_header(const sg_mime *m, const char *name, sg_buf *value)
{
	size_t	i;

	for (i = 0; i < m->nfields; i++) {
		if (sg_mime_field_is(m, &m->fields[i], name)) {
			sg_mime_unfold(m->data, &m->fields[i], value);
			return true;
		}
	}
	return false;
}

/* sg_mime_is - the n bytes at p are want, in any case */
static bool sg_mime_is(const char *p, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(p, want, n) == 0;
}

/* sg_mime_plain_top - a top level that holds no S/MIME, without GMime */
bool	sg_mime_plain_top(const sg_mime *m)
{
	sg_buf	value = SG_BUF_INIT;
	const sg_mime_field *ct;
	const char *p, *type, *sub;
	size_t	tn, sn;
	bool	plain = false, many;

	ct = sg_mime_single(m, "Content-Type", &many);
	if (many)
		return false;		/* GMime reads the last one */
	if (ct == NULL)
		return true;		/* text/plain (RFC 2045 5.2) */
	sg_mime_unfold(m->data, ct, &value);
	p = value.len ? (const char *) value.data : "";
	type = p + strspn(p, " \t");
	tn = sg_ctype_token(type);
	if (tn == 0 || type[tn] != '/')
		goto cleanup;
	sub = type + tn + 1;
	sn = sg_ctype_token(sub);
	p = sub + sn;
	p += strspn(p, " \t");
	if (sn == 0 || (*p != ';' && *p != '\0'))
		goto cleanup;
	plain = sg_mime_is(type, tn, "text") || sg_mime_is(type, tn, "image")
		|| sg_mime_is(type, tn, "audio") || sg_mime_is(type, tn, "video")
		|| (sg_mime_is(type, tn, "multipart")
		    && (sg_mime_is(sub, sn, "alternative")
			|| sg_mime_is(sub, sn, "related")
			|| sg_mime_is(sub, sn, "report")));
cleanup:
	sg_buf_free(&value);
	return plain;
}

/* sg_mime_body - the raw bytes after the header block */
void	sg_mime_body(const sg_mime *m, const uint8_t **body, size_t *len)
{
	*body = m->data + m->body;
	*len = m->len - m->body;
}

/* sg_mime_strip_fields - data without the fields drop() picks */
void	sg_mime_strip_fields(const uint8_t *data, size_t len,
			     sg_mime_drop_fn drop, void *ctx, sg_buf *out,
			     size_t *dropped)
{
	sg_mime	m;
	sg_buf	value = SG_BUF_INIT;
	char	name[128];
	size_t	i, from = 0, n;

	sg_mime_raw(&m, data, len);
	sg_buf_reset(out);
	*dropped = 0;
	for (i = 0; i < m.nfields; i++) {
		n = m.fields[i].name_len < sizeof(name) - 1
			? m.fields[i].name_len : sizeof(name) - 1;
		memcpy(name, data + m.fields[i].start, n);
		name[n] = '\0';
		sg_mime_unfold(data, &m.fields[i], &value);
		if (!drop(name, (const char *) value.data, ctx))
			continue;
		sg_buf_append(out, data + from, m.fields[i].start - from);
		from = m.fields[i].end;
		(*dropped)++;
	}
	sg_buf_append(out, data + from, len - from);
	sg_buf_free(&value);
	free(m.fields);
}

/* sg_mime_rebuild - outer fields, new fields, MIME-Version, the entity */
void	sg_mime_rebuild(const sg_mime *m, const char *fields,
			const uint8_t *entity, size_t len, sg_buf *out)
{
	sg_buf_reset(out);
	sg_mime_keep_outer(m, out);
	sg_buf_append_str(out, fields);
	sg_buf_append_str(out, "MIME-Version: 1.0\n");
	sg_buf_append_lf(out, entity, len);
}


/* sg_mime_is_atext - RFC 5322 atext, ASCII only */
static bool sg_mime_is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		|| (c >= '0' && c <= '9')
		|| (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* sg_mime_dot_atom - length of the dot-atom-text at p; 0: none there */
static size_t sg_mime_dot_atom(const char *p)
{
	size_t	n = 0, start;

	for (;;) {
		start = n;
		while (sg_mime_is_atext(p[n]))
			n++;
		if (n == start)		/* leading, doubled or trailing dot */
			return 0;
		if (p[n] != '.')
			return n;
		n++;
	}
}

/*
 * sg_mime_addr_spec - length of "dot-atom@dot-atom" at p; 0: none, or a
 * domain with an A-label ("xn--"), which GMime turns into its U-label
 */
static size_t sg_mime_addr_spec(const char *p)
{
	size_t	local = sg_mime_dot_atom(p), domain, i;
	const char *d;

	if (local == 0 || p[local] != '@'
	    || (domain = sg_mime_dot_atom(d = p + local + 1)) == 0)
		return 0;
	for (i = 0; i < domain; i++)
		if ((i == 0 || d[i - 1] == '.') && domain - i >= 4
		    && strncasecmp(d + i, "xn--", 4) == 0)
			return 0;
	return local + 1 + domain;
}

/* sg_mime_address_simple - a plain From: value's address, without GMime */
bool	sg_mime_address_simple(const char *value, char *buf, size_t size)
{
	const char *p = value + strspn(value, " \t"), *addr = p;
	size_t	n = sg_mime_addr_spec(p), phrase;

	if (n == 0 || p[n + strspn(p + n, " \t")] != '\0') {
		/* phrase <addr-spec> */
		for (phrase = 0; sg_mime_is_atext(p[phrase]) || p[phrase] == ' '
		     || p[phrase] == '\t'; phrase++)
			;
		if (p[phrase] != '<')
			return false;
		addr = p + phrase + 1;
		n = sg_mime_addr_spec(addr);
		if (n == 0 || addr[n] != '>'
		    || addr[n + 1 + strspn(addr + n + 1, " \t")] != '\0')
			return false;
	}
	snprintf(buf, size, "%.*s", (int) n, addr);
	return true;
}

/* sg_mime_address - the first mailbox address of a header field */
void	sg_mime_address(const sg_mime *m, const char *name, char *buf,
			     size_t size)
{
	sg_buf	value = SG_BUF_INIT;
	InternetAddressList *list;
	InternetAddress *ia;
	const char *addr;

	buf[0] = '\0';
	if (!sg_mime_header(m, name, &value) || value.len == 0
	    || sg_mime_address_simple((const char *) value.data, buf, size))
		goto cleanup;
	sg_mime_init();
	list = internet_address_list_parse(NULL, (const char *) value.data);
	if (list == NULL)
		goto cleanup;
	if (internet_address_list_length(list) > 0
	    && INTERNET_ADDRESS_IS_MAILBOX(ia = internet_address_list_get_address(
						       list, 0))
	    && (addr = internet_address_mailbox_get_addr(
			INTERNET_ADDRESS_MAILBOX(ia))) != NULL)
		snprintf(buf, size, "%s", addr);
	g_object_unref(list);
cleanup:
	sg_buf_free(&value);
}

/* sg_mime_raw_header_len - the size of the header block, its end included */
size_t	sg_mime_raw_header_len(const uint8_t *data, size_t len)
{
	sg_mime	m;

	sg_mime_raw(&m, data, len);
	free(m.fields);
	return m.body;
}

/*
 * sg_mime_raw_header - the unfolded value of the first field called name
 * in the header block of raw data, without parsing the MIME structure
 */
bool	sg_mime_raw_header(const uint8_t *data, size_t len, const char *name,
			   sg_buf *value)
{
	const sg_mime_field *f = NULL;
	sg_mime	m;
	size_t	i;

	sg_mime_raw(&m, data, len);
	sg_buf_reset(value);
	for (i = 0; i < m.nfields && f == NULL; i++)
		if (sg_mime_field_is(&m, &m.fields[i], name))
			f = &m.fields[i];
	if (f != NULL)
		sg_mime_unfold(data, f, value);
	else
		sg_buf_append(value, "", 0);
	free(m.fields);
	return f != NULL;
}

/*
 * sg_mime_footed_envelope - a relay put an envelope into multipart/mixed
 * and added footer parts: the first part is an application type whose
 * body begins as an EnvelopedData or AuthEnvelopedData, every other part
 * is text. out: the outer header fields with that first part as the
 * entity, a message to decrypt.
 */
bool	sg_mime_footed_envelope(sg_mime *m, sg_buf *out)
{
	GMimeObject *top, *part;
	GMimeMultipart *mp;
	GMimeContentType *ct;
	GMimeStream *mem;
	GByteArray *bytes;
	int	i, n;
	bool	ok = false;

	if (sg_mime_plain_top(m) || sg_mime_tree(m) == NULL
	    || (top = g_mime_message_get_mime_part(m->msg)) == NULL
	    || !GMIME_IS_MULTIPART(top))
		return false;
	ct = g_mime_object_get_content_type(top);
	mp = GMIME_MULTIPART(top);
	n = g_mime_multipart_get_count(mp);
	if (!g_mime_content_type_is_type(ct, "multipart", "mixed") || n < 2)
		return false;
	part = g_mime_multipart_get_part(mp, 0);
	if (!GMIME_IS_PART(part)
	    || !g_mime_content_type_is_type(g_mime_object_get_content_type(part),
					    "application", "*")
	    || sg_mime_peek_part(GMIME_PART(part)) == SG_CMS_KIND_UNKNOWN)
		return false;
	for (i = 1; i < n; i++) {
		GMimeObject *f = g_mime_multipart_get_part(mp, i);

		if (!GMIME_IS_PART(f)
		    || !g_mime_content_type_is_type(
			    g_mime_object_get_content_type(f), "text", "*"))
			return false;
	}
	bytes = g_byte_array_new();
	mem = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	if (g_mime_object_write_to_stream(part, NULL, mem) > 0) {
		sg_mime_rebuild(m, "", bytes->data, bytes->len, out);
		ok = true;
	}
	g_object_unref(mem);
	g_byte_array_free(bytes, TRUE);
	return ok;
}
