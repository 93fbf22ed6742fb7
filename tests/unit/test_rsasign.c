/*
 * NAME
 *	test_rsasign 1
 * SUMMARY
 *	unit tests for sg_rsasign(3)
 * DESCRIPTION
 *	RSASSA-PKCS1-v1_5 is deterministic, so sg_rsasign() must give the
 *	bytes gnutls_privkey_sign_hash2() gives, for every digest and for
 *	moduli of 2048, 2056 and 3072 bits, including signatures whose
 *	first octets are zero. A public key that is not the private key's
 *	must make it fail without a signature, and so must an EC key.
 *	TEST ONLY.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_rsasign.h"
#include "sg_test.h"

#define DIE_IF(cond) do { if (cond) { \
	fprintf(stderr, "test_rsasign: %s failed at line %d\n", #cond, \
		__LINE__); exit(2); } } while (0)

/* make_key - a new private key and its public key */
static void make_key(gnutls_pk_algorithm_t pk, unsigned bits,
		     gnutls_privkey_t *key, gnutls_pubkey_t *pub)
{
	DIE_IF(gnutls_privkey_init(key) < 0);
	DIE_IF(gnutls_privkey_generate(*key, pk, bits, 0) < 0);
	DIE_IF(gnutls_pubkey_init(pub) < 0);
	DIE_IF(gnutls_pubkey_import_privkey(*pub, *key, 0, 0) < 0);
}

/* free_key - release make_key's pair */
static void free_key(gnutls_privkey_t key, gnutls_pubkey_t pub)
{
	gnutls_privkey_deinit(key);
	gnutls_pubkey_deinit(pub);
}

/*
 * same_as_gnutls - one digest signed both ways; 1 when equal, and *first
 * the first octet of ours
 */
static int same_as_gnutls(gnutls_privkey_t key, gnutls_pubkey_t pub,
			  gnutls_digest_algorithm_t dig, const uint8_t *digest,
			  unsigned *first)
{
	gnutls_datum_t hash = {(unsigned char *) digest,
		gnutls_hash_get_len(dig)}, ours, theirs;
	sg_status st;
	int	same;

	*first = 1;			/* no signature: not a zero octet */
	st = sg_rsasign(key, pub, dig, digest, &ours);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (!sg_status_is_ok(&st))
		return 0;
	DIE_IF(gnutls_privkey_sign_hash2(key, gnutls_pk_to_sign(GNUTLS_PK_RSA,
					 dig), 0, &hash, &theirs) < 0);
	same = ours.size == theirs.size
	    && memcmp(ours.data, theirs.data, ours.size) == 0;
	*first = ours.data[0];
	gnutls_free(ours.data);
	gnutls_free(theirs.data);
	return same;
}

/* test_same_bytes - every digest, three moduli, some leading zeros */
static void test_same_bytes(void)
{
	static const unsigned bits[] = {2048, 2056, 3072};
	static const gnutls_digest_algorithm_t digs[] = {
		GNUTLS_DIG_SHA256, GNUTLS_DIG_SHA384, GNUTLS_DIG_SHA512};
	gnutls_privkey_t key;
	gnutls_pubkey_t pub;
	uint8_t	digest[64];
	unsigned first, zeros = 0, i, j, n;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		make_key(GNUTLS_PK_RSA, bits[i], &key, &pub);
		for (j = 0; j < 3; j++) {
			DIE_IF(gnutls_rnd(GNUTLS_RND_NONCE, digest, 64) < 0);
			SG_CHECK_MSG(same_as_gnutls(key, pub, digs[j], digest,
						    &first),
				     "%u bits, digest %d", bits[i],
				     (int) digs[j]);
		}
		/* a signature below 2^(8(k-1)) must keep its zero octet */
		for (n = 0; bits[i] == 2048 && zeros < 2 && n < 3000; n++) {
			DIE_IF(gnutls_rnd(GNUTLS_RND_NONCE, digest, 32) < 0);
			SG_CHECK(same_as_gnutls(key, pub, GNUTLS_DIG_SHA256,
						digest, &first));
			zeros += first == 0;
		}
		free_key(key, pub);
	}
	SG_CHECK_MSG(zeros == 2, "only %u signatures with a zero first "
		     "octet in 3000", zeros);
}

/* test_wrong_pub - a signature that does not verify is not returned */
static void test_wrong_pub(void)
{
	gnutls_privkey_t key, other;
	gnutls_pubkey_t pub, other_pub;
	gnutls_datum_t sig = {(unsigned char *) "x", 1};
	uint8_t	digest[32] = {1, 2, 3};
	sg_status st;

	make_key(GNUTLS_PK_RSA, 2048, &key, &pub);
	make_key(GNUTLS_PK_RSA, 2048, &other, &other_pub);
	st = sg_rsasign(key, other_pub, GNUTLS_DIG_SHA256, digest, &sig);
	SG_CHECK(st.code == SG_INTERNAL);
	SG_CHECK(strstr(st.text, "does not verify") != NULL);
	SG_CHECK(sig.data == NULL && sig.size == 0);
	free_key(key, pub);
	free_key(other, other_pub);
}

/* test_not_rsa - an EC key or a digest we do not sign with: an error */
static void test_not_rsa(void)
{
	gnutls_privkey_t key;
	gnutls_pubkey_t pub;
	gnutls_datum_t sig;
	uint8_t	digest[64] = {0};
	sg_status st;

	make_key(GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
		 &key, &pub);
	st = sg_rsasign(key, pub, GNUTLS_DIG_SHA256, digest, &sig);
	SG_CHECK(st.code == SG_INTERNAL && sig.data == NULL);
	free_key(key, pub);

	make_key(GNUTLS_PK_RSA, 2048, &key, &pub);
	st = sg_rsasign(key, pub, GNUTLS_DIG_SHA1, digest, &sig);
	SG_CHECK(st.code == SG_INTERNAL && sig.data == NULL);
	st = sg_rsasign(key, pub, GNUTLS_DIG_SHA512, digest, &sig);
	SG_CHECK_MSG(sg_status_is_ok(&st) && sig.size == 256, "%s", st.text);
	gnutls_free(sig.data);
	free_key(key, pub);
}

int	main(void)
{
	SG_RUN(test_same_bytes);
	SG_RUN(test_wrong_pub);
	SG_RUN(test_not_rsa);
	return sg_test_done();
}
