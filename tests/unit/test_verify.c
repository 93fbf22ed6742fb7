/*
 * NAME
 *	test_verify 1
 * SUMMARY
 *	unit tests of SignedData verification (sg_verify)
 * DESCRIPTION
 *	Signatures made by GnuTLS's own gnutls_pkcs7_sign() (an encoder
 *	independent of ours): detached and opaque, RSA PKCS#1 v1.5, RSA-PSS
 *	SHA-384, ECDSA P-256, DER and BER (indefinite lengths); two signers;
 *	and each failure with its own result: changed content (FAIL), no
 *	anchor (UNTRUSTED), expired, revoked (CRL in crl_dir and in the
 *	message), keyUsage without digitalSignature and extendedKeyUsage
 *	serverAuth (BAD_USAGE), no certificate (NO_SIGNER_CERT, then found
 *	among extra_certs), SHA-1 (INSECURE_ALGORITHM unless allowed),
 *	17 SignerInfos and garbage (PERMERROR). Hostile input: truncation at
 *	every length and a mutation of every byte never crash and never
 *	pass where the signature covers the byte. The report: addresses,
 *	serial, signing time (and one in the future), result names.
 *	Interoperability with openssl, gpgsm and NSS is in tests/interop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sg_buf.h"
#include "sg_test.h"
#include "sg_testkit.h"
#include "sg_trust.h"
#include "sg_verify.h"
#include "sg_vtest.h"

static vt_id ca, other_ca, rsa, pss, ec, expired, revoked, nodigsig, server;
static sg_trust *trust, *trust_crl, *trust_other;
static gnutls_x509_crl_t crl;
static const uint8_t content[] = "Content-Type: text/plain\r\n\r\nhello\r\n";
#define CLEN (sizeof(content) - 1)
#define SIGN_FLAGS (GNUTLS_PKCS7_INCLUDE_CERT | GNUTLS_PKCS7_INCLUDE_TIME)

/* setup - the PKI and trust stores */
static void setup(void)
{
	time_t	now = time(NULL);
	const unsigned ds = GNUTLS_KEY_DIGITAL_SIGNATURE;
	const char *email = GNUTLS_KP_EMAIL_PROTECTION;
	gnutls_datum_t d;
	char	dir[600];
	sg_status st;

	vt_ca(&ca, "verify test CA");
	vt_ca(&other_ca, "verify other CA");
	vt_leaf(&rsa, &ca, GNUTLS_PK_RSA, ds, email, now - 3600,
		now + 86400 * 30, "Domain-Signing-Authority@A.example");
	vt_leaf(&pss, &ca, GNUTLS_PK_RSA_PSS, ds, email, now - 3600,
		now + 86400 * 30, "pss@a.example");
	vt_leaf(&ec, &ca, GNUTLS_PK_ECDSA, ds, email, now - 3600,
		now + 86400 * 30, "ec@a.example");
	vt_leaf(&expired, &ca, GNUTLS_PK_RSA, ds, email, now - 86400 * 9,
		now - 86400, "expired@a.example");
	vt_leaf(&revoked, &ca, GNUTLS_PK_RSA, ds, email, now - 3600,
		now + 86400 * 30, "revoked@a.example");
	vt_leaf(&nodigsig, &ca, GNUTLS_PK_RSA, GNUTLS_KEY_KEY_ENCIPHERMENT,
		email, now - 3600, now + 86400 * 30, "nodigsig@a.example");
	vt_leaf(&server, &ca, GNUTLS_PK_RSA, ds, GNUTLS_KP_TLS_WWW_SERVER,
		now - 3600, now + 86400 * 30, "server@a.example");
	crl = vt_crl(&ca, &revoked.crt, 1);

	st = sg_trust_load(vt_write_crt("ca.pem", ca.crt), NULL, &trust);
	VT_DIE_IF(!sg_status_is_ok(&st));
	st = sg_trust_load(vt_write_crt("other.pem", other_ca.crt), NULL,
			   &trust_other);
	VT_DIE_IF(!sg_status_is_ok(&st));
	snprintf(dir, sizeof(dir), "%s/crl", sg_testkit_dir());
	VT_DIE_IF(mkdir(dir, 0700) < 0);
	VT_DIE_IF(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_DER, &d) < 0);
	vt_write("crl/ca.crl", d.data, d.size);
	gnutls_free(d.data);
	st = sg_trust_load(vt_write_crt("ca2.pem", ca.crt), dir, &trust_crl);
	VT_DIE_IF(!sg_status_is_ok(&st));
}

