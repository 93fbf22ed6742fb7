/*
 * NAME
 *	sg_cms 3
 * SUMMARY
 *	CMS EnvelopedData and AuthEnvelopedData: encrypt and decrypt
 * DESCRIPTION
 *	Structure with libtasn1 (sg_asn1, sg_cms.asn), BER lengths with
 *	sg_ber, key transport with sg_keytrans, bulk encryption with
 *	sg_cipher. This file only maps between them.
 * SECURITY
 *	Everything read from a message is checked before use: versions,
 *	algorithm identifiers and their parameters, IV, nonce and tag sizes.
 *	The content-encryption key lives on the stack and is wiped on every
 *	path. Decrypted bytes reach the caller only after the padding and
 *	RSA checks (CBC) or the tag (GCM) passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_asn1.h"
#include "sg_ber.h"
#include "sg_certs.h"
#include "sg_cms.h"
#include "sg_mem.h"

#define OID_ENVELOPED		"1.2.840.113549.1.7.3"
#define OID_AUTH_ENVELOPED	"1.2.840.113549.1.9.16.1.23"
#define OID_RSAES_OAEP		"1.2.840.113549.1.1.7"
#define OID_PSPECIFIED		"1.2.840.113549.1.1.9"
#define OID_SHA1		"1.3.14.3.2.26"
#define OID_SHA256		"2.16.840.1.101.3.4.2.1"
#define OID_SHA384		"2.16.840.1.101.3.4.2.2"
#define OID_SHA512		"2.16.840.1.101.3.4.2.3"

/* Largest RSA modulus we accept in an encryptedKey: 16384 bits. */
#define SG_CMS_MAX_ENCKEY	2048
#define SG_CMS_MAX_LABEL	256

 /*
  * Encryption.
  */

/* sg_cms_oaep_params_der - RSAES-OAEP-params for SHA-256 (RFC 4055) */
static sg_status sg_cms_oaep_params_der(sg_buf *out)
{
	asn1_node params = NULL;
	sg_buf	sha = SG_BUF_INIT;
	sg_status st;

	st = sg_asn1_alg_der(OID_SHA256, sg_asn1_null, sizeof(sg_asn1_null), &sha);
	if (sg_status_is_ok(&st))
		st = sg_asn1_create("RSAESOAEPParams", &params);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(params, "hashFunc.algorithm", OID_SHA256);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(params, "hashFunc.parameters", sg_asn1_null,
				   sizeof(sg_asn1_null));
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(params, "maskGenFunc.algorithm",
				       SG_OID_MGF1);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(params, "maskGenFunc.parameters", sha.data,
				   sha.len);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(params, "pSourceFunc", NULL, 0);
	if (sg_status_is_ok(&st))
		st = sg_asn1_encode(params, out);
	asn1_delete_structure(&params);
	sg_buf_free(&sha);
	return st;
}

/* sg_cms_content_params_der - CBC IV or GCMParameters, as DER */
static sg_status sg_cms_content_params_der(sg_cipher_id cipher,
					   const uint8_t *iv, sg_buf *out)
{
	asn1_node params = NULL;
	sg_status st;
	size_t	iv_len = sg_cipher_iv_size(cipher);

	if (sg_cipher_is_aead(cipher)) {
		st = sg_asn1_create("GCMParameters", &params);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write(params, "aesNonce", iv, iv_len);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write_str(params, "aesICVlen", "16");
	} else {
		st = sg_asn1_create("CBCParameter", &params);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write(params, "", iv, iv_len);
	}
	if (sg_status_is_ok(&st))
		st = sg_asn1_encode(params, out);
	asn1_delete_structure(&params);
	return st;
}

/* sg_cms_write_ktri - append one KeyTransRecipientInfo for cert */
static sg_status sg_cms_write_ktri(asn1_node ci, const char *base,
				   const sg_cms_encrypt_opts *opts,
				   gnutls_x509_crt_t cert, const uint8_t *cek,
				   size_t cek_len)
{
	sg_keytrans_params kt = {opts->keytrans, SG_KEYTRANS_SHA256, NULL, 0};
	char	path[160];
	char	sub[200];
	sg_buf	tmp = SG_BUF_INIT;
	unsigned char id[128];
	size_t	id_len = sizeof(id);
	unsigned critical;
	sg_status st;

#define SUB(field) (snprintf(sub, sizeof(sub), "%s.%s", path, field), sub)

	snprintf(path, sizeof(path), "%s.recipientInfos", base);
	st = sg_asn1_write(ci, path, "NEW", 1);
	if (!sg_status_is_ok(&st))
		return st;
	snprintf(path, sizeof(path), "%s.recipientInfos.?LAST", base);
	st = sg_asn1_write_str(ci, path, "ktri");
	if (!sg_status_is_ok(&st))
		return st;
	snprintf(path, sizeof(path), "%s.recipientInfos.?LAST.ktri", base);

	if (opts->rid == SG_CMS_RID_SKI) {
		if (gnutls_x509_crt_get_subject_key_id(cert, id, &id_len,
						       &critical) < 0) {
			char	desc[256];

			sg_certs_describe(cert, desc, sizeof(desc));
			return sg_status_make(SG_CONFIG, "certificate has no "
				   "subjectKeyIdentifier (%s)", desc);
		}
		st = sg_asn1_write_str(ci, SUB("version"), "2");
		if (sg_status_is_ok(&st))
			st = sg_asn1_write_str(ci, SUB("rid"),
					       "subjectKeyIdentifier");
		if (sg_status_is_ok(&st))
			st = sg_asn1_write(ci, SUB("rid.subjectKeyIdentifier"),
					   id, id_len);
	} else {
		st = sg_asn1_write_str(ci, SUB("version"), "0");
		if (sg_status_is_ok(&st))
			st = sg_asn1_write_str(ci, SUB("rid"),
					       "issuerAndSerialNumber");
		if (sg_status_is_ok(&st))
			st = sg_asn1_write_ias(ci,
				   SUB("rid.issuerAndSerialNumber"), cert);
	}
	if (!sg_status_is_ok(&st))
		return st;

	if (opts->keytrans == SG_KEYTRANS_RSA_OAEP) {
		st = sg_cms_oaep_params_der(&tmp);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write_str(ci,
				    SUB("keyEncryptionAlgorithm.algorithm"),
					       OID_RSAES_OAEP);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write(ci,
				   SUB("keyEncryptionAlgorithm.parameters"),
					   tmp.data, tmp.len);
	} else {
		st = sg_asn1_write_str(ci,
				    SUB("keyEncryptionAlgorithm.algorithm"),
				       SG_OID_RSA);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write(ci,
				   SUB("keyEncryptionAlgorithm.parameters"),
					   sg_asn1_null, sizeof(sg_asn1_null));
	}
	if (sg_status_is_ok(&st)) {
		sg_buf_reset(&tmp);
		st = sg_keytrans_wrap(cert, &kt, cek, cek_len, &tmp);
	}
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(ci, SUB("encryptedKey"), tmp.data, tmp.len);
	sg_buf_free(&tmp);
	return st;
#undef SUB
}

/*
 * sg_cms_build - the DER of an (Auth)EnvelopedData ContentInfo whose
 * encryptedContent is ct (ct_len bytes, already encrypted) and whose mac
 * is tag (GCM); the key cek is transported to every certificate
 */
