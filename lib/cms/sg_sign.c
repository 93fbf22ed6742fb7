/*
 * NAME
 *	sg_sign 3
 * SUMMARY
 *	CMS SignedData: the gateway's signing key and signatures
 * DESCRIPTION
 *	We write the SignedData ourselves (libtasn1, sg_cms.asn), because
 *	gnutls_pkcs7_sign hashes content it is given whole: a large
 *	message would have to exist twice. Here the content is hashed in
 *	pieces (sg_sign_stream), then the signed attributes (sg_smimeattr)
 *	are encoded once, signed (sg_rsasign for PKCS#1 v1.5, else
 *	gnutls_privkey_sign_data2), and sent as those same bytes. The
 *	layout is the one gnutls_pkcs7_sign writes (test_sign holds the
 *	two to the same bytes for PKCS#1 v1.5), so the readers that
 *	accepted it still do.
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
#include <gnutls/x509.h>

#include "sg_asn1.h"
#include "sg_certs.h"
#include "sg_mem.h"
#include "sg_rsasign.h"
#include "sg_sign.h"
#include "sg_smimeattr.h"

#define SG_SIGN_MAX_KEY_FILE	(1024 * 1024)
#define SG_SIGN_MIN_RSA_BITS	2048

#define OID_SIGNED_DATA		"1.2.840.113549.1.7.2"
#define OID_RSASSA_PSS		"1.2.840.113549.1.1.10"

struct sg_sign_stream {
	const sg_signer *signer;
	sg_sign_opts opts;
	gnutls_hash_hd_t hash;
	uint64_t len;			/* bytes hashed */
};

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

/* sg_sign_check - options that fit the signer */
static sg_status sg_sign_check(const sg_signer *signer,
			       const sg_sign_opts *opts)
{
	if (!sg_digest_ok(opts->digest))
		return sg_status_make(SG_CONFIG, "unknown digest %d",
				      (int) opts->digest);
	if (opts->rsa_pss && signer->pk != GNUTLS_PK_RSA)
		return sg_status_make(SG_CONFIG, "RSA-PSS needs an RSA key");
	return sg_status_ok();
}

/* sg_sign_stream_new - start hashing content to be signed */
sg_status sg_sign_stream_new(const sg_signer *signer, const sg_sign_opts *opts,
			     sg_sign_stream **ssp)
{
	sg_sign_stream *ss;
	sg_status st;
	int	ret;

	*ssp = NULL;
	st = sg_sign_check(signer, opts);
	if (!sg_status_is_ok(&st))
		return st;
	ss = sg_calloc(1, sizeof(*ss));
	ss->signer = signer;
	ss->opts = *opts;
	if ((ret = gnutls_hash_init(&ss->hash,
				    sg_digest_gnutls(opts->digest))) < 0) {
		free(ss);
		return sg_status_make(SG_INTERNAL, "cannot start the digest: "
				      "%s", gnutls_strerror(ret));
	}
	*ssp = ss;
	return sg_status_ok();
}

/* sg_sign_stream_update - hash the next piece of content */
void	sg_sign_stream_update(sg_sign_stream *ss, const void *data, size_t len)
{
	if (len == 0)
		return;
	/* SHA-2 in GnuTLS cannot fail once started */
	(void) gnutls_hash(ss->hash, data, len);
	ss->len += len;
}

/* sg_sign_stream_free - release (NULL is fine) */
void	sg_sign_stream_free(sg_sign_stream *ss)
{
	if (ss == NULL)
		return;
	gnutls_hash_deinit(ss->hash, NULL);
	free(ss);
}

/* sg_sign_attr - one Attribute { oid, SET { value } } into the SET OF */
static sg_status sg_sign_attr(asn1_node set, const char *oid,
			      const uint8_t *value, size_t len)
{
	sg_status st;

	st = sg_asn1_write(set, "", "NEW", 1);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(set, "?LAST.attrType", oid);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(set, "?LAST.attrValues", "NEW", 1);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(set, "?LAST.attrValues.?LAST", value, len);
	return st;
}

