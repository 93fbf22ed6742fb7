/*
 * NAME
 *	smimegw-cms 1
 * SUMMARY
 *	encrypt and decrypt CMS EnvelopedData with the smimegw engine
 * SYNOPSIS
 *	smimegw-cms encrypt [-a cipher] [--oaep] [--keyid] -r cert.pem ...
 *		[-i in] [-o out]
 *	smimegw-cms decrypt -k key.pem -c cert.pem [-k key.pem -c cert.pem]...
 *		[-i in] [-o out] [-v]
 *	smimegw-cms sign -k key.pem -c cert.pem [-d digest] [--pss]
 *		[--domain] [--enc-cert cert.pem] [--opaque] [--time epoch]
 *		[-i in] [-o out]
 * DESCRIPTION
 *	A command-line front end to the envelope engine that smimegw(8)
 *	uses, for administrators checking certificates and keys, and for the
 *	interoperability tests.
 *
 *	encrypt reads content bytes and writes a DER ContentInfo:
 *	EnvelopedData for aes128-cbc and aes256-cbc (the default),
 *	AuthEnvelopedData for aes128-gcm and aes256-gcm. Every certificate
 *	in every -r file becomes a recipient. --oaep uses RSAES-OAEP with
 *	SHA-256 instead of RSA PKCS#1 v1.5; --keyid names recipients by
 *	subjectKeyIdentifier instead of issuer and serial number.
 *
 *	decrypt reads DER, BER, PEM or bare base64 and writes the content.
 *	Each -k key file is paired with the -c certificate file in the same
 *	position. -v prints the algorithms used on stderr.
 *
 *	sign reads content bytes and writes a DER ContentInfo SignedData,
 *	detached unless --opaque, signed with the key of -k and the first
 *	certificate of -c that matches it and allows digitalSignature; the
 *	rest of -c is sent as the chain. -d sha256 (default), sha384 or
 *	sha512; --pss uses RSASSA-PSS; --domain adds the RFC 3183 signature
 *	type domainSig; --enc-cert names the first certificate of that file
 *	in SMIMEEncryptionKeyPreference; --time fixes signingTime (seconds
 *	since 1970).
 *
 *	Output is written only after decryption or signing succeeded.
 * EXIT STATUS
 *	0 success; 64 usage; 65 the message cannot be decrypted or is
 *	malformed; 75 temporary failure (a file cannot be read or written);
 *	78 configuration error (unsafe key file mode, bad key or
 *	certificate); 70 internal error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "sg_buf.h"
#include "sg_certs.h"
#include "sg_cms.h"
#include "sg_keyring.h"
#include "sg_mem.h"
#include "sg_sign.h"
#include "sg_trust.h"
#include "sg_verify.h"

#define EX_OK_		0
#define EX_USAGE_	64
#define EX_DATAERR_	65
#define EX_SOFTWARE_	70
#define EX_TEMPFAIL_	75
#define EX_CONFIG_	78

#define MAX_INPUT	((size_t) 1 << 31)
#define MAX_FILES	64

static const char *progname = "smimegw-cms";

/* usage - print the synopsis and exit */
static void usage(int code) __attribute__((noreturn));

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s encrypt [-a CIPHER] [--oaep] [--keyid] -r CERT.pem "
		"[-r CERT.pem ...]\n"
		"                   [-i IN] [-o OUT]\n"
		"       %s decrypt -k KEY.pem -c CERT.pem [-k KEY.pem -c "
		"CERT.pem ...]\n"
		"                   [-i IN] [-o OUT] [-v]\n"
		"       %s sign -k KEY.pem -c CERT.pem [-d sha256|sha384|sha512] "
		"[--pss] [--domain]\n"
		"                   [--enc-cert CERT.pem] [--opaque] "
		"[--time EPOCH] [-i IN] [-o OUT]\n"
		"\n"
		"CIPHER: aes128-cbc, aes256-cbc (default), aes128-gcm, "
		"aes256-gcm\n"
		"--oaep   RSAES-OAEP with SHA-256 key transport "
		"(default RSA PKCS#1 v1.5)\n"
		"--keyid  identify recipients by subjectKeyIdentifier\n"
		"Exit: 0 ok, 65 cannot decrypt or malformed, 75 temporary, "
		"78 configuration.\n", progname, progname, progname);
	exit(code);
}

