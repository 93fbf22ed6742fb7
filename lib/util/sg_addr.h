/*
 * NAME
 *	sg_addr 3h
 * SUMMARY
 *	one normal form for mail addresses and domains
 * SYNOPSIS
 *	#include "sg_addr.h"
 *
 *	sg_addr a = SG_ADDR_INIT;
 *	st = sg_addr_parse("Bob@Bücher.Example.", &a);
 *	... a.local "Bob", a.domain "xn--bcher-kva.example" ...
 *	sg_addr_free(&a);
 *
 *	char *dom = NULL;
 *	st = sg_addr_domain("B.Example.", &dom);	... "b.example" ...
 *	free(dom);
 * DESCRIPTION
 *	Every module that compares or looks up addresses and domains (policy,
 *	the certificate directory, its audit) uses these functions, so that
 *	"is this ours?" and "which certificate?" never disagree.
 *
 *	sg_addr_domain() normalises a domain: U-labels become A-labels with
 *	libidn2 (IDNA2008 with UTS #46 non-transitional mapping, which also
 *	lower-cases and maps full-width dots); an ASCII domain is kept as it
 *	is except that it is lower-cased; then one trailing dot (an absolute
 *	name) is removed. There is no length limit beyond that of libidn2
 *	for a domain that has U-labels (63 bytes a label).
 *
 *	sg_addr_parse() splits an address at its last '@'. The local part is
 *	kept byte for byte as given (quoted strings included); the domain
 *	goes through sg_addr_domain(). An address without '@' has
 *	a.domain == NULL (Postfix qualifies addresses before the filter, so
 *	this is "no domain", not an error).
 *
 *	sg_addr_lookup_name() is the name of an address in the certificate
 *	directory: local part lower-cased (ASCII letters only, other bytes as
 *	given), '@', normal domain. The caller frees it.
 * DIAGNOSTICS
 *	SG_OK, or:
 *	SG_REJECT when the domain cannot be normalised: it is empty, has an
 *	empty label (a leading dot, "..", two trailing dots), holds a control
 *	character, space, DEL, '/' or '\\', or has non-ASCII bytes that are
 *	not UTF-8 or that IDNA2008 disallows (the text names libidn2's
 *	reason). The address cannot be delivered as written; the filter
 *	bounces it with 5.1.3 (or defers). It is NEVER to be read as "no
 *	certificate": such a recipient must not get a plain copy.
 *	SG_TEMPFAIL when libidn2 runs out of memory.
 */
#ifndef SG_ADDR_H
#define SG_ADDR_H

#include "sg_status.h"

typedef struct sg_addr {
	char   *local;			/* before the last '@', as given */
	char   *domain;			/* normal form; NULL: no '@' */
} sg_addr;

#define SG_ADDR_INIT { NULL, NULL }

/* sg_addr_domain - the normal form of a domain; caller frees *out */
sg_status sg_addr_domain(const char *domain, char **out);

/* sg_addr_parse - split at the last '@' and normalise the domain */
sg_status sg_addr_parse(const char *addr, sg_addr *a);

/* sg_addr_lookup_name - "lower(local)@domain"; NULL without a domain */
char   *sg_addr_lookup_name(const sg_addr *a);

/* sg_addr_free - release both parts; the struct can be reused */
void	sg_addr_free(sg_addr *a);

#endif
