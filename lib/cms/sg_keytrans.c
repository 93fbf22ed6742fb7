/*
 * NAME
 *	sg_keytrans 3
 * SUMMARY
 *	RSA key transport of content-encryption keys
 * SECURITY
 *	PKCS#1 v1.5 decryption uses gnutls_privkey_decrypt_data2(), which
 *	runs in constant time and fails unless the result has the expected
 *	length. libgcrypt decodes OAEP without early exits and blinds RSA.
 *	Key parameters exported for libgcrypt are wiped after use.
 */
#include <string.h>

#include <gcrypt.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "sg_keytrans.h"
#include "sg_mem.h"

/* sg_keytrans_gcry_init - initialise libgcrypt once, without secure memory */
static void sg_keytrans_gcry_init(void)
{
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return;
	(void) gcry_check_version(NULL);
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
}

/* sg_keytrans_hash_name - libgcrypt's name for a hash */
static const char *sg_keytrans_hash_name(sg_keytrans_hash hash)
{
	switch (hash) {
	case SG_KEYTRANS_SHA1:
		return "sha1";
	case SG_KEYTRANS_SHA256:
		return "sha256";
	case SG_KEYTRANS_SHA384:
		return "sha384";
	case SG_KEYTRANS_SHA512:
		return "sha512";
	}
	return "sha1";
}

/* sg_keytrans_label - log spelling, e.g. "rsa-oaep-sha256" */
const char *sg_keytrans_label(const sg_keytrans_params *params)
{
	if (params->alg == SG_KEYTRANS_RSA_PKCS1)
		return "rsa-pkcs1";
	switch (params->hash) {
	case SG_KEYTRANS_SHA1:
		return "rsa-oaep-sha1";
	case SG_KEYTRANS_SHA256:
		return "rsa-oaep-sha256";
	case SG_KEYTRANS_SHA384:
		return "rsa-oaep-sha384";
	case SG_KEYTRANS_SHA512:
		return "rsa-oaep-sha512";
	}
	return "rsa-oaep";
}

/* sg_keytrans_mpi - an unsigned big-endian datum as a libgcrypt MPI */
static gcry_mpi_t sg_keytrans_mpi(const gnutls_datum_t *d)
{
	gcry_mpi_t m = NULL;

	if (gcry_mpi_scan(&m, GCRYMPI_FMT_USG, d->data, d->size, NULL) != 0)
		return NULL;
	return m;
}

/* sg_keytrans_wrap_pkcs1 - RSA PKCS#1 v1.5 through GnuTLS */
static sg_status sg_keytrans_wrap_pkcs1(gnutls_x509_crt_t cert,
					const uint8_t *cek, size_t cek_len,
					sg_buf *out)
{
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t plain = {(unsigned char *) cek, (unsigned) cek_len};
	gnutls_datum_t enc = {NULL, 0};
	sg_status st = sg_status_ok();
	int	ret;

	if ((ret = gnutls_pubkey_init(&pub)) < 0
	    || (ret = gnutls_pubkey_import_x509(pub, cert, 0)) < 0
	    || (ret = gnutls_pubkey_encrypt_data(pub, 0, &plain, &enc)) < 0) {
		st = sg_status_make(SG_CONFIG,
			      "RSA encryption to certificate failed: %s",
				    gnutls_strerror(ret));
		goto cleanup;
	}
	sg_buf_append(out, enc.data, enc.size);

cleanup:
	gnutls_free(enc.data);
	if (pub)
		gnutls_pubkey_deinit(pub);
	return st;
}

