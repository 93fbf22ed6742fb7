/*
 * NAME
 *	test_ber 1
 * SUMMARY
 *	unit tests of BER length normalisation (sg_ber)
 */
#include <stdlib.h>
#include <string.h>

#include "sg_ber.h"
#include "sg_test.h"

/*
 * in_place - sg_ber_definite_buf on in plus trailing junk: the element
 * with definite lengths (want, or in's first used bytes when NULL) and
 * nothing after it
 */
static void in_place(const uint8_t *in, size_t len, const uint8_t *want,
		     size_t want_len, size_t want_used)
{
	sg_buf	b = SG_BUF_INIT;
	size_t	used = 0;
	sg_status st;

	sg_buf_append(&b, in, len);
	sg_buf_append(&b, "junk", 4);
	st = sg_ber_definite_buf(&b, &used);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(used == want_used);
	if (want == NULL) {
		want = in;
		want_len = want_used;
	}
	SG_CHECK_MSG(b.len == want_len && memcmp(b.data, want, want_len) == 0,
		     "in place: len %zu want %zu", b.len, want_len);
	sg_buf_free(&b);
}

/* rewrite - normalise in; expect the bytes want (NULL: unchanged) */
static void rewrite(const uint8_t *in, size_t len, const uint8_t *want,
		    size_t want_len, size_t want_used)
{
	sg_buf	out = SG_BUF_INIT;
	size_t	used = 0;
	sg_status st;

	st = sg_ber_definite(in, len, &out, &used);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(used == want_used);
	if (want == NULL) {
		SG_CHECK(out.len == 0);
	} else {
		SG_CHECK_MSG(out.len == want_len, "len %zu want %zu", out.len,
			     want_len);
		SG_CHECK(out.len == want_len
			 && memcmp(out.data, want, want_len) == 0);
	}
	sg_buf_free(&out);
	in_place(in, len, want, want_len, want_used);
}

static void expect_error(const uint8_t *in, size_t len)
{
	sg_buf	out = SG_BUF_INIT;
	size_t	used = 0;
	sg_status st;

	st = sg_ber_definite(in, len, &out, &used);
	SG_CHECK(st.code == SG_REJECT);
	sg_buf_free(&out);
	/* in place: refused, and the buffer as it was */
	sg_buf_append(&out, in, len);
	st = sg_ber_definite_buf(&out, &used);
	SG_CHECK(st.code == SG_REJECT);
	SG_CHECK(out.len == len && (len == 0
		 || memcmp(out.data, in, len) == 0));
	sg_buf_free(&out);
}

/* put_hdr - tag and a length (SIZE_MAX: indefinite) into b */
static void put_hdr(sg_buf *b, uint8_t tag, size_t len)
{
	uint8_t	h[10];
	size_t	n = 0, k;

	h[n++] = tag;
	if (len == SIZE_MAX) {
		h[n++] = 0x80;
	} else if (len < 0x80) {
		h[n++] = (uint8_t) len;
	} else {
		for (k = 8; k > 0 && ((len >> (8 * (k - 1))) & 0xff) == 0; k--)
			;
		h[n++] = (uint8_t) (0x80 | k);
		for (; k > 0; k--)
			h[n++] = (uint8_t) (len >> (8 * (k - 1)));
	}
	sg_buf_append(b, h, n);
}

/*
 * A large element, as NSS and OpenSSL -stream write an envelope: four
 * indefinite levels around an indefinite chunked OCTET STRING of 1 MB
 * (every header grows by 3 bytes), then siblings that each grow by one:
 * in place gives what the copying normaliser gives.
 */
static void test_in_place_large(void)
{
	sg_buf	b = SG_BUF_INIT, want = SG_BUF_INIT;
	uint8_t	chunk[1000];
	size_t	i, used = 0, want_used = 0;
	sg_status st;

	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t) (i * 7);
	for (i = 0; i < 4; i++)
		put_hdr(&b, i == 1 ? 0xa0 : 0x30, SIZE_MAX);
	sg_buf_append(&b, "\x06\x01\x2a", 3);
	put_hdr(&b, 0xa0, SIZE_MAX);
	for (i = 0; i < 1049; i++) {
		put_hdr(&b, 0x04, sizeof(chunk));
		sg_buf_append(&b, chunk, sizeof(chunk));
	}
	sg_buf_append(&b, "\0\0", 2);
	/* 300 siblings of 200 bytes, each indefinite: +1 byte apiece */
	for (i = 0; i < 300; i++) {
		put_hdr(&b, 0x24, SIZE_MAX);
		put_hdr(&b, 0x04, 197);
		sg_buf_append(&b, chunk, 197);
		sg_buf_append(&b, "\0\0", 2);
	}
	for (i = 0; i < 4; i++)
		sg_buf_append(&b, "\0\0", 2);
	st = sg_ber_definite(b.data, b.len, &want, &want_used);
	SG_CHECK_MSG(sg_status_is_ok(&st) && want.len > 0, "%s", st.text);
	sg_buf_append(&b, "tail", 4);
	st = sg_ber_definite_buf(&b, &used);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(used == want_used);
	SG_CHECK_MSG(b.len == want.len && memcmp(b.data, want.data, b.len) == 0,
		     "in place %zu bytes, copy %zu", b.len, want.len);
	sg_buf_free(&b);
	sg_buf_free(&want);
}

