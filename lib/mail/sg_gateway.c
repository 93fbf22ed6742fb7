/*
 * NAME
 *	sg_gateway 3
 * SUMMARY
 *	what the gateway does with one message: every copy, built in memory
 * DESCRIPTION
 *	Two steps (see sg_gateway(3h)): sg_gateway_open() settles what the
 *	message is (decrypted, relayed, or as it came), sg_gateway_route()
 *	turns the recipients into copies. Policy is sg_policy's; this module
 *	only gathers facts and builds bytes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sg_capstore.h"
#include "sg_certdir.h"
#include "sg_certs.h"
#include "sg_expiry.h"
#include "sg_cms.h"
#include "sg_gateway.h"
#include "sg_insig.h"
#include "sg_keyring.h"
#include "sg_ldapsnap.h"
#include "sg_log.h"
#include "sg_mem.h"
#include "sg_mime.h"
#include "sg_outsign.h"
#include "sg_reinject.h"
#include "sg_smimewrap.h"
#include "sg_trust.h"

/* Working state for one message. */
typedef struct sg_gw {
	const sg_gateway_job *job;
	sg_gateway_result *res;
	sg_mime *orig;			/* the message as it came */
	const uint8_t *msg;		/* what every recipient gets as is */
	size_t	len;
	sg_buf	own;			/* msg, when it is not the original */
	sg_mime *mime;			/* parse of msg; NULL until needed */
	char	action[SG_GATEWAY_ACTION_MAX];	/* for the as-is copy */
	sg_keyring *kr;			/* our keys, loaded when needed */
	bool	kr_lent;		/* ... or the job's */
	sg_status key_st;		/* ... and how that went */
	size_t	ndecrypted;		/* envelopes opened */
	char	authserv_id[256];	/* of our Authentication-Results */
	sg_insig insig;			/* what the signatures said */
	sg_partner_action partner;	/* partner_policy's decision */
	sg_outsign *os;			/* outbound signing, when asked */
	sg_outsign_signed signed_content; /* the entity, as multipart/signed */
	sg_trust *crls;			/* [verification] crl_dir, loaded once */
	bool	snapshot_checked;	/* its age, logged once */
	bool	sign_encrypted;		/* [signing] mode: what is signed */
	bool	sign_plain;
} sg_gw;

