/*
 * NAME
 *	test_cms_stream 1
 * SUMMARY
 *	unit tests of the streaming encryption (sg_cms_encrypt_stream,
 *	sg_cipher_stream) and the streamed S/MIME copy (sg_smimewrap)
 * DESCRIPTION
 *	For every cipher, recipient identifier and key transport, and sizes
 *	around the 64 KB chunk and the block size:
 *	- the streamed envelope is the DER the buffered engine writes: decoded
 *	  with the same ASN.1 module and encoded again by libtasn1 (what
 *	  sg_cms_encrypt() does) it is the same bytes, and it is exactly as
 *	  long as sg_cms_encrypt()'s output for the same content;
 *	- it decrypts to the content, also when first made BER (indefinite
 *	  lengths, chunked OCTET STRING), and with openssl cms;
 *	- sg_cipher_stream over chunks equals the one-shot CBC and GCM
 *	  functions for the same key and IV;
 *	- a sink that fails stops the envelope at once;
 *	- sg_smimewrap's copy is byte for byte sg_mime_wrap() of its own
 *	  envelope (header, base64 lines, last line);
 *	- in-place decryption (sg_cms_decrypt_buf) gives the content back
 *	  for DER, for the ciphertext in chunks and nested chunks under
 *	  indefinite lengths, with a footer after the end, and with two of
 *	  our keys named; one bit changed at the end (GCM tag, CBC padding)
 *	  gives nothing and a wiped buffer.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <gnutls/crypto.h>

#include "sg_asn1.h"
#include "sg_buf.h"
#include "sg_cipher.h"
#include "sg_cms.h"
#include "sg_keyring.h"
#include "sg_mime.h"
#include "sg_smimewrap.h"
#include "sg_test.h"
#include "sg_testkit.h"

static sg_testkit_id bob, carol;

static const sg_cipher_id ciphers[] = {
	SG_CIPHER_AES128_CBC, SG_CIPHER_AES256_CBC,
	SG_CIPHER_AES128_GCM, SG_CIPHER_AES256_GCM,
};

static const size_t sizes[] = {0, 1, 15, 16, 17, 65535, 65536, 65537,
			       131072, 200003};

/* content_of - deterministic bytes */
static void content_of(sg_buf *b, size_t len)
{
	size_t	i;

	sg_buf_reset(b);
	sg_buf_reserve(b, len + 1);
	for (i = 0; i < len; i++)
		b->data[i] = (uint8_t) (i * 131 + (i >> 9));
	sg_buf_set_len(b, len);
}

/* A sink that collects, counts its calls, and can fail at call n. */
typedef struct collect {
	sg_buf	out;
	size_t	calls;
	size_t	fail_at;		/* 0: never */
} collect;

static sg_status collect_sink(void *ctx, const uint8_t *data, size_t n)
{
	collect *c = ctx;

	if (++c->calls == c->fail_at)
		return sg_status_make(SG_TEMPFAIL, "sink full");
	sg_buf_append(&c->out, data, n);
	return sg_status_ok();
}

/* reencode - decode der with the CMS module, encode it again */
static void reencode(sg_cipher_id cipher, const sg_buf *der, sg_buf *out)
{
	asn1_node ci = NULL;
	sg_status st;

	st = sg_asn1_decode(sg_cipher_is_aead(cipher)
			    ? "AuthEnvelopedContentInfo"
			    : "EnvelopedContentInfo", der->data, der->len, &ci);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	sg_buf_reset(out);
	if (ci != NULL) {
		st = sg_asn1_encode(ci, out);
		SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	}
	asn1_delete_structure(&ci);
}

