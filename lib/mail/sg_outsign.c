/*
 * NAME
 *	sg_outsign 3
 * SUMMARY
 *	the gateway's domain signature on outbound mail (RFC 3183)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg_certs.h"
#include "sg_expiry.h"
#include "sg_mem.h"
#include "sg_mimesig.h"
#include "sg_outsign.h"
#include "sg_sign.h"

#define SG_OUTSIGN_PIECE	65536	/* bytes of entity hashed at a time */

struct sg_outsign {
	const sg_config *cfg;
	sg_signer *signer;
	sg_certs enc;			/* the gateway's certificate file */
	gnutls_x509_crt_t enc_crt;	/* the one key preference names */
	char	desc[400];
};

/* sg_outsign_enc_crt - the first certificate that allows encryption */
static gnutls_x509_crt_t sg_outsign_enc_crt(const sg_certs *certs)
{
	unsigned usage, critical;
	size_t	i;

	for (i = 0; i < certs->count; i++) {
		if (gnutls_x509_crt_get_key_usage(certs->crts[i], &usage,
						  &critical) < 0
		    || (usage & (GNUTLS_KEY_KEY_ENCIPHERMENT
				 | GNUTLS_KEY_KEY_AGREEMENT)))
			return certs->crts[i];
	}
	return NULL;
}

/* sg_outsign_new - load the signing key, its certificate and chain */
sg_status sg_outsign_new(const sg_config *cfg, sg_outsign **osp)
{
	sg_outsign *os = sg_calloc(1, sizeof(*os));
	const char *cert = cfg->sign_certificate ? cfg->sign_certificate
		: cfg->certificate;
	const char *key = cfg->sign_private_key ? cfg->sign_private_key
		: cfg->private_key;
	char	who[300];
	sg_status st;

	*osp = NULL;
	os->cfg = cfg;
	st = sg_signer_load(cert, key, &os->signer);
	if (sg_status_is_ok(&st))
		st = sg_signer_check_time(os->signer, time(NULL));
	if (!sg_status_is_ok(&st)) {
		st = sg_status_make(st.code == SG_REJECT ? SG_CONFIG : st.code,
				    "[signing]: %s", st.text);
		sg_outsign_free(os);
		return st;
	}
	/* the key preference is a courtesy: a file we cannot read is no loss */
	if (cfg->certificate != NULL) {
		sg_status est = sg_certs_load(&os->enc, cfg->certificate);

		if (sg_status_is_ok(&est))
			os->enc_crt = sg_outsign_enc_crt(&os->enc);
	}
	(void) sg_expiry_warn(sg_signer_cert(os->signer), "[signing] "
			      "certificate", cfg->warn_days, cfg->state_dir,
			      time(NULL));
	sg_certs_describe(sg_signer_cert(os->signer), who, sizeof(who));
	snprintf(os->desc, sizeof(os->desc), "signed=%s%s signer=[%s]",
		 sg_digest_micalg(cfg->sign_digest),
		 cfg->sign_rsa_pss ? "/pss" : "", who);
	*osp = os;
	return sg_status_ok();
}

/* sg_outsign_opts - the signature options of the [signing] section */
static void sg_outsign_opts(const sg_outsign *os, sg_sign_opts *opts)
{
	sg_sign_opts defaults = SG_SIGN_DEFAULTS;

	*opts = defaults;
	opts->digest = os->cfg->sign_digest;
	opts->rsa_pss = os->cfg->sign_rsa_pss;
	opts->domain_signature = true;
	opts->encryption_cert = os->enc_crt;
}

/* sg_outsign_sign - the detached SignedData over entity into der */
static sg_status sg_outsign_sign(sg_outsign *os, const uint8_t *entity,
				 size_t len, sg_buf *der)
{
	sg_sign_opts opts;
	sg_status st;

	sg_outsign_opts(os, &opts);
	st = sg_sign_detached(os->signer, &opts, entity, len, der);
	if (!sg_status_is_ok(&st))
		st = sg_status_make(st.code == SG_REJECT ? SG_TEMPFAIL
				    : st.code, "signing: %s", st.text);
	return st;
}