static sg_status sg_cms_build(const sg_cms_encrypt_opts *opts,
			      gnutls_x509_crt_t const *certs, size_t ncerts,
			      const uint8_t *cek, const uint8_t *iv,
			      const uint8_t *ct, size_t ct_len,
			      const uint8_t *tag, sg_buf *out)
{
	const bool aead = sg_cipher_is_aead(opts->cipher);
	const char *eci = aead ? "content.authEncryptedContentInfo"
		: "content.encryptedContentInfo";
	const size_t cek_len = sg_cipher_key_size(opts->cipher);
	asn1_node ci = NULL;
	sg_buf	params = SG_BUF_INIT;
	char	path[160];
	sg_status st;
	size_t	i;

	st = sg_asn1_create(aead ? "AuthEnvelopedContentInfo"
			    : "EnvelopedContentInfo", &ci);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sg_asn1_write_str(ci, "contentType",
			       aead ? OID_AUTH_ENVELOPED : OID_ENVELOPED);
	/* RFC 5652 6.1: version 0 when every ktri is version 0, else 2. */
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(ci, "content.version",
				       (aead || opts->rid == SG_CMS_RID_ISSUER_SERIAL)
				       ? "0" : "2");
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(ci, "content.originatorInfo", NULL, 0);
	for (i = 0; sg_status_is_ok(&st) && i < ncerts; i++)
		st = sg_cms_write_ktri(ci, "content", opts, certs[i], cek,
				       cek_len);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sg_cms_content_params_der(opts->cipher, iv, &params);
	snprintf(path, sizeof(path), "%s.contentType", eci);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(ci, path, SG_OID_DATA);
	snprintf(path, sizeof(path), "%s.contentEncryptionAlgorithm.algorithm",
		 eci);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(ci, path, sg_cipher_oid(opts->cipher));
	snprintf(path, sizeof(path),
		 "%s.contentEncryptionAlgorithm.parameters", eci);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(ci, path, params.data, params.len);
	/* libtasn1 reads length 0 as "up to a NUL": give it an empty string */
	snprintf(path, sizeof(path), "%s.encryptedContent", eci);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(ci, path, ct_len ? ct : (const uint8_t *) "",
				   ct_len);
	if (sg_status_is_ok(&st) && aead) {
		st = sg_asn1_write(ci, "content.authAttrs", NULL, 0);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write(ci, "content.mac", tag,
					   SG_CIPHER_GCM_TAG);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write(ci, "content.unauthAttrs", NULL, 0);
	} else if (sg_status_is_ok(&st)) {
		st = sg_asn1_write(ci, "content.unprotectedAttrs", NULL, 0);
	}
	if (sg_status_is_ok(&st))
		st = sg_asn1_encode(ci, out);

cleanup:
	sg_buf_free(&params);
	asn1_delete_structure(&ci);
	return st;
}

/* sg_cms_keys - a fresh content-encryption key and IV or nonce */
static sg_status sg_cms_keys(const sg_cms_encrypt_opts *opts, size_t ncerts,
			     uint8_t *cek, uint8_t *iv)
{
	if (!sg_cipher_can_encrypt(opts->cipher))
		return sg_status_make(SG_CONFIG, "cipher %s is not allowed for "
				      "encryption", sg_cipher_name(opts->cipher));
	if (ncerts == 0)
		return sg_status_make(SG_INTERNAL, "no recipient certificate");
	if (gnutls_rnd(GNUTLS_RND_KEY, cek, sg_cipher_key_size(opts->cipher))
	    < 0 || gnutls_rnd(GNUTLS_RND_NONCE, iv,
			      sg_cipher_iv_size(opts->cipher)) < 0)
		return sg_status_make(SG_TEMPFAIL, "random number generator "
				      "failed");
	return sg_status_ok();
}

/* sg_cms_encrypt - envelope content for certs; appends DER to out */
sg_status sg_cms_encrypt(const sg_cms_encrypt_opts *opts,
			 gnutls_x509_crt_t const *certs, size_t ncerts,
			 const uint8_t *content, size_t len, sg_buf *out)
{
	uint8_t	cek[SG_CIPHER_MAX_KEY];
	uint8_t	iv[SG_CIPHER_MAX_IV];
	uint8_t	tag[SG_CIPHER_GCM_TAG];
	sg_buf	ct = SG_BUF_INIT;
	sg_status st;

	st = sg_cms_keys(opts, ncerts, cek, iv);
	if (!sg_status_is_ok(&st))
		return st;
	/* Content encryption. The ciphertext is copied into the tree. */
	if (sg_cipher_is_aead(opts->cipher)) {
		sg_buf_append(&ct, content, len);
		st = sg_cipher_gcm_encrypt(opts->cipher, cek, iv, NULL, 0,
					   ct.data, ct.len, tag);
	} else {
		st = sg_cipher_cbc_encrypt(opts->cipher, cek, iv, content, len,
					   &ct);
	}
	if (sg_status_is_ok(&st))
		st = sg_cms_build(opts, certs, ncerts, cek, iv, ct.data, ct.len,
				  tag, out);
	sg_wipe(cek, sizeof(cek));
	sg_buf_free(&ct);
	return st;
}

 /*
  * Streaming encryption: the same DER, written while it is encrypted.
  */

#define SG_CMS_CHUNK	(64 * 1024)	/* a multiple of every block size */

/* sg_cms_der_hdr - tag and length of the DER element at p (short tags) */
static bool sg_cms_der_hdr(const uint8_t *p, size_t avail, size_t *hdr,
			   size_t *len)
{
	size_t	n, i;

	if (avail < 2 || (p[0] & 0x1f) == 0x1f)
		return false;
	if (p[1] < 0x80) {
		*hdr = 2;
		*len = p[1];
	} else {
		n = p[1] & 0x7f;
		if (n == 0 || n > sizeof(size_t) || avail < 2 + n)
			return false;
		for (*len = 0, i = 0; i < n; i++)
			*len = (*len << 8) | p[2 + i];
		*hdr = 2 + n;
	}
	return *len <= avail - *hdr;
}

/* sg_cms_der_put_hdr - tag and DER length into out; returns its size */
static size_t sg_cms_der_put_hdr(uint8_t tag, size_t len, uint8_t *out)
{
	size_t	n = 0, i;

	out[0] = tag;
	if (len < 0x80) {
		out[1] = (uint8_t) len;
		return 2;
	}
	for (i = len; i > 0; i >>= 8)
		n++;
	out[1] = (uint8_t) (0x80 | n);
	for (i = 0; i < n; i++)
		out[2 + i] = (uint8_t) (len >> (8 * (n - 1 - i)));
	return 2 + n;
}

/*
 * sg_cms_splice - the template (encryptedContent empty) as head and tail
 * around an encryptedContent of ct_len bytes: the four enclosing lengths
 * (ContentInfo, [0], EnvelopedData, EncryptedContentInfo) grow, each by
 * what grew inside it, its child's header included. Returns false when
 * the template is not as expected.
 */
static bool sg_cms_splice(const sg_buf *tpl, size_t ct_len, sg_buf *head,
			  size_t *tail_off)
{
	/* elements before the next level: OID; none; version, RIs; OID, alg */
	static const int skip[4] = {1, 0, 2, 2};
	const uint8_t *p = tpl->data;
	size_t	pos = 0, hdr[4], len[4], starts[4], new_len[4], grow, i;
	uint8_t	h[16];
	int	level, k;

	for (level = 0; level < 4; level++) {
		starts[level] = pos;
		if (!sg_cms_der_hdr(p + pos, tpl->len - pos, &hdr[level],
				    &len[level]))
			return false;
		pos += hdr[level];
		for (k = 0; k < skip[level]; k++) {
			size_t	h2, l2;

			if (!sg_cms_der_hdr(p + pos, tpl->len - pos, &h2, &l2))
				return false;
			pos += h2 + l2;
		}
	}
	/* pos: the empty encryptedContent, [0] IMPLICIT primitive */
	if (pos + 2 > tpl->len || p[pos] != 0x80 || p[pos + 1] != 0)
		return false;
	grow = sg_cms_der_put_hdr(0x80, ct_len, h) + ct_len - 2;
	for (level = 3; level >= 0; level--) {
		new_len[level] = len[level] + grow;
		grow += sg_cms_der_put_hdr(p[starts[level]], new_len[level], h)
			- hdr[level];
	}
	for (level = 0; level < 4; level++) {
		i = sg_cms_der_put_hdr(p[starts[level]], new_len[level], h);
		sg_buf_append(head, h, i);
		sg_buf_append(head, p + starts[level] + hdr[level],
			      (level < 3 ? starts[level + 1] : pos)
			      - starts[level] - hdr[level]);
	}
	i = sg_cms_der_put_hdr(0x80, ct_len, h);
	sg_buf_append(head, h, i);
	*tail_off = pos + 2;
	return true;
}