/* to_ber - DER to BER: indefinite lengths, 1000-byte OCTET STRING chunks */
static void to_ber(const sg_buf *der, const char *dir, sg_buf *ber)
{
	char	in[600], out[600], cmd[4096];
	FILE   *fp;
	long	n;

	snprintf(in, sizeof(in), "%s/stream.der", dir);
	snprintf(out, sizeof(out), "%s/stream.ber", dir);
	fp = fopen(in, "wb");
	SG_CHECK(fp != NULL && fwrite(der->data, 1, der->len, fp) == der->len);
	fclose(fp);
	/* openssl re-encodes streaming: indefinite lengths, chunked content */
	snprintf(cmd, sizeof(cmd), "openssl cms -decrypt -inform DER -in %s "
		 "-inkey %s -recip %s -out %s/stream.plain 2>/dev/null && "
		 "openssl cms -encrypt -binary -stream -outform DER -aes256 "
		 "-in %s/stream.plain -out %s %s 2>/dev/null", in,
		 bob.key_path, bob.cert_path, dir, dir, out, bob.cert_path);
	SG_CHECK_MSG(system(cmd) == 0, "%s", cmd);
	fp = fopen(out, "rb");
	SG_CHECK(fp != NULL);
	if (fp == NULL)
		return;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	sg_buf_reset(ber);
	sg_buf_reserve(ber, (size_t) n + 1);
	SG_CHECK(fread(ber->data, 1, (size_t) n, fp) == (size_t) n);
	sg_buf_set_len(ber, (size_t) n);
	fclose(fp);
}

static void test_stream_is_the_buffered_der(void)
{
	sg_keyring *kr = sg_keyring_new();
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT, again = SG_BUF_INIT;
	sg_buf	plain = SG_BUF_INIT;
	gnutls_x509_crt_t two[2] = {bob.crt, carol.crt};
	sg_cms_info info;
	sg_status st;
	size_t	c, s, calls_max = 0;
	int	kt, rid;

	st = sg_keyring_add_files(kr, bob.cert_path, bob.key_path);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
	 for (kt = 0; kt < 2; kt++)
	  for (rid = 0; rid < 2; rid++)
	   for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		sg_cms_encrypt_opts o = {ciphers[c], rid, kt
			? SG_KEYTRANS_RSA_OAEP : SG_KEYTRANS_RSA_PKCS1};
		collect col = {SG_BUF_INIT, 0, 0};

		content_of(&content, sizes[s]);
		st = sg_cms_encrypt_stream(&o, two, 2, content.data,
					   content.len, collect_sink, &col);
		SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
		reencode(ciphers[c], &col.out, &again);
		SG_CHECK_MSG(again.len == col.out.len
			     && memcmp(again.data, col.out.data,
				       again.len) == 0,
			     "%s size %zu: not the canonical DER",
			     sg_cipher_name(ciphers[c]), sizes[s]);
		sg_buf_reset(&der);
		st = sg_cms_encrypt(&o, two, 2, content.data, content.len,
				    &der);
		SG_CHECK(sg_status_is_ok(&st) && der.len == col.out.len);
		st = sg_cms_decrypt(kr, col.out.data, col.out.len, &plain,
				    &info);
		SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
		SG_CHECK(plain.len == content.len && (plain.len == 0
			 || memcmp(plain.data, content.data, plain.len) == 0));
		SG_CHECK(info.cipher == ciphers[c]);
		if (col.calls > calls_max)
			calls_max = col.calls;
		sg_buf_free(&col.out);
	   }
	/* 200003 bytes went out in several pieces, not in one */
	SG_CHECK(calls_max >= 4);
	sg_keyring_free(kr);
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_buf_free(&again);
	sg_buf_free(&plain);
}

static void test_stream_interop_and_ber(void)
{
	sg_keyring *kr = sg_keyring_new();
	sg_buf	content = SG_BUF_INIT, ber = SG_BUF_INIT, plain = SG_BUF_INIT;
	sg_cms_info info;
	sg_status st;
	size_t	c;

	st = sg_keyring_add_files(kr, bob.cert_path, bob.key_path);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	content_of(&content, 150001);
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++) {
		sg_cms_encrypt_opts o = {ciphers[c], SG_CMS_RID_ISSUER_SERIAL,
					 SG_KEYTRANS_RSA_PKCS1};
		collect col = {SG_BUF_INIT, 0, 0};

		st = sg_cms_encrypt_stream(&o, &bob.crt, 1, content.data,
					   content.len, collect_sink, &col);
		SG_CHECK(sg_status_is_ok(&st));
		/* openssl opens it; its streaming re-encryption is BER */
		to_ber(&col.out, sg_testkit_dir(), &ber);
		SG_CHECK(ber.len > 4 && ber.data[1] == 0x80);
		st = sg_cms_decrypt(kr, ber.data, ber.len, &plain, &info);
		SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
		SG_CHECK(plain.len == content.len
			 && memcmp(plain.data, content.data, plain.len) == 0);
		sg_buf_free(&col.out);
	}
	sg_keyring_free(kr);
	sg_buf_free(&content);
	sg_buf_free(&ber);
	sg_buf_free(&plain);
}

