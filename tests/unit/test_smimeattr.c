/*
 * NAME
 *	test_smimeattr 1
 * SUMMARY
 *	unit tests for sg_smimeattr(3): S/MIME signed attribute values
 */
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_smimeattr.h"
#include "sg_test.h"
#include "sg_testkit.h"

/* the DER of SignatureType { id-sti-domainSig } (RFC 3183) */
static const uint8_t domain_sigtype[] = {
	0x30, 0x0d, 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
	0x09, 0x10, 0x09, 0x02,
};

/* test_caps_round_trip - default list, exact order back */
static void test_caps_round_trip(void)
{
	sg_buf	der = SG_BUF_INIT;
	sg_cipher_id got[SG_SMIMEATTR_MAX_CAPS];
	const sg_cipher_id *caps;
	size_t	n, ncaps;
	sg_status st;

	caps = sg_smimeattr_default_caps(&ncaps);
	SG_CHECK(ncaps == 4);
	SG_CHECK(caps[0] == SG_CIPHER_AES256_GCM);
	SG_CHECK(caps[1] == SG_CIPHER_AES128_GCM);
	SG_CHECK(caps[2] == SG_CIPHER_AES256_CBC);
	SG_CHECK(caps[3] == SG_CIPHER_AES128_CBC);
	st = sg_smimeattr_caps_encode(caps, ncaps, &der);
	SG_CHECK(sg_status_is_ok(&st));
	/* SEQUENCE of 4 SEQUENCE { OID } of 13 bytes each */
	SG_CHECK(der.len == 2 + 4 * 13);
	SG_CHECK(der.data[0] == 0x30 && der.data[2] == 0x30);
	st = sg_smimeattr_caps_decode(der.data, der.len, got,
				      SG_SMIMEATTR_MAX_CAPS, &n);
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(n == ncaps && memcmp(got, caps, n * sizeof(*caps)) == 0);

	/* at most max are kept, the first ones */
	st = sg_smimeattr_caps_decode(der.data, der.len, got, 2, &n);
	SG_CHECK(sg_status_is_ok(&st) && n == 2);
	SG_CHECK(got[0] == SG_CIPHER_AES256_GCM && got[1] == SG_CIPHER_AES128_GCM);
	sg_buf_free(&der);
}

/* test_caps_unknown - unknown capabilities and duplicates are skipped */
static void test_caps_unknown(void)
{
	/* rsaEncryption (with NULL), aes128-cbc, sha256WithRSA, aes128-cbc,
	 * des-ede3-cbc */
	static const uint8_t der[] = {
		0x30, 0x42,
		0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x01, 0x01, 0x01, 0x05, 0x00,
		0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
		0x04, 0x01, 0x02,
		0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x01, 0x01, 0x0b,
		0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
		0x04, 0x01, 0x02,
		0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x03, 0x07,
	};
	sg_cipher_id got[SG_SMIMEATTR_MAX_CAPS];
	size_t	n = 99;
	sg_status st;

	st = sg_smimeattr_caps_decode(der, sizeof(der), got,
				      SG_SMIMEATTR_MAX_CAPS, &n);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(n == 2);
	SG_CHECK(got[0] == SG_CIPHER_AES128_CBC);
	SG_CHECK(got[1] == SG_CIPHER_DES3_CBC);
}

/* test_caps_bad - truncation, wrong tag, trailing bytes, bad lists */
static void test_caps_bad(void)
{
	sg_buf	der = SG_BUF_INIT, bad = SG_BUF_INIT;
	sg_cipher_id got[SG_SMIMEATTR_MAX_CAPS];
	const sg_cipher_id *caps;
	static const sg_cipher_id des3 = SG_CIPHER_DES3_CBC;
	size_t	n, ncaps, cut;
	sg_status st;

	caps = sg_smimeattr_default_caps(&ncaps);
	st = sg_smimeattr_caps_encode(caps, ncaps, &der);
	SG_CHECK(sg_status_is_ok(&st));
	for (cut = 0; cut < der.len; cut++) {
		n = 99;
		st = sg_smimeattr_caps_decode(der.data, cut, got,
					      SG_SMIMEATTR_MAX_CAPS, &n);
		SG_CHECK_MSG(st.code == SG_REJECT && n == 0, "cut at %zu", cut);
	}
	sg_buf_append(&bad, der.data, der.len);
	bad.data[0] = 0x31;			/* SET, not SEQUENCE */
	st = sg_smimeattr_caps_decode(bad.data, bad.len, got,
				      SG_SMIMEATTR_MAX_CAPS, &n);
	SG_CHECK(st.code == SG_REJECT);
	bad.data[0] = 0x30;
	bad.data[4] = 0x04;			/* OCTET STRING for the OID */
	st = sg_smimeattr_caps_decode(bad.data, bad.len, got,
				      SG_SMIMEATTR_MAX_CAPS, &n);
	SG_CHECK(st.code == SG_REJECT);
	sg_buf_reset(&bad);
	sg_buf_append(&bad, der.data, der.len);
	sg_buf_append(&bad, "\0", 1);		/* trailing byte */
	st = sg_smimeattr_caps_decode(bad.data, bad.len, got,
				      SG_SMIMEATTR_MAX_CAPS, &n);
	SG_CHECK(st.code == SG_REJECT);

	sg_buf_reset(&bad);
	st = sg_smimeattr_caps_encode(caps, 0, &bad);
	SG_CHECK(st.code == SG_CONFIG && bad.len == 0);
	st = sg_smimeattr_caps_encode(&des3, 1, &bad);
	SG_CHECK(st.code == SG_CONFIG && bad.len == 0);
	sg_buf_free(&der);
	sg_buf_free(&bad);
}

