/*
 * NAME
 *	sg_b64 3
 * SUMMARY
 *	base64 in 76-column lines, on nettle's encoder
 */
#include <string.h>

#include <nettle/base64.h>

#include "sg_b64.h"

/* sg_b64_line - encode n (at most a line's) bytes as one line of out */
static void sg_b64_line(const sg_b64 *b, const uint8_t *in, size_t n,
			sg_buf *out)
{
	size_t	chars = BASE64_ENCODE_RAW_LENGTH(n);

	sg_buf_reserve(out, chars + 2);
	base64_encode_raw((char *) out->data + out->len, n, in);
	sg_buf_set_len(out, out->len + chars);
	sg_buf_append_str(out, b->crlf ? "\r\n" : "\n");
}

/* sg_b64_init - a new encoding; lines end in CRLF when crlf, else LF */
void	sg_b64_init(sg_b64 *b, bool crlf)
{
	b->nheld = 0;
	b->crlf = crlf;
}

/* sg_b64_update - encode len bytes; every line completed is appended */
void	sg_b64_update(sg_b64 *b, const uint8_t *in, size_t len, sg_buf *out)
{
	size_t	n;

	if (len == 0)
		return;
	if (b->nheld > 0) {
		n = SG_B64_LINE_IN - b->nheld;
		if (n > len)
			n = len;
		memcpy(b->held + b->nheld, in, n);
		b->nheld += n;
		in += n;
		len -= n;
		if (b->nheld < SG_B64_LINE_IN)
			return;
		sg_b64_line(b, b->held, SG_B64_LINE_IN, out);
		b->nheld = 0;
	}
	sg_buf_reserve(out, len / SG_B64_LINE_IN * 78);
	for (; len >= SG_B64_LINE_IN; in += SG_B64_LINE_IN,
	     len -= SG_B64_LINE_IN)
		sg_b64_line(b, in, SG_B64_LINE_IN, out);
	memcpy(b->held, in, len);
	b->nheld = len;
}

/* sg_b64_final - append the last, short line (if any); b may be reused */
void	sg_b64_final(sg_b64 *b, sg_buf *out)
{
	if (b->nheld > 0)
		sg_b64_line(b, b->held, b->nheld, out);
	b->nheld = 0;
}

/* sg_b64_encode - the whole encoding of len bytes, appended to out */
void	sg_b64_encode(const uint8_t *in, size_t len, bool crlf, sg_buf *out)
{
	sg_b64	b;

	sg_b64_init(&b, crlf);
	sg_b64_update(&b, in, len, out);
	sg_b64_final(&b, out);
}

/* sg_b64_decode - append the decoding of strict base64; false if not */
bool	sg_b64_decode(const uint8_t *in, size_t len, sg_buf *out)
{
	struct base64_decode_ctx ctx;
	size_t	start = out->len, off, n, done;

	/* nettle refuses a stray byte, data after "=", bits left over */
	base64_decode_init(&ctx);
	for (off = 0; off < len; off += n) {
		n = len - off < 65536 ? len - off : 65536;
		sg_buf_reserve(out, BASE64_DECODE_LENGTH(n));
		done = BASE64_DECODE_LENGTH(n);
		if (!base64_decode_update(&ctx, &done, out->data + out->len, n,
					  (const char *) in + off))
			goto bad;
		sg_buf_set_len(out, out->len + done);
	}
	if (base64_decode_final(&ctx))
		return true;
bad:
	sg_buf_set_len(out, start);
	return false;
}
