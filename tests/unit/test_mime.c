/*
 * NAME
 *	test_mime 1
 * SUMMARY
 *	unit tests of S/MIME wrapping and unwrapping (sg_mime)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
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
		/* issue 7 item 12: an enveloped body is encrypted, whatever
		 * the parameters say */
		{"application/octet-stream; name=\"msg.bin\"", 0,
		 SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime; smime-type=signed-data", 0,
		 SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime; smime-type=enveloped-data (comment)", 0,
		 SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime; smime-type=enveloped-data (comment)", 2,
		 SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime; smime-type=\"enveloped-data\"", 2,
		 SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime; smime-type=ENVELOPED-DATA", 2,
		 SG_MIME_ENCRYPTED},
		{"APPLICATION/PKCS7-MIME; SMIME-TYPE=ENVELOPED-DATA; NAME=X", 0,
		 SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime; smime-type=(c) authEnveloped-data", 2,
		 SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime", 0, SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime; smime-type=certs-only", 0,
		 SG_MIME_ENCRYPTED},
		{"application/pkcs7-mime; smime-type=bogus", 1, SG_MIME_OTHER},
		{"application/pkcs7-mime; smime-type=enveloped-data-not", 2,
		 SG_MIME_OTHER},
		{"application/octet-stream", 0, SG_MIME_ENCRYPTED},
		{"application/octet-stream; name=\"invoice.pdf\"", 0,
		 SG_MIME_ENCRYPTED},
		{"application/octet-stream; name=\"invoice.pdf\"", 2,
		 SG_MIME_OTHER},
		{"application/x-whatever; name=smime.p7m (x)", 0,
		 SG_MIME_ENCRYPTED},
		{"application/pdf", 2, SG_MIME_OTHER},
		/* only application leaves are peeked */
		{"text/plain", 0, SG_MIME_OTHER},
		{"image/png", 0, SG_MIME_OTHER},
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

/* header_count - header fields named name in the header block of out */
static size_t header_count(const sg_buf *out, const char *name)
{
	const char *p = (const char *) out->data;
	const char *end = p + out->len;
	const char *blank = memmem(p, out->len, "\n\n", 2);
	size_t	n = 0, len = strlen(name);

	if (blank)
		end = blank + 1;
	while (p < end) {
		if (end - p > (long) len && strncasecmp(p, name, len) == 0
		    && p[len] == ':')
			n++;
		p = memchr(p, '\n', (size_t) (end - p));
		if (p == NULL)
			break;
		p++;
	}
	return n;
}

/* body_of - the text after the first empty line of out, or "" */
static const char *body_of(const sg_buf *out)
{
	const char *blank = memmem(out->data, out->len, "\n\n", 2);

	return blank ? blank + 2 : "";
}