/* sg_gateway_say - format into a fixed buffer; a long text is cut */
static void sg_gateway_say(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sg_gateway_say(char *buf, size_t size, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* sg_gateway_append - add to the end of a fixed buffer; a long text is cut */
static void sg_gateway_append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sg_gateway_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t	n = strlen(buf);
	va_list	ap;

	if (n + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

/* sg_gateway_fail - set the DSN of a failure; returns st */
static sg_status sg_gateway_fail(sg_gateway_result *res, sg_status st,
				 const char *dsn, bool by_policy,
				 const char *text)
{
	res->dsn = dsn;
	res->by_policy = by_policy;
	sg_gateway_say(res->dsn_text, sizeof(res->dsn_text), "%s", text);
	return st;
}

/* sg_gateway_defer - a temporary failure with the generic DSN */
static sg_status sg_gateway_defer(sg_gateway_result *res, sg_status st)
{
	if (st.code == SG_OK || st.code == SG_REJECT)
		st.code = SG_TEMPFAIL;
	return sg_gateway_fail(res, st, "4.3.0", false,
			       "temporary failure, see the mail log");
}

/* sg_gateway_rid - log spelling of how the RecipientInfo named our key */
static const char *sg_gateway_rid(const sg_cms_info *info)
{
	return info->rid == SG_CMS_RID_SKI ? "ski" : "issuer-serial";
}

/* sg_gateway_decrypted_action - "action=decrypted cipher=..." */
static void sg_gateway_decrypted_action(sg_gw *gw, const sg_keyring *kr,
					const sg_cms_info *info)
{
	sg_keytrans_params kt = {info->keytrans, info->oaep_hash, NULL, 0};
	char	key[300];

	sg_certs_describe(sg_keyring_cert(kr, info->key_index), key,
			  sizeof(key));
	sg_gateway_say(gw->action, sizeof(gw->action), "action=decrypted cipher=%s "
		 "keytrans=%s rid=%s key=[%s]", sg_cipher_label(info->cipher),
		 sg_keytrans_label(&kt), sg_gateway_rid(info), key);
}

/*
 * sg_gateway_decrypt - if m is an envelope, open it (or decide what its
 * failure means). *opened: out holds the decrypted message. Not opened
 * and OK: m is not encrypted, or encrypted for someone else and policy
 * lets it pass (*foreign).
 */
static sg_status sg_gateway_decrypt(sg_gw *gw, sg_mime *m, sg_buf *out,
				    bool *opened, bool *foreign)
{
	const sg_config *cfg = gw->job->cfg;
	sg_policy_inbound_facts facts = {false, false, false, false, false};
	sg_buf	body = SG_BUF_INIT, plain = SG_BUF_INIT;
	sg_cms_info info;
	sg_keytrans_params kt;
	char	trace[300];
	sg_status st = sg_status_ok(), key_st = sg_status_ok();
	sg_status cms_st = sg_status_ok();
	bool	streamed = m == gw->orig && gw->job->envelope != NULL
		&& gw->job->envelope->len > 0;

	*opened = false;
	*foreign = false;
	memset(&info, 0, sizeof(info));
	facts.encrypted = sg_mime_classify(m) == SG_MIME_ENCRYPTED;
	if (facts.encrypted) {
		if (gw->kr == NULL) {
			gw->kr_lent = gw->job->kr != NULL;
			gw->kr = gw->kr_lent ? gw->job->kr : sg_keyring_new();
			gw->key_st = gw->kr_lent ? sg_status_ok()
				: sg_keyring_add_files(gw->kr, cfg->certificate,
						       cfg->private_key);
			for (size_t i = 0; sg_status_is_ok(&gw->key_st)
			     && i < sg_keyring_count(gw->kr); i++)
				(void) sg_expiry_warn(sg_keyring_cert(gw->kr, i),
						      "[gateway] certificate",
						      cfg->warn_days,
						      cfg->state_dir, time(NULL));
		}
		key_st = gw->key_st;
		if (!sg_status_is_ok(&key_st)) {
			facts.key_trouble = true;
		} else {
			if (streamed) {
				body = *gw->job->envelope;
				memset(gw->job->envelope, 0, sizeof(body));
			} else {
				cms_st = sg_mime_smime_body(m, &body);
			}
			/* decrypted where it was decoded: no other copy */
			if (sg_status_is_ok(&cms_st))
				cms_st = sg_cms_decrypt_buf(gw->kr, &body,
							    &info);
			plain = body;
			memset(&body, 0, sizeof(body));
			facts.readable = info.parsed;
			facts.for_us = info.for_us;
			facts.decrypted = sg_status_is_ok(&cms_st);
		}
		/* a streamed body's raw text is gone: never relayed */
		if (streamed && !facts.decrypted)
			facts.for_us = facts.readable = true;
	}

	switch (sg_policy_inbound(&facts, cfg->decrypt_failure,
				  cfg->desktop_smime)) {
	case SG_INBOUND_RELAY:
		*foreign = facts.encrypted;
		break;
	case SG_INBOUND_DELIVER_DECRYPTED:
		kt = (sg_keytrans_params) {info.keytrans, info.oaep_hash, NULL,
			0};
		if (gw->ndecrypted++ == 0)
			sg_gateway_decrypted_action(gw, gw->kr, &info);
		sg_gateway_say(trace, sizeof(trace), "decrypted; cipher=%s; "
			 "keytrans=%s; rid=%s", sg_cipher_label(info.cipher),
			 sg_keytrans_label(&kt), sg_gateway_rid(&info));
		sg_mime_unwrap_buf(m, &plain, trace);
		sg_buf_wipe_free(out);
		*out = plain;
		memset(&plain, 0, sizeof(plain));
		gw->res->trailing += info.trailing;
		*opened = true;
		break;
	case SG_INBOUND_DEFER:
		st = sg_status_make(SG_TEMPFAIL, "encrypted message %s: %s",
				    facts.key_trouble ? "while our keys cannot "
				    "be loaded" : "could not be decrypted",
				    facts.key_trouble ? key_st.text
				    : cms_st.text);
		st = sg_gateway_fail(gw->res, st, "4.7.5", false, "cannot "
				     "decrypt the message now; will retry");
		break;
	case SG_INBOUND_BOUNCE:
		if (facts.for_us || !facts.readable) {
			st = sg_status_make(SG_REJECT, "encrypted message "
					    "could not be decrypted: %s",
					    cms_st.text);
			st = sg_gateway_fail(gw->res, st, "5.7.5", false,
					     "encrypted message could not be "
					     "decrypted");
		} else {
			st = sg_status_make(SG_REJECT, "S/MIME for %zu other "
					    "recipient(s), desktop_smime = "
					    "reject", info.recipients);
			st = sg_gateway_fail(gw->res, st, "5.7.1", true,
					     "encrypted mail not addressed to "
					     "this gateway is refused by "
					     "policy");
		}
		break;
	}
	sg_buf_free(&body);
	sg_buf_wipe_free(&plain);
	return st;
}

/* sg_gateway_open_inner - sg_insig's hook: an envelope inside a signature */
static sg_status sg_gateway_open_inner(void *ctx, sg_mime *m, sg_buf *out,
				       bool *opened)
{
	bool	foreign;

	return sg_gateway_decrypt(ctx, m, out, opened, &foreign);
}

/* sg_gateway_authserv_id - [gateway] hostname, or this host's name */
static void sg_gateway_authserv_id(sg_gw *gw)
{
	const sg_config *cfg = gw->job->cfg;

	if (cfg->hostname != NULL && *cfg->hostname)
		snprintf(gw->authserv_id, sizeof(gw->authserv_id), "%s",
			 cfg->hostname);
	else if (gethostname(gw->authserv_id, sizeof(gw->authserv_id)) != 0
		 || gw->authserv_id[0] == '\0')
		snprintf(gw->authserv_id, sizeof(gw->authserv_id), "localhost");
	gw->authserv_id[sizeof(gw->authserv_id) - 1] = '\0';
}

/*
 * sg_gateway_find - a recipient's certificate file: the local certificate
 * directory first (the administrator's overrides), then the community
 * snapshot of [ldap] directory (sg_ldapsnap: a member without a usable
 * certificate fails closed)
 */
static sg_status sg_gateway_find(sg_gw *gw, const char *rcpt, char **file)
{
	const sg_config *cfg = gw->job->cfg;
	sg_status st = sg_status_ok();
	time_t	age;

	if (!gw->snapshot_checked && cfg->ldap_directory != NULL) {
		gw->snapshot_checked = true;
		if (cfg->ldap_max_age > 0)
			st = sg_ldapsnap_age(cfg->ldap_directory, time(NULL),
					     &age);
		if (cfg->ldap_max_age > 0 && sg_status_is_ok(&st)
		    && sg_ldapsnap_staleness(age, cfg->ldap_max_age)
		    != SG_LDAPSNAP_FRESH)
			sg_log_warning("community snapshot %s is %ld s old "
				       "([ldap] max_age %u): is smimegw-cert "
				       "sync running?", cfg->ldap_directory,
				       (long) age, cfg->ldap_max_age);
	}
	return sg_ldapsnap_lookup(cfg->cert_dir, cfg->ldap_directory, rcpt,
				  file);
}

/*
 * sg_gateway_partner - [verification] partner_policy: mail whose From:
 * domain is a partner needs a verified domain signature
 */
static sg_status sg_gateway_partner(sg_gw *gw)
{
	const sg_config *cfg = gw->job->cfg;
	sg_policy_sig_facts facts = {false, gw->insig.domain_signed,
				     gw->insig.temperror};
	char   *file = NULL;
	sg_status st;

	if (gw->insig.from[0] != '\0') {
		st = sg_gateway_find(gw, gw->insig.from, &file);
		/* a member we cannot look up now is a partner all the same */
		facts.from_partner = (sg_status_is_ok(&st) && file != NULL)
			|| st.code == SG_TEMPFAIL;
		free(file);
	}
	gw->partner = sg_policy_partner(&facts, cfg->partner_policy);
	switch (gw->partner) {
	case SG_PARTNER_DELIVER:
		break;
	case SG_PARTNER_TAG:
		sg_insig_tag(&gw->insig, gw->authserv_id, &gw->own);
		sg_gateway_append(gw->action, sizeof(gw->action), " partner="
				  "unsigned-or-failed policy=tag");
		break;
	case SG_PARTNER_QUARANTINE:
		if (cfg->quarantine_address == NULL
		    || *cfg->quarantine_address == '\0') {
			st = sg_status_make(SG_CONFIG, "[verification] "
					    "partner_policy = quarantine needs "
					    "quarantine_address");
			return sg_gateway_defer(gw->res, st);
		}
		sg_insig_tag(&gw->insig, gw->authserv_id, &gw->own);
		break;
	case SG_PARTNER_REJECT:
		st = sg_status_make(SG_REJECT, "From: <%s> is a partner domain "
				    "and the message has no valid domain "
				    "signature (%s)", gw->insig.from,
				    gw->insig.nsigs ? gw->insig.log
				    : "unsigned");
		return sg_gateway_fail(gw->res, st, "5.7.1", true, "message "
				       "from a partner domain without a valid "
				       "domain signature");
	case SG_PARTNER_DEFER:
		st = sg_status_make(SG_TEMPFAIL, "signature verification not "
				    "possible now: %s", gw->insig.log);
		return sg_gateway_fail(gw->res, st, "4.7.5", false, "cannot "
				       "verify the message now; will retry");
	}
	return sg_status_ok();
}

/*
 * sg_gateway_footed - an envelope for us that a relay put into a
 * multipart/mixed with a footer part is decrypted too (the footer, added
 * in transit and outside the ciphertext, is dropped and logged)
 */
static sg_status sg_gateway_footed(sg_gw *gw, bool *opened, bool *foreign)
{
	sg_buf	inner = SG_BUF_INIT;
	sg_mime *m = NULL;
	sg_status st = sg_status_ok();

	if (sg_mime_footed_envelope(gw->orig, &inner)) {
		st = sg_mime_parse(inner.data, inner.len, &m);
		if (sg_status_is_ok(&st))
			st = sg_gateway_decrypt(gw, m, &gw->own, opened,
						foreign);
		else
			st = sg_status_ok();	/* then it is not one */
		if (sg_status_is_ok(&st) && *opened)
			sg_gateway_append(gw->action, sizeof(gw->action),
					  " removed=footer-parts-around-the-"
					  "envelope");
	}
	*foreign = false;	/* the message as a whole is not S/MIME */
	sg_mime_free(m);
	sg_buf_wipe_free(&inner);
	return st;
}

/*
 * sg_gateway_open - inbound: decrypt an envelope for us (or decide what
 * its failure means), strip a forged trace header, verify every
 * signature layer, apply partner_policy
 */
static sg_status sg_gateway_open(sg_gw *gw)
{
	const sg_config *cfg = gw->job->cfg;
	sg_buf	trace = SG_BUF_INIT;
	sg_status st;
	bool	opened, foreign, stripped = false;

	st = sg_gateway_decrypt(gw, gw->orig, &gw->own, &opened, &foreign);
	if (!sg_status_is_ok(&st))
		return st;
	if (!opened && !foreign)
		st = sg_gateway_footed(gw, &opened, &foreign);
	if (!sg_status_is_ok(&st))
		return st;
	if (!opened && gw->job->input != NULL
	    && gw->job->input->data == gw->job->msg
	    && gw->job->input->len == gw->job->len
	    && !sg_mime_header(gw->orig, SG_MIME_TRACE_HEADER, &trace)) {
		/* nothing to strip: the message's own buffer, not a copy */
		gw->own = *gw->job->input;
		memset(gw->job->input, 0, sizeof(gw->own));
	} else if (!opened) {
		sg_mime_strip_trace(gw->job->msg, gw->job->len, &gw->own,
				    &stripped);
	}
	sg_buf_free(&trace);
	if (!opened) {
		sg_gateway_say(gw->action, sizeof(gw->action),
			       "action=relayed%s%s", foreign
			       ? " smime=not-for-us" : "", stripped
			       ? " removed=forged-" SG_MIME_TRACE_HEADER : "");
	}
	/* an envelope for someone else is never opened, whatever wraps it */
	if (!foreign) {
		sg_gateway_authserv_id(gw);
		st = sg_insig_process(cfg, gw->authserv_id, &gw->own,
				      sg_gateway_open_inner, gw, &gw->insig);
		if (!sg_status_is_ok(&st)) {
			if (st.code == SG_TEMPFAIL && gw->res->dsn == NULL)
				st = sg_gateway_fail(gw->res, st, "4.7.5",
						     false, "cannot verify the "
						     "message now; will retry");
			return st;
		}
		if (gw->insig.nsigs > 0)
			sg_gateway_append(gw->action, sizeof(gw->action), " %s",
					  gw->insig.log);
		if (gw->insig.ar_removed)
			sg_gateway_append(gw->action, sizeof(gw->action),
					  " removed=forged-Authentication-"
					  "Results");
		st = sg_gateway_partner(gw);
		if (!sg_status_is_ok(&st))
			return st;
	}
	gw->msg = gw->own.data;
	gw->len = gw->own.len;
	return sg_status_ok();
}

/* sg_gateway_add_copy - a new, empty copy */
static sg_gateway_copy *sg_gateway_add_copy(sg_gw *gw)
{
	sg_gateway_result *res = gw->res;
	sg_gateway_copy *c;

	res->copies = sg_realloc(res->copies, (res->ncopies + 1)
				 * sizeof(*c));
	c = &res->copies[res->ncopies++];
	memset(c, 0, sizeof(*c));
	c->rcpts = sg_calloc(gw->job->nrcpts, sizeof(char *));
	return c;
}

/* sg_gateway_partner_name - "b.example" of DIR/b.example.pem (or of an
 * address file's domain): the name capabilities are learned under */
static const char *sg_gateway_partner_name(const char *file, char *buf,
					   size_t size)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	const char *at = strrchr(base, '@');
	size_t	len;

	if (at != NULL)
		base = at + 1;
	len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".pem") == 0)
		len -= 4;
	if (len >= size)
		len = size - 1;
	memcpy(buf, base, len);
	buf[len] = '\0';
	return buf;
}

