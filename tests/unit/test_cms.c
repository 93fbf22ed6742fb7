/*
 * NAME
 *	test_cms 1
 * SUMMARY
 *	unit tests of the CMS envelope engine (sg_cms)
 * DESCRIPTION
 *	Round trips for every cipher, key transport and recipient identifier;
 *	several recipients; key rollover; and the failures: a message for
 *	someone else, corrupted keys, tags and ciphertext, truncation at
 *	every length, single-byte mutations, garbage, wrong versions, unknown
 *	algorithms. Interoperability with other implementations is tested in
 *	tests/interop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "sg_buf.h"
#include "sg_cms.h"
#include "sg_keyring.h"
#include "sg_test.h"
#include "sg_testkit.h"

static sg_testkit_id alice, bob, carol, noski, bob2;

static const sg_cipher_id ciphers[] = {
	SG_CIPHER_AES128_CBC, SG_CIPHER_AES256_CBC,
	SG_CIPHER_AES128_GCM, SG_CIPHER_AES256_GCM,
};

/* keyring_of - a keyring with the given identities */
static sg_keyring *keyring_of(sg_testkit_id **ids, size_t n)
{
	sg_keyring *kr = sg_keyring_new();
	sg_status st;
	size_t	i;

	for (i = 0; i < n; i++) {
		st = sg_keyring_add_files(kr, ids[i]->cert_path,
					  ids[i]->key_path);
		SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	}
	return kr;
}

/* make_content - deterministic test bytes with CRLF lines and binary */
static void make_content(sg_buf *b, size_t len)
{
	static const char head[] = "Content-Type: text/plain\r\n\r\nhello\r\n";
	size_t	i;

	sg_buf_reset(b);
	for (i = 0; i < len; i++) {
		uint8_t c = i < sizeof(head) - 1 ? (uint8_t) head[i]
			: (uint8_t) (i * 131 + (i >> 8));

		sg_buf_append(b, &c, 1);
	}
}

/* encrypt_to - encrypt content for ids; checks success */
static void encrypt_to(const sg_cms_encrypt_opts *o, sg_testkit_id **ids,
		       size_t n, const sg_buf *content, sg_buf *der)
{
	gnutls_x509_crt_t crts[8];
	sg_status st;
	size_t	i;

	for (i = 0; i < n; i++)
		crts[i] = ids[i]->crt;
	sg_buf_reset(der);
	st = sg_cms_encrypt(o, crts, n, content->data, content->len, der);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
}

/* expect_plain - decrypt must succeed and give back content */
static void expect_plain(const sg_keyring *kr, const sg_buf *der,
			 const sg_buf *content, sg_cms_info *info)
{
	sg_buf	out = SG_BUF_INIT;
	sg_status st;

	st = sg_cms_decrypt(kr, der->data, der->len, &out, info);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(out.len == content->len);
	SG_CHECK(out.len == 0 || memcmp(out.data, content->data, out.len) == 0);
	sg_buf_free(&out);
}

/* expect_reject - decrypt must fail with REJECT and no output */
static sg_status expect_reject(const sg_keyring *kr, const uint8_t *der,
			       size_t len, sg_cms_info *info)
{
	sg_buf	out = SG_BUF_INIT;
	sg_status st;

	sg_buf_append(&out, "stale", 5);
	st = sg_cms_decrypt(kr, der, len, &out, info);
	SG_CHECK_MSG(st.code == SG_REJECT, "code %s: %s", sg_code_name(st.code),
		     st.text);
	SG_CHECK(out.len == 0);
	sg_buf_free(&out);
	return st;
}

/* find - offset of needle in hay, or -1 */
static long find(const sg_buf *hay, const uint8_t *needle, size_t n)
{
	size_t	i;

	for (i = 0; i + n <= hay->len; i++)
		if (memcmp(hay->data + i, needle, n) == 0)
			return (long) i;
	return -1;
}

