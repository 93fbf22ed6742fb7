/*
 * NAME
 *	test_config 1
 * SUMMARY
 *	unit tests of the configuration file reader (sg_config)
 * DESCRIPTION
 *	Each error case checks the whole sentence, so that file, line,
 *	section and key are proven to be named.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_config.h"
#include "sg_test.h"
#include "sg_testkit.h"

#define REQUIRED \
	"[gateway]\n" \
	"domains = a.example\n" \
	"certificate = /etc/smimegw/gateway.pem\n" \
	"private_key = /etc/smimegw/gateway.key\n"

static char conf[600];

/* write_conf - replace the test file with len bytes of text */
static void write_conf_len(const char *text, size_t len)
{
	FILE   *f = fopen(conf, "wb");

	SG_CHECK(f != NULL);
	if (f == NULL)
		return;
	SG_CHECK(fwrite(text, 1, len, f) == len);
	fclose(f);
}

static void write_conf(const char *text)
{
	write_conf_len(text, strlen(text));
}

/* load - load text; the caller frees the result */
static sg_status load(const char *text, sg_config **cfg)
{
	write_conf(text);
	return sg_config_load(conf, cfg);
}

/* expect_error - text must fail with exactly "<path><suffix>" */
static void expect_error_at(const char *file, int line, const char *text,
			    sg_code code, const char *suffix)
{
	sg_config *cfg = (sg_config *) 1;
	char	want[1024];
	sg_status st = load(text, &cfg);

	snprintf(want, sizeof(want), "%s%s", conf, suffix);
	if (st.code != code || strcmp(st.text, want) != 0) {
		fprintf(stderr, "%s:%d: got %s \"%s\"\n%s:%d: want %s \"%s\"\n",
			file, line, sg_code_name(st.code), st.text, file, line,
			sg_code_name(code), want);
		sg_test_failures++;
	}
	SG_CHECK(cfg == NULL);
}

#define expect_error(text, suffix) \
	expect_error_at(__FILE__, __LINE__, text, SG_CONFIG, suffix)

static void test_full_file(void)
{
	sg_config *cfg = NULL;
	sg_status st;

	st = load("; smimegw.conf\n"
		  "# all keys set\n"
		  "\n"
		  "[ Gateway ]\n"
		  "  Domains = A.Example, a-corp.example \\\n"
		  "            sub.a.example\n"
		  "; a comment on a line of its own\n"
		  "certificate = /etc/ssl/gw.pem\r\n"
		  "private_key=/etc/ssl/private/gw.key\n"
		  "sendmail = \"/usr/local/sbin/sendmail\"\n"
		  "null_sender = inbound\n"
		  "timeout = 600\n"
		  "max_message_size = 1048576\n"
		  "log_file = /var/log/smimegw.log\n"
		  "[certificates]\n"
		  "directory = /srv/certs\n"
		  "[outbound]\n"
		  "cipher = aes128-gcm\n"
		  "mixed_recipients = reject\n"
		  "key_transport = rsa-oaep\n"
		  "recipient_id = ski\n"
		  "[inbound]\n"
		  "decrypt_failure = defer\n"
		  "desktop_smime = reject\n", &cfg);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (cfg == NULL)
		return;
	SG_CHECK(strcmp(cfg->path, conf) == 0);
	SG_CHECK(cfg->ndomains == 3);
	if (cfg->ndomains == 3) {
		SG_CHECK(strcmp(cfg->domains[0], "a.example") == 0);
		SG_CHECK(strcmp(cfg->domains[1], "a-corp.example") == 0);
		SG_CHECK(strcmp(cfg->domains[2], "sub.a.example") == 0);
	}
	SG_CHECK(strcmp(cfg->certificate, "/etc/ssl/gw.pem") == 0);
	SG_CHECK(strcmp(cfg->private_key, "/etc/ssl/private/gw.key") == 0);
	SG_CHECK(strcmp(cfg->sendmail, "/usr/local/sbin/sendmail") == 0);
	SG_CHECK(!cfg->null_sender_outbound);
	SG_CHECK(cfg->timeout == 600);
	SG_CHECK(cfg->max_message_size == 1048576);
	SG_CHECK(cfg->log_file && !strcmp(cfg->log_file,
					  "/var/log/smimegw.log"));
	SG_CHECK(strcmp(cfg->cert_dir, "/srv/certs") == 0);
	SG_CHECK(cfg->cipher == SG_CIPHER_AES128_GCM);
	SG_CHECK(cfg->mixed_recipients == SG_MIXED_REJECT);
	SG_CHECK(cfg->key_transport == SG_KEYTRANS_RSA_OAEP);
	SG_CHECK(cfg->recipient_id == SG_CMS_RID_SKI);
	SG_CHECK(cfg->decrypt_failure == SG_DECRYPT_FAILURE_DEFER);
	SG_CHECK(cfg->desktop_smime == SG_DESKTOP_REJECT);
	sg_config_free(cfg);
}

