/*
 * NAME
 *	test_sign 1
 * SUMMARY
 *	unit tests for sg_sign(3): signer loading and SignedData
 * DESCRIPTION
 *	Keys and certificates are made here (RSA and ECDSA, with keyUsage),
 *	signed by a throw-away CA, written under sg_testkit_dir().
 *	Signatures are checked by GnuTLS (gnutls_pkcs7_verify_direct) and
 *	their signed attributes read back with sg_smimeattr(3). TEST ONLY.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "sg_sign.h"
#include "sg_smimeattr.h"
#include "sg_test.h"
#include "sg_testkit.h"

#define DIE_IF(cond) do { if (cond) { \
	fprintf(stderr, "test_sign: %s failed at line %d\n", #cond, \
		__LINE__); exit(2); } } while (0)

#define FIXED_TIME ((time_t) 1767323045)	/* 2026-01-02 03:04:05 */

static gnutls_x509_crt_t ca_crt;
static gnutls_x509_privkey_t ca_key;

/* Certificates the tests made, released at the end (no leak reports). */
static gnutls_x509_crt_t made[128];
static size_t nmade;

/* keep - remember a certificate to release at the end */
static void keep(gnutls_x509_crt_t crt)
{
	if (nmade < sizeof(made) / sizeof(*made))
		made[nmade++] = crt;
}

/* release_all - the certificates and the CA key */
static void release_all(void)
{
	while (nmade > 0)
		gnutls_x509_crt_deinit(made[--nmade]);
	if (ca_crt != NULL)
		gnutls_x509_crt_deinit(ca_crt);
	if (ca_key != NULL)
		gnutls_x509_privkey_deinit(ca_key);
}
static unsigned char next_serial = 1;

static const uint8_t content[] = "Content-Type: text/plain\r\n\r\nhello\r\n";

/* append_file - append a datum to a file (mode 0600) */
static void append_file(const char *path, const gnutls_datum_t *d)
{
	FILE   *f = fopen(path, "ab");

	DIE_IF(f == NULL);
	DIE_IF(fwrite(d->data, 1, d->size, f) != d->size);
	DIE_IF(fclose(f) != 0);
	DIE_IF(chmod(path, 0600) != 0);
}

/* make_cert - certificate for key, by the CA (or self-signed CA) */
static gnutls_x509_crt_t make_cert(gnutls_x509_privkey_t key, const char *cn,
				   unsigned usage, bool is_ca)
{
	gnutls_x509_crt_t crt;
	unsigned char sn[2] = {0x5a, next_serial++};
	time_t	now = time(NULL);

	DIE_IF(gnutls_x509_crt_init(&crt) < 0);
	DIE_IF(gnutls_x509_crt_set_version(crt, 3) < 0);
	DIE_IF(gnutls_x509_crt_set_serial(crt, sn, sizeof(sn)) < 0);
	DIE_IF(gnutls_x509_crt_set_activation_time(crt, now - 3600) < 0);
	DIE_IF(gnutls_x509_crt_set_expiration_time(crt, now + 86400) < 0);
	DIE_IF(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
					     0, cn, strlen(cn)) < 0);
	DIE_IF(gnutls_x509_crt_set_key(crt, key) < 0);
	DIE_IF(gnutls_x509_crt_set_basic_constraints(crt, is_ca, -1) < 0);
	if (usage)
		DIE_IF(gnutls_x509_crt_set_key_usage(crt, usage) < 0);
	DIE_IF(gnutls_x509_crt_sign2(crt, is_ca ? crt : ca_crt,
				     is_ca ? key : ca_key, GNUTLS_DIG_SHA256,
				     0) < 0);
	return crt;
}

/* make_key - RSA (bits) or ECDSA (curve) key */
static gnutls_x509_privkey_t make_key(gnutls_pk_algorithm_t pk,
				      unsigned bits)
{
	gnutls_x509_privkey_t key;

	DIE_IF(gnutls_x509_privkey_init(&key) < 0);
	DIE_IF(gnutls_x509_privkey_generate(key, pk, bits, 0) < 0);
	return key;
}

/* ident - a signer's files and certificates */
typedef struct ident {
	char	cert_path[512];
	char	key_path[512];
	gnutls_x509_crt_t crt;		/* the signing certificate */
} ident;