static void test_round_trip_all_algorithms(void)
{
	static const size_t sizes[] = {0, 1, 15, 16, 17, 1000, 70001};
	sg_testkit_id *to[] = {&bob};
	sg_keyring *kr = keyring_of(to, 1);
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT;
	sg_cms_info info;
	size_t	c, s;
	int	kt, rid;

	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
		for (kt = 0; kt < 2; kt++)
			for (rid = 0; rid < 2; rid++)
				for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
					sg_cms_encrypt_opts o = {ciphers[c], rid,
					kt ? SG_KEYTRANS_RSA_OAEP : SG_KEYTRANS_RSA_PKCS1};

					make_content(&content, sizes[s]);
					encrypt_to(&o, to, 1, &content, &der);
					expect_plain(kr, &der, &content, &info);
					SG_CHECK(info.cipher == ciphers[c]);
					SG_CHECK(info.keytrans == o.keytrans);
					SG_CHECK(info.rid == (sg_cms_rid) rid);
					SG_CHECK(info.for_us);
					SG_CHECK(info.kind == (sg_cipher_is_aead(ciphers[c])
						? SG_CMS_KIND_AUTH_ENVELOPED
						: SG_CMS_KIND_ENVELOPED));
					if (kt)
						SG_CHECK(info.oaep_hash ==
							 SG_KEYTRANS_SHA256);
				}
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_keyring_free(kr);
}

static void test_der_output_is_definite_and_versioned(void)
{
	/* EnvelopedData version 0 with issuerAndSerialNumber, 2 with SKI. */
	static const uint8_t v0[] = {0x02, 0x01, 0x00, 0x31};
	static const uint8_t v2[] = {0x02, 0x01, 0x02, 0x31};
	sg_testkit_id *to[] = {&bob};
	sg_cms_encrypt_opts o = SG_CMS_ENCRYPT_DEFAULTS;
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT;

	make_content(&content, 300);
	encrypt_to(&o, to, 1, &content, &der);
	SG_CHECK(der.data[0] == 0x30 && der.data[1] == 0x82);
	SG_CHECK(find(&der, v0, sizeof(v0)) > 0);
	o.rid = SG_CMS_RID_SKI;
	encrypt_to(&o, to, 1, &content, &der);
	SG_CHECK(find(&der, v2, sizeof(v2)) > 0);
	sg_buf_free(&content);
	sg_buf_free(&der);
}

static void test_several_recipients(void)
{
	sg_testkit_id *to[] = {&alice, &bob, &carol};
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT;
	sg_cms_info info;
	size_t	i;
	int	kt;

	make_content(&content, 5000);
	for (kt = 0; kt < 2; kt++) {
		sg_cms_encrypt_opts o = {SG_CIPHER_AES128_GCM,
		SG_CMS_RID_ISSUER_SERIAL, kt ? SG_KEYTRANS_RSA_OAEP
		: SG_KEYTRANS_RSA_PKCS1};

		encrypt_to(&o, to, 3, &content, &der);
		for (i = 0; i < 3; i++) {
			sg_keyring *kr = keyring_of(&to[i], 1);

			expect_plain(kr, &der, &content, &info);
			SG_CHECK(info.recipients == 3);
			sg_keyring_free(kr);
		}
	}
	sg_buf_free(&content);
	sg_buf_free(&der);
}

static void test_rollover_keyring_uses_matching_key(void)
{
	sg_testkit_id *ring[] = {&bob, &bob2};
	sg_testkit_id *to[] = {&bob2};
	sg_keyring *kr = keyring_of(ring, 2);
	sg_cms_encrypt_opts o = SG_CMS_ENCRYPT_DEFAULTS;
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT;
	sg_cms_info info;

	SG_CHECK(sg_keyring_count(kr) == 2);
	make_content(&content, 123);
	encrypt_to(&o, to, 1, &content, &der);
	expect_plain(kr, &der, &content, &info);
	SG_CHECK(info.key_index == 1);
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_keyring_free(kr);
}

static void test_not_for_us(void)
{
	sg_testkit_id *to[] = {&alice, &carol};
	sg_testkit_id *me[] = {&bob};
	sg_keyring *kr = keyring_of(me, 1);
	sg_cms_encrypt_opts o = SG_CMS_ENCRYPT_DEFAULTS;
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT;
	sg_cms_info info;

	make_content(&content, 100);
	encrypt_to(&o, to, 2, &content, &der);
	expect_reject(kr, der.data, der.len, &info);
	SG_CHECK(!info.for_us);
	SG_CHECK(info.kind == SG_CMS_KIND_ENVELOPED);
	SG_CHECK(info.recipients == 2);
	o.rid = SG_CMS_RID_SKI;
	encrypt_to(&o, to, 1, &content, &der);	/* alice: carol has no SKI */
	expect_reject(kr, der.data, der.len, &info);
	SG_CHECK(!info.for_us);
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_keyring_free(kr);
}

/*
 * reject_corrupted - decrypt der with one byte at off changed by mask (at
 * off - 1, off - 2, ... while it still decrypts) until it is refused,
 * at most eight times: CBC has no integrity, so a substituted random key
 * (RFC 3218) or a garbled last block gives valid padding about one time
 * in 256, and then garbage, which must never be the content. The
 * refusal's status; no output with it.
 */
