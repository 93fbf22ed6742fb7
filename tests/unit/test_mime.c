/*
 * NAME
 *	test_mime 1
 * SUMMARY
 *	unit tests of S/MIME wrapping and unwrapping (sg_mime)
 */
#include <string.h>

#include <gnutls/gnutls.h>

#include "sg_cms.h"
#include "sg_mime.h"
#include "sg_test.h"
#include "sg_testkit.h"

static sg_testkit_id gw;

static const char plain_msg[] =
	"Received: from x by y;\n\tMon, 23 Nov 2026 10:00:00 +0000\n"
	"From: Alice <alice@a.example>\n"
	"To: bob@b.example\n"
	"Bcc: hidden@b.example\n"
	"Resent-Bcc: hidden2@b.example\n"
	"Subject: =?UTF-8?Q?caf=C3=A9?= \xc3\xa9t\xc3\xa9\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed;\n boundary=\"b1\"\n"
	"Content-Transfer-Encoding: 7bit\n"
	"X-SMIME-Gateway: decrypted; forged\n"
	"\n"
	"--b1\nContent-Type: text/plain\n\nhello\n--b1--\n";

/* contains - does buf hold the string s? */
static bool contains(const sg_buf *buf, const char *s)
{
	return memmem(buf->data, buf->len, s, strlen(s)) != NULL;
}

/* parse - parse a C string message */
static sg_mime *parse(const char *msg, size_t len)
{
	sg_mime *m = NULL;
	sg_status st = sg_mime_parse((const uint8_t *) msg, len, &m);

	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	return m;
}

static void test_entity_is_content_fields_and_body_in_crlf(void)
{
	static const char want[] =
		"Content-Type: multipart/mixed;\r\n boundary=\"b1\"\r\n"
		"Content-Transfer-Encoding: 7bit\r\n"
		"\r\n"
		"--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1--\r\n";
	sg_mime *m = parse(plain_msg, sizeof(plain_msg) - 1);
	sg_buf	out = SG_BUF_INIT;

	sg_mime_entity(m, &out);
	SG_CHECK_MSG(out.len == sizeof(want) - 1
		     && memcmp(out.data, want, out.len) == 0, "got [%s]",
		     (char *) out.data);
	sg_buf_free(&out);
	sg_mime_free(m);
}

static void test_wrap_keeps_outer_headers_drops_bcc(void)
{
	static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x00};
	sg_mime *m = parse(plain_msg, sizeof(plain_msg) - 1);
	sg_buf	out = SG_BUF_INIT;

	sg_mime_wrap(m, der, sizeof(der), false, &out);
	SG_CHECK(contains(&out, "Received: from x by y;\n\tMon, 23 Nov"));
	SG_CHECK(contains(&out, "From: Alice <alice@a.example>\n"));
	SG_CHECK(contains(&out, "Subject: =?UTF-8?Q?caf=C3=A9?= \xc3\xa9t\xc3\xa9\n"));
	SG_CHECK(!contains(&out, "Bcc"));
	SG_CHECK(!contains(&out, "hidden"));
	SG_CHECK(!contains(&out, "multipart/mixed"));
	SG_CHECK(!contains(&out, "hello"));
	SG_CHECK(contains(&out, "Content-Type: application/pkcs7-mime; "
			  "smime-type=enveloped-data; name=\"smime.p7m\"\n"));
	SG_CHECK(contains(&out, "Content-Transfer-Encoding: base64\n"));
	SG_CHECK(contains(&out, "\n\nMAMCAQA=\n"));	/* base64 of der */
	SG_CHECK(!contains(&out, "\r"));
	sg_mime_wrap(m, der, sizeof(der), true, &out);
	SG_CHECK(contains(&out, "smime-type=authEnveloped-data"));
	sg_buf_free(&out);
	sg_mime_free(m);
}

