/*
 * NAME
 *	sg_vtest 3h
 * SUMMARY
 *	throw-away CAs, signers, CRLs and signatures for test_trust and
 *	test_verify (header-only, static functions)
 * DESCRIPTION
 *	vt_ca() makes a self-signed RSA CA; vt_leaf() a certificate issued
 *	by a CA with the key type, keyUsage, extendedKeyUsage and validity
 *	given, and a mail address; vt_crl() a CRL of a CA revoking some
 *	certificates; vt_sign() a SignedData made with gnutls_pkcs7_sign()
 *	(an independent encoder: ours is sg_sign). vt_write_pem() writes PEM
 *	files into sg_testkit_dir(). TEST MATERIAL ONLY.
 */
#ifndef SG_VTEST_H
#define SG_VTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_testkit.h"

#define VT_DIE_IF(c) do { if (c) { fprintf(stderr, "%s:%d: setup failed: %s\n", \
	__FILE__, __LINE__, #c); exit(2); } } while (0)

typedef struct vt_id {
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
} vt_id;

static unsigned vt_serial = 0x4400;

/* vt_cert - fill in and sign a certificate */
static inline void vt_cert(vt_id *id, const vt_id *issuer, const char *cn,
		    bool is_ca, unsigned ku, const char *eku, time_t from,
		    time_t to, const char *mail)
{
	unsigned char sn[2] = { (unsigned char) (vt_serial >> 8),
				(unsigned char) vt_serial };
	unsigned char kid[64];
	size_t	kid_len = sizeof(kid);

	vt_serial++;
	VT_DIE_IF(gnutls_x509_crt_init(&id->crt) < 0);
	VT_DIE_IF(gnutls_x509_crt_set_version(id->crt, 3) < 0);
	VT_DIE_IF(gnutls_x509_crt_set_serial(id->crt, sn, sizeof(sn)) < 0);
	VT_DIE_IF(gnutls_x509_crt_set_activation_time(id->crt, from) < 0);
	VT_DIE_IF(gnutls_x509_crt_set_expiration_time(id->crt, to) < 0);
	VT_DIE_IF(gnutls_x509_crt_set_dn_by_oid(id->crt,
		  GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn)) < 0);
	VT_DIE_IF(gnutls_x509_crt_set_key(id->crt, id->key) < 0);
	VT_DIE_IF(gnutls_x509_crt_set_basic_constraints(id->crt, is_ca, -1) < 0);
	if (ku)
		VT_DIE_IF(gnutls_x509_crt_set_key_usage(id->crt, ku) < 0);
	if (eku)
		VT_DIE_IF(gnutls_x509_crt_set_key_purpose_oid(id->crt, eku, 0) < 0);
	if (mail)
		VT_DIE_IF(gnutls_x509_crt_set_subject_alt_name(id->crt,
			  GNUTLS_SAN_RFC822NAME, mail, strlen(mail),
			  GNUTLS_FSAN_SET) < 0);
	VT_DIE_IF(gnutls_x509_privkey_get_key_id(id->key, 0, kid, &kid_len) < 0);
	VT_DIE_IF(gnutls_x509_crt_set_subject_key_id(id->crt, kid, kid_len) < 0);
	if (issuer == NULL)
		VT_DIE_IF(gnutls_x509_crt_sign2(id->crt, id->crt, id->key,
						GNUTLS_DIG_SHA256, 0) < 0);
	else
		VT_DIE_IF(gnutls_x509_crt_sign2(id->crt, issuer->crt,
						issuer->key, GNUTLS_DIG_SHA256,
						0) < 0);
}

/* vt_ca - a self-signed RSA CA */
static inline void vt_ca(vt_id *id, const char *cn)
{
	time_t	now = time(NULL);

	VT_DIE_IF(gnutls_x509_privkey_init(&id->key) < 0);
	VT_DIE_IF(gnutls_x509_privkey_generate(id->key, GNUTLS_PK_RSA, 2048, 0) < 0);
	vt_cert(id, NULL, cn, true, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN,
		NULL, now - 86400 * 30, now + 86400 * 365, NULL);
}