/* sg_sign_attrs - DER of the SignedAttributes (SET OF, sorted) */
static sg_status sg_sign_attrs(const sg_sign_opts *opts,
			       const uint8_t *digest, size_t digest_len,
			       sg_buf *der)
{
	static const uint8_t id_data[] = {
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
	};
	const sg_cipher_id *caps = opts->caps;
	size_t	ncaps = opts->ncaps;
	asn1_node set = NULL;
	sg_buf	when = SG_BUF_INIT, cap = SG_BUF_INIT;
	sg_buf	ekp = SG_BUF_INIT, type = SG_BUF_INIT;
	uint8_t	md[2 + 64];
	sg_status st;

	if (caps == NULL)
		caps = sg_smimeattr_default_caps(&ncaps);
	md[0] = 0x04;
	md[1] = (uint8_t) digest_len;
	memcpy(md + 2, digest, digest_len);
	st = sg_asn1_create("SignedAttributes", &set);
	if (sg_status_is_ok(&st))
		st = sg_sign_attr(set, SG_OID_CONTENT_TYPE, id_data,
				  sizeof(id_data));
	if (sg_status_is_ok(&st))
		st = sg_sign_attr(set, SG_OID_MESSAGE_DIGEST, md,
				  2 + digest_len);
	if (sg_status_is_ok(&st))
		st = sg_smimeattr_time_encode(opts->signing_time
				      ? opts->signing_time : time(NULL), &when);
	if (sg_status_is_ok(&st))
		st = sg_sign_attr(set, SG_OID_SIGNING_TIME, when.data,
				  when.len);
	if (sg_status_is_ok(&st))
		st = sg_smimeattr_caps_encode(caps, ncaps, &cap);
	if (sg_status_is_ok(&st))
		st = sg_sign_attr(set, SG_OID_SMIME_CAPABILITIES, cap.data,
				  cap.len);
	if (sg_status_is_ok(&st) && opts->encryption_cert != NULL)
		st = sg_smimeattr_ekp_encode(opts->encryption_cert, &ekp);
	if (sg_status_is_ok(&st) && opts->encryption_cert != NULL)
		st = sg_sign_attr(set, SG_OID_ENC_KEY_PREF, ekp.data, ekp.len);
	if (sg_status_is_ok(&st) && opts->domain_signature)
		st = sg_smimeattr_sigtype_encode(SG_SIGTYPE_DOMAIN, &type);
	if (sg_status_is_ok(&st) && opts->domain_signature)
		st = sg_sign_attr(set, SG_OID_SIGNATURE_TYPE, type.data,
				  type.len);
	if (sg_status_is_ok(&st))
		st = sg_asn1_encode(set, der);
	asn1_delete_structure(&set);
	sg_buf_free(&when);
	sg_buf_free(&cap);
	sg_buf_free(&ekp);
	sg_buf_free(&type);
	return st;
}

/*
 * sg_sign_algorithm - the GnuTLS signature algorithm and the SignerInfo
 * signatureAlgorithm (oid, DER parameters or none), as GnuTLS's own
 * SignedData has them: rsaEncryption with NULL (RFC 3370 section 3.2),
 * id-RSASSA-PSS with its parameters (RFC 4056), or ecdsa-with-SHA*
 * without (RFC 5754 section 3.3)
 */
