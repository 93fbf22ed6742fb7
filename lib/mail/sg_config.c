/*
 * NAME
 *	sg_config 3
 * SUMMARY
 *	the smimegw configuration file
 * DESCRIPTION
 *	The gateway's schema: one line per key, read by sg_ini(3) straight
 *	into struct sg_config. What a value means (cipher names, policies,
 *	which domains may be ours) is decided here; how a file is read, and
 *	that nothing in it is ignored, in sg_ini.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sg_config.h"
#include "sg_ini.h"
#include "sg_mem.h"

#define CFG(field)	SG_INI_FIELD(sg_config, field)

static const sg_ini_word sg_config_null_sender[] = {
	{"outbound", 1}, {"inbound", 0}, {NULL, 0},
};

static const sg_ini_word sg_config_ciphers[] = {
	{"aes128-cbc", SG_CIPHER_AES128_CBC},
	{"aes256-cbc", SG_CIPHER_AES256_CBC},
	{"aes128-gcm", SG_CIPHER_AES128_GCM},
	{"aes256-gcm", SG_CIPHER_AES256_GCM},
	{NULL, 0},
};

static const sg_ini_word sg_config_mixed[] = {
	{"split", SG_MIXED_SPLIT}, {"reject", SG_MIXED_REJECT}, {NULL, 0},
};

static const sg_ini_word sg_config_keytrans[] = {
	{"rsa-pkcs1", SG_KEYTRANS_RSA_PKCS1},
	{"rsa-oaep", SG_KEYTRANS_RSA_OAEP},
	{NULL, 0},
};

static const sg_ini_word sg_config_rid[] = {
	{"issuer-serial", SG_CMS_RID_ISSUER_SERIAL},
	{"ski", SG_CMS_RID_SKI},
	{NULL, 0},
};

static const sg_ini_word sg_config_decrypt_failure[] = {
	{"bounce", SG_DECRYPT_FAILURE_BOUNCE},
	{"defer", SG_DECRYPT_FAILURE_DEFER},
	{NULL, 0},
};

static const sg_ini_word sg_config_sign_mode[] = {
	{"none", SG_SIGN_NONE}, {"partners", SG_SIGN_PARTNERS},
	{"all", SG_SIGN_ALL}, {NULL, 0},
};

static const sg_ini_word sg_config_digest[] = {
	{"sha256", SG_DIGEST_SHA256}, {"sha384", SG_DIGEST_SHA384},
	{"sha512", SG_DIGEST_SHA512}, {NULL, 0},
};

static const sg_ini_word sg_config_partner_policy[] = {
	{"tag", SG_PARTNER_POLICY_TAG},
	{"quarantine", SG_PARTNER_POLICY_QUARANTINE},
	{"reject", SG_PARTNER_POLICY_REJECT}, {NULL, 0},
};

static const sg_ini_word sg_config_invalid[] = {
	{"defer", SG_INVALID_DEFER}, {"bounce", SG_INVALID_BOUNCE}, {NULL, 0},
};

static const sg_ini_word sg_config_harvest[] = {
	{"off", SG_HARVEST_OFF}, {"pending", SG_HARVEST_PENDING},
	{"auto", SG_HARVEST_AUTO}, {NULL, 0},
};

static const sg_ini_word sg_config_desktop[] = {
	{"pass", SG_DESKTOP_PASS}, {"reject", SG_DESKTOP_REJECT}, {NULL, 0},
};

/*
 * sg_config_our_domain - a domain we may call ours. Our domains include
 * their subdomains (RFC 3183), so a single label would make every
 * partner under it ours, and its mail would go out in clear.
 */
static const char *sg_config_our_domain(const char *name)
{
	if (strchr(name, '.') == NULL)
		return "is a single label: every domain under it would be "
		       "ours, and its mail would leave in clear";
	return NULL;
}

