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

/* sg_config_free - release a configuration; NULL is allowed */
void	sg_config_free(sg_config *cfg)
{
	if (cfg == NULL)
		return;
	sg_ini_free(sg_config_schema, SG_INI_COUNT(sg_config_schema), cfg);
	free(cfg->path);
	free(cfg);
}