/*
 * sg_gateway_unrevoked - drop certificates a CRL of [verification]
 * crl_dir lists; SG_TEMPFAIL when none is left (or the CRLs cannot be
 * read: a revocation we cannot check never becomes plain mail)
 */
static sg_status sg_gateway_unrevoked(sg_gw *gw, sg_certs *certs,
				      size_t *revoked)
{
	const sg_config *cfg = gw->job->cfg;
	sg_status st;
	size_t	i, k = 0;

	*revoked = 0;
	if (cfg->crl_dir == NULL)
		return sg_status_ok();
	if (gw->crls == NULL) {
		st = sg_trust_load(NULL, cfg->crl_dir, &gw->crls);
		if (!sg_status_is_ok(&st))
			return sg_status_make(SG_TEMPFAIL, "[verification] "
					      "crl_dir: %s", st.text);
	}
	for (i = 0; i < certs->count; i++) {
		if (sg_trust_revoked(gw->crls, certs->crts[i])) {
			gnutls_x509_crt_deinit(certs->crts[i]);
			(*revoked)++;
			continue;
		}
		certs->crts[k++] = certs->crts[i];
	}
	certs->count = k;
	if (k == 0)
		return sg_status_make(SG_TEMPFAIL, "every certificate was "
				      "revoked (%zu)", *revoked);
	return sg_status_ok();
}