/* sg_outsign_entity - sign an entity; the multipart/signed into out */
sg_status sg_outsign_entity(sg_outsign *os, const uint8_t *entity, size_t len,
			    sg_buf *out)
{
	sg_buf	safe = SG_BUF_INIT, der = SG_BUF_INIT;
	sg_status st = sg_status_ok();

	/* already 7-bit (the usual case): signed as it is, not copied */
	if (!sg_mimesig_is_7bit(entity, len)) {
		st = sg_mimesig_7bit(entity, len, &safe);
		entity = safe.data;
		len = safe.len;
	}
	if (sg_status_is_ok(&st))
		st = sg_outsign_sign(os, entity, len, &der);
	if (sg_status_is_ok(&st))
		sg_mimesig_build(entity, len, sg_digest_micalg(os->cfg->sign_digest),
				 der.data, der.len, out);
	sg_buf_wipe_free(&safe);
	sg_buf_free(&der);
	return st;
}

/*
 * sg_outsign_pass - read m's entity once, in pieces: hash it into ss and
 * scan it for 7-bit (each when not NULL); true if delim occurs in it.
 * *len: the entity's size.
 */
static bool sg_outsign_pass(const sg_mime *m, const char *delim,
			    sg_sign_stream *ss, sg_mimesig_scan *scan,
			    size_t *len)
{
	size_t	dlen = strlen(delim), keep = 0, n;
	sg_mime_entity_reader r;
	sg_buf	win = SG_BUF_INIT;
	bool	found = false;

	sg_buf_reserve(&win, SG_OUTSIGN_PIECE + SG_MIMESIG_DELIM_MAX);
	sg_mime_entity_open(m, &r);
	*len = r.total;
	while ((n = sg_mime_entity_read(&r, win.data + keep,
					SG_OUTSIGN_PIECE)) > 0) {
		if (ss != NULL)
			sg_sign_stream_update(ss, win.data + keep, n);
		if (scan != NULL)
			sg_mimesig_7bit_scan(scan, win.data + keep, n);
		n += keep;
		found = found || memmem(win.data, n, delim, dlen) != NULL;
		/* a delimiter may straddle two pieces */
		keep = n < dlen - 1 ? n : dlen - 1;
		memmove(win.data, win.data + n - keep, keep);
	}
	sg_mime_entity_close(&r);
	sg_buf_wipe_free(&win);
	return found;
}

/*
 * sg_outsign_message - sg_outsign_entity() of m's entity (sg_mime_entity),
 * never copied when it is 7-bit: hashed as it is read, read again by
 * sg_outsign_read between the halves of the multipart/signed
 */
sg_status sg_outsign_message(sg_outsign *os, const sg_mime *m,
			     sg_outsign_signed *sig)
{
	const char *micalg = sg_digest_micalg(os->cfg->sign_digest);
	char	delim[SG_MIMESIG_DELIM_MAX];
	sg_mimesig_scan scan = SG_MIMESIG_SCAN_INIT;
	sg_sign_opts opts;
	sg_sign_stream *ss = NULL;
	sg_buf	der = SG_BUF_INIT, entity = SG_BUF_INIT;
	sg_status st;
	size_t	elen;
	bool	clash;

	memset(sig, 0, sizeof(*sig));
	sg_outsign_opts(os, &opts);
	st = sg_sign_stream_new(os->signer, &opts, &ss);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	sg_mimesig_build_head(micalg, delim, &sig->head);
	clash = sg_outsign_pass(m, delim, ss, &scan, &elen);
	if (!scan.ok) {
		/* GMime re-encodes it first: the way with copies */
		sg_buf_reset(&sig->head);
		sg_mime_entity(m, &entity);
		st = sg_outsign_entity(os, entity.data, entity.len, &sig->head);
		sig->total = sig->head.len;
		goto cleanup;
	}
	while (clash) {
		sg_buf_reset(&sig->head);
		sg_mimesig_build_head(micalg, delim, &sig->head);
		clash = sg_outsign_pass(m, delim, NULL, NULL, &elen);
	}
	st = sg_sign_stream_finish(ss, &der);
	if (!sg_status_is_ok(&st)) {
		st = sg_status_make(st.code == SG_REJECT ? SG_TEMPFAIL
				    : st.code, "signing: %s", st.text);
		goto cleanup;
	}
	sg_mimesig_build_tail(delim, der.data, der.len, &sig->tail);
	sig->m = m;
	sig->total = sig->head.len + elen + sig->tail.len;
cleanup:
	if (!sg_status_is_ok(&st))
		sg_outsign_signed_free(sig);
	sg_sign_stream_free(ss);
	sg_buf_wipe_free(&entity);
	sg_buf_free(&der);
	return st;
}