/* make_ident - key file and cert file: [enc cert,] signing cert [, CA] */
static void make_ident(const char *name, gnutls_pk_algorithm_t pk,
		       unsigned bits, bool enc_first, bool with_ca, ident *id)
{
	gnutls_x509_privkey_t key = make_key(pk, bits);
	gnutls_x509_crt_t enc;
	gnutls_datum_t pem;

	if (ca_crt == NULL) {
		ca_key = make_key(GNUTLS_PK_RSA, 2048);
		ca_crt = make_cert(ca_key, "test_sign CA", GNUTLS_KEY_KEY_CERT_SIGN,
				   true);
	}
	snprintf(id->cert_path, sizeof(id->cert_path), "%s/%s.pem",
		 sg_testkit_dir(), name);
	snprintf(id->key_path, sizeof(id->key_path), "%s/%s.key",
		 sg_testkit_dir(), name);
	(void) unlink(id->cert_path);
	(void) unlink(id->key_path);
	if (enc_first) {
		enc = make_cert(key, "encryption only", GNUTLS_KEY_KEY_ENCIPHERMENT,
				false);
		DIE_IF(gnutls_x509_crt_export2(enc, GNUTLS_X509_FMT_PEM, &pem) < 0);
		append_file(id->cert_path, &pem);
		gnutls_free(pem.data);
		gnutls_x509_crt_deinit(enc);
	}
	id->crt = make_cert(key, name, GNUTLS_KEY_DIGITAL_SIGNATURE, false);
	keep(id->crt);
	DIE_IF(gnutls_x509_crt_export2(id->crt, GNUTLS_X509_FMT_PEM, &pem) < 0);
	append_file(id->cert_path, &pem);
	gnutls_free(pem.data);
	if (with_ca) {
		DIE_IF(gnutls_x509_crt_export2(ca_crt, GNUTLS_X509_FMT_PEM,
					       &pem) < 0);
		append_file(id->cert_path, &pem);
		gnutls_free(pem.data);
	}
	DIE_IF(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &pem) < 0);
	append_file(id->key_path, &pem);
	gnutls_free(pem.data);
	gnutls_x509_privkey_deinit(key);
}

/* same_cert - the same DER? */
static bool same_cert(gnutls_x509_crt_t a, gnutls_x509_crt_t b)
{
	return gnutls_x509_crt_equals(a, b) != 0;
}

/* test_digest_words - config words, micalg spellings */
static void test_digest_words(void)
{
	sg_digest d = SG_DIGEST_SHA512;

	SG_CHECK(sg_digest_parse("sha256", &d) && d == SG_DIGEST_SHA256);
	SG_CHECK(sg_digest_parse("sha384", &d) && d == SG_DIGEST_SHA384);
	SG_CHECK(sg_digest_parse("sha512", &d) && d == SG_DIGEST_SHA512);
	SG_CHECK(!sg_digest_parse("sha1", &d) && d == SG_DIGEST_SHA512);
	SG_CHECK(!sg_digest_parse("SHA-256", &d));
	SG_CHECK(!sg_digest_parse("", &d));
	SG_CHECK(strcmp(sg_digest_micalg(SG_DIGEST_SHA256), "sha-256") == 0);
	SG_CHECK(strcmp(sg_digest_micalg(SG_DIGEST_SHA384), "sha-384") == 0);
	SG_CHECK(strcmp(sg_digest_micalg(SG_DIGEST_SHA512), "sha-512") == 0);
	SG_CHECK(strcmp(sg_digest_name(SG_DIGEST_SHA384), "sha384") == 0);
	SG_CHECK(sg_digest_gnutls(SG_DIGEST_SHA512) == GNUTLS_DIG_SHA512);
}

/* test_load_selects_signing_cert - skip the keyEncipherment-only cert */
static void test_load_selects_signing_cert(void)
{
	ident	id;
	sg_signer *s = NULL;
	sg_status st;

	make_ident("pair", GNUTLS_PK_RSA, 2048, true, true, &id);
	st = sg_signer_load(id.cert_path, id.key_path, &s);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (s == NULL)
		return;
	SG_CHECK(same_cert(sg_signer_cert(s), id.crt));
	SG_CHECK(sg_signer_pk(s) == GNUTLS_PK_RSA);
	/* the encryption cert and the CA, in file order */
	SG_CHECK(sg_signer_chain_count(s) == 2);
	SG_CHECK(same_cert(sg_signer_chain(s, 1), ca_crt));
	SG_CHECK(!same_cert(sg_signer_chain(s, 0), id.crt));
	st = sg_signer_check_time(s, time(NULL));
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_signer_check_time(s, time(NULL) + 2 * 86400);
	SG_CHECK(st.code == SG_CONFIG);
	st = sg_signer_check_time(s, time(NULL) - 2 * 86400);
	SG_CHECK(st.code == SG_CONFIG);
	sg_signer_free(s);
}

