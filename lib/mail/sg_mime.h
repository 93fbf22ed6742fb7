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
 *	name) and the decoded body; only when something asks for them (a
 *	message that is only wrapped is never parsed by GMime), and for a
 *	large body classify and smime_body parse only the header and the
 *	first 64 KB, and decode the body from the original bytes. The header block is also split into raw
 *	fields on the original bytes, so that every header this module keeps
 *	is written out exactly as it came in (folding, 8-bit bytes and all).
 *	As Postfix's cleanup does, the header block ends at the first line
 *	that is neither a header field nor a continuation, and a line that
 *	starts with white space continues the field before it.
 *
 *	sg_mime_parse() refuses (SG_REJECT, "message header ...") a header
 *	block that readers split in different ways, so that no byte of it
 *	is ever guessed into the outer header of an encrypted copy:
 *	- a CR not followed by LF in a header field: Postfix and this module
 *	  see one field, a reader that ends lines at CR sees several (and
 *	  with CR line ends the whole message, Bcc and body, would be one
 *	  "field"). A bare CR in the body is data and is encrypted.
 *	- a line of only white space followed by more header lines: to
 *	  Postfix (and RFC 5322 obs-FWS) a continuation, to other readers the
 *	  end of the header. The same line at the end of the header block
 *	  (before the empty line or the first body line) is accepted; wrap
 *	  and unwrap leave such lines out of every field they copy.
 *	The filter bounces such a message with 5.6.0.
 *
 *	sg_mime_classify() says whether the message is S/MIME encrypted at
 *	its top level: application/pkcs7-mime or application/x-pkcs7-mime
 *	whose smime-type is enveloped-data or authEnveloped-data (any case;
 *	an RFC 2045 comment after the value is ignored), even if the body is
 *	broken (fail closed); or any top-level leaf of type "application"
 *	whose body, whatever the parameters say (smime-type missing or
 *	wrong, octet-stream with any name), begins as a CMS EnvelopedData or
 *	AuthEnvelopedData.
 *	Only the first SG_MIME_PEEK_LEN decoded bytes are looked at. Other
 *	S/MIME (signed-data, certs-only) and everything else is
 *	SG_MIME_OTHER.
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
 *	sg_mime_unwrap() builds the inbound message from the outer header
 *	and the decrypted entity (Content-* fields only, or a whole message
 *	as openssl smime, Crypt::SMIME and RFC 9788 senders write it), with
 *	one of each field:
 *	1. the outer fields except Content-*, MIME-Version and
 *	   SG_MIME_TRACE_HEADER;
 *	2. "SG_MIME_TRACE_HEADER: trace" and "MIME-Version: 1.0";
 *	3. the entity's fields except MIME-Version, HP-Outer, and the trace
 *	   and authentication fields that only the path to us may add
 *	   (Received, Return-Path, Delivered-To, X-Original-To,
 *	   Authentication-Results, ARC-*, SG_MIME_TRACE_HEADER); its Content-*
 *	   fields replace the outer ones;
 *	4. an empty line and the entity's body.
 *	A name in both headers: without header protection the outer field
 *	wins and the entity's is dropped; when the entity's Content-Type has
 *	hp="cipher" (RFC 9788) the protected entity field wins and the outer
 *	one is dropped (outer-only fields, e.g. trace, stay). Within one
 *	header, a repeated Content-* field or RFC 5322 "at most once" field
 *	(Date, From, Sender, Reply-To, To, Cc, Bcc, Message-ID, In-Reply-To,
 *	References, Subject) keeps its first occurrence only. A CR without
 *	LF in an entity field becomes a space.
 *
 *	sg_mime_strip_trace() removes SG_MIME_TRACE_HEADER fields from the
 *	header block of data (nobody outside may forge our trace) and leaves
 *	every other byte as it was; *changed says whether any was removed.
 *
 *	Output of wrap, unwrap and strip_trace has LF line ends, as sendmail(1)
 *	expects; wrap and unwrap convert CRLF; strip_trace leaves the bytes.
 * DIAGNOSTICS
 *	SG_REJECT for messages without a header, with an ambiguous header
 *	block (above), with a header field larger than SG_MIME_MAX_FIELD
 *	(Postfix itself keeps at most header_size_limit, 100 KB, of one; a
 *	larger one never came through Postfix and only costs memory), or an
 *	S/MIME body that does not decode.
 */
#ifndef SG_MIME_H
#define SG_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"
#include "sg_ctype.h"
#include "sg_eol.h"
#include "sg_status.h"

