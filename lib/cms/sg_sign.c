/*
 * NAME
 *	sg_sign 3
 * SUMMARY
 *	CMS SignedData: the gateway's signing key and signatures
 * DESCRIPTION
 *	GnuTLS builds the SignedData (gnutls_pkcs7_sign); we add the signed
 *	attributes it does not know (sg_smimeattr) and our own signingTime,
 *	so that a test can fix the time.
 *
 *	RSASSA-PSS: gnutls_pkcs7_sign (3.7.9) takes the signature scheme
 *	from the signer certificate's SubjectPublicKeyInfo, not from a flag:
 *	an rsaEncryption certificate always gives PKCS#1 v1.5. For PSS we
 *	sign with a private copy of the certificate whose SPKI says
 *	id-RSASSA-PSS (gnutls_x509_crt_set_spki, salt = digest length); the
 *	copy only feeds gnutls_pkcs7_sign's parameter choice and the
 *	issuerAndSerialNumber, which are the same as the original's, and the
 *	certificates we send are the originals.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "sg_certs.h"
#include "sg_mem.h"
#include "sg_sign.h"
#include "sg_smimeattr.h"

#define SG_SIGN_MAX_KEY_FILE	(1024 * 1024)
#define SG_SIGN_MIN_RSA_BITS	2048

struct sg_signer {
	sg_certs certs;			/* the whole certificate file */
	size_t	signer;			/* index of the signer certificate */
	gnutls_privkey_t key;
	gnutls_pk_algorithm_t pk;
};

static const struct {
	const char *name;
	const char *micalg;
	gnutls_digest_algorithm_t alg;
} sg_digests[] = {
	[SG_DIGEST_SHA256] = {"sha256", "sha-256", GNUTLS_DIG_SHA256},
	[SG_DIGEST_SHA384] = {"sha384", "sha-384", GNUTLS_DIG_SHA384},
	[SG_DIGEST_SHA512] = {"sha512", "sha-512", GNUTLS_DIG_SHA512},
};

#define SG_NDIGESTS (sizeof(sg_digests) / sizeof(sg_digests[0]))

/* sg_digest_parse - config word "sha256"/"sha384"/"sha512" */
bool	sg_digest_parse(const char *word, sg_digest *digest)
{
	size_t	i;

	for (i = 0; i < SG_NDIGESTS; i++) {
		if (strcmp(word, sg_digests[i].name) == 0) {
			*digest = (sg_digest) i;
			return true;
		}
	}
	return false;
}

/* sg_digest_ok - is digest one of ours? */
static bool sg_digest_ok(sg_digest digest)
{
	return (unsigned) digest < SG_NDIGESTS;
}

/* sg_digest_name - config spelling, e.g. "sha256" */
const char *sg_digest_name(sg_digest digest)
{
	return sg_digest_ok(digest) ? sg_digests[digest].name : "unknown";
}

/* sg_digest_micalg - multipart/signed micalg spelling, e.g. "sha-256" */
const char *sg_digest_micalg(sg_digest digest)
{
	return sg_digest_ok(digest) ? sg_digests[digest].micalg : "unknown";
}

/* sg_digest_gnutls - the GnuTLS digest algorithm */
gnutls_digest_algorithm_t sg_digest_gnutls(sg_digest digest)
{
	return sg_digest_ok(digest) ? sg_digests[digest].alg
	    : GNUTLS_DIG_UNKNOWN;
}

/* sg_signer_pem_key - the first PEM private key block of buf */
static sg_status sg_signer_pem_key(const char *path, const sg_buf *buf,
				   gnutls_datum_t *pem)
{
	const uint8_t *p = buf->data;
	const uint8_t *end = buf->data + buf->len;
	const uint8_t *begin, *eol, *stop;

	while (p < end && (begin = memmem(p, end - p, "-----BEGIN ", 11))) {
		eol = memchr(begin, '\n', end - begin);
		stop = memmem(begin, end - begin, "-----END ", 9);
		if (eol == NULL || stop == NULL
		    || (stop = memmem(stop + 9, end - stop - 9, "-----", 5))
		    == NULL)
			break;
		stop += 5;
		if (memmem(begin, eol - begin, "ENCRYPTED", 9) != NULL)
			return sg_status_make(SG_CONFIG, "key file %s: encrypted "
				       "private keys are not supported", path);
		if (memmem(begin, eol - begin, "PRIVATE KEY-----", 16)) {
			pem->data = (unsigned char *) begin;
			pem->size = (unsigned) (stop - begin);
			return sg_status_ok();
		}
		p = stop;
	}
	return sg_status_make(SG_CONFIG, "key file %s: no PEM private key "
			      "found", path);
}