static sg_status reject_corrupted(const sg_keyring *kr, const sg_buf *der,
				  size_t off, uint8_t mask,
				  const sg_buf *content, sg_cms_info *info)
{
	sg_buf	bad = SG_BUF_INIT, out = SG_BUF_INIT;
	sg_status st = sg_status_ok();
	size_t	i;

	for (i = 0; i < 8 && i <= off; i++) {
		sg_buf_reset(&bad);
		sg_buf_append(&bad, der->data, der->len);
		bad.data[off - i] ^= mask;
		sg_buf_reset(&out);
		sg_buf_append(&out, "stale", 5);
		st = sg_cms_decrypt(kr, bad.data, bad.len, &out, info);
		if (st.code == SG_REJECT) {
			SG_CHECK(out.len == 0);
			break;
		}
		SG_CHECK_MSG(sg_status_is_ok(&st) && !(out.len == content->len
			     && memcmp(out.data, content->data, out.len) == 0),
			     "corruption at %zu: %s", off - i, st.text);
	}
	SG_CHECK_MSG(st.code == SG_REJECT, "never refused: %s", st.text);
	sg_buf_free(&bad);
	sg_buf_wipe_free(&out);
	return st;
}

/*
 * RFC 3218: a corrupted encrypted key and corrupted ciphertext (bad
 * padding or tag) give the same status and the same sentence.
 */
static void test_corruption_is_rejected_alike(void)
{
	sg_testkit_id *to[] = {&bob};
	sg_keyring *kr = keyring_of(to, 1);
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT, bad = SG_BUF_INIT;
	sg_cms_info info;
	sg_status key_st, ct_st, tag_st;
	size_t	c, key_off;
	int	kt;

	make_content(&content, 4096);
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
		for (kt = 0; kt < 2; kt++) {
			sg_cms_encrypt_opts o = {ciphers[c], SG_CMS_RID_ISSUER_SERIAL,
			kt ? SG_KEYTRANS_RSA_OAEP : SG_KEYTRANS_RSA_PKCS1};
			static const uint8_t enckey_hdr[] = {0x04, 0x82, 0x01, 0x00};
			long	off;

			encrypt_to(&o, to, 1, &content, &der);
			off = find(&der, enckey_hdr, sizeof(enckey_hdr));
			SG_CHECK(off > 0);
			key_off = (size_t) off + sizeof(enckey_hdr) + 100;

			/* encrypted key */
			key_st = reject_corrupted(kr, &der, key_off, 0x01,
						  &content, &info);
			SG_CHECK(info.for_us);

			/* ciphertext: a byte in the last 32 of the content */
			ct_st = reject_corrupted(kr, &der, der.len -
						 (sg_cipher_is_aead(ciphers[c])
						  ? 40 : 5), 0x80, &content,
						 &info);
			SG_CHECK(strcmp(key_st.text, ct_st.text) == 0);

			if (sg_cipher_is_aead(ciphers[c])) {
				/* the tag is the last 16 bytes */
				sg_buf_reset(&bad);
				sg_buf_append(&bad, der.data, der.len);
				bad.data[der.len - 1] ^= 0x01;
				tag_st = expect_reject(kr, bad.data, bad.len,
						       &info);
				SG_CHECK(strcmp(key_st.text, tag_st.text) == 0);
			}
		}
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_buf_free(&bad);
	sg_keyring_free(kr);
}

static void test_truncation_at_every_length(void)
{
	sg_testkit_id *to[] = {&bob};
	sg_keyring *kr = keyring_of(to, 1);
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT;
	sg_cms_info info;
	size_t	len, c;

	make_content(&content, 64);
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++) {
		sg_cms_encrypt_opts o = {ciphers[c], SG_CMS_RID_SKI,
		SG_KEYTRANS_RSA_PKCS1};

		encrypt_to(&o, to, 1, &content, &der);
		for (len = 0; len < der.len; len++)
			expect_reject(kr, der.data, len, &info);
	}
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_keyring_free(kr);
}

