/*
 * NAME
 *	test_reinject 1
 * SUMMARY
 *	unit tests of reinjection through sendmail (sg_reinject)
 * DESCRIPTION
 *	Stand-in sendmail programs are written into the test directory: one
 *	records its argv, its standard input and its descriptors; others
 *	fail in each way a real one can.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_mem.h"
#include "sg_reinject.h"
#include "sg_test.h"
#include "sg_testkit.h"

#define BIG	(8 * 1024 * 1024)	/* far more than a pipe holds */

static char *rcpts[] = {"r1@b.example", "-oQ@c.example"};
static int leak_fd = -1;		/* open, not close-on-exec */

/* script - write DIR/name, a /bin/sh program; returns a static path */
static const char *script(const char *name, const char *body)
{
	static char path[8][700];
	static int next;
	char   *p = path[next++ % 8];
	FILE   *f;

	snprintf(p, sizeof(path[0]), "%s/%s", sg_testkit_dir(), name);
	f = fopen(p, "w");
	SG_CHECK(f != NULL);
	if (f) {
		fprintf(f, "#!/bin/sh\n%s\n", body);
		fclose(f);
	}
	SG_CHECK(chmod(p, 0755) == 0);
	return p;
}

/* capture - a sendmail that records everything it is given */
static const char *capture(void)
{
	char	body[2000];

	snprintf(body, sizeof(body),
		 "d='%s'\n"
		 "printf '%%s\\0' \"$0\" \"$@\" > \"$d/argv\"\n"
		 "o=$(readlink /proc/$$/fd/1)\n"
		 "e=$(readlink /proc/$$/fd/2)\n"
		 "if [ -e /proc/$$/fd/3 ]; then f3=open; else f3=closed; fi\n"
		 "if [ -e /proc/$$/fd/%d ]; then fl=open; else fl=closed; fi\n"
		 "printf '%%s\\n' \"$o\" \"$e\" $f3 $fl > \"$d/env\"\n"
		 "exec cat > \"$d/stdin\"",
		 sg_testkit_dir(), leak_fd);
	return script("capture-sendmail", body);
}

/* file_is - the named file in the test directory holds exactly these */
static int file_is(const char *name, const void *want, size_t len)
{
	char	path[700];
	sg_buf	buf = SG_BUF_INIT;
	sg_status st;
	int	same;

	snprintf(path, sizeof(path), "%s/%s", sg_testkit_dir(), name);
	st = sg_buf_read_file(&buf, path, BIG + 1);
	same = sg_status_is_ok(&st) && buf.len == len
		&& (len == 0 || memcmp(buf.data, want, len) == 0);
	sg_buf_free(&buf);
	(void) unlink(path);
	return same;
}

/* message - len bytes with every byte value, NUL, CR and LF included */
static uint8_t *message(size_t len)
{
	uint8_t *data = sg_malloc(len);
	size_t	i;

	for (i = 0; i < len; i++)
		data[i] = (uint8_t) (i * 7 + i / 251);
	return data;
}

/* expect - run sendmail and compare the status sentence */
static void expect_at(int line, const char *sendmail, size_t len,
		      sg_code code, const char *want)
{
	uint8_t *data = message(len);
	sg_status st = sg_reinject(sendmail, "s@a.example", rcpts, 2, data,
				   len);

	if (st.code != code || strcmp(st.text, want) != 0) {
		fprintf(stderr, "%s:%d: got %s \"%s\", want %s \"%s\"\n",
			__FILE__, line, sg_code_name(st.code), st.text,
			sg_code_name(code), want);
		sg_test_failures++;
	}
	free(data);
}

#define expect(sendmail, len, code, want) \
	expect_at(__LINE__, sendmail, len, code, want)

static void test_argv_stdin_and_descriptors(void)
{
	static const char env[] = "/dev/null\n/dev/null\nclosed\nclosed\n";
	static const char args[] = "-G\0-i\0-f\0s@a.example\0--\0"
		"r1@b.example\0-oQ@c.example";
	const char *sm = capture();
	uint8_t *data = message(3 * 1024 * 1024 + 17);
	char	argv[1000];
	size_t	n;
	sg_status st;

	st = sg_reinject(sm, "s@a.example", rcpts, 2, data,
			 3 * 1024 * 1024 + 17);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	n = (size_t) snprintf(argv, sizeof(argv), "%s", sm) + 1;
	memcpy(argv + n, args, sizeof(args));	/* with the last NUL */
	SG_CHECK(file_is("argv", argv, n + sizeof(args)));
	SG_CHECK(file_is("stdin", data, 3 * 1024 * 1024 + 17));
	SG_CHECK(file_is("env", env, sizeof(env) - 1));
	free(data);
}