static void test_defaults(void)
{
	sg_config *cfg = NULL;
	sg_status st = load(REQUIRED "log_file =\n[outbound]\n", &cfg);

	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (cfg == NULL)
		return;
	SG_CHECK(cfg->ndomains == 1 && !strcmp(cfg->domains[0], "a.example"));
	SG_CHECK(strcmp(cfg->certificate, "/etc/smimegw/gateway.pem") == 0);
	SG_CHECK(strcmp(cfg->private_key, "/etc/smimegw/gateway.key") == 0);
	SG_CHECK(strcmp(cfg->sendmail, "/usr/sbin/sendmail") == 0);
	SG_CHECK(cfg->null_sender_outbound);
	SG_CHECK(cfg->timeout == 240);
	SG_CHECK(cfg->max_message_size == 52428800);
	SG_CHECK(cfg->log_file == NULL);
	SG_CHECK(strcmp(cfg->cert_dir, "/etc/smimegw/certs") == 0);
	SG_CHECK(cfg->cipher == SG_CIPHER_AES256_CBC);
	SG_CHECK(cfg->mixed_recipients == SG_MIXED_SPLIT);
	SG_CHECK(cfg->key_transport == SG_KEYTRANS_RSA_PKCS1);
	SG_CHECK(cfg->recipient_id == SG_CMS_RID_ISSUER_SERIAL);
	SG_CHECK(cfg->decrypt_failure == SG_DECRYPT_FAILURE_BOUNCE);
	SG_CHECK(cfg->desktop_smime == SG_DESKTOP_PASS);
	SG_CHECK(strcmp(cfg->postconf, "/usr/sbin/postconf") == 0);
	sg_config_free(cfg);
}

/* Values that would silently mean something else (issue 7, item 7). */
static void test_meaning_never_changes(void)
{
	sg_config *cfg = NULL;
	sg_status st;

	expect_error("[gateway]\ndomains = a.example ; b.example\n"
		     "certificate = /c\nprivate_key = /k\n",
		     ":2: [gateway] domains: '; b.example' would be ignored: "
		     "a value ends at ';' or '#' (put comments on lines of "
		     "their own, or quote the value to keep the character)");
	expect_error("[gateway]\ndomains = a.example,#b.example\n"
		     "certificate = /c\nprivate_key = /k\n",
		     ":2: [gateway] domains: '#b.example' would be ignored: "
		     "a value ends at ';' or '#' (put comments on lines of "
		     "their own, or quote the value to keep the character)");
	expect_error("[gateway]\ndomains = \"a.example\", \"b.example\"\n"
		     "certificate = /c\nprivate_key = /k\n",
		     ":2: [gateway] domains: ', \"b.example\"' would be "
		     "ignored: a quoted value ends at its closing quote (put "
		     "comments on lines of their own)");
	expect_error("[gateway]\ndomains = \"a.example ; b.example\"\n"
		     "certificate = /c\nprivate_key = /k\n",
		     ":2: [gateway] domains: ';' is not a valid domain name");
	expect_error("[gateway]\ndomains = a.example, example\n"
		     "certificate = /c\nprivate_key = /k\n",
		     ":2: [gateway] domains: 'example' is a single label: "
		     "every domain under it would be ours, and its mail would "
		     "leave in clear");
	expect_error("[gateway]\ndomains = Example\n"
		     "certificate = /c\nprivate_key = /k\n",
		     ":2: [gateway] domains: 'example' is a single label: "
		     "every domain under it would be ours, and its mail would "
		     "leave in clear");
	expect_error("[gateway]\ndomains = 192.0.2.1\n"
		     "certificate = /c\nprivate_key = /k\n",
		     ":2: [gateway] domains: '192.0.2.1' is not a valid domain "
		     "name");
	/* Quoted, ';' and '#' stay in a path. */
	st = load(REQUIRED "log_file = \"/var/log/a;b#c\"\n"
		  "postconf = '/opt/postfix/sbin/postconf'\n", &cfg);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(cfg && strcmp(cfg->log_file, "/var/log/a;b#c") == 0);
	SG_CHECK(cfg && strcmp(cfg->postconf,
			       "/opt/postfix/sbin/postconf") == 0);
	sg_config_free(cfg);
}

