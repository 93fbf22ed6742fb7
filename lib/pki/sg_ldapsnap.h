/*
 * NAME
 *	sg_ldapsnap 3h
 * SUMMARY
 *	the community snapshot: written from the directory, read by the filter
 * SYNOPSIS
 *	#include "sg_ldapsnap.h"
 *
 *	sg_ldapsnap_summary sum;
 *	st = sg_ldapsnap_sync(&opts, "/var/lib/smimegw/community", time(NULL),
 *			      force, &sum);
 *	sg_ldapsnap_summary_format(&sum, line, sizeof(line));
 *
 *	char *file = NULL;
 *	st = sg_ldapsnap_find(snap, "x@dept.b.example", &file);
 *	bool member;
 *	st = sg_ldapsnap_member(snap, "b.example", &member);
 *	time_t age;
 *	st = sg_ldapsnap_age(snap, time(NULL), &age);
 *	switch (sg_ldapsnap_staleness(age, max_age)) ...
 * DESCRIPTION
 *	A snapshot is a directory that the filter reads like the certificate
 *	directory (sg_certdir(3)):
 *
 *	DOMAIN.pem	the usable certificates of a member domain (PEM), in
 *			the normal form of sg_addr(3)
 *	members		every member domain, one a line, sorted: membership
 *			(a member may lack DOMAIN.pem, see below)
 *	crls/		one file per CRL found under crl_base (PEM), named
 *			by a hash of its issuer; usable as [verification]
 *			crl_dir
 *
 *	The configured path (dir) is a symbolic link to the snapshot in use,
 *	a sibling ".NAME.XXXXXX" directory. sg_ldapsnap_write() fills a new
 *	sibling, syncs it to disk, makes a new link and renames it over dir:
 *	a reader sees the old set or the new, never a mix. Older siblings
 *	are removed, except the one just replaced (a filter that resolved
 *	the link a moment ago still finds its files).
 *
 *	What goes in. Each member entry gives its domains (domain_attribute,
 *	normalised; a value that is not a domain is skipped and logged) and
 *	its certificates. A certificate is kept for a domain when the checks
 *	of smimegw-cert import pass (sg_certcheck_peer(3): valid now, not a
 *	CA, for encryption, a key not too weak, names that fit the domain)
 *	and no CRL from the directory revokes it; a PKCS#7 value
 *	(userSMIMECertificate) gives every certificate it carries, and the
 *	CA certificates among them are left out silently. Every certificate
 *	left out otherwise is logged with the entry's DN and the reason.
 *	A domain whose certificates were all left out stays a member without
 *	DOMAIN.pem: sg_ldapsnap_find() then fails closed (its mail waits)
 *	rather than let a broken entry turn encryption off. A CRL value that
 *	does not parse is skipped and logged.
 *
 *	The mass-removal guard: when more than half of the members of the
 *	current snapshot would disappear, sg_ldapsnap_write() refuses
 *	unless force (a broken directory or a wrong filter must not turn
 *	encryption off for the community). The summary counts members
 *	added, changed (the certificate file differs), removed and
 *	unchanged, entries or values skipped, and CRLs written and refreshed
 *	(new or different from the current snapshot's).
 *
 *	sg_ldapsnap_sync() is sg_ldap_fetch(3) then sg_ldapsnap_write(); on
 *	any failure the current snapshot stays as it is.
 *
 *	The filter's side. sg_ldapsnap_find() has the semantics of
 *	sg_certdir_find() over the snapshot (the address file, then the
 *	domain and each parent, most specific first; *file NULL: none), and
 *	in addition fails closed for a member without a certificate file:
 *	when no file is found and the recipient's domain or one of its
 *	parents is a member, it returns SG_TEMPFAIL. A snapshot that does
 *	not exist (never synced) is empty: SG_OK with *file NULL.
 *	sg_ldapsnap_member() tells whether a domain (any form) or one of its
 *	parents is a member. sg_ldapsnap_age() is the time since the last
 *	successful sync (the members file's modification time);
 *	sg_ldapsnap_staleness() grades it against max_age: fresh up to
 *	max_age, SG_LDAPSNAP_WARNING beyond, SG_LDAPSNAP_CRITICAL beyond
 *	twice max_age (max_age 0: always fresh).
 * DIAGNOSTICS
 *	sg_ldapsnap_write(): SG_TEMPFAIL when the mass-removal guard refuses
 *	(the sentence says how many and --force) or a file cannot be written
 *	(a partial new directory is removed); SG_CONFIG when dir exists but
 *	is not a symbolic link (a directory an administrator made: it is not
 *	replaced), or the parent directory is missing.
 *	sg_ldapsnap_find(): as sg_certdir_find(), plus SG_TEMPFAIL for a
 *	member without a usable certificate and for an unreadable members
 *	file. sg_ldapsnap_age(): SG_TEMPFAIL when there is no snapshot.
 */
#ifndef SG_LDAPSNAP_H
#define SG_LDAPSNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sg_ldap.h"
#include "sg_status.h"

typedef struct sg_ldapsnap_summary {
	size_t	members;		/* in the new snapshot */
	size_t	added;
	size_t	changed;
	size_t	removed;
	size_t	unchanged;
	size_t	no_certificate;		/* members without DOMAIN.pem */
	size_t	skipped;		/* values or entries left out */
	size_t	crls;			/* CRLs written */
	size_t	crls_refreshed;		/* new or different */
	char	uri[128];		/* the directory that answered */
} sg_ldapsnap_summary;

typedef enum sg_ldapsnap_grade {
	SG_LDAPSNAP_FRESH = 0,
	SG_LDAPSNAP_WARNING,		/* older than max_age */
	SG_LDAPSNAP_CRITICAL,		/* older than twice max_age */
} sg_ldapsnap_grade;

/* sg_ldapsnap_sync - fetch from the directory, write and switch */
sg_status sg_ldapsnap_sync(const sg_ldap_opts *opts, const char *dir,
			   time_t now, bool force, sg_ldapsnap_summary *sum);

/* sg_ldapsnap_write - a new snapshot from res, switched atomically */
sg_status sg_ldapsnap_write(const char *dir, const sg_ldap_result *res,
			    time_t now, bool force, sg_ldapsnap_summary *sum);

/* sg_ldapsnap_summary_format - "members 3 (added 1, changed 0, ...)" */
void	sg_ldapsnap_summary_format(const sg_ldapsnap_summary *sum, char *buf,
				   size_t size);

/* sg_ldapsnap_find - sg_certdir_find() over the snapshot, fail closed */
sg_status sg_ldapsnap_find(const char *dir, const char *rcpt, char **file);

/*
 * sg_ldapsnap_lookup - what the filter uses for rcpt: the local certificate
 * directory first (the administrator's overrides, sg_certdir_find), then
 * the snapshot when snapshot is not NULL (sg_ldapsnap_find)
 */
sg_status sg_ldapsnap_lookup(const char *cert_dir, const char *snapshot,
			     const char *rcpt, char **file);

/* sg_ldapsnap_member - is domain (or a parent) a community member? */
sg_status sg_ldapsnap_member(const char *dir, const char *domain,
			     bool *member);

/* sg_ldapsnap_age - seconds since the last successful sync */
sg_status sg_ldapsnap_age(const char *dir, time_t now, time_t *age);

/* sg_ldapsnap_staleness - grade an age against max_age */
sg_ldapsnap_grade sg_ldapsnap_staleness(time_t age, time_t max_age);

#endif