static void test_null_sender_and_empty_message(void)
{
	static const char args[] = "-G\0-i\0-f\0\0--\0r1@b.example";
	const char *sm = capture();
	char	argv[1000];
	size_t	n;
	sg_status st;

	st = sg_reinject(sm, "", rcpts, 1, (const uint8_t *) "", 0);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	n = (size_t) snprintf(argv, sizeof(argv), "%s", sm) + 1;
	memcpy(argv + n, args, sizeof(args));	/* "-f" "" is an empty arg */
	SG_CHECK(file_is("argv", argv, n + sizeof(args)));
	SG_CHECK(file_is("stdin", "", 0));
}

static void test_exit_codes_are_tempfail(void)
{
	expect(script("exit75", "cat >/dev/null; exit 75"), 1000,
	       SG_TEMPFAIL, "sendmail exited with status 75");
	expect(script("exit1", "cat >/dev/null; exit 1"), 1000,
	       SG_TEMPFAIL, "sendmail exited with status 1");
	expect(script("exit127", "exit 127"), 0,
	       SG_TEMPFAIL, "sendmail exited with status 127");
	expect(script("ok", "cat >/dev/null"), 1000, SG_OK, "");
}

static void test_death_by_signal_is_tempfail(void)
{
	expect(script("sigkill", "kill -KILL $$"), 1000,
	       SG_TEMPFAIL, "sendmail killed by signal 9");
	expect(script("sigterm", "head -c 10 >/dev/null; kill -TERM $$"),
	       BIG, SG_TEMPFAIL, "sendmail killed by signal 15");
}

static void test_exec_failure_is_tempfail(void)
{
	char	path[700], want[800];
	FILE   *f;

	snprintf(path, sizeof(path), "%s/no-sendmail", sg_testkit_dir());
	snprintf(want, sizeof(want), "cannot execute sendmail %s: No such "
		 "file or directory", path);
	expect(path, 1000, SG_TEMPFAIL, want);

	snprintf(path, sizeof(path), "%s/not-executable", sg_testkit_dir());
	f = fopen(path, "w");
	SG_CHECK(f != NULL);
	if (f) {
		fputs("#!/bin/sh\nexit 0\n", f);
		fclose(f);
	}
	SG_CHECK(chmod(path, 0644) == 0);
	snprintf(want, sizeof(want), "cannot execute sendmail %s: Permission "
		 "denied", path);
	expect(path, 1000, SG_TEMPFAIL, want);
}

static void test_early_exit_with_big_input(void)
{
	struct sigaction sa;

	expect(script("early0", "exit 0"), BIG, SG_TEMPFAIL,
	       "cannot write the message to sendmail: Broken pipe");
	expect(script("early75", "head -c 100 >/dev/null; exit 75"), BIG,
	       SG_TEMPFAIL, "sendmail exited with status 75");
	/* we are still alive, and SIGPIPE is back to what it was */
	SG_CHECK(sigaction(SIGPIPE, NULL, &sa) == 0);
	SG_CHECK(sa.sa_handler == SIG_DFL);
}

static void test_ignored_sigchld(void)
{
	struct sigaction ign, old, now;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	SG_CHECK(sigaction(SIGCHLD, &ign, &old) == 0);
	expect(script("exit75", "cat >/dev/null; exit 75"), 1000,
	       SG_TEMPFAIL, "sendmail exited with status 75");
	expect(script("ok", "cat >/dev/null"), 1000, SG_OK, "");
	SG_CHECK(sigaction(SIGCHLD, &old, &now) == 0);
	SG_CHECK(now.sa_handler == SIG_IGN);
}

static void test_no_recipients(void)
{
	sg_status st = sg_reinject(capture(), "s@a.example", rcpts, 0,
				   (const uint8_t *) "x\n", 2);

	SG_CHECK(st.code == SG_INTERNAL);
}

int	main(void)
{
	int	fd = open("/dev/null", O_RDONLY);

	leak_fd = fcntl(fd, F_DUPFD, 50);	/* the child must not get it */
	close(fd);
	signal(SIGPIPE, SIG_DFL);
	SG_RUN(test_argv_stdin_and_descriptors);
	SG_RUN(test_null_sender_and_empty_message);
	SG_RUN(test_exit_codes_are_tempfail);
	SG_RUN(test_death_by_signal_is_tempfail);
	SG_RUN(test_exec_failure_is_tempfail);
	SG_RUN(test_early_exit_with_big_input);
	SG_RUN(test_ignored_sigchld);
	SG_RUN(test_no_recipients);
	return sg_test_done();
}
