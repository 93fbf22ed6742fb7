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
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "sg_cms.h"
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
	GMimeMessage *msg;	/* NULL when GMime found nothing */
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

/* sg_mime_append_lf - append bytes with CRLF turned into LF */
static void sg_mime_append_lf(sg_buf *out, const uint8_t *p, size_t len)
{
	size_t	i, run = 0;

	sg_buf_reserve(out, len);
	for (i = 0; i < len; i++) {
		if (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n') {
			sg_buf_append(out, p + run, i - run);
			run = i + 1;
		}
	}
	sg_buf_append(out, p + run, len - run);
}

/* sg_mime_append_crlf - append bytes with bare LF turned into CRLF */
static void sg_mime_append_crlf(sg_buf *out, const uint8_t *p, size_t len)
{
	size_t	i, run = 0;

	sg_buf_reserve(out, len + len / 32);
	for (i = 0; i < len; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			sg_buf_append(out, p + run, i - run);
			sg_buf_append(out, "\r\n", 2);
			run = i + 1;
		}
	}
	sg_buf_append(out, p + run, len - run);
}

/* sg_mime_gmime_init - once per process */
static void sg_mime_gmime_init(void)
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
	GMimeStream *stream;
	GMimeParser *parser;

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
	sg_mime_gmime_init();
	stream = g_mime_stream_mem_new_with_buffer((const char *) data, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	m->msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	*mp = m;
	return sg_status_ok();
}

void	sg_mime_free(sg_mime *m)
{
	if (m == NULL)
		return;
	if (m->msg)
		g_object_unref(m->msg);
	free(m->fields);
	free(m);
}

/* sg_mime_top_part - the top-level leaf part, or NULL */
static GMimePart *sg_mime_top_part(sg_mime *m)
{
	GMimeObject *obj;

	if (m->msg == NULL)
		return NULL;
	obj = g_mime_message_get_mime_part(m->msg);
	return (obj && GMIME_IS_PART(obj)) ? GMIME_PART(obj) : NULL;
}

/* sg_mime_ends_with_p7m - a file name ending in .p7m? */
static bool sg_mime_ends_with_p7m(const char *name)
{
	size_t	len = name ? strlen(name) : 0;

	return len >= 4 && strcasecmp(name + len - 4, ".p7m") == 0;
}

sg_mime_kind sg_mime_classify(sg_mime *m)
{
	GMimePart *part = sg_mime_top_part(m);
	GMimeContentType *ct;
	const char *smime_type;
	sg_buf	body = SG_BUF_INIT;
	sg_status st;
	sg_cms_kind kind;
	bool	maybe = false;

	if (part == NULL)
		return SG_MIME_OTHER;
	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	if (g_mime_content_type_is_type(ct, "application", "pkcs7-mime")
	    || g_mime_content_type_is_type(ct, "application", "x-pkcs7-mime")) {
		smime_type = g_mime_content_type_get_parameter(ct, "smime-type");
		if (smime_type == NULL)
			maybe = true;
		else if (strcasecmp(smime_type, "enveloped-data") == 0
			 || strcasecmp(smime_type, "authEnveloped-data") == 0)
			return SG_MIME_ENCRYPTED;
		else
			maybe = false;	/* signed-data, certs-only, ... */
	} else if (g_mime_content_type_is_type(ct, "application",
					       "octet-stream")) {
		maybe = sg_mime_ends_with_p7m(g_mime_part_get_filename(part));
	}
	if (!maybe)
		return SG_MIME_OTHER;
	st = sg_mime_smime_body(m, &body);
	kind = sg_status_is_ok(&st) ? sg_cms_peek(body.data, body.len)
		: SG_CMS_KIND_UNKNOWN;
	sg_buf_free(&body);
	return kind == SG_CMS_KIND_UNKNOWN ? SG_MIME_OTHER : SG_MIME_ENCRYPTED;
}

