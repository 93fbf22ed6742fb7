/*
 * NAME
 *	sg_rsasign 3
 * SUMMARY
 *	RSA PKCS#1 v1.5 signatures of a digest, checked before use
 * DESCRIPTION
 *	The private key's parameters are exported from GnuTLS into a
 *	nettle key for one signature; rsa_pkcs1_sign() computes the root
 *	with nettle's side-channel-silent code; GnuTLS verifies the result
 *	with the certificate's key before it is returned.
 */
#include <string.h>

#include <gmp.h>
#include <gnutls/crypto.h>
#include <nettle/bignum.h>
#include <nettle/rsa.h>

#include "sg_mem.h"
#include "sg_rsasign.h"

/* RSA private parameters as GnuTLS exports them */
typedef struct sg_rsasign_raw {
	gnutls_datum_t n, e, d, p, q, u, e1, e2;
} sg_rsasign_raw;

/* sg_rsasign_wipe_datum - wipe and free one exported parameter */
static void sg_rsasign_wipe_datum(gnutls_datum_t *d)
{
	if (d->data != NULL) {
		sg_wipe(d->data, d->size);
		gnutls_free(d->data);
		d->data = NULL;
	}
}

/* sg_rsasign_wipe_raw - wipe and free every exported parameter */
static void sg_rsasign_wipe_raw(sg_rsasign_raw *raw)
{
	sg_rsasign_wipe_datum(&raw->n);
	sg_rsasign_wipe_datum(&raw->e);
	sg_rsasign_wipe_datum(&raw->d);
	sg_rsasign_wipe_datum(&raw->p);
	sg_rsasign_wipe_datum(&raw->q);
	sg_rsasign_wipe_datum(&raw->u);
	sg_rsasign_wipe_datum(&raw->e1);
	sg_rsasign_wipe_datum(&raw->e2);
}

/* sg_rsasign_wipe_mpz - clear the limbs of x (before mpz_clear) */
static void sg_rsasign_wipe_mpz(mpz_t x)
{
	size_t	n = mpz_size(x);

	if (n > 0)
		sg_wipe(mpz_limbs_modify(x, (mp_size_t) n),
			n * sizeof(mp_limb_t));
}

/* sg_rsasign_set - x from the big-endian unsigned bytes of d */
static void sg_rsasign_set(mpz_t x, const gnutls_datum_t *d)
{
	nettle_mpz_set_str_256_u(x, d->size, d->data);
}

/* sg_rsasign - see sg_rsasign.h */
sg_status sg_rsasign(gnutls_privkey_t key, gnutls_pubkey_t pub,
		     gnutls_digest_algorithm_t dig, const uint8_t *digest,
		     gnutls_datum_t *sig)
{
	sg_rsasign_raw raw;
	struct rsa_private_key priv;
	gnutls_datum_t hash, info = {NULL, 0};
	gnutls_sign_algorithm_t algo;
	sg_status st = sg_status_ok();
	mpz_t	s;
	int	ret;

	sig->data = NULL;
	sig->size = 0;
	if (dig != GNUTLS_DIG_SHA256 && dig != GNUTLS_DIG_SHA384
	    && dig != GNUTLS_DIG_SHA512)
		return sg_status_make(SG_INTERNAL, "RSA signing: digest %s "
				      "not supported", gnutls_digest_get_name(dig));
	if (gnutls_privkey_get_pk_algorithm(key, NULL) != GNUTLS_PK_RSA)
		return sg_status_make(SG_INTERNAL, "RSA signing: not an RSA "
				      "key");
	memset(&raw, 0, sizeof(raw));
	if ((ret = gnutls_privkey_export_rsa_raw2(key, &raw.n, &raw.e, &raw.d,
						  &raw.p, &raw.q, &raw.u,
						  &raw.e1, &raw.e2, 0)) < 0) {
		sg_rsasign_wipe_raw(&raw);
		return sg_status_make(SG_INTERNAL, "RSA signing: cannot export "
				      "the key: %s", gnutls_strerror(ret));
	}
	hash.data = (unsigned char *) digest;
	hash.size = gnutls_hash_get_len(dig);
	if ((ret = gnutls_encode_ber_digest_info(dig, &hash, &info)) < 0) {
		sg_rsasign_wipe_raw(&raw);
		return sg_status_make(SG_INTERNAL, "RSA signing: DigestInfo: "
				      "%s", gnutls_strerror(ret));
	}

	/* nettle: c = q^-1 mod p is PKCS#1's coefficient, GnuTLS's u */
	rsa_private_key_init(&priv);
	mpz_init(s);
	sg_rsasign_set(priv.d, &raw.d);
	sg_rsasign_set(priv.p, &raw.p);
	sg_rsasign_set(priv.q, &raw.q);
	sg_rsasign_set(priv.a, &raw.e1);
	sg_rsasign_set(priv.b, &raw.e2);
	sg_rsasign_set(priv.c, &raw.u);
	if (!rsa_private_key_prepare(&priv)
	    || !rsa_pkcs1_sign(&priv, info.size, info.data, s)
	    || nettle_mpz_sizeinbase_256_u(s) > priv.size) {
		st = sg_status_make(SG_INTERNAL, "RSA signing failed");
		goto cleanup;
	}
	sig->size = (unsigned) priv.size;
	sig->data = gnutls_malloc(sig->size);
	if (sig->data == NULL)
		sg_out_of_memory(sig->size);
	nettle_mpz_get_str_256(sig->size, sig->data, s);

	/* a fault in the root would give the key away: verify first */
	algo = gnutls_pk_to_sign(GNUTLS_PK_RSA, dig);
	if ((ret = gnutls_pubkey_verify_hash2(pub, algo, 0, &hash, sig)) < 0) {
		st = sg_status_make(SG_INTERNAL, "RSA signing: the signature "
				    "does not verify with the certificate's key "
				    "(%s)", gnutls_strerror(ret));
		gnutls_free(sig->data);
		sig->data = NULL;
		sig->size = 0;
	}

cleanup:
	sg_rsasign_wipe_mpz(priv.d);
	sg_rsasign_wipe_mpz(priv.p);
	sg_rsasign_wipe_mpz(priv.q);
	sg_rsasign_wipe_mpz(priv.a);
	sg_rsasign_wipe_mpz(priv.b);
	sg_rsasign_wipe_mpz(priv.c);
	rsa_private_key_clear(&priv);
	mpz_clear(s);
	gnutls_free(info.data);
	sg_rsasign_wipe_raw(&raw);
	return st;
}
