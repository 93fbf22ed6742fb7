/*
 * NAME
 *	test_cms_peek 1
 * SUMMARY
 *	unit tests of sg_cms_peek_for_us: is an envelope for us, from its
 *	first bytes?
 * DESCRIPTION
 *	Real envelopes from openssl cms -encrypt (DER and -stream BER,
 *	AES-256-CBC EnvelopedData and AES-256-GCM AuthEnvelopedData,
 *	issuerAndSerialNumber and -keyid, for us, for someone else, for two of
 *	which one is us), from NSS (the interop corpus) and from our own
 *	encoder, and one rewritten with an indefinite-length RecipientInfos
 *	SET. For each, every prefix (a stride for the large ones) must give
 *	-1 until the RecipientInfos end (where openssl asn1parse says they
 *	end) and from there on 1 or 0, agreeing with info.for_us of
 *	sg_cms_decrypt of the whole. Each prefix is passed in a buffer of
 *	exactly its size (ASan and valgrind see a read past it). Then garbage
 *	and hostile headers (0 or -1, never 1), and single-byte mutations of
 *	the header region against the promise: 1 never where the whole
 *	parse says parsed && !for_us, 0 never where it says parsed && for_us.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "sg_buf.h"
#include "sg_cms.h"
#include "sg_keyring.h"
#include "sg_test.h"
#include "sg_testkit.h"

static sg_testkit_id ours, ours2, other;


/* path_of - DIR/name in the private test directory */
static const char *path_of(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", sg_testkit_dir(), name);
	return buf;
}

/* read_file - the whole file into out */
static bool read_file(const char *path, sg_buf *out)
{
	FILE   *fp = fopen(path, "rb");
	uint8_t	chunk[8192];
	size_t	n;

	sg_buf_reset(out);
	SG_CHECK_MSG(fp != NULL, "%s", path);
	if (fp == NULL)
		return false;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		sg_buf_append(out, chunk, n);
	fclose(fp);
	return out->len > 0;
}

/* write_file - out as the whole file */
static void write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE   *fp = fopen(path, "wb");

	SG_CHECK(fp != NULL && fwrite(data, 1, len, fp) == len);
	if (fp != NULL)
		fclose(fp);
}

/*
 * ri_end - where the RecipientInfos SET of the DER/BER file ends, as
 * openssl asn1parse sees it: the offset of the first element after the
 * SET at depth 3 that is not inside it (the encryptedContentInfo);
 * *set_off is where it starts; 0 when there is none
 */
static size_t ri_end(const char *path, size_t *set_off)
{
	char	cmd[1200], line[4096];
	FILE   *p;
	unsigned long off;
	int	depth;
	bool	in_set = false;
	size_t	end = 0;

	snprintf(cmd, sizeof(cmd), "openssl asn1parse -inform DER -in %s", path);
	p = popen(cmd, "r");
	SG_CHECK(p != NULL);
	if (p == NULL)
		return 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		if (sscanf(line, " %lu:d=%d", &off, &depth) != 2)
			continue;
		if (!in_set && depth == 3 && strstr(line, "cons: SET") != NULL) {
			in_set = true;
			*set_off = off;
		} else if (in_set && end == 0 && depth <= 3) {
			end = off;
		}
	}
	pclose(p);
	SG_CHECK_MSG(end > 0, "no RecipientInfos in %s", path);
	return end;
}

/* peek_exact - sg_cms_peek_for_us of in[0, n), from a buffer of n bytes */
static int peek_exact(const sg_keyring *kr, const uint8_t *in, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	int	r;

	if (n)
		memcpy(copy, in, n);
	r = sg_cms_peek_for_us(kr, copy, n);
	free(copy);
	return r;
}

/* full_for_us - info.parsed && info.for_us of the whole; *ok: opened */
static bool full_for_us(const sg_keyring *kr, const sg_buf *der, bool *ok)
{
	sg_buf	out = SG_BUF_INIT;
	sg_cms_info info;
	sg_status st;

	st = sg_cms_decrypt(kr, der->data, der->len, &out, &info);
	*ok = sg_status_is_ok(&st);
	sg_buf_wipe_free(&out);
	return info.parsed && info.for_us;
}

