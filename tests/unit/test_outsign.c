/*
 * NAME
 *	test_outsign 1
 * SUMMARY
 *	unit tests for sg_outsign(3): the domain signature, made as it streams
 * DESCRIPTION
 *	A message's multipart/signed read in pieces of any size is the same
 *	bytes as read whole, holds the message's entity byte for byte
 *	between its head and its signature part, and verifies with
 *	`openssl smime -verify` (and fails with one byte changed). An
 *	entity that is not 7-bit takes GMime's way and verifies too.
 *	TEST ONLY.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_config.h"
#include "sg_mime.h"
#include "sg_outsign.h"
#include "sg_test.h"
#include "sg_testkit.h"

static char dir[512];
static sg_testkit_id gw;
static sg_config *cfg;

/* setup - a key and a configuration that signs with it */
static void setup(void)
{
	char	path[700];
	FILE   *f;
	sg_status st;

	snprintf(dir, sizeof(dir), "%s", sg_testkit_dir());
	sg_testkit_make("gw", true, 2048, &gw);
	snprintf(path, sizeof(path), "%s/certs", dir);
	SG_CHECK(sg_test_sh("mkdir -p %s", path));
	snprintf(path, sizeof(path), "%s/smimegw.conf", dir);
	f = fopen(path, "w");
	SG_CHECK(f != NULL);
	if (f == NULL)
		exit(2);
	fprintf(f, "[gateway]\ndomains = a.example\ncertificate = %s\n"
		"private_key = %s\nsendmail = /bin/true\nstate_directory = %s\n"
		"[certificates]\ndirectory = %s/certs\n[signing]\nmode = all\n",
		gw.cert_path, gw.key_path, dir, dir);
	fclose(f);
	st = sg_config_load(path, &cfg);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (!sg_status_is_ok(&st))
		exit(2);
}

/* message - a message with LF line ends and body lines of text */
static void message(const char *body_line, size_t lines, sg_buf *out)
{
	size_t	i;

	sg_buf_reset(out);
	sg_buf_append_str(out, "From: alice@a.example\nTo: bob@b.example\n"
			  "Subject: signed as it streams\nMIME-Version: 1.0\n"
			  "Content-Type: text/plain; charset=utf-8\n\n");
	for (i = 0; i < lines; i++)
		sg_buf_append_str(out, body_line);
}

/* read_all - the reader's bytes in pieces of size piece */
static void read_all(const sg_outsign_signed *sig, size_t piece, sg_buf *out)
{
	sg_outsign_reader r;
	size_t	n;

	sg_buf_reset(out);
	sg_outsign_open(sig, &r);
	do {
		sg_buf_reserve(out, piece);
		n = sg_outsign_read(&r, out->data + out->len, piece);
		sg_buf_set_len(out, out->len + n);
	} while (n == piece);
	sg_outsign_close(&r);
}

/*
 * openssl_verifies - openssl accepts the multipart/signed entity, and
 * refuses it with one byte of the signed text changed
 */
static void openssl_verifies(const sg_buf *entity)
{
	char	path[700];
	sg_buf	copy = SG_BUF_INIT;
	const uint8_t *hit;
	FILE   *f;

	snprintf(path, sizeof(path), "%s/signed.eml", dir);
	f = fopen(path, "wb");
	SG_CHECK(f != NULL && fwrite(entity->data, 1, entity->len, f)
		 == entity->len);
	fclose(f);
	SG_CHECK(sg_test_sh("openssl smime -verify -noverify -in %s "
			    "-out /dev/null 2>/dev/null", path));
	sg_buf_append(&copy, entity->data, entity->len);
	hit = memmem(copy.data, copy.len, "line", 4);
	SG_CHECK(hit != NULL);
	if (hit != NULL)
		copy.data[hit - copy.data] = 'L';
	f = fopen(path, "wb");
	SG_CHECK(f != NULL && fwrite(copy.data, 1, copy.len, f) == copy.len);
	fclose(f);
	snprintf(path, sizeof(path), "cd %s && ! openssl smime -verify "
		 "-noverify -in signed.eml -out /dev/null 2>/dev/null", dir);
	SG_CHECK(sg_test_sh("%s", path));
	sg_buf_free(&copy);
}