static void test_unwrap_replaces_body_and_trace(void)
{
	static const char entity[] = "Content-Type: text/plain\r\n\r\nsecret\r\n";
	sg_mime *m = parse(plain_msg, sizeof(plain_msg) - 1);
	sg_buf	out = SG_BUF_INIT;

	sg_mime_unwrap(m, (const uint8_t *) entity, sizeof(entity) - 1,
		       "decrypted; cipher=aes-256-cbc", &out);
	SG_CHECK(contains(&out, "To: bob@b.example\n"));
	SG_CHECK(!contains(&out, "forged"));
	SG_CHECK(contains(&out, "\nX-SMIME-Gateway: decrypted; cipher=aes-256-cbc\n"
			  "MIME-Version: 1.0\nContent-Type: text/plain\n\n"
			  "secret\n"));
	SG_CHECK(!contains(&out, "multipart/mixed"));
	SG_CHECK(!contains(&out, "\r"));
	sg_buf_free(&out);
	sg_mime_free(m);
}

static void test_strip_trace_changes_nothing_else(void)
{
	static const char msg[] =
		"From: x@y.example\r\n"
		"X-SMIME-Gateway: decrypted;\r\n  folded\r\n"
		"Subject: s\r\n"
		"x-smime-gateway: again\r\n"
		"\r\n"
		"X-SMIME-Gateway: in the body stays\r\n";
	static const char want[] =
		"From: x@y.example\r\n"
		"Subject: s\r\n"
		"\r\n"
		"X-SMIME-Gateway: in the body stays\r\n";
	sg_buf	out = SG_BUF_INIT;
	bool	changed;

	sg_mime_strip_trace((const uint8_t *) msg, sizeof(msg) - 1, &out,
			    &changed);
	SG_CHECK(changed);
	SG_CHECK(out.len == sizeof(want) - 1
		 && memcmp(out.data, want, out.len) == 0);
	sg_mime_strip_trace((const uint8_t *) want, sizeof(want) - 1, &out,
			    &changed);
	SG_CHECK(!changed);
	SG_CHECK(out.len == sizeof(want) - 1
		 && memcmp(out.data, want, out.len) == 0);
	sg_buf_free(&out);
}

/* message_with - a message whose top part has type ct and body b64 */
static void message_with(const char *ct, const sg_buf *body, sg_buf *out)
{
	gnutls_datum_t in = {body->data, (unsigned) body->len}, b64;

	sg_buf_reset(out);
	sg_buf_append_str(out, "From: a@b.example\nTo: c@d.example\n"
			  "MIME-Version: 1.0\nContent-Type: ");
	sg_buf_append_str(out, ct);
	sg_buf_append_str(out, "\nContent-Transfer-Encoding: base64\n\n");
	SG_CHECK(gnutls_base64_encode2(&in, &b64) == 0);
	sg_buf_append(out, b64.data, b64.size);
	sg_buf_append_str(out, "\n");
	gnutls_free(b64.data);
}

static void test_classify(void)
{
	static const uint8_t signed_data[] = {0x30, 0x0d, 0x06, 0x09, 0x2a,
		0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x00};
	static const struct {
		const char *ct;
		int	body;		/* 0 enveloped, 1 signed, 2 text */
		sg_mime_kind want;
	} cases[] = {
		{"application/pkcs7-mime; smime-type=enveloped-data", 0,
		 SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime; smime-type=authEnveloped-data", 0,
		 SG_MIME_ENCRYPTED},
		/* declared enveloped: fail closed even if the body is not */
		{"application/pkcs7-mime; smime-type=enveloped-data", 2,
		 SG_MIME_ENCRYPTED},
		{"application/x-pkcs7-mime; name=smime.p7m", 0, SG_MIME_ENCRYPTED},
		{"application/x-pkcs7-mime; name=smime.p7m", 1, SG_MIME_OTHER},
		{"application/octet-stream; name=\"MSG.P7M\"", 0,
		 SG_MIME_ENCRYPTED},
		{"application/octet-stream; name=\"msg.p7m\"", 1, SG_MIME_OTHER},
		{"application/octet-stream; name=\"msg.bin\"", 0, SG_MIME_OTHER},
		{"application/pkcs7-mime; smime-type=signed-data", 0,
		 SG_MIME_OTHER},
		{"text/plain", 0, SG_MIME_OTHER},
	};
	sg_cms_encrypt_opts o = SG_CMS_ENCRYPT_DEFAULTS;
	sg_buf	env = SG_BUF_INIT, sig = SG_BUF_INIT, txt = SG_BUF_INIT;
	sg_buf	msg = SG_BUF_INIT;
	sg_status st;
	sg_mime *m;
	size_t	i;

	st = sg_cms_encrypt(&o, &gw.crt, 1, (const uint8_t *) "x", 1, &env);
	SG_CHECK(sg_status_is_ok(&st));
	sg_buf_append(&sig, signed_data, sizeof(signed_data));
	sg_buf_append_str(&txt, "just text");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		message_with(cases[i].ct, cases[i].body == 0 ? &env
			     : cases[i].body == 1 ? &sig : &txt, &msg);
		m = parse((const char *) msg.data, msg.len);
		SG_CHECK_MSG(m && sg_mime_classify(m) == cases[i].want,
			     "case %zu (%s)", i, cases[i].ct);
		if (m && cases[i].body == 0 && cases[i].want == SG_MIME_ENCRYPTED) {
			sg_buf	body = SG_BUF_INIT;

			st = sg_mime_smime_body(m, &body);
			SG_CHECK(sg_status_is_ok(&st) && body.len == env.len
				 && memcmp(body.data, env.data, env.len) == 0);
			sg_buf_free(&body);
		}
		sg_mime_free(m);
	}
	sg_buf_free(&env);
	sg_buf_free(&sig);
	sg_buf_free(&txt);
	sg_buf_free(&msg);
}

