/*
 * NAME
 *	sg_outsign 3h
 * SUMMARY
 *	the gateway's domain signature on outbound mail (RFC 3183)
 * SYNOPSIS
 *	#include "sg_outsign.h"
 *
 *	sg_outsign *os;
 *	st = sg_outsign_new(cfg, &os);
 *	st = sg_outsign_entity(os, entity, len, &signed_entity);
 *
 *	sg_outsign_signed sig;
 *	st = sg_outsign_message(os, mime, &sig);
 *	sg_outsign_reader r;
 *	sg_outsign_open(&sig, &r);
 *	... sg_outsign_read(&r, buf, want) for sig.total bytes ...
 *	sg_outsign_close(&r);
 *	sg_outsign_signed_free(&sig);
 *	sg_outsign_free(os);
 * DESCRIPTION
 *	sg_outsign_new() loads the signing key and certificate ([signing]
 *	certificate and private_key, by default the gateway's own: the first
 *	certificate that matches the key and allows digitalSignature; the
 *	rest of the file is the chain sent along) and the certificate that
 *	SMIMEEncryptionKeyPreference names (the first certificate of
 *	[gateway] certificate that allows key encipherment).
 *
 *	sg_outsign_entity() signs a MIME entity (canonical CRLF) as RFC 8551
 *	says: made 7-bit safe first (a user's own multipart/signed is kept
 *	intact), a detached SignedData with the [signing] digest, signed
 *	attributes contentType, messageDigest, signingTime,
 *	SMIMECapabilities (what we decrypt, strongest first),
 *	SMIMEEncryptionKeyPreference and the RFC 3183 SignatureType of a
 *	domain signature, then the multipart/signed entity (CRLF) into out.
 *	An entity that is 7-bit already is signed as it is, not copied.
 *	sg_outsign_message() does the same for the entity of a message
 *	(sg_mime_entity) without a copy of it: it reads the entity once in
 *	pieces (sg_mime_entity_open) to hash it and to check that it is
 *	7-bit and free of the new boundary, signs, and keeps only the parts
 *	of the multipart/signed before and after the entity. A reader
 *	(sg_outsign_open, _read, _close; _read fits sg_cms_source) then
 *	gives the sig->total bytes of the multipart/signed, the entity read
 *	again from the message, as often as there are copies to make; the
 *	message must outlive sig. An entity that is not 7-bit is made so by
 *	GMime first (sg_outsign_entity): that one is held whole in sig.
 *	sg_outsign_signed_append() appends all of it to a buffer (with LF
 *	line ends when lf, for a message that goes out signed only).
 *
 *	sg_outsign_describe() is the log text: "signed=sha-256 signer=[...]".
 * DIAGNOSTICS
 *	SG_CONFIG or SG_TEMPFAIL (key file missing or unsafe, no certificate
 *	for the key, certificate not valid now): the message waits; it never
 *	leaves unsigned when signing was asked for.
 */
#ifndef SG_OUTSIGN_H
#define SG_OUTSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"
#include "sg_config.h"
#include "sg_mime.h"
#include "sg_status.h"

typedef struct sg_outsign sg_outsign;

sg_status sg_outsign_new(const sg_config *cfg, sg_outsign **os);
sg_status sg_outsign_entity(sg_outsign *os, const uint8_t *entity, size_t len,
			    sg_buf *out);
/* The multipart/signed entity of a message, without the entity itself. */
typedef struct sg_outsign_signed {
	size_t	total;			/* bytes of the multipart/signed */
	/* private */
	const sg_mime *m;		/* the entity's message; NULL: held */
	sg_buf	head;			/* before the entity (held: all) */
	sg_buf	tail;			/* after it: the signature part */
} sg_outsign_signed;

typedef struct sg_outsign_reader {
	const sg_outsign_signed *sig;
	sg_mime_entity_reader entity;
	size_t	off;			/* bytes given so far */
} sg_outsign_reader;

sg_status sg_outsign_message(sg_outsign *os, const sg_mime *m,
			     sg_outsign_signed *sig);
void	sg_outsign_signed_append(const sg_outsign_signed *sig, bool lf,
				 sg_buf *out);
void	sg_outsign_signed_free(sg_outsign_signed *sig);
void	sg_outsign_open(const sg_outsign_signed *sig, sg_outsign_reader *r);
size_t	sg_outsign_read(void *r, uint8_t *buf, size_t want);
void	sg_outsign_close(sg_outsign_reader *r);
const char *sg_outsign_describe(const sg_outsign *os);
void	sg_outsign_free(sg_outsign *os);

#endif
