/*
 * NAME
 *	sg_trust 3h
 * SUMMARY
 *	trust anchors, CRLs and RFC 5280 path validation for signers
 * SYNOPSIS
 *	#include "sg_trust.h"
 *
 *	sg_trust *trust;
 *	st = sg_trust_load("/etc/smimegw/anchors.pem", "/etc/smimegw/crl",
 *			   &trust);
 *
 *	sg_trust_verdict v;
 *	char	why[SG_STATUS_TEXT_MAX];
 *	st = sg_trust_verify_chain(trust, signer, msg_crts, nmsg_crts,
 *				   msg_crls, nmsg_crls, 0, &v, why,
 *				   sizeof(why));
 *	sg_trust_free(trust);
 * DESCRIPTION
 *	sg_trust_load() reads the PEM CA certificates of anchors_file (NULL:
 *	no anchor, every chain ends in SG_TRUST_NOT_FOUND) and every regular
 *	file of crl_dir (NULL: none) as a CRL, PEM (one or more) or DER.
 *	Files are opened with O_NONBLOCK and must be regular files: a FIFO
 *	never hangs the load. Names starting with "." are skipped.
 *
 *	sg_trust_verify_chain() validates signer (RFC 5280: signatures,
 *	basic constraints, key usage of the CAs, name constraints, validity
 *	at now (0: the current time), revocation) with
 *	gnutls_x509_trust_list_verify_crt2(), for the key purpose
 *	emailProtection. The path is built from signer upward through
 *	extra (the certificates carried in the message; unrelated ones are
 *	ignored) to an anchor. Revocation: every certificate of the path
 *	whose issuer has a CRL, from crl_dir or carried in the message
 *	(RFC 8550 section 2.3), is looked up in it. A CRL from the message
 *	counts only when its signature verifies with an anchor or a
 *	certificate of the message; a forged one is ignored (it could at
 *	worst revoke). No CRL for an issuer is NOT a failure: revocation of
 *	that certificate is simply not known, and v->crl_checked is false
 *	(RFC 5280 leaves the policy to the relying party; a gateway that
 *	bounced all mail of partners that publish no CRL would be useless).
 *	A CRL past its nextUpdate is still used: what it revokes stays
 *	revoked.
 *
 *	The verdict keeps the failures apart (when several apply, the first
 *	in this order wins): SG_TRUST_REVOKED, SG_TRUST_EXPIRED (a
 *	certificate of the path expired or not yet valid),
 *	SG_TRUST_INSECURE (an insecure signature algorithm in the path),
 *	SG_TRUST_PURPOSE (extendedKeyUsage without emailProtection),
 *	SG_TRUST_NOT_FOUND (no path to an anchor), SG_TRUST_OTHER (anything
 *	else: a bad certificate signature, a CA that is not a CA, name
 *	constraints...). why receives one sentence.
 *
 *	sg_trust_count() tells how many anchors and CRLs were loaded (for
 *	-n and the log).
 * DIAGNOSTICS
 *	sg_trust_load(): SG_TEMPFAIL naming the file when a file or the
 *	directory cannot be read or a CRL cannot be parsed (temporary
 *	trouble defers, it never passes silently); SG_CONFIG when
 *	anchors_file holds no certificate.
 *
 *	sg_trust_verify_chain(): SG_OK when a verdict was reached (whatever
 *	it is); SG_TEMPFAIL or SG_INTERNAL when GnuTLS could not run the
 *	check. No verdict is then given.
 * BUGS
 *	With now != 0 the check runs under gnutls_global_set_time_function()
 *	and is not thread-safe (the filter is single-threaded).
 */
#ifndef SG_TRUST_H
#define SG_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/x509.h>

#include "sg_status.h"

typedef struct sg_trust sg_trust;

typedef enum sg_trust_code {
	SG_TRUST_OK = 0,	/* a valid path to an anchor */
	SG_TRUST_REVOKED,
	SG_TRUST_EXPIRED,	/* expired or not yet valid */
	SG_TRUST_INSECURE,	/* insecure algorithm in the path */
	SG_TRUST_PURPOSE,	/* key purpose mismatch */
	SG_TRUST_NOT_FOUND,	/* no path to an anchor */
	SG_TRUST_OTHER,
} sg_trust_code;

typedef struct sg_trust_verdict {
	sg_trust_code code;
	unsigned gnutls_status;	/* gnutls_certificate_status_t bits */
	bool	crl_checked;	/* every certificate below the anchor had
				 * its issuer's CRL */
} sg_trust_verdict;

/* sg_trust_load - anchors (PEM file) and CRLs (directory), both optional */
sg_status sg_trust_load(const char *anchors_file, const char *crl_dir,
			sg_trust **trust);

/* sg_trust_verify_chain - RFC 5280 path validation of a signer */
sg_status sg_trust_verify_chain(const sg_trust *trust,
				gnutls_x509_crt_t signer,
				const gnutls_x509_crt_t *extra, size_t nextra,
				const gnutls_x509_crl_t *crls, size_t ncrls,
				time_t now, sg_trust_verdict *verdict,
				char *why, size_t size);

/* sg_trust_revoked - does a CRL of the directory list crt? */
bool	sg_trust_revoked(const sg_trust *trust, gnutls_x509_crt_t crt);

/* sg_trust_count - numbers of anchors and CRLs loaded */
void	sg_trust_count(const sg_trust *trust, size_t *anchors, size_t *crls);

/* sg_trust_code_name - short name of a verdict code, for logs */
const char *sg_trust_code_name(sg_trust_code code);

/* sg_trust_free - release everything; NULL is allowed */
void	sg_trust_free(sg_trust *trust);

#endif
