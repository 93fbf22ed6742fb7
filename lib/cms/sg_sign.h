/*
 * NAME
 *	sg_sign 3h
 * SUMMARY
 *	CMS SignedData: the gateway's signing key and signatures
 * SYNOPSIS
 *	#include "sg_sign.h"
 *
 *	sg_signer *signer;
 *	st = sg_signer_load("gateway.pem", "gateway.key", &signer);
 *
 *	sg_sign_opts opts = SG_SIGN_DEFAULTS;
 *	opts.domain_signature = true;
 *	opts.encryption_cert = sg_keyring_cert(kr, 0);
 *	st = sg_sign_detached(signer, &opts, entity, len, &der);
 *	... micalg=sg_digest_micalg(opts.digest) ...
 *	sg_signer_free(signer);
 * DESCRIPTION
 *	sg_signer_load() reads the first unencrypted PEM private key of
 *	key_file (PKCS#8, PKCS#1 or SEC1; RSA of 2048 bits or more, or ECDSA
 *	on P-256 or P-384) and every certificate of cert_file. The signer
 *	certificate is the first one whose public key is the key's and
 *	whose keyUsage extension, when present, allows digitalSignature
 *	(so a file that holds separate encryption and signing certificates
 *	for one key works); every other certificate of the file, in file
 *	order, is the chain sent with each signature. The signer owns all
 *	of it; the accessors lend.
 *
 *	sg_signer_check_time() says whether the signer certificate is valid
 *	at now (for -n and the log; signing itself does not refuse an
 *	expired certificate: the receiver decides).
 *
 *	sg_sign_stream_new() starts a detached signature over content given
 *	in pieces to sg_sign_stream_update(); sg_sign_stream_finish() appends
 *	what sg_sign_detached() would have for the concatenated pieces.
 *	The stream lends signer and opts->caps and opts->encryption_cert,
 *	and copies the rest of opts; the caller frees it with
 *	sg_sign_stream_free(), also after finish.
 *
 *	sg_sign_detached() appends to der a DER ContentInfo of type
 *	SignedData (RFC 5652 section 5) over content, the exact bytes given
 *	(for multipart/signed: the canonical CRLF entity), without
 *	eContent. sg_sign_opaque() does the same with the content inside
 *	(eContent of type id-data), for application/pkcs7-mime;
 *	smime-type=signed-data. One SignerInfo, identified by
 *	issuerAndSerialNumber; certificates: the signer's and the chain (a
 *	DER SET OF, so in encoding order, not file order).
 *	Signed attributes (a DER SET OF: sorted by encoding, not in this
 *	order): contentType, messageDigest, signingTime (UTCTime before
 *	2050, GeneralizedTime after, from opts->signing_time or now),
 *	SMIMECapabilities (opts->caps, or
 *	sg_smimeattr_default_caps() when caps is NULL),
 *	SMIMEEncryptionKeyPreference (when opts->encryption_cert is set) and
 *	SignatureType = id-sti-domainSig (when opts->domain_signature). The
 *	attribute values are built and checked by sg_smimeattr(3).
 *
 *	Signature: RSA PKCS#1 v1.5 by default; RSASSA-PSS (RFC 4056: MGF1
 *	with the same digest, salt length = digest length) when
 *	opts->rsa_pss, RSA keys only; ECDSA with the digest for EC keys.
 *	Digests SHA-256, SHA-384, SHA-512 (sg_digest).
 *
 *	The sg_digest helpers spell a digest for the config file ("sha256"),
 *	for the micalg parameter of multipart/signed (RFC 5751 section
 *	3.4.3.2: "sha-256") and for GnuTLS.
 * SECURITY
 *	A key file readable or writable by group or others, or not a regular
 *	file, is refused (it is opened with O_NONBLOCK, so a FIFO never
 *	hangs us), as in sg_keyring(3). Key file bytes are wiped after
 *	parsing.
 * DIAGNOSTICS
 *	sg_signer_load(): SG_TEMPFAIL when a file cannot be opened or read;
 *	SG_CONFIG for unsafe permissions, an unparsable, encrypted or
 *	unsupported key (algorithm, curve, size), or no certificate that
 *	matches the key and allows digitalSignature. Each sentence names
 *	the file.
 *
 *	sg_sign_*(): SG_CONFIG for options that do not fit the key (PSS with
 *	an EC key, an unknown digest or cipher); SG_INTERNAL when GnuTLS
 *	fails or a signature does not verify with the signer certificate's
 *	key (sg_rsasign(3)); SG_REJECT for empty content (a MIME entity is never empty:
 *	it is the caller's mistake). On failure der is left as it was.
 */