/* sg_gateway_mime - the message of the copies, parsed once, kept in gw */
static sg_status sg_gateway_mime(sg_gw *gw)
{
	sg_status st = sg_status_ok();

	if (gw->mime == NULL) {
		st = sg_mime_parse(gw->msg, gw->len, &gw->mime);
		if (!sg_status_is_ok(&st))
			return sg_status_make(SG_INTERNAL, "cannot parse the "
					      "message to protect: %s",
					      st.text);
	}
	return st;
}

/*
 * sg_gateway_signed_entity - what a signed copy protects: the entity of
 * the message (Content-* fields and body, CRLF), signed by us (RFC 3183
 * section 4: sign, then encrypt). Made once, kept in gw; the unsigned
 * entity is not kept beside it. An unsigned copy reads the entity from
 * the message instead (sg_mime_entity_read), never a copy of it.
 */
static sg_status sg_gateway_signed_entity(sg_gw *gw)
{
	sg_status st;

	if (gw->signed_content.total > 0)
		return sg_status_ok();
	st = sg_gateway_mime(gw);
	if (sg_status_is_ok(&st) && gw->os == NULL)
		st = sg_outsign_new(gw->job->cfg, &gw->os);
	if (!sg_status_is_ok(&st))
		return st;
	return sg_outsign_message(gw->os, gw->mime, &gw->signed_content);
}

