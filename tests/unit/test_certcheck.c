/*
 * NAME
 *	test_certcheck 1
 * SUMMARY
 *	unit tests of sg_certcheck (import checks, file names) and
 *	sg_certstore (atomic files, rollover append, the pending store)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_certcheck.h"
#include "sg_certs.h"
#include "sg_certstore.h"
#include "sg_test.h"
#include "sg_testkit.h"

static gnutls_x509_privkey_t key2048, key1024;
static time_t now;

#define DAY 86400

/* mk - a self-signed certificate with these names and properties */
static gnutls_x509_crt_t mk(gnutls_x509_privkey_t key, const char *cn,
			    const char *const *emails, const char *dns,
			    time_t from, time_t to, unsigned usage, bool ca)
{
	gnutls_x509_crt_t crt;
	unsigned char serial[4] = {1, 2, 3, 4};
	gnutls_datum_t der;
	size_t	i;

	gnutls_x509_crt_init(&crt);
	gnutls_x509_crt_set_version(crt, 3);
	gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
				      (unsigned) strlen(cn));
	/* GNUTLS_FSAN_APPEND needs an extension to append to */
	for (i = 0; emails && emails[i]; i++)
		gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_RFC822NAME,
			emails[i], (unsigned) strlen(emails[i]),
			i ? GNUTLS_FSAN_APPEND : GNUTLS_FSAN_SET);
	if (dns)
		gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, dns,
			(unsigned) strlen(dns), GNUTLS_FSAN_SET);
	gnutls_x509_crt_set_activation_time(crt, from);
	gnutls_x509_crt_set_expiration_time(crt, to);
	if (usage)
		gnutls_x509_crt_set_key_usage(crt, usage);
	gnutls_x509_crt_set_basic_constraints(crt, ca, -1);
	gnutls_x509_crt_set_key(crt, key);
	if (gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0) {
		fprintf(stderr, "cannot sign a test certificate\n");
		exit(1);
	}
	/* as read from a file */
	gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_crt_init(&crt);
	if (gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER) < 0) {
		fprintf(stderr, "cannot re-import a test certificate\n");
		exit(1);
	}
	gnutls_free(der.data);
	return crt;
}

static const char *const dom_b[] = {"SMG_Encryptor@B.Example.", NULL};
static const char *const person[] = {"Bob@b.example", NULL};
static const char *const two_domains[] = {
	"domain-confidentiality-authority@b.example",
	"domain-signing-authority@c.example", NULL,
};
static const char *const two_people[] = {"bob@b.example", "eve@b.example",
	NULL};
#define ENC (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT)

/* test_name_for - which file a certificate belongs under */
static void test_name_for(void)
{
	struct {
		const char *const *emails;
		const char *dns;
		const char *want;	/* NULL: refused */
	} cases[] = {
		{dom_b, NULL, "b.example"},
		{person, NULL, "bob@b.example"},
		{NULL, "GW.B.example", "gw.b.example"},
		{two_domains, NULL, NULL},
		{two_people, NULL, NULL},
		{NULL, NULL, NULL},
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gnutls_x509_crt_t c = mk(key2048, "x", cases[i].emails,
					 cases[i].dns, now - DAY, now + 90 * DAY,
					 ENC, false);
		char   *name = NULL;
		sg_status st = sg_certcheck_name_for(c, &name);

		if (cases[i].want) {
			SG_CHECK_MSG(st.code == SG_OK && name
				     && strcmp(name, cases[i].want) == 0,
				     "case %zu: %s (%s)", i, name ? name : "-",
				     st.text);
		} else {
			SG_CHECK_MSG(st.code == SG_REJECT && name == NULL,
				     "case %zu: %s", i, name ? name : "-");
		}
		free(name);
		gnutls_x509_crt_deinit(c);
	}
}