/* test_ekp_round_trip - issuerAndSerialNumber of a cert, found again */
static void test_ekp_round_trip(void)
{
	sg_testkit_id a, b;
	gnutls_x509_crt_t list[2];
	gnutls_datum_t issuer = {NULL, 0};
	unsigned char serial[64];
	size_t	serial_len = sizeof(serial), idx = 99, cut;
	sg_smimeattr_ekp ekp = SG_SMIMEATTR_EKP_INIT;
	sg_buf	der = SG_BUF_INIT;
	sg_status st;

	sg_testkit_make("ekp-a", true, 2048, &a);
	sg_testkit_make("ekp-b", true, 2048, &b);
	st = sg_smimeattr_ekp_encode(b.crt, &der);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(der.len > 2 && der.data[0] == 0xa0);	/* [0] IMPLICIT */
	st = sg_smimeattr_ekp_decode(der.data, der.len, &ekp);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(ekp.kind == SG_EKP_ISSUER_SERIAL);
	SG_CHECK(gnutls_x509_crt_get_raw_issuer_dn(b.crt, &issuer) >= 0);
	SG_CHECK(ekp.issuer.len == issuer.size
		 && memcmp(ekp.issuer.data, issuer.data, issuer.size) == 0);
	gnutls_free(issuer.data);
	/* the testkit's serials have a leading zero octet */
	SG_CHECK(gnutls_x509_crt_get_serial(b.crt, serial, &serial_len) >= 0);
	SG_CHECK(ekp.serial.len == serial_len
		 && memcmp(ekp.serial.data, serial, serial_len) == 0);
	list[0] = a.crt;
	list[1] = b.crt;
	SG_CHECK(sg_smimeattr_ekp_find(&ekp, list, 2, &idx) && idx == 1);
	SG_CHECK(!sg_smimeattr_ekp_find(&ekp, list, 1, &idx));

	for (cut = 0; cut < der.len; cut++) {
		st = sg_smimeattr_ekp_decode(der.data, cut, &ekp);
		SG_CHECK_MSG(st.code == SG_REJECT && ekp.kind == SG_EKP_NONE,
			     "cut at %zu", cut);
	}
	der.data[0] = 0xa3;			/* no such choice */
	st = sg_smimeattr_ekp_decode(der.data, der.len, &ekp);
	SG_CHECK(st.code == SG_REJECT);
	der.data[0] = 0x30;			/* untagged SEQUENCE */
	st = sg_smimeattr_ekp_decode(der.data, der.len, &ekp);
	SG_CHECK(st.code == SG_REJECT);
	sg_smimeattr_ekp_free(&ekp);
	sg_buf_free(&der);
}

/* test_ekp_key_id - the subjectAltKeyIdentifier choice */
static void test_ekp_key_id(void)
{
	sg_testkit_id c;
	gnutls_x509_crt_t list[1];
	unsigned char ski[64];
	size_t	ski_len = sizeof(ski), idx = 99;
	uint8_t der[2 + sizeof(ski)];
	sg_smimeattr_ekp ekp = SG_SMIMEATTR_EKP_INIT;
	sg_status st;

	sg_testkit_make("ekp-c", true, 2048, &c);
	SG_CHECK(gnutls_x509_crt_get_subject_key_id(c.crt, ski, &ski_len,
						    NULL) >= 0);
	der[0] = 0x82;				/* [2] IMPLICIT OCTET STRING */
	der[1] = (uint8_t) ski_len;
	memcpy(der + 2, ski, ski_len);
	st = sg_smimeattr_ekp_decode(der, 2 + ski_len, &ekp);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(ekp.kind == SG_EKP_SKI && ekp.key_id.len == ski_len);
	list[0] = c.crt;
	SG_CHECK(sg_smimeattr_ekp_find(&ekp, list, 1, &idx) && idx == 0);
	der[2] ^= 1;
	st = sg_smimeattr_ekp_decode(der, 2 + ski_len, &ekp);
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(!sg_smimeattr_ekp_find(&ekp, list, 1, &idx));
	sg_smimeattr_ekp_free(&ekp);
}

