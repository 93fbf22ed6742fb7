/*
 * NAME
 *	sg_smimewrap 3
 * SUMMARY
 *	an encrypted S/MIME copy, written while it is encrypted
 * DESCRIPTION
 *	The header comes from sg_mime_wrap() with an empty envelope (whose
 *	base64 is empty), so it cannot drift from the buffered path; the
 *	base64 uses GMime's incremental encoder, whose state carries over
 *	between chunks, so the lines are those of the one-shot encoder.
 */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "sg_buf.h"
#include "sg_mem.h"
#include "sg_smimewrap.h"

/* The base64 stage between the envelope and the caller's sink. */
typedef struct sg_smimewrap_b64 {
	sg_cms_sink sink;
	void   *ctx;
	int	state;
	guint32	save;
	uint8_t *out;
	size_t	size;
} sg_smimewrap_b64;

/* sg_smimewrap_step - encode one piece of DER, pass the text on */
static sg_status sg_smimewrap_step(void *ctx, const uint8_t *der, size_t len)
{
	sg_smimewrap_b64 *b = ctx;
	size_t	need = GMIME_BASE64_ENCODE_LEN(len) + 8, n;

	if (need > b->size) {
		b->out = sg_realloc(b->out, need);
		b->size = need;
	}
	n = g_mime_encoding_base64_encode_step(der, len, b->out, &b->state,
					       &b->save);
	return n ? b->sink(b->ctx, b->out, n) : sg_status_ok();
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
	sg_smimewrap_b64 b = {sink, ctx, 0, 0, NULL, 0};
	sg_buf	head = SG_BUF_INIT;
	uint8_t	last[16];
	size_t	n;
	sg_status st;

	sg_mime_wrap(m, (const uint8_t *) "", 0,
		     sg_cipher_is_aead(opts->cipher), &head);
	st = sink(ctx, head.data, head.len);
	if (sg_status_is_ok(&st))
		st = sg_cms_encrypt_source(opts, certs, ncerts, len, source,
					   sctx, sg_smimewrap_step, &b);
	if (sg_status_is_ok(&st)) {
		n = g_mime_encoding_base64_encode_close(NULL, 0, last, &b.state,
							&b.save);
		if (n)
			st = sink(ctx, last, n);
	}
	sg_buf_free(&head);
	free(b.out);
	return st;
}