/* test_peer - each problem alone, and none for a good certificate */
static void test_peer(void)
{
	struct {
		gnutls_x509_privkey_t *key;
		const char *const *emails;
		time_t	from, to;
		unsigned usage;
		bool	ca;
		const char *expected;
		unsigned want;
		const char *want_name;
	} cases[] = {
		{&key2048, dom_b, -DAY, 90 * DAY, ENC, false, NULL, 0, "b.example"},
		{&key2048, dom_b, -DAY, 90 * DAY, ENC, false, "B.Example.", 0,
		 "b.example"},
		{&key2048, dom_b, -DAY, 90 * DAY, ENC, false, "x@sub.b.example",
		 SG_CERTCHECK_NAME_MISMATCH, "x@sub.b.example"},
		{&key2048, dom_b, -DAY, 90 * DAY, ENC, false, "sub.b.example", 0,
		 "sub.b.example"},
		{&key2048, dom_b, -DAY, 90 * DAY, ENC, false, "c.example",
		 SG_CERTCHECK_NAME_MISMATCH, "c.example"},
		{&key2048, dom_b, -90 * DAY, -DAY, ENC, false, NULL,
		 SG_CERTCHECK_EXPIRED, "b.example"},
		{&key2048, dom_b, DAY, 90 * DAY, ENC, false, NULL,
		 SG_CERTCHECK_NOT_YET_VALID, "b.example"},
		{&key1024, dom_b, -DAY, 90 * DAY, ENC, false, NULL,
		 SG_CERTCHECK_WEAK_KEY, "b.example"},
		{&key2048, dom_b, -DAY, 90 * DAY, GNUTLS_KEY_DIGITAL_SIGNATURE,
		 false, NULL, SG_CERTCHECK_NO_ENCRYPTION, "b.example"},
		{&key2048, dom_b, -DAY, 90 * DAY, ENC, true, NULL,
		 SG_CERTCHECK_CA, "b.example"},
		{&key2048, NULL, -DAY, 90 * DAY, ENC, false, NULL,
		 SG_CERTCHECK_NO_NAME, NULL},
	};
	sg_certcheck_result r = SG_CERTCHECK_RESULT_INIT;
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gnutls_x509_crt_t c = mk(*cases[i].key, "x", cases[i].emails,
					 NULL, now + cases[i].from,
					 now + cases[i].to, cases[i].usage,
					 cases[i].ca);
		sg_status st = sg_certcheck_peer(c, now, cases[i].expected, 0,
						 &r);

		SG_CHECK_MSG(st.code == SG_OK && r.problems == cases[i].want,
			     "case %zu: problems %#x, want %#x (%s)", i,
			     r.problems, cases[i].want, r.text);
		SG_CHECK_MSG((r.problems == 0) == (r.text[0] == '\0'),
			     "case %zu: text '%s'", i, r.text);
		SG_CHECK_MSG(cases[i].want_name ? r.name
			     && strcmp(r.name, cases[i].want_name) == 0
			     : r.name == NULL, "case %zu: name %s", i,
			     r.name ? r.name : "-");
		gnutls_x509_crt_deinit(c);
	}
	/* a name that cannot be a file */
	{
		gnutls_x509_crt_t c = mk(key2048, "x", dom_b, NULL, now - DAY,
					 now + DAY, ENC, false);

		SG_CHECK(sg_certcheck_peer(c, now, "example", 0, &r).code
			 == SG_REJECT);
		SG_CHECK(sg_certcheck_peer(c, now, "a/b", 0, &r).code
			 == SG_REJECT);
		gnutls_x509_crt_deinit(c);
	}
	sg_certcheck_result_free(&r);
}