static void test_cipher_stream_equals_one_shot(void)
{
	uint8_t	key[32], iv[16], tag1[16], tag2[16];
	sg_buf	content = SG_BUF_INIT, one = SG_BUF_INIT, many = SG_BUF_INIT;
	sg_cipher_stream *cs;
	sg_status st;
	size_t	c, s, done, n, piece = 4096;

	memset(key, 7, sizeof(key));
	memset(iv, 9, sizeof(iv));
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			content_of(&content, sizes[s]);
			sg_buf_reset(&one);
			if (sg_cipher_is_aead(ciphers[c])) {
				sg_buf_append(&one, content.data, content.len);
				st = sg_cipher_gcm_encrypt(ciphers[c], key, iv,
							   NULL, 0, one.data,
							   one.len, tag1);
			} else {
				st = sg_cipher_cbc_encrypt(ciphers[c], key, iv,
							   content.data,
							   content.len, &one);
			}
			SG_CHECK(sg_status_is_ok(&st));
			SG_CHECK(sg_cipher_ciphertext_len(ciphers[c],
							  content.len)
				 == one.len);
			st = sg_cipher_stream_new(ciphers[c], key, iv, &cs);
			SG_CHECK(sg_status_is_ok(&st));
			sg_buf_reset(&many);
			sg_buf_reserve(&many, content.len + 32);
			memcpy(many.data, content.data, content.len);
			for (done = 0; content.len - done > piece;
			     done += piece) {
				st = sg_cipher_stream_update(cs, many.data
							     + done, piece);
				SG_CHECK(sg_status_is_ok(&st));
			}
			n = content.len - done;
			st = sg_cipher_stream_final(cs, many.data + done, &n,
						    tag2);
			SG_CHECK(sg_status_is_ok(&st));
			sg_buf_set_len(&many, done + n);
			SG_CHECK_MSG(many.len == one.len
				     && memcmp(many.data, one.data,
					       one.len) == 0,
				     "%s size %zu", sg_cipher_name(ciphers[c]),
				     sizes[s]);
			if (sg_cipher_is_aead(ciphers[c]))
				SG_CHECK(memcmp(tag1, tag2, 16) == 0);
			sg_cipher_stream_free(cs);
		}
	sg_buf_free(&content);
	sg_buf_free(&one);
	sg_buf_free(&many);
}

static void test_failing_sink_stops_at_once(void)
{
	sg_buf	content = SG_BUF_INIT;
	sg_cms_encrypt_opts o = SG_CMS_ENCRYPT_DEFAULTS;
	sg_status st;
	size_t	k;

	content_of(&content, 300000);
	for (k = 1; k <= 3; k++) {
		collect col = {SG_BUF_INIT, 0, k};

		st = sg_cms_encrypt_stream(&o, &bob.crt, 1, content.data,
					   content.len, collect_sink, &col);
		SG_CHECK(st.code == SG_TEMPFAIL && col.calls == k);
		sg_buf_free(&col.out);
	}
	sg_buf_free(&content);
}

/* b64_decode - the base64 body after the blank line */
static void b64_body(const sg_buf *copy, sg_buf *der)
{
	const char *p = memmem(copy->data, copy->len, "\n\n", 2);
	size_t	off = p ? (size_t) (p + 2 - (const char *) copy->data) : 0;
	int	state = 0;
	guint32	save = 0;

	sg_buf_reset(der);
	sg_buf_reserve(der, copy->len);
	sg_buf_set_len(der, g_mime_encoding_base64_decode_step(copy->data + off,
				     copy->len - off, der->data, &state, &save));
}

