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

#include "sg_certdir.h"
#include "sg_certs.h"
#include "sg_cms.h"
#include "sg_gateway.h"
#include "sg_keyring.h"
#include "sg_mem.h"
#include "sg_mime.h"

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
 * sg_gateway_open - inbound: decrypt an envelope for us (or decide what
 * its failure means), or strip a forged trace header
 */
static sg_status sg_gateway_open(sg_gw *gw)
{
	const sg_config *cfg = gw->job->cfg;
	sg_policy_inbound_facts facts = {false, false, false, false, false};
	sg_keyring *kr = NULL;
	sg_buf	body = SG_BUF_INIT, plain = SG_BUF_INIT;
	sg_cms_info info;
	sg_keytrans_params kt;
	char	trace[300];
	sg_status st = sg_status_ok(), key_st = sg_status_ok();
	sg_status cms_st = sg_status_ok();
	bool	stripped;

	memset(&info, 0, sizeof(info));
	facts.encrypted = sg_mime_classify(gw->orig) == SG_MIME_ENCRYPTED;
	if (facts.encrypted) {
		kr = sg_keyring_new();
		key_st = sg_keyring_add_files(kr, cfg->certificate,
					      cfg->private_key);
		if (!sg_status_is_ok(&key_st)) {
			facts.key_trouble = true;
		} else {
			cms_st = sg_mime_smime_body(gw->orig, &body);
			if (sg_status_is_ok(&cms_st))
				cms_st = sg_cms_decrypt(kr, body.data, body.len,
							&plain, &info);
			facts.readable = info.parsed;
			facts.for_us = info.for_us;
			facts.decrypted = sg_status_is_ok(&cms_st);
		}
	}

	switch (sg_policy_inbound(&facts, cfg->decrypt_failure,
				  cfg->desktop_smime)) {
	case SG_INBOUND_RELAY:
		sg_mime_strip_trace(gw->job->msg, gw->job->len, &gw->own,
				    &stripped);
		gw->msg = gw->own.data;
		gw->len = gw->own.len;
		sg_gateway_say(gw->action, sizeof(gw->action), "action=relayed%s%s",
			 facts.encrypted ? " smime=not-for-us" : "",
			 stripped ? " removed=forged-" SG_MIME_TRACE_HEADER
			 : "");
		break;
	case SG_INBOUND_DELIVER_DECRYPTED:
		kt = (sg_keytrans_params) {info.keytrans, info.oaep_hash, NULL,
			0};
		sg_gateway_decrypted_action(gw, kr, &info);
		sg_gateway_say(trace, sizeof(trace), "decrypted; cipher=%s; "
			 "keytrans=%s; rid=%s", sg_cipher_label(info.cipher),
			 sg_keytrans_label(&kt), sg_gateway_rid(&info));
		sg_mime_unwrap(gw->orig, plain.data, plain.len, trace,
			       &gw->own);
		gw->res->trailing = info.trailing;
		gw->msg = gw->own.data;
		gw->len = gw->own.len;
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
	sg_keyring_free(kr);
	return st;
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

/* sg_gateway_encrypt - one encrypted copy for the certificates of file */
static sg_status sg_gateway_encrypt(sg_gw *gw, const char *file,
				    sg_buf *entity, sg_gateway_copy *c)
{
	const sg_config *cfg = gw->job->cfg;
	sg_cms_encrypt_opts eo;
	sg_certs certs = SG_CERTS_INIT;
	sg_certdir_skipped skipped = {0, 0, 0};
	sg_buf	der = SG_BUF_INIT;
	char	one[300], left[100] = "";
	sg_status st;

	if (gw->mime == NULL) {
		st = sg_mime_parse(gw->msg, gw->len, &gw->mime);
		if (!sg_status_is_ok(&st)) {
			st = sg_status_make(SG_INTERNAL, "cannot parse the "
					    "message to encrypt: %s", st.text);
			goto cleanup;
		}
	}
	st = sg_certdir_load_skipped(file, time(NULL), &certs, &skipped);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	if (entity->len == 0)
		sg_mime_entity(gw->mime, entity);
	eo.cipher = cfg->cipher;
	eo.rid = cfg->recipient_id;
	eo.keytrans = cfg->key_transport;
	st = sg_cms_encrypt(&eo, certs.crts, certs.count, entity->data,
			    entity->len, &der);
	if (!sg_status_is_ok(&st)) {
		st = sg_status_make(SG_TEMPFAIL, "%s: %s", file, st.text);
		goto cleanup;
	}
	sg_mime_wrap(gw->mime, der.data, der.len,
		     sg_cipher_is_aead(cfg->cipher), &c->data);
	c->encrypted = true;
	sg_certs_describe(certs.crts[0], one, sizeof(one));
	if (skipped.ca + skipped.usage + skipped.time > 0)
		sg_gateway_say(left, sizeof(left), " ignored=ca:%zu,usage:%zu,"
			       "validity:%zu", skipped.ca, skipped.usage,
			       skipped.time);
	sg_gateway_say(c->action, sizeof(c->action), "action=encrypted cipher=%s "
		 "cert=%s certs=%zu%s [%s]%s", sg_cipher_label(cfg->cipher),
		 strrchr(file, '/') ? strrchr(file, '/') + 1 : file,
		 certs.count, left, one, gw->msg == gw->job->msg ? ""
		 : strncmp(gw->action, "action=decrypted", 16) == 0
		 ? " (re-encrypted after decryption)" : "");
cleanup:
	sg_certs_free(&certs);
	sg_buf_free(&der);
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
	sg_buf	entity = SG_BUF_INIT;
	char	dom[256];
	sg_status st = sg_status_ok();
	size_t	i, k, nlocal, nremote;

	for (i = 0; i < n; i++) {
		pr[i].local = sg_policy_domain_of(job->rcpts[i], dom,
						  sizeof(dom))
			&& sg_policy_member(dom, cfg->domains, cfg->ndomains);
		if (pr[i].local)
			continue;
		st = sg_certdir_find(cfg->cert_dir, job->rcpts[i], &files[i]);
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

		nlocal = nremote = 0;
		for (i = 0; i < n; i++) {
			if (copy_of[i] != k)
				continue;
			c->rcpts[c->nrcpts++] = job->rcpts[i];
			nlocal += pr[i].local;
			nremote += !pr[i].local;
		}
		if (pc[k].encrypt) {
			st = sg_gateway_encrypt(gw, pc[k].cert_file, &entity,
						c);
			if (!sg_status_is_ok(&st)) {
				st = sg_gateway_defer(gw->res, st);
				goto cleanup;
			}
			continue;
		}
		sg_buf_append(&c->data, gw->msg, gw->len);
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
	sg_buf_wipe_free(&entity);
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(pr);
	free(pc);
	free(copy_of);
	return st;
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
	if (sg_status_is_ok(&st))
		st = sg_gateway_route(&gw);
	if (gw.mime != gw.orig)
		sg_mime_free(gw.mime);
	sg_mime_free(gw.orig);
	sg_buf_wipe_free(&gw.own);
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
		free(res->copies[i].rcpts);
	}
	free(res->copies);
	res->copies = NULL;
	res->ncopies = 0;
}
