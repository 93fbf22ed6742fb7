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

/* gmime_decode - GMime's base64 decoder, as sg_mime's decoder runs it */
static void gmime_decode(const uint8_t *in, size_t len, sg_buf *out)
{
	GMimeEncoding enc;

	g_mime_encoding_init_decode(&enc, GMIME_CONTENT_ENCODING_BASE64);
	sg_buf_reserve(out, g_mime_encoding_outlen(&enc, len) + 16);
	sg_buf_set_len(out, out->len + g_mime_encoding_step(&enc,
			 (const char *) in, len, (char *) out->data + out->len));
	sg_buf_reserve(out, g_mime_encoding_outlen(&enc, 0) + 16);
	sg_buf_set_len(out, out->len + g_mime_encoding_flush(&enc, "", 0,
			 (char *) out->data + out->len));
}

/* sg_b64_decode: the strict form decodes, anything else is refused */
static void test_decode_vectors(void)
{
	static const struct {
		const char *in, *out;	/* out NULL: refused */
		size_t	len;		/* 0: strlen(in) */
	} v[] = {
		{"", "", 0}, {"Zg==", "f", 0}, {"Zm8=", "fo", 0},
		{"Zm9v", "foo", 0}, {"Zm9vYmFy\r\n", "foobar", 0},
		{" Zm9v\r\n YmE=\r\n", "fooba", 0},
		{"Zm\n9v\tYg\r\n=\n=\n", "foob", 0}, {"\r\n\r\n", "", 0},
		{"Zm9vYg=", NULL, 0}, {"Zm9vY", NULL, 0}, {"Zm9v=", NULL, 0},
		{"Zg===", NULL, 0}, {"Z===", NULL, 0}, {"=", NULL, 0},
		{"Zg==Zg==", NULL, 0}, {"Zm9v!", NULL, 0}, {"Zm9v.", NULL, 0},
		{"Zm9v-YmFy", NULL, 0}, {"Zm\0009v", NULL, 5},
		{"Zm9v\f\v", "foo", 0}, {"Zm9v\xc3\xa9", NULL, 0},
	};
	size_t	i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sg_buf	out = SG_BUF_INIT;
		size_t	len = v[i].len ? v[i].len : strlen(v[i].in);
		bool	ok;

		sg_buf_append(&out, "x", 1);	/* appended after this */
		ok = sg_b64_decode((const uint8_t *) v[i].in, len, &out);
		if (v[i].out == NULL) {
			SG_CHECK_MSG(!ok && out.len == 1, "'%s' accepted",
				     v[i].in);
		} else {
			SG_CHECK_MSG(ok && out.len == 1 + strlen(v[i].out)
				     && memcmp(out.data + 1, v[i].out,
					       out.len - 1) == 0,
				     "'%s': %d, '%.*s'", v[i].in, ok,
				     (int) out.len, (char *) out.data);
		}
		sg_buf_free(&out);
	}
}

/*
 * every string of up to 7 bytes from "Zm9=", space, LF, "!" and FF: where
 * sg_b64_decode accepts it, GMime's decoder gives the same bytes; and
 * both answers occur
 */
static void test_decode_like_gmime(void)
{
	static const char set[] = "Zm9= \n!\f";
	const size_t n = sizeof(set) - 1;
	uint8_t	s[8];
	size_t	len, k, i, idx[8];
	unsigned yes = 0, no = 0, bad = 0;

	g_mime_init();
	for (len = 0; len <= 7; len++) {
		memset(idx, 0, sizeof(idx));
		for (;;) {
			sg_buf	ours = SG_BUF_INIT, theirs = SG_BUF_INIT;

			for (i = 0; i < len; i++)
				s[i] = (uint8_t) set[idx[i]];
			if (sg_b64_decode(s, len, &ours)) {
				yes++;
				gmime_decode(s, len, &theirs);
				if (ours.len != theirs.len || (ours.len
				    && memcmp(ours.data, theirs.data, ours.len)))
					bad++;
				SG_CHECK_MSG(bad == 0, "'%.*s': %zu bytes, GMime %zu",
					     (int) len, (char *) s, ours.len,
					     theirs.len);
			} else {
				no++;
				SG_CHECK(ours.len == 0);
			}
			sg_buf_free(&ours);
			sg_buf_free(&theirs);
			if (bad)
				return;
			for (k = 0; k < len && ++idx[k] == n; k++)
				idx[k] = 0;
			if (k == len)
				break;
		}
	}
	SG_CHECK(yes > 1000 && no > 100000);
}

int	main(void)
{
	SG_RUN(test_vectors);
	SG_RUN(test_like_gmime);
	SG_RUN(test_reuse);
	SG_RUN(test_decode_vectors);
	SG_RUN(test_decode_like_gmime);
	return sg_test_done();
}
