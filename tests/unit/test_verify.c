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
 *	Line ends read on the fly (opts.canon): signatures made by openssl
 *	cms over the CRLF form of LF text (with signed attributes, -noattr:
 *	the signature over the content itself, and -nodetach: an eContent
 *	compared with the content) verify in CRLF mode over the LF bytes with
 *	the very report AS_IS gives over the CRLF copy, and LF mode the other
 *	way round; the transform matches sg_buf_append_crlf() and
 *	sg_buf_append_lf() on edge cases (empty, a trailing CR, CR CR LF, a
 *	lone CR, line ends across the 16 KB pieces, random CR/LF soup).
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


/* ossl_sign - openssl cms -sign OPTS over data by rsa, DER into out */
static void ossl_sign(const char *opts, const void *data, size_t len,
		      sg_buf *out)
{
	static char crt[512], key[512];
	char	in[512], der[512];
	gnutls_datum_t d;
	sg_status st;

	if (crt[0] == 0) {
		snprintf(crt, sizeof(crt), "%s", vt_write_crt("canon-rsa.pem",
							       rsa.crt));
		VT_DIE_IF(gnutls_x509_privkey_export2(rsa.key,
						      GNUTLS_X509_FMT_PEM, &d) < 0);
		snprintf(key, sizeof(key), "%s", vt_write("canon-rsa.key",
							   d.data, d.size));
		gnutls_free(d.data);
	}
	snprintf(in, sizeof(in), "%s", vt_write("canon-in", data, len));
	snprintf(der, sizeof(der), "%s/canon-sig.der", sg_testkit_dir());
	sg_buf_reset(out);
	if (!sg_test_sh("openssl cms -sign %s -md sha256 -signer %s -inkey %s -in %s "
		"-outform DER -out %s", opts, crt, key, in, der))
		return;
	st = sg_buf_read_file(out, der, 1 << 20);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
}

/* verify_canon - sg_verify with opts.canon (status in *code) */
static sg_verify_report *verify_canon(const sg_buf *sig, const void *data,
				      size_t len, sg_verify_canon canon,
				      sg_code *code)
{
	sg_verify_opts o = SG_VERIFY_DEFAULTS;
	sg_verify_report *rep = NULL;
	sg_status st;

	o.trust = trust;
	o.canon = canon;
	st = sg_verify(&o, sig->data, sig->len, data, len, &rep);
	*code = st.code;
	SG_CHECK(rep != NULL);
	return rep;
}

