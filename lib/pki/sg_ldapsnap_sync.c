/*
 * NAME
 *	sg_ldapsnap_sync 3
 * SUMMARY
 *	sg_ldapsnap_sync(): the one part of sg_ldapsnap(3h) that talks LDAP
 * DESCRIPTION
 *	Kept apart from sg_ldapsnap.c so that a program that only looks up
 *	the snapshot (the filter) does not link sg_ldap and libldap: with
 *	--as-needed the linker leaves libldap, liblber and libsasl2 off its
 *	list of shared objects, three fewer to load for every message.
 */
#include <string.h>

#include "sg_ldap.h"
#include "sg_ldapsnap.h"

/* sg_ldapsnap_sync - fetch from the directory, write and switch */
sg_status sg_ldapsnap_sync(const sg_ldap_opts *opts, const char *dir,
			   time_t now, bool force, sg_ldapsnap_summary *sum)
{
	sg_ldap_result res = SG_LDAP_RESULT_INIT;
	sg_status st;

	memset(sum, 0, sizeof(*sum));
	st = sg_ldap_fetch(opts, &res);
	if (sg_status_is_ok(&st))
		st = sg_ldapsnap_write(dir, &res, now, force, sum);
	sg_ldap_result_free(&res);
	return st;
}