/* test_load_errors - modes, FIFO, missing files, mismatch, curves */
static void test_load_errors(void)
{
	ident	a, b, weak;
	sg_signer *s = (sg_signer *) 1;
	char	fifo[600];
	sg_status st;

	make_ident("load-a", GNUTLS_PK_RSA, 2048, false, false, &a);
	make_ident("load-b", GNUTLS_PK_ECDSA,
		   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), false,
		   false, &b);

	DIE_IF(chmod(a.key_path, 0640) != 0);
	st = sg_signer_load(a.cert_path, a.key_path, &s);
	SG_CHECK(st.code == SG_CONFIG && s == NULL);
	DIE_IF(chmod(a.key_path, 0600) != 0);

	snprintf(fifo, sizeof(fifo), "%s/fifo.key", sg_testkit_dir());
	DIE_IF(mkfifo(fifo, 0600) != 0);
	st = sg_signer_load(a.cert_path, fifo, &s);
	SG_CHECK(st.code == SG_CONFIG);

	st = sg_signer_load(a.cert_path, "/nonexistent/x.key", &s);
	SG_CHECK(st.code == SG_TEMPFAIL);
	st = sg_signer_load("/nonexistent/x.pem", a.key_path, &s);
	SG_CHECK(st.code == SG_TEMPFAIL);
	st = sg_signer_load(a.cert_path, b.key_path, &s);
	SG_CHECK(st.code == SG_CONFIG && s == NULL);
	st = sg_signer_load(a.cert_path, a.cert_path, &s);
	SG_CHECK(st.code == SG_CONFIG || st.code == SG_TEMPFAIL);

	make_ident("load-p521", GNUTLS_PK_ECDSA,
		   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP521R1), false,
		   false, &weak);
	st = sg_signer_load(weak.cert_path, weak.key_path, &s);
	SG_CHECK(st.code == SG_CONFIG && s == NULL);
	make_ident("load-rsa1024", GNUTLS_PK_RSA, 1024, false, false, &weak);
	st = sg_signer_load(weak.cert_path, weak.key_path, &s);
	SG_CHECK(st.code == SG_CONFIG && s == NULL);
}

/* write_file - the bytes to a file under the test directory; its path */
static const char *write_file(const char *name, const uint8_t *data,
			      size_t len)
{
	static char path[4][512];
	static unsigned turn;
	char   *p = path[turn++ % 4];
	FILE   *f;

	snprintf(p, 512, "%s/%s", sg_testkit_dir(), name);
	f = fopen(p, "wb");
	DIE_IF(f == NULL);
	DIE_IF(len > 0 && fwrite(data, 1, len, f) != len);
	DIE_IF(fclose(f) != 0);
	return p;
}

/* openssl_verify - does `openssl cms -verify` accept sig (over content)? */
static bool openssl_verify(const char *sig, const char *data_path,
			   const char *ca)
{
	char	cmd[2048];

	snprintf(cmd, sizeof(cmd), "openssl cms -verify -binary -purpose any "
		 "-inform DER -in %s %s%s -CAfile %s -out /dev/null "
		 "2>/dev/null", sig, data_path ? "-content " : "",
		 data_path ? data_path : "", ca);
	return system(cmd) == 0;
}

/*
 * openssl_verifies - openssl accepts der (over data when detached, else
 * its eContent) with the test CA, and refuses it over data with one
 * byte changed
 */
static void openssl_verifies(const sg_buf *der, const uint8_t *data,
			     size_t len)
{
	gnutls_datum_t pem;
	const char *sig = write_file("v-sig.der", der->data, der->len);
	const char *ca, *in = NULL;
	uint8_t *copy;

	DIE_IF(gnutls_x509_crt_export2(ca_crt, GNUTLS_X509_FMT_PEM, &pem) < 0);
	ca = write_file("v-ca.pem", pem.data, pem.size);
	gnutls_free(pem.data);
	if (data != NULL)
		in = write_file("v-content", data, len);
	SG_CHECK(openssl_verify(sig, in, ca));
	if (data == NULL || len == 0)
		return;
	copy = malloc(len);
	DIE_IF(copy == NULL);
	memcpy(copy, data, len);
	copy[len / 2] ^= 1;
	in = write_file("v-content", copy, len);
	free(copy);
	SG_CHECK(!openssl_verify(sig, in, ca));
}