/* exit_code - sysexits value for a status */
static int exit_code(sg_code code)
{
	switch (code) {
	case SG_OK:
		return EX_OK_;
	case SG_REJECT:
		return EX_DATAERR_;
	case SG_TEMPFAIL:
		return EX_TEMPFAIL_;
	case SG_CONFIG:
		return EX_CONFIG_;
	case SG_INTERNAL:
		return EX_SOFTWARE_;
	}
	return EX_SOFTWARE_;
}

/* fail - report a status on stderr and exit with its code */
static void fail(const sg_status *st) __attribute__((noreturn));

static void fail(const sg_status *st)
{
	fprintf(stderr, "%s: %s\n", progname, st->text);
	exit(exit_code(st->code));
}

/* read_input - all of path, or stdin when path is NULL */
static sg_status read_input(const char *path, sg_buf *buf)
{
	if (path)
		return sg_buf_read_file(buf, path, MAX_INPUT);
	return sg_buf_read_fd(buf, STDIN_FILENO, MAX_INPUT);
}

/* write_output - all of buf to path (mode 0600) or stdout */
static sg_status write_output(const char *path, const sg_buf *buf)
{
	size_t	off = 0;
	ssize_t	n;
	int	fd = STDOUT_FILENO;

	if (path && (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			       0600)) < 0)
		return sg_status_make(SG_TEMPFAIL, "cannot create %s: %s", path,
				      strerror(errno));
	while (off < buf->len) {
		n = write(fd, buf->data + off, buf->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (path)
				(void) close(fd);
			return sg_status_make(SG_TEMPFAIL, "write error: %s",
					      strerror(errno));
		}
		off += (size_t) n;
	}
	if (path && close(fd) < 0)
		return sg_status_make(SG_TEMPFAIL, "cannot write %s: %s", path,
				      strerror(errno));
	return sg_status_ok();
}

/* strip_base64 - keep only base64 alphabet bytes, for decoding */
static void strip_base64(const uint8_t *p, size_t len, sg_buf *out)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z')
		    || (p[i] >= '0' && p[i] <= '9') || p[i] == '+'
		    || p[i] == '/' || p[i] == '=')
			sg_buf_append(out, p + i, 1);
}

/* to_binary - PEM or bare base64 to binary; binary input is left alone */
static sg_status to_binary(sg_buf *in)
{
	const uint8_t *body = in->data;
	const uint8_t *end = in->data + in->len;
	const uint8_t *p;
	sg_buf	b64 = SG_BUF_INIT;
	gnutls_datum_t src, bin = {NULL, 0};
	int	ret;

	if (in->len == 0)
		return sg_status_make(SG_REJECT, "empty input");
	if (in->data[0] == 0x30)
		return sg_status_ok();		/* DER or BER SEQUENCE */
	if ((p = memmem(in->data, in->len, "-----BEGIN", 10)) != NULL) {
		body = memchr(p, '\n', end - p);
		if (body == NULL)
			return sg_status_make(SG_REJECT, "truncated PEM input");
		p = memmem(body, end - body, "-----END", 8);
		if (p == NULL)
			return sg_status_make(SG_REJECT, "truncated PEM input");
		end = p;
	}
	strip_base64(body, end - body, &b64);
	src.data = b64.data;
	src.size = (unsigned) b64.len;
	ret = gnutls_base64_decode2(&src, &bin);
	sg_buf_free(&b64);
	if (ret < 0)
		return sg_status_make(SG_REJECT, "input is neither DER/BER nor "
				      "valid base64");
	sg_buf_reset(in);
	sg_buf_append(in, bin.data, bin.size);
	gnutls_free(bin.data);
	return sg_status_ok();
}