/* sg_keytrans_wrap_oaep - RSAES-OAEP through libgcrypt */
static sg_status sg_keytrans_wrap_oaep(gnutls_x509_crt_t cert,
				       const sg_keytrans_params *params,
				       const uint8_t *cek, size_t cek_len,
				       sg_buf *out)
{
	gnutls_datum_t n = {NULL, 0}, e = {NULL, 0};
	gcry_mpi_t mn = NULL, me = NULL, ma = NULL;
	gcry_sexp_t pub = NULL, data = NULL, enc = NULL, a = NULL;
	sg_status st = sg_status_ok();
	size_t	k, alen;
	uint8_t *dst;
	gcry_error_t gerr;
	int	ret;

	sg_keytrans_gcry_init();
	if ((ret = gnutls_x509_crt_get_pk_rsa_raw(cert, &n, &e)) < 0) {
		st = sg_status_make(SG_CONFIG,
			      "cannot read the certificate's RSA key: %s",
				    gnutls_strerror(ret));
		goto cleanup;
	}
	if ((mn = sg_keytrans_mpi(&n)) == NULL
	    || (me = sg_keytrans_mpi(&e)) == NULL
	    || gcry_sexp_build(&pub, NULL,
			       "(public-key (rsa (n %m) (e %m)))", mn, me)) {
		st = sg_status_make(SG_INTERNAL, "cannot load RSA key");
		goto cleanup;
	}
	/* An absent label and an empty one are the same (RFC 8017). */
	gerr = gcry_sexp_build(&data, NULL,
			       "(data (flags oaep) (hash-algo %s) (label %b) "
			       "(value %b))", sg_keytrans_hash_name(params->hash),
			       (int) params->label_len,
			       params->label ? params->label : cek,
			       (int) cek_len, cek);
	if (gerr) {
		st = sg_status_make(SG_INTERNAL, "cannot build OAEP input");
		goto cleanup;
	}
	if ((gerr = gcry_pk_encrypt(&enc, data, pub)) != 0) {
		st = sg_status_make(SG_CONFIG,
			      "RSA-OAEP encryption to certificate failed: %s",
				    gcry_strerror(gerr));
		goto cleanup;
	}
	if ((a = gcry_sexp_find_token(enc, "a", 0)) == NULL
	    || (ma = gcry_sexp_nth_mpi(a, 1, GCRYMPI_FMT_USG)) == NULL) {
		st = sg_status_make(SG_INTERNAL, "unexpected OAEP output");
		goto cleanup;
	}

	/* The ciphertext is exactly as long as the modulus (RFC 8017). */
	k = (gcry_pk_get_nbits(pub) + 7) / 8;
	sg_buf_reserve(out, k);
	dst = out->data + out->len;
	if (gcry_mpi_print(GCRYMPI_FMT_USG, dst, k, &alen, ma) || alen > k) {
		st = sg_status_make(SG_INTERNAL, "unexpected OAEP length");
		goto cleanup;
	}
	memmove(dst + (k - alen), dst, alen);
	memset(dst, 0, k - alen);
	sg_buf_set_len(out, out->len + k);

cleanup:
	gnutls_free(n.data);
	gnutls_free(e.data);
	gcry_mpi_release(mn);
	gcry_mpi_release(me);
	gcry_mpi_release(ma);
	gcry_sexp_release(pub);
	gcry_sexp_release(data);
	gcry_sexp_release(enc);
	gcry_sexp_release(a);
	return st;
}

/* sg_keytrans_wrap - encrypt cek to cert's RSA key; appends to out */
sg_status sg_keytrans_wrap(gnutls_x509_crt_t cert,
			   const sg_keytrans_params *params,
			   const uint8_t *cek, size_t cek_len, sg_buf *out)
{
	if (gnutls_x509_crt_get_pk_algorithm(cert, NULL) != GNUTLS_PK_RSA)
		return sg_status_make(SG_CONFIG,
		   "certificate key is not RSA; only RSA key transport is "
				      "supported");
	if (params->alg == SG_KEYTRANS_RSA_OAEP)
		return sg_keytrans_wrap_oaep(cert, params, cek, cek_len, out);
	return sg_keytrans_wrap_pkcs1(cert, cek, cek_len, out);
}

/* sg_keytrans_unwrap_pkcs1 - RSA PKCS#1 v1.5 in constant time */
static int sg_keytrans_unwrap_pkcs1(gnutls_x509_privkey_t key,
				    const uint8_t *enc, size_t enc_len,
				    uint8_t *cek, size_t cek_len)
{
	gnutls_privkey_t priv = NULL;
	gnutls_datum_t in = {(unsigned char *) enc, (unsigned) enc_len};
	int	ok = 0;

	if (gnutls_privkey_init(&priv) < 0)
		return 0;
	if (gnutls_privkey_import_x509(priv, key, 0) >= 0)
		ok = gnutls_privkey_decrypt_data2(priv, 0, &in, cek,
						  cek_len) >= 0;
	gnutls_privkey_deinit(priv);
	return ok;
}