/* test_set - a signing-only certificate beside an encryption one is fine */
static void test_set(void)
{
	gnutls_x509_crt_t v[2];
	sg_certcheck_result r = SG_CERTCHECK_RESULT_INIT;

	v[0] = mk(key2048, "sig", dom_b, NULL, now - DAY, now + DAY,
		  GNUTLS_KEY_DIGITAL_SIGNATURE, false);
	v[1] = mk(key2048, "enc", dom_b, NULL, now - DAY, now + DAY, ENC,
		  false);
	SG_CHECK(sg_certcheck_set(v, 2, now, NULL, 0, &r).code == SG_OK);
	SG_CHECK_MSG(r.problems == 0, "%s", r.text);
	SG_CHECK(sg_certcheck_set(v, 1, now, NULL, 0, &r).code == SG_OK);
	SG_CHECK(r.problems == SG_CERTCHECK_NO_ENCRYPTION);
	SG_CHECK(sg_certcheck_set(v, 2, now, "c.example", 0, &r).code == SG_OK);
	SG_CHECK(r.problems == SG_CERTCHECK_NAME_MISMATCH);
	SG_CHECK_MSG(strstr(r.text, "certificate 2: ") != NULL, "%s", r.text);
	sg_certcheck_result_free(&r);
	gnutls_x509_crt_deinit(v[0]);
	gnutls_x509_crt_deinit(v[1]);
}

/* count_certs - certificates in a file */
static size_t count_certs(const char *path)
{
	sg_certs c = SG_CERTS_INIT;
	size_t	n;

	if (sg_certs_load(&c, path).code != SG_OK)
		return 0;
	n = c.count;
	sg_certs_free(&c);
	return n;
}