/* find_attr - the value of attribute oid in a signature's signed attrs */
static bool find_attr(gnutls_pkcs7_signature_info_st *info, const char *oid,
		      gnutls_datum_t *value)
{
	char   *got;
	unsigned i;

	for (i = 0; gnutls_pkcs7_get_attr(info->signed_attrs, i, &got, value,
					  0) >= 0; i++) {
		if (strcmp(got, oid) == 0)
			return true;
		gnutls_free(value->data);
		value->data = NULL;
	}
	return false;
}

/* expected_hash - the digest each sg_digest must produce, spelled out */
static gnutls_digest_algorithm_t expected_hash(sg_digest d)
{
	switch (d) {
	case SG_DIGEST_SHA256:
		return GNUTLS_DIG_SHA256;
	case SG_DIGEST_SHA384:
		return GNUTLS_DIG_SHA384;
	case SG_DIGEST_SHA512:
		return GNUTLS_DIG_SHA512;
	}
	return GNUTLS_DIG_UNKNOWN;
}

/* check_signature - GnuTLS verifies der over data; attributes as asked */
static void check_signature(const sg_buf *der, const ident *id,
			    const sg_sign_opts *opts, const uint8_t *data,
			    size_t len, gnutls_x509_crt_t enc, size_t ncerts)
{
	gnutls_pkcs7_t p7;
	gnutls_pkcs7_signature_info_st info;
	gnutls_datum_t in = {der->data, (unsigned) der->len};
	gnutls_datum_t d = {(unsigned char *) data, (unsigned) len};
	gnutls_datum_t v = {NULL, 0};
	sg_cipher_id caps[SG_SMIMEATTR_MAX_CAPS];
	sg_smimeattr_ekp ekp = SG_SMIMEATTR_EKP_INIT;
	size_t	n, idx;
	unsigned types;
	sg_status st;
	int	ret;

	DIE_IF(gnutls_pkcs7_init(&p7) < 0);
	ret = gnutls_pkcs7_import(p7, &in, GNUTLS_X509_FMT_DER);
	SG_CHECK(ret >= 0);
	SG_CHECK(gnutls_pkcs7_get_signature_count(p7) == 1);
	SG_CHECK(gnutls_pkcs7_get_crt_count(p7) == (int) ncerts);
	ret = gnutls_pkcs7_verify_direct(p7, id->crt, 0, data ? &d : NULL, 0);
	SG_CHECK_MSG(ret == 0, "verify_direct: %s", gnutls_strerror(ret));
	if (data != NULL && len > 0) {
		/* one changed byte of content: the signature fails */
		uint8_t *copy = malloc(len);

		DIE_IF(copy == NULL);
		memcpy(copy, data, len);
		copy[len / 2] ^= 1;
		d.data = copy;
		SG_CHECK(gnutls_pkcs7_verify_direct(p7, id->crt, 0, &d, 0) < 0);
		free(copy);
	}
	ret = gnutls_pkcs7_get_signature_info(p7, 0, &info);
	SG_CHECK(ret >= 0);
	if (ret < 0)
		goto out;
	SG_CHECK(gnutls_sign_get_hash_algorithm(info.algo)
		 == expected_hash(opts->digest));
	SG_CHECK((gnutls_sign_get_pk_algorithm(info.algo) == GNUTLS_PK_RSA_PSS)
		 == opts->rsa_pss);
	if (opts->signing_time)
		SG_CHECK(info.signing_time == opts->signing_time);
	else
		SG_CHECK(labs((long) (info.signing_time - time(NULL))) < 60);
	SG_CHECK(find_attr(&info, SG_OID_CONTENT_TYPE, &v));
	gnutls_free(v.data);
	SG_CHECK(find_attr(&info, SG_OID_MESSAGE_DIGEST, &v));
	gnutls_free(v.data);
	SG_CHECK(find_attr(&info, SG_OID_SMIME_CAPABILITIES, &v));
	st = sg_smimeattr_caps_decode(v.data, v.size, caps,
				      SG_SMIMEATTR_MAX_CAPS, &n);
	SG_CHECK(sg_status_is_ok(&st) && n == 4 && caps[0] == SG_CIPHER_AES256_GCM
		 && caps[3] == SG_CIPHER_AES128_CBC);
	gnutls_free(v.data);
	v.data = NULL;
	if (enc != NULL) {
		SG_CHECK(find_attr(&info, SG_OID_ENC_KEY_PREF, &v));
		st = sg_smimeattr_ekp_decode(v.data, v.size, &ekp);
		SG_CHECK(sg_status_is_ok(&st)
			 && sg_smimeattr_ekp_find(&ekp, &enc, 1, &idx));
		sg_smimeattr_ekp_free(&ekp);
		gnutls_free(v.data);
		v.data = NULL;
	} else {
		SG_CHECK(!find_attr(&info, SG_OID_ENC_KEY_PREF, &v));
	}
	if (opts->domain_signature) {
		SG_CHECK(find_attr(&info, SG_OID_SIGNATURE_TYPE, &v));
		st = sg_smimeattr_sigtype_decode(v.data, v.size, &types);
		SG_CHECK(sg_status_is_ok(&st) && types == SG_SIGTYPE_DOMAIN);
		gnutls_free(v.data);
		v.data = NULL;
	} else {
		SG_CHECK(!find_attr(&info, SG_OID_SIGNATURE_TYPE, &v));
	}
	gnutls_pkcs7_signature_info_deinit(&info);
out:
	gnutls_pkcs7_deinit(p7);
}