static sg_status sg_sign_algorithm(const sg_signer *signer,
				   const sg_sign_opts *opts,
				   gnutls_sign_algorithm_t *sign,
				   const char **oid, sg_buf *params)
{
	gnutls_digest_algorithm_t dig = sg_digest_gnutls(opts->digest);
	const char *dig_oid = gnutls_digest_get_oid(dig);
	asn1_node pss = NULL;
	sg_buf	hash = SG_BUF_INIT;
	char	salt[16];
	sg_status st;

	if (signer->pk == GNUTLS_PK_ECDSA) {
		*sign = gnutls_pk_to_sign(GNUTLS_PK_ECDSA, dig);
		*oid = gnutls_sign_get_oid(*sign);
		return sg_status_ok();
	}
	if (!opts->rsa_pss) {
		*sign = gnutls_pk_to_sign(GNUTLS_PK_RSA, dig);
		*oid = SG_OID_RSA;
		sg_buf_append(params, sg_asn1_null, sizeof(sg_asn1_null));
		return sg_status_ok();
	}
	*sign = dig == GNUTLS_DIG_SHA512 ? GNUTLS_SIGN_RSA_PSS_RSAE_SHA512
	    : dig == GNUTLS_DIG_SHA384 ? GNUTLS_SIGN_RSA_PSS_RSAE_SHA384
	    : GNUTLS_SIGN_RSA_PSS_RSAE_SHA256;
	*oid = OID_RSASSA_PSS;
	snprintf(salt, sizeof(salt), "%u", gnutls_hash_get_len(dig));
	st = sg_asn1_alg_der(dig_oid, NULL, 0, &hash);
	if (sg_status_is_ok(&st))
		st = sg_asn1_create("RSASSAPSSParams", &pss);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(pss, "hashAlgorithm.algorithm", dig_oid);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(pss, "hashAlgorithm.parameters", NULL, 0);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(pss, "maskGenAlgorithm.algorithm",
				       SG_OID_MGF1);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(pss, "maskGenAlgorithm.parameters",
				   hash.data, hash.len);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(pss, "saltLength", salt);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(pss, "trailerField", NULL, 0);
	if (sg_status_is_ok(&st))
		st = sg_asn1_encode(pss, params);
	asn1_delete_structure(&pss);
	sg_buf_free(&hash);
	return st;
}

/* sg_sign_certs - the signer certificate and the chain, as a SET OF */
static sg_status sg_sign_certs(asn1_node sd, const sg_signer *signer)
{
	gnutls_datum_t der = {NULL, 0};
	sg_status st = sg_status_ok();
	size_t	i;
	int	ret;

	for (i = 0; i < signer->certs.count && sg_status_is_ok(&st); i++) {
		if ((ret = gnutls_x509_crt_export2(signer->certs.crts[i],
						   GNUTLS_X509_FMT_DER,
						   &der)) < 0)
			return sg_status_make(SG_INTERNAL, "cannot export a "
				"certificate: %s", gnutls_strerror(ret));
		st = sg_asn1_write(sd, "content.certificates", "NEW", 1);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write(sd, "content.certificates.?LAST",
					   der.data, der.size);
		gnutls_free(der.data);
		der.data = NULL;
	}
	return st;
}

/* SI - path of a field of the (one) SignerInfo */
#define SI(field)	"content.signerInfos.?LAST." field

/*
 * sg_sign_alg - a digest AlgorithmIdentifier at path, without parameters
 * (RFC 5754 section 2)
 */
static sg_status sg_sign_alg(asn1_node sd, const char *path,
			     gnutls_digest_algorithm_t dig)
{
	char	sub[100];
	sg_status st;

	snprintf(sub, sizeof(sub), "%s.algorithm", path);
	st = sg_asn1_write_str(sd, sub, gnutls_digest_get_oid(dig));
	snprintf(sub, sizeof(sub), "%s.parameters", path);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(sd, sub, NULL, 0);
	return st;
}

/*
 * sg_sign_bytes - the signature of tbs: PKCS#1 v1.5 through sg_rsasign
 * (the same bytes in half the time, checked with the certificate's key),
 * RSA-PSS and ECDSA through GnuTLS
 */
static sg_status sg_sign_bytes(const sg_signer *signer,
			       const sg_sign_opts *opts,
			       gnutls_sign_algorithm_t sign,
			       const gnutls_datum_t *tbs, gnutls_datum_t *sig)
{
	gnutls_digest_algorithm_t dig = sg_digest_gnutls(opts->digest);
	gnutls_pubkey_t pub = NULL;
	uint8_t	digest[64];
	sg_status st;
	int	ret;

	if (signer->pk != GNUTLS_PK_RSA || opts->rsa_pss) {
		if ((ret = gnutls_privkey_sign_data2(signer->key, sign, 0, tbs,
						     sig)) < 0)
			return sg_status_make(SG_INTERNAL, "signing failed: %s",
					      gnutls_strerror(ret));
		return sg_status_ok();
	}
	if ((ret = gnutls_hash_fast(dig, tbs->data, tbs->size, digest)) < 0
	    || (ret = gnutls_pubkey_init(&pub)) < 0
	    || (ret = gnutls_pubkey_import_x509(pub, sg_signer_cert(signer),
						0)) < 0)
		st = sg_status_make(SG_INTERNAL, "signing failed: %s",
				    gnutls_strerror(ret));
	else
		st = sg_rsasign(signer->key, pub, dig, digest, sig);
	if (pub != NULL)
		gnutls_pubkey_deinit(pub);
	return st;
}