/*
 * sg_gateway_seal - write one encrypted copy into c's spool: the signed
 * entity when gw signs (signed already), else the entity, each read
 * from the message as it is encrypted
 */
static sg_status sg_gateway_seal(sg_gw *gw, const sg_cms_encrypt_opts *eo,
				 const sg_certs *certs, sg_gateway_copy *c)
{
	sg_mime_entity_reader r;
	sg_outsign_reader sr;
	sg_status st;

	if (gw->sign_encrypted) {
		sg_outsign_open(&gw->signed_content, &sr);
		st = sg_smimewrap_encrypt_source(gw->mime, eo, certs->crts,
						 certs->count,
						 gw->signed_content.total,
						 sg_outsign_read, &sr,
						 sg_reinject_spool_write,
						 c->spool);
		sg_outsign_close(&sr);
		return st;
	}
	sg_mime_entity_open(gw->mime, &r);
	st = sg_smimewrap_encrypt_source(gw->mime, eo, certs->crts,
					 certs->count, r.total,
					 sg_mime_entity_read, &r,
					 sg_reinject_spool_write, c->spool);
	sg_mime_entity_close(&r);
	return st;
}

/* sg_gateway_encrypt - one encrypted copy for the certificates of file */
static sg_status sg_gateway_encrypt(sg_gw *gw, const char *file,
				    sg_gateway_copy *c)
{
	const sg_config *cfg = gw->job->cfg;
	sg_cms_encrypt_opts eo;
	sg_certs certs = SG_CERTS_INIT;
	sg_certdir_skipped skipped = {0, 0, 0};
	size_t	revoked = 0;
	char	name[256];
	char	one[300], left[100] = "";
	sg_status st;

	st = sg_certdir_load_skipped(file, time(NULL), &certs, &skipped);
	if (sg_status_is_ok(&st))
		st = sg_gateway_unrevoked(gw, &certs, &revoked);
	if (!sg_status_is_ok(&st)) {
		/* expired, not yet valid or revoked: [certificates] invalid */
		if ((skipped.time > 0 || revoked > 0)
		    && cfg->invalid == SG_INVALID_BOUNCE) {
			st = sg_status_make(SG_REJECT, "%s: no usable "
					    "certificate (%zu expired or not "
					    "yet valid, %zu revoked)", file,
					    skipped.time, revoked);
			st = sg_gateway_fail(gw->res, st, "5.7.5", false,
					     "the recipient's encryption "
					     "certificate has expired or was "
					     "revoked");
		}
		goto cleanup;
	}
	st = gw->sign_encrypted ? sg_gateway_signed_entity(gw)
		: sg_gateway_mime(gw);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	/* what the partner said it decrypts (RFC 8551 2.7.1), else ours */
	eo.cipher = sg_capstore_choose(cfg->state_dir,
				       sg_gateway_partner_name(file, name,
							       sizeof(name)),
				       cfg->cipher);
	eo.rid = cfg->recipient_id;
	eo.keytrans = cfg->key_transport;
	/* written while encrypted: ciphertext only, spooled on disk (issue 11) */
	st = sg_reinject_spool_new_in(cfg->state_dir, &c->spool);
	if (sg_status_is_ok(&st))
		st = sg_gateway_seal(gw, &eo, &certs, c);
	if (sg_status_is_ok(&st))
		st = sg_reinject_spool_seal(c->spool);
	if (!sg_status_is_ok(&st)) {
		st = sg_status_make(SG_TEMPFAIL, "%s: %s", file, st.text);
		goto cleanup;
	}
	c->encrypted = true;
	sg_certs_describe(certs.crts[0], one, sizeof(one));
	if (skipped.ca + skipped.usage + skipped.time + revoked > 0)
		sg_gateway_say(left, sizeof(left), " ignored=ca:%zu,usage:%zu,"
			       "validity:%zu,revoked:%zu", skipped.ca,
			       skipped.usage, skipped.time, revoked);
	sg_gateway_say(c->action, sizeof(c->action), "action=encrypted cipher=%s "
		 "cert=%s certs=%zu%s [%s]%s", sg_cipher_label(eo.cipher),
		 strrchr(file, '/') ? strrchr(file, '/') + 1 : file,
		 certs.count, left, one, gw->msg == gw->job->msg ? ""
		 : strncmp(gw->action, "action=decrypted", 16) == 0
		 ? " (re-encrypted after decryption)" : "");
	if (gw->sign_encrypted)
		sg_gateway_append(c->action, sizeof(c->action), " %s",
				  sg_outsign_describe(gw->os));
cleanup:
	sg_certs_free(&certs);
	return st;
}

