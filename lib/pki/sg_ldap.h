/*
 * NAME
 *	sg_ldap 3h
 * SUMMARY
 *	read the community directory: members, their certificates, CRLs
 * SYNOPSIS
 *	#include "sg_ldap.h"
 *
 *	sg_ldap_opts o = SG_LDAP_OPTS_INIT;
 *	o.uri = "ldap://dir1.example ldap://dir2.example";
 *	o.base = "ou=members,dc=community,dc=example";
 *	sg_ldap_result res = SG_LDAP_RESULT_INIT;
 *	st = sg_ldap_fetch(&o, &res);
 *	... res.members[i].domains, res.members[i].values ...
 *	sg_ldap_result_free(&res);
 * DESCRIPTION
 *	sg_ldap_fetch() reads everything a snapshot (sg_ldapsnap(3)) needs
 *	with OpenLDAP's libldap, LDAPv3:
 *
 *	uri is one URI or several separated by blanks or commas (ldap:// or
 *	ldaps://); libldap tries them in turn until one answers (failover).
 *	starttls asks for StartTLS on an ldap:// connection (ldaps:// is TLS
 *	from the start). TLS always verifies the server's certificate
 *	(LDAP_OPT_X_TLS_REQUIRE_CERT demand) against ca_file (the system's
 *	CAs when NULL) and its name against the URI's host: a wrong CA or a
 *	wrong name is a failure, never a fallback to clear text. The user's
 *	ldap.conf and .ldaprc are not read (LDAPNOINIT): the configuration
 *	is ours alone.
 *
 *	bind_dn (NULL: anonymous) binds simply, with the password read from
 *	bind_password_file (one line; a trailing newline is dropped). The
 *	file must be a regular file not readable or writable by group or
 *	others (0600 or 0400), and a password is never sent without TLS.
 *
 *	Members: a subtree search of base with member_filter, paged
 *	(RFC 2696, SG_LDAP_PAGE_SIZE entries a page), asking for
 *	domain_attribute, certificate_attribute and userSMIMECertificate.
 *	Attribute names are compared without their options and in any case,
 *	so "userCertificate;binary" matches what a server returns as
 *	userCertificate or userCertificate;binary. An entry gives every
 *	value of domain_attribute as a domain, and every certificate value as
 *	DER bytes: those of userSMIMECertificate are flagged pkcs7 (a PKCS#7
 *	SignedData that carries certificates, RFC 2798). Values are returned
 *	as they are; checking them is the snapshot's job.
 *
 *	CRLs: when crl_base is set, a subtree search of it for entries with
 *	certificateRevocationList (;binary), also paged.
 *
 *	Every operation has a time limit of timeout seconds: connecting
 *	(LDAP_OPT_NETWORK_TIMEOUT), each request and its answer
 *	(LDAP_OPT_TIMEOUT and the search time limit).
 * DIAGNOSTICS
 *	SG_OK with res filled. SG_TEMPFAIL with one sentence naming the
 *	URI and what failed when the directory cannot be reached, TLS fails,
 *	the bind is refused, an operation times out or a search fails (also
 *	noSuchObject: a base that vanished is not an empty community).
 *	SG_CONFIG for a missing uri or base, an unsafe or unreadable
 *	password file, or a password without TLS.
 * SECURITY
 *	The password is wiped from memory after the bind.
 */
#ifndef SG_LDAP_H
#define SG_LDAP_H

#include <stdbool.h>
#include <stddef.h>

#include "sg_status.h"

#define SG_LDAP_PAGE_SIZE	500

typedef struct sg_ldap_opts {
	const char *uri;		/* one or more URIs */
	bool	starttls;
	const char *ca_file;		/* NULL: the system's CAs */
	const char *bind_dn;		/* NULL: anonymous */
	const char *bind_password_file;
	const char *base;
	const char *member_filter;
	const char *domain_attribute;
	const char *certificate_attribute;
	const char *crl_base;		/* NULL: no CRLs */
	unsigned timeout;		/* seconds, each operation */
} sg_ldap_opts;

#define SG_LDAP_OPTS_INIT { NULL, true, NULL, NULL, NULL, NULL, \
	"(objectClass=domainRelatedObject)", "associatedDomain", \
	"userCertificate;binary", NULL, 30 }

typedef struct sg_ldap_value {
	unsigned char *data;
	size_t	len;
	bool	pkcs7;			/* userSMIMECertificate */
} sg_ldap_value;

typedef struct sg_ldap_entry {
	char   *dn;
	char  **domains;		/* as the directory has them */
	size_t	ndomains;
	sg_ldap_value *values;		/* certificates, or CRLs */
	size_t	nvalues;
} sg_ldap_entry;

typedef struct sg_ldap_result {
	sg_ldap_entry *members;
	size_t	nmembers;
	sg_ldap_entry *crls;		/* domains unused */
	size_t	ncrls;
	char   *uri;			/* the URI that answered */
} sg_ldap_result;

#define SG_LDAP_RESULT_INIT { NULL, 0, NULL, 0, NULL }

/* sg_ldap_fetch - members and CRLs from the directory; see DESCRIPTION */
sg_status sg_ldap_fetch(const sg_ldap_opts *opts, sg_ldap_result *res);

/* sg_ldap_result_free - release everything; res can be reused */
void	sg_ldap_result_free(sg_ldap_result *res);

#endif
