/*
 * NAME
 *	sg_insig 3
 * SUMMARY
 *	signatures on inbound mail: verify every layer, outside in
 * DESCRIPTION
 *	One pass per layer: parse, find, verify, name, then remove the layer
 *	or open what it signed, or stop. The trust data is loaded once, at
 *	the first signature, so unsigned mail costs nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gmime/gmime.h>

#include "sg_certdir.h"
#include "sg_capstore.h"
#include "sg_certs.h"
#include "sg_harvest.h"
#include "sg_insig.h"
#include "sg_ldapsnap.h"
#include "sg_mem.h"
#include "sg_mimesig.h"
#include "sg_policy.h"
#include "sg_trust.h"
#include "sg_verify.h"

/* Working state. */
typedef struct sg_insig_run {
	const sg_config *cfg;
	const char *authserv_id;
	sg_insig *sig;
	sg_trust *trust;
	bool	trust_loaded;
	char	sender[320];
} sg_insig_run;

/* sg_insig_say - append to the log text */
static void sg_insig_say(sg_insig *sig, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sg_insig_say(sg_insig *sig, const char *fmt, ...)
{
	size_t	n = strlen(sig->log);
	va_list	ap;

	if (n >= sizeof(sig->log) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(sig->log + n, sizeof(sig->log) - n, fmt, ap);
	va_end(ap);
}

/*
 * sg_insig_pinned - is crt the certificate the directory holds for the
 * From: address? (the Open Group profile's manual exchange)
 */
static bool sg_insig_pinned(const sg_config *cfg, const char *from,
			    gnutls_x509_crt_t crt)
{
	sg_certs certs = SG_CERTS_INIT;
	char   *file = NULL;
	bool	found = false;
	sg_status st;
	size_t	i;

	if (crt == NULL || *from == '\0')
		return false;
	/* the community snapshot's certificates are the partner's too */
	st = sg_ldapsnap_lookup(cfg->cert_dir, cfg->ldap_directory, from,
				&file);
	if (sg_status_is_ok(&st) && file != NULL)
		st = sg_certs_load(&certs, file);
	if (sg_status_is_ok(&st) && file != NULL)
		for (i = 0; i < certs.count && !found; i++)
			found = sg_verify_same_cert(certs.crts[i], crt);
	sg_certs_free(&certs);
	free(file);
	return found;
}

/*
 * sg_insig_learn - RFC 8551 2.7.1: a verified domain signature's
 * SMIMECapabilities choose the cipher for mail back to that domain
 */
static void sg_insig_learn(sg_insig_run *run, const sg_verify_signer *s,
			   const char *identity)
{
	const char *at = identity ? strrchr(identity, '@') : NULL;
	char	dom[256];

	if (s->ncaps == 0 || at == NULL || !s->has_signing_time
	    || !sg_policy_domain_of(identity, dom, sizeof(dom)))
		return;
	if (sg_capstore_learn(run->cfg->state_dir, dom, s->signing_time,
			      s->caps, s->ncaps, time(NULL)))
		sg_insig_say(run->sig, " learned=capabilities:%s", dom);
}

/* sg_insig_harvest - a verified domain signature's certificates */
static void sg_insig_harvest(sg_insig_run *run, const sg_verify_signer *s,
			     const char *identity, bool chain_valid)
{
	sg_harvest_input in;
	char	dom[256], what[400], source[400];

	if (run->cfg->harvest_mode == SG_HARVEST_OFF || identity == NULL
	    || !sg_policy_domain_of(identity, dom, sizeof(dom)))
		return;
	snprintf(source, sizeof(source), "signed mail from <%s>, signer <%s>",
		 run->sig->from, identity);
	in = (sg_harvest_input) {dom, s->crt, s->enc_crt, chain_valid, source};
	sg_harvest(run->cfg, &in, time(NULL), what, sizeof(what));
	if (what[0] != '\0')
		sg_insig_say(run->sig, " %s", what);
}

/* sg_insig_signer - judge one signer; add its A-R result */
static void sg_insig_signer(sg_insig_run *run, const sg_verify_signer *s,
			    size_t layer, bool *domain_pass)
{
	const sg_config *cfg = run->cfg;
	sg_insig *sig = run->sig;
	sg_mimesig_result r;
	sg_signer_identity who;
	sg_verify_result res = s->result;
	const char *identity = NULL;
	char	comment[200], part[16];
	bool	pinned = false;

	who = sg_policy_signer(s->addresses, s->naddresses, sig->from,
			       run->sender[0] ? run->sender : NULL, &identity);
	if ((res == SG_VERIFY_UNTRUSTED || res == SG_VERIFY_NO_SIGNER_CERT)
	    && s->crt != NULL && sg_insig_pinned(cfg, sig->from, s->crt)) {
		res = SG_VERIFY_PASS;
		pinned = true;
	}
	memset(&r, 0, sizeof(r));
	r.result = sg_verify_smime_result(res);
	snprintf(comment, sizeof(comment), "%s%s%s", who == SG_SIGNER_DOMAIN
		 || who == SG_SIGNER_DOMAIN_MISMATCH ? "domain signature"
		 : "originator signature", pinned ? ", pinned partner "
		 "certificate" : "", res == SG_VERIFY_PASS ? "" : ", ");
	if (res != SG_VERIFY_PASS)
		snprintf(comment + strlen(comment),
			 sizeof(comment) - strlen(comment), "%s",
			 sg_verify_result_name(res));
	/* RFC 3183 3.1.1, RFC 8550 3: a signer for someone else fails */
	if (res != SG_VERIFY_TEMPERROR && res != SG_VERIFY_PERMERROR
	    && (who == SG_SIGNER_DOMAIN_MISMATCH
		|| who == SG_SIGNER_ORIGINATOR_MISMATCH)) {
		r.result = "fail";
		snprintf(comment + strlen(comment),
			 sizeof(comment) - strlen(comment), ", signer does "
			 "not speak for the From: address");
	}
	if (res == SG_VERIFY_TEMPERROR)
		sig->temperror = true;
	if (strcmp(r.result, "pass") == 0 && who == SG_SIGNER_DOMAIN) {
		*domain_pass = true;
		sg_insig_learn(run, s, identity);
		sg_insig_harvest(run, s, identity, !pinned);
	}
	snprintf(part, sizeof(part), "%zu", layer + 1);
	r.comment = comment;
	r.identifier = identity;
	r.part = part;
	r.serial = s->serial;
	r.issuer = s->issuer;
	sg_mimesig_ar_add(&sig->ar, run->authserv_id, &r);
	sg_insig_say(sig, "%ssmime=%s signer=<%s> %s%s", sig->nsigs ? " " : "",
		     r.result, identity ? identity : "", who == SG_SIGNER_DOMAIN
		     || who == SG_SIGNER_DOMAIN_MISMATCH ? "kind=domain"
		     : "kind=originator", pinned ? " pinned=yes" : "");
	if (res != SG_VERIFY_PASS)
		sg_insig_say(sig, " why=%s", sg_verify_result_name(res));
	sig->nsigs++;
}

/* sg_insig_all_fail - did every signer fail on the digest or signature? */
static bool sg_insig_all_fail(const sg_verify_report *rep)
{
	size_t	i;

	for (i = 0; i < rep->nsigners; i++)
		if (rep->signers[i].result != SG_VERIFY_FAIL)
			return false;
	return rep->nsigners > 0;
}

/* sg_insig_bare_lf - is there an LF without a CR before it in p? */
static bool sg_insig_bare_lf(const uint8_t *p, size_t len)
{
	const uint8_t *nl, *end = p + len;

	for (nl = p; (nl = memchr(nl, '\n', (size_t) (end - nl))) != NULL; nl++)
		if (nl == p || nl[-1] != '\r')
			return true;
	return false;
}

/*
 * sg_insig_retry - verify the part again, read another way (canon); keep
 * the better report. Nothing to do when that reading gives the bytes of
 * the first try (CRLF), e.g. as received when there is no bare LF.
 */
static void sg_insig_retry(sg_verify_opts vo, const sg_mimesig *ms,
			   sg_verify_canon canon, sg_verify_report **rep)
{
	sg_verify_report *again = NULL;
	sg_status st;

	if (canon == SG_VERIFY_CANON_AS_IS
	    && !sg_insig_bare_lf(ms->entity, ms->entity_len))
		return;
	if (canon == SG_VERIFY_CANON_LF
	    && memchr(ms->entity, '\n', ms->entity_len) == NULL)
		return;
	vo.canon = canon;
	st = sg_verify(&vo, ms->der.data, ms->der.len, ms->entity,
		       ms->entity_len, &again);
	if (sg_status_is_ok(&st) && again != NULL && !sg_insig_all_fail(again)) {
		sg_verify_report_free(*rep);
		*rep = again;
	} else {
		sg_verify_report_free(again);
	}
}

/* sg_insig_trust - load the trust data once */
static sg_status sg_insig_trust(sg_insig_run *run)
{
	sg_status st = sg_status_ok();

	if (!run->trust_loaded) {
		st = sg_trust_load(run->cfg->trust_anchors, run->cfg->crl_dir,
				   &run->trust);
		run->trust_loaded = true;
		if (!sg_status_is_ok(&st))
			st = sg_status_make(SG_TEMPFAIL, "[verification]: %s",
					    st.text);
	}
	return st;
}

/* sg_insig_drop_ar - drop() for A-R fields that claim our authserv-id */
static bool sg_insig_drop_ar(const char *name, const char *value, void *ctx)
{
	return strcasecmp(name, "Authentication-Results") == 0
		&& sg_mimesig_ar_is_ours(value, ctx);
}

/*
 * sg_insig_finish - remove forged A-R fields, put ours on top: the header
 * block is rewritten in place, the body does not move to another copy
 */
static void sg_insig_finish(sg_insig *sig, const char *authserv_id,
			    sg_buf *msg, bool add)
{
	sg_buf	head = SG_BUF_INIT, rest = SG_BUF_INIT;
	size_t	dropped = 0;
	size_t	hlen = sg_mime_raw_header_len(msg->data, msg->len);

	if (add) {
		sg_mimesig_ar_finish(&sig->ar, authserv_id);
		sg_buf_append(&head, sig->ar.data, sig->ar.len);
	}
	sg_mime_strip_fields(msg->data, hlen, sg_insig_drop_ar,
			     (void *) authserv_id, &rest, &dropped);
	sg_buf_append(&head, rest.data, rest.len);
	sig->ar_removed |= dropped > 0;
	sg_buf_splice(msg, 0, hlen, head.data, head.len);
	sg_buf_wipe_free(&rest);
	sg_buf_wipe_free(&head);
}

/*
 * sg_insig_rebuild_in_place - sg_mime_rebuild(m, "", inner, len) where m
 * is msg's parse and inner lies within msg: made in msg's own bytes (cut
 * what follows inner, LF line ends, the new header in place of what
 * precedes it), so a large message is never held twice. m and inner
 * are stale afterwards.
 */
static void sg_insig_rebuild_in_place(const sg_mime *m, sg_buf *msg,
				      const uint8_t *inner, size_t len)
{
	sg_buf	head = SG_BUF_INIT;
	size_t	off = (size_t) (inner - msg->data);

	if (inner < msg->data || off > msg->len || len > msg->len - off)
		abort();		/* inner is not within msg */
	sg_mime_rebuild(m, "", (const uint8_t *) "", 0, &head);
	sg_buf_splice(msg, off + len, msg->len - off - len, "", 0);
	sg_buf_lf_from(msg, off);
	sg_buf_splice(msg, 0, off, head.data, head.len);
	sg_buf_wipe_free(&head);
}

/*
 * sg_insig_more_inside - could the next layer find a signature or an
 * envelope at the top of entity (as sg_mimesig_find and sg_mime_classify
 * would see it under the outer fields: they read only its Content-*
 * fields)? When not, the loop need not rebuild it to look.
 */
static bool sg_insig_more_inside(const uint8_t *entity, size_t len)
{
	sg_mime *e = NULL;
	sg_status st;
	bool	more = true;

	st = sg_mime_parse(entity, len, &e);
	if (sg_status_is_ok(&st))
		more = sg_mimesig_maybe(e)
			|| sg_mime_classify(e) == SG_MIME_ENCRYPTED;
	sg_mime_free(e);
	return more;
}

/* sg_insig_process - verify every layer, outside in */
sg_status sg_insig_process(const sg_config *cfg, const char *authserv_id,
			   sg_buf *msg, sg_insig_open_fn open, void *ctx,
			   sg_insig *sig)
{
	sg_insig_run run;
	sg_verify_opts vo = SG_VERIFY_DEFAULTS;
	sg_mimesig ms = SG_MIMESIG_INIT;
	sg_verify_report *rep = NULL;
	sg_mime *m = NULL;
	sg_buf	next = SG_BUF_INIT, plain = SG_BUF_INIT, cur = SG_BUF_INIT;
	const sg_buf *layer_of;
	bool	cur_is_msg = true;
	sg_status st = sg_status_ok();
	size_t	layer, i;
	bool	domain_pass, opened, kept = false, done = false;
	const uint8_t *inner;
	size_t	inner_len;

	memset(sig, 0, sizeof(*sig));
	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	run.authserv_id = authserv_id;
	run.sig = sig;
	/*
	 * cur is the layer being examined, msg what will be delivered: they
	 * part when a signature is kept (what it signs is still examined,
	 * and opened if it holds an envelope for us: a signature over
	 * ciphertext means nothing once that is decrypted).
	 */
	/* cur_is_msg: the layer is msg itself, not a copy (large messages) */
	for (layer = 0; layer < SG_INSIG_MAX_LAYERS; layer++) {
		layer_of = cur_is_msg ? msg : &cur;
		st = sg_mime_parse(layer_of->data, layer_of->len, &m);
		if (!sg_status_is_ok(&st)) {
			st = sg_status_ok();	/* not ours to judge here */
			break;
		}
		if (layer == 0) {
			sg_mime_address(m, "From", sig->from,
					 sizeof(sig->from));
			sg_mime_address(m, "Sender", run.sender,
					 sizeof(run.sender));
		}
		st = sg_mimesig_find(m, &ms);
		if (!sg_status_is_ok(&st)) {
			sg_mimesig_result r = {"permerror", st.text, NULL,
					       NULL, NULL, NULL};

			sg_mimesig_ar_add(&sig->ar, authserv_id, &r);
			sg_insig_say(sig, "%ssmime=permerror why=malformed",
				     sig->nsigs ? " " : "");
			sig->nsigs++;
			st = sg_status_ok();
			break;
		}
		if (ms.kind == SG_MIMESIG_NONE) {
			/* inside a signature: an envelope for us? */
			opened = false;
			if (layer > 0 && open != NULL)
				st = open(ctx, m, &plain, &opened);
			if (!sg_status_is_ok(&st) || !opened)
				break;
			sg_insig_say(sig, " opened=envelope-inside-signature");
			sg_buf_wipe_free(msg);
			*msg = plain;
			memset(&plain, 0, sizeof(plain));
			sg_buf_wipe_free(&cur);
			cur_is_msg = true;
			kept = false;
			sg_mime_free(m);
			m = NULL;
			continue;
		}
		st = sg_insig_trust(&run);
		if (!sg_status_is_ok(&st)) {
			sig->temperror = true;
			break;
		}
		vo.trust = run.trust;
		vo.now = time(NULL);
		/* detached: the part as the signer hashed it, CRLF */
		vo.canon = SG_VERIFY_CANON_CRLF;
		st = sg_verify(&vo, ms.der.data, ms.der.len, ms.entity,
			       ms.entity_len, &rep);
		/*
		 * Some signers (NSS among them) hash the part with the line
		 * ends it was written with, not canonical CRLF: when every
		 * signer failed on the CRLF form, try the bytes as received,
		 * then the part with bare LF line ends.
		 */
		if (sg_status_is_ok(&st) && rep != NULL
		    && ms.kind == SG_MIMESIG_DETACHED && sg_insig_all_fail(rep)) {
			sg_insig_retry(vo, &ms, SG_VERIFY_CANON_AS_IS, &rep);
			if (sg_insig_all_fail(rep))
				sg_insig_retry(vo, &ms, SG_VERIFY_CANON_LF,
					       &rep);
		}
		if (!sg_status_is_ok(&st) || rep == NULL) {
			if (st.code == SG_TEMPFAIL)
				break;
			{
				sg_mimesig_result r = {"permerror", st.text,
						       NULL, NULL, NULL, NULL};

				sg_mimesig_ar_add(&sig->ar, authserv_id, &r);
			}
			sg_insig_say(sig, "%ssmime=permerror why=unreadable",
				     sig->nsigs ? " " : "");
			sig->nsigs++;
			st = sg_status_ok();
			break;
		}
		domain_pass = false;
		if (rep->nsigners == 0) {
			sg_mimesig_result r = {sg_verify_smime_result(rep->result),
					       rep->reason, NULL, NULL, NULL, NULL};

			sg_mimesig_ar_add(&sig->ar, authserv_id, &r);
			sg_insig_say(sig, "%ssmime=%s why=no-signer",
				     sig->nsigs ? " " : "", r.result);
			sig->nsigs++;
		}
		for (i = 0; i < rep->nsigners && i < SG_INSIG_MAX_SIGNERS; i++)
			sg_insig_signer(&run, &rep->signers[i], layer,
					&domain_pass);
		sig->domain_signed |= domain_pass;

		/* the inner entity under the outer header fields */
		inner = ms.kind == SG_MIMESIG_DETACHED ? ms.entity
			: rep->content.data;
		inner_len = ms.kind == SG_MIMESIG_DETACHED ? ms.entity_len
			: rep->content.len;
		sg_buf_reset(&next);
		if (domain_pass && cfg->strip_domain_signature && !kept) {
			/* nothing kept above it: the layer goes */
			sig->stripped = true;
			sg_insig_say(sig, " stripped=yes");
			if (cur_is_msg && ms.kind == SG_MIMESIG_DETACHED) {
				sg_insig_rebuild_in_place(m, msg, inner,
							  inner_len);
			} else {
				sg_mime_rebuild(m, "", inner, inner_len, &next);
				sg_buf_wipe_free(msg);
				*msg = next;
				memset(&next, 0, sizeof(next));
			}
			sg_buf_wipe_free(&cur);
			cur_is_msg = true;
		} else if (sg_insig_more_inside(inner, inner_len)) {
			kept = true;
			sg_mime_rebuild(m, "", inner, inner_len, &next);
			sg_buf_wipe_free(&cur);
			cur = next;
			cur_is_msg = false;
			memset(&next, 0, sizeof(next));
		} else {
			/* kept, and nothing inside it to examine */
			done = true;
		}
		sg_mimesig_free(&ms);
		sg_verify_report_free(rep);
		rep = NULL;
		sg_mime_free(m);
		m = NULL;
		if (done)
			break;
	}
	if (sg_status_is_ok(&st))
		sg_insig_finish(sig, authserv_id, msg, sig->nsigs > 0);
	sg_mimesig_free(&ms);
	sg_verify_report_free(rep);
	sg_mime_free(m);
	sg_buf_wipe_free(&next);
	sg_buf_wipe_free(&plain);
	sg_buf_wipe_free(&cur);
	sg_trust_free(run.trust);
	return st;
}

/* sg_insig_tag - put "smime=none" on a message no signature covered */
void	sg_insig_tag(sg_insig *sig, const char *authserv_id, sg_buf *msg)
{
	if (sig->nsigs > 0)
		return;				/* it carries ours already */
	sg_buf_reset(&sig->ar);
	sg_mimesig_ar_finish(&sig->ar, authserv_id);
	sg_buf_splice(msg, 0, 0, sig->ar.data, sig->ar.len);	/* in place */
}

/* sg_insig_free - release the buffers */
void	sg_insig_free(sg_insig *sig)
{
	sg_buf_free(&sig->ar);
}
