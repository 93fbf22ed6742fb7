/*
 * NAME
 *	fuzz_mime 1
 * SUMMARY
 *	fuzz target: MIME parse, classify, entity, wrap, unwrap, strip_trace
 * DESCRIPTION
 *	The input is a whole message as Postfix hands it over. It is parsed
 *	and, when that succeeds, classified; its S/MIME body decoded; its
 *	entity cut out; it is wrapped around a fixed real EnvelopedData
 *	(corpus/cms/aes256-cbc.der) and unwrapped with its own entity; and
 *	its trace fields are stripped.
 *
 *	Besides memory safety the target checks what sg_mime(3h) promises:
 *	strip_trace that removed nothing returns the input unchanged; and
 *	what wrap builds is again a message that parses, is classified as
 *	encrypted, and whose S/MIME body is exactly the ciphertext given:
 *	the gateway must never send something that is not the S/MIME
 *	message it meant to send. A From: value that
 *	sg_mime_address_simple() reads without GMime yields the address
 *	GMime's own parse yields (the address decides whether we sign); and
 *	a top level that sg_mime_plain_top() calls plain without GMime is,
 *	in GMime's parse of the same header block (ours, which ends where
 *	Postfix ends it: GMime reads on past a line that is not a field),
 *	neither application nor multipart/mixed nor multipart/signed: what
 *	could be or hold S/MIME.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "sg_buf.h"
#include "sg_mime.h"
#include "sg_fuzz.h"

static sg_buf fuzz_der = SG_BUF_INIT;

/* fuzz_mime_done - release the ciphertext at exit */
static void fuzz_mime_done(void)
{
	sg_buf_free(&fuzz_der);
}

/* fuzz_mime_init - load the ciphertext that wrap gets */
static void fuzz_mime_init(void)
{
	sg_status st;

	st = sg_buf_read_file(&fuzz_der, SG_FUZZ_DER, 65536);
	if (!sg_status_is_ok(&st) || fuzz_der.len == 0)
		sg_fuzz_die("%s", st.text);
	atexit(fuzz_mime_done);
}

/* fuzz_mime_check_wrap - wrapped output is our S/MIME message */
static void fuzz_mime_check_wrap(const sg_buf *wrapped)
{
	sg_buf	body = SG_BUF_INIT;
	sg_mime *w = NULL;
	sg_status st;

	st = sg_mime_parse(wrapped->data, wrapped->len, &w);
	if (sg_status_is_ok(&st) && sg_mime_classify(w) == SG_MIME_ENCRYPTED)
		st = sg_mime_smime_body(w, &body);
	else if (sg_status_is_ok(&st))
		st = sg_status_make(SG_REJECT, "not classified as encrypted");
	if (sg_status_is_ok(&st) && (body.len != fuzz_der.len
	    || memcmp(body.data, fuzz_der.data, body.len) != 0))
		st = sg_status_make(SG_REJECT, "S/MIME body is not our DER");
	if (!sg_status_is_ok(&st)) {
		fprintf(stderr, "wrap gave a message that is not ours (%s):\n",
			st.text);
		fwrite(wrapped->data, 1, wrapped->len < 4096 ? wrapped->len
		       : 4096, stderr);
		fputc('\n', stderr);
		sg_fuzz_die("wrap output is not the S/MIME message meant");
	}
	sg_buf_free(&body);
	sg_mime_free(w);
}

/* fuzz_mime_check_from - a plain From: is read as GMime reads it */
static void fuzz_mime_check_from(const sg_mime *m)
{
	sg_buf	value = SG_BUF_INIT;
	InternetAddressList *list;
	InternetAddress *ia;
	const char *want = NULL;
	char	got[320];

	if (!sg_mime_header(m, "From", &value) || value.len == 0
	    || !sg_mime_address_simple((const char *) value.data, got,
				       sizeof(got)))
		goto cleanup;
	sg_mime_init();
	list = internet_address_list_parse(NULL, (const char *) value.data);
	if (list && internet_address_list_length(list) > 0
	    && INTERNET_ADDRESS_IS_MAILBOX(ia =
		    internet_address_list_get_address(list, 0)))
		want = internet_address_mailbox_get_addr(
			INTERNET_ADDRESS_MAILBOX(ia));
	if (want == NULL || strncmp(got, want, sizeof(got) - 1) != 0)
		sg_fuzz_die("From: '%s': '%s' without GMime, GMime '%s'",
			    (const char *) value.data, got,
			    want ? want : "(none)");
	if (list)
		g_object_unref(list);
cleanup:
	sg_buf_free(&value);
}

