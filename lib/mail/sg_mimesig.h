/*
 * NAME
 *	sg_mimesig 3h
 * SUMMARY
 *	the MIME side of S/MIME signatures
 * SYNOPSIS
 *	#include "sg_mimesig.h"
 *
 *	sg_mimesig sig = SG_MIMESIG_INIT;
 *	st = sg_mimesig_find(m, &sig);
 *	... sig.kind, sig.der, sig.entity, sig.entity_len ...
 *	sg_mimesig_free(&sig);
 * DESCRIPTION
 *	sg_mimesig_find() looks at the top level of a message: a
 *	multipart/signed with protocol application/pkcs7-signature (or
 *	x-pkcs7-signature) is SG_MIMESIG_DETACHED: entity points at the
 *	exact bytes of its first body part as received, within the message
 *	that m was parsed from (no copy: it is valid while those bytes are;
 *	what the signer hashed is these bytes with bare LF made CRLF, RFC
 *	8551 section 3.1.1: sg_verify's SG_VERIFY_CANON_CRLF), and der the
 *	decoded signature part. A leaf whose decoded body is a SignedData
 *	ContentInfo (application/pkcs7-mime; smime-type=signed-data, or any
 *	application type whose body begins as one) is SG_MIMESIG_OPAQUE: der is
 *	the body and the content is inside it. Anything else is
 *	SG_MIMESIG_NONE. The boundary search is linear and works on the raw
 *	bytes: no re-serialisation by GMime ever reaches the digest.
 *
 *	sg_mimesig_build() makes the multipart/signed entity for outbound
 *	signing: "Content-Type: multipart/signed; protocol=...; micalg=...;
 *	boundary=...", a preamble, the signed entity exactly as given, the
 *	signature part (base64 of der), CRLF line ends. sg_mimesig_7bit()
 *	makes an entity 7-bit safe before it is signed (RFC 8551 section
 *	3.1.2): when it has 8-bit bytes, a NUL or a line longer than 998
 *	bytes, GMime re-encodes its leaf parts quoted-printable or base64;
 *	an entity that is already safe, or is itself multipart/signed (a
 *	user's signature must stay intact), is copied as it is. Both take
 *	and give canonical CRLF.
 *
 *	sg_mimesig_ar_is_ours() tells whether an Authentication-Results
 *	value claims authserv_id (RFC 8601 section 5: such fields from
 *	outside are removed). sg_mimesig_ar_add() appends one "smime" result
 *	(RFC 7281) to an Authentication-Results field being built;
 *	sg_mimesig_ar_finish() ends it ("none" when nothing was added).
 * DIAGNOSTICS
 *	sg_mimesig_find(): SG_REJECT for a multipart/signed whose boundary
 *	or parts cannot be found, or whose signature part does not decode.
 */
#ifndef SG_MIMESIG_H
#define SG_MIMESIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"
#include "sg_mime.h"
#include "sg_status.h"

typedef enum sg_mimesig_kind {
	SG_MIMESIG_NONE = 0,
	SG_MIMESIG_DETACHED,
	SG_MIMESIG_OPAQUE,
} sg_mimesig_kind;

typedef struct sg_mimesig {
	sg_mimesig_kind kind;
	sg_buf	der;			/* the SignedData */
	const uint8_t *entity;		/* DETACHED: the first part as it */
	size_t	entity_len;		/* came, in the message's bytes */
} sg_mimesig;

#define SG_MIMESIG_INIT { SG_MIMESIG_NONE, SG_BUF_INIT, NULL, 0 }

/* sg_mimesig_find - the signature at the top level of m, if any */
sg_status sg_mimesig_find(sg_mime *m, sg_mimesig *sig);

/*
 * sg_mimesig_maybe - false when sg_mimesig_find() would find nothing
 * (NONE, no refusal) without reading the body: the top level is plain
 * (sg_mime_plain_top), has no Content-Type that GMime can parse, or its
 * first Content-Type is neither multipart/signed nor application/
 */
bool	sg_mimesig_maybe(sg_mime *m);
void	sg_mimesig_free(sg_mimesig *sig);

/* sg_mimesig_is_7bit - no 8-bit byte, no NUL, no line over 998 bytes */
bool	sg_mimesig_is_7bit(const uint8_t *p, size_t len);

/*
 * sg_mimesig_7bit_scan - sg_mimesig_is_7bit() over bytes given in pieces:
 * s->ok says whether all of them so far are (start from
 * SG_MIMESIG_SCAN_INIT)
 */
typedef struct sg_mimesig_scan {
	bool	ok;
	size_t	line;			/* bytes since the last LF */
} sg_mimesig_scan;

#define SG_MIMESIG_SCAN_INIT	{ true, 0 }
void	sg_mimesig_7bit_scan(sg_mimesig_scan *s, const uint8_t *p, size_t len);

/* sg_mimesig_7bit - entity (CRLF) made 7-bit safe, into out (CRLF) */
sg_status sg_mimesig_7bit(const uint8_t *entity, size_t len, sg_buf *out);

/*
 * sg_mimesig_build_head, _tail - sg_mimesig_build() in two halves around
 * an entity that the caller appends to out itself (and checks for delim:
 * on a hit it starts again with a new head)
 */
#define SG_MIMESIG_DELIM_MAX	80
void	sg_mimesig_build_head(const char *micalg, char *delim, sg_buf *out);
void	sg_mimesig_build_tail(const char *delim, const uint8_t *der,
			      size_t dlen, sg_buf *out);

/* sg_mimesig_build - the multipart/signed entity (CRLF) into out */
void	sg_mimesig_build(const uint8_t *entity, size_t len,
			 const char *micalg, const uint8_t *der, size_t dlen,
			 sg_buf *out);

/* sg_mimesig_ar_is_ours - does this A-R value claim authserv_id? */
bool	sg_mimesig_ar_is_ours(const char *value, const char *authserv_id);

/* One "smime" result of an Authentication-Results field (RFC 7281). */
typedef struct sg_mimesig_result {
	const char *result;		/* pass, fail, neutral, temperror, ... */
	const char *comment;		/* in parentheses, or NULL */
	const char *identifier;		/* body.smime-identifier, or NULL */
	const char *part;		/* body.smime-part, or NULL */
	const char *serial;		/* body.smime-serial, or NULL */
	const char *issuer;		/* body.smime-issuer, or NULL */
} sg_mimesig_result;

/* sg_mimesig_ar_add - one result; the first call starts the field */
void	sg_mimesig_ar_add(sg_buf *field, const char *authserv_id,
			  const sg_mimesig_result *r);

/* sg_mimesig_ar_finish - end the field with LF; "smime=none" if empty */
void	sg_mimesig_ar_finish(sg_buf *field, const char *authserv_id);

#endif