/* sg_cms_mem_read - the next bytes of a buffer (an sg_cms_source) */
size_t	sg_cms_mem_read(void *ctx, uint8_t *buf, size_t want)
{
	sg_cms_mem *mem = ctx;
	size_t	n = mem->len - mem->pos < want ? mem->len - mem->pos : want;

	memcpy(buf, mem->data + mem->pos, n);
	mem->pos += n;
	return n;
}

/* sg_cms_short_source - the content ended before its announced length */
static sg_status sg_cms_short_source(void)
{
	return sg_status_make(SG_INTERNAL, "the content to encrypt ended "
			      "before its length");
}

/* sg_cms_encrypt_stream - sg_cms_encrypt, written to sink in chunks */
sg_status sg_cms_encrypt_stream(const sg_cms_encrypt_opts *opts,
				gnutls_x509_crt_t const *certs, size_t ncerts,
				const uint8_t *content, size_t len,
				sg_cms_sink sink, void *ctx)
{
	sg_cms_mem mem = {content, len, 0};

	return sg_cms_encrypt_source(opts, certs, ncerts, len,
				     sg_cms_mem_read, &mem, sink, ctx);
}

/* sg_cms_encrypt_source - sg_cms_encrypt_stream of len bytes from source */
sg_status sg_cms_encrypt_source(const sg_cms_encrypt_opts *opts,
				gnutls_x509_crt_t const *certs, size_t ncerts,
				size_t len, sg_cms_source source, void *sctx,
				sg_cms_sink sink, void *ctx)
{
	const bool aead = sg_cipher_is_aead(opts->cipher);
	uint8_t	cek[SG_CIPHER_MAX_KEY];
	uint8_t	iv[SG_CIPHER_MAX_IV];
	uint8_t	tag[SG_CIPHER_GCM_TAG];
	sg_cipher_stream *cs = NULL;
	sg_buf	tpl = SG_BUF_INIT, head = SG_BUF_INIT;
	uint8_t *chunk = NULL;
	size_t	tail_off = 0, done, n;
	sg_status st;

	memset(tag, 0, sizeof(tag));
	st = sg_cms_keys(opts, ncerts, cek, iv);
	if (!sg_status_is_ok(&st))
		return st;
	/* The template: everything but the ciphertext, lengths fixed up. */
	st = sg_cms_build(opts, certs, ncerts, cek, iv, NULL, 0, tag, &tpl);
	if (sg_status_is_ok(&st)
	    && !sg_cms_splice(&tpl, sg_cipher_ciphertext_len(opts->cipher,
							     len), &head,
			      &tail_off))
		st = sg_status_make(SG_INTERNAL, "unexpected envelope template");
	if (sg_status_is_ok(&st))
		st = sg_cipher_stream_new(opts->cipher, cek, iv, &cs);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sink(ctx, head.data, head.len);
	chunk = sg_malloc(SG_CMS_CHUNK + SG_CIPHER_MAX_IV);
	for (done = 0; sg_status_is_ok(&st) && len - done > SG_CMS_CHUNK;
	     done += SG_CMS_CHUNK) {
		if (source(sctx, chunk, SG_CMS_CHUNK) != SG_CMS_CHUNK) {
			st = sg_cms_short_source();
			break;
		}
		st = sg_cipher_stream_update(cs, chunk, SG_CMS_CHUNK);
		if (sg_status_is_ok(&st))
			st = sink(ctx, chunk, SG_CMS_CHUNK);
	}
	if (!sg_status_is_ok(&st))
		goto cleanup;
	n = len - done;
	if (n && source(sctx, chunk, n) != n) {
		st = sg_cms_short_source();
		goto cleanup;
	}
	st = sg_cipher_stream_final(cs, chunk, &n, tag);
	if (sg_status_is_ok(&st))
		st = sink(ctx, chunk, n);
	/* The tail: nothing (CBC), or the mac, whose value is now known. */
	if (sg_status_is_ok(&st) && aead) {
		if (tpl.len - tail_off < SG_CIPHER_GCM_TAG)
			st = sg_status_make(SG_INTERNAL, "unexpected envelope "
					    "template");
		else
			memcpy(tpl.data + tpl.len - SG_CIPHER_GCM_TAG, tag,
			       SG_CIPHER_GCM_TAG);
	}
	if (sg_status_is_ok(&st) && tpl.len > tail_off)
		st = sink(ctx, tpl.data + tail_off, tpl.len - tail_off);

cleanup:
	sg_wipe(cek, sizeof(cek));
	if (chunk != NULL) {
		sg_wipe(chunk, SG_CMS_CHUNK + SG_CIPHER_MAX_IV);
		free(chunk);
	}
	sg_cipher_stream_free(cs);
	sg_buf_free(&tpl);
	sg_buf_free(&head);
	return st;
}

 /*
  * Decryption.
  */

/* One RecipientInfo that names one of our keys, with what it takes. */
typedef struct sg_cms_attempt {
	size_t	key_index;
	sg_cms_rid rid;
	sg_keytrans_params kt;
	uint8_t	label[SG_CMS_MAX_LABEL];
	uint8_t	enc[SG_CMS_MAX_ENCKEY];
	size_t	enc_len;
} sg_cms_attempt;

typedef struct sg_cms_msg {
	asn1_node ci;
	const char *eci;	/* path of the (auth)encryptedContentInfo */
	sg_cms_info *info;
	uint8_t	iv[SG_CIPHER_MAX_IV];
	size_t	tag_len;
	uint8_t	tag[SG_CIPHER_GCM_TAG];
	sg_buf	aad;		/* DER of authAttrs, with the SET tag */
	sg_cms_attempt attempts[SG_CMS_MAX_ATTEMPTS];
	size_t	nattempts;
} sg_cms_msg;

/* sg_cms_peek_oid - the contentType OID of a ContentInfo into oid */
static bool sg_cms_peek_oid(const uint8_t *der, size_t len, char *oid,
			    int oid_size)
{
	int	hdr, tag_len, oid_len;
	unsigned char cls;
	unsigned long tag;
	int	ilen = len > 0x7fffffff ? 0x7fffffff : (int) len;

	if (asn1_get_tag_der(der, ilen, &cls, &tag_len, &tag) != ASN1_SUCCESS
	    || cls != ASN1_CLASS_STRUCTURED || tag != ASN1_TAG_SEQUENCE
	    || tag_len >= ilen)
		return false;
	/*
	 * Skip the length octets without checking the length against len:
	 * the caller may hold only the first bytes of a large object (the
	 * decoder checks it). 0x80 is an indefinite length (BER).
	 */
	if (der[tag_len] <= 0x80)
		hdr = 1;
	else if (der[tag_len] <= 0x88)
		hdr = 1 + (der[tag_len] & 0x7f);
	else
		return false;
	if (hdr > ilen - tag_len)
		return false;
	der += tag_len + hdr;
	ilen -= tag_len + hdr;
	if (ilen < 2 || der[0] != 0x06)
		return false;
	return asn1_get_object_id_der(der + 1, ilen - 1, &oid_len, oid,
				      oid_size) == ASN1_SUCCESS;
}

/* sg_cms_peek_signed - is this the start of a SignedData ContentInfo? */
bool	sg_cms_peek_signed(const uint8_t *der, size_t len)
{
	char	oid[SG_ASN1_OID_MAX];

	return sg_cms_peek_oid(der, len, oid, sizeof(oid))
		&& strcmp(oid, "1.2.840.113549.1.7.2") == 0;
}

/* sg_cms_peek - the contentType of a DER or BER ContentInfo, or UNKNOWN */
sg_cms_kind sg_cms_peek(const uint8_t *der, size_t len)
{
	char	oid[SG_ASN1_OID_MAX];

	if (!sg_cms_peek_oid(der, len, oid, sizeof(oid)))
		return SG_CMS_KIND_UNKNOWN;
	if (strcmp(oid, OID_ENVELOPED) == 0)
		return SG_CMS_KIND_ENVELOPED;
	if (strcmp(oid, OID_AUTH_ENVELOPED) == 0)
		return SG_CMS_KIND_AUTH_ENVELOPED;
	return SG_CMS_KIND_UNKNOWN;
}