/* sign_and_check - one detached signature with the given options */
static void sign_and_check(const char *name, gnutls_pk_algorithm_t pk,
			   unsigned bits, sg_digest digest, bool pss)
{
	ident	id;
	sg_testkit_id enc;
	sg_signer *s = NULL;
	sg_sign_opts opts = SG_SIGN_DEFAULTS;
	sg_buf	der = SG_BUF_INIT;
	sg_status st;

	make_ident(name, pk, bits, false, true, &id);
	sg_testkit_make("sign-enc", true, 2048, &enc);
	st = sg_signer_load(id.cert_path, id.key_path, &s);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (s == NULL)
		return;
	opts.digest = digest;
	opts.rsa_pss = pss;
	opts.domain_signature = true;
	opts.encryption_cert = enc.crt;
	opts.signing_time = FIXED_TIME;
	st = sg_sign_detached(s, &opts, content, sizeof(content) - 1, &der);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s: %s", name, st.text);
	if (sg_status_is_ok(&st))
		check_signature(&der, &id, &opts, content, sizeof(content) - 1,
				enc.crt, 2);
	sg_buf_free(&der);
	sg_signer_free(s);
}

/* test_sign_rsa - PKCS#1 v1.5 with each digest */
static void test_sign_rsa(void)
{
	sign_and_check("rsa256", GNUTLS_PK_RSA, 2048, SG_DIGEST_SHA256, false);
	sign_and_check("rsa384", GNUTLS_PK_RSA, 2048, SG_DIGEST_SHA384, false);
	sign_and_check("rsa512", GNUTLS_PK_RSA, 2048, SG_DIGEST_SHA512, false);
}

/* test_sign_ecdsa - P-256 and P-384 */
static void test_sign_ecdsa(void)
{
	sign_and_check("p256", GNUTLS_PK_ECDSA,
		       GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
		       SG_DIGEST_SHA256, false);
	sign_and_check("p384", GNUTLS_PK_ECDSA,
		       GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP384R1),
		       SG_DIGEST_SHA384, false);
}

