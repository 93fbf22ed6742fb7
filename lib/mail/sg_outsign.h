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
 *	st = sg_outsign_message(os, mime, &signed_entity);
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
 *	(sg_mime_entity), which it writes once, into out, where it is signed:
 *	a large message is held twice (as it came, and signed), not four
 *	times.
 *
 *	sg_outsign_describe() is the log text: "signed=sha-256 signer=[...]".
 * DIAGNOSTICS
 *	SG_CONFIG or SG_TEMPFAIL (key file missing or unsafe, no certificate
 *	for the key, certificate not valid now): the message waits; it never
 *	leaves unsigned when signing was asked for.
 */
#ifndef SG_OUTSIGN_H
#define SG_OUTSIGN_H

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
sg_status sg_outsign_message(sg_outsign *os, const sg_mime *m, sg_buf *out);
const char *sg_outsign_describe(const sg_outsign *os);
void	sg_outsign_free(sg_outsign *os);

#endif
