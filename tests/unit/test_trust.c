/*
 * NAME
 *	test_trust 1
 * SUMMARY
 *	unit tests of trust anchors, CRLs and path validation (sg_trust)
 * DESCRIPTION
 *	Loading: no anchors, a missing anchors file (TEMPFAIL), a file
 *	without certificates (CONFIG), CRLs in PEM and DER, an unparsable
 *	CRL and a FIFO in crl_dir (TEMPFAIL naming the file, no hang).
 *	Verdicts: a good signer (revocation unknown without a CRL, known with
 *	one), revoked by a CRL from crl_dir and by one carried in the message,
 *	a forged message CRL ignored, expired and not yet valid, no anchor,
 *	an unrelated CA, a missing and a carried intermediate, extendedKeyUsage
 *	serverAuth only, and the check at a fixed time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_test.h"
#include "sg_testkit.h"
#include "sg_trust.h"
#include "sg_vtest.h"

static vt_id ca, other_ca, sub_ca, good, revoked, expired, future, server,
	under_sub;
static gnutls_x509_crl_t crl, forged_crl;
static const char *ca_pem, *both_pem;
static char crl_pem_dir[600], crl_der_dir[600];

/* setup - the test PKI */
static void setup(void)
{
	time_t	now = time(NULL);
	gnutls_datum_t d;
	char	path[700];
	gnutls_x509_crt_t both[2];
	sg_buf	b = SG_BUF_INIT;
	const unsigned ku = GNUTLS_KEY_DIGITAL_SIGNATURE;

	vt_ca(&ca, "trust test CA");
	vt_ca(&other_ca, "unrelated CA");
	VT_DIE_IF(gnutls_x509_privkey_init(&sub_ca.key) < 0);
	VT_DIE_IF(gnutls_x509_privkey_generate(sub_ca.key, GNUTLS_PK_RSA, 2048, 0) < 0);
	vt_cert(&sub_ca, &ca, "intermediate CA", true,
		GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN, NULL,
		now - 3600, now + 86400 * 30, NULL);
	vt_leaf(&good, &ca, GNUTLS_PK_RSA, ku, GNUTLS_KP_EMAIL_PROTECTION,
		now - 3600, now + 86400 * 30, "good@a.example");
	vt_leaf(&revoked, &ca, GNUTLS_PK_RSA, ku, GNUTLS_KP_EMAIL_PROTECTION,
		now - 3600, now + 86400 * 30, "revoked@a.example");
	vt_leaf(&expired, &ca, GNUTLS_PK_RSA, ku, GNUTLS_KP_EMAIL_PROTECTION,
		now - 86400 * 10, now - 86400, "expired@a.example");
	vt_leaf(&future, &ca, GNUTLS_PK_RSA, ku, GNUTLS_KP_EMAIL_PROTECTION,
		now + 86400, now + 86400 * 30, "future@a.example");
	vt_leaf(&server, &ca, GNUTLS_PK_RSA, ku, GNUTLS_KP_TLS_WWW_SERVER,
		now - 3600, now + 86400 * 30, "server@a.example");
	vt_leaf(&under_sub, &sub_ca, GNUTLS_PK_ECDSA, ku,
		GNUTLS_KP_EMAIL_PROTECTION, now - 3600, now + 86400 * 30,
		"sub@a.example");
	crl = vt_crl(&ca, &revoked.crt, 1);
	/* Same issuer name, wrong key: a forgery that must be ignored. */
	{
		vt_id	fake = other_ca;

		fake.crt = ca.crt;	/* issuer name of the real CA */
		forged_crl = vt_crl(&fake, &good.crt, 1);
	}
	ca_pem = vt_write_crt("ca.pem", ca.crt);
	both[0] = ca.crt;
	both[1] = other_ca.crt;
	for (int i = 0; i < 2; i++) {
		VT_DIE_IF(gnutls_x509_crt_export2(both[i], GNUTLS_X509_FMT_PEM,
						  &d) < 0);
		sg_buf_append(&b, d.data, d.size);
		gnutls_free(d.data);
	}
	both_pem = vt_write("both.pem", b.data, b.len);
	sg_buf_free(&b);

	snprintf(crl_pem_dir, sizeof(crl_pem_dir), "%s/crl-pem",
		 sg_testkit_dir());
	snprintf(crl_der_dir, sizeof(crl_der_dir), "%s/crl-der",
		 sg_testkit_dir());
	VT_DIE_IF(mkdir(crl_pem_dir, 0700) < 0 || mkdir(crl_der_dir, 0700) < 0);
	VT_DIE_IF(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, &d) < 0);
	snprintf(path, sizeof(path), "crl-pem/ca.crl");
	vt_write(path, d.data, d.size);
	gnutls_free(d.data);
	VT_DIE_IF(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_DER, &d) < 0);
	vt_write("crl-der/ca.der", d.data, d.size);
	gnutls_free(d.data);
}