/* test_sign_pss - RSASSA-PSS; the algorithm identifier says so */
static void test_sign_pss(void)
{
	static const uint8_t pss_oid[] = {
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a,
	};
	ident	id;
	sg_signer *s = NULL;
	sg_sign_opts opts = SG_SIGN_DEFAULTS;
	sg_buf	der = SG_BUF_INIT;
	sg_status st;

	/* GnuTLS 3.7.9 verifies PSS with SHA-256 (not SHA-384: issue 8) */
	sign_and_check("pss256", GNUTLS_PK_RSA, 2048, SG_DIGEST_SHA256, true);

	make_ident("pss-ec", GNUTLS_PK_ECDSA,
		   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), false,
		   false, &id);
	st = sg_signer_load(id.cert_path, id.key_path, &s);
	SG_CHECK(sg_status_is_ok(&st));
	opts.rsa_pss = true;
	st = sg_sign_detached(s, &opts, content, sizeof(content) - 1, &der);
	SG_CHECK(st.code == SG_CONFIG && der.len == 0);
	sg_signer_free(s);

	make_ident("pss-rsa", GNUTLS_PK_RSA, 2048, false, false, &id);
	st = sg_signer_load(id.cert_path, id.key_path, &s);
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_sign_detached(s, &opts, content, sizeof(content) - 1, &der);
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(memmem(der.data, der.len, pss_oid, sizeof(pss_oid)) != NULL);
	sg_buf_reset(&der);
	/* opaque with PSS too (GnuTLS's own builder could not) */
	st = sg_sign_opaque(s, &opts, content, sizeof(content) - 1, &der);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(memmem(der.data, der.len, pss_oid, sizeof(pss_oid)) != NULL);
	SG_CHECK(memmem(der.data, der.len, "hello", 5) != NULL);
	check_signature(&der, &id, &opts, NULL, 0, NULL, 1);
	openssl_verifies(&der, NULL, 0);
	sg_buf_reset(&der);
	opts.rsa_pss = false;
	st = sg_sign_detached(s, &opts, content, sizeof(content) - 1, &der);
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(memmem(der.data, der.len, pss_oid, sizeof(pss_oid)) == NULL);
	sg_buf_free(&der);
	sg_signer_free(s);
}

/* test_deterministic - a fixed time gives the same bytes (PKCS#1 v1.5) */
static void test_deterministic(void)
{
	ident	id;
	sg_signer *s = NULL;
	sg_sign_opts opts = SG_SIGN_DEFAULTS;
	sg_buf	a = SG_BUF_INIT, b = SG_BUF_INIT, c = SG_BUF_INIT;
	sg_status st;

	make_ident("determ", GNUTLS_PK_RSA, 2048, false, false, &id);
	st = sg_signer_load(id.cert_path, id.key_path, &s);
	SG_CHECK(sg_status_is_ok(&st));
	opts.signing_time = FIXED_TIME;
	st = sg_sign_detached(s, &opts, content, sizeof(content) - 1, &a);
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_sign_detached(s, &opts, content, sizeof(content) - 1, &b);
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	opts.signing_time = FIXED_TIME + 1;
	st = sg_sign_detached(s, &opts, content, sizeof(content) - 1, &c);
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(a.len != c.len || memcmp(a.data, c.data, a.len) != 0);
	/* no eContent: the content bytes are not in a detached signature */
	SG_CHECK(memmem(a.data, a.len, "hello", 5) == NULL);
	opts.signing_time = FIXED_TIME;
	check_signature(&a, &id, &opts, content, sizeof(content) - 1, NULL, 1);
	/* signing time 0 means now */
	sg_buf_reset(&c);
	opts.signing_time = 0;
	st = sg_sign_detached(s, &opts, content, sizeof(content) - 1, &c);
	SG_CHECK(sg_status_is_ok(&st));
	check_signature(&c, &id, &opts, content, sizeof(content) - 1, NULL, 1);
	sg_buf_free(&a);
	sg_buf_free(&b);
	sg_buf_free(&c);
	sg_signer_free(s);
}

/* test_opaque - content inside; empty content is refused */
static void test_opaque(void)
{
	ident	id;
	sg_signer *s = NULL;
	sg_sign_opts opts = SG_SIGN_DEFAULTS;
	sg_buf	der = SG_BUF_INIT;
	sg_status st;

	make_ident("opaque", GNUTLS_PK_RSA, 2048, false, true, &id);
	st = sg_signer_load(id.cert_path, id.key_path, &s);
	SG_CHECK(sg_status_is_ok(&st));
	opts.domain_signature = true;
	st = sg_sign_opaque(s, &opts, content, sizeof(content) - 1, &der);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(memmem(der.data, der.len, "hello", 5) != NULL);
	check_signature(&der, &id, &opts, NULL, 0, NULL, 2);
	sg_buf_reset(&der);
	st = sg_sign_detached(s, &opts, NULL, 0, &der);
	SG_CHECK(st.code == SG_REJECT && der.len == 0);
	st = sg_sign_opaque(s, &opts, content, 0, &der);
	SG_CHECK(st.code == SG_REJECT && der.len == 0);
	sg_buf_free(&der);
	sg_signer_free(s);
}