#define SG_MIME_TRACE_HEADER "X-SMIME-Gateway"
#define SG_MIME_PEEK_LEN	64	/* decoded bytes classify looks at */
#define SG_MIME_MAX_FIELD	(4 * 1024 * 1024)	/* one header field, bytes */
/* Above this many body bytes the top level is looked at in a head parse. */
#define SG_MIME_HEAD_BODY	(64 * 1024)

typedef struct sg_mime sg_mime;

typedef enum sg_mime_kind {
	SG_MIME_OTHER = 0,
	SG_MIME_ENCRYPTED,
} sg_mime_kind;

/*
 * sg_mime_init - GMime's global set-up, once per process; before any
 * other GMime call of this wing. sg_mime_parse() does not need GMime:
 * the functions that use its parse set it up themselves.
 */
void	sg_mime_init(void);

/* sg_mime_parse - parse a message; the data must outlive *m */
sg_status sg_mime_parse(const uint8_t *data, size_t len, sg_mime **m);
void	sg_mime_free(sg_mime *m);

/*
 * sg_mime_classify - ENCRYPTED for an envelope at the top level (see the
 * description). A top level with one Content-Type in sg_ctype's simple
 * form that says application/pkcs7-mime (or x-pkcs7-mime) with
 * smime-type enveloped-data or authEnveloped-data is told so without
 * GMime.
 */
sg_mime_kind sg_mime_classify(sg_mime *m);

/*
 * sg_mime_ctype_parse - a Content-Type value (unfolded) as GMime reads
 * it: by sg_ctype(3) when it has the simple form, which GMime reads the
 * same way, else by GMime (set up then); false when GMime cannot parse
 * it. value must outlive t; t is released with sg_mime_ctype_free()
 * whatever the answer. sg_mime_ctype_is() compares type/sub ("*": any
 * subtype); sg_mime_ctype_param() copies a parameter's value into buf,
 * false when there is none or it does not fit.
 */
struct _GMimeContentType;
typedef struct sg_mime_ctype {
	sg_ctype simple;		/* when is_simple */
	bool	is_simple;
	struct _GMimeContentType *gmime;	/* else, or NULL */
} sg_mime_ctype;

bool	sg_mime_ctype_parse(const char *value, sg_mime_ctype *t);
bool	sg_mime_ctype_is(const sg_mime_ctype *t, const char *type,
			 const char *sub);
bool	sg_mime_ctype_param(const sg_mime_ctype *t, const char *name,
			    char *buf, size_t size);
void	sg_mime_ctype_free(sg_mime_ctype *t);

/*
 * sg_mime_plain_top - true when the top-level Content-Type shows, without
 * GMime, a message that holds no S/MIME at its top level: no such field
 * (text/plain), or "type/subtype" between optional blanks and before ";"
 * or the end, with type text, image, audio or video, or multipart with
 * subtype alternative, related or report (one such field only: GMime
 * reads the last of several). Then sg_mime_classify() is
 * SG_MIME_OTHER, sg_mime_footed_envelope() false and sg_mimesig_find()
 * finds nothing, and none of them loads GMime; any other form, GMime
 * decides.
 */
bool	sg_mime_plain_top(const sg_mime *m);

/*
 * sg_mime_smime_body - decoded body of the top-level part into out. A
 * leaf of type application/ whose one Content-Transfer-Encoding is
 * base64, with a simple Content-Type (sg_ctype) and strict base64
 * (sg_b64_decode), is decoded without GMime, to the bytes GMime gives.
 */
sg_status sg_mime_smime_body(sg_mime *m, sg_buf *out);

/*
 * sg_mime_part_b64 - the same for the raw MIME part data (header, empty
 * line, body): its decoded body appended to out, or false (nothing
 * appended) when GMime must read it
 */
bool	sg_mime_part_b64(const uint8_t *data, size_t len, sg_buf *out);

/*
 * sg_mime_decoder_new, _step, _end - sg_mime_smime_body()'s decoding of a
 * large body, for bytes that arrive in pieces: the decoder of the
 * top-level part's Content-Transfer-Encoding (GMime's), so that the
 * pieces, however cut, decode to what sg_mime_smime_body() gives for the
 * whole message when its body is over 64 KB. new: NULL when the top level
 * is not a leaf part. end flushes and frees the decoder (NULL is fine).
 */
typedef struct sg_mime_decoder sg_mime_decoder;

sg_mime_decoder *sg_mime_decoder_new(sg_mime *m);
void	sg_mime_decoder_step(sg_mime_decoder *d, const uint8_t *in, size_t len,
			     sg_buf *out);
void	sg_mime_decoder_end(sg_mime_decoder *d, sg_buf *out);

/* sg_mime_entity - Content-* fields and body, CRLF, into out */
void	sg_mime_entity(const sg_mime *m, sg_buf *out);