/* run - verify and return the report (caller frees) */
static sg_verify_report *run(const sg_trust *t, const sg_buf *sig,
			     const void *data, size_t len, sg_code want)
{
	sg_verify_opts o = SG_VERIFY_DEFAULTS;
	sg_verify_report *rep = NULL;
	sg_status st;

	o.trust = t;
	st = sg_verify(&o, sig->data, sig->len, data, len, &rep);
	SG_CHECK_MSG(st.code == want, "%s", st.text);
	SG_CHECK(rep != NULL);
	return rep;
}

/* expect - one signer with the result r */
static void expect(const sg_trust *t, const sg_buf *sig, const void *data,
		   size_t len, sg_verify_result r)
{
	sg_verify_report *rep = run(t, sig, data, len, SG_OK);

	SG_CHECK(rep->nsigners == 1);
	if (rep->nsigners == 1)
		SG_CHECK_MSG(rep->signers[0].result == r, "got %s (%s), want %s",
			     sg_verify_result_name(rep->signers[0].result),
			     rep->signers[0].reason, sg_verify_result_name(r));
	sg_verify_report_free(rep);
}

/* changed_content - content with one bit flipped */
static const uint8_t *changed_content(void)
{
	static uint8_t c[sizeof(content)];

	memcpy(c, content, sizeof(content));
	c[CLEN - 4] ^= 1;
	return c;
}

/* to_ber - re-encode the outer ContentInfo and [0] with indefinite lengths */
static void to_ber(const sg_buf *der, sg_buf *ber)
{
	size_t	i = 1, n, hl, len;
	const uint8_t *p = der->data;
	static const uint8_t eoc[2] = { 0, 0 };

	/* header of the outer SEQUENCE */
	n = p[i] & 0x80 ? (size_t) (p[i] & 0x7f) : 0;
	hl = 2 + n;
	/* OID */
	len = 2 + p[hl + 1];
	sg_buf_reset(ber);
	sg_buf_append(ber, "\x30\x80", 2);
	sg_buf_append(ber, p + hl, len);
	sg_buf_append(ber, "\xa0\x80", 2);
	i = hl + len + 1;	/* length byte of [0] */
	n = p[i] & 0x80 ? (size_t) (p[i] & 0x7f) : 0;
	sg_buf_append(ber, p + i + 1 + n, der->len - (i + 1 + n));
	sg_buf_append(ber, eoc, 2);
	sg_buf_append(ber, eoc, 2);
}