static void test_classify_transfer_encodings(void)
{
	/*
	 * The peek decodes only the first bytes, in any transfer encoding;
	 * a footer after the base64 changes nothing; an AuthEnvelopedData
	 * body counts too.
	 */
	sg_cms_encrypt_opts o = SG_CMS_ENCRYPT_DEFAULTS;
	sg_cms_encrypt_opts gcm = {SG_CIPHER_AES256_GCM,
	SG_CMS_RID_ISSUER_SERIAL, SG_KEYTRANS_RSA_PKCS1};
	sg_buf	env = SG_BUF_INIT, msg = SG_BUF_INIT, big = SG_BUF_INIT;
	sg_status st;
	sg_mime *m;
	size_t	i;

	st = sg_cms_encrypt(&o, &gw.crt, 1, (const uint8_t *) "x", 1, &env);
	SG_CHECK(sg_status_is_ok(&st));

	/* binary: the DER as it is */
	sg_buf_append_str(&msg, "From: a@b.example\nContent-Type: "
			  "application/octet-stream\n"
			  "Content-Transfer-Encoding: binary\n\n");
	sg_buf_append(&msg, env.data, env.len);
	m = parse((const char *) msg.data, msg.len);
	SG_CHECK(m && sg_mime_classify(m) == SG_MIME_ENCRYPTED);
	sg_mime_free(m);

	/* quoted-printable */
	sg_buf_reset(&msg);
	sg_buf_append_str(&msg, "From: a@b.example\nContent-Type: "
			  "application/pkcs7-mime\n"
			  "Content-Transfer-Encoding: quoted-printable\n\n");
	for (i = 0; i < env.len; i++) {
		char	hex[8];

		snprintf(hex, sizeof(hex), "=%02X%s", env.data[i],
			 i % 20 == 19 ? "=\n" : "");
		sg_buf_append_str(&msg, hex);
	}
	m = parse((const char *) msg.data, msg.len);
	SG_CHECK(m && sg_mime_classify(m) == SG_MIME_ENCRYPTED);
	sg_mime_free(m);

	/* base64 with a scanner's footer, and with leading blank lines */
	message_with("application/octet-stream; name=\"x.dat\"", &env, &msg);
	sg_buf_append_str(&msg, "\n-- \nScanned by ClamAV\n");
	m = parse((const char *) msg.data, msg.len);
	SG_CHECK(m && sg_mime_classify(m) == SG_MIME_ENCRYPTED);
	sg_mime_free(m);

	/* AuthEnvelopedData in a big body: only the start is decoded */
	sg_buf_reset(&env);
	for (i = 0; i < 200000; i++)
		sg_buf_append(&big, "0123456789", 10);
	st = sg_cms_encrypt(&gcm, &gw.crt, 1, big.data, big.len, &env);
	SG_CHECK(sg_status_is_ok(&st));
	message_with("application/octet-stream", &env, &msg);
	m = parse((const char *) msg.data, msg.len);
	SG_CHECK(m && sg_mime_classify(m) == SG_MIME_ENCRYPTED);
	sg_mime_free(m);

	/* a multipart top level is never peeked */
	sg_buf_reset(&msg);
	sg_buf_append_str(&msg, "From: a@b.example\nContent-Type: multipart/"
			  "mixed; boundary=x\n\n--x\nContent-Type: application/"
			  "pkcs7-mime; smime-type=enveloped-data\n\nAAAA\n--x--\n");
	m = parse((const char *) msg.data, msg.len);
	SG_CHECK(m && sg_mime_classify(m) == SG_MIME_OTHER);
	sg_mime_free(m);

	sg_buf_free(&env);
	sg_buf_free(&big);
	sg_buf_free(&msg);
}

static void test_parse_refuses_ambiguous_headers(void)
{
	/*
	 * Issue 7 item 1: a header block that readers split in different
	 * ways is refused; the same bytes in the body are fine (they are
	 * encrypted).
	 */
	static const struct {
		const char *msg;
		bool	ok;
	} cases[] = {
		/* bare CR line ends */
		{"From: a@a.example\rTo: b@b.example\rBcc: x@y\r\rsecret\r", false},
		{"From: a@a.example\nSubject: hi\rBcc: x@y\n\nbody\n", false},
		{"From: a@a.example\r\nSubject: x\r\r\n\r\nbody\r\n", false},
		{"From: a@a.example\nSubject: x\n folded\r more\n\nbody\n", false},
		{"From: a@a.example\nSubject: x\r", false},
		/* CRLF is fine, and a bare CR in the body */
		{"From: a@a.example\r\nSubject: x\r\n\r\nbo\rdy\r\n", true},
		{"From: a@a.example\nSubject: x\n\n\rbody\r\rmore\n", true},
		{"From: a@a.example\nSubject: x\n\rnot a header\n", true},
		/* a line of white space followed by more header lines */
		{"From: a@a.example\nSubject: hi\n \nPassword: x\n\nbody\n", false},
		{"From: a@a.example\nSubject: hi\n\t\n  secret\n\nbody\n", false},
		{"From: a@a.example\nSubject: hi\n \t \r\nTo: b@b.example\r\n\r\nb\r\n",
		 false},
		{"Subject: hi\n \n \nFrom: a@a.example\n\nbody\n", false},
		/* ... but not at the end of the header block */
		{"From: a@a.example\nSubject: hi\n \n\nbody\n", true},
		{"From: a@a.example\nSubject: hi\n \nDear Bob,\n", true},
		{"From: a@a.example\nSubject: hi\n \n", true},
		/* obs-FWS with text is an ordinary continuation */
		{"From: a@a.example\nSubject: hi\n  there\nTo: b@b.example\n\nb\n", true},
	};
	sg_mime *m;
	sg_status st;
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = NULL;
		st = sg_mime_parse((const uint8_t *) cases[i].msg,
				   strlen(cases[i].msg), &m);
		if (cases[i].ok) {
			SG_CHECK_MSG(st.code == SG_OK && m, "case %zu: %s", i,
				     st.text);
		} else {
			SG_CHECK_MSG(st.code == SG_REJECT && m == NULL,
				     "case %zu accepted", i);
			SG_CHECK_MSG(strstr(st.text, "message header") != NULL,
				     "case %zu: %s", i, st.text);
		}
		sg_mime_free(m);
	}
}

