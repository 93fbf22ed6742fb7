/*
 * NAME
 *	sg_cms 3h
 * SUMMARY
 *	CMS EnvelopedData and AuthEnvelopedData: encrypt and decrypt
 * SYNOPSIS
 *	#include "sg_cms.h"
 *
 *	sg_cms_encrypt_opts opts = SG_CMS_ENCRYPT_DEFAULTS;
 *	st = sg_cms_encrypt(&opts, certs, ncerts, content, len, &der);
 *
 *	st = sg_cms_encrypt_stream(&opts, certs, ncerts, content, len,
 *				   sink, ctx);
 *
 *	sg_cms_info info;
 *	st = sg_cms_decrypt(keyring, input, input_len, &plain, &info);
 *
 *	int ours = sg_cms_peek_for_us(keyring, first_bytes, n);
 * DESCRIPTION
 *	sg_cms_encrypt() envelopes content (the exact bytes given, e.g. a
 *	canonical MIME entity) for one or more RSA certificates and appends
 *	a DER ContentInfo to out: EnvelopedData (RFC 5652 section 6) for the
 *	CBC ciphers, AuthEnvelopedData (RFC 5083, RFC 5084) for GCM, with a
 *	12-byte nonce and a 16-byte tag. Each certificate gets one
 *	KeyTransRecipientInfo, identified by issuerAndSerialNumber (version 0)
 *	or subjectKeyIdentifier (version 2), its key transported with RSA
 *	PKCS#1 v1.5 or RSAES-OAEP with SHA-256 (RFC 3560, RFC 4055).
 *
 *	sg_cms_encrypt_stream() writes the same DER to sink(ctx, bytes, n)
 *	while it encrypts, in chunks of 64 KB, never holding the ciphertext:
 *	the lengths are known before the first byte (content length, then
 *	padded length, then the DER headers). Everything that can fail for
 *	a reason other than the sink (cipher, certificates, key transport)
 *	fails before sink is first called. A sink that returns an error
 *	ends the envelope there; the caller must then discard what the sink
 *	took (it is a cut-off envelope). Memory: 64 KB beside the content.
 *
 *	sg_cms_decrypt() accepts DER and BER (indefinite lengths, chunked
 *	OCTET STRINGs). The ContentInfo is self-delimiting: bytes after it
 *	(zero padding, or a footer that a relay or virus scanner appended to
 *	the base64 and that was decoded with it) are ignored and counted in
 *	info->trailing, for the log; a ContentInfo cut short is still an
 *	error. It finds
 *	the RecipientInfos that name one of the keyring's certificates and
 *	decrypts with AES-128/192/256-CBC, 3DES-CBC, or AES-128/256-GCM
 *	(the tag is verified before any byte is released); key transport
 *	RSA PKCS#1 v1.5 or RSAES-OAEP (SHA-1 default parameters or explicit
 *	SHA-256/384/512). On success out holds the content; on failure out
 *	is empty and the status is SG_REJECT.
 *
 *	info describes the message even on failure: whether it was an
 *	enveloped structure at all, whether a RecipientInfo named one of our
 *	keys (public data, not an oracle), and on success the cipher, the key
 *	transport, and which keyring entry opened it. info->trailing is the
 *	number of input bytes after the ContentInfo (set once its end was
 *	found, also on failure; 0 otherwise).
 *
 *	sg_cms_peek_for_us() answers info->for_us early, from the first
 *	bytes of a message whose rest has not arrived (a filter that wants
 *	to know whether it may let go of the raw text): 1 or 0 as soon as
 *	the whole RecipientInfos SET is within them, -1 before. The promise:
 *	after 1, sg_cms_decrypt() of any completion of those bytes either
 *	reports info->parsed && info->for_us or does not parse (parsed is
 *	false); after 0, it never reports parsed && for_us. -1 promises
 *	nothing; it is also the answer for a layout other than the usual
 *	one (multi-octet tags, a missing or unexpected element, a SET that
 *	libtasn1 does not take), which only the whole decoding settles. The
 *	RecipientInfos are decoded and matched by the code sg_cms_decrypt()
 *	uses. It reads no byte at or past len; memory: about twice the
 *	RecipientInfos; time: linear in the bytes up to their end.
 * SECURITY
 *	RFC 3218: an RSA failure is not distinguishable from a padding or
 *	tag failure: a random key is substituted and the content decryption
 *	runs to its end; both yield the same status and sentence. At most
 *	SG_CMS_MAX_ATTEMPTS RecipientInfos are tried per message.
 *
 *	Memory: about three times the message size at the peak (input,
 *	libtasn1's tree, output), plus one more for BER with indefinite
 *	lengths. Time is linear in the size.
 */
#ifndef SG_CMS_H
#define SG_CMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_cipher.h"
#include "sg_keyring.h"
#include "sg_keytrans.h"
#include "sg_status.h"

#define SG_CMS_MAX_ATTEMPTS	8

typedef enum sg_cms_rid {
	SG_CMS_RID_ISSUER_SERIAL = 0,
	SG_CMS_RID_SKI,
} sg_cms_rid;

typedef enum sg_cms_kind {
	SG_CMS_KIND_UNKNOWN = 0,	/* not parsed, or another CMS type */
	SG_CMS_KIND_ENVELOPED,
	SG_CMS_KIND_AUTH_ENVELOPED,
} sg_cms_kind;

