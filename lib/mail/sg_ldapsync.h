/*
 * NAME
 *	sg_ldapsync 3h
 * SUMMARY
 *	the community snapshot from the [ldap] section of the configuration
 * SYNOPSIS
 *	#include "sg_ldapsync.h"
 *
 *	sg_ldapsnap_summary sum;
 *	st = sg_ldapsync_run(cfg, force, time(NULL), &sum);
 *
 *	sg_ldapsnap_grade grade;
 *	char text[256];
 *	st = sg_ldapsync_staleness(cfg, time(NULL), &grade, text, sizeof(text));
 * DESCRIPTION
 *	sg_ldapsync_run() is what "smimegw-cert sync" does: the [ldap] keys
 *	of sg_config(3) become the options of sg_ldap(3), and
 *	sg_ldapsnap_sync(3) writes the snapshot at [ldap] directory. The
 *	summary line, or the reason for a failure, is logged (sg_log(3), to
 *	[gateway] log_file when set), and so is every entry or value left
 *	out.
 *
 *	sg_ldapsync_staleness() is for "smimegw-cert check" and the filter:
 *	the age of the snapshot graded against [ldap] max_age
 *	(sg_ldapsnap_staleness(3)), with one sentence in text. Without
 *	[ldap] uri it grades SG_LDAPSNAP_FRESH with text "".
 * DIAGNOSTICS
 *	sg_ldapsync_run(): SG_CONFIG when [ldap] uri or base is missing;
 *	otherwise what sg_ldapsnap_sync(3) returns (SG_TEMPFAIL for an
 *	unreachable directory, TLS or bind failure, a timeout, the
 *	mass-removal guard: the snapshot in use is kept).
 *	sg_ldapsync_staleness(): SG_OK; a missing snapshot grades CRITICAL.
 */
#ifndef SG_LDAPSYNC_H
#define SG_LDAPSYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sg_config.h"
#include "sg_ldapsnap.h"
#include "sg_status.h"

/* sg_ldapsync_run - sync the snapshot as [ldap] says; logs the outcome */
sg_status sg_ldapsync_run(const sg_config *cfg, bool force, time_t now,
			  sg_ldapsnap_summary *sum);

/* sg_ldapsync_staleness - the snapshot's age against [ldap] max_age */
sg_status sg_ldapsync_staleness(const sg_config *cfg, time_t now,
				sg_ldapsnap_grade *grade, char *text,
				size_t size);

#endif
