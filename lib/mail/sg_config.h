/*
 * NAME
 *	sg_config 3h
 * SUMMARY
 *	the smimegw configuration file
 * SYNOPSIS
 *	#include "sg_config.h"
 *
 *	sg_config *cfg;
 *	st = sg_config_load("/etc/smimegw/smimegw.conf", &cfg);
 *	...
 *	sg_config_free(cfg);
 * DESCRIPTION
 *	The gateway's schema over sg_ini(3) (iniparser, strict validation:
 *	unknown sections and keys are errors, integers are decimal with no
 *	trailing garbage and within bounds, enums accept exactly the listed
 *	words, any case). A new key is one line in the schema table of
 *	sg_config.c and its field here.
 *
 *	[gateway]
 *	domains = a.example, a-corp.example	(required; comma/space list)
 *	certificate = /etc/smimegw/gateway.pem	(required)
 *	private_key = /etc/smimegw/gateway.key	(required)
 *	sendmail = /usr/sbin/sendmail
 *	null_sender = outbound			(outbound | inbound)
 *	timeout = 240				(seconds, 10..3600; alarm)
 *	max_message_size = 52428800		(bytes, 1024..1073741824)
 *	log_file =				(optional path; see sg_log(3))
 *	postconf = /usr/sbin/postconf		(-n asks it for
 *						 smimegw_time_limit and
 *						 the domain lists)
 *	probe_directory = /var/lib/smimegw/probe (smimegw-test's tokens;
 *						 see sg_probe(3))
 *	[certificates]
 *	directory = /etc/smimegw/certs
 *	[outbound]
 *	cipher = aes256-cbc			(aes128-cbc | aes256-cbc |
 *						 aes128-gcm | aes256-gcm)
 *	mixed_recipients = split		(split | reject)
 *	key_transport = rsa-pkcs1		(rsa-pkcs1 | rsa-oaep)
 *	recipient_id = issuer-serial		(issuer-serial | ski)
 *	[inbound]
 *	decrypt_failure = bounce		(bounce | defer)
 *	desktop_smime = pass			(pass | reject)
 *	[gateway] hostname =			(authserv-id of our
 *						 Authentication-Results)
 *	[signing]
 *	mode = partners				(none | partners | all)
 *	certificate =				(default [gateway] certificate)
 *	private_key =				(default [gateway] private_key)
 *	digest = sha256				(sha256 | sha384 | sha512)
 *	rsa_pss = no				(RSASSA-PSS for RSA keys)
 *	[verification]
 *	trust_anchors =				(PEM CA certificates)
 *	crl_dir =				(CRLs, PEM or DER)
 *	strip_domain_signature = yes
 *	partner_policy = tag			(tag | quarantine | reject)
 *	quarantine_address =			(required with quarantine)
 *	[gateway] state_directory = /var/lib/smimegw	(what the filter
 *						 remembers: warnings given,
 *						 partners' capabilities)
 *	[certificates] invalid = defer		(defer | bounce: no usable
 *						 partner certificate left)
 *	[certificates] warn_days = 30		(our own certificates)
 *	[harvest]
 *	mode = off				(off | pending | auto)
 *	pending_dir = /var/lib/smimegw/pending
 *	[ldap]					(the community directory;
 *						 smimegw-cert sync, sg_ldap)
 *	uri =					(ldap:// or ldaps://, several
 *						 separated by blanks: failover)
 *	starttls = yes
 *	ca_file =				(CA of the directory's TLS
 *						 certificate)
 *	bind_dn =				(optional; simple bind)
 *	bind_password_file =			(mode 0600)
 *	base =					(required with uri)
 *	member_filter = (objectClass=domainRelatedObject)
 *	domain_attribute = associatedDomain
 *	certificate_attribute = "userCertificate;binary"
 *	crl_base =				(optional)
 *	directory = /var/lib/smimegw/community	(the snapshot link)
 *	max_age = 86400				(seconds; 0: never stale)
 *	timeout = 30				(seconds, each operation)
 *
 *	Values that would silently mean something else are refused: any
 *	text iniparser would drop (an unquoted ';' or '#', so comments go
 *	on lines of their own; text after a closing quote; see sg_ini(3)).
 *	Domains are stored lower-case, without duplicates; a domain of a
 *	single label ("example") is refused, since every domain under it
 *	would be ours and its mail would leave in clear, and so is a name
 *	whose last label is all digits. Not checked: a public suffix of
 *	more than one label ("co.uk", "github.io") would do the same harm;
 *	refusing it needs the Public Suffix List, which is out of scope.
 * DIAGNOSTICS
 *	SG_CONFIG with a sentence naming the file, the line (when the key is
 *	in the file), the section and the key, e.g.
 *	"/etc/smimegw/smimegw.conf:7: [outbound] cipher: unknown value
 *	'aes512' (expected aes128-cbc, aes256-cbc, aes128-gcm, aes256-gcm)".
 *	SG_TEMPFAIL when the file cannot be opened or read.
 */
