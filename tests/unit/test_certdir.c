/*
 * NAME
 *	test_certdir 1
 * SUMMARY
 *	unit tests of certificate directory lookup (sg_certdir)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_certdir.h"
#include "sg_test.h"
#include "sg_testkit.h"

static sg_testkit_id gw;
static char dir[600];

/* place - copy the test certificate to DIR/name.pem */
static void place(const char *name)
{
	char	cmd[1600];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/%s.pem'", gw.cert_path, dir, name);
	SG_CHECK(system(cmd) == 0);
}

/* expect - lookup of rcpt gives DIR/want.pem, or nothing when want NULL */
static void expect(const char *rcpt, const char *want)
{
	char   *file = NULL;
	char	path[800];
	sg_status st = sg_certdir_find(dir, rcpt, &file);

	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (want == NULL) {
		SG_CHECK_MSG(file == NULL, "%s found %s", rcpt, file);
	} else {
		snprintf(path, sizeof(path), "%s/%s.pem", dir, want);
		SG_CHECK_MSG(file && strcmp(file, path) == 0, "%s: got %s want %s",
			     rcpt, file ? file : "(none)", path);
	}
	free(file);
}

static void test_precedence(void)
{
	place("b.example");
	place("dept.b.example");
	place("carol@c.example");
	place("c.example");
	place("example");
	expect("x@dept.b.example", "dept.b.example");
	expect("x@other.dept.b.example", "dept.b.example");
	expect("x@b.example", "b.example");
	expect("X@B.EXAMPLE", "b.example");
	expect("x@sub.b.example", "b.example");
	expect("carol@c.example", "carol@c.example");
	expect("Carol@C.Example", "carol@c.example");
	expect("dave@c.example", "c.example");
	expect("x@d.example", NULL);		/* never the TLD file */
	expect("x@example", NULL);
	expect("no-domain", NULL);
}

static void test_hostile_names_are_never_opened(void)
{
	place("c.example");
	expect("../../etc/passwd@c.example", "c.example");
	expect("a/b@c.example", "c.example");
	expect("x@..", NULL);
	expect("x@.c.example", NULL);
	expect("x@c..example", NULL);
	expect("x@c.example/../c.example", NULL);
	expect("x y@c.example", "c.example");
	expect("", NULL);
}

static void test_load_keeps_valid_certificates(void)
{
	sg_certs certs = SG_CERTS_INIT;
	char	path[800];
	sg_status st;

	snprintf(path, sizeof(path), "%s/b.example.pem", dir);
	st = sg_certdir_load(path, time(NULL), &certs);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(certs.count == 1);
	sg_certs_free(&certs);
	/* the testkit certificate expires in 30 days */
	st = sg_certdir_load(path, time(NULL) + 86400 * 365, &certs);
	SG_CHECK(st.code == SG_TEMPFAIL);
	SG_CHECK(strstr(st.text, "valid now") != NULL);
	SG_CHECK(certs.count == 0);
	st = sg_certdir_load(path, time(NULL) - 86400 * 365, &certs);
	SG_CHECK(st.code == SG_TEMPFAIL);
	snprintf(path, sizeof(path), "%s/missing.pem", dir);
	st = sg_certdir_load(path, time(NULL), &certs);
	SG_CHECK(st.code == SG_TEMPFAIL);
	sg_certs_free(&certs);
}

static void test_missing_directory_and_dangling_link_fail_closed(void)
{
	char   *file = NULL;
	char	path[800], cmd[1700];
	sg_certs certs = SG_CERTS_INIT;
	sg_status st;

	snprintf(path, sizeof(path), "%s/no-such-dir", sg_testkit_dir());
	st = sg_certdir_find(path, "x@b.example", &file);
	SG_CHECK(st.code == SG_TEMPFAIL && file == NULL);
	st = sg_certdir_find(gw.cert_path, "x@b.example", &file);
	SG_CHECK(st.code == SG_TEMPFAIL && file == NULL);	/* a file */
	snprintf(cmd, sizeof(cmd), "ln -s /nonexistent '%s/e.example.pem'", dir);
	SG_CHECK(system(cmd) == 0);
	st = sg_certdir_find(dir, "x@e.example", &file);
	SG_CHECK(sg_status_is_ok(&st) && file != NULL);
	if (file) {
		st = sg_certdir_load(file, time(NULL), &certs);
		SG_CHECK(st.code == SG_TEMPFAIL);
	}
	free(file);
	sg_certs_free(&certs);
}

int	main(void)
{
	sg_testkit_make("gw", true, 2048, &gw);
	snprintf(dir, sizeof(dir), "%s/certs", sg_testkit_dir());
	SG_CHECK(mkdir(dir, 0700) == 0);
	SG_RUN(test_precedence);
	SG_RUN(test_hostile_names_are_never_opened);
	SG_RUN(test_load_keeps_valid_certificates);
	SG_RUN(test_missing_directory_and_dangling_link_fail_closed);
	return sg_test_done();
}