static void test_smimewrap_is_sg_mime_wrap(void)
{
	static const char msg[] = "From: a@a.example\nTo: b@b.example\n"
		"Subject: stream\nMIME-Version: 1.0\n"
		"Content-Type: text/plain\n\nbody\n";
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT, ref = SG_BUF_INIT;
	sg_mime *m = NULL;
	sg_status st;
	size_t	c, s;

	st = sg_mime_parse((const uint8_t *) msg, sizeof(msg) - 1, &m);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			sg_cms_encrypt_opts o = {ciphers[c],
				SG_CMS_RID_ISSUER_SERIAL, SG_KEYTRANS_RSA_PKCS1};
			collect col = {SG_BUF_INIT, 0, 0};

			content_of(&content, sizes[s]);
			st = sg_smimewrap_encrypt(m, &o, &bob.crt, 1,
						  content.data, content.len,
						  collect_sink, &col);
			SG_CHECK(sg_status_is_ok(&st));
			b64_body(&col.out, &der);
			sg_mime_wrap(m, der.data, der.len,
				     sg_cipher_is_aead(ciphers[c]), &ref);
			SG_CHECK_MSG(ref.len == col.out.len
				     && memcmp(ref.data, col.out.data,
					       ref.len) == 0,
				     "%s size %zu", sg_cipher_name(ciphers[c]),
				     sizes[s]);
			sg_buf_free(&col.out);
		}
	sg_mime_free(m);
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_buf_free(&ref);
}

/* tlv - header size and content length of the DER element at p */
static size_t tlv(const uint8_t *p, size_t *len)
{
	size_t	n, i;

	if (p[1] < 0x80) {
		*len = p[1];
		return 2;
	}
	n = p[1] & 0x7f;
	for (*len = 0, i = 0; i < n; i++)
		*len = (*len << 8) | p[2 + i];
	return 2 + n;
}

/* skip - the offset just past the DER element at pos */
static size_t skip(const uint8_t *d, size_t pos)
{
	size_t	len, hdr = tlv(d + pos, &len);

	return pos + hdr + len;
}

/*
 * chunked - our DER as other senders write it: the four levels around
 * the ciphertext with indefinite lengths, the ciphertext in OCTET STRINGs
 * of chunk bytes (with nest, two by two inside constructed ones of their
 * own), and trailer bytes after the end (a footer a relay added)
 */
static void chunked(const sg_buf *der, size_t chunk, bool nest,
		    const char *trailer, sg_buf *out)
{
	static const char *const tags[4] = {"\x30\x80", "\xa0\x80",
		"\x30\x80", "\x30\x80"};
	const uint8_t *d = der->data;
	size_t	off[4], hs[4], end[4], len, ec, ec_end, o, n, k;
	uint8_t	h[4];
	int	i;

	off[0] = 0;
	hs[0] = tlv(d, &len);
	end[0] = hs[0] + len;
	off[1] = skip(d, hs[0]);			/* past contentType */
	hs[1] = tlv(d + off[1], &len);
	end[1] = off[1] + hs[1] + len;
	off[2] = off[1] + hs[1];
	hs[2] = tlv(d + off[2], &len);
	end[2] = off[2] + hs[2] + len;
	off[3] = skip(d, skip(d, off[2] + hs[2]));	/* version, ris */
	hs[3] = tlv(d + off[3], &len);
	end[3] = off[3] + hs[3] + len;
	ec = skip(d, skip(d, off[3] + hs[3]));		/* type, algorithm */
	ec_end = skip(d, ec);
	tlv(d + ec, &len);

	sg_buf_reset(out);
	for (i = 0; i < 4; i++) {
		sg_buf_append(out, tags[i], 2);
		sg_buf_append(out, d + off[i] + hs[i], (i < 3 ? off[i + 1] : ec)
			      - off[i] - hs[i]);
	}
	sg_buf_append(out, "\xa0\x80", 2);
	for (o = ec_end - len, k = 0; o < ec_end; o += n, k++) {
		n = ec_end - o < chunk ? ec_end - o : chunk;
		if (nest && k % 2 == 0)
			sg_buf_append(out, "\x24\x80", 2);
		h[0] = 0x04;
		h[1] = 0x82;
		h[2] = (uint8_t) (n >> 8);
		h[3] = (uint8_t) n;
		sg_buf_append(out, h, 4);
		sg_buf_append(out, d + o, n);
		if (nest && (k % 2 == 1 || o + n == ec_end))
			sg_buf_append(out, "\0\0", 2);
	}
	sg_buf_append(out, "\0\0", 2);
	sg_buf_append(out, d + ec_end, end[3] - ec_end);
	for (i = 3; i >= 0; i--) {
		sg_buf_append(out, "\0\0", 2);
		if (i > 0)
			sg_buf_append(out, d + end[i], end[i - 1] - end[i]);
	}
	sg_buf_append_str(out, trailer);
}