static void test_wrap_leaves_no_body_outside(void)
{
	/*
	 * What parses is wrapped with every body byte inside the entity and
	 * none in the outer header: the canary never leaves in clear.
	 */
	static const char *const msgs[] = {
		"From: a@a.example\nSubject: hi\n \nDear Bob CANARY\n",
		"From: a@a.example\nSubject: x\n\n\rCANARY\r\rmore\n",
		"From: a@a.example\nSubject: x\n\rCANARY: y\n",
		"From: a@a.example\nSubject: hi\n \n\nCANARY: x\n",
		"From: a@a.example\nnot a header\nCANARY: y\n",
		"F:\n \n",
		"Subject: x\n y\n \n",
	};
	static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x00};
	sg_buf	out = SG_BUF_INIT, ent = SG_BUF_INIT;
	sg_mime *m, *w;
	sg_status st;
	size_t	i;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		m = parse(msgs[i], strlen(msgs[i]));
		if (m == NULL)
			continue;
		sg_mime_wrap(m, der, sizeof(der), false, &out);
		SG_CHECK_MSG(!contains(&out, "CANARY"), "case %zu", i);
		/* our own output must parse, as S/MIME */
		st = sg_mime_parse(out.data, out.len, &w);
		SG_CHECK_MSG(st.code == SG_OK, "case %zu: %s", i, st.text);
		SG_CHECK_MSG(!contains(&out, "\n \n"), "case %zu", i);
		sg_mime_free(w);
		sg_mime_entity(m, &ent);
		SG_CHECK_MSG(contains(&ent, "CANARY") || !strstr(msgs[i],
			     "CANARY"), "case %zu", i);
		sg_mime_free(m);
	}
	sg_buf_free(&out);
	sg_buf_free(&ent);
}

