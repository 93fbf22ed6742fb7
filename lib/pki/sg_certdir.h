/*
 * NAME
 *	sg_certdir 3h
 * SUMMARY
 *	find a recipient's certificates in the flat certificate directory
 * SYNOPSIS
 *	#include "sg_certdir.h"
 *
 *	char *file = NULL;
 *	st = sg_certdir_find(dir, "x@dept.b.example", &file);
 *	... file is "DIR/dept.b.example.pem", or NULL: no certificate ...
 *	st = sg_certdir_load(file, now, &certs);
 *
 *	st = sg_certdir_audit(dir, now, report, ctx);	... for smimegw -n
 * DESCRIPTION
 *	The directory holds <address>.pem (local@domain) for single
 *	recipients and <domain>.pem for peer domain gateways (RFC 3183
 *	domain certificates). Names are in the normal form of sg_addr(3):
 *	lower case, A-labels (xn--...) for internationalised domains, no
 *	trailing dot. sg_certdir_find() normalises the recipient the same
 *	way (Bob@B.Example. and bob@b.example are one address;
 *	bob@bücher.example looks up xn--bcher-kva.example.pem) and
 *	tries the address file first, then the domain and each parent
 *	domain with at least two labels, most specific first: for
 *	x@dept.b.example, x@dept.b.example.pem, dept.b.example.pem,
 *	b.example.pem. A name too long for a file (an address of 256 bytes
 *	or more) is skipped and the shorter names are still tried.
 *
 *	Lookups ignore ASCII case. Each name is first tried by direct open
 *	(the fast path: the canonical lower-case name). When that misses for
 *	a name more specific than the first hit, one readdir(3) pass over the
 *	directory looks for entries that differ only in case (B.Example.pem
 *	is used for b.example) or only in extension (b.example.crt,
 *	b.example.PEM, b.example.pem.txt, b.example.der, b.example, ...).
 *	The second kind is never used and never ignored: the lookup fails
 *	closed (SG_TEMPFAIL naming the file and the name it should have), so
 *	a misnamed file cannot send mail out in clear.
 *
 *	Names that could leave the directory or are not plain (a '/', a
 *	leading '.', "..", control characters, space) are never tried. The
 *	caller frees *file.
 *
 *	sg_certdir_load() reads every certificate of a file and keeps those
 *	that may encrypt to a recipient: end-entity certificates (not
 *	basicConstraints CA=true), whose keyUsage, when present, allows
 *	keyEncipherment or keyAgreement, valid at time now. A chain pasted
 *	into a peer file thus encrypts to the partner only, never to its
 *	CA. Rollover: a file may hold the old and the new certificate;
 *	every usable one becomes a recipient. sg_certdir_load_skipped()
 *	also counts what was left out, for the log.
 *
 *	sg_certdir_audit() examines every entry of the directory, in name
 *	order, and calls report(ctx, name, severity, text) once per finding
 *	(text is one sentence). SG_CERTDIR_PROBLEM means mail does not do
 *	what the file suggests: the entry can never be reached by any
 *	address (wrong extension, upper case when the lower-case twin
 *	exists, a hidden, unsafe, single-label, non-normal or over-long
 *	name), or it would make mail defer (misnamed file, two case
 *	variants, not a regular file, a dangling link, unreadable,
 *	unparsable, no usable certificate now). SG_CERTDIR_NOTE is for
 *	information: a file used despite upper case, a CA certificate
 *	ignored, a certificate not for encryption ignored, one expired, not
 *	yet valid or expiring within 30 days while another is usable, a
 *	certificate whose names do not match the file name. A name matches
 *	<domain>.pem when the certificate has an email address
 *	(subjectAltName rfc822Name, subject emailAddress, or a CN with '@')
 *	in that domain, a parent or a subdomain of it, or the domain itself
 *	as dNSName (or CN); it matches <address>.pem when it has that email
 *	address (the rules of sg_certcheck(3), which smimegw-cert import
 *	applies too). smimegw -n prints problems and notes as warnings and
 *	fails when there was a problem.
 * DIAGNOSTICS
 *	sg_certdir_find(): SG_TEMPFAIL when the directory is missing or not a
 *	directory, or a name cannot be looked up, or a matching entry is
 *	misnamed or ambiguous; SG_REJECT (from sg_addr(3)) when the
 *	recipient's domain cannot be normalised (bad UTF-8, a code point
 *	IDNA2008 disallows, an empty label): such a recipient is never
 *	"without certificate", the filter bounces it (5.1.3) or defers. An
 *	entry that exists (even a dangling link) is returned, so that
 *	sg_certdir_load() fails on it.
 *	sg_certdir_load(): SG_TEMPFAIL when a file exists but cannot be
 *	read, cannot be parsed, or holds no usable certificate valid now
 *	(fail closed: the message waits for the administrator rather than
 *	leave in clear); the text says how many were skipped and why.
 *	sg_certdir_audit(): SG_CONFIG when the directory cannot be listed;
 *	findings go to report(), not to the status.
 */
#ifndef SG_CERTDIR_H
#define SG_CERTDIR_H

#include <stddef.h>
#include <time.h>

#include "sg_certs.h"
#include "sg_status.h"

/* What sg_certdir_load_skipped() left out of a file, by reason. */
typedef struct sg_certdir_skipped {
	size_t	ca;			/* basicConstraints CA=true */
	size_t	usage;			/* keyUsage: no encryption */
	size_t	time;			/* expired or not yet valid */
} sg_certdir_skipped;

typedef enum sg_certdir_severity {
	SG_CERTDIR_NOTE = 0,		/* information; mail flows as meant */
	SG_CERTDIR_PROBLEM,		/* unreachable, or mail would defer */
} sg_certdir_severity;

typedef void (*sg_certdir_report_fn) (void *ctx, const char *name,
				      sg_certdir_severity severity,
				      const char *text);

sg_status sg_certdir_find(const char *dir, const char *rcpt, char **file);
sg_status sg_certdir_load(const char *file, time_t now, sg_certs *certs);
sg_status sg_certdir_load_skipped(const char *file, time_t now,
				  sg_certs *certs, sg_certdir_skipped *skipped);
sg_status sg_certdir_audit(const char *dir, time_t now,
			   sg_certdir_report_fn report, void *ctx);

#endif