/* test_sigtype - the exact DER of a domain signature, and decoding */
static void test_sigtype(void)
{
	/* SEQUENCE { id-sti-originatorSig, 1.2.3.4, id-sti-domainSig } */
	static const uint8_t mixed[] = {
		0x30, 0x1f,
		0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09,
		0x10, 0x09, 0x01,
		0x06, 0x03, 0x2a, 0x03, 0x04,
		0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09,
		0x10, 0x09, 0x02,
	};
	static const uint8_t empty[] = {0x30, 0x00};
	sg_buf	der = SG_BUF_INIT;
	unsigned types = 99;
	size_t	cut;
	sg_status st;

	st = sg_smimeattr_sigtype_encode(SG_SIGTYPE_DOMAIN, &der);
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(der.len == sizeof(domain_sigtype)
		 && memcmp(der.data, domain_sigtype, der.len) == 0);
	st = sg_smimeattr_sigtype_decode(der.data, der.len, &types);
	SG_CHECK(sg_status_is_ok(&st) && types == SG_SIGTYPE_DOMAIN);
	st = sg_smimeattr_sigtype_decode(mixed, sizeof(mixed), &types);
	SG_CHECK(sg_status_is_ok(&st)
		 && types == (SG_SIGTYPE_ORIGINATOR | SG_SIGTYPE_DOMAIN));
	st = sg_smimeattr_sigtype_decode(empty, sizeof(empty), &types);
	SG_CHECK(sg_status_is_ok(&st) && types == 0);
	for (cut = 0; cut < sizeof(mixed); cut++) {
		types = 99;
		st = sg_smimeattr_sigtype_decode(mixed, cut, &types);
		SG_CHECK_MSG(st.code == SG_REJECT && types == 0, "cut %zu", cut);
	}
	der.data[0] = 0x31;
	st = sg_smimeattr_sigtype_decode(der.data, der.len, &types);
	SG_CHECK(st.code == SG_REJECT);
	der.data[0] = 0x30;
	der.data[2] = 0x04;
	st = sg_smimeattr_sigtype_decode(der.data, der.len, &types);
	SG_CHECK(st.code == SG_REJECT);
	sg_buf_reset(&der);
	st = sg_smimeattr_sigtype_encode(0, &der);
	SG_CHECK(st.code == SG_CONFIG && der.len == 0);
	st = sg_smimeattr_sigtype_encode(0x100, &der);
	SG_CHECK(st.code == SG_CONFIG && der.len == 0);
	sg_buf_free(&der);
}

/* test_time - UTCTime and GeneralizedTime, both ways */
static void test_time(void)
{
	static const uint8_t utc[] = {
		0x17, 0x0d, '2', '6', '0', '1', '0', '2', '0', '3', '0', '4',
		'0', '5', 'Z',
	};
	static const uint8_t gen[] = {
		0x18, 0x0f, '2', '0', '5', '0', '0', '1', '0', '1', '0', '0',
		'0', '0', '0', '0', 'Z',
	};
	static const uint8_t no_seconds[] = {
		0x17, 0x0b, '2', '6', '0', '1', '0', '2', '0', '3', '0', '4',
		'Z',
	};
	sg_buf	der = SG_BUF_INIT;
	time_t	t = 0;
	sg_status st;

	st = sg_smimeattr_time_encode(1767323045, &der); /* 2026-01-02 03:04:05 */
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(der.len == sizeof(utc) && memcmp(der.data, utc, der.len) == 0);
	st = sg_smimeattr_time_decode(utc, sizeof(utc), &t);
	SG_CHECK_MSG(sg_status_is_ok(&st) && t == 1767323045, "%s %lld", st.text,
		     (long long) t);
	sg_buf_reset(&der);
	st = sg_smimeattr_time_encode(2524608000, &der); /* 2050-01-01 */
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(der.len == sizeof(gen) && memcmp(der.data, gen, der.len) == 0);
	st = sg_smimeattr_time_decode(gen, sizeof(gen), &t);
	SG_CHECK(sg_status_is_ok(&st) && t == 2524608000);
	st = sg_smimeattr_time_decode(no_seconds, sizeof(no_seconds), &t);
	SG_CHECK(st.code == SG_REJECT);
	st = sg_smimeattr_time_decode(utc, sizeof(utc) - 1, &t);
	SG_CHECK(st.code == SG_REJECT);
	sg_buf_free(&der);
}

int	main(void)
{
	SG_RUN(test_caps_round_trip);
	SG_RUN(test_caps_unknown);
	SG_RUN(test_caps_bad);
	SG_RUN(test_ekp_round_trip);
	SG_RUN(test_ekp_key_id);
	SG_RUN(test_sigtype);
	SG_RUN(test_time);
	return sg_test_done();
}