/* sg_mime_entity_append - the same, appended to what out holds */
void	sg_mime_entity_append(const sg_mime *m, sg_buf *out);

/*
 * sg_mime_entity_open, _read, _close - the bytes of sg_mime_entity() in
 * pieces, without a copy of the body: r->total is their number, known
 * at open; _read fits sg_cms_source. m must outlive the reader.
 */
typedef struct sg_mime_entity_reader {
	size_t	total;			/* bytes the reader gives in all */
	/* private */
	sg_buf	head;			/* Content-* fields and the empty line */
	size_t	head_off;
	sg_eol_reader body;		/* the body, bare LF made CRLF */
} sg_mime_entity_reader;

void	sg_mime_entity_open(const sg_mime *m, sg_mime_entity_reader *r);
size_t	sg_mime_entity_read(void *r, uint8_t *buf, size_t want);
void	sg_mime_entity_close(sg_mime_entity_reader *r);

/* sg_mime_wrap - the outbound S/MIME message into out */
void	sg_mime_wrap(const sg_mime *m, const uint8_t *der, size_t len,
		     bool auth_enveloped, sg_buf *out);

/* sg_mime_unwrap - the decrypted inbound message into out */
void	sg_mime_unwrap(const sg_mime *m, const uint8_t *entity, size_t len,
		       const char *trace, sg_buf *out);

/*
 * sg_mime_unwrap_buf - the same for the entity in buf, rewritten in place
 * into the message (no second copy of the body)
 */
void	sg_mime_unwrap_buf(const sg_mime *m, sg_buf *buf, const char *trace);

/* sg_mime_strip_trace - data without our trace header fields */
void	sg_mime_strip_trace(const uint8_t *data, size_t len, sg_buf *out,
			    bool *changed);

/*
 * sg_mime_header - the value of the first field called name, unfolded
 * (line ends removed, leading white space trimmed), into value; false
 * when there is none.
 */
bool	sg_mime_header(const sg_mime *m, const char *name, sg_buf *value);

/*
 * sg_mime_address - the address (local@domain) of the first mailbox in
 * the first field called name (From, Sender, ...), as GMime parses it;
 * "" when there is none. The two plain forms are read without GMime
 * (sg_mime_address_simple), every other one by GMime.
 */
void	sg_mime_address(const sg_mime *m, const char *name, char *buf,
			size_t size);

/*
 * sg_mime_address_simple - the address of an unfolded field value that
 * is, between optional blanks, "local@domain" or "phrase <local@domain>"
 * with each part ASCII dot-atom text (RFC 5322 3.2.3), no A-label
 * ("xn--", which GMime decodes) in the domain and the phrase only atext
 * and blanks: what GMime would answer, without loading GMime.
 * false for any other form (nothing is written then).
 */
bool	sg_mime_address_simple(const char *value, char *buf, size_t size);

/*
 * sg_mime_footed_envelope - an envelope a relay put into multipart/mixed
 * with text footer parts: true, and out is the outer header fields with
 * the envelope part as the entity (a message to decrypt)
 */
bool	sg_mime_footed_envelope(sg_mime *m, sg_buf *out);

/* sg_mime_body - the raw bytes after the header block */
void	sg_mime_body(const sg_mime *m, const uint8_t **body, size_t *len);

/*
 * sg_mime_strip_fields - data without the header fields for which drop()
 * says true (it gets the name and the unfolded value); the other bytes
 * as they were. *dropped counts the fields removed.
 */
typedef bool (*sg_mime_drop_fn) (const char *name, const char *value,
				 void *ctx);
void	sg_mime_strip_fields(const uint8_t *data, size_t len,
			     sg_mime_drop_fn drop, void *ctx, sg_buf *out,
			     size_t *dropped);

/*
 * sg_mime_rebuild - the outer fields (as sg_mime_wrap keeps them), then
 * fields (complete lines, LF, may be ""), "MIME-Version: 1.0", then the
 * entity (Content-* fields, empty line, body) with LF line ends.
 */
void	sg_mime_rebuild(const sg_mime *m, const char *fields,
			const uint8_t *entity, size_t len, sg_buf *out);

/*
 * sg_mime_raw_header_len - the size of the header block of raw data, the
 * empty line that ends it included (the offset of the body)
 */
size_t	sg_mime_raw_header_len(const uint8_t *data, size_t len);

/*
 * sg_mime_raw_header - sg_mime_header() on raw message bytes, without a
 * MIME parse (for the log's Message-ID and smimegw-test's probe header)
 */
bool	sg_mime_raw_header(const uint8_t *data, size_t len, const char *name,
			   sg_buf *value);

#endif