static void test_unwrap_merges_headers(void)
{
	/* Issue 7 item 11: one of each field in what we deliver. */
	static const char outer[] =
		"Return-Path: <alice@partner.example>\n"
		"Received: from mx.partner.example by mx.b.example;\n"
		"\tMon, 23 Nov 2026 10:00:00 +0000\n"
		"Authentication-Results: mx.b.example; dkim=pass\n"
		"From: Alice <alice@partner.example>\n"
		"To: bob@b.example\n"
		"Subject: [...]\n"
		"Date: Mon, 23 Nov 2026 10:00:00 +0000\n"
		"Message-ID: <outer@partner.example>\n"
		"X-SMIME-Gateway: decrypted; forged outside\n"
		"MIME-Version: 1.0\n"
		"Content-Type: application/pkcs7-mime; smime-type=enveloped-data\n"
		"Content-Transfer-Encoding: base64\n"
		"\n"
		"MAMCAQA=\n";
	static const struct {
		const char *what;
		const char *entity;
		const char *present[4];	/* substrings of the output */
		const char *absent[4];
		const char *body;	/* what follows the empty line */
	} cases[] = {
		{"Content-* fields only",
		 "Content-Type: text/plain\r\n\r\nhello\r\n",
		 {"Subject: [...]\n", "\nMIME-Version: 1.0\nContent-Type: "
		  "text/plain\n\n", NULL}, {"pkcs7", "base64", NULL},
		 "hello\n"},
		{"whole message (openssl smime on a message)",
		 "From: Mallory <ceo@b.example>\r\nTo: bob@b.example\r\n"
		 "Subject: inner\r\nMIME-Version: 1.0\r\n"
		 "Content-Type: text/plain; charset=utf-8\r\n"
		 "Content-Transfer-Encoding: 8bit\r\n\r\nhello\r\n",
		 {"From: Alice <alice@partner.example>\n", "Subject: [...]\n",
		  "Content-Type: text/plain; charset=utf-8\n", NULL},
		 {"Mallory", "Subject: inner", "pkcs7", NULL}, "hello\n"},
		{"forged trace, trace and results inside",
		 "X-SMIME-Gateway: decrypted; forged inside\r\n"
		 "Received: from forged\r\nReturn-Path: <forged@x>\r\n"
		 "Authentication-Results: mx.b.example; dkim=pass forged\r\n"
		 "Delivered-To: bob@b.example\r\n"
		 "Keywords: inner only\r\n"
		 "Content-Type: text/plain\r\n\r\nhi\r\n",
		 {"Keywords: inner only\n", "Received: from mx.partner", NULL},
		 {"forged", NULL}, "hi\n"},
		{"two From inside, none twice",
		 "From: first@x\r\nFrom: second@x\r\nReply-To: r1@x\r\n"
		 "Reply-To: r2@x\r\nContent-Type: text/plain\r\n"
		 "Content-Type: text/html\r\n\r\nhi\r\n",
		 {"Reply-To: r1@x\n", NULL}, {"first@x", "second@x", "r2@x",
		  "text/html"}, "hi\n"},
		{"RFC 9788 hp=\"cipher\": the protected copy wins",
		 "Content-Type: multipart/mixed; boundary=\"b\";\r\n"
		 " hp=\"cipher\"\r\n"
		 "From: Alice <alice@partner.example>\r\nTo: bob@b.example\r\n"
		 "Subject: the real subject\r\n"
		 "Message-ID: <inner@partner.example>\r\n"
		 "HP-Outer: Subject: [...]\r\nHP-Outer: To: bob@b.example\r\n"
		 "Received: from forged\r\n"
		 "\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n",
		 {"Subject: the real subject\n", "<inner@partner.example>",
		  "Received: from mx.partner", "Date: Mon, 23"},
		 {"[...]", "<outer@", "HP-Outer", "forged"},
		 "--b\n"},
		{"hp=\"clear\" is not header protection of encrypted mail",
		 "Content-Type: text/plain; hp=clear\r\n"
		 "Subject: inner\r\n\r\nhi\r\n",
		 {"Subject: [...]\n", NULL}, {"Subject: inner", NULL}, "hi\n"},
		{"an entity without a header",
		 "just text\r\nCANARY: no header\r\n",
		 {"MIME-Version: 1.0\n\n", NULL}, {NULL},
		 "just text\nCANARY: no header\n"},
		{"bare CR inside an entity field",
		 "Keywords: a\rFrom: forged@x\r\nContent-Type: text/plain\r\n"
		 "\r\nhi\r\n",
		 {"Keywords: a From: forged@x\n", NULL}, {"\r", NULL}, "hi\n"},
	};
	static const char *const once[] = {
		"From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
		"Content-Type", "Content-Transfer-Encoding", SG_MIME_TRACE_HEADER,
		"Return-Path", "Authentication-Results", "Received", "Reply-To",
	};
	sg_mime *m = parse(outer, sizeof(outer) - 1);
	sg_buf	out = SG_BUF_INIT;
	size_t	i, k;

	for (i = 0; m && i < sizeof(cases) / sizeof(cases[0]); i++) {
		sg_mime_unwrap(m, (const uint8_t *) cases[i].entity,
			       strlen(cases[i].entity),
			       "decrypted; cipher=aes-256-cbc", &out);
		sg_buf_append(&out, "", 1);	/* NUL for the messages */
		sg_buf_set_len(&out, out.len - 1);
		for (k = 0; k < 4 && cases[i].present[k]; k++)
			SG_CHECK_MSG(contains(&out, cases[i].present[k]),
				     "%s: no '%s' in [%s]", cases[i].what,
				     cases[i].present[k], (char *) out.data);
		for (k = 0; k < 4 && cases[i].absent[k]; k++)
			SG_CHECK_MSG(!contains(&out, cases[i].absent[k]),
				     "%s: '%s' in [%s]", cases[i].what,
				     cases[i].absent[k], (char *) out.data);
		for (k = 0; k < sizeof(once) / sizeof(once[0]); k++)
			SG_CHECK_MSG(header_count(&out, once[k]) <= 1,
				     "%s: %zu %s fields in [%s]", cases[i].what,
				     header_count(&out, once[k]), once[k],
				     (char *) out.data);
		SG_CHECK_MSG(header_count(&out, SG_MIME_TRACE_HEADER) == 1
			     && contains(&out, SG_MIME_TRACE_HEADER
					 ": decrypted; cipher=aes-256-cbc\n"),
			     "%s: our trace", cases[i].what);
		SG_CHECK_MSG(header_count(&out, "MIME-Version") == 1,
			     "%s: MIME-Version", cases[i].what);
		SG_CHECK_MSG(strncmp(body_of(&out), cases[i].body,
				     strlen(cases[i].body)) == 0,
			     "%s: body [%s]", cases[i].what, body_of(&out));
		SG_CHECK_MSG(!contains(&out, "\r"), "%s: CR", cases[i].what);
	}
	sg_buf_free(&out);
	sg_mime_free(m);
}

