/*
 * NAME
 *	sg_certreq 3
 * SUMMARY
 *	a new key and a certificate request for a domain gateway
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_certcheck.h"
#include "sg_certreq.h"
#include "sg_certstore.h"
#include "sg_mem.h"

static const char *const sg_certreq_locals[] = {
	"domain-confidentiality-authority", "domain-signing-authority",
	"smg_encryptor", NULL,
};

/* sg_certreq_write - atomic write of path (split into dir and name) */
static sg_status sg_certreq_write(const char *path, const void *data,
				  size_t len, mode_t mode)
{
	char   *copy = sg_strdup(path), *slash = strrchr(copy, '/');
	sg_status st;

	if (slash == NULL)
		st = sg_certstore_write(".", copy, data, len, mode);
	else if (slash == copy)
		st = sg_certstore_write("/", slash + 1, data, len, mode);
	else {
		*slash = '\0';
		st = sg_certstore_write(copy, slash + 1, data, len, mode);
	}
	free(copy);
	return st;
}

#define SG_CERTREQ_TRY(what, call) do { \
	if ((ret = (call)) < 0) { \
		st = sg_status_make(SG_INTERNAL, "cannot %s: %s", (what), \
				    gnutls_strerror(ret)); \
		goto cleanup; \
	} \
} while (0)

/* sg_certreq_make - key (0600) and CSR for a domain gateway */
sg_status sg_certreq_make(const char *domain, bool ec, const char *key_out,
			  const char *csr_out)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crq_t crq = NULL;
	gnutls_datum_t pem = {NULL, 0}, csr = {NULL, 0};
	char   *canon = NULL, addr[300];
	struct stat sb;
	unsigned usage;
	sg_status st;
	size_t	i;
	int	ret;

	st = sg_certcheck_canonical(domain, &canon);
	if (!sg_status_is_ok(&st))
		return st;
	if (strchr(canon, '@') != NULL) {
		st = sg_status_make(SG_REJECT, "'%s' is an address, not a "
				    "domain", domain);
		goto cleanup;
	}
	if (lstat(key_out, &sb) == 0) {
		st = sg_status_make(SG_CONFIG, "%s exists: it is never "
				    "overwritten (move it away first)", key_out);
		goto cleanup;
	}
	SG_CERTREQ_TRY("make a key", gnutls_x509_privkey_init(&key));
	if (ec)
		SG_CERTREQ_TRY("generate a P-256 key",
			       gnutls_x509_privkey_generate(key, GNUTLS_PK_EC,
			GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
	else
		SG_CERTREQ_TRY("generate an RSA key",
			       gnutls_x509_privkey_generate(key, GNUTLS_PK_RSA,
							    3072, 0));
	SG_CERTREQ_TRY("make a request", gnutls_x509_crq_init(&crq));
	SG_CERTREQ_TRY("set the version", gnutls_x509_crq_set_version(crq, 1));
	SG_CERTREQ_TRY("set the subject",
		       gnutls_x509_crq_set_dn_by_oid(crq,
			GNUTLS_OID_X520_COMMON_NAME, 0, canon,
			(unsigned) strlen(canon)));
	for (i = 0; sg_certreq_locals[i]; i++) {
		snprintf(addr, sizeof(addr), "%s@%s", sg_certreq_locals[i], canon);
		SG_CERTREQ_TRY("add a subjectAltName",
			       gnutls_x509_crq_set_subject_alt_name(crq,
				GNUTLS_SAN_RFC822NAME, addr,
				(unsigned) strlen(addr), GNUTLS_FSAN_APPEND));
	}
	usage = GNUTLS_KEY_DIGITAL_SIGNATURE | (ec ? GNUTLS_KEY_KEY_AGREEMENT
						: GNUTLS_KEY_KEY_ENCIPHERMENT);
	SG_CERTREQ_TRY("set keyUsage", gnutls_x509_crq_set_key_usage(crq,
								      usage));
	SG_CERTREQ_TRY("set extendedKeyUsage",
		       gnutls_x509_crq_set_key_purpose_oid(crq,
			GNUTLS_KP_EMAIL_PROTECTION, 0));
	SG_CERTREQ_TRY("set the key", gnutls_x509_crq_set_key(crq, key));
	SG_CERTREQ_TRY("sign the request",
		       gnutls_x509_crq_sign2(crq, key, GNUTLS_DIG_SHA256, 0));
	SG_CERTREQ_TRY("encode the key",
		       gnutls_x509_privkey_export2_pkcs8(key,
			GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &pem));
	SG_CERTREQ_TRY("encode the request",
		       gnutls_x509_crq_export2(crq, GNUTLS_X509_FMT_PEM, &csr));
	st = sg_certreq_write(key_out, pem.data, pem.size, 0600);
	if (sg_status_is_ok(&st))
		st = sg_certreq_write(csr_out, csr.data, csr.size, 0644);
cleanup:
	if (pem.data != NULL) {
		gnutls_memset(pem.data, 0, pem.size);
		gnutls_free(pem.data);
	}
	gnutls_free(csr.data);
	if (crq != NULL)
		gnutls_x509_crq_deinit(crq);
	if (key != NULL)
		gnutls_x509_privkey_deinit(key);
	free(canon);
	return st;
}