/*
 * check_prefixes - -1 for every prefix shorter than set_end, then expect
 * (every length, or every stride-th and those around set_end and the end)
 */
static void check_prefixes(const sg_keyring *kr, const sg_buf *der,
			   size_t set_end, int expect, const char *what)
{
	size_t	stride = der->len > 20000 ? 97 : 1, p;
	int	r, want, bad = 0;

	SG_CHECK_MSG(set_end > 0 && set_end < der->len, "%s: set_end %zu",
		     what, set_end);
	for (p = 0; p <= der->len && bad < 3; p++) {
		if (stride > 1 && p % stride != 0 && p + 2 < der->len
		    && (p + 2 < set_end || p > set_end + 2))
			continue;
		r = peek_exact(kr, der->data, p);
		want = p < set_end ? -1 : expect;
		if (r != want) {
			SG_CHECK_MSG(r == want, "%s: prefix %zu of %zu (RecipientInfos "
				     "end at %zu): %d, expected %d", what, p,
				     der->len, set_end, r, want);
			bad++;
		}
	}
}

/* check_envelope - full parse agrees with expect; then every prefix */
static void check_envelope(const sg_keyring *kr, const sg_buf *der,
			   size_t set_end, bool expect, const char *what)
{
	bool	ok;

	SG_CHECK_MSG(full_for_us(kr, der, &ok) == expect, "%s", what);
	SG_CHECK_MSG(ok == expect, "%s: opened %d", what, ok);
	check_prefixes(kr, der, set_end, expect ? 1 : 0, what);
}

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

/* make_plain - a content file of len bytes; its path in buf */
static const char *make_plain(size_t len, char *buf, size_t size)
{
	sg_buf	b = SG_BUF_INIT;
	char	name[64];
	size_t	i;

	for (i = 0; i < len; i++) {
		uint8_t	c = (uint8_t) (i * 131 + (i >> 8));

		sg_buf_append(&b, &c, 1);
	}
	snprintf(name, sizeof(name), "plain-%zu", len);
	write_file(path_of(name, buf, size), b.data, b.len);
	sg_buf_free(&b);
	return buf;
}

static void test_openssl_envelopes(void)
{
	static const char *const forms[] = {"", "-stream"};
	static const char *const ciphers[] = {"-aes-256-cbc", "-aes-256-gcm"};
	static const char *const rids[] = {"", "-keyid"};
	/* the recipients: 1 ours, 2 other, 3 ours2 (in kr2 only) */
	static const int recips[][2] = {{1, 0}, {2, 0}, {2, 1}, {1, 2}, {2, 3}};
	const char *cert[] = {"", ours.cert_path, other.cert_path,
		ours2.cert_path};
	sg_testkit_id *mine[] = {&ours};
	sg_testkit_id *both[] = {&ours2, &ours};
	sg_keyring *kr1 = keyring_of(mine, 1), *kr2 = keyring_of(both, 2);
	sg_buf	der = SG_BUF_INIT;
	char	plain[600], file[600], what[200], certs[1200];
	size_t	f, c, r, k, set_off = 0, set_end, sizes[] = {3000, 300000}, s;
	bool	expect;

	for (s = 0; s < 2; s++) {
		make_plain(sizes[s], plain, sizeof(plain));
		for (f = 0; f < 2; f++)
			for (c = 0; c < 2; c++)
				for (r = 0; r < 2; r++)
					for (k = 0; k < 5; k++) {
		/* the big one only with DER and -stream CBC, two recipients */
		if (s == 1 && (c == 1 || r == 1 || k != 2))
			continue;
		snprintf(certs, sizeof(certs), "%s %s", cert[recips[k][0]],
			 cert[recips[k][1]]);
		expect = recips[k][0] == 1 || recips[k][1] == 1;
		snprintf(what, sizeof(what), "openssl %s %s %s %s to %d,%d",
			 sizes[s] > 3000 ? "large" : "small",
			 *forms[f] ? forms[f] : "DER", ciphers[c],
			 *rids[r] ? rids[r] : "issuer", recips[k][0],
			 recips[k][1]);
		path_of("env.der", file, sizeof(file));
		if (!sg_test_sh("openssl cms -encrypt -binary %s %s %s -in %s "
			 "-outform DER -out %s %s", forms[f], ciphers[c],
			 rids[r], plain, file, certs)
		    || !read_file(file, &der))
			continue;
		set_end = ri_end(file, &set_off);
		/* the forms are what they claim: BER is indefinite */
		SG_CHECK_MSG((der.data[1] == 0x80) == (f == 1), "%s", what);
		check_envelope(kr1, &der, set_end, expect, what);
		/* one of two keyring entries */
		if (s == 0 && r == 0)
			check_envelope(kr2, &der, set_end,
				       expect || recips[k][1] == 3, what);
	}
	}
	sg_buf_free(&der);
	sg_keyring_free(kr1);
	sg_keyring_free(kr2);
}

