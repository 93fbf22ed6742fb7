/*
 * NAME
 *	test_keyring 1
 * SUMMARY
 *	unit tests of key and certificate loading (sg_keyring, sg_certs)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_certs.h"
#include "sg_keyring.h"
#include "sg_test.h"
#include "sg_testkit.h"

static sg_testkit_id one, two;

/* concat - write a file that joins a and b, mode 0600 */
static void concat(const char *path, const char *a, const char *b)
{
	sg_buf	buf = SG_BUF_INIT;
	FILE   *f;

	sg_status st;

	st = sg_buf_read_file(&buf, a, 1 << 20);
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_buf_read_file(&buf, b, 1 << 20);
	SG_CHECK(sg_status_is_ok(&st));
	f = fopen(path, "wb");
	SG_CHECK(f != NULL);
	if (f) {
		SG_CHECK(fwrite(buf.data, 1, buf.len, f) == buf.len);
		fclose(f);
	}
	chmod(path, 0600);
	sg_buf_free(&buf);
}

static void test_pair_loads(void)
{
	sg_keyring *kr = sg_keyring_new();
	sg_status st = sg_keyring_add_files(kr, one.cert_path, one.key_path);

	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(sg_keyring_count(kr) == 1);
	sg_keyring_free(kr);
}

static void test_rollover_files_with_two_pairs(void)
{
	char	certs[600], keys[600];
	sg_keyring *kr = sg_keyring_new();
	sg_status st;

	snprintf(certs, sizeof(certs), "%s/both.pem", sg_testkit_dir());
	snprintf(keys, sizeof(keys), "%s/both.key", sg_testkit_dir());
	concat(certs, one.cert_path, two.cert_path);
	concat(keys, two.key_path, one.key_path);	/* order differs */
	st = sg_keyring_add_files(kr, certs, keys);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(sg_keyring_count(kr) == 2);
	sg_keyring_free(kr);
}

static void test_unsafe_key_mode_is_config_error(void)
{
	sg_keyring *kr = sg_keyring_new();
	sg_status st;

	SG_CHECK(chmod(one.key_path, 0640) == 0);
	st = sg_keyring_add_files(kr, one.cert_path, one.key_path);
	SG_CHECK(st.code == SG_CONFIG);
	SG_CHECK(strstr(st.text, one.key_path) != NULL);
	SG_CHECK(chmod(one.key_path, 0600) == 0);
	sg_keyring_free(kr);
}

static void test_missing_files_are_temporary(void)
{
	sg_keyring *kr = sg_keyring_new();
	sg_certs certs = SG_CERTS_INIT;
	sg_status st;

	st = sg_keyring_add_files(kr, one.cert_path, "/nonexistent/k.pem");
	SG_CHECK(st.code == SG_TEMPFAIL);
	SG_CHECK(strstr(st.text, "/nonexistent/k.pem") != NULL);
	st = sg_keyring_add_files(kr, "/nonexistent/c.pem", one.key_path);
	SG_CHECK(st.code == SG_TEMPFAIL);
	st = sg_certs_load(&certs, "/nonexistent/c.pem");
	SG_CHECK(st.code == SG_TEMPFAIL);
	sg_keyring_free(kr);
}

static void test_key_without_certificate_is_config_error(void)
{
	sg_keyring *kr = sg_keyring_new();
	sg_status st = sg_keyring_add_files(kr, one.cert_path, two.key_path);

	SG_CHECK(st.code == SG_CONFIG);
	SG_CHECK(strstr(st.text, "matches no certificate") != NULL);
	sg_keyring_free(kr);
}

static void test_garbage_files_are_config_errors(void)
{
	char	path[600];
	FILE   *f;
	sg_keyring *kr = sg_keyring_new();
	sg_certs certs = SG_CERTS_INIT;
	sg_status st;

	snprintf(path, sizeof(path), "%s/garbage", sg_testkit_dir());
	f = fopen(path, "w");
	SG_CHECK(f != NULL);
	if (f) {
		fputs("-----BEGIN PRIVATE KEY-----\nnot base64 at all\n"
		      "-----END PRIVATE KEY-----\n", f);
		fclose(f);
	}
	chmod(path, 0600);
	st = sg_keyring_add_files(kr, one.cert_path, path);
	SG_CHECK(st.code == SG_CONFIG);
	st = sg_certs_load(&certs, path);
	SG_CHECK(st.code == SG_CONFIG);
	SG_CHECK(certs.count == 0);
	st = sg_certs_load(&certs, one.cert_path);
	SG_CHECK(sg_status_is_ok(&st) && certs.count == 1);
	sg_certs_free(&certs);
	sg_keyring_free(kr);
}

int	main(void)
{
	sg_testkit_make("one", true, 2048, &one);
	sg_testkit_make("two", true, 2048, &two);
	SG_RUN(test_pair_loads);
	SG_RUN(test_rollover_files_with_two_pairs);
	SG_RUN(test_unsafe_key_mode_is_config_error);
	SG_RUN(test_missing_files_are_temporary);
	SG_RUN(test_key_without_certificate_is_config_error);
	SG_RUN(test_garbage_files_are_config_errors);
	return sg_test_done();
}