/* sg_signer_import_key - parse and vet the signing key */
static sg_status sg_signer_import_key(sg_signer *s, const char *path,
				      const gnutls_datum_t *pem)
{
	gnutls_x509_privkey_t xkey = NULL;
	gnutls_ecc_curve_t curve;
	unsigned bits = 0;
	int	ret;

	if ((ret = gnutls_x509_privkey_init(&xkey)) < 0)
		return sg_status_make(SG_INTERNAL, "%s", gnutls_strerror(ret));
	ret = gnutls_x509_privkey_import2(xkey, pem, GNUTLS_X509_FMT_PEM, NULL,
					  GNUTLS_PKCS_PLAIN);
	if (ret < 0) {
		gnutls_x509_privkey_deinit(xkey);
		return sg_status_make(SG_CONFIG, "key file %s: cannot parse "
				 "private key: %s", path, gnutls_strerror(ret));
	}
	s->pk = (gnutls_pk_algorithm_t) gnutls_x509_privkey_get_pk_algorithm2(
							   xkey, &bits);
	if (s->pk == GNUTLS_PK_RSA) {
		if (bits < SG_SIGN_MIN_RSA_BITS) {
			gnutls_x509_privkey_deinit(xkey);
			return sg_status_make(SG_CONFIG, "key file %s: RSA key "
					      "of %u bits; at least %d are "
					      "needed", path, bits,
					      SG_SIGN_MIN_RSA_BITS);
		}
	} else if (s->pk == GNUTLS_PK_ECDSA) {
		if (gnutls_x509_privkey_export_ecc_raw(xkey, &curve, NULL, NULL,
						       NULL) < 0
		    || (curve != GNUTLS_ECC_CURVE_SECP256R1
			&& curve != GNUTLS_ECC_CURVE_SECP384R1)) {
			gnutls_x509_privkey_deinit(xkey);
			return sg_status_make(SG_CONFIG, "key file %s: ECDSA "
					      "keys must be on P-256 or "
					      "P-384", path);
		}
	} else {
		gnutls_x509_privkey_deinit(xkey);
		return sg_status_make(SG_CONFIG, "key file %s: not an RSA or "
				      "ECDSA key", path);
	}
	if ((ret = gnutls_privkey_init(&s->key)) < 0
	    || (ret = gnutls_privkey_import_x509(s->key, xkey,
				GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE)) < 0) {
		gnutls_x509_privkey_deinit(xkey);
		return sg_status_make(SG_INTERNAL, "%s", gnutls_strerror(ret));
	}
	return sg_status_ok();
}

/* sg_signer_fits - cert carries the key and may sign */
static bool sg_signer_fits(const sg_signer *s, gnutls_x509_crt_t cert)
{
	unsigned char a[64], b[64];
	size_t	alen = sizeof(a), blen = sizeof(b);
	gnutls_pubkey_t pub = NULL;
	unsigned usage = 0;
	int	ret;
	bool	same;

	if (gnutls_pubkey_init(&pub) < 0)
		return false;
	same = gnutls_pubkey_import_privkey(pub, s->key, 0, 0) >= 0
	    && gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, b,
					&blen) >= 0
	    && gnutls_x509_crt_get_key_id(cert, GNUTLS_KEYID_USE_SHA256, a,
					  &alen) >= 0
	    && alen == blen && memcmp(a, b, alen) == 0;
	gnutls_pubkey_deinit(pub);
	if (!same)
		return false;
	ret = gnutls_x509_crt_get_key_usage(cert, &usage, NULL);
	if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		return true;
	return ret >= 0 && (usage & GNUTLS_KEY_DIGITAL_SIGNATURE);
}