static void test_every_enum_word(void)
{
	static const struct {
		const char *text;	/* after REQUIRED */
		int	field;		/* which member to look at */
		int	want;
	} cases[] = {
		{"null_sender = outbound\n", 0, 1},
		{"null_sender = INBOUND\n", 0, 0},
		{"[outbound]\ncipher = aes128-cbc\n", 1, SG_CIPHER_AES128_CBC},
		{"[outbound]\ncipher = aes256-cbc\n", 1, SG_CIPHER_AES256_CBC},
		{"[outbound]\ncipher = aes128-gcm\n", 1, SG_CIPHER_AES128_GCM},
		{"[outbound]\ncipher = AES256-GCM\n", 1, SG_CIPHER_AES256_GCM},
		{"[outbound]\nmixed_recipients = split\n", 2, SG_MIXED_SPLIT},
		{"[outbound]\nmixed_recipients = Reject\n", 2, SG_MIXED_REJECT},
		{"[outbound]\nkey_transport = rsa-pkcs1\n", 3,
		 SG_KEYTRANS_RSA_PKCS1},
		{"[outbound]\nkey_transport = rsa-oaep\n", 3,
		 SG_KEYTRANS_RSA_OAEP},
		{"[outbound]\nrecipient_id = issuer-serial\n", 4,
		 SG_CMS_RID_ISSUER_SERIAL},
		{"[outbound]\nrecipient_id = ski\n", 4, SG_CMS_RID_SKI},
		{"[inbound]\ndecrypt_failure = bounce\n", 5,
		 SG_DECRYPT_FAILURE_BOUNCE},
		{"[inbound]\ndecrypt_failure = defer\n", 5,
		 SG_DECRYPT_FAILURE_DEFER},
		{"[inbound]\ndesktop_smime = pass\n", 6, SG_DESKTOP_PASS},
		{"[inbound]\ndesktop_smime = reject\n", 6, SG_DESKTOP_REJECT},
	};
	char	text[512];
	sg_config *cfg;
	sg_status st;
	size_t	i;
	int	got = -1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", REQUIRED, cases[i].text);
		cfg = NULL;
		st = load(text, &cfg);
		SG_CHECK_MSG(sg_status_is_ok(&st), "%s: %s", cases[i].text,
			     st.text);
		if (cfg == NULL)
			continue;
		switch (cases[i].field) {
		case 0: got = cfg->null_sender_outbound; break;
		case 1: got = (int) cfg->cipher; break;
		case 2: got = (int) cfg->mixed_recipients; break;
		case 3: got = (int) cfg->key_transport; break;
		case 4: got = (int) cfg->recipient_id; break;
		case 5: got = (int) cfg->decrypt_failure; break;
		case 6: got = (int) cfg->desktop_smime; break;
		}
		SG_CHECK_MSG(got == cases[i].want, "%s", cases[i].text);
		sg_config_free(cfg);
	}
}