static void test_parse_edges(void)
{
	sg_mime *m = NULL;
	sg_status st;
	sg_buf	out = SG_BUF_INIT;
	static const char no_blank[] = "From: a@b\nnot a header line\nbody\n";

	st = sg_mime_parse((const uint8_t *) "", 0, &m);
	SG_CHECK(st.code == SG_REJECT && m == NULL);
	st = sg_mime_parse((const uint8_t *) "hello world\n", 12, &m);
	SG_CHECK(st.code == SG_REJECT && m == NULL);
	st = sg_mime_parse((const uint8_t *) "\nbody\n", 6, &m);
	SG_CHECK(st.code == SG_REJECT && m == NULL);
	/* as Postfix's cleanup: a non-header line starts the body */
	m = parse(no_blank, sizeof(no_blank) - 1);
	sg_mime_entity(m, &out);
	SG_CHECK(out.len == strlen("\r\nnot a header line\r\nbody\r\n")
		 && memcmp(out.data, "\r\nnot a header line\r\nbody\r\n",
			   out.len) == 0);
	SG_CHECK(sg_mime_classify(m) == SG_MIME_OTHER);
	sg_mime_free(m);
	/* headers only, no body at all */
	m = parse("Subject: x\n", 11);
	sg_mime_entity(m, &out);
	SG_CHECK(out.len == 2);
	sg_mime_free(m);
	sg_buf_free(&out);
}

static void test_obsolete_space_before_colon(void)
{
	static const char msg[] =
		"From: alice@a.example\nSubject : hi\nTo: bob@b.example\n"
		"Bcc\t: secret@a.example\nX-SMIME-Gateway : forged\n"
		"Content-Type: text/plain\n\nbody\n";
	static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x00};
	sg_mime *m = parse(msg, sizeof(msg) - 1);
	sg_buf	out = SG_BUF_INIT;
	bool	changed;

	sg_mime_entity(m, &out);
	SG_CHECK(out.len == strlen("Content-Type: text/plain\r\n\r\nbody\r\n"));
	sg_mime_wrap(m, der, sizeof(der), false, &out);
	SG_CHECK(contains(&out, "Subject : hi\nTo: bob@b.example\n"));
	SG_CHECK(!contains(&out, "secret"));
	sg_mime_strip_trace((const uint8_t *) msg, sizeof(msg) - 1, &out,
			    &changed);
	SG_CHECK(changed && !contains(&out, "forged"));
	sg_buf_free(&out);
	sg_mime_free(m);
}

int	main(void)
{
	sg_testkit_make("gw", true, 2048, &gw);
	SG_RUN(test_entity_is_content_fields_and_body_in_crlf);
	SG_RUN(test_wrap_keeps_outer_headers_drops_bcc);
	SG_RUN(test_unwrap_replaces_body_and_trace);
	SG_RUN(test_strip_trace_changes_nothing_else);
	SG_RUN(test_classify);
	SG_RUN(test_parse_edges);
	SG_RUN(test_obsolete_space_before_colon);
	return sg_test_done();
}