/*
 * sg_sign_finish - the SignedData around ss's digest, eContent when
 * content is not NULL; releases nothing
 */
static sg_status sg_sign_finish(sg_sign_stream *ss, const uint8_t *content,
				size_t len, sg_buf *out)
{
	const sg_signer *signer = ss->signer;
	gnutls_digest_algorithm_t dig = sg_digest_gnutls(ss->opts.digest);
	gnutls_sign_algorithm_t sign;
	const char *sig_oid;
	uint8_t	digest[64];
	sg_buf	attrs = SG_BUF_INIT, params = SG_BUF_INIT;
	gnutls_datum_t tbs, sig = {NULL, 0};
	asn1_node sd = NULL;
	sg_status st;

	/* RFC 5652 allows it, but no MIME entity is empty: a caller's bug */
	if (ss->len == 0)
		return sg_status_make(SG_REJECT, "empty content cannot be "
				      "signed");
	gnutls_hash_output(ss->hash, digest);
	st = sg_sign_attrs(&ss->opts, digest, gnutls_hash_get_len(dig),
			   &attrs);
	if (sg_status_is_ok(&st))
		st = sg_sign_algorithm(signer, &ss->opts, &sign, &sig_oid,
				       &params);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	tbs.data = attrs.data;
	tbs.size = (unsigned) attrs.len;
	st = sg_sign_bytes(signer, &ss->opts, sign, &tbs, &sig);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	/* the signed SET OF, sent as [0] IMPLICIT (RFC 5652 section 5.4) */
	attrs.data[0] = 0xa0;

	st = sg_asn1_create("SignedContentInfo", &sd);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(sd, "contentType", OID_SIGNED_DATA);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(sd, "content.version", "1");
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(sd, "content.digestAlgorithms", "NEW", 1);
	if (sg_status_is_ok(&st))
		st = sg_sign_alg(sd, "content.digestAlgorithms.?LAST", dig);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(sd, "content.encapContentInfo."
				       "eContentType", SG_OID_DATA);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(sd, "content.encapContentInfo.eContent",
				   content, content != NULL ? len : 0);
	if (sg_status_is_ok(&st))
		st = sg_sign_certs(sd, signer);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(sd, "content.signerInfos", "NEW", 1);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(sd, SI("version"), "1");
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_ias(sd, SI("sid"), sg_signer_cert(signer));
	if (sg_status_is_ok(&st))
		st = sg_sign_alg(sd, SI("digestAlgorithm"), dig);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(sd, SI("signedAttrs"), attrs.data,
				   attrs.len);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(sd, SI("signatureAlgorithm.algorithm"),
				       sig_oid);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(sd, SI("signatureAlgorithm.parameters"),
				   params.len ? params.data : NULL, params.len);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(sd, SI("signature"), sig.data, sig.size);
	if (sg_status_is_ok(&st))
		st = sg_asn1_encode(sd, out);
cleanup:
	asn1_delete_structure(&sd);
	gnutls_free(sig.data);
	sg_buf_free(&attrs);
	sg_buf_free(&params);
	return st;
}

/* sg_sign_stream_finish - append the detached DER SignedData */
sg_status sg_sign_stream_finish(sg_sign_stream *ss, sg_buf *der)
{
	return sg_sign_finish(ss, NULL, 0, der);
}

/* sg_sign_make - SignedData over content, detached or not */
static sg_status sg_sign_make(const sg_signer *signer,
			      const sg_sign_opts *opts, const uint8_t *content,
			      size_t len, bool embed, sg_buf *der)
{
	sg_sign_stream *ss;
	sg_status st;

	st = sg_sign_stream_new(signer, opts, &ss);
	if (!sg_status_is_ok(&st))
		return st;
	sg_sign_stream_update(ss, content, len);
	st = sg_sign_finish(ss, embed ? content : NULL, len, der);
	sg_sign_stream_free(ss);
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
