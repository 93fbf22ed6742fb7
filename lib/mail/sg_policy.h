/*
 * NAME
 *	sg_policy 3h
 * SUMMARY
 *	what happens to a message: pure decisions over plain data
 * SYNOPSIS
 *	#include "sg_policy.h"
 * DESCRIPTION
 *	No I/O, no bytes of the message: the filter gathers facts (addresses,
 *	which certificate file each recipient has, what decryption said) and
 *	these functions decide. Tested from tables.
 *
 *	sg_policy_domain_of() writes the normal form of an address's domain
 *	(sg_addr_domain(3): after the last '@', lower case, A-labels, no
 *	trailing dot) and returns true; false when there is no domain, it
 *	cannot be normalised (bad UTF-8, a code point IDNA2008 disallows,
 *	an empty label) or it does not fit in size bytes. false means "not
 *	one of ours", never "no certificate": the certificate lookup
 *	(sg_certdir_find) refuses the same address with SG_REJECT.
 *
 *	sg_policy_member() is RFC 3183 membership: a domain is a member of D
 *	when it equals D or ends in "." D.
 *
 *	sg_policy_direction(): outbound when the sender is a member of one of
 *	our domains, otherwise inbound. The null sender (a bounce) has no
 *	domain, so the recipients decide: a bounce addressed only to our own
 *	domains comes from a partner and is inbound (decrypted); one with a
 *	recipient elsewhere is ours going out, outbound (encrypted), unless
 *	null_sender_outbound is false: then every bounce is inbound.
 *
 *	sg_policy_outbound() partitions recipients into copies. Recipients in
 *	our own domains get a plain copy (their mail never leaves). Recipients
 *	that share a certificate file share one encrypted copy. Recipients
 *	without a certificate get a plain copy, unless mixed_recipients =
 *	reject and at least one other recipient is encrypted: then the whole
 *	message is refused (S/MIME Gateway Protocol section 6).
 *
 *	sg_policy_inbound() decides for one inbound message.
 *
 *	sg_policy_signer() names a verified signer (RFC 3183 section 3.1.1,
 *	RFC 8550 section 3): a signer whose certificate has an address with
 *	the local part domain-signing-authority, domain-confidentiality-
 *	authority (RFC 3183) or smg_encryptor (S/MIME Gateway Protocol) is a
 *	domain signature, and it speaks for the From: domain only when its
 *	domain equals it or is a parent of it. Any other signer is an
 *	originator: one of its addresses must be the From: or Sender:
 *	address, when it has addresses at all.
 *
 *	sg_policy_partner() applies [verification] partner_policy: mail whose
 *	From: domain is a partner (has a certificate in the directory) must
 *	carry a verified domain signature for that domain; without one it is
 *	tagged (delivered with the result in Authentication-Results),
 *	quarantined or rejected. Temporary trouble verifying defers, for
 *	partner mail and other mail alike: a result must never be guessed.
 */
#ifndef SG_POLICY_H
#define SG_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "sg_config.h"

typedef enum sg_direction {
	SG_DIRECTION_OUTBOUND = 0,
	SG_DIRECTION_INBOUND,
} sg_direction;

bool	sg_policy_domain_of(const char *addr, char *buf, size_t size);
bool	sg_policy_member(const char *domain, char *const *domains, size_t n);
sg_direction sg_policy_direction(const char *sender, char *const *rcpts,
				 size_t nrcpts, char *const *domains,
				 size_t ndomains, bool null_sender_outbound);

/* One outbound recipient, as the filter found it. */
typedef struct sg_policy_rcpt {
	bool	local;			/* in one of our domains */
	const char *cert_file;		/* certificate file, NULL if none */
} sg_policy_rcpt;

/* One copy to send. */
typedef struct sg_policy_copy {
	bool	encrypt;
	const char *cert_file;		/* when encrypt: whose certificates */
} sg_policy_copy;

typedef struct sg_policy_plan {
	bool	reject;			/* mixed recipients refused */
	size_t	ncopies;
	sg_policy_copy *copies;		/* at most nrcpts; caller's array */
	size_t *copy_of;		/* per recipient: index into copies */
} sg_policy_plan;

/*
 * sg_policy_outbound - partition n recipients into copies. The caller
 * provides plan->copies and plan->copy_of with room for n entries each.
 * Encrypted copies come first, in the order of their first recipient,
 * then at most one plain copy.
 */
void	sg_policy_outbound(const sg_policy_rcpt *rcpts, size_t n,
			   sg_mixed_policy mixed, sg_policy_plan *plan);

/* What the filter learned about an inbound message. */
typedef struct sg_policy_inbound_facts {
	bool	encrypted;		/* an EnvelopedData/AuthEnvelopedData */
	bool	readable;		/* its structure could be parsed */
	bool	for_us;			/* a RecipientInfo names our key */
	bool	decrypted;		/* and decryption succeeded */
	bool	key_trouble;		/* our keys could not be loaded */
} sg_policy_inbound_facts;

typedef enum sg_inbound_action {
	SG_INBOUND_RELAY = 0,		/* unaltered */
	SG_INBOUND_DELIVER_DECRYPTED,
	SG_INBOUND_BOUNCE,
	SG_INBOUND_DEFER,
} sg_inbound_action;

sg_inbound_action sg_policy_inbound(const sg_policy_inbound_facts *facts,
				    sg_decrypt_failure on_failure,
				    sg_desktop_policy desktop);

typedef enum sg_signer_identity {
	SG_SIGNER_DOMAIN = 0,		/* a domain signature for From: */
	SG_SIGNER_DOMAIN_MISMATCH,	/* a domain signature, other domain */
	SG_SIGNER_ORIGINATOR,		/* a person, matching From:/Sender: */
	SG_SIGNER_ORIGINATOR_MISMATCH,	/* a person, not the From: address */
} sg_signer_identity;

/*
 * sg_policy_signer - what a signer with addresses emails[0..n-1] is for a
 * message from from_addr (sender_addr: the Sender: field, or NULL).
 * *identity receives the address that decided, or NULL.
 */
sg_signer_identity sg_policy_signer(char *const *emails, size_t n,
				    const char *from_addr,
				    const char *sender_addr,
				    const char **identity);

/* What the filter learned about an inbound message's signatures. */
typedef struct sg_policy_sig_facts {
	bool	from_partner;		/* From: domain has a certificate */
	bool	domain_signed;		/* a verified domain signature for it */
	bool	temperror;		/* verification could not be done now */
} sg_policy_sig_facts;

typedef enum sg_partner_action {
	SG_PARTNER_DELIVER = 0,
	SG_PARTNER_TAG,			/* deliver; the failure is in A-R */
	SG_PARTNER_QUARANTINE,
	SG_PARTNER_REJECT,
	SG_PARTNER_DEFER,
} sg_partner_action;

sg_partner_action sg_policy_partner(const sg_policy_sig_facts *facts,
				    sg_partner_policy policy);

#endif