/* Section, key, type, then what differs from "optional, no default". */
static const sg_ini_item sg_config_schema[] = {
	{"gateway", "domains", SG_INI_DOMAINS, .required = true,
	 .check = sg_config_our_domain, CFG(domains),
	 .count_off = offsetof(sg_config, ndomains)},
	{"gateway", "certificate", SG_INI_PATH, .required = true,
	 CFG(certificate)},
	{"gateway", "private_key", SG_INI_PATH, .required = true,
	 CFG(private_key)},
	{"gateway", "sendmail", SG_INI_PATH, .def = "/usr/sbin/sendmail",
	 CFG(sendmail)},
	{"gateway", "null_sender", SG_INI_ENUM, .def = "outbound",
	 .words = sg_config_null_sender, CFG(null_sender_outbound)},
	{"gateway", "timeout", SG_INI_UINT, .def = "240", .min = 10,
	 .max = 3600, CFG(timeout)},
	{"gateway", "max_message_size", SG_INI_UINT, .def = "52428800",
	 .min = 1024, .max = 1073741824, CFG(max_message_size)},
	{"gateway", "log_file", SG_INI_PATH, CFG(log_file)},
	{"gateway", "postconf", SG_INI_PATH, .def = "/usr/sbin/postconf",
	 CFG(postconf)},
	{"gateway", "probe_directory", SG_INI_PATH,
	 .def = "/var/lib/smimegw/probe", CFG(probe_dir)},
	{"certificates", "directory", SG_INI_PATH, .def = "/etc/smimegw/certs",
	 CFG(cert_dir)},
	{"outbound", "cipher", SG_INI_ENUM, .def = "aes256-cbc",
	 .words = sg_config_ciphers, CFG(cipher)},
	{"outbound", "mixed_recipients", SG_INI_ENUM, .def = "split",
	 .words = sg_config_mixed, CFG(mixed_recipients)},
	{"outbound", "key_transport", SG_INI_ENUM, .def = "rsa-pkcs1",
	 .words = sg_config_keytrans, CFG(key_transport)},
	{"outbound", "recipient_id", SG_INI_ENUM, .def = "issuer-serial",
	 .words = sg_config_rid, CFG(recipient_id)},
	{"inbound", "decrypt_failure", SG_INI_ENUM, .def = "bounce",
	 .words = sg_config_decrypt_failure, CFG(decrypt_failure)},
	{"inbound", "desktop_smime", SG_INI_ENUM, .def = "pass",
	 .words = sg_config_desktop, CFG(desktop_smime)},
	{"gateway", "hostname", SG_INI_STRING, CFG(hostname)},
	{"signing", "mode", SG_INI_ENUM, .def = "partners",
	 .words = sg_config_sign_mode, CFG(sign_mode)},
	{"signing", "certificate", SG_INI_PATH, CFG(sign_certificate)},
	{"signing", "private_key", SG_INI_PATH, CFG(sign_private_key)},
	{"signing", "digest", SG_INI_ENUM, .def = "sha256",
	 .words = sg_config_digest, CFG(sign_digest)},
	{"signing", "rsa_pss", SG_INI_BOOL, .def = "no", CFG(sign_rsa_pss)},
	{"verification", "trust_anchors", SG_INI_PATH, CFG(trust_anchors)},
	{"verification", "crl_dir", SG_INI_PATH, CFG(crl_dir)},
	{"verification", "strip_domain_signature", SG_INI_BOOL, .def = "yes",
	 CFG(strip_domain_signature)},
	{"verification", "partner_policy", SG_INI_ENUM, .def = "tag",
	 .words = sg_config_partner_policy, CFG(partner_policy)},
	{"verification", "quarantine_address", SG_INI_STRING,
	 CFG(quarantine_address)},
	{"gateway", "state_directory", SG_INI_PATH, .def = "/var/lib/smimegw",
	 CFG(state_dir)},
	{"certificates", "invalid", SG_INI_ENUM, .def = "defer",
	 .words = sg_config_invalid, CFG(invalid)},
	{"certificates", "warn_days", SG_INI_UINT, .def = "30", .min = 0,
	 .max = 3650, CFG(warn_days)},
	{"harvest", "mode", SG_INI_ENUM, .def = "off",
	 .words = sg_config_harvest, CFG(harvest_mode)},
	{"harvest", "pending_dir", SG_INI_PATH,
	 .def = "/var/lib/smimegw/pending", CFG(harvest_pending_dir)},
	{"ldap", "uri", SG_INI_STRING, CFG(ldap_uri)},
	{"ldap", "starttls", SG_INI_BOOL, .def = "yes", CFG(ldap_starttls)},
	{"ldap", "ca_file", SG_INI_PATH, CFG(ldap_ca_file)},
	{"ldap", "bind_dn", SG_INI_STRING, CFG(ldap_bind_dn)},
	{"ldap", "bind_password_file", SG_INI_PATH,
	 CFG(ldap_bind_password_file)},
	{"ldap", "base", SG_INI_STRING, CFG(ldap_base)},
	{"ldap", "member_filter", SG_INI_STRING,
	 .def = "(objectClass=domainRelatedObject)", CFG(ldap_member_filter)},
	{"ldap", "domain_attribute", SG_INI_STRING, .def = "associatedDomain",
	 CFG(ldap_domain_attribute)},
	{"ldap", "certificate_attribute", SG_INI_STRING,
	 .def = "userCertificate;binary", CFG(ldap_certificate_attribute)},
	{"ldap", "crl_base", SG_INI_STRING, CFG(ldap_crl_base)},
	{"ldap", "directory", SG_INI_PATH, .def = "/var/lib/smimegw/community",
	 CFG(ldap_directory)},
	{"ldap", "max_age", SG_INI_UINT, .def = "86400", .min = 0,
	 .max = 31536000, CFG(ldap_max_age)},
	{"ldap", "timeout", SG_INI_UINT, .def = "30", .min = 1, .max = 600,
	 CFG(ldap_timeout)},
};

/* sg_config_load - read and validate a file; caller frees *cfg */
sg_status sg_config_load(const char *path, sg_config **cfgp)
{
	sg_config *cfg = sg_calloc(1, sizeof(*cfg));
	sg_status st;

	cfg->path = sg_strdup(path);
	st = sg_ini_load(path, sg_config_schema,
			 SG_INI_COUNT(sg_config_schema), cfg);
	if (sg_status_is_ok(&st)) {
		*cfgp = cfg;
	} else {
		*cfgp = NULL;
		sg_config_free(cfg);
	}
	return st;
}

/* sg_config_print - every key with the value in use, defaults included */
void	sg_config_print(const sg_config *cfg, FILE *fp)
{
	sg_ini_print(sg_config_schema, SG_INI_COUNT(sg_config_schema), cfg, fp);
}

/* sg_config_free - release a configuration; NULL is allowed */
void	sg_config_free(sg_config *cfg)
{
	if (cfg == NULL)
		return;
	sg_ini_free(sg_config_schema, SG_INI_COUNT(sg_config_schema), cfg);
	free(cfg->path);
	free(cfg);
}
