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
 *	Output is written only after decryption succeeded.
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
		"\n"
		"CIPHER: aes128-cbc, aes256-cbc (default), aes128-gcm, "
		"aes256-gcm\n"
		"--oaep   RSAES-OAEP with SHA-256 key transport "
		"(default RSA PKCS#1 v1.5)\n"
		"--keyid  identify recipients by subjectKeyIdentifier\n"
		"Exit: 0 ok, 65 cannot decrypt or malformed, 75 temporary, "
		"78 configuration.\n", progname, progname);
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
	usage(EX_USAGE_);
}