/*
 * sg_mime_entity_read() in pieces of every size gives the bytes of
 * sg_mime_entity(), bare LFs made CRLF where a piece ends between the CR
 * and the LF too
 */
static void test_entity_reader_matches_entity(void)
{
	static const char *const bodies[] = {
		"", "\n", "x", "a\nb\r\nc\rd\n\n", "\r\n\r\n", "\n\nx\n",
		"no final newline", "\r", "\r\r\n\n\r",
	};
	static const size_t pieces[] = {1, 2, 3, 5, 64, 65536};
	sg_buf	msg = SG_BUF_INIT, want = SG_BUF_INIT, got = SG_BUF_INIT;
	sg_mime_entity_reader r;
	sg_mime *m;
	uint8_t	piece[65536];
	size_t	i, j, k, n;

	for (i = 0; i <= sizeof(bodies) / sizeof(bodies[0]); i++) {
		sg_buf_reset(&msg);
		sg_buf_append_str(&msg, "From: a@a.example\nContent-Type: "
				  "text/plain;\n charset=us-ascii\n\n");
		if (i < sizeof(bodies) / sizeof(bodies[0])) {
			sg_buf_append_str(&msg, bodies[i]);
		} else {
			/* 200 KB of lines of every kind */
			for (k = 0; msg.len < 200 * 1024; k++)
				sg_buf_append_str(&msg, k % 3 == 0 ? "line\n"
						  : k % 3 == 1 ? "crlf\r\n"
						  : "\n");
		}
		m = parse((const char *) msg.data, msg.len);
		sg_mime_entity(m, &want);
		for (j = 0; j < sizeof(pieces) / sizeof(pieces[0]); j++) {
			sg_buf_reset(&got);
			sg_mime_entity_open(m, &r);
			SG_CHECK_MSG(r.total == want.len, "body %zu: total %zu, "
				     "want %zu", i, r.total, want.len);
			while ((n = sg_mime_entity_read(&r, piece,
							pieces[j])) > 0) {
				SG_CHECK(n <= pieces[j]);
				sg_buf_append(&got, piece, n);
			}
			sg_mime_entity_close(&r);
			SG_CHECK_MSG(got.len == want.len
				     && memcmp(got.data, want.data,
					       got.len) == 0,
				     "body %zu, pieces of %zu: differs", i,
				     pieces[j]);
		}
		sg_mime_free(m);
	}
	sg_buf_free(&msg);
	sg_buf_free(&want);
	sg_buf_free(&got);
}

/*
 * A large envelope (body over 64 KB) is classified from a parse of its
 * head and decoded from the message's own bytes: the same DER, with LF
 * and with CRLF line ends
 */
static void test_large_envelope_body(void)
{
	static const char plain[] = "From: a@a.example\nTo: b@b.example\n"
		"Content-Type: text/plain\n\nhi\n";
	sg_buf	der = SG_BUF_INIT, wrapped = SG_BUF_INIT, crlf = SG_BUF_INIT;
	sg_buf	body = SG_BUF_INIT;
	sg_mime *m = parse(plain, sizeof(plain) - 1), *e;
	const sg_buf *msgs[2] = {&wrapped, &crlf};
	size_t	i;

	for (i = 0; i < 300 * 1024; i++) {
		uint8_t	b = (uint8_t) (i * 7919 >> 3);

		sg_buf_append(&der, &b, 1);
	}
	sg_mime_wrap(m, der.data, der.len, false, &wrapped);
	sg_buf_append_crlf(&crlf, wrapped.data, wrapped.len);
	sg_status st;

	for (i = 0; i < 2; i++) {
		e = parse((const char *) msgs[i]->data, msgs[i]->len);
		SG_CHECK(sg_mime_classify(e) == SG_MIME_ENCRYPTED);
		st = sg_mime_smime_body(e, &body);
		SG_CHECK(sg_status_is_ok(&st));
		SG_CHECK_MSG(body.len == der.len
			     && memcmp(body.data, der.data, der.len) == 0,
			     "%s: %zu bytes decoded, %zu wanted",
			     i ? "CRLF" : "LF", body.len, der.len);
		sg_mime_free(e);
	}
	sg_mime_free(m);
	sg_buf_free(&der);
	sg_buf_free(&wrapped);
	sg_buf_free(&crlf);
	sg_buf_free(&body);
}