/* sg_cms_hash_by_oid - an OAEP hash by OID */
static bool sg_cms_hash_by_oid(const char *oid, sg_keytrans_hash *hash)
{
	if (strcmp(oid, OID_SHA1) == 0)
		*hash = SG_KEYTRANS_SHA1;
	else if (strcmp(oid, OID_SHA256) == 0)
		*hash = SG_KEYTRANS_SHA256;
	else if (strcmp(oid, OID_SHA384) == 0)
		*hash = SG_KEYTRANS_SHA384;
	else if (strcmp(oid, OID_SHA512) == 0)
		*hash = SG_KEYTRANS_SHA512;
	else
		return false;
	return true;
}

/* sg_cms_hash_alg - hash AlgorithmIdentifier (NULL or absent params) */
static bool sg_cms_hash_alg(asn1_node node, const char *path,
			    sg_keytrans_hash *hash)
{
	char	p[96];
	char	oid[SG_ASN1_OID_MAX];
	uint8_t	param[4];
	size_t	len;

	snprintf(p, sizeof(p), "%s%salgorithm", path, *path ? "." : "");
	if (!sg_asn1_read_str(node, p, oid, sizeof(oid))
	    || !sg_cms_hash_by_oid(oid, hash))
		return false;
	snprintf(p, sizeof(p), "%s%sparameters", path, *path ? "." : "");
	if (!sg_asn1_present(node, p))
		return true;
	return sg_asn1_read_small(node, p, param, sizeof(param), &len)
		&& len == sizeof(sg_asn1_null)
		&& memcmp(param, sg_asn1_null, len) == 0;
}

/* sg_cms_oaep_params - parse RSAES-OAEP-params, applying the defaults */
static sg_status sg_cms_oaep_params(const uint8_t *der, size_t len,
				    sg_cms_attempt *at)
{
	asn1_node p = NULL;
	asn1_node mgf = NULL;
	sg_buf	buf = SG_BUF_INIT;
	sg_keytrans_hash mgf_hash = SG_KEYTRANS_SHA1;
	char	oid[SG_ASN1_OID_MAX];
	sg_status st;

	at->kt.alg = SG_KEYTRANS_RSA_OAEP;
	at->kt.hash = SG_KEYTRANS_SHA1;
	at->kt.label = NULL;
	at->kt.label_len = 0;
	if (len == 0 || (len == 2 && memcmp(der, sg_asn1_null, 2) == 0))
		return sg_status_ok();	/* absent or NULL: all defaults */
	st = sg_asn1_decode("RSAESOAEPParams", der, len, &p);
	if (!sg_status_is_ok(&st))
		return st;
	st = sg_status_make(SG_REJECT, "unsupported RSAES-OAEP parameters");
	if (sg_asn1_present(p, "hashFunc")
	    && !sg_cms_hash_alg(p, "hashFunc", &at->kt.hash))
		goto cleanup;
	if (sg_asn1_present(p, "maskGenFunc")) {
		if (!sg_asn1_read_str(p, "maskGenFunc.algorithm", oid,
				      sizeof(oid))
		    || strcmp(oid, SG_OID_MGF1) != 0
		    || !sg_asn1_read(p, "maskGenFunc.parameters", &buf)) {
			st = sg_status_make(SG_REJECT,
					 "unsupported RSAES-OAEP mask function");
			goto cleanup;
		}
		st = sg_asn1_decode("AlgorithmIdentifier", buf.data, buf.len,
				    &mgf);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		st = sg_status_make(SG_REJECT,
				    "unsupported RSAES-OAEP parameters");
		if (!sg_cms_hash_alg(mgf, "", &mgf_hash))
			goto cleanup;
		asn1_delete_structure(&mgf);
	}
	/* libgcrypt uses one hash for both; so do all known producers. */
	if (mgf_hash != at->kt.hash) {
		st = sg_status_make(SG_REJECT, "RSAES-OAEP with different hash "
				    "and MGF1 hash is not supported");
		goto cleanup;
	}
	if (sg_asn1_present(p, "pSourceFunc")) {
		if (!sg_asn1_read_str(p, "pSourceFunc.algorithm", oid,
				      sizeof(oid))
		    || strcmp(oid, OID_PSPECIFIED) != 0
		    || !sg_asn1_read(p, "pSourceFunc.parameters", &buf))
			goto cleanup;
		/* The label is an OCTET STRING, like a CBC IV. */
		st = sg_asn1_decode("CBCParameter", buf.data, buf.len, &mgf);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		st = sg_status_make(SG_REJECT, "RSAES-OAEP label too long");
		if (!sg_asn1_read_small(mgf, "", at->label, sizeof(at->label),
					&at->kt.label_len))
			goto cleanup;
		at->kt.label = at->kt.label_len ? at->label : NULL;
	}
	st = sg_status_ok();

cleanup:
	asn1_delete_structure(&p);
	asn1_delete_structure(&mgf);
	sg_buf_free(&buf);
	return st;
}

/* sg_cms_strip_zeros - skip leading zero octets of an INTEGER's value */
static void sg_cms_strip_zeros(const uint8_t **p, size_t *len)
{
	while (*len > 1 && **p == 0) {
		++*p;
		--*len;
	}
}

/* sg_cms_rid_matches - does the ktri's rid name cert? */
static bool sg_cms_rid_matches(asn1_node ci, const char *ktri,
			       gnutls_x509_crt_t cert, sg_cms_rid *rid)
{
	char	path[160];
	char	choice[32];
	uint8_t	a[1024], b[1024];
	size_t	alen, blen = sizeof(b);
	const uint8_t *pa, *pb;
	unsigned critical;
	gnutls_datum_t issuer = {NULL, 0};
	bool	match = false;

	snprintf(path, sizeof(path), "%s.rid", ktri);
	if (!sg_asn1_read_str(ci, path, choice, sizeof(choice)))
		return false;
	if (strcmp(choice, "subjectKeyIdentifier") == 0) {
		*rid = SG_CMS_RID_SKI;
		snprintf(path, sizeof(path), "%s.rid.subjectKeyIdentifier",
			 ktri);
		return sg_asn1_read_small(ci, path, a, sizeof(a), &alen)
			&& gnutls_x509_crt_get_subject_key_id(cert, b, &blen,
							      &critical) >= 0
			&& alen == blen && memcmp(a, b, alen) == 0;
	}
	*rid = SG_CMS_RID_ISSUER_SERIAL;
	snprintf(path, sizeof(path),
		 "%s.rid.issuerAndSerialNumber.serialNumber", ktri);
	if (!sg_asn1_read_small(ci, path, a, sizeof(a), &alen)
	    || gnutls_x509_crt_get_serial(cert, b, &blen) < 0)
		return false;
	pa = a;
	pb = b;
	sg_cms_strip_zeros(&pa, &alen);
	sg_cms_strip_zeros(&pb, &blen);
	if (alen != blen || memcmp(pa, pb, alen) != 0)
		return false;
	snprintf(path, sizeof(path), "%s.rid.issuerAndSerialNumber.issuer",
		 ktri);
	if (sg_asn1_read_small(ci, path, a, sizeof(a), &alen)
	    && gnutls_x509_crt_get_raw_issuer_dn(cert, &issuer) >= 0)
		match = (issuer.size == alen
			 && memcmp(issuer.data, a, alen) == 0);
	gnutls_free(issuer.data);
	return match;
}