/* der_len - the header size and length of the definite element at p */
static bool der_len(const uint8_t *p, size_t avail, size_t *hdr, size_t *len)
{
	size_t	n, i;

	if (avail < 2 || p[1] == 0x80)
		return false;
	if (p[1] < 0x80) {
		*hdr = 2;
		*len = p[1];
		return 2 + *len <= avail;
	}
	n = p[1] & 0x7f;
	if (n > 4 || avail < 2 + n)
		return false;
	for (*len = 0, i = 0; i < n; i++)
		*len = (*len << 8) | p[2 + i];
	*hdr = 2 + n;
	return *hdr + *len <= avail;
}

static void test_indefinite_recipient_infos(void)
{
	/*
	 * openssl -stream writes the RecipientInfos definite. BER allows them
	 * indefinite too: the SET and each RecipientInfo in it are rewritten
	 * so (their parents are indefinite already) and openssl must still
	 * open the result.
	 */
	sg_testkit_id *mine[] = {&ours};
	sg_keyring *kr = keyring_of(mine, 1);
	sg_buf	ber = SG_BUF_INIT, out = SG_BUF_INIT;
	char	plain[600], file[600], file2[600], what[100];
	size_t	set_off = 0, set_end, hdr, len, pos, h2, l2, new_end;
	int	k;

	make_plain(5000, plain, sizeof(plain));
	for (k = 0; k < 2; k++) {
		path_of("env-stream.der", file, sizeof(file));
		path_of("env-indef.der", file2, sizeof(file2));
		if (!sg_test_sh("openssl cms -encrypt -binary -stream %s -in %s "
			 "-outform DER -out %s %s %s", k ? "-aes-256-gcm" : "",
			 plain, file, other.cert_path, ours.cert_path)
		    || !read_file(file, &ber))
			continue;
		set_end = ri_end(file, &set_off);
		SG_CHECK(ber.data[set_off] == 0x31);
		if (!der_len(ber.data + set_off, ber.len - set_off, &hdr, &len)
		    || set_off + hdr + len != set_end) {
			SG_CHECK_MSG(false, "unexpected SET at %zu", set_off);
			continue;
		}
		sg_buf_reset(&out);
		sg_buf_append(&out, ber.data, set_off);
		sg_buf_append(&out, "\x31\x80", 2);
		for (pos = set_off + hdr; pos < set_end; pos += h2 + l2) {
			if (!der_len(ber.data + pos, set_end - pos, &h2, &l2))
				break;
			sg_buf_append(&out, "\x30\x80", 2);
			sg_buf_append(&out, ber.data + pos + h2, l2);
			sg_buf_append(&out, "\0\0", 2);
		}
		SG_CHECK(pos == set_end);
		sg_buf_append(&out, "\0\0", 2);
		new_end = out.len;
		sg_buf_append(&out, ber.data + set_end, ber.len - set_end);
		write_file(file2, out.data, out.len);
		sg_test_sh("openssl cms -decrypt -binary -inform DER -in %s -inkey %s "
		    "-recip %s -out %s.out && cmp -s %s.out %s", file2,
		    ours.key_path, ours.cert_path, file2, file2, plain);
		snprintf(what, sizeof(what), "indefinite RecipientInfos, %s",
			 k ? "GCM" : "CBC");
		check_envelope(kr, &out, new_end, true, what);
		/* the same bytes, and what openssl asn1parse makes of them */
		SG_CHECK(ri_end(file2, &set_off) == new_end);
		/* the last end-of-contents decides: one short is not enough */
		SG_CHECK(peek_exact(kr, out.data, new_end - 1) == -1);
	}
	sg_buf_free(&ber);
	sg_buf_free(&out);
	sg_keyring_free(kr);
}