/* sg_signer_load - key and signing certificate (+ chain) from two files */
sg_status sg_signer_load(const char *cert_file, const char *key_file,
			 sg_signer **signer)
{
	sg_signer *s = sg_calloc(1, sizeof(*s));
	gnutls_datum_t pem;
	sg_buf	buf = SG_BUF_INIT;
	sg_status st;
	size_t	i;

	*signer = NULL;
	st = sg_buf_read_private(&buf, key_file, "key file",
				 SG_SIGN_MAX_KEY_FILE);
	if (sg_status_is_ok(&st))
		st = sg_signer_pem_key(key_file, &buf, &pem);
	if (sg_status_is_ok(&st))
		st = sg_signer_import_key(s, key_file, &pem);
	sg_buf_wipe_free(&buf);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sg_certs_load(&s->certs, cert_file);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	for (i = 0; i < s->certs.count; i++)
		if (sg_signer_fits(s, s->certs.crts[i]))
			break;
	if (i == s->certs.count) {
		st = sg_status_make(SG_CONFIG, "no certificate in %s matches "
				    "the key of %s and allows "
				    "digitalSignature", cert_file, key_file);
		goto cleanup;
	}
	s->signer = i;
	*signer = s;
	s = NULL;
cleanup:
	sg_signer_free(s);
	return st;
}

/* sg_signer_free - release the signer (NULL is fine) */
void	sg_signer_free(sg_signer *signer)
{
	if (signer == NULL)
		return;
	sg_certs_free(&signer->certs);
	if (signer->key != NULL)
		gnutls_privkey_deinit(signer->key);
	free(signer);
}

/* sg_signer_cert - the signer certificate (lent) */
gnutls_x509_crt_t sg_signer_cert(const sg_signer *signer)
{
	return signer->certs.crts[signer->signer];
}

/* sg_signer_chain_count - certificates sent after the signer's */
size_t	sg_signer_chain_count(const sg_signer *signer)
{
	return signer->certs.count - 1;
}

/* sg_signer_chain - chain certificate i (lent) */
gnutls_x509_crt_t sg_signer_chain(const sg_signer *signer, size_t i)
{
	return signer->certs.crts[i < signer->signer ? i : i + 1];
}

/* sg_signer_pk - GNUTLS_PK_RSA or GNUTLS_PK_ECDSA */
gnutls_pk_algorithm_t sg_signer_pk(const sg_signer *signer)
{
	return signer->pk;
}

/* sg_signer_check_time - CONFIG unless the certificate is valid at now */
sg_status sg_signer_check_time(const sg_signer *signer, time_t now)
{
	gnutls_x509_crt_t cert = sg_signer_cert(signer);
	char	desc[512];

	sg_certs_describe(cert, desc, sizeof(desc));
	if (now < gnutls_x509_crt_get_activation_time(cert))
		return sg_status_make(SG_CONFIG, "signing certificate is not "
				      "valid yet: %s", desc);
	if (now > gnutls_x509_crt_get_expiration_time(cert))
		return sg_status_make(SG_CONFIG, "signing certificate has "
				      "expired: %s", desc);
	return sg_status_ok();
}

/* sg_sign_add_attr - add one attribute value to the list */
static sg_status sg_sign_add_attr(gnutls_pkcs7_attrs_t *attrs,
				  const char *oid, const sg_buf *value)
{
	gnutls_datum_t d = {value->data, (unsigned) value->len};
	int	ret;

	if ((ret = gnutls_pkcs7_add_attr(attrs, oid, &d, 0)) < 0)
		return sg_status_make(SG_INTERNAL, "cannot add attribute %s: "
				      "%s", oid, gnutls_strerror(ret));
	return sg_status_ok();
}