#ifndef SG_SIGN_H
#define SG_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_cipher.h"
#include "sg_status.h"

typedef enum sg_digest {
	SG_DIGEST_SHA256 = 0,
	SG_DIGEST_SHA384,
	SG_DIGEST_SHA512,
} sg_digest;

typedef struct sg_signer sg_signer;

typedef struct sg_sign_opts {
	sg_digest digest;
	bool	rsa_pss;		/* RSASSA-PSS instead of PKCS#1 v1.5 */
	bool	domain_signature;	/* add SignatureType domainSig */
	const sg_cipher_id *caps;	/* NULL: sg_smimeattr_default_caps() */
	size_t	ncaps;
	gnutls_x509_crt_t encryption_cert;	/* NULL: no key preference */
	time_t	signing_time;		/* 0: now */
} sg_sign_opts;

#define SG_SIGN_DEFAULTS \
	{ SG_DIGEST_SHA256, false, false, NULL, 0, NULL, 0 }

/* sg_digest_parse - config word "sha256"/"sha384"/"sha512"; false if not */
bool	sg_digest_parse(const char *word, sg_digest *digest);

/* sg_digest_name - config spelling, e.g. "sha256" */
const char *sg_digest_name(sg_digest digest);

/* sg_digest_micalg - multipart/signed micalg spelling, e.g. "sha-256" */
const char *sg_digest_micalg(sg_digest digest);

/* sg_digest_gnutls - the GnuTLS digest algorithm */
gnutls_digest_algorithm_t sg_digest_gnutls(sg_digest digest);

/* sg_signer_load - key and signing certificate (+ chain) from two files */
sg_status sg_signer_load(const char *cert_file, const char *key_file,
			 sg_signer **signer);

/* sg_signer_free - release the signer (NULL is fine) */
void	sg_signer_free(sg_signer *signer);

/* sg_signer_cert - the signer certificate (lent) */
gnutls_x509_crt_t sg_signer_cert(const sg_signer *signer);

/* sg_signer_chain_count - certificates sent after the signer's */
size_t	sg_signer_chain_count(const sg_signer *signer);

/* sg_signer_chain - chain certificate i (lent) */
gnutls_x509_crt_t sg_signer_chain(const sg_signer *signer, size_t i);

/* sg_signer_pk - GNUTLS_PK_RSA or GNUTLS_PK_ECDSA */
gnutls_pk_algorithm_t sg_signer_pk(const sg_signer *signer);

/* sg_signer_check_time - CONFIG unless the certificate is valid at now */
sg_status sg_signer_check_time(const sg_signer *signer, time_t now);

typedef struct sg_sign_stream sg_sign_stream;

/* sg_sign_stream_new - start a detached signature (CONFIG: bad opts) */
sg_status sg_sign_stream_new(const sg_signer *signer, const sg_sign_opts *opts,
			     sg_sign_stream **ss);

/* sg_sign_stream_update - hash the next piece of content */
void	sg_sign_stream_update(sg_sign_stream *ss, const void *data,
			      size_t len);

/* sg_sign_stream_finish - append the detached DER SignedData to der */
sg_status sg_sign_stream_finish(sg_sign_stream *ss, sg_buf *der);

/* sg_sign_stream_free - release the stream (NULL is fine) */
void	sg_sign_stream_free(sg_sign_stream *ss);

/* sg_sign_detached - append a detached DER SignedData over content */
sg_status sg_sign_detached(const sg_signer *signer, const sg_sign_opts *opts,
			   const uint8_t *content, size_t len, sg_buf *der);

/* sg_sign_opaque - append a DER SignedData that contains content */
sg_status sg_sign_opaque(const sg_signer *signer, const sg_sign_opts *opts,
			 const uint8_t *content, size_t len, sg_buf *der);

#endif