/* sg_cms_ktri_attempt - fill an attempt from a matching ktri */
static sg_status sg_cms_ktri_attempt(asn1_node ci, const char *ktri,
				     sg_cms_attempt *at)
{
	char	path[160];
	char	oid[SG_ASN1_OID_MAX];
	sg_buf	params = SG_BUF_INIT;
	sg_status st;

	snprintf(path, sizeof(path), "%s.keyEncryptionAlgorithm.algorithm",
		 ktri);
	if (!sg_asn1_read_str(ci, path, oid, sizeof(oid)))
		return sg_status_make(SG_REJECT, "malformed RecipientInfo");
	snprintf(path, sizeof(path), "%s.keyEncryptionAlgorithm.parameters",
		 ktri);
	if (sg_asn1_present(ci, path) && !sg_asn1_read(ci, path, &params)) {
		sg_buf_free(&params);
		return sg_status_make(SG_REJECT, "malformed RecipientInfo");
	}
	if (strcmp(oid, SG_OID_RSA) == 0) {
		at->kt.alg = SG_KEYTRANS_RSA_PKCS1;
		at->kt.hash = SG_KEYTRANS_SHA1;
		at->kt.label = NULL;
		at->kt.label_len = 0;
		st = sg_status_ok();
	} else if (strcmp(oid, OID_RSAES_OAEP) == 0) {
		st = sg_cms_oaep_params(params.data, params.len, at);
	} else {
		st = sg_status_make(SG_REJECT, "unsupported key transport "
				    "algorithm %s", oid);
	}
	sg_buf_free(&params);
	if (!sg_status_is_ok(&st))
		return st;
	snprintf(path, sizeof(path), "%s.encryptedKey", ktri);
	if (!sg_asn1_read_small(ci, path, at->enc, sizeof(at->enc),
				&at->enc_len))
		return sg_status_make(SG_REJECT, "malformed or oversized "
				      "encryptedKey");
	return sg_status_ok();
}

/*
 * sg_cms_find_recipients - collect the RecipientInfos naming our keys;
 * with collect false only say whether one does (info->parsed, recipients
 * and for_us, nothing tried): the one definition of "names a keyring
 * certificate" for sg_cms_decrypt and sg_cms_peek_for_us alike
 */
static sg_status sg_cms_find_recipients(sg_cms_msg *m, const sg_keyring *kr,
					bool collect)
{
	char	ri[96];
	char	ktri[112];
	char	vpath[128];
	char	choice[16];
	int	count = 0;
	unsigned long version;
	sg_status last = sg_status_ok();
	sg_status st;
	sg_cms_rid rid;
	size_t	k;
	int	i;

	if (asn1_number_of_elements(m->ci, "content.recipientInfos", &count)
	    != ASN1_SUCCESS || count < 1)
		return sg_status_make(SG_REJECT, "message has no RecipientInfo");
	m->info->recipients = (size_t) count;
	m->info->parsed = true;
	for (i = 1; i <= count; i++) {
		snprintf(ri, sizeof(ri), "content.recipientInfos.?%d", i);
		if (!sg_asn1_read_str(m->ci, ri, choice, sizeof(choice)))
			return sg_status_make(SG_REJECT, "malformed "
					      "RecipientInfo");
		if (strcmp(choice, "ktri") != 0)
			continue;	/* key agreement, KEK, password: not us */
		snprintf(ktri, sizeof(ktri), "%s.ktri", ri);
		snprintf(vpath, sizeof(vpath), "%s.version", ktri);
		if (!sg_asn1_read_uint(m->ci, vpath, &version)
		    || (version != 0 && version != 2))
			return sg_status_make(SG_REJECT, "KeyTransRecipientInfo "
					      "has a version other than 0 or 2");
		for (k = 0; k < sg_keyring_count(kr); k++) {
			if (!sg_cms_rid_matches(m->ci, ktri,
						sg_keyring_cert(kr, k), &rid))
				continue;
			/* RFC 5652 6.2.1: version follows the rid choice. */
			if ((rid == SG_CMS_RID_SKI) != (version == 2))
				return sg_status_make(SG_REJECT,
				       "KeyTransRecipientInfo version %lu does "
					      "not match its identifier", version);
			m->info->for_us = true;
			if (!collect || m->nattempts == SG_CMS_MAX_ATTEMPTS)
				break;
			st = sg_cms_ktri_attempt(m->ci, ktri,
						 &m->attempts[m->nattempts]);
			if (!sg_status_is_ok(&st)) {
				last = st;
				continue;
			}
			m->attempts[m->nattempts].key_index = k;
			m->attempts[m->nattempts].rid = rid;
			m->nattempts++;
		}
	}
	if (!m->info->for_us)
		return sg_status_make(SG_REJECT, "message is not encrypted to "
				      "any of our certificates");
	if (m->nattempts == 0)
		return last;
	return sg_status_ok();
}

/* sg_cms_content_alg - cipher, IV or nonce, and tag length */
static sg_status sg_cms_content_alg(sg_cms_msg *m)
{
	char	path[160];
	char	oid[SG_ASN1_OID_MAX];
	sg_buf	params = SG_BUF_INIT;
	asn1_node p = NULL;
	unsigned long icv = 12;
	size_t	len = 0;
	sg_cipher_id cipher;
	sg_status st;
	bool	aead = m->info->kind == SG_CMS_KIND_AUTH_ENVELOPED;

	snprintf(path, sizeof(path), "%s.contentEncryptionAlgorithm.algorithm",
		 m->eci);
	if (!sg_asn1_read_str(m->ci, path, oid, sizeof(oid)))
		return sg_status_make(SG_REJECT, "malformed "
				      "contentEncryptionAlgorithm");
	cipher = sg_cipher_by_oid(oid);
	if (cipher == SG_CIPHER_NONE)
		return sg_status_make(SG_REJECT, "unsupported content "
				      "encryption algorithm %s", oid);
	if (sg_cipher_is_aead(cipher) != aead)
		return sg_status_make(SG_REJECT, "%s is not allowed in %s",
				      sg_cipher_label(cipher), aead ?
				      "AuthEnvelopedData" : "EnvelopedData");
	m->info->cipher = cipher;
	snprintf(path, sizeof(path), "%s.contentEncryptionAlgorithm.parameters",
		 m->eci);
	if (!sg_asn1_read(m->ci, path, &params)) {
		sg_buf_free(&params);
		return sg_status_make(SG_REJECT, "%s parameters are missing",
				      sg_cipher_label(cipher));
	}
	st = sg_asn1_decode(aead ? "GCMParameters" : "CBCParameter",
			    params.data, params.len, &p);
	sg_buf_free(&params);
	if (!sg_status_is_ok(&st))
		return st;
	if (aead) {
		if (!sg_asn1_read_small(p, "aesNonce", m->iv, sizeof(m->iv),
					&len)
		    || len != SG_CIPHER_GCM_NONCE)
			st = sg_status_make(SG_REJECT, "unsupported GCM nonce "
					    "length");
		else if (sg_asn1_present(p, "aesICVlen")
			 && !sg_asn1_read_uint(p, "aesICVlen", &icv))
			st = sg_status_make(SG_REJECT, "malformed GCM "
					    "parameters");
		else if (icv < SG_CIPHER_GCM_MIN_TAG || icv > SG_CIPHER_GCM_TAG)
			st = sg_status_make(SG_REJECT, "unsupported GCM tag "
					    "length %lu", icv);
		m->tag_len = icv;
	} else if (!sg_asn1_read_small(p, "", m->iv, sizeof(m->iv), &len)
		   || len != sg_cipher_iv_size(cipher)) {
		st = sg_status_make(SG_REJECT, "%s IV has the wrong length",
				    sg_cipher_label(cipher));
	}
	asn1_delete_structure(&p);
	return st;
}