/* sg_sign_attrs - the signed attributes GnuTLS does not write itself */
static sg_status sg_sign_attrs(const sg_sign_opts *opts,
			       gnutls_pkcs7_attrs_t *attrs)
{
	const sg_cipher_id *caps = opts->caps;
	size_t	ncaps = opts->ncaps;
	sg_buf	value = SG_BUF_INIT;
	sg_status st;

	if (caps == NULL)
		caps = sg_smimeattr_default_caps(&ncaps);
	st = sg_smimeattr_time_encode(opts->signing_time ? opts->signing_time
				      : time(NULL), &value);
	if (sg_status_is_ok(&st))
		st = sg_sign_add_attr(attrs, SG_OID_SIGNING_TIME, &value);
	sg_buf_reset(&value);
	if (sg_status_is_ok(&st))
		st = sg_smimeattr_caps_encode(caps, ncaps, &value);
	if (sg_status_is_ok(&st))
		st = sg_sign_add_attr(attrs, SG_OID_SMIME_CAPABILITIES, &value);
	sg_buf_reset(&value);
	if (sg_status_is_ok(&st) && opts->encryption_cert != NULL) {
		st = sg_smimeattr_ekp_encode(opts->encryption_cert, &value);
		if (sg_status_is_ok(&st))
			st = sg_sign_add_attr(attrs, SG_OID_ENC_KEY_PREF, &value);
		sg_buf_reset(&value);
	}
	if (sg_status_is_ok(&st) && opts->domain_signature) {
		st = sg_smimeattr_sigtype_encode(SG_SIGTYPE_DOMAIN, &value);
		if (sg_status_is_ok(&st))
			st = sg_sign_add_attr(attrs, SG_OID_SIGNATURE_TYPE,
					      &value);
	}
	sg_buf_free(&value);
	return st;
}

/* sg_sign_pss_view - a copy of cert that tells GnuTLS to sign with PSS */
static sg_status sg_sign_pss_view(gnutls_x509_crt_t cert, sg_digest digest,
				  gnutls_x509_crt_t *view)
{
	gnutls_x509_spki_t spki = NULL;
	gnutls_datum_t der = {NULL, 0};
	int	ret;

	*view = NULL;
	if ((ret = gnutls_x509_crt_export2(cert, GNUTLS_X509_FMT_DER, &der)) < 0
	    || (ret = gnutls_x509_crt_init(view)) < 0
	    || (ret = gnutls_x509_crt_import(*view, &der,
					     GNUTLS_X509_FMT_DER)) < 0
	    || (ret = gnutls_x509_spki_init(&spki)) < 0)
		goto cleanup;
	gnutls_x509_spki_set_rsa_pss_params(spki, sg_digest_gnutls(digest),
		gnutls_hash_get_len(sg_digest_gnutls(digest)));
	ret = gnutls_x509_crt_set_spki(*view, spki, 0);
cleanup:
	if (spki != NULL)
		gnutls_x509_spki_deinit(spki);
	gnutls_free(der.data);
	if (ret < 0) {
		if (*view != NULL)
			gnutls_x509_crt_deinit(*view);
		*view = NULL;
		return sg_status_make(SG_INTERNAL, "cannot prepare RSA-PSS "
				      "signing: %s", gnutls_strerror(ret));
	}
	return sg_status_ok();
}

/* sg_sign_add_certs - signer certificate (from 0) or chain only (1) */
static int sg_sign_add_certs(gnutls_pkcs7_t p7, const sg_signer *signer,
			     int chain_only)
{
	size_t	i;
	int	ret;

	if (!chain_only
	    && (ret = gnutls_pkcs7_set_crt(p7, sg_signer_cert(signer))) < 0)
		return ret;
	for (i = 0; i < sg_signer_chain_count(signer); i++)
		if ((ret = gnutls_pkcs7_set_crt(p7, sg_signer_chain(signer,
								   i))) < 0)
			return ret;
	return 0;
}

