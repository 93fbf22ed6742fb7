/*
 * NAME
 *	sg_certcheck 3h
 * SUMMARY
 *	is this a certificate we may use for a partner, and under which name?
 * SYNOPSIS
 *	#include "sg_certcheck.h"
 *
 *	sg_certcheck_result r = SG_CERTCHECK_RESULT_INIT;
 *	st = sg_certcheck_peer(crt, time(NULL), "b.example", 0, &r);
 *	if (st.code == SG_OK && r.problems != 0)
 *		... refuse unless forced: r.text says why ...
 *	... r.name is "b.example" (the file is r.name + ".pem") ...
 *	sg_certcheck_result_free(&r);
 *
 *	char *name = NULL;
 *	st = sg_certcheck_name_for(crt, &name);	... "b.example" ...
 *	free(name);
 * DESCRIPTION
 *	The checks that smimegw-cert import, the LDAP snapshot and
 *	harvesting apply before a certificate goes into the certificate
 *	directory, and the name rules that the directory's audit uses
 *	(sg_certdir(3)), in one place.
 *
 *	Names of a certificate are its email addresses (subjectAltName
 *	rfc822Name, subject emailAddress, a subject CN with '@') and its
 *	domain names (subjectAltName dNSName, a CN without '@').
 *
 *	sg_certcheck_name_for() says which file a certificate belongs
 *	under, in the normal form of sg_addr(3) without ".pem":
 *	a DOMSEC or SGP domain address (domain-confidentiality-authority@D,
 *	domain-signing-authority@D, smg_encryptor@D, any case) gives D;
 *	otherwise the one person address gives that address; otherwise the
 *	one dNSName (or CN domain) with two labels or more gives that domain.
 *
 *	sg_certcheck_canonical() is the file name (no ".pem") that a domain
 *	or an address given by a person (a command line, an LDAP entry) has:
 *	the normal form of sg_addr(3), a local part lower-cased; SG_REJECT
 *	for a name that cannot be normalised or has a single-label domain.
 *
 *	sg_certcheck_names_match() tells whether a certificate fits a file
 *	name canon (normal form): <domain> is fitted by an email address in
 *	that domain, a parent or a subdomain of it, or by the domain itself
 *	as dNSName (or CN); <address> by that address. When seen is not
 *	NULL it receives the certificate's names, ", " separated.
 *
 *	sg_certcheck_peer() runs every check on crt at time now and puts
 *	the findings in r->problems (SG_CERTCHECK_* bits, 0: none) and
 *	r->text (one sentence listing them, "" when none). expected is the
 *	file name wanted (a domain or an address, any form: it is
 *	normalised), or NULL: the name is then derived with
 *	sg_certcheck_name_for() and SG_CERTCHECK_NO_NAME is set when there is
 *	none. r->name receives the normal form of the file name (expected,
 *	or the derived one; NULL with NO_NAME). The checks:
 *	SG_CERTCHECK_EXPIRED, SG_CERTCHECK_NOT_YET_VALID (at now),
 *	SG_CERTCHECK_WEAK_KEY (RSA or DSA under 2048 bits, EC under 256),
 *	SG_CERTCHECK_NO_ENCRYPTION (keyUsage present without keyEncipherment
 *	or keyAgreement), SG_CERTCHECK_CA (basicConstraints CA=true),
 *	SG_CERTCHECK_NAME_MISMATCH (sg_certcheck_names_match() fails).
 *	flags: SG_CERTCHECK_IGNORE_TIME skips the validity period checks.
 *
 *	sg_certcheck_set() checks the certificates that go into one file
 *	together (a rollover pair, a harvested signer and encryption
 *	certificate): every one as sg_certcheck_peer() does, against one
 *	name (expected, or derived from the first certificate that is not a
 *	CA and allows encryption), except that NO_ENCRYPTION is only set
 *	when no certificate of the set allows encryption (a signing-only
 *	certificate beside an encryption one is fine: it verifies the
 *	partner's signatures). With several certificates each finding
 *	starts "certificate N: ". A caller that wants CA certificates of a
 *	bundle dropped drops them first (SG_CERTCHECK_CA otherwise).
 *
 *	sg_certcheck_is_ca() and sg_certcheck_for_encryption() are the
 *	single tests behind CA and NO_ENCRYPTION (sg_certdir(3) uses them
 *	to choose recipients). sg_certcheck_key() writes "RSA 3072" or
 *	"EC P-256" and returns the key size in bits (0: unknown).
 *	sg_certcheck_fingerprint() writes the SHA-256 fingerprint as 64
 *	lower-case hex digits (buf of SG_CERTCHECK_FPR_SIZE).
 * DIAGNOSTICS
 *	sg_certcheck_peer(): SG_OK when the checks ran (problems or not);
 *	SG_REJECT when expected is not a usable name (it cannot be
 *	normalised, or is a single label).
 *	sg_certcheck_name_for(): SG_OK with *name set; SG_REJECT when the
 *	certificate names no domain or address, or names several that
 *	disagree (the sentence lists them; the caller must be told which).
 *	sg_certcheck_fingerprint(): SG_INTERNAL when GnuTLS fails.
 */