static void test_own_encoder(void)
{
	static const sg_cipher_id ciphers[] = {
		SG_CIPHER_AES128_CBC, SG_CIPHER_AES256_GCM,
	};
	gnutls_x509_crt_t to_them[] = {other.crt, ours2.crt};
	gnutls_x509_crt_t to_all[] = {other.crt, ours2.crt, ours.crt};
	sg_testkit_id *mine[] = {&ours};
	sg_keyring *kr = keyring_of(mine, 1);
	sg_buf	der = SG_BUF_INIT;
	uint8_t	content[1000];
	char	file[600], what[100];
	size_t	c, set_off = 0;
	int	rid, all;
	sg_status st;

	memset(content, 'x', sizeof(content));
	path_of("own.der", file, sizeof(file));
	for (c = 0; c < 2; c++)
		for (rid = 0; rid < 2; rid++)
			for (all = 0; all < 2; all++) {
				sg_cms_encrypt_opts o = {ciphers[c], rid,
				SG_KEYTRANS_RSA_OAEP};

				sg_buf_reset(&der);
				st = sg_cms_encrypt(&o, all ? to_all : to_them,
						    all ? 3 : 2, content,
						    sizeof(content), &der);
				SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
				write_file(file, der.data, der.len);
				snprintf(what, sizeof(what), "sg_cms_encrypt "
					 "%s rid %d %s", sg_cipher_name(ciphers[c]),
					 rid, all ? "with us" : "without us");
				check_envelope(kr, &der, ri_end(file, &set_off),
					       all, what);
			}
	sg_buf_free(&der);
	sg_keyring_free(kr);
}

static void test_nss_envelope(void)
{
	/* NSS's own enveloped message to Bob (tests/data/nss) */
	char	dir[600], eml[900], p12[900], key[600], crt[600], der[600];
	sg_keyring *bob = sg_keyring_new(), *kr;
	sg_testkit_id *mine[] = {&ours};
	sg_buf	env = SG_BUF_INIT;
	size_t	set_off = 0, set_end;
	char   *slash;
	sg_status st;

	snprintf(dir, sizeof(dir), "%s", __FILE__);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	snprintf(eml, sizeof(eml), "%s/../data/nss/alice.env.eml", dir);
	snprintf(p12, sizeof(p12), "%s/../data/nss/Bob.p12", dir);
	path_of("nss-bob.key", key, sizeof(key));
	path_of("nss-bob.pem", crt, sizeof(crt));
	path_of("nss-env.der", der, sizeof(der));
	kr = keyring_of(mine, 1);
	if (!sg_test_sh("(umask 077; openssl pkcs12 -in %s -passin pass:nss -nocerts "
		 "-nodes -out %s 2>/dev/null || openssl pkcs12 -legacy -in %s "
		 "-passin pass:nss -nocerts -nodes -out %s) && (openssl pkcs12 "
		 "-in %s -passin pass:nss -clcerts -nokeys -out %s 2>/dev/null "
		 "|| openssl pkcs12 -legacy -in %s -passin pass:nss -clcerts "
		 "-nokeys -out %s)", p12, key, p12, key, p12, crt, p12, crt)
	    || !sg_test_sh("openssl smime -pk7out -in %s | openssl pkcs7 -outform DER "
		    "-out %s", eml, der)
	    || !read_file(der, &env))
		goto cleanup;
	st = sg_keyring_add_files(bob, crt, key);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	set_end = ri_end(der, &set_off);
	check_envelope(bob, &env, set_end, true, "NSS to Bob, Bob's keyring");
	check_envelope(kr, &env, set_end, false, "NSS to Bob, our keyring");
cleanup:
	sg_buf_free(&env);
	sg_keyring_free(bob);
	sg_keyring_free(kr);
}