static void test_single_byte_mutations_never_crash(void)
{
	sg_testkit_id *to[] = {&bob};
	sg_keyring *kr = keyring_of(to, 1);
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT, out = SG_BUF_INIT;
	sg_cms_info info;
	sg_status st;
	size_t	i, c;

	make_content(&content, 40);
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++) {
		sg_cms_encrypt_opts o = {ciphers[c], SG_CMS_RID_ISSUER_SERIAL,
		SG_KEYTRANS_RSA_PKCS1};

		encrypt_to(&o, to, 1, &content, &der);
		for (i = 0; i < der.len; i++) {
			der.data[i] ^= 0x55;
			st = sg_cms_decrypt(kr, der.data, der.len, &out, &info);
			SG_CHECK(st.code == SG_OK || st.code == SG_REJECT);
			if (st.code != SG_OK)
				SG_CHECK(out.len == 0);
			/* GCM authenticates: no mutation of content or tag passes */
			if (st.code == SG_OK && sg_cipher_is_aead(ciphers[c]))
				SG_CHECK(out.len == content.len
					 && memcmp(out.data, content.data,
						   out.len) == 0);
			der.data[i] ^= 0x55;
		}
	}
	sg_buf_free(&out);
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_keyring_free(kr);
}

static void test_garbage_and_hostile_encodings(void)
{
	sg_testkit_id *to[] = {&bob};
	sg_keyring *kr = keyring_of(to, 1);
	sg_cms_info info;
	uint8_t	buf[4096];
	size_t	i, n;
	static const uint8_t huge_len[] = {0x30, 0x88, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0x06, 0x09};
	static const uint8_t indef_prim[] = {0x30, 0x80, 0x04, 0x80, 0x00, 0x00};
	static const uint8_t unterminated[] = {0x30, 0x80, 0x30, 0x80, 0x02,
		0x01, 0x00};
	static const uint8_t signed_data[] = {0x30, 0x0d, 0x06, 0x09, 0x2a,
		0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x00};
	static const uint8_t empty_env[] = {0x30, 0x0f, 0x06, 0x09, 0x2a, 0x86,
		0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03, 0xa0, 0x02, 0x30, 0x00};

	expect_reject(kr, (const uint8_t *) "", 0, &info);
	expect_reject(kr, huge_len, sizeof(huge_len), &info);
	expect_reject(kr, indef_prim, sizeof(indef_prim), &info);
	expect_reject(kr, unterminated, sizeof(unterminated), &info);
	expect_reject(kr, signed_data, sizeof(signed_data), &info);
	SG_CHECK(info.kind == SG_CMS_KIND_UNKNOWN);
	expect_reject(kr, empty_env, sizeof(empty_env), &info);
	SG_CHECK(info.kind == SG_CMS_KIND_ENVELOPED);

	/* nesting far deeper than any CMS */
	for (i = 0; i < 200; i++) {
		buf[2 * i] = 0x30;
		buf[2 * i + 1] = 0x80;
	}
	memset(buf + 400, 0, 400);
	expect_reject(kr, buf, 800, &info);

	/* random garbage, some of it starting like a SEQUENCE */
	for (i = 0; i < 300; i++) {
		n = 1 + (size_t) (i * 13) % sizeof(buf);
		(void) gnutls_rnd(GNUTLS_RND_NONCE, buf, n);
		if (i % 2)
			buf[0] = 0x30;
		expect_reject(kr, buf, n, &info);
	}
	sg_keyring_free(kr);
}

/* patch - replace the first occurrence of from by to (same length) */
static bool patch(sg_buf *b, const uint8_t *from, const uint8_t *to,
		  size_t n)
{
	long	off = find(b, from, n);

	if (off < 0)
		return false;
	memcpy(b->data + off, to, n);
	return true;
}

