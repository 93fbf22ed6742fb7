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

/* sg_outsign_sign - the detached SignedData over entity into der */
static sg_status sg_outsign_sign(sg_outsign *os, const uint8_t *entity,
				 size_t len, sg_buf *der)
{
	sg_sign_opts opts = SG_SIGN_DEFAULTS;
	sg_status st;

	opts.digest = os->cfg->sign_digest;
	opts.rsa_pss = os->cfg->sign_rsa_pss;
	opts.domain_signature = true;
	opts.encryption_cert = os->enc_crt;
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
 * sg_outsign_message - sg_outsign_entity() of m's entity (sg_mime_entity),
 * written once, straight into out between the halves of the
 * multipart/signed, and signed where it lies there
 */
sg_status sg_outsign_message(sg_outsign *os, const sg_mime *m, sg_buf *out)
{
	const char *micalg = sg_digest_micalg(os->cfg->sign_digest);
	char	delim[SG_MIMESIG_DELIM_MAX];
	sg_buf	der = SG_BUF_INIT, entity = SG_BUF_INIT;
	sg_status st;
	size_t	off;

	do {
		sg_buf_reset(out);
		sg_mimesig_build_head(micalg, delim, out);
		off = out->len;
		sg_mime_entity_append(m, out);
	} while (memmem(out->data + off, out->len - off, delim,
			strlen(delim)) != NULL);
	if (!sg_mimesig_is_7bit(out->data + off, out->len - off)) {
		/* GMime re-encodes it first: the way with copies */
		sg_buf_append(&entity, out->data + off, out->len - off);
		st = sg_outsign_entity(os, entity.data, entity.len, out);
		sg_buf_wipe_free(&entity);
		return st;
	}
	st = sg_outsign_sign(os, out->data + off, out->len - off, &der);
	if (sg_status_is_ok(&st))
		sg_mimesig_build_tail(delim, der.data, der.len, out);
	sg_buf_free(&der);
	return st;
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