/* verdict - verify crt and return the code (checks the status) */
static sg_trust_code verdict(const sg_trust *t, gnutls_x509_crt_t crt,
			     gnutls_x509_crt_t *extra, size_t nextra,
			     gnutls_x509_crl_t *crls, size_t ncrls,
			     time_t now, bool *crl_checked)
{
	sg_trust_verdict v;
	char	why[256];
	sg_status st;

	st = sg_trust_verify_chain(t, crt, extra, nextra, crls, ncrls, now,
				   &v, why, sizeof(why));
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(why[0] != 0);
	if (getenv("VT_DEBUG"))
		fprintf(stderr, "verdict %s: %s 0x%x\n", sg_trust_code_name(v.code), why, v.gnutls_status);
	if (crl_checked)
		*crl_checked = v.crl_checked;
	return v.code;
}

/* test_load - anchors and CRL files, and what goes wrong with them */
static void test_load(void)
{
	sg_trust *t = NULL;
	sg_status st;
	size_t	na, nc;
	char	p[700];

	st = sg_trust_load(NULL, NULL, &t);
	SG_CHECK(sg_status_is_ok(&st) && t != NULL);
	sg_trust_count(t, &na, &nc);
	SG_CHECK(na == 0 && nc == 0);
	sg_trust_free(t);

	st = sg_trust_load(both_pem, crl_pem_dir, &t);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	sg_trust_count(t, &na, &nc);
	SG_CHECK(na == 2 && nc == 1);
	sg_trust_free(t);
	st = sg_trust_load(ca_pem, crl_der_dir, &t);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	sg_trust_count(t, &na, &nc);
	SG_CHECK(na == 1 && nc == 1);
	sg_trust_free(t);

	snprintf(p, sizeof(p), "%s/missing.pem", sg_testkit_dir());
	st = sg_trust_load(p, NULL, &t);
	SG_CHECK(st.code == SG_TEMPFAIL && t == NULL);
	st = sg_trust_load(vt_write("empty.pem", "nothing", 7), NULL, &t);
	SG_CHECK(st.code == SG_CONFIG && t == NULL);
	snprintf(p, sizeof(p), "%s/no-such-dir", sg_testkit_dir());
	st = sg_trust_load(ca_pem, p, &t);
	SG_CHECK(st.code == SG_TEMPFAIL && t == NULL);

	snprintf(p, sizeof(p), "%s/crl-bad", sg_testkit_dir());
	VT_DIE_IF(mkdir(p, 0700) < 0);
	vt_write("crl-bad/junk.crl", "junk", 4);
	st = sg_trust_load(ca_pem, p, &t);
	SG_CHECK(st.code == SG_TEMPFAIL && t == NULL);
	SG_CHECK_MSG(strstr(st.text, "junk.crl") != NULL, "%s", st.text);
	snprintf(p, sizeof(p), "%s/crl-bad/junk.crl", sg_testkit_dir());
	VT_DIE_IF(unlink(p) < 0 || mkfifo(p, 0600) < 0);
	snprintf(p, sizeof(p), "%s/crl-bad", sg_testkit_dir());
	alarm(10);		/* a hang on the FIFO kills the test */
	st = sg_trust_load(ca_pem, p, &t);
	alarm(0);
	SG_CHECK(st.code == SG_TEMPFAIL && t == NULL);
	SG_CHECK_MSG(strstr(st.text, "junk.crl") != NULL, "%s", st.text);
}