static void test_wrong_versions_and_unknown_algorithms(void)
{
	sg_testkit_id *to[] = {&bob};
	sg_keyring *kr = keyring_of(to, 1);
	sg_cms_encrypt_opts o = SG_CMS_ENCRYPT_DEFAULTS;
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT;
	sg_cms_info info;
	sg_status st;
	/* EnvelopedData.version 0 followed by the SET of RecipientInfos */
	static const uint8_t ed_v0[] = {0x02, 0x01, 0x00, 0x31, 0x82};
	static const uint8_t ed_v7[] = {0x02, 0x01, 0x07, 0x31, 0x82};
	/* ktri version 0 followed by issuerAndSerialNumber */
	static const uint8_t kt_v0[] = {0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x00,
		0x30};
	/* aes-256-cbc OID, last arc 42 -> 43 (unknown) */
	static const uint8_t aes256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
		0x04, 0x01, 0x2a};
	static const uint8_t aes_x[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
		0x04, 0x01, 0x2b};
	/* rsaEncryption OID -> an unknown key transport */
	static const uint8_t rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x01, 0x01, 0x01};
	static const uint8_t rsa_x[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x01, 0x01, 0x7f};
	uint8_t	kt_v2[sizeof(kt_v0)];
	long	off;

	make_content(&content, 50);
	encrypt_to(&o, to, 1, &content, &der);
	SG_CHECK(patch(&der, ed_v0, ed_v7, sizeof(ed_v0)));
	st = expect_reject(kr, der.data, der.len, &info);
	SG_CHECK(strstr(st.text, "version") != NULL);

	encrypt_to(&o, to, 1, &content, &der);
	off = find(&der, ed_v0, 3);
	SG_CHECK(off > 0);
	/* ktri v2 with issuerAndSerialNumber contradicts RFC 5652 6.2.1 */
	off = -1;
	{
		size_t	i;

		for (i = 0; i + sizeof(kt_v0) <= der.len; i++)
			if (memcmp(der.data + i, kt_v0, 2) == 0
			    && memcmp(der.data + i + 4, kt_v0 + 4, 4) == 0) {
				off = (long) i;
				break;
			}
	}
	SG_CHECK(off > 0);
	if (off > 0) {
		memcpy(kt_v2, der.data + off, sizeof(kt_v2));
		kt_v2[6] = 0x02;
		memcpy(der.data + off, kt_v2, sizeof(kt_v2));
		st = expect_reject(kr, der.data, der.len, &info);
		SG_CHECK(strstr(st.text, "version") != NULL);
	}

	encrypt_to(&o, to, 1, &content, &der);
	SG_CHECK(patch(&der, aes256, aes_x, sizeof(aes256)));
	st = expect_reject(kr, der.data, der.len, &info);
	SG_CHECK(strstr(st.text, "unsupported content encryption") != NULL);

	encrypt_to(&o, to, 1, &content, &der);
	SG_CHECK(patch(&der, rsa, rsa_x, sizeof(rsa)));
	st = expect_reject(kr, der.data, der.len, &info);
	SG_CHECK(strstr(st.text, "key transport") != NULL);

	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_keyring_free(kr);
}

static void test_keyid_needs_subject_key_identifier(void)
{
	sg_cms_encrypt_opts o = {SG_CIPHER_AES256_CBC, SG_CMS_RID_SKI,
	SG_KEYTRANS_RSA_PKCS1};
	sg_buf	der = SG_BUF_INIT;
	sg_status st;

	st = sg_cms_encrypt(&o, &noski.crt, 1, (const uint8_t *) "x", 1, &der);
	SG_CHECK(st.code == SG_CONFIG);
	SG_CHECK(der.len == 0);
	sg_buf_free(&der);
}

static void test_decrypt_only_ciphers_are_not_produced(void)
{
	sg_cms_encrypt_opts o = {SG_CIPHER_DES3_CBC, SG_CMS_RID_ISSUER_SERIAL,
	SG_KEYTRANS_RSA_PKCS1};
	sg_buf	der = SG_BUF_INIT;
	sg_status st;

	st = sg_cms_encrypt(&o, &bob.crt, 1, (const uint8_t *) "x", 1, &der);
	SG_CHECK(st.code == SG_CONFIG);
	o.cipher = SG_CIPHER_AES192_CBC;
	st = sg_cms_encrypt(&o, &bob.crt, 1, (const uint8_t *) "x", 1, &der);
	SG_CHECK(st.code == SG_CONFIG);
	SG_CHECK(der.len == 0);
	sg_buf_free(&der);
}

static void test_ber_indefinite_input(void)
{
	/*
	 * Re-encode our DER output as BER the way streaming encoders do:
	 * outer SEQUENCE and [0] indefinite, content split in chunks.
	 * (Full interop with real streaming encoders is in tests/interop.)
	 */
	sg_testkit_id *to[] = {&bob};
	sg_keyring *kr = keyring_of(to, 1);
	sg_cms_encrypt_opts o = SG_CMS_ENCRYPT_DEFAULTS;
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT, ber = SG_BUF_INIT;
	sg_cms_info info;
	size_t	hdr;

	make_content(&content, 100);
	encrypt_to(&o, to, 1, &content, &der);
	/* 30 82 xx xx | 06 09 oid | a0 82 xx xx | inner... */
	SG_CHECK(der.data[0] == 0x30 && der.data[1] == 0x82
		 && der.data[15] == 0xa0 && der.data[16] == 0x82);
	hdr = 19;
	sg_buf_append(&ber, "\x30\x80", 2);
	sg_buf_append(&ber, der.data + 4, 11);
	sg_buf_append(&ber, "\xa0\x80", 2);
	sg_buf_append(&ber, der.data + hdr, der.len - hdr);
	sg_buf_append(&ber, "\0\0\0\0", 4);
	expect_plain(kr, &ber, &content, &info);
	SG_CHECK(info.trailing == 0);
	/* after the end-of-contents octets: padding or junk, ignored */
	sg_buf_append(&ber, "\0\0\0", 3);
	expect_plain(kr, &ber, &content, &info);
	SG_CHECK(info.trailing == 3);
	sg_buf_append(&ber, "x", 1);
	expect_plain(kr, &ber, &content, &info);
	SG_CHECK(info.trailing == 4);
	/* but one end-of-contents missing is a truncation */
	expect_reject(kr, ber.data, ber.len - 6, &info);
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_buf_free(&ber);
	sg_keyring_free(kr);
}

