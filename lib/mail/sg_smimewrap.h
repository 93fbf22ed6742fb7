/*
 * NAME
 *	sg_smimewrap 3h
 * SUMMARY
 *	an encrypted S/MIME copy, written while it is encrypted
 * SYNOPSIS
 *	#include "sg_smimewrap.h"
 *
 *	st = sg_smimewrap_encrypt(mime, &opts, certs, ncerts, entity, len,
 *				  sink, ctx);
 * DESCRIPTION
 *	The bytes of sg_mime_wrap(mime, sg_cms_encrypt(...)), produced
 *	piece by piece: the outer header, then the envelope of
 *	sg_cms_encrypt_stream() base64-encoded as it comes (76-column lines,
 *	the same bytes as the one-shot encoder), into sink. Neither the DER
 *	nor its base64 is ever held whole: memory is a few 64 KB buffers
 *	beside the entity.
 * DIAGNOSTICS
 *	The status of sg_cms_encrypt_stream() or of the sink. On failure
 *	the sink has taken a cut-off copy: the caller throws it away (a
 *	sg_reinject spool that is never sealed is never sent).
 */
#ifndef SG_SMIMEWRAP_H
#define SG_SMIMEWRAP_H

#include <stddef.h>
#include <stdint.h>

#include "sg_cms.h"
#include "sg_mime.h"
#include "sg_status.h"

/* sg_smimewrap_encrypt - header and base64 envelope of entity, to sink */
sg_status sg_smimewrap_encrypt(const sg_mime *m,
			       const sg_cms_encrypt_opts *opts,
			       gnutls_x509_crt_t const *certs, size_t ncerts,
			       const uint8_t *entity, size_t len,
			       sg_cms_sink sink, void *ctx);

/*
 * sg_smimewrap_encrypt_source - the same, the len bytes of the entity
 * read from source while they are encrypted (sg_mime_entity_read)
 */
sg_status sg_smimewrap_encrypt_source(const sg_mime *m,
				      const sg_cms_encrypt_opts *opts,
				      gnutls_x509_crt_t const *certs,
				      size_t ncerts, size_t len,
				      sg_cms_source source, void *sctx,
				      sg_cms_sink sink, void *ctx);

#endif