static void test_bad_enum_lists_choices(void)
{
	expect_error(REQUIRED "[outbound]\n\ncipher = aes512\n",
		     ":7: [outbound] cipher: unknown value 'aes512' (expected "
		     "aes128-cbc, aes256-cbc, aes128-gcm, aes256-gcm)");
	expect_error(REQUIRED "null_sender = both\n",
		     ":5: [gateway] null_sender: unknown value 'both' "
		     "(expected outbound, inbound)");
	expect_error(REQUIRED "[inbound]\ndesktop_smime = yes\n",
		     ":6: [inbound] desktop_smime: unknown value 'yes' "
		     "(expected pass, reject)");
	expect_error(REQUIRED "[outbound]\ncipher = des3-cbc\n",
		     ":6: [outbound] cipher: unknown value 'des3-cbc' "
		     "(expected aes128-cbc, aes256-cbc, aes128-gcm, "
		     "aes256-gcm)");
}

static void test_domain_list(void)
{
	sg_config *cfg = NULL;
	sg_status st;

	st = load("[gateway]\n"
		  "domains = B.example,,a.example  b.EXAMPLE,\tlocal.host ,\n"
		  "certificate = /c\nprivate_key = /k\n", &cfg);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (cfg == NULL)
		return;
	SG_CHECK(cfg->ndomains == 3);
	if (cfg->ndomains == 3) {
		SG_CHECK(strcmp(cfg->domains[0], "b.example") == 0);
		SG_CHECK(strcmp(cfg->domains[1], "a.example") == 0);
		SG_CHECK(strcmp(cfg->domains[2], "local.host") == 0);
	}
	sg_config_free(cfg);
}

static void test_bad_domains(void)
{
	static const char *bad[] = {
		"a..example", ".a.example", "a.example.", "a_b.example",
		"-a.example", "a-.example", "a.example/x", "caf\xc3\xa9.example",
		"a@b.example", "*.example",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		".example",			/* a 64-character label */
	};
	char	text[512], want[512];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[gateway]\ncertificate = /c\n"
			 "domains = good.example, %s\nprivate_key = /k\n",
			 bad[i]);
		snprintf(want, sizeof(want), ":3: [gateway] domains: '%s' is "
			 "not a valid domain name", bad[i]);
		expect_error(text, want);
	}
	expect_error("[gateway]\ncertificate = /c\nprivate_key = /k\n"
		     "domains = , ,\n",
		     ":4: [gateway] domains: no domain given");
}

static void test_unknown_names(void)
{
	expect_error(REQUIRED "[outbond]\ncipher = aes128-cbc\n",
		     ":5: [outbond]: unknown section");
	expect_error(REQUIRED "domain = b.example\n",
		     ":5: [gateway] domain: unknown key");
	expect_error(REQUIRED "[outbound]\ndirectory = /x\n",
		     ":6: [outbound] directory: unknown key");
	expect_error("[gateway]\nDOMAINS = a.example\nCertificate = /c\n"
		     "private_key = /k\n\n\n[Inbound]\n  Decrypt-Failure = x\n",
		     ":8: [inbound] decrypt-failure: unknown key");
}

static void test_bad_numbers(void)
{
	expect_error(REQUIRED "timeout = abc\n",
		     ":5: [gateway] timeout: 'abc' is not a decimal number");
	expect_error(REQUIRED "timeout = 60s\n",
		     ":5: [gateway] timeout: '60s' is not a decimal number");
	expect_error(REQUIRED "timeout = -60\n",
		     ":5: [gateway] timeout: '-60' is not a decimal number");
	expect_error(REQUIRED "timeout = +60\n",
		     ":5: [gateway] timeout: '+60' is not a decimal number");
	expect_error(REQUIRED "timeout = 0x3c\n",
		     ":5: [gateway] timeout: '0x3c' is not a decimal number");
	expect_error(REQUIRED "timeout = 6 0\n",
		     ":5: [gateway] timeout: '6 0' is not a decimal number");
	expect_error(REQUIRED "timeout = 9\n",
		     ":5: [gateway] timeout: 9 is out of range (10..3600)");
	expect_error(REQUIRED "timeout = 3601\n",
		     ":5: [gateway] timeout: 3601 is out of range (10..3600)");
	expect_error(REQUIRED "max_message_size = 1023\n",
		     ":5: [gateway] max_message_size: 1023 is out of range "
		     "(1024..1073741824)");
	expect_error(REQUIRED "max_message_size = 99999999999999999999999\n",
		     ":5: [gateway] max_message_size: 99999999999999999999999 "
		     "is out of range (1024..1073741824)");
}