/* test_store - put, append (once), remove, modes, no temp files left */
static void test_store(void)
{
	char	dir[600], *path = NULL;
	gnutls_x509_crt_t a, b;
	struct stat sb;
	struct dirent *e;
	DIR    *d;

	snprintf(dir, sizeof(dir), "%s/store", sg_testkit_dir());
	mkdir(dir, 0755);
	a = mk(key2048, "a", dom_b, NULL, now - DAY, now + DAY, ENC, false);
	b = mk(key1024, "b", dom_b, NULL, now - DAY, now + DAY, ENC, false);
	umask(077);
	SG_CHECK(sg_certstore_put(dir, "b.example", &a, 1, SG_CERTSTORE_APPEND,
				  &path).code == SG_OK);
	SG_CHECK(path && stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644);
	SG_CHECK(count_certs(path) == 1);
	SG_CHECK(sg_certstore_put(dir, "b.example", &b, 1, SG_CERTSTORE_APPEND,
				  NULL).code == SG_OK);
	SG_CHECK(count_certs(path) == 2);
	SG_CHECK(sg_certstore_put(dir, "b.example", &a, 1, SG_CERTSTORE_APPEND,
				  NULL).code == SG_OK);
	SG_CHECK(count_certs(path) == 2);
	SG_CHECK(sg_certstore_put(dir, "b.example", &b, 1, 0, NULL).code
		 == SG_OK);
	SG_CHECK(count_certs(path) == 1);
	SG_CHECK(sg_certstore_put(dir, "../x", &b, 1, 0, NULL).code
		 == SG_REJECT);
	SG_CHECK(sg_certstore_write(dir, "k", "secret", 6, 0600).code == SG_OK);
	{
		char	k[700];

		snprintf(k, sizeof(k), "%s/k", dir);
		SG_CHECK(stat(k, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	}
	SG_CHECK(sg_certstore_remove(dir, "b.example", NULL).code == SG_OK);
	SG_CHECK(stat(path, &sb) < 0);
	SG_CHECK(sg_certstore_remove(dir, "b.example", NULL).code == SG_REJECT);
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			SG_CHECK_MSG(e->d_name[0] != '.' || strcmp(e->d_name, ".")
				     == 0 || strcmp(e->d_name, "..") == 0,
				     "left over: %s", e->d_name);
		closedir(d);
	}
	/* a directory that does not exist: CONFIG naming the file */
	{
		char	missing[700];
		sg_status st;

		snprintf(missing, sizeof(missing), "%s/missing", dir);
		st = sg_certstore_put(missing, "b.example", &a, 1, 0, NULL);
		SG_CHECK(st.code == SG_CONFIG && strstr(st.text, missing));
	}
	free(path);
	gnutls_x509_crt_deinit(a);
	gnutls_x509_crt_deinit(b);
}

/* test_pending - add, list, approve (checked), reject */
static void test_pending(void)
{
	char	pend[600], certs[600], *id = NULL, *id2 = NULL, *path = NULL;
	gnutls_x509_crt_t a, b;
	sg_certstore_pending *v = NULL, e;
	size_t	n = 0;
	sg_status st;

	snprintf(pend, sizeof(pend), "%s/pending", sg_testkit_dir());
	snprintf(certs, sizeof(certs), "%s/certs", sg_testkit_dir());
	mkdir(pend, 0755);
	mkdir(certs, 0755);
	a = mk(key2048, "a", dom_b, NULL, now - DAY, now + DAY, ENC, false);
	b = mk(key1024, "b", dom_b, NULL, now - DAY, now + DAY, ENC, false);
	SG_CHECK(sg_certstore_pending_add(pend, "B.Example", "mail\n<x>",
					  200, &a, 1, &id).code == SG_OK);
	SG_CHECK(id && strlen(id) == SG_CERTSTORE_ID_LEN);
	SG_CHECK(sg_certstore_pending_add(pend, "b.example", "again", 300, &a,
					  1, &id2).code == SG_OK);
	SG_CHECK(id && id2 && strcmp(id, id2) == 0);	/* one entry */
	free(id2);
	SG_CHECK(sg_certstore_pending_add(pend, "b.example", "weak", 100, &b,
					  1, &id2).code == SG_OK);
	SG_CHECK(sg_certstore_pending_list(pend, &v, &n).code == SG_OK);
	SG_CHECK_MSG(n == 2, "%zu entries", n);
	if (n == 2) {
		SG_CHECK(strcmp(v[0].id, id2) == 0);	/* oldest first */
		SG_CHECK(strcmp(v[1].domain, "b.example") == 0);
		SG_CHECK(strcmp(v[1].source, "again") == 0);
		SG_CHECK(v[1].received == 300);
		SG_CHECK(strncmp(v[1].fingerprint, id, 16) == 0);
	}
	sg_certstore_pending_free(v, n);
	/* the weak one is refused, then forced */
	st = sg_certstore_pending_approve(pend, certs, id2, now, false, &path);
	SG_CHECK_MSG(st.code == SG_REJECT && strstr(st.text, "weak key"), "%s",
		     st.text);
	SG_CHECK(sg_certstore_pending_get(pend, id2, &e).code == SG_OK);
	sg_certstore_pending_clear(&e);
	SG_CHECK(sg_certstore_pending_reject(pend, id2).code == SG_OK);
	SG_CHECK(sg_certstore_pending_get(pend, id2, &e).code == SG_REJECT);
	st = sg_certstore_pending_approve(pend, certs, id, now, false, &path);
	SG_CHECK_MSG(st.code == SG_OK && path && strstr(path,
		     "/certs/b.example.pem"), "%s", st.text);
	SG_CHECK(path && count_certs(path) == 1);
	SG_CHECK(sg_certstore_pending_list(pend, &v, &n).code == SG_OK
		 && n == 0);
	sg_certstore_pending_free(v, n);
	SG_CHECK(sg_certstore_pending_get(pend, "../../etc/passwd", &e).code
		 == SG_REJECT);
	free(id);
	free(id2);
	free(path);
	gnutls_x509_crt_deinit(a);
	gnutls_x509_crt_deinit(b);
}

int	main(void)
{
	gnutls_global_init();
	now = time(NULL);
	gnutls_x509_privkey_init(&key2048);
	gnutls_x509_privkey_generate(key2048, GNUTLS_PK_RSA, 2048, 0);
	gnutls_x509_privkey_init(&key1024);
	gnutls_x509_privkey_generate(key1024, GNUTLS_PK_RSA, 1024, 0);
	SG_RUN(test_name_for);
	SG_RUN(test_peer);
	SG_RUN(test_set);
	SG_RUN(test_store);
	SG_RUN(test_pending);
	gnutls_x509_privkey_deinit(key2048);
	gnutls_x509_privkey_deinit(key1024);
	gnutls_global_deinit();
	return sg_test_done();
}