/* test_good - each algorithm and form passes; the report is filled in */
static void test_good(void)
{
	sg_buf	sig = SG_BUF_INIT, ber = SG_BUF_INIT;
	sg_verify_report *rep;
	const sg_verify_signer *s;

	vt_sign(&rsa, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, content, CLEN, NULL,
		0, NULL, &sig);
	rep = run(trust, &sig, content, CLEN, SG_OK);
	SG_CHECK(rep->nsigners == 1 && rep->detached);
	s = &rep->signers[0];
	SG_CHECK_MSG(s->result == SG_VERIFY_PASS, "%s", s->reason);
	SG_CHECK(s->crt != NULL && sg_verify_same_cert(s->crt, rsa.crt));
	SG_CHECK(s->naddresses == 1 && s->addresses
		 && strcmp(s->addresses[0],
			   "domain-signing-authority@a.example") == 0);
	SG_CHECK(s->serial && strlen(s->serial) == 4);
	SG_CHECK(s->subject && s->issuer && strstr(s->issuer, "verify test CA"));
	SG_CHECK(s->has_signing_time && !s->signing_time_future);
	SG_CHECK(s->digest == GNUTLS_DIG_SHA256);
	SG_CHECK(!s->domain_signature && !s->has_signature_type);
	SG_CHECK(strcmp(sg_verify_smime_result(s->result), "pass") == 0);
	sg_verify_report_free(rep);

	to_ber(&sig, &ber);
	expect(trust, &ber, content, CLEN, SG_VERIFY_PASS);

	vt_sign(&rsa, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS | GNUTLS_PKCS7_EMBED_DATA,
		content, CLEN, NULL, 0, NULL, &sig);
	rep = run(trust, &sig, NULL, 0, SG_OK);
	SG_CHECK(!rep->detached && rep->content.len == CLEN
		 && memcmp(rep->content.data, content, CLEN) == 0);
	SG_CHECK(rep->nsigners == 1 && rep->signers[0].result == SG_VERIFY_PASS);
	sg_verify_report_free(rep);
	to_ber(&sig, &ber);
	expect(trust, &ber, NULL, 0, SG_VERIFY_PASS);

	vt_sign(&ec, GNUTLS_SIGN_ECDSA_SHA256, SIGN_FLAGS, content, CLEN, NULL,
		0, NULL, &sig);
	expect(trust, &sig, content, CLEN, SG_VERIFY_PASS);
	/* GnuTLS signs RSASSA-PSS only with an RSA-PSS key */
	vt_sign(&pss, GNUTLS_SIGN_RSA_PSS_SHA384, SIGN_FLAGS, content, CLEN,
		NULL, 0, NULL, &sig);
	rep = run(trust, &sig, content, CLEN, SG_OK);
	SG_CHECK(rep->nsigners == 1 && rep->signers[0].result == SG_VERIFY_PASS);
	SG_CHECK(rep->nsigners == 1
		 && rep->signers[0].sign_algo == GNUTLS_SIGN_RSA_PSS_SHA384);
	sg_verify_report_free(rep);
	expect(trust, &sig, changed_content(), CLEN, SG_VERIFY_FAIL);
	sg_buf_free(&sig);
	sg_buf_free(&ber);
}

/* test_failures - each failure has its own result */
static void test_failures(void)
{
	sg_buf	sig = SG_BUF_INIT;
	uint8_t	changed[sizeof(content)];
	sg_verify_opts o = SG_VERIFY_DEFAULTS;
	sg_verify_report *rep = NULL;
	sg_status st;

	vt_sign(&rsa, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, content, CLEN, NULL,
		0, NULL, &sig);
	memcpy(changed, content, sizeof(content));
	changed[CLEN - 3] ^= 1;
	expect(trust, &sig, changed, CLEN, SG_VERIFY_FAIL);
	expect(trust, &sig, content, CLEN - 1, SG_VERIFY_FAIL);
	expect(NULL, &sig, content, CLEN, SG_VERIFY_UNTRUSTED);
	expect(trust_other, &sig, content, CLEN, SG_VERIFY_UNTRUSTED);
	/* detached without content, opaque with content differing */
	rep = run(trust, &sig, NULL, 0, SG_REJECT);
	SG_CHECK(rep->result == SG_VERIFY_PERMERROR && rep->nsigners == 0);
	sg_verify_report_free(rep);

	vt_sign(&expired, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, content, CLEN,
		NULL, 0, NULL, &sig);
	expect(trust, &sig, content, CLEN, SG_VERIFY_EXPIRED);
	vt_sign(&revoked, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, content, CLEN,
		NULL, 0, NULL, &sig);
	expect(trust, &sig, content, CLEN, SG_VERIFY_PASS);
	expect(trust_crl, &sig, content, CLEN, SG_VERIFY_REVOKED);
	vt_sign(&revoked, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, content, CLEN,
		NULL, 0, crl, &sig);
	expect(trust, &sig, content, CLEN, SG_VERIFY_REVOKED);
	vt_sign(&nodigsig, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, content, CLEN,
		NULL, 0, NULL, &sig);
	expect(trust, &sig, content, CLEN, SG_VERIFY_BAD_USAGE);
	vt_sign(&server, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, content, CLEN,
		NULL, 0, NULL, &sig);
	expect(trust, &sig, content, CLEN, SG_VERIFY_BAD_USAGE);

	vt_sign(&rsa, GNUTLS_SIGN_RSA_SHA1, SIGN_FLAGS, content, CLEN, NULL, 0,
		NULL, &sig);
	expect(trust, &sig, content, CLEN, SG_VERIFY_INSECURE_ALGORITHM);
	o.trust = trust;
	o.allow_sha1 = true;
	st = sg_verify(&o, sig.data, sig.len, content, CLEN, &rep);
	SG_CHECK(sg_status_is_ok(&st) && rep->signers[0].result == SG_VERIFY_PASS);
	sg_verify_report_free(rep);
	o.allow_sha1 = false;

	/* no certificate: NO_SIGNER_CERT, found among extra_certs (pinned) */
	vt_sign(&rsa, GNUTLS_SIGN_RSA_SHA256, GNUTLS_PKCS7_INCLUDE_TIME,
		content, CLEN, NULL, 0, NULL, &sig);
	expect(trust, &sig, content, CLEN, SG_VERIFY_NO_SIGNER_CERT);
	o.extra_certs = &rsa.crt;
	o.nextra_certs = 1;
	st = sg_verify(&o, sig.data, sig.len, content, CLEN, &rep);
	SG_CHECK(sg_status_is_ok(&st) && rep->signers[0].result == SG_VERIFY_PASS);
	sg_verify_report_free(rep);

	/* a signing time in the future is reported */
	o.extra_certs = NULL;
	o.nextra_certs = 0;
	o.now = time(NULL) - 3600;
	vt_sign(&rsa, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, content, CLEN, NULL,
		0, NULL, &sig);
	st = sg_verify(&o, sig.data, sig.len, content, CLEN, &rep);
	SG_CHECK(sg_status_is_ok(&st) && rep->signers[0].signing_time_future);
	SG_CHECK(strstr(rep->signers[0].reason, "future") != NULL);
	sg_verify_report_free(rep);
	sg_buf_free(&sig);
}