static void test_number_bounds_are_inclusive(void)
{
	sg_config *cfg = NULL;
	sg_status st;

	st = load(REQUIRED "timeout = 10\nmax_message_size = 1073741824\n",
		  &cfg);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(cfg && cfg->timeout == 10);
	SG_CHECK(cfg && cfg->max_message_size == 1073741824);
	sg_config_free(cfg);
	cfg = NULL;
	st = load(REQUIRED "timeout = 3600\nmax_message_size = 01024\n", &cfg);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(cfg && cfg->timeout == 3600);
	SG_CHECK(cfg && cfg->max_message_size == 1024);
	sg_config_free(cfg);
}

static void test_required_keys(void)
{
	expect_error("[gateway]\ncertificate = /c\nprivate_key = /k\n",
		     ": [gateway] domains: required value is missing");
	expect_error("[gateway]\ndomains = a.example\nprivate_key = /k\n",
		     ": [gateway] certificate: required value is missing");
	expect_error("[gateway]\ndomains = a.example\ncertificate = /c\n",
		     ": [gateway] private_key: required value is missing");
	expect_error("[gateway]\ndomains = a.example\ncertificate = /c\n"
		     "private_key =\n",
		     ":4: [gateway] private_key: required value is empty");
	expect_error("", ": [gateway] domains: required value is missing");
}

static void test_relative_paths(void)
{
	expect_error("[gateway]\ndomains = a.example\ncertificate = gw.pem\n"
		     "private_key = /k\n",
		     ":3: [gateway] certificate: 'gw.pem' is not an "
		     "absolute path");
	expect_error(REQUIRED "sendmail = sendmail\n",
		     ":5: [gateway] sendmail: 'sendmail' is not an absolute "
		     "path");
	expect_error(REQUIRED "log_file = ./log\n",
		     ":5: [gateway] log_file: './log' is not an absolute path");
	expect_error(REQUIRED "[certificates]\ndirectory = ~/certs\n",
		     ":6: [certificates] directory: '~/certs' is not an "
		     "absolute path");
}

static void test_syntax_errors(void)
{
	expect_error(REQUIRED "timeout 60\n",
		     ":5: syntax error: expected [section], key = value, or "
		     "a comment");
	expect_error(REQUIRED "= 60\n",
		     ":5: syntax error: expected [section], key = value, or "
		     "a comment");
	expect_error("domains = a.example\n" REQUIRED,
		     ":1: key 'domains' outside of any [section]");
	expect_error(REQUIRED "[ ]\n", ":5: empty section name");
	expect_error(REQUIRED "[outbound\n",
		     ":5: syntax error: expected [section], key = value, or "
		     "a comment");
	expect_error(REQUIRED "timeout = 60\nTimeout = 90\n",
		     ":6: [gateway] timeout: duplicate key (first at line 5)");
	expect_error(REQUIRED "timeout = 60 \\\n",
		     ":5: continuation at end of file");
}

static void test_line_numbers_count_continuations(void)
{
	/* The continued value spans lines 2-4; the bad key is on line 6. */
	expect_error("[gateway]\ndomains = a.example \\\n b.example \\\n"
		     "   c.example\n# comment\n"
		     "certificate = rel\nprivate_key = /k\n",
		     ":6: [gateway] certificate: 'rel' is not an absolute "
		     "path");
	/* A continued line is reported at its first line. */
	expect_error("[gateway]\ndomains = a.example \\\n  bad..example\n"
		     "certificate = /c\nprivate_key = /k\n",
		     ":2: [gateway] domains: 'bad..example' is not a valid "
		     "domain name");
	/* A comment ending in a backslash swallows the next line, as in
	 * iniparser: certificate is then missing. */
	expect_error("[gateway]\ndomains = a.example\n# see \\\n"
		     "certificate = /c\nprivate_key = /k\n",
		     ": [gateway] certificate: required value is missing");
}