/*
 * sg_cms_decrypt_buf (in place) opens every way the envelope can be
 * written, for every cipher: DER; the ciphertext in chunks, nested
 * chunks, indefinite lengths and a trailer; with two of our keys named
 * (the first try runs on a copy); and it leaves the plaintext in the
 * buffer it was given
 */
static void test_in_place_decryption_of_every_encoding(void)
{
	static const char trailer[] = "\r\n-- \r\nfooter\r\n";
	sg_keyring *kr = sg_keyring_new();
	sg_buf	content = SG_BUF_INIT, buf = SG_BUF_INIT;
	gnutls_x509_crt_t two[2] = {carol.crt, bob.crt};
	sg_cms_info info;
	sg_status st;
	size_t	c, v, ncerts;

	st = sg_keyring_add_files(kr, bob.cert_path, bob.key_path);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	st = sg_keyring_add_files(kr, carol.cert_path, carol.key_path);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	content_of(&content, 150001);
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
	 for (ncerts = 1; ncerts <= 2; ncerts++) {
		sg_cms_encrypt_opts o = {ciphers[c], SG_CMS_RID_ISSUER_SERIAL,
					 SG_KEYTRANS_RSA_OAEP};
		collect col = {SG_BUF_INIT, 0, 0};

		st = sg_cms_encrypt_stream(&o, ncerts == 2 ? two : &bob.crt,
					   ncerts, content.data, content.len,
					   collect_sink, &col);
		SG_CHECK(sg_status_is_ok(&st));
		for (v = 0; v < 4; v++) {
			sg_buf_reset(&buf);
			if (v == 0)
				sg_buf_append(&buf, col.out.data, col.out.len);
			else
				chunked(&col.out, v == 1 ? 1000 : 4096, v == 2,
					v == 3 ? trailer : "", &buf);
			SG_CHECK(v == 0 || buf.data[1] == 0x80);
			st = sg_cms_decrypt_buf(kr, &buf, &info);
			SG_CHECK_MSG(sg_status_is_ok(&st), "%s, %zu certs, "
				     "variant %zu: %s",
				     sg_cipher_name(ciphers[c]), ncerts, v,
				     st.text);
			SG_CHECK_MSG(buf.len == content.len
				     && memcmp(buf.data, content.data,
					       buf.len) == 0,
				     "%s, %zu certs, variant %zu: plaintext",
				     sg_cipher_name(ciphers[c]), ncerts, v);
			SG_CHECK(v != 3 || info.trailing == strlen(trailer));
		}
		/*
		 * One bit changed at the end: GCM's tag fails; CBC's last
		 * padding byte (0x0f: 150001 bytes) becomes 0x0e. Nothing is
		 * given back, and the buffer is wiped and released.
		 */
		col.out.data[col.out.len - (sg_cipher_is_aead(ciphers[c])
					    ? 18 + 2 : 16 + 1)] ^= 1;
		sg_buf_reset(&buf);
		chunked(&col.out, 1000, false, "", &buf);
		st = sg_cms_decrypt_buf(kr, &buf, &info);
		SG_CHECK(st.code == SG_REJECT && buf.len == 0
			 && buf.data == NULL);
		sg_buf_free(&col.out);
	}
	sg_keyring_free(kr);
	sg_buf_free(&content);
	sg_buf_free(&buf);
}

int	main(void)
{
	gnutls_global_init();
	sg_testkit_make("bob", true, 2048, &bob);
	sg_testkit_make("carol", true, 3072, &carol);
	SG_RUN(test_cipher_stream_equals_one_shot);
	SG_RUN(test_stream_is_the_buffered_der);
	SG_RUN(test_stream_interop_and_ber);
	SG_RUN(test_failing_sink_stops_at_once);
	SG_RUN(test_smimewrap_is_sg_mime_wrap);
	SG_RUN(test_in_place_decryption_of_every_encoding);
	return sg_test_done();
}