/* cmd_encrypt - smimegw-cms encrypt */
static int cmd_encrypt(int argc, char **argv)
{
	static const struct option opts[] = {
		{"oaep", no_argument, NULL, 'O'},
		{"keyid", no_argument, NULL, 'K'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	sg_cms_encrypt_opts eo = SG_CMS_ENCRYPT_DEFAULTS;
	sg_certs certs = SG_CERTS_INIT;
	sg_buf	in = SG_BUF_INIT, out = SG_BUF_INIT;
	const char *in_path = NULL, *out_path = NULL;
	sg_status st;
	int	c;

	while ((c = getopt_long(argc, argv, "a:r:i:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			eo.cipher = sg_cipher_by_name(optarg);
			if (!sg_cipher_can_encrypt(eo.cipher)) {
				fprintf(stderr, "%s: unknown or decrypt-only "
					"cipher: %s\n", progname, optarg);
				return EX_USAGE_;
			}
			break;
		case 'O':
			eo.keytrans = SG_KEYTRANS_RSA_OAEP;
			break;
		case 'K':
			eo.rid = SG_CMS_RID_SKI;
			break;
		case 'r':
			st = sg_certs_load(&certs, optarg);
			if (!sg_status_is_ok(&st))
				fail(&st);
			break;
		case 'i':
			in_path = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			usage(0);
		default:
			usage(EX_USAGE_);
		}
	}
	if (optind != argc || certs.count == 0)
		usage(EX_USAGE_);
	st = read_input(in_path, &in);
	if (sg_status_is_ok(&st))
		st = sg_cms_encrypt(&eo, certs.crts, certs.count, in.data, in.len,
				    &out);
	if (sg_status_is_ok(&st))
		st = write_output(out_path, &out);
	sg_buf_wipe_free(&in);
	sg_buf_free(&out);
	sg_certs_free(&certs);
	if (!sg_status_is_ok(&st))
		fail(&st);
	return EX_OK_;
}

/* cmd_decrypt - smimegw-cms decrypt */
static int cmd_decrypt(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *keys[MAX_FILES], *certs[MAX_FILES];
	size_t	nkeys = 0, ncerts = 0, i;
	const char *in_path = NULL, *out_path = NULL;
	sg_keyring *kr = sg_keyring_new();
	sg_buf	in = SG_BUF_INIT, out = SG_BUF_INIT;
	sg_cms_info info;
	char	text[160];
	int	verbose = 0;
	sg_status st = sg_status_ok();
	int	c;

	while ((c = getopt_long(argc, argv, "k:c:i:o:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (nkeys == MAX_FILES)
				usage(EX_USAGE_);
			keys[nkeys++] = optarg;
			break;
		case 'c':
			if (ncerts == MAX_FILES)
				usage(EX_USAGE_);
			certs[ncerts++] = optarg;
			break;
		case 'i':
			in_path = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(0);
		default:
			usage(EX_USAGE_);
		}
	}
	if (optind != argc || nkeys == 0 || nkeys != ncerts)
		usage(EX_USAGE_);
	for (i = 0; sg_status_is_ok(&st) && i < nkeys; i++)
		st = sg_keyring_add_files(kr, certs[i], keys[i]);
	if (sg_status_is_ok(&st))
		st = read_input(in_path, &in);
	if (sg_status_is_ok(&st))
		st = to_binary(&in);
	if (sg_status_is_ok(&st))
		st = sg_cms_decrypt(kr, in.data, in.len, &out, &info);
	if (sg_status_is_ok(&st)) {
		if (verbose) {
			sg_cms_info_text(&info, text, sizeof(text));
			fprintf(stderr, "%s\n", text);
		}
		st = write_output(out_path, &out);
	}
	sg_buf_free(&in);
	sg_buf_wipe_free(&out);
	sg_keyring_free(kr);
	if (!sg_status_is_ok(&st))
		fail(&st);
	return EX_OK_;
}

/* cmd_sign - smimegw-cms sign */
static int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{"pss", no_argument, NULL, 'P'},
		{"domain", no_argument, NULL, 'D'},
		{"enc-cert", required_argument, NULL, 'E'},
		{"opaque", no_argument, NULL, 'Q'},
		{"time", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	sg_sign_opts so = SG_SIGN_DEFAULTS;
	sg_certs enc = SG_CERTS_INIT;
	sg_signer *signer = NULL;
	sg_buf	in = SG_BUF_INIT, out = SG_BUF_INIT;
	const char *key = NULL, *cert = NULL, *enc_path = NULL;
	const char *in_path = NULL, *out_path = NULL;
	bool	opaque = false;
	unsigned long long t;
	char   *end;
	sg_status st;
	int	c;

	while ((c = getopt_long(argc, argv, "k:c:d:i:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'd':
			if (!sg_digest_parse(optarg, &so.digest)) {
				fprintf(stderr, "%s: unknown digest: %s\n",
					progname, optarg);
				return EX_USAGE_;
			}
			break;
		case 'P':
			so.rsa_pss = true;
			break;
		case 'D':
			so.domain_signature = true;
			break;
		case 'E':
			enc_path = optarg;
			break;
		case 'Q':
			opaque = true;
			break;
		case 'T':
			errno = 0;
			t = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || t == 0
			    || t > (unsigned long long) INT64_MAX) {
				fprintf(stderr, "%s: bad --time: %s\n",
					progname, optarg);
				return EX_USAGE_;
			}
			so.signing_time = (time_t) t;
			break;
		case 'i':
			in_path = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			usage(0);
		default:
			usage(EX_USAGE_);
		}
	}
	if (optind != argc || key == NULL || cert == NULL)
		usage(EX_USAGE_);
	st = sg_signer_load(cert, key, &signer);
	if (sg_status_is_ok(&st) && enc_path != NULL) {
		st = sg_certs_load(&enc, enc_path);
		if (sg_status_is_ok(&st))
			so.encryption_cert = enc.crts[0];
	}
	if (sg_status_is_ok(&st))
		st = read_input(in_path, &in);
	if (sg_status_is_ok(&st))
		st = opaque ? sg_sign_opaque(signer, &so, in.data, in.len, &out)
		    : sg_sign_detached(signer, &so, in.data, in.len, &out);
	if (sg_status_is_ok(&st))
		st = write_output(out_path, &out);
	sg_buf_wipe_free(&in);
	sg_buf_free(&out);
	sg_certs_free(&enc);
	sg_signer_free(signer);
	if (!sg_status_is_ok(&st))
		fail(&st);
	return EX_OK_;
}

static int cmd_verify(int argc, char **argv);

int	main(int argc, char **argv)
{
	umask(077);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0
			  || strcmp(argv[1], "-h") == 0))
		usage(0);
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("smimegw-cms %s\n", SMIMEGW_VERSION);
		return 0;
	}
	if (argc < 2)
		usage(EX_USAGE_);
	if (strcmp(argv[1], "encrypt") == 0)
		return cmd_encrypt(argc - 1, argv + 1);
	if (strcmp(argv[1], "decrypt") == 0)
		return cmd_decrypt(argc - 1, argv + 1);
	if (strcmp(argv[1], "sign") == 0)
		return cmd_sign(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	usage(EX_USAGE_);
}

/*
 * smimegw-cms verify [-A anchors.pem] [--crl-dir dir] [-C content]
 *	[--pin cert.pem] [--allow-sha1] [--time epoch] [-i in] [-o out]
 *
 * Verifies a SignedData (DER, BER, PEM or bare base64): detached when -C
 * names the signed content, opaque otherwise (the eContent goes to -o, or
 * nowhere). Prints one line per signer on stdout:
 *	signer N: result=R smime=S subject=... serial=HEX addresses=A,B
 *	domain-sig=yes|no signing-time=EPOCH|none future=yes|no
 *	crl-checked=yes|no enc-pref=found|unmatched|none caps=N
 *	pinned=yes|no reason=...
 * Exit 0 when every signer passed (or is pinned and otherwise good),
 * 1 when one did not, 65 when the SignedData is malformed, 75 when a
 * file cannot be read or the trust data is unusable.
 */

/* verify_usage - the verify synopsis */
static void verify_usage(int code) __attribute__((noreturn));

static void verify_usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: %s verify [-A anchors.pem] [--crl-dir DIR] "
		"[-C content] [--pin cert.pem] [--allow-sha1] [--time EPOCH] "
		"[-i in] [-o out]\n", progname);
	exit(code);
}

