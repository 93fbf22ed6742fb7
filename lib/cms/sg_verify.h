/*
 * NAME
 *	sg_verify 3h
 * SUMMARY
 *	verify CMS SignedData (S/MIME signatures)
 * SYNOPSIS
 *	#include "sg_verify.h"
 *
 *	sg_verify_opts opts = SG_VERIFY_DEFAULTS;
 *	opts.trust = trust;			(sg_trust(3), may be NULL)
 *	sg_verify_report *rep;
 *
 *	detached (multipart/signed): the exact bytes of the signed part
 *	st = sg_verify(&opts, p7s, p7s_len, part, part_len, &rep);
 *	... or the part as received, its line ends made CRLF on the fly:
 *	opts.canon = SG_VERIFY_CANON_CRLF;	(or _LF, default _AS_IS)
 *
 *	opaque (application/pkcs7-mime; smime-type=signed-data)
 *	st = sg_verify(&opts, p7m, p7m_len, NULL, 0, &rep);
 *	... rep->content holds the eContent ...
 *
 *	for (i = 0; i < rep->nsigners; i++)
 *		... rep->signers[i].result, .reason, .crt, .addresses ...
 *	sg_verify_report_free(rep);
 * DESCRIPTION
 *	sg_verify() reads a ContentInfo of type SignedData (RFC 5652
 *	section 5), DER or BER (indefinite lengths are normalised with
 *	sg_ber(3); chunked eContent is joined). Bytes after the ContentInfo
 *	are ignored and counted in rep->trailing.
 *
 *	Detached: content is the signed data, exactly as received (for
 *	multipart/signed: the first body part with canonical CRLF line
 *	ends, RFC 8551 section 3.5.3); the SignedData must have no
 *	eContent. Opaque: content is NULL, the eContent is hashed and
 *	copied into rep->content. Both (an eContent in the signature of a
 *	multipart/signed): the given content is what is verified, and when
 *	the eContent differs from it byte for byte every signer FAILs. No
 *	content at all is a PERMERROR. rep->detached is true when content
 *	was given.
 *
 *	opts->canon says how detached content is read, so that a caller
 *	need not copy a large part to change its line ends: AS_IS (the
 *	default) the bytes as given; CRLF every LF not preceded by CR read
 *	as CRLF (what sg_buf_append_crlf(3) makes); LF every CRLF read as
 *	LF (sg_buf_append_lf(3)). The report is exactly the one AS_IS gives
 *	over the transformed bytes (digest, signature without signed
 *	attributes, comparison with an eContent). Opaque: canon is ignored;
 *	a value outside the enum reads the bytes as given.
 *
 *	Each SignerInfo (at most SG_VERIFY_MAX_SIGNERS are looked at; more
 *	make the whole message a PERMERROR) gets its own result:
 *	- the signer certificate is picked by its sid (issuerAndSerialNumber
 *	  or subjectKeyIdentifier) among the message's certificates
 *	  (opts->extra_certs are searched too: a pinned partner certificate
 *	  for a message sent with -nocerts);
 *	- with signed attributes: contentType must equal eContentType and
 *	  messageDigest the digest of the content; the signature is checked
 *	  over the DER of the signed attributes; without: over the content;
 *	- signature algorithms: RSA PKCS#1 v1.5, RSASSA-PSS with its own
 *	  parameters (hash, MGF1 hash, salt length), ECDSA; digests
 *	  SHA-224/256/384/512, and SHA-1 only with opts->allow_sha1 (else a
 *	  good SHA-1 signature is INSECURE_ALGORITHM: chosen-prefix
 *	  collisions make it forgeable, RFC 8551 section 2.1); the signature
 *	  is checked with gnutls_pubkey_verify_data2() (never
 *	  gnutls_pkcs7_verify(), whose answers mix up causes);
 *	- RFC 8550 section 4.4: keyUsage, if present, must include
 *	  digitalSignature or nonRepudiation; extendedKeyUsage, if present,
 *	  emailProtection or anyExtendedKeyUsage (BAD_USAGE);
 *	- then the chain with sg_trust_verify_chain(), the message's
 *	  certificates and CRLs as extra material.
 *	The checks run in that order and the first failure decides.
 *
 *	Results: PASS (signature good, chain trusted); FAIL (digest or
 *	signature does not match, content type mismatch); UNTRUSTED (good
 *	signature, no valid path to an anchor); EXPIRED; REVOKED; BAD_USAGE;
 *	INSECURE_ALGORITHM (MD5, SHA-1 without allow_sha1, an RSA key under
 *	2048 bits, or GnuTLS calls the path insecure); NO_SIGNER_CERT; TEMPERROR (the
 *	check could not run); PERMERROR (malformed or unsupported SignerInfo).
 *	Whatever the result, the fields describing the certificate are set
 *	when it was found. Pinning is the caller's business: it compares
 *	signer->crt with its partner certificate (sg_verify_same_cert()) and
 *	may treat UNTRUSTED as trusted.
 *
 *	The signer's addresses are the rfc822Names of subjectAltName and
 *	the emailAddress attributes of the subject, lower-cased, without
 *	duplicates. A signingTime later than now + opts->max_skew is
 *	reported (signing_time_future) and said in the reason; it does not
 *	change the result.
 *
 *	Signed attributes of RFC 3183 and RFC 8551: SignatureType
 *	(domain_signature when it lists id-sigtype-domain-sig,
 *	originator_signature for id-sigtype-originator-sig),
 *	SMIMECapabilities (caps: the content ciphers of sg_cipher(3) it
 *	lists, in the signer's order of preference, unknown ones skipped;
 *	decoded by sg_smimeattr(3)) and
 *	SMIMEEncryptionKeyPreference (enc_pref_present; enc_crt when the
 *	certificate it names is among the message's certificates).
 *
 *	sg_verify_smime_result() maps a result to the RFC 7281 result of
 *	method "smime" for Authentication-Results (RFC 8601): PASS "pass";
 *	FAIL and REVOKED "fail" (the signature does not hold, or its key is
 *	withdrawn); UNTRUSTED, EXPIRED, BAD_USAGE and INSECURE_ALGORITHM
 *	"policy" (a correct signature that our policy does not accept);
 *	NO_SIGNER_CERT "neutral" (cannot be evaluated); TEMPERROR
 *	"temperror"; PERMERROR "permerror". "none" (no signature) is the
 *	caller's.
 * DIAGNOSTICS
 *	sg_verify() always sets *report. It returns SG_OK when the
 *	SignedData could be read (each signer then has its own result, which
 *	may be any failure); SG_REJECT when it is malformed, not SignedData,
 *	has no SignerInfo or too many (rep->result PERMERROR, rep->reason
 *	says why, no signers). TEMPERROR is only ever a per-signer result.
 * SECURITY
 *	Every length is checked against its enclosing element; nesting,
 *	signers, certificates, CRLs and attributes are bounded. Memory: the
 *	input (twice for BER), the eContent, the parsed certificates. With
 *	canon CRLF or LF the digest and the eContent comparison read the
 *	content through a 16 KB buffer on the stack; one transformed copy
 *	(wiped and freed before return) is made only when a SignerInfo has
 *	no signed attributes (the signature covers the content itself).
 */
