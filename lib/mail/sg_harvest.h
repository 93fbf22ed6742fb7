/*
 * NAME
 *	sg_harvest 3h
 * SUMMARY
 *	partners' certificates from their verified signed mail
 * SYNOPSIS
 *	#include "sg_harvest.h"
 *
 *	sg_harvest_input in = {domain, signer_crt, enc_crt, chain_valid,
 *			       "signed mail <msgid>"};
 *	sg_harvest(cfg, &in, time(NULL), what, sizeof(what));
 * DESCRIPTION
 *	The Open Group profile exchanges domain certificates by signed mail;
 *	MailMarshal harvests them. The caller hands over only a VERIFIED
 *	domain signature (sg_insig): the domain it speaks for, the signer's
 *	certificate, the certificate its SMIMEEncryptionKeyPreference names
 *	(if the message carried it), and whether the signer's chain reached
 *	a trust anchor (not only a pinned certificate).
 *
 *	The candidate is the key preference's certificate, else the signer's
 *	when it allows key encipherment; it must pass the import checks
 *	(sg_certcheck: valid now, key strength, key usage, not a CA, names
 *	that fit the domain). Then, by [harvest] mode:
 *	- off: nothing;
 *	- pending: stored in pending_dir for the administrator, who compares
 *	  the fingerprint out of band (smimegw-cert pending/approve/reject);
 *	- auto: added to the domain's file at once when the chain is valid
 *	  (appended: a rollover overlap), otherwise pending.
 *	A certificate the directory already holds for the domain is not
 *	harvested again, nor one already pending. A certificate that would
 *	replace a domain's existing one with a different key is never
 *	activated without a valid chain, and is logged either way.
 *	Harvesting never blocks or alters the message it came from: every
 *	outcome is a sentence in what (for the log), never an error.
 */
#ifndef SG_HARVEST_H
#define SG_HARVEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/x509.h>

#include "sg_config.h"

typedef struct sg_harvest_input {
	const char *domain;		/* normal form */
	gnutls_x509_crt_t signer;
	gnutls_x509_crt_t enc;		/* key preference's, or NULL */
	bool	chain_valid;		/* to a trust anchor */
	const char *source;		/* for the pending entry */
} sg_harvest_input;

/* sg_harvest - store or activate a partner's certificate; see above */
void	sg_harvest(const sg_config *cfg, const sg_harvest_input *in,
		   time_t now, char *what, size_t size);

#endif
