/*
 * NAME
 *	test_ber 1
 * SUMMARY
 *	unit tests of BER length normalisation (sg_ber)
 */
#include <string.h>

#include "sg_ber.h"
#include "sg_test.h"

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
}

static void expect_error(const uint8_t *in, size_t len)
{
	sg_buf	out = SG_BUF_INIT;
	size_t	used = 0;
	sg_status st;

	st = sg_ber_definite(in, len, &out, &used);
	SG_CHECK(st.code == SG_REJECT);
	sg_buf_free(&out);
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
	uint8_t	deep[2 * (SG_BER_MAX_DEPTH + 2) + 2 * (SG_BER_MAX_DEPTH + 2)];
	size_t	i;

	expect_error(trunc_hdr, sizeof(trunc_hdr));
	expect_error(too_long, sizeof(too_long));
	expect_error(no_eoc, sizeof(no_eoc));
	expect_error(prim_indef, sizeof(prim_indef));
	expect_error(len_overflow, sizeof(len_overflow));
	expect_error(bad_tag, sizeof(bad_tag));
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
	return sg_test_done();
}
