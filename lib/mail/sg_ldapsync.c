/*
 * NAME
 *	sg_ldapsync 3
 * SUMMARY
 *	the community snapshot from the [ldap] section of the configuration
 * DESCRIPTION
 *	See sg_ldapsync.h: the glue between sg_config(3), which lives in
 *	this wing, and sg_ldap(3)/sg_ldapsnap(3) in lib/pki.
 */
#include <stdio.h>
#include <string.h>

#include "sg_ldapsync.h"
#include "sg_log.h"

/* sg_ldapsync_run - sync the snapshot as [ldap] says; logs the outcome */
sg_status sg_ldapsync_run(const sg_config *cfg, bool force, time_t now,
			  sg_ldapsnap_summary *sum)
{
	sg_ldap_opts o = SG_LDAP_OPTS_INIT;
	char	line[512];
	sg_status st;

	memset(sum, 0, sizeof(*sum));
	if (cfg->log_file != NULL)
		sg_log_set_file(cfg->log_file);
	if (cfg->ldap_uri == NULL)
		return sg_status_make(SG_CONFIG, "%s: [ldap] uri is not set: no "
				      "community directory to sync from",
				      cfg->path);
	if (cfg->ldap_base == NULL)
		return sg_status_make(SG_CONFIG, "%s: [ldap] base is required "
				      "with uri", cfg->path);
	o.uri = cfg->ldap_uri;
	o.starttls = cfg->ldap_starttls;
	o.ca_file = cfg->ldap_ca_file;
	o.bind_dn = cfg->ldap_bind_dn;
	o.bind_password_file = cfg->ldap_bind_password_file;
	o.base = cfg->ldap_base;
	o.member_filter = cfg->ldap_member_filter;
	o.domain_attribute = cfg->ldap_domain_attribute;
	o.certificate_attribute = cfg->ldap_certificate_attribute;
	o.crl_base = cfg->ldap_crl_base;
	o.timeout = cfg->ldap_timeout;
	st = sg_ldapsnap_sync(&o, cfg->ldap_directory, now, force, sum);
	if (sg_status_is_ok(&st)) {
		sg_ldapsnap_summary_format(sum, line, sizeof(line));
		sg_log_info("%s", line);
	} else {
		sg_log_error("ldap sync failed, snapshot kept: %s", st.text);
	}
	return st;
}

/* sg_ldapsync_staleness - the snapshot's age against [ldap] max_age */
sg_status sg_ldapsync_staleness(const sg_config *cfg, time_t now,
				sg_ldapsnap_grade *grade, char *text,
				size_t size)
{
	sg_status st;
	time_t	age;

	*grade = SG_LDAPSNAP_FRESH;
	if (size > 0)
		*text = '\0';
	if (cfg->ldap_uri == NULL)
		return sg_status_ok();
	st = sg_ldapsnap_age(cfg->ldap_directory, now, &age);
	if (!sg_status_is_ok(&st)) {
		*grade = SG_LDAPSNAP_CRITICAL;
		snprintf(text, size, "community snapshot: %s", st.text);
		return sg_status_ok();
	}
	*grade = sg_ldapsnap_staleness(age, (time_t) cfg->ldap_max_age);
	snprintf(text, size, "community snapshot %s: last sync %lld s ago "
		 "(max_age %u)", cfg->ldap_directory, (long long) age,
		 cfg->ldap_max_age);
	return sg_status_ok();
}