/* test_signers - two SignerInfos reported; 17 refused whole */
static void test_signers(void)
{
	gnutls_pkcs7_t p7;
	gnutls_privkey_t k1, k2;
	gnutls_datum_t data = { (unsigned char *) content, CLEN }, der;
	sg_buf	sig = SG_BUF_INIT;
	sg_verify_report *rep;
	int	i;

	VT_DIE_IF(gnutls_pkcs7_init(&p7) < 0);
	VT_DIE_IF(gnutls_privkey_init(&k1) < 0 || gnutls_privkey_init(&k2) < 0);
	VT_DIE_IF(gnutls_privkey_import_x509(k1, rsa.key, 0) < 0);
	VT_DIE_IF(gnutls_privkey_import_x509(k2, expired.key, 0) < 0);
	VT_DIE_IF(gnutls_pkcs7_sign(p7, rsa.crt, k1, &data, NULL, NULL,
				    GNUTLS_DIG_SHA256, SIGN_FLAGS) < 0);
	VT_DIE_IF(gnutls_pkcs7_sign(p7, expired.crt, k2, &data, NULL, NULL,
				    GNUTLS_DIG_SHA384, SIGN_FLAGS) < 0);
	VT_DIE_IF(gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &der) < 0);
	sg_buf_append(&sig, der.data, der.size);
	gnutls_free(der.data);
	rep = run(trust, &sig, content, CLEN, SG_OK);
	SG_CHECK(rep->nsigners == 2);
	if (rep->nsigners == 2) {
		SG_CHECK(rep->signers[0].result == SG_VERIFY_PASS);
		SG_CHECK(rep->signers[1].result == SG_VERIFY_EXPIRED);
		SG_CHECK(rep->signers[1].digest == GNUTLS_DIG_SHA384);
	}
	sg_verify_report_free(rep);
	for (i = 2; i < SG_VERIFY_MAX_SIGNERS + 1; i++)
		VT_DIE_IF(gnutls_pkcs7_sign(p7, rsa.crt, k1, &data, NULL, NULL,
					    GNUTLS_DIG_SHA256, SIGN_FLAGS) < 0);
	VT_DIE_IF(gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &der) < 0);
	sg_buf_reset(&sig);
	sg_buf_append(&sig, der.data, der.size);
	gnutls_free(der.data);
	rep = run(trust, &sig, content, CLEN, SG_REJECT);
	SG_CHECK(rep->nsigners == 0 && rep->result == SG_VERIFY_PERMERROR);
	SG_CHECK(strstr(rep->reason, "too many") != NULL);
	sg_verify_report_free(rep);
	gnutls_privkey_deinit(k1);
	gnutls_privkey_deinit(k2);
	gnutls_pkcs7_deinit(p7);
	sg_buf_free(&sig);
}