static void test_trailing_bytes_are_ignored(void)
{
	/*
	 * What follows the ContentInfo: zero padding, a footer decoded
	 * along with the base64 ("-- Scanned by ..." gives bytes such as
	 * these), a second ContentInfo. Each is ignored and counted; the
	 * truncated object in front of the same bytes still fails.
	 */
	static const struct {
		const char *what;
		const char *bytes;
		size_t	len;
	} tails[] = {
		{"one zero byte", "\0", 1},
		{"decoded footer", "\xfb\x9e\x9d\xa7\x7a\x1e\x6d\xc8\x4b\x08\xa5"
		 "\x8b\x2c\x8a\xe7", 15},
		{"a SEQUENCE", "\x30\x03\x02\x01\x00", 5},
		{"a huge length", "\x30\x88\xff\xff\xff\xff\xff\xff\xff\xff", 10},
		{"text", "\n-- \nScanned by ClamAV\n", 23},
	};
	sg_testkit_id *to[] = {&bob};
	sg_keyring *kr = keyring_of(to, 1);
	sg_buf	content = SG_BUF_INIT, der = SG_BUF_INIT, in = SG_BUF_INIT;
	sg_cms_info info;
	size_t	c, t;

	make_content(&content, 300);
	for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++) {
		sg_cms_encrypt_opts o = {ciphers[c], SG_CMS_RID_ISSUER_SERIAL,
		SG_KEYTRANS_RSA_PKCS1};

		encrypt_to(&o, to, 1, &content, &der);
		expect_plain(kr, &der, &content, &info);
		SG_CHECK(info.trailing == 0);
		for (t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
			sg_buf_reset(&in);
			sg_buf_append(&in, der.data, der.len);
			sg_buf_append(&in, tails[t].bytes, tails[t].len);
			expect_plain(kr, &in, &content, &info);
			SG_CHECK_MSG(info.trailing == tails[t].len, "%s: %zu",
				     tails[t].what, info.trailing);
			/* cut short by more than the tail: still incomplete */
			sg_buf_reset(&in);
			sg_buf_append(&in, der.data, der.len - 64);
			sg_buf_append(&in, tails[t].bytes, tails[t].len);
			expect_reject(kr, in.data, in.len, &info);
		}
	}
	sg_buf_free(&content);
	sg_buf_free(&der);
	sg_buf_free(&in);
	sg_keyring_free(kr);
}

int	main(void)
{
	sg_testkit_make("alice", true, 2048, &alice);
	sg_testkit_make("bob", true, 2048, &bob);
	sg_testkit_make("bob2", true, 3072, &bob2);
	sg_testkit_make("carol", false, 2048, &carol);
	sg_testkit_make("noski", false, 2048, &noski);

	SG_RUN(test_round_trip_all_algorithms);
	SG_RUN(test_der_output_is_definite_and_versioned);
	SG_RUN(test_several_recipients);
	SG_RUN(test_rollover_keyring_uses_matching_key);
	SG_RUN(test_not_for_us);
	SG_RUN(test_corruption_is_rejected_alike);
	SG_RUN(test_truncation_at_every_length);
	SG_RUN(test_single_byte_mutations_never_crash);
	SG_RUN(test_garbage_and_hostile_encodings);
	SG_RUN(test_wrong_versions_and_unknown_algorithms);
	SG_RUN(test_keyid_needs_subject_key_identifier);
	SG_RUN(test_decrypt_only_ciphers_are_not_produced);
	SG_RUN(test_ber_indefinite_input);
	SG_RUN(test_trailing_bytes_are_ignored);
	return sg_test_done();
}