/* sg_cms_parse - decode the structure and check what can be checked */
static sg_status sg_cms_parse(sg_cms_msg *m, const sg_keyring *kr,
			      const uint8_t *der, size_t len)
{
	unsigned long version;
	sg_status st;
	size_t	mac_len;
	int	start, end;
	bool	aead;

	m->info->kind = sg_cms_peek(der, len);
	if (m->info->kind == SG_CMS_KIND_UNKNOWN)
		return sg_status_make(SG_REJECT, "not a CMS EnvelopedData or "
				      "AuthEnvelopedData");
	aead = m->info->kind == SG_CMS_KIND_AUTH_ENVELOPED;
	m->eci = aead ? "content.authEncryptedContentInfo"
		: "content.encryptedContentInfo";
	st = sg_asn1_decode(aead ? "AuthEnvelopedContentInfo"
			    : "EnvelopedContentInfo", der, len, &m->ci);
	if (!sg_status_is_ok(&st))
		return st;

	/* RFC 5652 6.1 allows 0, 2, 3, 4; RFC 5083 allows 0 only. */
	if (!sg_asn1_read_uint(m->ci, "content.version", &version)
	    || (aead ? version != 0 : (version != 0 && version != 2
				       && version != 3 && version != 4)))
		return sg_status_make(SG_REJECT, "%s has an unsupported "
				      "version", aead ? "AuthEnvelopedData"
				      : "EnvelopedData");
	st = sg_cms_content_alg(m);
	if (!sg_status_is_ok(&st))
		return st;
	if (aead) {
		if (!sg_asn1_read_small(m->ci, "content.mac", m->tag,
					sizeof(m->tag), &mac_len)
		    || mac_len != m->tag_len)
			return sg_status_make(SG_REJECT, "GCM tag length does "
					      "not match its parameters");
		/* RFC 5083 2.2: the AAD is authAttrs with a SET OF tag. */
		if (sg_asn1_present(m->ci, "content.authAttrs")) {
			if (asn1_der_decoding_startEnd(m->ci, der, (int) len,
						       "content.authAttrs",
						       &start, &end)
			    != ASN1_SUCCESS || end < start)
				return sg_status_make(SG_REJECT, "malformed "
						      "authAttrs");
			sg_buf_append(&m->aad, der + start,
				      (size_t) (end - start) + 1);
			m->aad.data[0] = 0x31;
		}
	}
	return sg_cms_find_recipients(m, kr, true);
}

/*
 * sg_cms_try - one attempt: unwrap the key (random on failure), decrypt
 * a copy of the ciphertext, and accept only when both steps succeeded.
 */
static bool sg_cms_try(sg_cms_msg *m, const sg_keyring *kr,
		       const sg_cms_attempt *at, uint8_t *data, size_t len,
		       size_t *plain_len)
{
	const sg_cipher_id cipher = m->info->cipher;
	const size_t cek_len = sg_cipher_key_size(cipher);
	uint8_t	cek[SG_CIPHER_MAX_KEY];
	int	kt_ok, ct_ok;

	kt_ok = sg_keytrans_unwrap(sg_keyring_key(kr, at->key_index), &at->kt,
				   at->enc, at->enc_len, cek, cek_len);
	if (sg_cipher_is_aead(cipher)) {
		ct_ok = sg_cipher_gcm_decrypt(cipher, cek, m->iv, m->aad.data,
					      m->aad.len, data, len, m->tag,
					      m->tag_len);
		*plain_len = len;
	} else {
		ct_ok = sg_cipher_cbc_decrypt(cipher, cek, m->iv, data, len,
					      plain_len);
	}
	sg_wipe(cek, sizeof(cek));
	return (kt_ok & ct_ok) != 0;
}

/* Where the encryptedContent is in a definite-length ContentInfo. */
typedef struct sg_cms_loc {
	size_t	off[4];		/* ContentInfo, [0], (Auth)EnvelopedData, */
	size_t	hdr[4];		/* (auth)encryptedContentInfo: offset, */
	size_t	len[4];		/* header size, content length */
	size_t	ec_off;		/* the encryptedContent element */
	size_t	ec_hdr;
	size_t	ec_len;
	bool	constructed;	/* chunks: OCTET STRINGs inside */
} sg_cms_loc;

/* sg_cms_skip - the element at *pos (within end), tag want; past it */
static bool sg_cms_skip(const uint8_t *d, size_t end, size_t *pos,
			uint8_t want)
{
	size_t	hdr, len;

	if (*pos >= end || d[*pos] != want
	    || !sg_cms_der_hdr(d + *pos, end - *pos, &hdr, &len))
		return false;
	*pos += hdr + len;
	return true;
}

/* sg_cms_enter - the element at pos (within end), tag want, as level i */
static bool sg_cms_enter(const uint8_t *d, size_t end, size_t pos,
			 uint8_t want, sg_cms_loc *loc, int i)
{
	if (pos >= end || d[pos] != want
	    || !sg_cms_der_hdr(d + pos, end - pos, &loc->hdr[i], &loc->len[i]))
		return false;
	loc->off[i] = pos;
	return true;
}

/*
 * sg_cms_locate - find the encryptedContent of a definite-length
 * (Auth)EnvelopedData; false when it is absent or the layout is not the
 * one RFC 5652 and RFC 5083 give (then the whole structure is decoded)
 */
static bool sg_cms_locate(const uint8_t *d, size_t len, sg_cms_loc *loc)
{
	size_t	pos, end;

	memset(loc, 0, sizeof(*loc));
	if (!sg_cms_enter(d, len, 0, 0x30, loc, 0))
		return false;
	pos = loc->hdr[0];
	end = loc->hdr[0] + loc->len[0];
	if (!sg_cms_skip(d, end, &pos, 0x06)
	    || !sg_cms_enter(d, end, pos, 0xa0, loc, 1))
		return false;
	pos = loc->off[1] + loc->hdr[1];
	end = pos + loc->len[1];
	if (!sg_cms_enter(d, end, pos, 0x30, loc, 2))
		return false;
	pos = loc->off[2] + loc->hdr[2];
	end = pos + loc->len[2];
	if (!sg_cms_skip(d, end, &pos, 0x02))
		return false;
	if (pos < end && d[pos] == 0xa0 && !sg_cms_skip(d, end, &pos, 0xa0))
		return false;
	if (!sg_cms_skip(d, end, &pos, 0x31)
	    || !sg_cms_enter(d, end, pos, 0x30, loc, 3))
		return false;
	pos = loc->off[3] + loc->hdr[3];
	end = pos + loc->len[3];
	if (!sg_cms_skip(d, end, &pos, 0x06) || !sg_cms_skip(d, end, &pos, 0x30)
	    || pos >= end || (d[pos] != 0x80 && d[pos] != 0xa0)
	    || !sg_cms_der_hdr(d + pos, end - pos, &loc->ec_hdr,
			       &loc->ec_len)
	    || pos + loc->ec_hdr + loc->ec_len != end)
		return false;
	loc->ec_off = pos;
	loc->constructed = d[pos] == 0xa0;
	return true;
}

/*
 * sg_cms_skeleton - the ContentInfo with an empty encryptedContent, the
 * four enclosing lengths made smaller: what libtasn1 decodes without a
 * copy of the ciphertext
 */
static void sg_cms_skeleton(const uint8_t *d, const sg_cms_loc *loc,
			    sg_buf *out)
{
	size_t	newlen[4], removed = loc->ec_hdr + loc->ec_len - 2, next;
	uint8_t	h[2 + sizeof(size_t)];
	int	i;

	for (i = 3; i >= 0; i--) {
		newlen[i] = loc->len[i] - removed;
		removed += loc->hdr[i] - sg_cms_der_put_hdr(d[loc->off[i]],
							    newlen[i], h);
	}
	sg_buf_reset(out);
	for (i = 0; i < 4; i++) {
		sg_buf_append(out, h, sg_cms_der_put_hdr(d[loc->off[i]],
							 newlen[i], h));
		next = i < 3 ? loc->off[i + 1] : loc->ec_off;
		sg_buf_append(out, d + loc->off[i] + loc->hdr[i],
			      next - loc->off[i] - loc->hdr[i]);
	}
	sg_buf_append(out, "\x80\x00", 2);
	/* what follows the encryptedContent within each level (mac, attrs) */
	for (i = 3; i >= 0; i--) {
		size_t	from = i == 3 ? loc->ec_off + loc->ec_hdr + loc->ec_len
			: loc->off[i + 1] + loc->hdr[i + 1] + loc->len[i + 1];

		sg_buf_append(out, d + from, loc->off[i] + loc->hdr[i]
			      + loc->len[i] - from);
	}
}