static void test_garbage_is_never_ours(void)
{
#define ENV_OID	"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03"
#define SIGNED_OID "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"
	static const struct {
		const char *what;
		const char *bytes;
		size_t	len;
		int	want;
	} cases[] = {
		{"nothing", "", 0, -1},
		{"text", "Hello, world\r\n", 14, 0},
		{"a SET", "\x31\x03\x02\x01\x00", 5, 0},
		{"a SEQUENCE, then", "\x30", 1, -1},
		{"truncated length", "\x30\x84\xff\xff", 4, -1},
		{"huge length, no more", "\x30\x84\xff\xff\xff\xff", 6, -1},
		{"length of nine octets",
		 "\x30\x89\x00\x00\x00\x00\x00\x00\x00\x00\x10", 11, 0},
		{"length 0xff", "\x30\xff\x00", 3, 0},
		{"not an OID", "\x30\x80\x02\x01\x00", 5, 0},
		{"SignedData", "\x30\x80" SIGNED_OID "\xa0\x80\x30\x80"
		 "\x02\x01\x01\x31\x00", 22, 0},
		{"OID cut short", "\x30\x80\x06\x09\x2a\x86\x48", 7, -1},
		{"OID beyond the ContentInfo", "\x30\x05" ENV_OID, 13, 0},
		{"indefinite OID", "\x30\x80\x06\x80", 4, 0},
		{"high tag number ContentInfo", "\x3f\x10\x80", 3, -1},
		{"no [0]", "\x30\x80" ENV_OID "\x30\x80", 15, -1},
		{"empty RecipientInfos", "\x30\x80" ENV_OID "\xa0\x80\x30\x80"
		 "\x02\x01\x00\x31\x00", 22, 0},
		{"SET longer than the EnvelopedData", "\x30\x18" ENV_OID
		 "\xa0\x0b\x30\x09\x02\x01\x00\x31\x84\x7f\xff\xff\xff",
		 26, 0},
		{"SET of 2 GB, all indefinite", "\x30\x80" ENV_OID "\xa0\x80"
		 "\x30\x80\x02\x01\x00\x31\x84\x7f\xff\xff\xff", 26, -1},
		/* sg_ber refuses this length, so no completion parses */
		{"SET of size_t max", "\x30\x80" ENV_OID "\xa0\x80\x30\x80"
		 "\x02\x01\x00\x31\x88\xff\xff\xff\xff\xff\xff\xff\xff", 30,
		 0},
		{"SET of size_t max in a definite one", "\x30\x1c" ENV_OID
		 "\xa0\x0f\x30\x0d\x02\x01\x00\x31\x88\xff\xff\xff\xff"
		 "\xff\xff\xff\xff", 30, 0},
		{"indefinite primitive in the SET", "\x30\x80" ENV_OID
		 "\xa0\x80\x30\x80\x02\x01\x00\x31\x80\x04\x80", 24, 0},
		{"SET without end-of-contents", "\x30\x19" ENV_OID "\xa0\x0c"
		 "\x30\x0a\x02\x01\x00\x31\x80\x30\x03\x02\x01\x00", 27, 0},
		{"RecipientInfo that is no RecipientInfo", "\x30\x80" ENV_OID
		 "\xa0\x80\x30\x80\x02\x01\x00\x31\x03\x05\x01\x00", 25, -1},
		{"an empty RecipientInfo", "\x30\x80" ENV_OID "\xa0\x80"
		 "\x30\x80\x02\x01\x00\x31\x02\x30\x00", 24, 0},
		{"deep nesting", "\x30\x80" ENV_OID "\xa0\x80\x30\x80"
		 "\x02\x01\x00\xa0\x80\xa0\x80\xa0\x80\xa0\x80", 28, -1},
	};
	sg_testkit_id *mine[] = {&ours};
	sg_keyring *kr = keyring_of(mine, 1);
	sg_buf	b = SG_BUF_INIT;
	uint8_t	rnd[256];
	size_t	i, p;
	int	r, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = peek_exact(kr, (const uint8_t *) cases[i].bytes,
			       cases[i].len);
		SG_CHECK_MSG(r == cases[i].want, "%s: %d, expected %d",
			     cases[i].what, r, cases[i].want);
		for (p = 0; p < cases[i].len; p++)
			SG_CHECK_MSG(peek_exact(kr, (const uint8_t *)
						cases[i].bytes, p) != 1,
				     "%s: prefix %zu", cases[i].what, p);
	}
	/* nesting beyond sg_ber's limit inside originatorInfo */
	sg_buf_append(&b, "\x30\x80" ENV_OID "\xa0\x80\x30\x80\x02\x01\x00",
		      20);
	for (n = 0; n < 20; n++)
		sg_buf_append(&b, "\xa0\x80", 2);
	SG_CHECK(peek_exact(kr, b.data, b.len) == -1);	/* not yet */
	for (n = 0; n < 50; n++)
		sg_buf_append(&b, "\xa0\x80", 2);
	SG_CHECK(peek_exact(kr, b.data, b.len) == 0);	/* sg_ber refuses */
	/* random bytes behind an EnvelopedData header: never 1 */
	for (n = 0; n < 3000; n++) {
		sg_buf_reset(&b);
		sg_buf_append(&b, "\x30\x80" ENV_OID "\xa0\x80\x30\x80\x02\x01"
			      "\x00\x31", 21);
		(void) gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd));
		sg_buf_append(&b, rnd, 1 + rnd[0] % (sizeof(rnd) - 1));
		SG_CHECK(peek_exact(kr, b.data, b.len) != 1);
	}
	sg_buf_free(&b);
	sg_keyring_free(kr);