/* vt_leaf - a signer issued by ca; pk RSA, RSA-PSS or ECDSA (P-256) */
static inline void vt_leaf(vt_id *id, const vt_id *ca, gnutls_pk_algorithm_t pk,
		    unsigned ku, const char *eku, time_t from, time_t to,
		    const char *mail)
{
	VT_DIE_IF(gnutls_x509_privkey_init(&id->key) < 0);
	VT_DIE_IF(gnutls_x509_privkey_generate(id->key, pk, pk != GNUTLS_PK_ECDSA
		  ? 2048 : GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0);
	vt_cert(id, ca, mail ? mail : "signer", false, ku, eku, from, to, mail);
}

/* vt_crl - a CRL of ca revoking n certificates */
static inline gnutls_x509_crl_t vt_crl(const vt_id *ca, gnutls_x509_crt_t *revoked,
				size_t n)
{
	gnutls_x509_crl_t crl;
	time_t	now = time(NULL);
	size_t	i;

	VT_DIE_IF(gnutls_x509_crl_init(&crl) < 0);
	VT_DIE_IF(gnutls_x509_crl_set_version(crl, 2) < 0);
	VT_DIE_IF(gnutls_x509_crl_set_this_update(crl, now - 60) < 0);
	VT_DIE_IF(gnutls_x509_crl_set_next_update(crl, now + 86400) < 0);
	for (i = 0; i < n; i++)
		VT_DIE_IF(gnutls_x509_crl_set_crt(crl, revoked[i], now - 60) < 0);
	VT_DIE_IF(gnutls_x509_crl_sign2(crl, ca->crt, ca->key,
					GNUTLS_DIG_SHA256, 0) < 0);
	return crl;
}

/* vt_write - bytes to DIR/name; returns the path (static buffer per slot) */
static inline const char *vt_write(const char *name, const void *data, size_t len)
{
	static char paths[8][512];
	static int slot;
	char   *p = paths[slot++ % 8];
	FILE   *f;

	snprintf(p, 512, "%s/%s", sg_testkit_dir(), name);
	VT_DIE_IF((f = fopen(p, "wb")) == NULL);
	VT_DIE_IF(len && fwrite(data, 1, len, f) != len);
	VT_DIE_IF(fclose(f) != 0);
	return p;
}

/* vt_write_crt - a certificate as PEM file */
static inline const char *vt_write_crt(const char *name, gnutls_x509_crt_t crt)
{
	gnutls_datum_t d;
	const char *p;

	VT_DIE_IF(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d) < 0);
	p = vt_write(name, d.data, d.size);
	gnutls_free(d.data);
	return p;
}

/* vt_sign - SignedData over content by id; flags GNUTLS_PKCS7_* */
static inline void vt_sign(const vt_id *id, gnutls_sign_algorithm_t algo,
		    unsigned flags, const void *content, size_t len,
		    gnutls_x509_crt_t *chain, size_t nchain,
		    gnutls_x509_crl_t crl, sg_buf *out)
{
	gnutls_pkcs7_t p7;
	gnutls_privkey_t pk;
	gnutls_datum_t data = { (unsigned char *) content, (unsigned) len }, der;
	gnutls_digest_algorithm_t dig = gnutls_sign_get_hash_algorithm(algo);
	size_t	i;
	int	ret;

	VT_DIE_IF(gnutls_pkcs7_init(&p7) < 0);
	VT_DIE_IF(gnutls_privkey_init(&pk) < 0);
	VT_DIE_IF(gnutls_privkey_import_x509(pk, id->key, 0) < 0);
	for (i = 0; i < nchain; i++)
		VT_DIE_IF(gnutls_pkcs7_set_crt(p7, chain[i]) < 0);
	if (crl)
		VT_DIE_IF(gnutls_pkcs7_set_crl(p7, crl) < 0);
	ret = gnutls_pkcs7_sign(p7, id->crt, pk, &data, NULL, NULL, dig, flags);
	if (ret < 0)
		fprintf(stderr, "gnutls_pkcs7_sign %s: %s\n",
			gnutls_sign_get_name(algo), gnutls_strerror(ret));
	VT_DIE_IF(ret < 0);
	VT_DIE_IF(gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &der) < 0);
	sg_buf_reset(out);
	sg_buf_append(out, der.data, der.size);
	gnutls_free(der.data);
	gnutls_privkey_deinit(pk);
	gnutls_pkcs7_deinit(p7);
}

/* vt_free - release an identity */
static inline void vt_free(vt_id *id)
{
	gnutls_x509_crt_deinit(id->crt);
	gnutls_x509_privkey_deinit(id->key);
}

#endif
