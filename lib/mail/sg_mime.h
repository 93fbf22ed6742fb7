/*
 * NAME
 *	sg_mime 3h
 * SUMMARY
 *	S/MIME message wrapping and unwrapping
 * SYNOPSIS
 *	#include "sg_mime.h"
 *
 *	sg_mime *m;
 *	st = sg_mime_parse(data, len, &m);
 *	switch (sg_mime_classify(m)) ...
 *	sg_mime_free(m);
 * DESCRIPTION
 *	A message is parsed twice, for two purposes. GMime parses the MIME
 *	structure: the top-level content type, its parameters (smime-type,
 *	name) and the decoded body. The header block is also split into raw
 *	fields on the original bytes, so that every header this module keeps
 *	is written out exactly as it came in (folding, 8-bit bytes and all).
 *	As Postfix's cleanup does, the header block ends at the first line
 *	that is neither a header field nor a continuation.
 *
 *	sg_mime_classify() says whether the message is S/MIME encrypted at
 *	its top level: application/pkcs7-mime or application/x-pkcs7-mime with
 *	smime-type enveloped-data or authEnveloped-data, or without smime-type
 *	(or with application/octet-stream and a *.p7m name) when the body is a
 *	CMS EnvelopedData or AuthEnvelopedData. Other S/MIME (signed-data,
 *	certs-only) and everything else is SG_MIME_OTHER.
 *
 *	sg_mime_smime_body() gives the decoded body of the top-level part.
 *
 *	sg_mime_entity() is what outbound encryption protects: the Content-*
 *	header fields of the top level and the body, as a MIME entity with
 *	canonical CRLF line ends (RFC 8551 section 3.1.1).
 *
 *	sg_mime_wrap() builds the outbound message: the original header fields
 *	except Content-*, MIME-Version, Bcc and Resent-Bcc, then the S/MIME
 *	headers (smime-type enveloped-data or authEnveloped-data, name
 *	smime.p7m) and the base64 of der.
 *
 *	sg_mime_unwrap() builds the inbound message: the original header
 *	fields except Content-*, MIME-Version and SG_MIME_TRACE_HEADER, then
 *	"SG_MIME_TRACE_HEADER: trace", MIME-Version, and the decrypted entity.
 *
 *	sg_mime_strip_trace() removes SG_MIME_TRACE_HEADER fields from the
 *	header block of data (nobody outside may forge our trace) and leaves
 *	every other byte as it was; *changed says whether any was removed.
 *
 *	Output of wrap, unwrap and strip_trace has LF line ends, as sendmail(1)
 *	expects; wrap and unwrap convert CRLF; strip_trace leaves the bytes.
 * DIAGNOSTICS
 *	SG_REJECT for messages without a header, or an S/MIME body that does
 *	not decode.
 */
#ifndef SG_MIME_H
#define SG_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"
#include "sg_status.h"

#define SG_MIME_TRACE_HEADER "X-SMIME-Gateway"

typedef struct sg_mime sg_mime;

typedef enum sg_mime_kind {
	SG_MIME_OTHER = 0,
	SG_MIME_ENCRYPTED,
} sg_mime_kind;

/* sg_mime_parse - parse a message; the data must outlive *m */
sg_status sg_mime_parse(const uint8_t *data, size_t len, sg_mime **m);
void	sg_mime_free(sg_mime *m);

sg_mime_kind sg_mime_classify(sg_mime *m);

/* sg_mime_smime_body - decoded body of the top-level part into out */
sg_status sg_mime_smime_body(sg_mime *m, sg_buf *out);

/* sg_mime_entity - Content-* fields and body, CRLF, into out */
void	sg_mime_entity(const sg_mime *m, sg_buf *out);

/* sg_mime_wrap - the outbound S/MIME message into out */
void	sg_mime_wrap(const sg_mime *m, const uint8_t *der, size_t len,
		     bool auth_enveloped, sg_buf *out);

/* sg_mime_unwrap - the decrypted inbound message into out */
void	sg_mime_unwrap(const sg_mime *m, const uint8_t *entity, size_t len,
		       const char *trace, sg_buf *out);

/* sg_mime_strip_trace - data without our trace header fields */
void	sg_mime_strip_trace(const uint8_t *data, size_t len, sg_buf *out,
			    bool *changed);

#endif