static void test_odd_bytes(void)
{
	static const char nul[] = REQUIRED "timeout = 6\0" "0\n";
	char	longline[1200];

	write_conf_len(nul, sizeof(nul) - 1);
	{
		sg_config *cfg = NULL;
		sg_status st = sg_config_load(conf, &cfg);
		char	want[1024];

		snprintf(want, sizeof(want), "%s:5: NUL character", conf);
		SG_CHECK(st.code == SG_CONFIG);
		SG_CHECK_MSG(strcmp(st.text, want) == 0, "%s", st.text);
		SG_CHECK(cfg == NULL);
	}
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "# ", 2);
	memcpy(longline + sizeof(longline) - 2, "\n", 2);
	expect_error(longline, ":1: line longer than 1000 characters");
}

static void test_iniparser_stays_quiet(void)
{
	char	errpath[700];
	sg_config *cfg = NULL;
	struct stat sb;
	sg_status st;
	int	saved, fd;

	snprintf(errpath, sizeof(errpath), "%s/stderr", sg_testkit_dir());
	fflush(stderr);
	saved = dup(2);
	fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	SG_CHECK(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	st = load(REQUIRED "this is not ini\n", &cfg);
	dup2(saved, 2);
	close(saved);
	SG_CHECK(st.code == SG_CONFIG);
	SG_CHECK(stat(errpath, &sb) == 0 && sb.st_size == 0);
}

static void test_unreadable_is_tempfail(void)
{
	char	path[700];
	sg_config *cfg = (sg_config *) 1;
	sg_status st;

	snprintf(path, sizeof(path), "%s/no-such.conf", sg_testkit_dir());
	st = sg_config_load(path, &cfg);
	SG_CHECK(st.code == SG_TEMPFAIL);
	SG_CHECK_MSG(strstr(st.text, path) != NULL, "%s", st.text);
	SG_CHECK(cfg == NULL);

	/* A directory opens but cannot be read. (Tests run as root, where
	 * a mode-000 file would still be readable.) */
	cfg = (sg_config *) 1;
	st = sg_config_load(sg_testkit_dir(), &cfg);
	SG_CHECK(st.code == SG_TEMPFAIL);
	SG_CHECK_MSG(strstr(st.text, sg_testkit_dir()) != NULL, "%s", st.text);
	SG_CHECK(cfg == NULL);

	if (geteuid() != 0) {
		write_conf(REQUIRED);
		SG_CHECK(chmod(conf, 0) == 0);
		cfg = (sg_config *) 1;
		st = sg_config_load(conf, &cfg);
		SG_CHECK(st.code == SG_TEMPFAIL);
		SG_CHECK(cfg == NULL);
		SG_CHECK(chmod(conf, 0600) == 0);
	}
	sg_config_free(NULL);
}

int	main(void)
{
	snprintf(conf, sizeof(conf), "%s/smimegw.conf", sg_testkit_dir());
	SG_RUN(test_full_file);
	SG_RUN(test_defaults);
	SG_RUN(test_meaning_never_changes);
	SG_RUN(test_every_enum_word);
	SG_RUN(test_bad_enum_lists_choices);
	SG_RUN(test_domain_list);
	SG_RUN(test_bad_domains);
	SG_RUN(test_unknown_names);
	SG_RUN(test_bad_numbers);
	SG_RUN(test_number_bounds_are_inclusive);
	SG_RUN(test_required_keys);
	SG_RUN(test_relative_paths);
	SG_RUN(test_syntax_errors);
	SG_RUN(test_line_numbers_count_continuations);
	SG_RUN(test_odd_bytes);
	SG_RUN(test_iniparser_stays_quiet);
	SG_RUN(test_unreadable_is_tempfail);
	return sg_test_done();
}