/* sg_gateway_route - the recipients become copies (see sg_gateway(3h)) */
static sg_status sg_gateway_route(sg_gw *gw)
{
	const sg_gateway_job *job = gw->job;
	const sg_config *cfg = job->cfg;
	size_t	n = job->nrcpts;
	sg_policy_rcpt *pr = sg_calloc(n, sizeof(*pr));
	char  **files = sg_calloc(n, sizeof(char *));
	sg_policy_copy *pc = sg_calloc(n, sizeof(*pc));
	size_t *copy_of = sg_calloc(n, sizeof(size_t));
	sg_policy_plan plan = {false, 0, pc, copy_of};
	char	dom[256];
	sg_status st = sg_status_ok();
	size_t	i, k, nremote;

	for (i = 0; i < n; i++) {
		pr[i].local = sg_policy_domain_of(job->rcpts[i], dom,
						  sizeof(dom))
			&& sg_policy_member(dom, cfg->domains, cfg->ndomains);
		if (pr[i].local)
			continue;
		st = sg_gateway_find(gw, job->rcpts[i], &files[i]);
		if (st.code == SG_REJECT) {
			/* a domain that cannot be named: never "no cert" */
			st = sg_status_make(SG_REJECT, "recipient %zu: %s",
					    i + 1, st.text);
			st = sg_gateway_fail(gw->res, st, "5.1.3", false,
					     "bad recipient address syntax");
			goto cleanup;
		}
		if (!sg_status_is_ok(&st)) {
			st = sg_gateway_defer(gw->res, st);
			goto cleanup;
		}
		pr[i].cert_file = files[i];
	}
	sg_policy_outbound(pr, n, cfg->mixed_recipients, &plan);
	if (plan.reject) {
		for (i = nremote = 0; i < n; i++)
			nremote += !pr[i].local && pr[i].cert_file == NULL;
		st = sg_status_make(SG_REJECT, "%zu of %zu recipients have no "
				    "certificate and mixed_recipients = "
				    "reject", nremote, n);
		st = sg_gateway_fail(gw->res, st, "5.7.1", true, "some "
				     "recipients have no encryption "
				     "certificate; message not sent to anyone");
		goto cleanup;
	}

	for (k = 0; k < plan.ncopies; k++) {
		sg_gateway_copy *c = sg_gateway_add_copy(gw);

		nremote = 0;
		for (i = 0; i < n; i++) {
			if (copy_of[i] != k)
				continue;
			c->rcpts[c->nrcpts++] = job->rcpts[i];
			nremote += !pr[i].local;
		}
		if (pc[k].encrypt) {
			st = sg_gateway_encrypt(gw, pc[k].cert_file, c);
			if (!sg_status_is_ok(&st)) {
				if (st.code != SG_REJECT)
					st = sg_gateway_defer(gw->res, st);
				goto cleanup;
			}
			continue;
		}
		if (gw->sign_plain) {
			st = sg_gateway_signed_entity(gw);
			if (!sg_status_is_ok(&st)) {
				st = sg_gateway_defer(gw->res, st);
				goto cleanup;
			}
			/* the outer fields, then the multipart/signed, LF */
			sg_mime_rebuild(gw->mime, "", (const uint8_t *) "", 0,
					&c->data);
			sg_outsign_signed_append(&gw->signed_content, true,
						 &c->data);
			c->bytes = c->data.data;
			c->len = c->data.len;
			sg_gateway_append(gw->action, sizeof(gw->action), " %s",
					  sg_outsign_describe(gw->os));
		} else {
			c->bytes = gw->msg;	/* shared, not copied */
			c->len = gw->len;
		}
		if (nremote == 0)
			sg_gateway_say(c->action, sizeof(c->action), "%s",
				 gw->action);
		else
			sg_gateway_say(c->action, sizeof(c->action), "%s "
				 "in-clear-to=%zu reason=no-certificate "
				 "mixed_recipients=split", gw->action,
				 nremote);
	}
cleanup:
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(pr);
	free(pc);
	free(copy_of);
	return st;
}

