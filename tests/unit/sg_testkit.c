/*
 * NAME
 *	sg_testkit 3
 * SUMMARY
 *	throw-away RSA keys and certificates for unit tests
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_testkit.h"

static char dir[256];
static gnutls_x509_crt_t ca_crt;
static gnutls_x509_privkey_t ca_key;
static unsigned serial = 0x7f00;

#define DIE_IF(cond) do { if (cond) { \
	fprintf(stderr, "testkit: %s failed at line %d\n", #cond, __LINE__); \
	exit(2); } } while (0)

static void cleanup(void)
{
	char	cmd[300];

	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "testkit: cannot remove %s\n", dir);
	}
}

const char *sg_testkit_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "%s/sgtest.XXXXXX", tmp ? tmp : "/tmp");
		DIE_IF(mkdtemp(dir) == NULL);
		atexit(cleanup);
	}
	return dir;
}

static void write_file(const char *path, const gnutls_datum_t *d)
{
	FILE   *f = fopen(path, "wb");

	DIE_IF(f == NULL);
	DIE_IF(fwrite(d->data, 1, d->size, f) != d->size);
	DIE_IF(fclose(f) != 0);
	DIE_IF(chmod(path, 0600) != 0);
}

static void sign_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key,
		      const char *cn, bool with_ski, bool is_ca)
{
	unsigned char sn[4];
	unsigned char kid[64];
	size_t	kid_len = sizeof(kid);
	time_t	now = time(NULL);

	sn[0] = 0x00;			/* leading zero: stays positive */
	sn[1] = 0x80 | (unsigned char) (serial >> 8);
	sn[2] = (unsigned char) serial;
	sn[3] = 0x42;
	serial++;
	DIE_IF(gnutls_x509_crt_set_version(crt, 3) < 0);
	DIE_IF(gnutls_x509_crt_set_serial(crt, sn, sizeof(sn)) < 0);
	DIE_IF(gnutls_x509_crt_set_activation_time(crt, now - 3600) < 0);
	DIE_IF(gnutls_x509_crt_set_expiration_time(crt, now + 86400 * 30) < 0);
	DIE_IF(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
					     0, cn, strlen(cn)) < 0);
	DIE_IF(gnutls_x509_crt_set_key(crt, key) < 0);
	DIE_IF(gnutls_x509_crt_set_basic_constraints(crt, is_ca, -1) < 0);
	if (with_ski) {
		DIE_IF(gnutls_x509_crt_get_key_id(crt, 0, kid, &kid_len) < 0);
		DIE_IF(gnutls_x509_crt_set_subject_key_id(crt, kid, kid_len) < 0);
	}
	if (is_ca)
		DIE_IF(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256,
					     0) < 0);
	else
		DIE_IF(gnutls_x509_crt_sign2(crt, ca_crt, ca_key,
					     GNUTLS_DIG_SHA256, 0) < 0);
}

static void make_ca(void)
{
	if (ca_crt)
		return;
	DIE_IF(gnutls_x509_privkey_init(&ca_key) < 0);
	DIE_IF(gnutls_x509_privkey_generate(ca_key, GNUTLS_PK_RSA, 2048, 0) < 0);
	DIE_IF(gnutls_x509_crt_init(&ca_crt) < 0);
	sign_cert(ca_crt, ca_key, "smimegw unit test CA", true, true);
}

/* The certificates the kit made: it owns them, released at exit. */
static gnutls_x509_crt_t sg_testkit_made[256];
static size_t sg_testkit_nmade;

/* sg_testkit_release - atexit(): every certificate, the CA */
static void sg_testkit_release(void)
{
	while (sg_testkit_nmade > 0)
		gnutls_x509_crt_deinit(sg_testkit_made[--sg_testkit_nmade]);
	if (ca_crt != NULL)
		gnutls_x509_crt_deinit(ca_crt);
	if (ca_key != NULL)
		gnutls_x509_privkey_deinit(ca_key);
	ca_crt = NULL;
	ca_key = NULL;
}

void	sg_testkit_make(const char *name, bool with_ski, unsigned bits,
			sg_testkit_id *id)
{
	gnutls_x509_privkey_t key;
	gnutls_datum_t pem;

	if (ca_crt == NULL)
		(void) atexit(sg_testkit_release);
	make_ca();
	DIE_IF(gnutls_x509_privkey_init(&key) < 0);
	DIE_IF(gnutls_x509_privkey_generate(key, GNUTLS_PK_RSA, bits, 0) < 0);
	DIE_IF(gnutls_x509_crt_init(&id->crt) < 0);
	DIE_IF(sg_testkit_nmade >= sizeof(sg_testkit_made)
	       / sizeof(*sg_testkit_made));
	sg_testkit_made[sg_testkit_nmade++] = id->crt;
	sign_cert(id->crt, key, name, with_ski, false);

	snprintf(id->cert_path, sizeof(id->cert_path), "%s/%s.pem",
		 sg_testkit_dir(), name);
	snprintf(id->key_path, sizeof(id->key_path), "%s/%s.key",
		 sg_testkit_dir(), name);
	DIE_IF(gnutls_x509_crt_export2(id->crt, GNUTLS_X509_FMT_PEM, &pem) < 0);
	write_file(id->cert_path, &pem);
	gnutls_free(pem.data);
	DIE_IF(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &pem) < 0);
	write_file(id->key_path, &pem);
	gnutls_free(pem.data);
	gnutls_x509_privkey_deinit(key);
}