/* gmime_address - the first mailbox's address as GMime parses value */
static char *gmime_address(const char *value)
{
	InternetAddressList *list;
	InternetAddress *ia;
	char   *addr = NULL;

	sg_mime_init();
	list = internet_address_list_parse(NULL, value);
	if (list && internet_address_list_length(list) > 0
	    && INTERNET_ADDRESS_IS_MAILBOX(ia =
		    internet_address_list_get_address(list, 0))
	    && internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)))
		addr = strdup(internet_address_mailbox_get_addr(
					INTERNET_ADDRESS_MAILBOX(ia)));
	if (list)
		g_object_unref(list);
	return addr;
}

/*
 * sg_mime_address_simple reads the two plain forms as GMime does, and
 * leaves every other form to GMime (the From: address decides whether
 * a message is signed)
 */
static void test_address_simple_like_gmime(void)
{
	static const struct {
		const char *value;
		const char *want;	/* NULL: not a plain form */
	} cases[] = {
		{"alice@a.example", "alice@a.example"},
		{"  alice@a.example\t ", "alice@a.example"},
		{"Alice <alice@a.example>", "alice@a.example"},
		{"Alice Example <alice@a.example>", "alice@a.example"},
		{"Alice\t Example\t<alice@a.example>  ", "alice@a.example"},
		{"<alice@a.example>", "alice@a.example"},
		{"Alice<alice@a.example>", "alice@a.example"},
		{"=?utf-8?q?Al=C3=AFce?= <alice@a.example>", "alice@a.example"},
		{"a.b-c+d@mail.A.Example", "a.b-c+d@mail.A.Example"},
		{"o'brien@a.example", "o'brien@a.example"},
		{"alice@xn.example", "alice@xn.example"},
		{"xn--alice@a.xn-example", "xn--alice@a.xn-example"},
		{"x!#$%&'*+-/=?^_`{|}~@a.example", "x!#$%&'*+-/=?^_`{|}~@a.example"},
		/* every other form: GMime's */
		{"", NULL},
		{"alice", NULL},
		{"alice@", NULL},
		{"@a.example", NULL},
		{"alice@a.example.", NULL},
		{".alice@a.example", NULL},
		{"al..ice@a.example", NULL},
		{"alice@a..example", NULL},
		{"\"Alice, Sales\" <alice@a.example>", NULL},
		{"Alice (Sales) <alice@a.example>", NULL},
		{"alice@a.example (Alice)", NULL},
		{"Dr. Alice <alice@a.example>", NULL},
		{"alice@a.example, bob@b.example", NULL},
		{"Team: alice@a.example;", NULL},
		{"Alice <alice@a.example> x", NULL},
		{"Alice <alice@a.example", NULL},
		{"Alice <\"a b\"@a.example>", NULL},
		{"Alice <@relay.example:alice@a.example>", NULL},
		{"alice@[192.0.2.1]", NULL},
		/* GMime gives an A-label domain as its U-label */
		{"alice@xn--bcher-kva.example", NULL},
		{"Alice <alice@mail.XN--bcher-kva.example>", NULL},
		{"Al\xc3\xaf" "ce <alice@a.example>", NULL},
		{"al\xc3\xaf" "ce@a.example", NULL},
		{"alice@b\xc3\xbc" "cher.example", NULL},
		{"Mallory <mallory@evil.example> <alice@a.example>", NULL},
		{"mallory@evil.example <alice@a.example>", NULL},
	};
	char	buf[320], *gm;
	size_t	i;
	bool	simple;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(buf, "unset");
		simple = sg_mime_address_simple(cases[i].value, buf,
						sizeof(buf));
		SG_CHECK_MSG(simple == (cases[i].want != NULL),
			     "'%s': simple %d", cases[i].value, simple);
		if (!simple) {
			SG_CHECK_MSG(strcmp(buf, "unset") == 0, "'%s': wrote "
				     "'%s'", cases[i].value, buf);
			continue;
		}
		SG_CHECK_MSG(strcmp(buf, cases[i].want) == 0, "'%s': '%s'",
			     cases[i].value, buf);
		gm = gmime_address(cases[i].value);
		SG_CHECK_MSG(gm != NULL && strcmp(gm, buf) == 0,
			     "'%s': '%s', GMime '%s'", cases[i].value, buf,
			     gm ? gm : "(none)");
		free(gm);
	}
	/* a long address is cut as GMime's would be */
	simple = sg_mime_address_simple("Alice <alice@a.example>", buf, 8);
	SG_CHECK(simple && strcmp(buf, "alice@a") == 0);
}