typedef struct sg_cms_encrypt_opts {
	sg_cipher_id cipher;		/* aes128/256-cbc or aes128/256-gcm */
	sg_cms_rid rid;
	sg_keytrans_alg keytrans;	/* PKCS#1 v1.5, or OAEP with SHA-256 */
} sg_cms_encrypt_opts;

#define SG_CMS_ENCRYPT_DEFAULTS \
	{ SG_CIPHER_AES256_CBC, SG_CMS_RID_ISSUER_SERIAL, SG_KEYTRANS_RSA_PKCS1 }

typedef struct sg_cms_info {
	sg_cms_kind kind;
	bool	parsed;			/* structure read, recipients examined */
	size_t	recipients;		/* RecipientInfos in the message */
	bool	for_us;			/* one names a keyring certificate */
	sg_cipher_id cipher;		/* set once parsed */
	sg_keytrans_alg keytrans;	/* set on success */
	sg_keytrans_hash oaep_hash;	/* set on success with OAEP */
	sg_cms_rid rid;			/* set on success */
	size_t	key_index;		/* keyring entry, set on success */
	size_t	trailing;		/* bytes after the ContentInfo, ignored */
} sg_cms_info;

/* sg_cms_encrypt - envelope content for certs; appends DER to out */
sg_status sg_cms_encrypt(const sg_cms_encrypt_opts *opts,
			 gnutls_x509_crt_t const *certs, size_t ncerts,
			 const uint8_t *content, size_t len, sg_buf *out);

/* sg_cms_sink - takes the next n bytes of an envelope; not OK stops it */
typedef sg_status (*sg_cms_sink)(void *ctx, const uint8_t *data, size_t n);

/*
 * sg_cms_source - fills buf with the next want bytes of the content;
 * fewer only at its end
 */
typedef size_t (*sg_cms_source)(void *ctx, uint8_t *buf, size_t want);

/* A buffer as an sg_cms_source: {data, len, 0} and sg_cms_mem_read. */
typedef struct sg_cms_mem {
	const uint8_t *data;
	size_t	len;
	size_t	pos;			/* bytes given so far */
} sg_cms_mem;

/* sg_cms_mem_read - the next bytes of an sg_cms_mem (an sg_cms_source) */
size_t	sg_cms_mem_read(void *ctx, uint8_t *buf, size_t want);

/*
 * sg_cms_encrypt_source - sg_cms_encrypt_stream() of content that is read
 * from source as it is encrypted (len bytes, known up front); a source
 * that gives fewer is SG_INTERNAL, and the sink has a cut-off envelope
 */
sg_status sg_cms_encrypt_source(const sg_cms_encrypt_opts *opts,
				gnutls_x509_crt_t const *certs, size_t ncerts,
				size_t len, sg_cms_source source, void *sctx,
				sg_cms_sink sink, void *ctx);

/* sg_cms_encrypt_stream - sg_cms_encrypt's DER, to sink while encrypted */
sg_status sg_cms_encrypt_stream(const sg_cms_encrypt_opts *opts,
				gnutls_x509_crt_t const *certs, size_t ncerts,
				const uint8_t *content, size_t len,
				sg_cms_sink sink, void *ctx);

/*
 * sg_cms_decrypt_buf - sg_cms_decrypt() of the bytes in buf, in place:
 * buf holds the plaintext on success and is wiped and empty on failure
 * (memory: the message and a copy of its structure without the
 * ciphertext; one more copy of the ciphertext only while a try that is
 * not the last one runs)
 */
sg_status sg_cms_decrypt_buf(const sg_keyring *kr, sg_buf *buf,
			     sg_cms_info *info);

/* sg_cms_decrypt - open an (Auth)EnvelopedData with one of our keys */
sg_status sg_cms_decrypt(const sg_keyring *kr, const uint8_t *in,
			 size_t len, sg_buf *out, sg_cms_info *info);

/*
 * sg_cms_peek - the content type of a DER or BER ContentInfo, from its
 * first bytes only (about 30 are enough: the outer length is skipped, not
 * checked against len); SG_CMS_KIND_UNKNOWN for anything else.
 */
sg_cms_kind sg_cms_peek(const uint8_t *in, size_t len);

/*
 * sg_cms_peek_for_us - from the first len bytes of a DER or BER ContentInfo
 * (the rest not read yet): 1 when it is an EnvelopedData or
 * AuthEnvelopedData whose RecipientInfos lie wholly within those bytes and
 * one of them names a keyring certificate (what sg_cms_decrypt's
 * info->for_us says of the whole message); 0 when they lie wholly within
 * them and none does, or when the bytes are not such a ContentInfo; -1 when
 * the bytes end before the RecipientInfos do (cannot tell yet).
 */
int	sg_cms_peek_for_us(const sg_keyring *kr, const uint8_t *in, size_t len);

/* sg_cms_peek_signed - the same look, for a SignedData ContentInfo */
bool	sg_cms_peek_signed(const uint8_t *in, size_t len);

/* sg_cms_info_text - "cipher=... keytrans=... rid=..." for logs */
void	sg_cms_info_text(const sg_cms_info *info, char *buf, size_t size);

#endif