/* str_same - two strings equal, both NULL allowed */
static bool str_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL)
		|| (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* same_signer - every field of two signer reports that a caller reads */
static bool same_signer(const sg_verify_signer *a, const sg_verify_signer *b)
{
	size_t	i;

	if (a->result != b->result || strcmp(a->reason, b->reason) != 0
	    || (a->crt == NULL) != (b->crt == NULL)
	    || (a->crt != NULL && !sg_verify_same_cert(a->crt, b->crt))
	    || !str_same(a->subject, b->subject)
	    || !str_same(a->issuer, b->issuer)
	    || !str_same(a->serial, b->serial)
	    || a->naddresses != b->naddresses || a->digest != b->digest
	    || a->sign_algo != b->sign_algo
	    || a->has_signing_time != b->has_signing_time
	    || a->signing_time != b->signing_time
	    || a->signing_time_future != b->signing_time_future
	    || a->has_signature_type != b->has_signature_type
	    || a->domain_signature != b->domain_signature
	    || a->originator_signature != b->originator_signature
	    || a->ncaps != b->ncaps || a->enc_pref_present != b->enc_pref_present
	    || (a->enc_crt == NULL) != (b->enc_crt == NULL)
	    || a->crl_checked != b->crl_checked)
		return false;
	for (i = 0; i < a->naddresses; i++)
		if (strcmp(a->addresses[i], b->addresses[i]) != 0)
			return false;
	for (i = 0; i < a->ncaps; i++)
		if (a->caps[i] != b->caps[i])
			return false;
	return true;
}

/*
 * expect_canon - canon over data gives the report AS_IS gives over the
 * transformed copy (sg_buf_append_crlf/lf, the reference), and r; the
 * report is returned for more checks (caller frees)
 */
static sg_verify_report *expect_canon(const char *what, const sg_buf *sig,
				      const void *data, size_t len,
				      sg_verify_canon canon,
				      sg_verify_result r)
{
	sg_buf	ref = SG_BUF_INIT;
	sg_verify_report *a, *b;
	sg_code	ca_code, cb_code;
	size_t	i;

	if (canon == SG_VERIFY_CANON_CRLF)
		sg_buf_append_crlf(&ref, data, len);
	else
		sg_buf_append_lf(&ref, data, len);
	a = verify_canon(sig, data, len, canon, &ca_code);
	b = verify_canon(sig, ref.len ? ref.data : data, ref.len,
			 SG_VERIFY_CANON_AS_IS, &cb_code);
	SG_CHECK_MSG(ca_code == SG_OK && cb_code == SG_OK, "%s", what);
	SG_CHECK_MSG(a->nsigners == 1 && b->nsigners == 1, "%s", what);
	SG_CHECK_MSG(a->result == b->result && a->detached == b->detached
		     && strcmp(a->reason, b->reason) == 0
		     && a->content.len == b->content.len
		     && a->ncerts == b->ncerts && a->ncrls == b->ncrls
		     && a->trailing == b->trailing, "%s: %s (%s) vs %s (%s)",
		     what, sg_verify_result_name(a->result), a->reason,
		     sg_verify_result_name(b->result), b->reason);
	for (i = 0; i < a->nsigners && i < b->nsigners; i++)
		SG_CHECK_MSG(same_signer(&a->signers[i], &b->signers[i]),
			     "%s: signer %zu differs", what, i);
	SG_CHECK_MSG(a->nsigners == 1 && a->signers[0].result == r,
		     "%s: got %s (%s), want %s", what,
		     sg_verify_result_name(a->result), a->reason,
		     sg_verify_result_name(r));
	sg_verify_report_free(b);
	sg_buf_free(&ref);
	return a;
}

/* expect_canon_free - expect_canon, the report released */
static void expect_canon_free(const char *what, const sg_buf *sig,
			      const void *data, size_t len,
			      sg_verify_canon canon, sg_verify_result r)
{
	sg_verify_report_free(expect_canon(what, sig, data, len, canon, r));
}

/* expect_as_is - AS_IS over data gives r; the reason contains want */
static void expect_as_is(const char *what, const sg_buf *sig,
			 const void *data, size_t len, sg_verify_result r,
			 const char *want)
{
	sg_verify_report *rep;
	sg_code	code;

	rep = verify_canon(sig, data, len, SG_VERIFY_CANON_AS_IS, &code);
	SG_CHECK_MSG(code == SG_OK && rep->nsigners == 1
		     && rep->signers[0].result == r
		     && (want == NULL || strstr(rep->reason, want) != NULL),
		     "%s: got %s (%s), want %s", what,
		     sg_verify_result_name(rep->result), rep->reason,
		     sg_verify_result_name(r));
	sg_verify_report_free(rep);
}

static const char lf_text[] = "Content-Type: text/plain; charset=us-ascii\n"
	"\nFirst line.\nSecond line, then an empty one.\n\nLast line.\n";
static const char crlf_text[] = "Content-Type: text/plain; charset=us-ascii"
	"\r\n\r\nFirst line.\r\nSecond line, then an empty one.\r\n\r\n"
	"Last line.\r\n";
#define LF_LEN (sizeof(lf_text) - 1)
#define CRLF_LEN (sizeof(crlf_text) - 1)

/* test_canon_crlf - openssl signs the CRLF form; CRLF mode reads LF text */
static void test_canon_crlf(void)
{
	sg_buf	sig = SG_BUF_INIT;
	sg_verify_report *rep;
	sg_code	code;
	char	changed[sizeof(lf_text)];

	memcpy(changed, lf_text, sizeof(lf_text));
	changed[LF_LEN - 3] ^= 1;

	/* Without -binary openssl signs the canonical (CRLF) form. */
	ossl_sign("", lf_text, LF_LEN, &sig);
	expect_as_is("attrs, CRLF copy", &sig, crlf_text, CRLF_LEN,
		     SG_VERIFY_PASS, NULL);
	expect_as_is("attrs, LF bytes", &sig, lf_text, LF_LEN, SG_VERIFY_FAIL,
		     "message digest");
	rep = expect_canon("attrs, CRLF mode", &sig, lf_text, LF_LEN,
			   SG_VERIFY_CANON_CRLF, SG_VERIFY_PASS);
	SG_CHECK(rep->nsigners == 1 && rep->signers[0].crt != NULL
		 && sg_verify_same_cert(rep->signers[0].crt, rsa.crt)
		 && rep->signers[0].ncaps > 0 && rep->detached
		 && rep->content.len == 0);
	sg_verify_report_free(rep);
	expect_canon_free("attrs, CRLF mode over CRLF", &sig, crlf_text,
			  CRLF_LEN, SG_VERIFY_CANON_CRLF, SG_VERIFY_PASS);
	expect_canon_free("attrs, CRLF mode, changed", &sig, changed, LF_LEN,
			  SG_VERIFY_CANON_CRLF, SG_VERIFY_FAIL);
	expect_canon_free("attrs, LF mode", &sig, crlf_text, CRLF_LEN,
			  SG_VERIFY_CANON_LF, SG_VERIFY_FAIL);

	/* -noattr: the signature covers the content itself (the copy). */
	ossl_sign("-noattr", lf_text, LF_LEN, &sig);
	expect_as_is("noattr, CRLF copy", &sig, crlf_text, CRLF_LEN,
		     SG_VERIFY_PASS, NULL);
	expect_as_is("noattr, LF bytes", &sig, lf_text, LF_LEN, SG_VERIFY_FAIL,
		     "signature does not verify");
	expect_canon_free("noattr, CRLF mode", &sig, lf_text, LF_LEN,
			  SG_VERIFY_CANON_CRLF, SG_VERIFY_PASS);
	expect_canon_free("noattr, CRLF mode, changed", &sig, changed, LF_LEN,
			  SG_VERIFY_CANON_CRLF, SG_VERIFY_FAIL);

	/* -nodetach: an eContent (the CRLF form) and the detached part. */
	ossl_sign("-nodetach", lf_text, LF_LEN, &sig);
	expect_as_is("eContent, CRLF copy", &sig, crlf_text, CRLF_LEN,
		     SG_VERIFY_PASS, NULL);
	expect_as_is("eContent, LF bytes", &sig, lf_text, LF_LEN,
		     SG_VERIFY_FAIL, "differs from the signed part");
	rep = expect_canon("eContent, CRLF mode", &sig, lf_text, LF_LEN,
			   SG_VERIFY_CANON_CRLF, SG_VERIFY_PASS);
	SG_CHECK(rep->content.len == CRLF_LEN
		 && memcmp(rep->content.data, crlf_text, CRLF_LEN) == 0);
	sg_verify_report_free(rep);
	/* shorter, longer, changed than the eContent once transformed */
	expect_canon_free("eContent, CRLF mode, short", &sig, lf_text,
			  LF_LEN - 1, SG_VERIFY_CANON_CRLF, SG_VERIFY_FAIL);
	expect_canon_free("eContent, CRLF mode, long", &sig, lf_text,
			  LF_LEN + 1, SG_VERIFY_CANON_CRLF, SG_VERIFY_FAIL);
	expect_canon_free("eContent, CRLF mode, changed", &sig, changed,
			  LF_LEN, SG_VERIFY_CANON_CRLF, SG_VERIFY_FAIL);
	/* opaque: canon is ignored, the eContent is what is signed */
	rep = verify_canon(&sig, NULL, 0, SG_VERIFY_CANON_LF, &code);
	SG_CHECK(code == SG_OK && !rep->detached && rep->nsigners == 1
		 && rep->signers[0].result == SG_VERIFY_PASS
		 && rep->content.len == CRLF_LEN
		 && memcmp(rep->content.data, crlf_text, CRLF_LEN) == 0);
	sg_verify_report_free(rep);
	sg_buf_free(&sig);
}

/* test_canon_lf - signed as-is with LF ends; LF mode reads a CRLF copy */
static void test_canon_lf(void)
{
	sg_buf	sig = SG_BUF_INIT;

	ossl_sign("-binary", lf_text, LF_LEN, &sig);
	expect_as_is("LF signed, LF bytes", &sig, lf_text, LF_LEN,
		     SG_VERIFY_PASS, NULL);
	expect_as_is("LF signed, CRLF bytes", &sig, crlf_text, CRLF_LEN,
		     SG_VERIFY_FAIL, "message digest");
	expect_canon_free("LF signed, LF mode", &sig, crlf_text, CRLF_LEN,
			  SG_VERIFY_CANON_LF, SG_VERIFY_PASS);
	expect_canon_free("LF signed, LF mode over LF", &sig, lf_text, LF_LEN,
			  SG_VERIFY_CANON_LF, SG_VERIFY_PASS);
	expect_canon_free("LF signed, CRLF mode", &sig, lf_text, LF_LEN,
			  SG_VERIFY_CANON_CRLF, SG_VERIFY_FAIL);
	ossl_sign("-binary -noattr", lf_text, LF_LEN, &sig);
	expect_canon_free("LF signed noattr, LF mode", &sig, crlf_text,
			  CRLF_LEN, SG_VERIFY_CANON_LF, SG_VERIFY_PASS);
	ossl_sign("-binary -nodetach", lf_text, LF_LEN, &sig);
	expect_canon_free("LF signed eContent, LF mode", &sig, crlf_text,
			  CRLF_LEN, SG_VERIFY_CANON_LF, SG_VERIFY_PASS);
	expect_as_is("LF signed eContent, CRLF bytes", &sig, crlf_text,
		     CRLF_LEN, SG_VERIFY_FAIL, "differs from the signed part");
	sg_buf_free(&sig);
}

/*
 * edge_case - sign the reference transform of data (sg_buf_append_crlf or
 * _lf) with GnuTLS (signed attributes) or openssl -noattr, and expect
 * canon over data to give AS_IS's report over it, PASS
 */
static void edge_case(const char *what, const void *data, size_t len,
		      sg_verify_canon canon, bool noattr)
{
	sg_buf	ref = SG_BUF_INIT, sig = SG_BUF_INIT;
	char	name[160];

	if (canon == SG_VERIFY_CANON_CRLF)
		sg_buf_append_crlf(&ref, data, len);
	else
		sg_buf_append_lf(&ref, data, len);
	if (noattr)
		ossl_sign("-binary -noattr", ref.data, ref.len, &sig);
	else if (ref.len == 0)		/* GnuTLS does not sign nothing */
		ossl_sign("-binary", "", 0, &sig);
	else
		vt_sign(&rsa, GNUTLS_SIGN_RSA_SHA256, SIGN_FLAGS, ref.data,
			ref.len, NULL, 0, NULL, &sig);
	snprintf(name, sizeof(name), "%s, %s%s (%zu bytes)", what,
		 canon == SG_VERIFY_CANON_CRLF ? "CRLF" : "LF",
		 noattr ? ", noattr" : "", len);
	expect_canon_free(name, &sig, len ? data : "", len, canon,
			  SG_VERIFY_PASS);
	sg_buf_free(&ref);
	sg_buf_free(&sig);
}

/* test_canon_edges - the transform is sg_buf_append_crlf/lf exactly */
static void test_canon_edges(void)
{
	static const struct {
		const char *what, *data;
	} small[] = {
		{ "empty", "" },
		{ "LF only", "\n" },
		{ "CR only", "\r" },
		{ "CRLF only", "\r\n" },
		{ "leading LF", "\nx\n" },
		{ "trailing CR", "a\nb\r" },
		{ "CR CR LF", "a\r\r\nb\n" },
		{ "lone CR", "a\rb\nc" },
		{ "LF CR", "a\n\rb\n\r" },
		{ "mixed", "a\r\nb\nc\r\r\n\n\r\n\r" },
	};
	static const char *const pattern[] = { "\n", "\r\n", "\r\r\n", "\r" };
	static const size_t at[] = { 16381, 16382, 16383, 16384, 16385,
				     32766, 32767, 32768 };
	const size_t big = 3 * 16384 + 100;
	uint8_t *buf = malloc(big);
	unsigned seed = 11;
	size_t	i, j, k, plen;
	char	what[64];
	int	m;

	VT_DIE_IF(buf == NULL);
	for (m = 0; m < 2; m++) {
		sg_verify_canon canon = m ? SG_VERIFY_CANON_LF
			: SG_VERIFY_CANON_CRLF;

		for (i = 0; i < sizeof(small) / sizeof(small[0]); i++)
			edge_case(small[i].what, small[i].data,
				  strlen(small[i].data), canon, false);
		edge_case("empty", "", 0, canon, true);
		edge_case("CR CR LF", "a\r\r\nb\n", 7, canon, true);
		/* one line end around each place where a piece ends */
		for (j = 0; j < sizeof(pattern) / sizeof(pattern[0]); j++)
			for (k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
				plen = strlen(pattern[j]);
				memset(buf, 'x', big);
				memcpy(buf + at[k] - 1, pattern[j], plen);
				snprintf(what, sizeof(what), "line end %zu at "
					 "%zu", j, at[k] - 1);
				edge_case(what, buf, at[k] + plen + 1, canon,
					  false);
			}
		/* every line a bare LF: the output is twice a piece and more */
		memset(buf, '\n', big);
		edge_case("all LF", buf, big, canon, false);
		memset(buf, '\r', big);
		edge_case("all CR", buf, big, canon, false);
		/* CR and LF soup */
		for (i = 0; i < 3; i++) {
			for (j = 0; j < big; j++) {
				seed = seed * 1103515245 + 12345;
				buf[j] = "\r\n\r\nab"[(seed >> 16) % 6];
			}
			edge_case("soup", buf, big, canon, i == 0);
		}
	}
	free(buf);
}

int	main(void)
{
	VT_DIE_IF(gnutls_global_init() < 0);
	setup();
	SG_RUN(test_good);
	SG_RUN(test_failures);
	SG_RUN(test_signers);
	SG_RUN(test_hostile);
	SG_RUN(test_canon_crlf);
	SG_RUN(test_canon_lf);
	SG_RUN(test_canon_edges);
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