/* gmime_holds_smime - could GMime's top level be S/MIME, or hold it? */
static bool gmime_holds_smime(const char *msg)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *gm;
	GMimeObject *top;
	GMimeContentType *ct;
	bool	may = true;

	sg_mime_init();
	stream = g_mime_stream_mem_new_with_buffer(msg, strlen(msg));
	parser = g_mime_parser_new_with_stream(stream);
	gm = g_mime_parser_construct_message(parser, NULL);
	if (gm && (top = g_mime_message_get_mime_part(gm)) != NULL) {
		ct = g_mime_object_get_content_type(top);
		may = g_mime_content_type_is_type(ct, "application", "*")
			|| g_mime_content_type_is_type(ct, "multipart", "mixed")
			|| g_mime_content_type_is_type(ct, "multipart", "signed");
	}
	if (gm)
		g_object_unref(gm);
	g_object_unref(parser);
	g_object_unref(stream);
	return may;
}

/*
 * sg_mime_plain_top: the plain forms of a top level that holds no S/MIME
 * are told without GMime, and GMime agrees; every other form is GMime's
 */
static void test_plain_top_like_gmime(void)
{
	static const struct {
		const char *ct;		/* NULL: no Content-Type field */
		bool	plain;
	} cases[] = {
		{NULL, true},
		{"text/plain", true},
		{"text/plain; charset=utf-8", true},
		{"  TEXT/HTML ;charset=\"utf-8\"", true},
		{"text/plain\t", true},
		{"image/png; name=x.png", true},
		{"multipart/alternative; boundary=b", true},
		{"multipart/related; boundary=b", true},
		{"multipart/report; report-type=delivery-status; boundary=b", true},
		{"Multipart/Alternative; boundary=b", true},
		/* S/MIME, or what may hold it, or a form only GMime reads */
		{"application/pkcs7-mime; smime-type=enveloped-data", false},
		{"application/octet-stream", false},
		{"multipart/mixed; boundary=b", false},
		{"multipart/signed; protocol=\"application/pkcs7-signature\"; "
		 "boundary=b", false},
		{"multipart/digest; boundary=b", false},
		{"message/rfc822", false},
		{"text", false},
		{"text/", false},
		{"/plain", false},
		{"text/plain (comment)", false},
		{"text (x) /plain", false},
		{"text /plain", false},
		{"text/plain application/pkcs7-mime", false},
		{"(comment) text/plain", false},
		{"", false},
		{"text/pl\xc3\xa4" "in", false},
		/* two fields: GMime takes the last */
		{"text/plain\nContent-Type: application/pkcs7-mime", false},
		{"text/plain\nContent-type: text/plain", false},
	};
	char	msg[512];
	size_t	i;
	sg_mime *m;
	sg_status st;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(msg, sizeof(msg), "From: a@a.example\n%s%s%sSubject: "
			 "x\n\nbody\n", cases[i].ct ? "Content-Type: " : "",
			 cases[i].ct ? cases[i].ct : "", cases[i].ct ? "\n" : "");
		st = sg_mime_parse((const uint8_t *) msg, strlen(msg), &m);
		SG_CHECK_MSG(sg_status_is_ok(&st), "case %zu: %s", i, st.text);
		if (!sg_status_is_ok(&st))
			continue;
		SG_CHECK_MSG(sg_mime_plain_top(m) == cases[i].plain,
			     "'%s': %d", cases[i].ct ? cases[i].ct : "(none)",
			     !cases[i].plain);
		if (cases[i].plain)
			SG_CHECK_MSG(!gmime_holds_smime(msg), "'%s': GMime "
				     "reads a type that may hold S/MIME",
				     cases[i].ct ? cases[i].ct : "(none)");
		sg_mime_free(m);
	}
}

/*
 * test_simple_like_gmime - an envelope whose Content-Type sg_ctype reads
 * (no GMime) is classified, and its body decoded, as the same envelope
 * whose Content-Type only GMime reads (a comment added): for strict
 * base64, for base64 that nettle refuses and GMime decodes anyway, with
 * one and with two Content-Transfer-Encoding fields, and for a header
 * that ends at a line that is no field
 */