/* sg_outsign_signed_free - release what sg_outsign_message made */
void	sg_outsign_signed_free(sg_outsign_signed *sig)
{
	sg_buf_wipe_free(&sig->head);
	sg_buf_free(&sig->tail);
	sig->m = NULL;
	sig->total = 0;
}

/* sg_outsign_open - read the multipart/signed from its start */
void	sg_outsign_open(const sg_outsign_signed *sig, sg_outsign_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->sig = sig;
	if (sig->m != NULL)
		sg_mime_entity_open(sig->m, &r->entity);
}

/* sg_outsign_part - copy from part [start, start+len) at r->off to buf */
static size_t sg_outsign_part(sg_outsign_reader *r, size_t start,
			      const uint8_t *part, size_t len, uint8_t *buf,
			      size_t want)
{
	size_t	n;

	if (r->off < start || r->off >= start + len)
		return 0;
	n = start + len - r->off;
	n = n < want ? n : want;
	memcpy(buf, part + (r->off - start), n);
	r->off += n;
	return n;
}

/* sg_outsign_read - the next want bytes (sg_cms_source) */
size_t	sg_outsign_read(void *ctx, uint8_t *buf, size_t want)
{
	sg_outsign_reader *r = ctx;
	const sg_outsign_signed *sig = r->sig;
	size_t	elen = sig->total - sig->head.len - sig->tail.len;
	size_t	n, got = 0;

	got += sg_outsign_part(r, 0, sig->head.data, sig->head.len, buf, want);
	if (got < want && r->off >= sig->head.len
	    && r->off < sig->head.len + elen) {
		n = sg_mime_entity_read(&r->entity, buf + got, want - got);
		r->off += n;
		got += n;
	}
	if (got < want)
		got += sg_outsign_part(r, sig->head.len + elen, sig->tail.data,
				       sig->tail.len, buf + got, want - got);
	return got;
}

/* sg_outsign_close - release a reader */
void	sg_outsign_close(sg_outsign_reader *r)
{
	if (r->sig != NULL && r->sig->m != NULL)
		sg_mime_entity_close(&r->entity);
	r->sig = NULL;
}

/*
 * sg_outsign_signed_append - all of the multipart/signed appended to out,
 * with LF line ends when lf
 */
void	sg_outsign_signed_append(const sg_outsign_signed *sig, bool lf,
				 sg_buf *out)
{
	sg_outsign_reader r;
	size_t	n, from = out->len;

	sg_buf_reserve(out, sig->total);
	sg_outsign_open(sig, &r);
	n = sg_outsign_read(&r, out->data + out->len, sig->total);
	sg_buf_set_len(out, out->len + n);
	sg_outsign_close(&r);
	if (lf)
		sg_buf_lf_from(out, from);
}

/* sg_outsign_describe - the log text */
const char *sg_outsign_describe(const sg_outsign *os)
{
	return os->desc;
}

/* sg_outsign_free - release everything; NULL is allowed */
void	sg_outsign_free(sg_outsign *os)
{
	if (os == NULL)
		return;
	sg_signer_free(os->signer);
	sg_certs_free(&os->enc);
	free(os);
}
