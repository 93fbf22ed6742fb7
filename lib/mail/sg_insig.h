/*
 * NAME
 *	sg_insig 3h
 * SUMMARY
 *	signatures on inbound mail: verify every layer, outside in
 * SYNOPSIS
 *	#include "sg_insig.h"
 *
 *	sg_insig sig;
 *	st = sg_insig_process(cfg, authserv_id, &msg, open_fn, ctx, &sig);
 *	... sig.domain_signed, sig.temperror, sig.ar, sig.log ...
 *	sg_insig_free(&sig);
 * DESCRIPTION
 *	RFC 3183 section 4: a receiving domain decrypts before it verifies,
 *	and works from the outside in. sg_insig_process() takes the message
 *	as it stands after decryption (msg, LF line ends) and, at most
 *	SG_INSIG_MAX_LAYERS times:
 *	- finds a signature at its top level (sg_mimesig: multipart/signed
 *	  or an opaque signed-data), verifies it (sg_verify, trust anchors
 *	  and CRLs of [verification]) and names each signer (sg_policy_signer:
 *	  a domain signature must speak for the From: domain, an
 *	  originator's must match From: or Sender:). A signer whose chain
 *	  does not reach an anchor is trusted when its certificate is the
 *	  one the certificate directory holds for the From: address (the
 *	  manual exchange of the Open Group profile: a pinned certificate);
 *	- removes the layer when it is a verified domain signature and
 *	  strip_domain_signature is set (its address never matches the
 *	  users' From:), and goes on with the inner entity under the outer
 *	  header fields;
 *	- when the signed content is an envelope (encrypt-then-sign, the RFC
 *	  2634 triple wrap), hands it to open(), the caller's decryption,
 *	  and goes on with what that gives.
 *	A signature that failed is never removed; an originator's signature
 *	is never altered. An encrypted or signed message attached as
 *	message/rfc822 is not at the top level: never a layer.
 *
 *	At the end, Authentication-Results fields that claim authserv_id are
 *	removed from msg (RFC 8601 section 5), and when a signature was
 *	examined (or the caller asks with sg_insig_tag()), ours is put on
 *	top: one "smime" result per signer (RFC 7281: pass, fail, neutral,
 *	policy, temperror, permerror; body.smime-identifier, -part,
 *	-serial, -issuer).
 * DIAGNOSTICS
 *	The status is not OK only when open() failed (its status: decryption
 *	policy) or the trust data cannot be loaded (SG_TEMPFAIL): temporary
 *	trouble never passes silently. A bad signature is a result, not a
 *	status.
 */
#ifndef SG_INSIG_H
#define SG_INSIG_H

#include <stdbool.h>
#include <stddef.h>

#include "sg_buf.h"
#include "sg_config.h"
#include "sg_mime.h"
#include "sg_status.h"

#define SG_INSIG_MAX_LAYERS	4
#define SG_INSIG_MAX_SIGNERS	4	/* reported per layer */

/*
 * The caller's decryption of an entity found inside a signature: *opened
 * is false when m is not an envelope for us (then out is untouched).
 */
typedef sg_status (*sg_insig_open_fn) (void *ctx, sg_mime *m, sg_buf *out,
				       bool *opened);

typedef struct sg_insig {
	size_t	nsigs;			/* signers examined */
	bool	domain_signed;		/* a verified domain signature */
	bool	temperror;		/* a result could not be had now */
	bool	stripped;		/* a domain signature was removed */
	bool	ar_removed;		/* forged A-R fields were removed */
	sg_buf	ar;			/* our Authentication-Results field */
	char	from[320];		/* From: address, "" when none */
	char	log[600];		/* key=value words for the log */
} sg_insig;

sg_status sg_insig_process(const sg_config *cfg, const char *authserv_id,
			   sg_buf *msg, sg_insig_open_fn open, void *ctx,
			   sg_insig *sig);

/* sg_insig_tag - put "smime=none" on a message no signature covered */
void	sg_insig_tag(sg_insig *sig, const char *authserv_id, sg_buf *msg);

void	sg_insig_free(sg_insig *sig);

#endif