#ifndef SG_CERTCHECK_H
#define SG_CERTCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/x509.h>

#include "sg_status.h"

#define SG_CERTCHECK_EXPIRED		(1u << 0)
#define SG_CERTCHECK_NOT_YET_VALID	(1u << 1)
#define SG_CERTCHECK_WEAK_KEY		(1u << 2)
#define SG_CERTCHECK_NO_ENCRYPTION	(1u << 3)
#define SG_CERTCHECK_CA			(1u << 4)
#define SG_CERTCHECK_NAME_MISMATCH	(1u << 5)
#define SG_CERTCHECK_NO_NAME		(1u << 6)

/* flags of sg_certcheck_peer() */
#define SG_CERTCHECK_IGNORE_TIME	(1u << 0)

#define SG_CERTCHECK_MIN_RSA_BITS	2048
#define SG_CERTCHECK_MIN_EC_BITS	256
#define SG_CERTCHECK_FPR_SIZE		65	/* 64 hex digits + NUL */

typedef struct sg_certcheck_result {
	unsigned problems;		/* SG_CERTCHECK_* bits */
	char   *name;			/* normal file name, no ".pem" */
	char	text[512];		/* "expired on 2024-01-01; ..." */
} sg_certcheck_result;

#define SG_CERTCHECK_RESULT_INIT { 0, NULL, "" }

/* sg_certcheck_peer - every import check; findings in r */
sg_status sg_certcheck_peer(gnutls_x509_crt_t crt, time_t now,
			    const char *expected, unsigned flags,
			    sg_certcheck_result *r);

/* sg_certcheck_set - the checks of the certificates of one file */
sg_status sg_certcheck_set(const gnutls_x509_crt_t *crts, size_t n,
			   time_t now, const char *expected, unsigned flags,
			   sg_certcheck_result *r);

/* sg_certcheck_result_free - release r->name; r can be reused */
void	sg_certcheck_result_free(sg_certcheck_result *r);

/* sg_certcheck_name_for - the file name (no ".pem") crt belongs under */
sg_status sg_certcheck_name_for(gnutls_x509_crt_t crt, char **name);

/* sg_certcheck_canonical - the file name (no ".pem") of a domain or address */
sg_status sg_certcheck_canonical(const char *name, char **canon);

/* sg_certcheck_names_match - do crt's names fit the file name canon? */
bool	sg_certcheck_names_match(gnutls_x509_crt_t crt, const char *canon,
				 char *seen, size_t size);

/* sg_certcheck_is_ca - basicConstraints CA=true? */
bool	sg_certcheck_is_ca(gnutls_x509_crt_t crt);

/* sg_certcheck_for_encryption - keyUsage absent, or allows encryption */
bool	sg_certcheck_for_encryption(gnutls_x509_crt_t crt);

/* sg_certcheck_key - "RSA 3072", "EC P-256"; returns the bits (0: ?) */
unsigned sg_certcheck_key(gnutls_x509_crt_t crt, char *buf, size_t size);

/* sg_certcheck_fingerprint - SHA-256, lower-case hex */
sg_status sg_certcheck_fingerprint(gnutls_x509_crt_t crt, char *buf,
				   size_t size);

#endif