#ifndef SG_CONFIG_H
#define SG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sg_cipher.h"
#include "sg_cms.h"
#include "sg_keytrans.h"
#include "sg_sign.h"
#include "sg_status.h"

typedef enum sg_mixed_policy {
	SG_MIXED_SPLIT = 0,
	SG_MIXED_REJECT,
} sg_mixed_policy;

typedef enum sg_decrypt_failure {
	SG_DECRYPT_FAILURE_BOUNCE = 0,
	SG_DECRYPT_FAILURE_DEFER,
} sg_decrypt_failure;

typedef enum sg_desktop_policy {
	SG_DESKTOP_PASS = 0,
	SG_DESKTOP_REJECT,
} sg_desktop_policy;

typedef enum sg_sign_mode {
	SG_SIGN_NONE = 0,
	SG_SIGN_PARTNERS,		/* copies that are encrypted */
	SG_SIGN_ALL,			/* every outbound copy */
} sg_sign_mode;

typedef enum sg_partner_policy {
	SG_PARTNER_POLICY_TAG = 0,
	SG_PARTNER_POLICY_QUARANTINE,
	SG_PARTNER_POLICY_REJECT,
} sg_partner_policy;

typedef enum sg_invalid_policy {
	SG_INVALID_DEFER = 0,		/* wait in the queue */
	SG_INVALID_BOUNCE,		/* 5.7.5 */
} sg_invalid_policy;

typedef enum sg_harvest_mode {
	SG_HARVEST_OFF = 0,
	SG_HARVEST_PENDING,		/* stored for the administrator */
	SG_HARVEST_AUTO,		/* activated when chain-valid */
} sg_harvest_mode;

typedef struct sg_config {
	char   *path;			/* the file it came from */
	/* [gateway] */
	char  **domains;		/* lower-case */
	size_t	ndomains;
	char   *certificate;
	char   *private_key;
	char   *sendmail;
	bool	null_sender_outbound;
	unsigned timeout;
	size_t	max_message_size;
	char   *log_file;		/* NULL when not set */
	char   *postconf;		/* for -n: Postfix's postconf(1) */
	char   *probe_dir;		/* smimegw-test's tokens */
	/* [certificates] */
	char   *cert_dir;
	/* [outbound] */
	sg_cipher_id cipher;
	sg_mixed_policy mixed_recipients;
	sg_keytrans_alg key_transport;
	sg_cms_rid recipient_id;
	/* [inbound] */
	sg_decrypt_failure decrypt_failure;
	sg_desktop_policy desktop_smime;
	/* [gateway] hostname: authserv-id; NULL: the host name */
	char   *hostname;
	/* [signing] */
	sg_sign_mode sign_mode;
	char   *sign_certificate;	/* NULL: [gateway] certificate */
	char   *sign_private_key;	/* NULL: [gateway] private_key */
	sg_digest sign_digest;
	bool	sign_rsa_pss;
	/* [verification] */
	char   *trust_anchors;		/* NULL: none */
	char   *crl_dir;		/* NULL: none */
	bool	strip_domain_signature;
	sg_partner_policy partner_policy;
	char   *quarantine_address;	/* NULL: none */
	/* [gateway] state_directory: what the filter remembers */
	char   *state_dir;
	/* [certificates] */
	sg_invalid_policy invalid;	/* no usable certificate left */
	unsigned warn_days;		/* our own certificates expiring */
	/* [harvest] */
	sg_harvest_mode harvest_mode;
	char   *harvest_pending_dir;
	/* [ldap]: the community directory (sg_ldap, sg_ldapsnap) */
	char   *ldap_uri;		/* NULL: no directory */
	bool	ldap_starttls;
	char   *ldap_ca_file;
	char   *ldap_bind_dn;		/* NULL: anonymous */
	char   *ldap_bind_password_file;
	char   *ldap_base;
	char   *ldap_member_filter;
	char   *ldap_domain_attribute;
	char   *ldap_certificate_attribute;
	char   *ldap_crl_base;		/* NULL: no CRLs */
	char   *ldap_directory;		/* the snapshot link */
	unsigned ldap_max_age;		/* seconds; 0: never stale */
	unsigned ldap_timeout;		/* seconds, each LDAP operation */
} sg_config;

/* sg_config_load - read and validate a file; caller frees *cfg */
sg_status sg_config_load(const char *path, sg_config **cfg);

/* sg_config_print - "[section] key = value" for every key (smimegw -d) */
void	sg_config_print(const sg_config *cfg, FILE *fp);

/* sg_config_free - release a configuration; NULL is allowed */
void	sg_config_free(sg_config *cfg);

#endif