/*
 * sg_cms_gather - the OCTET STRING chunks in d[pos, end) written to d[*w]
 * onwards, in place (the writer never passes the reader); false when a
 * chunk is not an OCTET STRING
 */
static bool sg_cms_gather(uint8_t *d, size_t pos, size_t end, size_t *w,
			  int depth)
{
	size_t	hdr, len;

	while (pos < end) {
		if (depth > SG_BER_MAX_DEPTH
		    || !sg_cms_der_hdr(d + pos, end - pos, &hdr, &len))
			return false;
		if (d[pos] == 0x04) {
			memmove(d + *w, d + pos + hdr, len);
			*w += len;
		} else if (d[pos] != 0x24
			   || !sg_cms_gather(d, pos + hdr, pos + hdr + len, w,
					     depth + 1)) {
			return false;
		}
		pos += hdr + len;
	}
	return true;
}

/*
 * sg_cms_decrypt_buf - sg_cms_decrypt of the bytes in buf, which it
 * consumes: the ciphertext is gathered and decrypted in place, so the
 * only other copy is the small structure around it. On success buf holds
 * the plaintext; on failure it is wiped.
 */
sg_status sg_cms_decrypt_buf(const sg_keyring *kr, sg_buf *buf,
			     sg_cms_info *info)
{
	sg_cms_msg *m = sg_calloc(1, sizeof(*m));
	sg_buf	skel = SG_BUF_INIT, ct = SG_BUF_INIT;
	sg_buf	try = SG_BUF_INIT;
	sg_cms_loc loc;
	size_t	in_len = buf->len, used, i, w, plain_len = 0;
	char	path[160];
	sg_status st;
	bool	ok = false;

	memset(info, 0, sizeof(*info));
	m->info = info;

	/*
	 * BER to definite lengths. The ContentInfo is self-delimiting: what
	 * follows it (zero padding, a footer a relay appended to the base64
	 * and decoded with it) is not part of it and is only counted.
	 */
	st = sg_ber_definite_buf(buf, &used);	/* in place: no second copy */
	if (!sg_status_is_ok(&st))
		goto cleanup;
	info->trailing = in_len - used;

	if (sg_cms_locate(buf->data, buf->len, &loc)) {
		/* the structure without the ciphertext; that, in place */
		sg_cms_skeleton(buf->data, &loc, &skel);
		st = sg_cms_parse(m, kr, skel.data, skel.len);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		w = 0;
		if (!loc.constructed) {
			memmove(buf->data, buf->data + loc.ec_off + loc.ec_hdr,
				loc.ec_len);
			w = loc.ec_len;
		} else if (!sg_cms_gather(buf->data, loc.ec_off + loc.ec_hdr,
					  loc.ec_off + loc.ec_hdr + loc.ec_len,
					  &w, 0)) {
			st = sg_status_make(SG_REJECT, "malformed "
					    "encryptedContent");
			goto cleanup;
		}
		ct = *buf;
		memset(buf, 0, sizeof(*buf));
		sg_buf_set_len(&ct, w);
	} else {
		st = sg_cms_parse(m, kr, buf->data, buf->len);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		snprintf(path, sizeof(path), "%s.encryptedContent", m->eci);
		if (!sg_asn1_present(m->ci, path)) {
			st = sg_status_make(SG_REJECT, "detached encrypted "
					    "content is not supported");
			goto cleanup;
		}
		if (!sg_asn1_read(m->ci, path, &ct)) {
			st = sg_status_make(SG_REJECT, "malformed "
					    "encryptedContent");
			goto cleanup;
		}
		sg_buf_wipe_free(buf);
	}
	asn1_delete_structure(&m->ci);	/* the tree held a copy: free it */

	for (i = 0; !ok && i < m->nattempts; i++) {
		sg_buf *data = &ct;

		if (i + 1 < m->nattempts) {
			/* Not the last try: keep the ciphertext intact. */
			sg_buf_wipe_free(&try);
			sg_buf_append(&try, ct.data, ct.len);
			data = &try;
		}
		ok = sg_cms_try(m, kr, &m->attempts[i], data->data, data->len,
				&plain_len);
		if (ok) {
			sg_buf_wipe_free(buf);
			*buf = *data;
			memset(data, 0, sizeof(*data));
			sg_buf_set_len(buf, plain_len);
			info->key_index = m->attempts[i].key_index;
			info->keytrans = m->attempts[i].kt.alg;
			info->oaep_hash = m->attempts[i].kt.hash;
			info->rid = m->attempts[i].rid;
		}
	}
	if (!ok)
		st = sg_status_make(SG_REJECT, "decryption failed");

cleanup:
	if (!sg_status_is_ok(&st) || !ok)
		sg_buf_wipe_free(buf);
	sg_buf_free(&skel);
	sg_buf_wipe_free(&ct);
	sg_buf_wipe_free(&try);
	sg_buf_free(&m->aad);
	asn1_delete_structure(&m->ci);
	sg_wipe(m, sizeof(*m));
	free(m);
	return st;
}

/* sg_cms_decrypt - open an (Auth)EnvelopedData with one of our keys */
sg_status sg_cms_decrypt(const sg_keyring *kr, const uint8_t *in,
			 size_t len, sg_buf *out, sg_cms_info *info)
{
	sg_buf_wipe_free(out);
	sg_buf_append(out, in, len);
	return sg_cms_decrypt_buf(kr, out, info);
}

 /*
  * A look at the first bytes of a message: is it for us?
  */

/*
 * What a look at a prefix says of it: MORE, that these bytes do not
 * settle it (they end too soon, or take a form that only the whole
 * decoding settles); BAD, that sg_cms_decrypt parses no completion of
 * them (sg_ber(3) or sg_cms_peek rejects it, whatever follows). Both are
 * also the answers of sg_cms_peek_for_us, where 0 also means "complete
 * RecipientInfos, none of them ours".
 */
#define SG_CMS_PEEK_MORE	(-1)
#define SG_CMS_PEEK_BAD		0
#define SG_CMS_PEEK_OK		1

#define SG_CMS_PEEK_INDEF	SG_BER_INDEFINITE

/* One element of the prefix, as far as its header tells. */
typedef struct sg_cms_tlv {
	size_t	body;		/* offset of the contents */
	size_t	len;		/* their length, or SG_CMS_PEEK_INDEF */
	size_t	limit;		/* definite: its end, else the parent's */
} sg_cms_tlv;

/*
 * sg_cms_peek_hdr - the header of the element at pos of in[0, len) that
 * lies within limit (the end of the nearest definite ancestor, SIZE_MAX
 * when none is); read as sg_ber(3) reads it, so that BAD means it rejects
 * the element in every completion of the prefix
 */
static int sg_cms_peek_hdr(const uint8_t *in, size_t len, size_t pos,
			   size_t limit, sg_cms_tlv *t)
{
	const size_t end = limit < len ? limit : len;
	const int past = limit <= len ? SG_CMS_PEEK_BAD : SG_CMS_PEEK_MORE;
	const char *why;
	sg_ber_hdr h;
	size_t	v;

	if (pos >= end)
		return past;
	switch (sg_ber_header(in + pos, end - pos, &h, &why)) {
	case SG_BER_OK:
		break;
	case SG_BER_SHORT:
		return past;
	case SG_BER_BAD:
		return SG_CMS_PEEK_BAD;
	}
	v = h.len;
	t->body = pos + h.hdr_len;
	t->len = v;
	if (v == SG_CMS_PEEK_INDEF) {
		t->limit = limit;
	} else if (limit != SIZE_MAX) {
		if (v > limit - t->body)
			return SG_CMS_PEEK_BAD;
		t->limit = t->body + v;
	} else {
		/* no definite ancestor: a length too large never ends here */
		t->limit = v >= SIZE_MAX - t->body ? SIZE_MAX : t->body + v;
	}
	return SG_CMS_PEEK_OK;
}

/*
 * sg_cms_peek_skip - past the element at *pos (nesting depth as in
 * sg_ber(3)): definite lengths are taken as they are, indefinite ones
 * followed to their end-of-contents as sg_ber(3) follows them
 */