/* test_streamed - pieces of any size, the entity in place, verified */
static void test_streamed(void)
{
	static const size_t pieces[] = {1, 3, 1000, 4096, 65536, 1 << 20};
	sg_outsign *os = NULL;
	sg_outsign_signed sig;
	sg_buf	msg = SG_BUF_INIT, whole = SG_BUF_INIT, part = SG_BUF_INIT;
	sg_buf	entity = SG_BUF_INIT;
	sg_mime *m = NULL;
	sg_status st;
	size_t	i;
	const uint8_t *at;

	/* about 200 KB, bare LF: the entity is CRLF, more than one piece */
	message("line of plain text that is signed in pieces\n", 4500, &msg);
	st = sg_mime_parse(msg.data, msg.len, &m);
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_outsign_new(cfg, &os);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (m == NULL || os == NULL)
		return;
	st = sg_outsign_message(os, m, &sig);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	sg_outsign_signed_append(&sig, false, &whole);
	SG_CHECK(whole.len == sig.total);
	for (i = 0; i < sizeof(pieces) / sizeof(*pieces); i++) {
		read_all(&sig, pieces[i], &part);
		SG_CHECK_MSG(part.len == whole.len && memcmp(part.data,
				 whole.data, part.len) == 0, "pieces of %zu",
			     pieces[i]);
	}
	/* the entity, CRLF, is there as it is: not held beside the message */
	sg_mime_entity(m, &entity);
	at = memmem(whole.data, whole.len, entity.data, entity.len);
	SG_CHECK(at != NULL && sig.head.len == (size_t) (at - whole.data));
	SG_CHECK(sig.head.len + entity.len + sig.tail.len == sig.total);
	SG_CHECK(strncmp((const char *) whole.data, "Content-Type: multipart/"
			 "signed;", 31) == 0);
	openssl_verifies(&whole);
	/* with LF line ends, for a copy signed only: CRLF made LF, no more */
	sg_buf_reset(&part);
	sg_buf_append_str(&part, "head\n");
	sg_outsign_signed_append(&sig, true, &part);
	sg_buf_reset(&entity);
	sg_buf_append_str(&entity, "head\n");
	sg_buf_append_lf(&entity, whole.data, whole.len);
	SG_CHECK(part.len == entity.len && part.len < whole.len
		 && memcmp(part.data, entity.data, part.len) == 0);
	/* read again, for a second copy: the same bytes */
	read_all(&sig, 65536, &part);
	SG_CHECK(part.len == whole.len
		 && memcmp(part.data, whole.data, part.len) == 0);
	sg_outsign_signed_free(&sig);
	SG_CHECK(sig.total == 0);
	sg_mime_free(m);
	sg_outsign_free(os);
	sg_buf_free(&msg);
	sg_buf_free(&whole);
	sg_buf_free(&part);
	sg_buf_free(&entity);
}

/* test_8bit - an 8-bit entity is re-encoded first, held, and verifies */
static void test_8bit(void)
{
	sg_outsign *os = NULL;
	sg_outsign_signed sig;
	sg_buf	msg = SG_BUF_INIT, whole = SG_BUF_INIT, part = SG_BUF_INIT;
	sg_mime *m = NULL;
	sg_status st;

	message("line with an \xc3\xa9 that is not 7-bit\n", 3000, &msg);
	st = sg_mime_parse(msg.data, msg.len, &m);
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_outsign_new(cfg, &os);
	SG_CHECK(sg_status_is_ok(&st));
	if (m == NULL || os == NULL)
		return;
	st = sg_outsign_message(os, m, &sig);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	sg_outsign_signed_append(&sig, false, &whole);
	SG_CHECK(whole.len == sig.total && sig.head.len == sig.total);
	SG_CHECK(memmem(whole.data, whole.len, "\xc3\xa9", 2) == NULL);
	read_all(&sig, 7, &part);
	SG_CHECK(part.len == whole.len
		 && memcmp(part.data, whole.data, part.len) == 0);
	openssl_verifies(&whole);
	sg_outsign_signed_free(&sig);
	sg_mime_free(m);
	sg_outsign_free(os);
	sg_buf_free(&msg);
	sg_buf_free(&whole);
	sg_buf_free(&part);
}

int	main(void)
{
	setup();
	SG_RUN(test_streamed);
	SG_RUN(test_8bit);
	sg_config_free(cfg);
	return sg_test_done();
}