static void test_simple_like_gmime(void)
{
	static const char *const heads[] = {
		"Content-Type: application/pkcs7-mime; smime-type=enveloped-data;"
		"\n name=\"smime.p7m\"\nContent-Transfer-Encoding: base64\n",
		"Content-Type: application/x-pkcs7-mime; smime-type="
		"\"authEnveloped-data\"\nContent-Transfer-Encoding: BASE64\n",
		"Content-Type: application/pkcs7-mime; smime-type=signed-data\n"
		"Content-Transfer-Encoding: base64\n",
		"Content-Type: application/octet-stream\n"
		"Content-Transfer-Encoding: base64\n",
		"Content-Type: application/pkcs7-mime; smime-type=enveloped-data"
		"\nContent-Transfer-Encoding: base64\n"
		"Content-Transfer-Encoding: quoted-printable\n",
		"Content-Type: application/pkcs7-mime; smime-type=enveloped-data"
		"\nContent-Transfer-Encoding: 7bit\n",
	};
	static const char *const bodies[] = {
		"MIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\n", "QUJD\r\nREVG\r\n",
		"QUJD!REVG\n", "QUJDRA==QUJD\n", "QQ=\n", "\n", "not:base64\n",
	};
	size_t	h, b, k;

	for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
		for (b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
			sg_buf	msg[2] = {SG_BUF_INIT, SG_BUF_INIT};
			sg_buf	body[2] = {SG_BUF_INIT, SG_BUF_INIT};
			sg_status st[2];
			sg_mime_kind kind[2];
			sg_mime *m;

			for (k = 0; k < 2; k++) {
				sg_buf_append_str(&msg[k], "From: a@a.example\n"
						  "To: b@b.example\n");
				sg_buf_append_str(&msg[k], heads[h]);
				if (k == 1) {
					/* "(x)" after the subtype: GMime's */
					char   *semi = strchr(strstr((char *)
						   msg[k].data, "Content-Type:"),
							      ';');
					char   *nl = strchr(strstr((char *)
						   msg[k].data, "Content-Type:"),
							    '\n');
					size_t	at = (size_t) ((semi && semi < nl
						  ? semi : nl) - (char *)
						  msg[k].data);
					sg_buf	tmp = SG_BUF_INIT;

					sg_buf_append(&tmp, msg[k].data, at);
					sg_buf_append_str(&tmp, " (x)");
					sg_buf_append(&tmp, msg[k].data + at,
						      msg[k].len - at);
					sg_buf_free(&msg[k]);
					msg[k] = tmp;
				}
				sg_buf_append_str(&msg[k], "\n");
				sg_buf_append_str(&msg[k], bodies[b]);
				m = parse((const char *) msg[k].data,
					  msg[k].len);
				if (m == NULL)
					break;
				kind[k] = sg_mime_classify(m);
				st[k] = sg_mime_smime_body(m, &body[k]);
				sg_mime_free(m);
			}
			if (k == 2) {
				SG_CHECK_MSG(kind[0] == kind[1], "head %zu "
					     "body %zu: kind %d, GMime %d", h,
					     b, kind[0], kind[1]);
				SG_CHECK_MSG(st[0].code == st[1].code
					     && body[0].len == body[1].len
					     && (body[0].len == 0
						 || memcmp(body[0].data,
							   body[1].data,
							   body[0].len) == 0),
					     "head %zu body %zu: %d %zu bytes,"
					     " GMime %d %zu bytes", h, b,
					     st[0].code, body[0].len,
					     st[1].code, body[1].len);
			}
			for (k = 0; k < 2; k++) {
				sg_buf_free(&msg[k]);
				sg_buf_free(&body[k]);
			}
		}
	}
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
	SG_RUN(test_classify_transfer_encodings);
	SG_RUN(test_parse_refuses_ambiguous_headers);
	SG_RUN(test_wrap_leaves_no_body_outside);
	SG_RUN(test_unwrap_merges_headers);
	SG_RUN(test_entity_reader_matches_entity);
	SG_RUN(test_large_envelope_body);
	SG_RUN(test_address_simple_like_gmime);
	SG_RUN(test_plain_top_like_gmime);
	SG_RUN(test_simple_like_gmime);
	return sg_test_done();
}