/* sg_mime_smime_body - decoded body of the top-level part into out */
sg_status sg_mime_smime_body(sg_mime *m, sg_buf *out)
{
	GMimePart *part = sg_mime_top_part(m);
	GMimeDataWrapper *content;
	GMimeStream *mem;
	GByteArray *bytes;

	sg_buf_reset(out);
	if (part == NULL || (content = g_mime_part_get_content(part)) == NULL)
		return sg_status_make(SG_REJECT, "message has no S/MIME body");
	bytes = g_byte_array_new();
	mem = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	if (g_mime_data_wrapper_write_to_stream(content, mem) < 0) {
		g_object_unref(mem);
		g_byte_array_free(bytes, TRUE);
		return sg_status_make(SG_REJECT, "S/MIME body does not decode");
	}
	g_object_unref(mem);
	sg_buf_append(out, bytes->data, bytes->len);
	g_byte_array_free(bytes, TRUE);
	if (out->len == 0)
		return sg_status_make(SG_REJECT, "S/MIME body is empty");
	return sg_status_ok();
}

/* sg_mime_entity - Content-* fields and body, CRLF, into out */
void	sg_mime_entity(const sg_mime *m, sg_buf *out)
{
	size_t	i;

	sg_buf_reset(out);
	for (i = 0; i < m->nfields; i++)
		if (sg_mime_field_is_content(m, &m->fields[i]))
			sg_mime_append_crlf(out, m->data + m->fields[i].start,
				    m->fields[i].end - m->fields[i].start);
	sg_buf_append(out, "\r\n", 2);
	sg_mime_append_crlf(out, m->data + m->body, m->len - m->body);
}

/* sg_mime_keep_outer - copy the fields that stay on the outside */
static void sg_mime_keep_outer(const sg_mime *m, bool outbound, sg_buf *out)
{
	const sg_mime_field *f;
	size_t	i;

	for (i = 0; i < m->nfields; i++) {
		f = &m->fields[i];
		if (sg_mime_field_is_content(m, f)
		    || sg_mime_field_is(m, f, "MIME-Version"))
			continue;
		if (outbound && (sg_mime_field_is(m, f, "Bcc")
				 || sg_mime_field_is(m, f, "Resent-Bcc")))
			continue;
		if (!outbound && sg_mime_field_is(m, f, SG_MIME_TRACE_HEADER))
			continue;
		sg_mime_append_lf(out, m->data + f->start, f->end - f->start);
		if (out->len && out->data[out->len - 1] != '\n')
			sg_buf_append(out, "\n", 1);
	}
}

/* sg_mime_wrap - the outbound S/MIME message into out */
void	sg_mime_wrap(const sg_mime *m, const uint8_t *der, size_t len,
		     bool auth_enveloped, sg_buf *out)
{
	guint32	save = 0;
	int	state = 0;
	size_t	n;

	sg_buf_reset(out);
	sg_mime_keep_outer(m, true, out);
	sg_buf_append_str(out, "MIME-Version: 1.0\n"
			  "Content-Type: application/pkcs7-mime; smime-type=");
	sg_buf_append_str(out, auth_enveloped ? "authEnveloped-data"
			  : "enveloped-data");
	sg_buf_append_str(out, "; name=\"smime.p7m\"\n"
			  "Content-Transfer-Encoding: base64\n"
		       "Content-Disposition: attachment; filename=\"smime.p7m\"\n"
			  "Content-Description: S/MIME Encrypted Message\n\n");
	sg_buf_reserve(out, GMIME_BASE64_ENCODE_LEN(len) + 8);
	n = g_mime_encoding_base64_encode_close(der, len, out->data + out->len,
						&state, &save);
	sg_buf_set_len(out, out->len + n);
}

/* sg_mime_unwrap - the decrypted inbound message into out */
void	sg_mime_unwrap(const sg_mime *m, const uint8_t *entity, size_t len,
		       const char *trace, sg_buf *out)
{
	sg_buf_reset(out);
	sg_mime_keep_outer(m, false, out);
	sg_buf_append_str(out, SG_MIME_TRACE_HEADER ": ");
	sg_buf_append_str(out, trace);
	sg_buf_append_str(out, "\nMIME-Version: 1.0\n");
	sg_mime_append_lf(out, entity, len);
}

/* sg_mime_strip_trace - data without our trace header fields */
void	sg_mime_strip_trace(const uint8_t *data, size_t len, sg_buf *out,
			    bool *changed)
{
	sg_mime	m;
	size_t	i, from = 0;

	memset(&m, 0, sizeof(m));
	m.data = data;
	m.len = len;
	sg_mime_fields(&m);
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