/* test_verdicts - each failure has its own code */
static void test_verdicts(void)
{
	sg_trust *t = NULL, *tc = NULL, *none = NULL;
	sg_status st;
	gnutls_x509_crt_t subchain[1] = { sub_ca.crt };
	bool	checked = true;
	time_t	now = time(NULL);

	st = sg_trust_load(ca_pem, NULL, &t);
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_trust_load(ca_pem, crl_der_dir, &tc);
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_trust_load(NULL, NULL, &none);
	SG_CHECK(sg_status_is_ok(&st));

	SG_CHECK(verdict(t, good.crt, NULL, 0, NULL, 0, 0, &checked)
		 == SG_TRUST_OK);
	SG_CHECK(!checked);		/* no CRL: revocation not known */
	SG_CHECK(verdict(tc, good.crt, NULL, 0, NULL, 0, 0, &checked)
		 == SG_TRUST_OK);
	SG_CHECK(checked);
	SG_CHECK(verdict(t, revoked.crt, NULL, 0, NULL, 0, 0, NULL)
		 == SG_TRUST_OK);
	SG_CHECK(verdict(tc, revoked.crt, NULL, 0, NULL, 0, 0, NULL)
		 == SG_TRUST_REVOKED);
	SG_CHECK(verdict(t, revoked.crt, NULL, 0, &crl, 1, 0, &checked)
		 == SG_TRUST_REVOKED);	/* CRL carried in the message */
	SG_CHECK(checked);
	SG_CHECK(verdict(t, good.crt, NULL, 0, &forged_crl, 1, 0, &checked)
		 == SG_TRUST_OK);	/* forged CRL ignored */
	SG_CHECK(!checked);
	SG_CHECK(verdict(t, expired.crt, NULL, 0, NULL, 0, 0, NULL)
		 == SG_TRUST_EXPIRED);
	SG_CHECK(verdict(t, future.crt, NULL, 0, NULL, 0, 0, NULL)
		 == SG_TRUST_EXPIRED);
	/* at a fixed time: the expired one was valid two days ago */
	SG_CHECK(verdict(t, expired.crt, NULL, 0, NULL, 0, now - 86400 * 2,
			 NULL) == SG_TRUST_OK);
	SG_CHECK(verdict(t, good.crt, NULL, 0, NULL, 0, now + 86400 * 400,
			 NULL) == SG_TRUST_EXPIRED);
	SG_CHECK(verdict(t, server.crt, NULL, 0, NULL, 0, 0, NULL)
		 == SG_TRUST_PURPOSE);
	SG_CHECK(verdict(none, good.crt, NULL, 0, NULL, 0, 0, NULL)
		 == SG_TRUST_NOT_FOUND);
	SG_CHECK(verdict(NULL, good.crt, NULL, 0, NULL, 0, 0, NULL)
		 == SG_TRUST_NOT_FOUND);
	SG_CHECK(verdict(t, other_ca.crt, NULL, 0, NULL, 0, 0, NULL)
		 == SG_TRUST_NOT_FOUND);
	SG_CHECK(verdict(t, under_sub.crt, NULL, 0, NULL, 0, 0, NULL)
		 == SG_TRUST_NOT_FOUND);
	SG_CHECK(verdict(t, under_sub.crt, subchain, 1, NULL, 0, 0, NULL)
		 == SG_TRUST_OK);
	SG_CHECK(strcmp(sg_trust_code_name(SG_TRUST_REVOKED), "revoked") == 0);
	sg_trust_free(t);
	sg_trust_free(tc);
	sg_trust_free(none);
}

int	main(void)
{
	VT_DIE_IF(gnutls_global_init() < 0);
	setup();
	SG_RUN(test_load);
	SG_RUN(test_verdicts);
	gnutls_x509_crl_deinit(crl);
	gnutls_x509_crl_deinit(forged_crl);
	vt_free(&ca);
	vt_free(&sub_ca);
	vt_free(&good);
	vt_free(&revoked);
	vt_free(&expired);
	vt_free(&future);
	vt_free(&server);
	vt_free(&under_sub);
	vt_free(&other_ca);
	return sg_test_done();
}
