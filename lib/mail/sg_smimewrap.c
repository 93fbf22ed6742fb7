/*
 * NAME
 *	sg_smimewrap 3
 * SUMMARY
 *	an encrypted S/MIME copy, written while it is encrypted
 * DESCRIPTION
 *	The header comes from sg_mime_wrap() with an empty envelope (whose
 *	base64 is empty), so it cannot drift from the buffered path; the
 *	base64 is sg_b64's, whose lines do not depend on how the envelope
 *	comes in pieces, so they are those of the one-shot encoding. No
 *	GMime call: a copy that is only wrapped does not load GMime
 *	(filter/smimegw_gmime.c).
 */
#include <stdlib.h>
#include <string.h>

#include "sg_b64.h"
#include "sg_buf.h"
#include "sg_mem.h"
#include "sg_smimewrap.h"

/* The base64 stage between the envelope and the caller's sink. */
typedef struct sg_smimewrap_b64 {
	sg_cms_sink sink;
	void   *ctx;
	sg_b64	enc;
	sg_buf	out;
} sg_smimewrap_b64;

/* sg_smimewrap_step - encode one piece of DER, pass the lines on */
static sg_status sg_smimewrap_step(void *ctx, const uint8_t *der, size_t len)
{
	sg_smimewrap_b64 *b = ctx;

	sg_buf_reset(&b->out);
	sg_b64_update(&b->enc, der, len, &b->out);
	return b->out.len ? b->sink(b->ctx, b->out.data, b->out.len)
		: sg_status_ok();
}

/* sg_smimewrap_encrypt - header and base64 envelope of entity, to sink */
sg_status sg_smimewrap_encrypt(const sg_mime *m,
			       const sg_cms_encrypt_opts *opts,
			       gnutls_x509_crt_t const *certs, size_t ncerts,
			       const uint8_t *entity, size_t len,
			       sg_cms_sink sink, void *ctx)
{
	sg_cms_mem mem = {entity, len, 0};

	return sg_smimewrap_encrypt_source(m, opts, certs, ncerts, len,
					   sg_cms_mem_read, &mem, sink, ctx);
}

/* sg_smimewrap_encrypt_source - the same, the entity read from source */
sg_status sg_smimewrap_encrypt_source(const sg_mime *m,
				      const sg_cms_encrypt_opts *opts,
				      gnutls_x509_crt_t const *certs,
				      size_t ncerts, size_t len,
				      sg_cms_source source, void *sctx,
				      sg_cms_sink sink, void *ctx)
{
	sg_smimewrap_b64 b = {.sink = sink, .ctx = ctx, .out = SG_BUF_INIT};
	sg_buf	head = SG_BUF_INIT;
	sg_status st;

	sg_b64_init(&b.enc, false);
	sg_mime_wrap(m, (const uint8_t *) "", 0,
		     sg_cipher_is_aead(opts->cipher), &head);
	st = sink(ctx, head.data, head.len);
	if (sg_status_is_ok(&st))
		st = sg_cms_encrypt_source(opts, certs, ncerts, len, source,
					   sctx, sg_smimewrap_step, &b);
	if (sg_status_is_ok(&st)) {
		sg_buf_reset(&b.out);
		sg_b64_final(&b.enc, &b.out);
		if (b.out.len)
			st = sink(ctx, b.out.data, b.out.len);
	}
	sg_buf_free(&head);
	sg_buf_free(&b.out);
	return st;
}
