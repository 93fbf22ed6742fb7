/*
 * NAME
 *	sg_keyring 3
 * SUMMARY
 *	the gateway's own decryption keys and their certificates
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_certs.h"
#include "sg_keyring.h"
#include "sg_mem.h"

#define SG_KEYRING_MAX_FILE	(1024 * 1024)

typedef struct sg_keyring_entry {
	gnutls_x509_crt_t cert;		/* lent from certs */
	gnutls_x509_privkey_t key;	/* lent from keys */
} sg_keyring_entry;

struct sg_keyring {
	sg_certs certs;
	gnutls_x509_privkey_t *keys;
	size_t	nkeys;
	sg_keyring_entry *entries;
	size_t	count;
};

sg_keyring *sg_keyring_new(void)
{
	return sg_calloc(1, sizeof(sg_keyring));
}

void	sg_keyring_free(sg_keyring *kr)
{
	size_t	i;

	if (kr == NULL)
		return;
	sg_certs_free(&kr->certs);
	for (i = 0; i < kr->nkeys; i++)
		gnutls_x509_privkey_deinit(kr->keys[i]);
	free(kr->keys);
	free(kr->entries);
	free(kr);
}

size_t	sg_keyring_count(const sg_keyring *kr)
{
	return kr->count;
}

gnutls_x509_crt_t sg_keyring_cert(const sg_keyring *kr, size_t i)
{
	return kr->entries[i].cert;
}

gnutls_x509_privkey_t sg_keyring_key(const sg_keyring *kr, size_t i)
{
	return kr->entries[i].key;
}

/* sg_keyring_import_key - import one PEM block, check it is RSA */
static sg_status sg_keyring_import_key(sg_keyring *kr, const char *path,
				       const uint8_t *pem, size_t len)
{
	gnutls_x509_privkey_t key;
	gnutls_datum_t in = {(unsigned char *) pem, (unsigned) len};
	int	ret;

	if (memmem(pem, len, "ENCRYPTED", 9) != NULL)
		return sg_status_make(SG_CONFIG, "key file %s: encrypted "
				      "private keys are not supported", path);
	if ((ret = gnutls_x509_privkey_init(&key)) < 0)
		return sg_status_make(SG_INTERNAL, "%s", gnutls_strerror(ret));
	ret = gnutls_x509_privkey_import(key, &in, GNUTLS_X509_FMT_PEM);
	if (ret < 0)
		ret = gnutls_x509_privkey_import_pkcs8(key, &in,
					GNUTLS_X509_FMT_PEM, NULL,
					       GNUTLS_PKCS_PLAIN);
	if (ret < 0) {
		gnutls_x509_privkey_deinit(key);
		return sg_status_make(SG_CONFIG, "key file %s: cannot parse "
				 "private key: %s", path, gnutls_strerror(ret));
	}
	if (gnutls_x509_privkey_get_pk_algorithm(key) != GNUTLS_PK_RSA) {
		gnutls_x509_privkey_deinit(key);
		return sg_status_make(SG_CONFIG, "key file %s: not an RSA key; "
				      "only RSA key transport is supported",
				      path);
	}
	kr->keys = sg_realloc(kr->keys, (kr->nkeys + 1) * sizeof(*kr->keys));
	kr->keys[kr->nkeys++] = key;
	return sg_status_ok();
}

/* sg_keyring_import_keys - import every PRIVATE KEY block of a PEM file */
static sg_status sg_keyring_import_keys(sg_keyring *kr, const char *path,
					const sg_buf *buf, size_t *found)
{
	const uint8_t *p = buf->data;
	const uint8_t *end = buf->data + buf->len;
	const uint8_t *begin, *stop, *eol;
	sg_status st;

	*found = 0;
	while (p < end && (begin = memmem(p, end - p, "-----BEGIN ", 11))) {
		eol = memchr(begin, '\n', end - begin);
		stop = memmem(begin, end - begin, "-----END ", 9);
		if (eol == NULL || stop == NULL)
			return sg_status_make(SG_CONFIG, "key file %s: "
					      "truncated PEM block", path);
		stop = memmem(stop + 9, end - stop - 9, "-----", 5);
		if (stop == NULL)
			return sg_status_make(SG_CONFIG, "key file %s: "
					      "truncated PEM block", path);
		stop += 5;
		if (memmem(begin, eol - begin, "PRIVATE KEY-----", 16)) {
			st = sg_keyring_import_key(kr, path, begin,
						   stop - begin);
			if (!sg_status_is_ok(&st))
				return st;
			++*found;
		}
		p = stop;
	}
	if (*found == 0)
		return sg_status_make(SG_CONFIG, "key file %s: no PEM private "
				      "key found", path);
	return sg_status_ok();
}

/* sg_keyring_same_key - does cert carry key's public key? */
static int sg_keyring_same_key(gnutls_x509_crt_t cert,
			       gnutls_x509_privkey_t key)
{
	unsigned char a[64], b[64];
	size_t	alen = sizeof(a), blen = sizeof(b);

	if (gnutls_x509_crt_get_key_id(cert, GNUTLS_KEYID_USE_SHA256, a,
				       &alen) < 0
	    || gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, b,
					      &blen) < 0)
		return 0;
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* sg_keyring_add_files - add the pairs found in a cert file and a key file */
sg_status sg_keyring_add_files(sg_keyring *kr, const char *cert_path,
			       const char *key_path)
{
	sg_buf	buf = SG_BUF_INIT;
	sg_status st;
	size_t	first_cert = kr->certs.count;
	size_t	first_key = kr->nkeys;
	size_t	nkeys = 0;
	size_t	c, k;
	int	matched;

	st = sg_buf_read_private(&buf, key_path, "key file",
				 SG_KEYRING_MAX_FILE);
	if (sg_status_is_ok(&st))
		st = sg_keyring_import_keys(kr, key_path, &buf, &nkeys);
	sg_buf_wipe_free(&buf);
	if (!sg_status_is_ok(&st))
		return st;
	st = sg_certs_load(&kr->certs, cert_path);
	if (!sg_status_is_ok(&st))
		return st;
	for (k = first_key; k < kr->nkeys; k++) {
		matched = 0;
		for (c = first_cert; c < kr->certs.count; c++) {
			if (!sg_keyring_same_key(kr->certs.crts[c], kr->keys[k]))
				continue;
			kr->entries = sg_realloc(kr->entries, (kr->count + 1)
						 * sizeof(*kr->entries));
			kr->entries[kr->count].cert = kr->certs.crts[c];
			kr->entries[kr->count].key = kr->keys[k];
			kr->count++;
			matched = 1;
		}
		if (!matched)
			return sg_status_make(SG_CONFIG, "key %zu of %s matches "
			       "no certificate in %s", k - first_key + 1,
					      key_path, cert_path);
	}
	return sg_status_ok();
}
