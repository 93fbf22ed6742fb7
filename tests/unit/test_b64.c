/*
 * NAME
 *	test_b64 1
 * SUMMARY
 *	sg_b64: RFC 4648's vectors, and the lines of GMime's encoder for
 *	every length up to a few lines, however the input is cut
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "sg_b64.h"
#include "sg_buf.h"
#include "sg_test.h"

/* RFC 4648 section 10, each a line of its own */
static void test_vectors(void)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"", ""}, {"f", "Zg==\n"}, {"fo", "Zm8=\n"}, {"foo", "Zm9v\n"},
		{"foob", "Zm9vYg==\n"}, {"fooba", "Zm9vYmE=\n"},
		{"foobar", "Zm9vYmFy\n"},
	};
	size_t	i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sg_buf	out = SG_BUF_INIT;

		sg_b64_encode((const uint8_t *) v[i].in, strlen(v[i].in), false,
			      &out);
		SG_CHECK_MSG(out.len == strlen(v[i].out) && (out.len == 0
			     || memcmp(out.data, v[i].out, out.len) == 0),
			     "'%s': got '%.*s'", v[i].in, (int) out.len,
			     out.data ? (const char *) out.data : "");
		sg_buf_free(&out);
	}
}

/* gmime_lines - GMime's one-shot encoding, LF or CRLF line ends */
static void gmime_lines(const uint8_t *in, size_t len, bool crlf,
			sg_buf *out)
{
	uint8_t *lf = malloc(GMIME_BASE64_ENCODE_LEN(len) + 8);
	guint32	save = 0;
	int	state = 0;
	size_t	n, i;

	n = g_mime_encoding_base64_encode_close(in, len, lf, &state, &save);
	for (i = 0; i < n; i++) {
		if (lf[i] == '\n' && crlf)
			sg_buf_append(out, "\r", 1);
		sg_buf_append(out, lf + i, 1);
	}
	free(lf);
}

/* every length to 5 lines and a bit, in one piece and in random cuts */
static void test_like_gmime(void)
{
	uint8_t	in[300];
	size_t	len, i, at, n;
	unsigned seed = 11;
	int	crlf, bad = 0;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t) (i * 131 + 7);
	g_mime_init();
	for (len = 0; len <= sizeof(in); len++) {
		for (crlf = 0; crlf < 2; crlf++) {
			sg_buf	want = SG_BUF_INIT, one = SG_BUF_INIT;
			sg_buf	cut = SG_BUF_INIT;
			sg_b64	b;

			gmime_lines(in, len, crlf, &want);
			sg_b64_encode(in, len, crlf, &one);
			sg_b64_init(&b, crlf);
			for (at = 0; at < len; at += n) {
				n = (size_t) (rand_r(&seed) % 70);
				if (n > len - at)
					n = len - at;
				sg_b64_update(&b, in + at, n, &cut);
			}
			sg_b64_final(&b, &cut);
			if (one.len != want.len || (want.len && memcmp(one.data,
						       want.data, want.len))
			    || cut.len != want.len || (want.len
			    && memcmp(cut.data, want.data, want.len)))
				bad++;
			SG_CHECK_MSG(bad == 0, "length %zu, crlf %d: '%s' / "
				     "'%s', GMime '%s'", len, crlf,
				     one.data ? (char *) one.data : "",
				     cut.data ? (char *) cut.data : "",
				     want.data ? (char *) want.data : "");
			sg_buf_free(&want);
			sg_buf_free(&one);
			sg_buf_free(&cut);
			if (bad)
				return;
		}
	}
}

/* a reused encoder starts afresh after sg_b64_final */
static void test_reuse(void)
{
	sg_buf	a = SG_BUF_INIT, b = SG_BUF_INIT;
	sg_b64	enc;

	sg_b64_init(&enc, false);
	sg_b64_update(&enc, NULL, 0, &a);	/* nothing, not even a line */
	SG_CHECK(a.len == 0);
	sg_b64_update(&enc, (const uint8_t *) "fo", 2, &a);
	sg_b64_final(&enc, &a);
	sg_b64_update(&enc, (const uint8_t *) "foobar", 6, &b);
	sg_b64_final(&enc, &b);
	SG_CHECK(a.len == 5 && memcmp(a.data, "Zm8=\n", 5) == 0);
	SG_CHECK(b.len == 9 && memcmp(b.data, "Zm9vYmFy\n", 9) == 0);
	sg_buf_free(&a);
	sg_buf_free(&b);
}

int	main(void)
{
	SG_RUN(test_vectors);
	SG_RUN(test_like_gmime);
	SG_RUN(test_reuse);
	return sg_test_done();
}