/* test_hostile - truncation, mutation, garbage: clean statuses only */
static void test_hostile(void)
{
	sg_buf	sig = SG_BUF_INIT, m = SG_BUF_INIT;
	sg_verify_opts o = SG_VERIFY_DEFAULTS;
	sg_verify_report *rep;
	sg_status st;
	size_t	i, passes = 0, sig_start;
	static const uint8_t junk[] = { 0x30, 0x84, 0xff, 0xff, 0xff, 0xff,
					0x06, 0x09 };

	o.trust = trust;
	vt_sign(&rsa, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, content, CLEN, NULL,
		0, NULL, &sig);
	for (i = 0; i < sig.len; i++) {
		st = sg_verify(&o, sig.data, i, content, CLEN, &rep);
		SG_CHECK(rep != NULL);
		SG_CHECK_MSG(st.code == SG_REJECT || (st.code == SG_OK
			     && rep->signers[0].result != SG_VERIFY_PASS),
			     "truncated at %zu: %s", i, st.text);
		sg_verify_report_free(rep);
	}
	/* The SignerInfo (signed attributes and signature) is the tail of
	 * the encoding: every byte of its last 300 is covered. */
	sig_start = sig.len - 300;
	for (i = 0; i < sig.len; i++) {
		sg_buf_reset(&m);
		sg_buf_append(&m, sig.data, sig.len);
		m.data[i] ^= 0x5a;
		st = sg_verify(&o, m.data, m.len, content, CLEN, &rep);
		SG_CHECK(rep != NULL);
		SG_CHECK(st.code == SG_OK || st.code == SG_REJECT);
		if (st.code == SG_OK && rep->signers[0].result == SG_VERIFY_PASS) {
			passes++;
			SG_CHECK_MSG(i < sig_start, "mutation at %zu passes", i);
		}
		sg_verify_report_free(rep);
	}
	SG_CHECK(passes < sig.len / 10);
	st = sg_verify(&o, junk, sizeof(junk), content, CLEN, &rep);
	SG_CHECK(st.code == SG_REJECT && rep->result == SG_VERIFY_PERMERROR);
	sg_verify_report_free(rep);
	st = sg_verify(&o, (const uint8_t *) "", 0, content, CLEN, &rep);
	SG_CHECK(st.code == SG_REJECT);
	sg_verify_report_free(rep);
	SG_CHECK(strcmp(sg_verify_smime_result(SG_VERIFY_TEMPERROR),
			"temperror") == 0);
	SG_CHECK(strcmp(sg_verify_smime_result(SG_VERIFY_REVOKED), "fail") == 0);
	SG_CHECK(strcmp(sg_verify_smime_result(SG_VERIFY_UNTRUSTED),
			"policy") == 0);
	sg_buf_free(&sig);
	sg_buf_free(&m);
}

int	main(void)
{
	VT_DIE_IF(gnutls_global_init() < 0);
	setup();
	SG_RUN(test_good);
	SG_RUN(test_failures);
	SG_RUN(test_signers);
	SG_RUN(test_hostile);
	sg_trust_free(trust);
	sg_trust_free(trust_crl);
	sg_trust_free(trust_other);
	gnutls_x509_crl_deinit(crl);
	vt_free(&ca);
	vt_free(&other_ca);
	vt_free(&rsa);
	vt_free(&pss);
	vt_free(&ec);
	vt_free(&expired);
	vt_free(&revoked);
	vt_free(&nodigsig);
	vt_free(&server);
	return sg_test_done();
}