#ifndef SG_VERIFY_H
#define SG_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_cipher.h"
#include "sg_status.h"
#include "sg_trust.h"

#define SG_VERIFY_MAX_SIGNERS	16
#define SG_VERIFY_MAX_CERTS	64
#define SG_VERIFY_MAX_CRLS	16
#define SG_VERIFY_MAX_CAPS	16
#define SG_VERIFY_DEFAULT_SKEW	300	/* seconds */

typedef enum sg_verify_result {
	SG_VERIFY_PASS = 0,
	SG_VERIFY_FAIL,
	SG_VERIFY_UNTRUSTED,
	SG_VERIFY_EXPIRED,
	SG_VERIFY_REVOKED,
	SG_VERIFY_BAD_USAGE,
	SG_VERIFY_INSECURE_ALGORITHM,
	SG_VERIFY_NO_SIGNER_CERT,
	SG_VERIFY_TEMPERROR,
	SG_VERIFY_PERMERROR,
} sg_verify_result;

/* How the detached content is read (the bytes given are not changed). */
typedef enum sg_verify_canon {
	SG_VERIFY_CANON_AS_IS = 0,	/* the content bytes as given */
	SG_VERIFY_CANON_CRLF,		/* every bare LF read as CRLF */
	SG_VERIFY_CANON_LF,		/* every CRLF read as LF */
} sg_verify_canon;