/* gnutls_attr - add one attribute value to a GnuTLS attribute list */
static void gnutls_attr(gnutls_pkcs7_attrs_t *attrs, const char *oid,
			sg_status st, sg_buf *v)
{
	gnutls_datum_t d = {v->data, (unsigned) v->len};

	DIE_IF(!sg_status_is_ok(&st));
	DIE_IF(gnutls_pkcs7_add_attr(attrs, oid, &d, 0) < 0);
	sg_buf_reset(v);
}

/*
 * gnutls_reference - the SignedData gnutls_pkcs7_sign writes for id's
 * files with our attributes (a fixed time, domain signature, key
 * preference enc): what our own writer must equal for PKCS#1 v1.5
 */
static void gnutls_reference(const ident *id, gnutls_x509_crt_t enc,
			     sg_digest digest, const uint8_t *data,
			     size_t len, sg_buf *out)
{
	gnutls_pkcs7_t p7;
	gnutls_pkcs7_attrs_t attrs = NULL;
	gnutls_privkey_t key;
	gnutls_x509_crt_t *crts;
	unsigned ncrts, i;
	gnutls_datum_t file, d = {(unsigned char *) data, (unsigned) len};
	gnutls_datum_t der;
	const sg_cipher_id *caps;
	size_t	ncaps;
	sg_buf	v = SG_BUF_INIT;

	DIE_IF(gnutls_load_file(id->cert_path, &file) < 0);
	DIE_IF(gnutls_x509_crt_list_import2(&crts, &ncrts, &file,
					    GNUTLS_X509_FMT_PEM, 0) < 0);
	gnutls_free(file.data);
	DIE_IF(gnutls_load_file(id->key_path, &file) < 0);
	DIE_IF(gnutls_privkey_init(&key) < 0);
	DIE_IF(gnutls_privkey_import_x509_raw(key, &file, GNUTLS_X509_FMT_PEM,
					      NULL, 0) < 0);
	gnutls_free(file.data);
	caps = sg_smimeattr_default_caps(&ncaps);
	gnutls_attr(&attrs, SG_OID_SIGNING_TIME,
		    sg_smimeattr_time_encode(FIXED_TIME, &v), &v);
	gnutls_attr(&attrs, SG_OID_SMIME_CAPABILITIES,
		    sg_smimeattr_caps_encode(caps, ncaps, &v), &v);
	gnutls_attr(&attrs, SG_OID_ENC_KEY_PREF,
		    sg_smimeattr_ekp_encode(enc, &v), &v);
	gnutls_attr(&attrs, SG_OID_SIGNATURE_TYPE,
		    sg_smimeattr_sigtype_encode(SG_SIGTYPE_DOMAIN, &v), &v);
	DIE_IF(gnutls_pkcs7_init(&p7) < 0);
	for (i = 0; i < ncrts; i++)
		DIE_IF(gnutls_pkcs7_set_crt(p7, crts[i]) < 0);
	DIE_IF(gnutls_pkcs7_sign(p7, id->crt, key, &d, attrs, NULL,
				 sg_digest_gnutls(digest), 0) < 0);
	DIE_IF(gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &der) < 0);
	sg_buf_append(out, der.data, der.size);
	gnutls_free(der.data);
	gnutls_pkcs7_deinit(p7);
	gnutls_pkcs7_attrs_deinit(attrs);
	gnutls_privkey_deinit(key);
	for (i = 0; i < ncrts; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	sg_buf_free(&v);
}

/*
 * test_same_as_gnutls - our SignedData is byte for byte the one
 * gnutls_pkcs7_sign writes (PKCS#1 v1.5 is deterministic), with a
 * chain and an encryption certificate in the file, for each digest
 */
static void test_same_as_gnutls(void)
{
	static const sg_digest digests[] = {
		SG_DIGEST_SHA256, SG_DIGEST_SHA384, SG_DIGEST_SHA512,
	};
	ident	id;
	sg_testkit_id enc;
	sg_signer *s = NULL;
	sg_sign_opts opts = SG_SIGN_DEFAULTS;
	sg_buf	ours = SG_BUF_INIT, theirs = SG_BUF_INIT;
	sg_status st;
	size_t	i;

	make_ident("same", GNUTLS_PK_RSA, 2048, true, true, &id);
	sg_testkit_make("same-enc", true, 2048, &enc);
	st = sg_signer_load(id.cert_path, id.key_path, &s);
	SG_CHECK(sg_status_is_ok(&st));
	if (s == NULL)
		return;
	opts.signing_time = FIXED_TIME;
	opts.domain_signature = true;
	opts.encryption_cert = enc.crt;
	for (i = 0; i < sizeof(digests) / sizeof(*digests); i++) {
		opts.digest = digests[i];
		sg_buf_reset(&ours);
		sg_buf_reset(&theirs);
		st = sg_sign_detached(s, &opts, content, sizeof(content) - 1,
				      &ours);
		SG_CHECK(sg_status_is_ok(&st));
		gnutls_reference(&id, enc.crt, digests[i], content,
				 sizeof(content) - 1, &theirs);
		SG_CHECK_MSG(ours.len == theirs.len
			     && memcmp(ours.data, theirs.data, ours.len) == 0,
			     "%s: %zu bytes, GnuTLS %zu",
			     sg_digest_name(digests[i]), ours.len, theirs.len);
	}
	openssl_verifies(&ours, content, sizeof(content) - 1);
	sg_buf_free(&ours);
	sg_buf_free(&theirs);
	sg_signer_free(s);
}