/* print_signer - one line about a signer */
static void print_signer(size_t n, const sg_verify_signer *s, bool pinned)
{
	size_t	i;

	printf("signer %zu: result=%s smime=%s subject=%s serial=%s "
	       "addresses=", n, sg_verify_result_name(s->result),
	       sg_verify_smime_result(s->result),
	       s->subject ? s->subject : "-", s->serial ? s->serial : "-");
	for (i = 0; i < s->naddresses; i++)
		printf("%s%s", i ? "," : "", s->addresses[i]);
	if (s->naddresses == 0)
		printf("-");
	printf(" domain-sig=%s", s->domain_signature ? "yes" : "no");
	if (s->has_signing_time)
		printf(" signing-time=%lld", (long long) s->signing_time);
	else
		printf(" signing-time=none");
	printf(" future=%s crl-checked=%s enc-pref=%s caps=%zu pinned=%s "
	       "reason=%s\n", s->signing_time_future ? "yes" : "no",
	       s->crl_checked ? "yes" : "no",
	       s->enc_crt ? "found" : s->enc_pref_present ? "unmatched" : "none",
	       s->ncaps, pinned ? "yes" : "no", s->reason);
}

/* cmd_verify - verify a SignedData and report each signer */
static int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"crl-dir", required_argument, NULL, 'D'},
		{"pin", required_argument, NULL, 'P'},
		{"allow-sha1", no_argument, NULL, 'S'},
		{"time", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *anchors = NULL, *crl_dir = NULL, *content_path = NULL;
	const char *in_path = NULL, *out_path = NULL, *pin_path = NULL;
	sg_verify_opts opts = SG_VERIFY_DEFAULTS;
	sg_verify_report *rep = NULL;
	sg_trust *trust = NULL;
	sg_certs pins = SG_CERTS_INIT;
	sg_buf	in = SG_BUF_INIT, content = SG_BUF_INIT;
	sg_status st;
	size_t	i, j;
	int	c, rc = EX_OK_;
	char   *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "A:C:i:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			anchors = optarg;
			break;
		case 'D':
			crl_dir = optarg;
			break;
		case 'C':
			content_path = optarg;
			break;
		case 'P':
			pin_path = optarg;
			break;
		case 'S':
			opts.allow_sha1 = true;
			break;
		case 'T':
			errno = 0;
			opts.now = (time_t) strtoll(optarg, &end, 10);
			if (errno || *end || opts.now <= 0)
				verify_usage(EX_USAGE_);
			break;
		case 'i':
			in_path = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			verify_usage(0);
		default:
			verify_usage(EX_USAGE_);
		}
	}
	if (optind != argc)
		verify_usage(EX_USAGE_);
	st = sg_trust_load(anchors, crl_dir, &trust);
	if (!sg_status_is_ok(&st))
		goto done;
	if (pin_path) {
		st = sg_certs_load(&pins, pin_path);
		if (!sg_status_is_ok(&st))
			goto done;
	}
	opts.trust = trust;
	opts.extra_certs = pins.crts;
	opts.nextra_certs = pins.count;
	if (content_path) {
		st = read_input(content_path, &content);
		if (!sg_status_is_ok(&st))
			goto done;
	}
	st = read_input(in_path, &in);
	if (sg_status_is_ok(&st))
		st = to_binary(&in);
	if (!sg_status_is_ok(&st))
		goto done;
	st = sg_verify(&opts, in.data, in.len,
		       content_path ? (content.data ? content.data
				       : (const uint8_t *) "") : NULL,
		       content.len, &rep);
	if (!sg_status_is_ok(&st))
		goto done;
	for (i = 0; i < rep->nsigners; i++) {
		const sg_verify_signer *s = &rep->signers[i];
		bool	pinned = false;

		for (j = 0; j < pins.count && s->crt; j++)
			if (sg_verify_same_cert(s->crt, pins.crts[j]))
				pinned = true;
		print_signer(i + 1, s, pinned);
		if (s->result == SG_VERIFY_TEMPERROR && rc == EX_OK_)
			rc = EX_TEMPFAIL_;
		else if (s->result != SG_VERIFY_PASS
			 && !(pinned && s->result == SG_VERIFY_UNTRUSTED))
			rc = rc == EX_OK_ ? 1 : rc;
	}
	if (out_path && !rep->detached)
		st = write_output(out_path, &rep->content);
done:
	sg_verify_report_free(rep);
	sg_trust_free(trust);
	sg_certs_free(&pins);
	sg_buf_free(&in);
	sg_buf_free(&content);
	if (!sg_status_is_ok(&st))
		fail(&st);
	fflush(stdout);
	return rc;
}