#undef ENV_OID
#undef SIGNED_OID
}

static void test_mutations_keep_the_promise(void)
{
	/*
	 * Every byte up to a little past the RecipientInfos, flipped: where
	 * the answer is 1 the whole parse never says parsed && !for_us;
	 * where it is 0 never parsed && for_us.
	 */
	static const uint8_t flips[] = {0x01, 0x80, 0x20};
	sg_testkit_id *mine[] = {&ours};
	sg_keyring *kr = keyring_of(mine, 1);
	sg_buf	der = SG_BUF_INIT, mut = SG_BUF_INIT, out = SG_BUF_INIT;
	sg_cms_info info;
	char	plain[600], file[600];
	size_t	set_off = 0, set_end, i, f;
	int	form, r, ones = 0, zeros = 0;

	make_plain(700, plain, sizeof(plain));
	path_of("mut.der", file, sizeof(file));
	for (form = 0; form < 2; form++) {
		if (!sg_test_sh("openssl cms -encrypt -binary %s -in %s -outform DER "
			 "-out %s %s %s", form ? "-stream -aes-256-gcm" :
			 "-keyid", plain, file, other.cert_path, ours.cert_path)
		    || !read_file(file, &der))
			continue;
		set_end = ri_end(file, &set_off);
		for (i = 0; i < set_end + 40 && i < der.len; i++)
			for (f = 0; f < sizeof(flips); f++) {
				sg_buf_reset(&mut);
				sg_buf_append(&mut, der.data, der.len);
				mut.data[i] ^= flips[f];
				r = peek_exact(kr, mut.data, mut.len);
				(void) sg_cms_decrypt(kr, mut.data, mut.len,
						      &out, &info);
				ones += r == 1;
				zeros += r == 0;
				SG_CHECK_MSG(r != 1 || !info.parsed
					     || info.for_us, "byte %zu ^ %#x",
					     i, flips[f]);
				SG_CHECK_MSG(r != 0 || !(info.parsed
							 && info.for_us),
					     "byte %zu ^ %#x", i, flips[f]);
			}
	}
	/* both answers occurred, so both halves of the promise were tried */
	SG_CHECK(ones > 100 && zeros > 100);
	sg_buf_free(&der);
	sg_buf_free(&mut);
	sg_buf_wipe_free(&out);
	sg_keyring_free(kr);
}

int	main(void)
{
	sg_testkit_make("ours", true, 2048, &ours);
	sg_testkit_make("ours2", true, 2048, &ours2);
	sg_testkit_make("other", true, 2048, &other);

	SG_RUN(test_openssl_envelopes);
	SG_RUN(test_indefinite_recipient_infos);
	SG_RUN(test_own_encoder);
	SG_RUN(test_nss_envelope);
	SG_RUN(test_garbage_is_never_ours);
	SG_RUN(test_mutations_keep_the_promise);
	return sg_test_done();
}