static void test_der_is_left_alone(void)
{
	static const uint8_t der[] = {0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01,
		0xff, 0xaa};
	rewrite(der, sizeof(der), NULL, 0, 8);
}

static void test_indefinite_becomes_definite(void)
{
	static const uint8_t ber[] = {0x30, 0x80, 0x02, 0x01, 0x05,
		0xa0, 0x80, 0x04, 0x02, 'h', 'i', 0x04, 0x01, '!', 0x00, 0x00,
		0x00, 0x00};
	static const uint8_t want[] = {0x30, 0x0c, 0x02, 0x01, 0x05,
		0xa0, 0x07, 0x04, 0x02, 'h', 'i', 0x04, 0x01, '!'};

	rewrite(ber, sizeof(ber), want, sizeof(want), sizeof(ber));
}

static void test_definite_parent_of_indefinite_child(void)
{
	static const uint8_t ber[] = {0x30, 0x08, 0x30, 0x80, 0x05, 0x00,
		0x00, 0x00, 0x05, 0x00};
	static const uint8_t want[] = {0x30, 0x06, 0x30, 0x02, 0x05, 0x00,
		0x05, 0x00};

	rewrite(ber, sizeof(ber), want, sizeof(want), sizeof(ber));
}

static void test_long_lengths(void)
{
	static uint8_t ber[4 + 300 + 2];
	static uint8_t want[4 + 4 + 300];

	ber[0] = 0x24;			/* constructed OCTET STRING */
	ber[1] = 0x80;
	ber[2] = 0x04;
	ber[3] = 0x82;
	ber[4] = 0x01;
	ber[5] = 0x2c;			/* 300 */
	memset(ber + 6, 'x', 300);
	want[0] = 0x24;
	want[1] = 0x82;
	want[2] = 0x01;
	want[3] = 0x30;			/* 304 */
	memcpy(want + 4, ber + 2, 304);
	{
		uint8_t	in[sizeof(ber) + 2];

		memcpy(in, ber, 306);
		in[306] = 0;
		in[307] = 0;
		rewrite(in, 308, want, 308, 308);
	}
}

static void test_malformed(void)
{
	static const uint8_t trunc_hdr[] = {0x30};
	static const uint8_t too_long[] = {0x30, 0x05, 0x02, 0x01};
	static const uint8_t no_eoc[] = {0x30, 0x80, 0x02, 0x01, 0x00};
	static const uint8_t prim_indef[] = {0x04, 0x80, 0x00, 0x00};
	static const uint8_t len_overflow[] = {0x30, 0x89, 1, 2, 3, 4, 5, 6, 7,
		8, 9};
	static const uint8_t bad_tag[] = {0x1f, 0x81, 0x81, 0x81, 0x81, 0x81,
		0x81, 0x01, 0x00};
	/* eight 0xff octets: SIZE_MAX, not a length and not "indefinite" */
	static const uint8_t len_max_prim[] = {0x04, 0x88, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
	static const uint8_t len_max_cons[] = {0x30, 0x88, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00, 0x00, 0x00};
	uint8_t	deep[2 * (SG_BER_MAX_DEPTH + 2) + 2 * (SG_BER_MAX_DEPTH + 2)];
	size_t	i;

	expect_error(trunc_hdr, sizeof(trunc_hdr));
	expect_error(too_long, sizeof(too_long));
	expect_error(no_eoc, sizeof(no_eoc));
	expect_error(prim_indef, sizeof(prim_indef));
	expect_error(len_overflow, sizeof(len_overflow));
	expect_error(bad_tag, sizeof(bad_tag));
	expect_error(len_max_prim, sizeof(len_max_prim));
	expect_error(len_max_cons, sizeof(len_max_cons));
	for (i = 0; i < SG_BER_MAX_DEPTH + 2; i++) {
		deep[2 * i] = 0x30;
		deep[2 * i + 1] = 0x80;
	}
	memset(deep + 2 * (SG_BER_MAX_DEPTH + 2), 0, 2 * (SG_BER_MAX_DEPTH + 2));
	expect_error(deep, sizeof(deep));
	expect_error((const uint8_t *) "", 0);
}

int	main(void)
{
	SG_RUN(test_der_is_left_alone);
	SG_RUN(test_indefinite_becomes_definite);
	SG_RUN(test_definite_parent_of_indefinite_child);
	SG_RUN(test_long_lengths);
	SG_RUN(test_malformed);
	SG_RUN(test_in_place_large);
	return sg_test_done();
}