/* sg_gateway_from_ours - is the From: address in one of our domains? */
static bool sg_gateway_from_ours(sg_gw *gw)
{
	const sg_config *cfg = gw->job->cfg;
	char	from[320], dom[256];

	sg_mime_address(gw->orig, "From", from, sizeof(from));
	return sg_policy_domain_of(from, dom, sizeof(dom))
		&& sg_policy_member(dom, cfg->domains, cfg->ndomains);
}

/*
 * sg_gateway_quarantine - partner_policy = quarantine: one copy, to the
 * quarantine address only, naming the recipients it was meant for
 */
static void sg_gateway_quarantine(sg_gw *gw)
{
	const sg_gateway_job *job = gw->job;
	sg_gateway_copy *c = sg_gateway_add_copy(gw);
	size_t	i;

	sg_buf_append_str(&c->data, "X-SMIME-Gateway-Original-Recipients:");
	for (i = 0; i < job->nrcpts; i++) {
		sg_buf_append_str(&c->data, i ? ",\n\t<" : " <");
		sg_buf_append_str(&c->data, job->rcpts[i]);
		sg_buf_append_str(&c->data, ">");
	}
	sg_buf_append_str(&c->data, "\n");
	sg_buf_append(&c->data, gw->msg, gw->len);
	c->bytes = c->data.data;
	c->len = c->data.len;
	c->rcpts[c->nrcpts++] = job->cfg->quarantine_address;
	sg_gateway_say(c->action, sizeof(c->action), "%s action=quarantined "
		       "for=%zu-recipient(s) reason=partner-without-valid-"
		       "domain-signature", gw->action, job->nrcpts);
}