/* fuzz_mime_check_plain - a plain top level is one GMime sees as plain */
static void fuzz_mime_check_plain(const sg_mime *m, const uint8_t *data,
				  size_t size)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *gm;
	GMimeObject *top;
	GMimeContentType *ct;

	sg_buf	head = SG_BUF_INIT;

	if (!sg_mime_plain_top(m))
		return;
	sg_buf_append(&head, data, sg_mime_raw_header_len(data, size));
	sg_buf_append(&head, "\n", 1);
	sg_mime_init();
	stream = g_mime_stream_mem_new_with_buffer((const char *) head.data,
						   head.len);
	parser = g_mime_parser_new_with_stream(stream);
	gm = g_mime_parser_construct_message(parser, NULL);
	if (gm && (top = g_mime_message_get_mime_part(gm)) != NULL) {
		ct = g_mime_object_get_content_type(top);
		if (g_mime_content_type_is_type(ct, "application", "*")
		    || g_mime_content_type_is_type(ct, "multipart", "mixed")
		    || g_mime_content_type_is_type(ct, "multipart", "signed"))
			sg_fuzz_die("plain without GMime, but GMime reads %s/%s",
				    g_mime_content_type_get_media_type(ct),
				    g_mime_content_type_get_media_subtype(ct));
	}
	if (gm)
		g_object_unref(gm);
	g_object_unref(parser);
	g_object_unref(stream);
	sg_buf_free(&head);
}

/* LLVMFuzzerTestOneInput - run one message through every sg_mime call */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_buf	body = SG_BUF_INIT;
	sg_buf	entity = SG_BUF_INIT;
	sg_buf	out = SG_BUF_INIT;
	sg_mime_entity_reader reader;
	uint8_t	piece[97];
	sg_mime *m = NULL;
	sg_status st;
	bool	changed = true;
	size_t	n;
	int	auth;

	if (fuzz_der.len == 0)
		fuzz_mime_init();

	sg_mime_strip_trace(data, size, &out, &changed);
	if (!changed)
		SG_FUZZ_ASSERT(out.len == size
			       && (size == 0
				   || memcmp(out.data, data, size) == 0));
	sg_buf_reset(&out);

	st = sg_mime_parse(data, size, &m);
	SG_FUZZ_ASSERT(memchr(st.text, '\0', sizeof(st.text)) != NULL);
	if (!sg_status_is_ok(&st)) {
		SG_FUZZ_ASSERT(m == NULL);
		goto cleanup;
	}
	(void) sg_mime_classify(m);
	fuzz_mime_check_from(m);
	fuzz_mime_check_plain(m, data, size);
	(void) sg_mime_smime_body(m, &body);
	sg_mime_entity(m, &entity);
	for (auth = 0; auth < 2; auth++) {
		sg_buf_reset(&out);
		sg_mime_wrap(m, fuzz_der.data, fuzz_der.len, auth, &out);
		fuzz_mime_check_wrap(&out);
	}
	/* the entity in pieces is the entity (issue 11: never a copy) */
	sg_mime_entity_open(m, &reader);
	SG_FUZZ_ASSERT(reader.total == entity.len);
	sg_buf_reset(&out);
	while ((n = sg_mime_entity_read(&reader, piece, 1 + size % 97)) > 0)
		sg_buf_append(&out, piece, n);
	sg_mime_entity_close(&reader);
	SG_FUZZ_ASSERT(out.len == entity.len && (out.len == 0
		       || memcmp(out.data, entity.data, out.len) == 0));
	sg_buf_reset(&out);
	sg_mime_unwrap(m, entity.data, entity.len, "decrypted; fuzz", &out);
	/* ... and unwrapped in place, the same message */
	sg_mime_unwrap_buf(m, &entity, "decrypted; fuzz");
	SG_FUZZ_ASSERT(out.len == entity.len && (out.len == 0
		       || memcmp(out.data, entity.data, out.len) == 0));

cleanup:
	sg_mime_free(m);
	sg_buf_free(&body);
	sg_buf_free(&entity);
	sg_buf_free(&out);
	return 0;
}