/* sg_keytrans_private_sexp - the RSA private key for libgcrypt */
static gcry_sexp_t sg_keytrans_private_sexp(gnutls_x509_privkey_t key)
{
	gnutls_datum_t d[8];
	gcry_mpi_t m[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
	gcry_mpi_t u = NULL;
	gcry_sexp_t sexp = NULL;
	int	i;

	memset(d, 0, sizeof(d));
	if (gnutls_x509_privkey_export_rsa_raw2(key, &d[0], &d[1], &d[2],
						&d[3], &d[4], &d[5], &d[6],
						&d[7]) < 0)
		return NULL;
	for (i = 0; i < 5; i++)
		if ((m[i] = sg_keytrans_mpi(&d[i])) == NULL)
			goto cleanup;

	/* libgcrypt wants p < q and u = p^-1 mod q: derive, don't assume. */
	if (gcry_mpi_cmp(m[3], m[4]) > 0) {
		gcry_mpi_t t = m[3];

		m[3] = m[4];
		m[4] = t;
	}
	u = gcry_mpi_snew(0);
	if (!gcry_mpi_invm(u, m[3], m[4]))
		goto cleanup;
	(void) gcry_sexp_build(&sexp, NULL,
		  "(private-key (rsa (n %m) (e %m) (d %m) (p %m) (q %m) "
			       "(u %m)))", m[0], m[1], m[2], m[3], m[4], u);

cleanup:
	for (i = 0; i < 8; i++) {
		sg_wipe(d[i].data, d[i].size);
		gnutls_free(d[i].data);
	}
	for (i = 0; i < 6; i++)
		gcry_mpi_release(m[i]);
	gcry_mpi_release(u);
	return sexp;
}

/* sg_keytrans_unwrap_oaep - RSAES-OAEP through libgcrypt */
static int sg_keytrans_unwrap_oaep(gnutls_x509_privkey_t key,
				   const sg_keytrans_params *params,
				   const uint8_t *enc, size_t enc_len,
				   uint8_t *cek, size_t cek_len)
{
	gcry_sexp_t priv, data = NULL, plain = NULL, value = NULL;
	gcry_mpi_t ma = NULL;
	const char *bytes;
	size_t	len = 0;
	gcry_error_t gerr;
	int	ok = 0;

	sg_keytrans_gcry_init();
	if (gcry_mpi_scan(&ma, GCRYMPI_FMT_USG, enc, enc_len, NULL) != 0)
		return 0;
	if ((priv = sg_keytrans_private_sexp(key)) == NULL) {
		gcry_mpi_release(ma);
		return 0;
	}
	gerr = gcry_sexp_build(&data, NULL,
			       "(enc-val (flags oaep) (hash-algo %s) (label %b) "
			       "(rsa (a %m)))", sg_keytrans_hash_name(params->hash),
			       (int) params->label_len,
			       params->label ? params->label : enc, ma);
	if (gerr == 0 && gcry_pk_decrypt(&plain, data, priv) == 0
	    && (value = gcry_sexp_find_token(plain, "value", 0)) != NULL
	    && (bytes = gcry_sexp_nth_data(value, 1, &len)) != NULL
	    && len == cek_len) {
		memcpy(cek, bytes, cek_len);
		ok = 1;
	}
	gcry_mpi_release(ma);
	gcry_sexp_release(priv);
	gcry_sexp_release(data);
	gcry_sexp_release(plain);
	gcry_sexp_release(value);
	return ok;
}

/* sg_keytrans_unwrap - decrypt an encrypted key; random cek on failure */
int	sg_keytrans_unwrap(gnutls_x509_privkey_t key,
			   const sg_keytrans_params *params,
			   const uint8_t *enc, size_t enc_len,
			   uint8_t *cek, size_t cek_len)
{
	uint8_t	fake[64];
	unsigned bits = 0;
	int	ok;

	if (cek_len > sizeof(fake))
		return 0;
	(void) gnutls_rnd(GNUTLS_RND_RANDOM, fake, cek_len);
	/* RFC 8017: the ciphertext is exactly as long as the modulus. */
	if (gnutls_x509_privkey_get_pk_algorithm2(key, &bits) != GNUTLS_PK_RSA
	    || enc_len != (bits + 7) / 8)
		ok = 0;
	else if (params->alg == SG_KEYTRANS_RSA_OAEP)
		ok = sg_keytrans_unwrap_oaep(key, params, enc, enc_len, cek,
					     cek_len);
	else
		ok = sg_keytrans_unwrap_pkcs1(key, enc, enc_len, cek, cek_len);
	if (!ok)
		memcpy(cek, fake, cek_len);
	sg_wipe(fake, sizeof(fake));
	return ok;
}