/*
 * test_stream - content given in pieces of any size signs as the whole
 * does; an empty stream is refused; the stream copies opts
 */
static void test_stream(void)
{
	static const size_t pieces[] = {1, 2, 7, 64, 1000, 65536};
	ident	id;
	sg_signer *s = NULL;
	sg_sign_opts opts = SG_SIGN_DEFAULTS;
	sg_sign_stream *ss = NULL;
	sg_buf	whole = SG_BUF_INIT, part = SG_BUF_INIT;
	uint8_t *big;
	size_t	big_len = 200000, i, off, n;
	sg_status st;

	make_ident("stream", GNUTLS_PK_RSA, 2048, false, true, &id);
	st = sg_signer_load(id.cert_path, id.key_path, &s);
	SG_CHECK(sg_status_is_ok(&st));
	if (s == NULL)
		return;
	big = malloc(big_len);
	DIE_IF(big == NULL);
	for (i = 0; i < big_len; i++)
		big[i] = (uint8_t) "Signed in pieces.\r\n"[i % 19];
	opts.signing_time = FIXED_TIME;
	opts.domain_signature = true;
	st = sg_sign_detached(s, &opts, big, big_len, &whole);
	SG_CHECK(sg_status_is_ok(&st));
	for (i = 0; i < sizeof(pieces) / sizeof(*pieces); i++) {
		st = sg_sign_stream_new(s, &opts, &ss);
		SG_CHECK(sg_status_is_ok(&st));
		if (ss == NULL)
			break;
		opts.domain_signature = false;	/* copied: no effect */
		for (off = 0; off < big_len; off += n) {
			n = big_len - off < pieces[i] ? big_len - off : pieces[i];
			sg_sign_stream_update(ss, big + off, n);
			sg_sign_stream_update(ss, big + off, 0);
		}
		opts.domain_signature = true;
		sg_buf_reset(&part);
		st = sg_sign_stream_finish(ss, &part);
		sg_sign_stream_free(ss);
		SG_CHECK(sg_status_is_ok(&st));
		SG_CHECK_MSG(part.len == whole.len
			     && memcmp(part.data, whole.data, part.len) == 0,
			     "pieces of %zu", pieces[i]);
	}
	check_signature(&whole, &id, &opts, big, big_len, NULL, 2);
	openssl_verifies(&whole, big, big_len);
	/* nothing given: refused, nothing appended */
	sg_buf_reset(&part);
	st = sg_sign_stream_new(s, &opts, &ss);
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_sign_stream_finish(ss, &part);
	SG_CHECK(st.code == SG_REJECT && part.len == 0);
	sg_sign_stream_free(ss);
	sg_sign_stream_free(NULL);
	/* options that do not fit: no stream */
	opts.digest = (sg_digest) 99;
	st = sg_sign_stream_new(s, &opts, &ss);
	SG_CHECK(st.code == SG_CONFIG && ss == NULL);
	free(big);
	sg_buf_free(&whole);
	sg_buf_free(&part);
	sg_signer_free(s);
}

int	main(void)
{
	SG_RUN(test_digest_words);
	SG_RUN(test_load_selects_signing_cert);
	SG_RUN(test_load_errors);
	SG_RUN(test_sign_rsa);
	SG_RUN(test_sign_ecdsa);
	SG_RUN(test_sign_pss);
	SG_RUN(test_deterministic);
	SG_RUN(test_opaque);
	SG_RUN(test_same_as_gnutls);
	SG_RUN(test_stream);
	release_all();
	return sg_test_done();
}