typedef struct sg_verify_opts {
	const sg_trust *trust;		/* NULL: no anchors (all UNTRUSTED) */
	const gnutls_x509_crt_t *extra_certs;	/* searched for the signer */
	size_t	nextra_certs;
	time_t	now;			/* 0: the current time */
	unsigned max_skew;		/* seconds of signingTime tolerance */
	bool	allow_sha1;		/* SHA-1 digests verify (old mail) */
	sg_verify_canon canon;		/* detached content's line ends */
} sg_verify_opts;

#define SG_VERIFY_DEFAULTS { NULL, NULL, 0, 0, SG_VERIFY_DEFAULT_SKEW, false, \
			     SG_VERIFY_CANON_AS_IS }

typedef struct sg_verify_signer {
	sg_verify_result result;
	char	reason[SG_STATUS_TEXT_MAX];	/* one line */
	gnutls_x509_crt_t crt;		/* owned; NULL when not found */
	char   *subject;		/* RFC 4514 DN; NULL without crt */
	char   *issuer;
	char   *serial;			/* lower-case hex, no separators */
	char  **addresses;		/* lower-cased mail addresses */
	size_t	naddresses;
	gnutls_digest_algorithm_t digest;
	gnutls_sign_algorithm_t sign_algo;	/* UNKNOWN when unsupported */
	bool	has_signing_time;
	time_t	signing_time;
	bool	signing_time_future;	/* beyond now + max_skew */
	bool	has_signature_type;	/* RFC 3183 SignatureType present */
	bool	domain_signature;	/* ... listing id-sigtype-domain-sig */
	bool	originator_signature;	/* ... listing id-sigtype-originator-sig */
	sg_cipher_id caps[SG_VERIFY_MAX_CAPS];	/* SMIMECapabilities: the
					 * ciphers we know, in order */
	size_t	ncaps;
	bool	enc_pref_present;	/* SMIMEEncryptionKeyPreference */
	gnutls_x509_crt_t enc_crt;	/* owned; the certificate it names,
					 * when the message carries it */
	bool	crl_checked;		/* see sg_trust(3) */
} sg_verify_signer;

typedef struct sg_verify_report {
	sg_verify_result result;	/* PERMERROR when unreadable, else
					 * the first signer's result */
	char	reason[SG_STATUS_TEXT_MAX];
	bool	detached;
	sg_buf	content;		/* opaque: the eContent */
	sg_verify_signer *signers;
	size_t	nsigners;
	size_t	trailing;		/* bytes after the ContentInfo */
	size_t	ncerts;			/* certificates in the message */
	size_t	ncrls;			/* CRLs in the message */
} sg_verify_report;

/* sg_verify - verify a SignedData, detached (content) or opaque (NULL) */
sg_status sg_verify(const sg_verify_opts *opts, const uint8_t *cms,
		    size_t cms_len, const uint8_t *content, size_t content_len,
		    sg_verify_report **report);

/* sg_verify_report_free - release a report; NULL is allowed */
void	sg_verify_report_free(sg_verify_report *report);

/* sg_verify_result_name - short name ("pass", "untrusted", ...) for logs */
const char *sg_verify_result_name(sg_verify_result result);

/* sg_verify_smime_result - the RFC 7281 "smime" result for a result */
const char *sg_verify_smime_result(sg_verify_result result);

/* sg_verify_same_cert - true when two certificates are byte-identical */
bool	sg_verify_same_cert(gnutls_x509_crt_t a, gnutls_x509_crt_t b);

#endif