static int sg_cms_peek_skip(const uint8_t *in, size_t len, size_t *pos,
			    size_t limit, int depth)
{
	sg_cms_tlv t;
	size_t	avail;
	int	rc;

	if (depth > SG_BER_MAX_DEPTH)
		return SG_CMS_PEEK_BAD;
	rc = sg_cms_peek_hdr(in, len, *pos, limit, &t);
	if (rc != SG_CMS_PEEK_OK)
		return rc;
	if (t.len != SG_CMS_PEEK_INDEF) {
		if (t.limit > len)
			return SG_CMS_PEEK_MORE;
		*pos = t.limit;
		return SG_CMS_PEEK_OK;
	}
	*pos = t.body;
	for (;;) {
		avail = (limit < len ? limit : len) - *pos;
		if (avail >= 2 && in[*pos] == 0 && in[*pos + 1] == 0) {
			*pos += 2;
			return SG_CMS_PEEK_OK;
		}
		if (*pos == limit)
			return SG_CMS_PEEK_BAD;	/* no end-of-contents */
		if (avail < 2 && len < limit)
			return SG_CMS_PEEK_MORE;
		rc = sg_cms_peek_skip(in, len, pos, limit, depth + 1);
		if (rc != SG_CMS_PEEK_OK)
			return rc;
	}
}

/*
 * sg_cms_peek_enter - the header of the element at pos, which must have
 * tag want (one octet) and lie before limit; MORE for anything else (the
 * layout is not the usual one: the whole decoding decides)
 */
static int sg_cms_peek_enter(const uint8_t *in, size_t len, size_t pos,
			     size_t limit, uint8_t want, sg_cms_tlv *t)
{
	if (pos >= len || pos >= limit || in[pos] != want)
		return SG_CMS_PEEK_MORE;
	return sg_cms_peek_hdr(in, len, pos, limit, t);
}

/*
 * sg_cms_peek_match - does a complete RecipientInfos SET name one of our
 * certificates? It is decoded as sg_cms_decrypt decodes it (sg_ber(3),
 * then libtasn1 inside a small EnvelopedData of its own) and judged by
 * sg_cms_find_recipients; MORE when libtasn1 does not take it.
 */
static int sg_cms_peek_match(const sg_keyring *kr, const uint8_t *set,
			     size_t set_len)
{
	static const uint8_t oid_env[] = {
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03,
	};
	/* EncryptedContentInfo { data, AlgorithmIdentifier { data } } */
	static const uint8_t eci[] = {
		0x30, 0x18,
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
		0x30, 0x0b,
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
	};
	sg_cms_msg *m = sg_calloc(1, sizeof(*m));
	sg_cms_info info;
	sg_buf	def = SG_BUF_INIT, skel = SG_BUF_INIT;
	const uint8_t *ri = set;
	size_t	ri_len = set_len, used, ed, c0, ci;
	uint8_t	h[2 + sizeof(size_t)];
	sg_status st;
	int	rc = SG_CMS_PEEK_MORE;

	memset(&info, 0, sizeof(info));
	m->info = &info;
	st = sg_ber_definite(set, set_len, &def, &used);
	if (!sg_status_is_ok(&st) || used != set_len)
		goto cleanup;
	if (def.len > 0) {
		ri = def.data;
		ri_len = def.len;
	}
	ed = 3 + ri_len + sizeof(eci);
	c0 = sg_cms_der_put_hdr(0x30, ed, h) + ed;
	ci = sizeof(oid_env) + sg_cms_der_put_hdr(0xa0, c0, h) + c0;
	sg_buf_append(&skel, h, sg_cms_der_put_hdr(0x30, ci, h));
	sg_buf_append(&skel, oid_env, sizeof(oid_env));
	sg_buf_append(&skel, h, sg_cms_der_put_hdr(0xa0, c0, h));
	sg_buf_append(&skel, h, sg_cms_der_put_hdr(0x30, ed, h));
	sg_buf_append(&skel, "\x02\x01\x00", 3);
	sg_buf_append(&skel, ri, ri_len);
	sg_buf_append(&skel, eci, sizeof(eci));
	st = sg_asn1_decode("EnvelopedContentInfo", skel.data, skel.len,
			    &m->ci);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	(void) sg_cms_find_recipients(m, kr, false);
	rc = info.for_us ? SG_CMS_PEEK_OK : SG_CMS_PEEK_BAD;

cleanup:
	asn1_delete_structure(&m->ci);
	free(m);
	sg_buf_free(&def);
	sg_buf_free(&skel);
	return rc;
}

/*
 * sg_cms_peek_for_us - from the first len bytes of a ContentInfo: 1 when
 * its RecipientInfos are all there and one names a keyring certificate,
 * 0 when they are all there and none does or it is no (Auth)EnvelopedData,
 * -1 when the bytes do not tell yet. The walk down to the RecipientInfos
 * reads only the usual layout (one-octet tags, as every producer writes
 * them), definite or indefinite; the RecipientInfos themselves are judged
 * by the same code as in sg_cms_decrypt.
 */
int	sg_cms_peek_for_us(const sg_keyring *kr, const uint8_t *in, size_t len)
{
	sg_cms_tlv ci, ct, c0, ed, ver;
	size_t	pos, set;
	int	rc;

	/* ContentInfo and contentType: as sg_cms_peek sees them */
	if (len == 0)
		return SG_CMS_PEEK_MORE;
	if (in[0] != 0x30)
		return (in[0] & 0x1f) == 0x1f ? SG_CMS_PEEK_MORE
			: SG_CMS_PEEK_BAD;
	if ((rc = sg_cms_peek_hdr(in, len, 0, SIZE_MAX, &ci)) != SG_CMS_PEEK_OK)
		return rc;
	pos = ci.body;
	if (pos >= len)
		return SG_CMS_PEEK_MORE;
	if (in[pos] != 0x06)
		return SG_CMS_PEEK_BAD;
	if ((rc = sg_cms_peek_hdr(in, len, pos, ci.limit, &ct))
	    != SG_CMS_PEEK_OK)
		return rc;
	if (ct.limit > len)
		return SG_CMS_PEEK_MORE;
	if (sg_cms_peek(in, len) == SG_CMS_KIND_UNKNOWN)
		return SG_CMS_PEEK_BAD;

	/* [0], (Auth)EnvelopedData, version, originatorInfo */
	if ((rc = sg_cms_peek_enter(in, len, ct.limit, ci.limit, 0xa0, &c0))
	    != SG_CMS_PEEK_OK
	    || (rc = sg_cms_peek_enter(in, len, c0.body, c0.limit, 0x30, &ed))
	    != SG_CMS_PEEK_OK
	    || (rc = sg_cms_peek_enter(in, len, ed.body, ed.limit, 0x02, &ver))
	    != SG_CMS_PEEK_OK)
		return rc;
	pos = ver.limit;
	if (pos >= len || pos >= ed.limit)
		return SG_CMS_PEEK_MORE;
	if (in[pos] == 0xa0
	    && (rc = sg_cms_peek_skip(in, len, &pos, ed.limit, 3))
	    != SG_CMS_PEEK_OK)
		return rc;

	/* RecipientInfos: the whole SET, or not yet */
	if (pos >= len || pos >= ed.limit || in[pos] != 0x31)
		return SG_CMS_PEEK_MORE;
	set = pos;
	if ((rc = sg_cms_peek_skip(in, len, &pos, ed.limit, 3))
	    != SG_CMS_PEEK_OK)
		return rc;
	return sg_cms_peek_match(kr, in + set, pos - set);
}

/* sg_cms_info_text - "cipher=... keytrans=... rid=..." for logs */
void	sg_cms_info_text(const sg_cms_info *info, char *buf, size_t size)
{
	sg_keytrans_params kt = {info->keytrans, info->oaep_hash, NULL, 0};

	snprintf(buf, size, "cipher=%s keytrans=%s rid=%s",
		 sg_cipher_label(info->cipher), sg_keytrans_label(&kt),
		 info->rid == SG_CMS_RID_SKI ? "ski" : "issuer-serial");
}