/* sg_gateway_process - decide and build every copy of one message */
sg_status sg_gateway_process(const sg_gateway_job *job, sg_gateway_result *res)
{
	sg_gw	gw;
	sg_status st;

	memset(res, 0, sizeof(*res));
	memset(&gw, 0, sizeof(gw));
	gw.job = job;
	gw.res = res;
	res->direction = sg_policy_direction(job->sender, job->rcpts,
					     job->nrcpts, job->cfg->domains,
					     job->cfg->ndomains,
					     job->cfg->null_sender_outbound);
	st = sg_mime_parse(job->msg, job->len, &gw.orig);
	if (!sg_status_is_ok(&st)) {
		if (st.code == SG_REJECT)
			return sg_gateway_fail(res, st, "5.6.0", false, st.text);
		return sg_gateway_defer(res, st);
	}
	if (res->direction == SG_DIRECTION_INBOUND) {
		st = sg_gateway_open(&gw);
	} else {
		gw.msg = job->msg;
		gw.len = job->len;
		gw.mime = gw.orig;
		snprintf(gw.action, sizeof(gw.action), "action=plain");
	}
	/*
	 * We vouch only for our own mail: outbound, and with a From: in our
	 * domains (RFC 3183 3.1.1: a domain signature speaks for the From:
	 * domain; a bounce from MAILER-DAEMON@some.host is not signed).
	 */
	if (res->direction == SG_DIRECTION_OUTBOUND
	    && job->cfg->sign_mode != SG_SIGN_NONE && sg_status_is_ok(&st)
	    && sg_gateway_from_ours(&gw)) {
		gw.sign_encrypted = true;
		gw.sign_plain = job->cfg->sign_mode == SG_SIGN_ALL;
	}
	if (sg_status_is_ok(&st) && gw.partner == SG_PARTNER_QUARANTINE)
		sg_gateway_quarantine(&gw);
	else if (sg_status_is_ok(&st))
		st = sg_gateway_route(&gw);
	if (gw.mime != gw.orig)
		sg_mime_free(gw.mime);
	sg_mime_free(gw.orig);
	res->msg = gw.own;		/* the plain copies may point into it */
	sg_outsign_signed_free(&gw.signed_content);
	if (!gw.kr_lent)
		sg_keyring_free(gw.kr);
	sg_outsign_free(gw.os);
	sg_insig_free(&gw.insig);
	sg_trust_free(gw.crls);
	if (!sg_status_is_ok(&st)) {
		sg_gateway_result_free(res);
		res->ncopies = 0;
	}
	return st;
}

/* sg_gateway_result_free - wipe and release the copies */
void	sg_gateway_result_free(sg_gateway_result *res)
{
	size_t	i;

	for (i = 0; i < res->ncopies; i++) {
		sg_buf_wipe_free(&res->copies[i].data);
		sg_reinject_spool_free(res->copies[i].spool);
		free(res->copies[i].rcpts);
	}
	free(res->copies);
	res->copies = NULL;
	res->ncopies = 0;
	sg_buf_wipe_free(&res->msg);
}