/* sg_sign_make - SignedData over content, detached or not */
static sg_status sg_sign_make(const sg_signer *signer,
			      const sg_sign_opts *opts, const uint8_t *content,
			      size_t len, bool embed, sg_buf *der)
{
	gnutls_pkcs7_t p7 = NULL;
	gnutls_pkcs7_attrs_t attrs = NULL;
	gnutls_x509_crt_t view = NULL;
	gnutls_datum_t data = {(unsigned char *) content, (unsigned) len};
	gnutls_datum_t out = {NULL, 0};
	sg_status st;
	int	ret;

	if (!sg_digest_ok(opts->digest))
		return sg_status_make(SG_CONFIG, "unknown digest %d",
				      (int) opts->digest);
	if (opts->rsa_pss && signer->pk != GNUTLS_PK_RSA)
		return sg_status_make(SG_CONFIG, "RSA-PSS needs an RSA key");
	if (opts->rsa_pss && embed)
		return sg_status_make(SG_CONFIG, "RSA-PSS is available for "
				      "detached signatures only");
	/* GnuTLS 3.7.9 cannot sign empty content (NO_EMBEDDED_DATA). */
	if (len == 0)
		return sg_status_make(SG_REJECT, "empty content cannot be "
				      "signed");
	if (len > 0xffffffffu)
		return sg_status_make(SG_REJECT, "content too large to sign");
	st = sg_sign_attrs(opts, &attrs);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	if (opts->rsa_pss) {
		st = sg_sign_pss_view(sg_signer_cert(signer), opts->digest,
				      &view);
		if (!sg_status_is_ok(&st))
			goto cleanup;
	}
	if ((ret = gnutls_pkcs7_init(&p7)) < 0)
		goto gnutls_error;
	if (!embed) {
		/* Detached: certificates first (their SET is dropped when
		 * gnutls_pkcs7_sign finds it empty), then the signature. */
		if ((ret = sg_sign_add_certs(p7, signer, 0)) < 0)
			goto gnutls_error;
		ret = gnutls_pkcs7_sign(p7, view ? view : sg_signer_cert(signer),
					signer->key, &data, attrs, NULL,
					sg_digest_gnutls(opts->digest), 0);
		if (ret < 0)
			goto gnutls_error;
	} else {
		/* Opaque: an existing SignedData has lost its eContent, so
		 * GnuTLS adds the signer certificate, and the chain goes in
		 * after a round trip through DER. */
		ret = gnutls_pkcs7_sign(p7, sg_signer_cert(signer), signer->key,
					&data, attrs, NULL,
					sg_digest_gnutls(opts->digest),
					GNUTLS_PKCS7_EMBED_DATA
					| GNUTLS_PKCS7_INCLUDE_CERT);
		if (ret < 0)
			goto gnutls_error;
		if (sg_signer_chain_count(signer) > 0) {
			if ((ret = gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER,
							&out)) < 0)
				goto gnutls_error;
			gnutls_pkcs7_deinit(p7);
			p7 = NULL;
			if ((ret = gnutls_pkcs7_init(&p7)) < 0
			    || (ret = gnutls_pkcs7_import(p7, &out,
						    GNUTLS_X509_FMT_DER)) < 0
			    || (ret = sg_sign_add_certs(p7, signer, 1)) < 0)
				goto gnutls_error;
			gnutls_free(out.data);
			out.data = NULL;
		}
	}
	if ((ret = gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &out)) < 0)
		goto gnutls_error;
	sg_buf_append(der, out.data, out.size);
	st = sg_status_ok();
	goto cleanup;
gnutls_error:
	st = sg_status_make(SG_INTERNAL, "signing failed: %s",
			    gnutls_strerror(ret));
cleanup:
	gnutls_free(out.data);
	if (p7 != NULL)
		gnutls_pkcs7_deinit(p7);
	if (view != NULL)
		gnutls_x509_crt_deinit(view);
	gnutls_pkcs7_attrs_deinit(attrs);
	return st;
}

/* sg_sign_detached - append a detached DER SignedData over content */
sg_status sg_sign_detached(const sg_signer *signer, const sg_sign_opts *opts,
			   const uint8_t *content, size_t len, sg_buf *der)
{
	return sg_sign_make(signer, opts, content, len, false, der);
}

/* sg_sign_opaque - append a DER SignedData that contains content */
sg_status sg_sign_opaque(const sg_signer *signer, const sg_sign_opts *opts,
			 const uint8_t *content, size_t len, sg_buf *der)
{
	return sg_sign_make(signer, opts, content, len, true, der);
}
