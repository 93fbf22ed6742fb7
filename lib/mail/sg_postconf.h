/*
 * NAME
 *	sg_postconf 3h
 * SUMMARY
 *	what smimegw -n asks Postfix: the time limit, the domain lists
 * SYNOPSIS
 *	#include "sg_postconf.h"
 *
 *	st = sg_postconf_check_timeout(cfg);		(smimegw -n)
 *	st = sg_postconf_check_domains(cfg, &missing);	(smimegw -n)
 *
 *	ok = sg_postconf_time("5m", &seconds);
 *	max = sg_postconf_timeout_max(limit);
 *	st = sg_postconf_get("/usr/sbin/postconf", "smimegw_time_limit",
 *			     &value);
 *	yes = sg_postconf_in_list("a.example, .b.example", "x.b.example",
 *				  parent_matches);
 * DESCRIPTION
 *	pipe(8) kills the filter when smimegw_time_limit runs out, and
 *	bounces the message even when a copy was already reinjected. The
 *	filter's own alarm ([gateway] timeout) must therefore ring first,
 *	with room to spare: sg_postconf_timeout_max() allows at most the
 *	limit less 30 seconds, and at most 90% of it (the smaller of both;
 *	none at all for a limit of 30 s or less). 300s allows 270, 100s
 *	allows 70, 1000s allows 900.
 *
 *	sg_postconf_time() reads a Postfix time value as Postfix's
 *	conv_time() does: decimal digits and an optional unit s, m, h, d or
 *	w (seconds when none), below 2^31 seconds. Anything else is false.
 *
 *	sg_postconf_get() runs "POSTCONF -xh NAME" with execv (no shell; the
 *	environment is passed on, so MAIL_CONFIG selects a Postfix instance)
 *	in a process group of its own, and waits at most 5 seconds for it;
 *	then the group is killed. *value is its first line of output without
 *	blanks ("" when postconf knows no such parameter); the caller frees
 *	it.
 *
 *	sg_postconf_check_timeout() asks cfg->postconf ([gateway] postconf,
 *	default /usr/sbin/postconf) for smimegw_time_limit and compares.
 *	When postconf is missing, fails, hangs or prints nothing (no smimegw
 *	service in master.cf: the parameter is unknown), it logs a warning
 *	and returns SG_OK: the check cannot be made. With a smimegw service
 *	and the parameter unset, postconf prints Postfix's default,
 *	$command_time_limit (1000s), which is then checked like any value.
 *
 *	sg_postconf_check_domains() warns (sg_log_warning, one line per
 *	domain, *missing counts them) about each of our [gateway] domains
 *	that none of Postfix's mydestination, relay_domains,
 *	virtual_alias_domains and virtual_mailbox_domains names ("postconf
 *	-xh" each): Postfix would not receive mail for it, so it is most
 *	likely a typo, and mail from its users would be taken for inbound
 *	and leave in clear. A list element matches as Postfix's domain lists
 *	do: the name itself (case and a trailing dot aside); ".example"
 *	matches every name below example; "example" matches the names below
 *	it too when the parameter is listed in Postfix's
 *	parent_domain_matches_subdomains. A lookup table ("type:name") is
 *	asked with "postmap -q DOMAIN type:name" (postmap beside [gateway]
 *	postconf), for the domain itself only. "!name" elements and
 *	"/file/name" lists are not interpreted: a domain they might name is
 *	reported with "(not checked: ...)". When postconf cannot be asked,
 *	one warning says the check was not made.
 *	sg_postconf_in_list() is the pure matcher of plain elements.
 * DIAGNOSTICS
 *	sg_postconf_check_timeout(): SG_CONFIG when the timeout is not safely
 *	below the limit, or postconf printed a value Postfix cannot read;
 *	the sentence names the file, [gateway] timeout, both values and the
 *	largest allowed timeout. sg_postconf_get(): SG_TEMPFAIL with the
 *	reason (not executable, exited with status N and its first line on
 *	stderr, killed, did not answer).
 */
#ifndef SG_POSTCONF_H
#define SG_POSTCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "sg_config.h"
#include "sg_status.h"

#define SG_POSTCONF_MARGIN	30	/* seconds below the limit, at least */
#define SG_POSTCONF_PERCENT	90	/* of the limit, at most */
#define SG_POSTCONF_WAIT	5	/* seconds for postconf to answer */

/* sg_postconf_time - a Postfix time value in seconds */
bool	sg_postconf_time(const char *text, unsigned long *seconds);

/* sg_postconf_timeout_max - the largest timeout safe under limit; 0: none */
unsigned long sg_postconf_timeout_max(unsigned long limit);

/* sg_postconf_get - "POSTCONF -xh NAME": its first line; caller frees */
sg_status sg_postconf_get(const char *postconf, const char *name,
			  char **value);

/* sg_postconf_check_timeout - -n: timeout safely below smimegw_time_limit */
sg_status sg_postconf_check_timeout(const sg_config *cfg);

/* sg_postconf_in_list - a plain element of a Postfix domain list matches */
bool	sg_postconf_in_list(const char *list, const char *domain,
			    bool parent_matches);

/* sg_postconf_check_domains - -n: warn about domains Postfix does not take */
sg_status sg_postconf_check_domains(const sg_config *cfg, size_t *missing);

#endif
