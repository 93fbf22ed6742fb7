/*
 * NAME
 *	test_reinject 1
 * SUMMARY
 *	unit tests of reinjection through sendmail (sg_reinject)
 * DESCRIPTION
 *	Stand-in sendmail programs are written into the test directory: one
 *	records its argv, its standard input and its descriptors; others
 *	fail in each way a real one can. Killed-caller tests fork a process
 *	that calls sg_reinject() and kill it while the stand-in runs: the
 *	stand-in must die with it, and whatever still reads the copy must
 *	read all of it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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
	       "sendmail exited 0 after reading 0 of 8388608 bytes");
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

/* path_in - DIR/name, in one of four static buffers */
static const char *path_in(const char *name)
{
	static char path[4][700];
	static int next;
	char   *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", sg_testkit_dir(), name);
	return p;
}

/* nap - sleep for ms milliseconds */
static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0)
		;
}

/* exists - DIR/name exists */
static int exists(const char *name)
{
	struct stat sb;

	return stat(path_in(name), &sb) == 0;
}

/* pid_in - the pid written into DIR/name, waiting up to 10 s; 0 if none */
static pid_t pid_in(const char *name)
{
	FILE   *f;
	long	pid = 0;
	int	i;

	for (i = 0; i < 200 && pid <= 0; i++) {
		if ((f = fopen(path_in(name), "r")) != NULL) {
			if (fscanf(f, "%ld", &pid) != 1)
				pid = 0;
			fclose(f);
		}
		if (pid <= 0)
			nap(50);
	}
	return (pid_t) pid;
}

/* gone - the process has ended (no such pid, or a zombie) */
static int gone(pid_t pid)
{
	char	path[64], buf[512], *p;
	FILE   *f;
	size_t	n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long) pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] == 'Z';
}

/* gone_within - gone() within ms milliseconds */
static int gone_within(pid_t pid, long ms)
{
	for (; ms > 0 && !gone(pid); ms -= 20)
		nap(20);
	return gone(pid);
}

/* on_term - the caller's SIGTERM handler, as filter/smimegw.c has it */
static void on_term(int sig)
{
	(void) sig;
	sg_reinject_abort();
	_exit(75);
}

/*
 * reinjector - fork a process that reinjects len bytes of message()
 * through sm (exit 0 when sg_reinject() succeeds, 1 otherwise); with
 * catch_term, SIGTERM aborts sendmail and exits 75
 */
static pid_t reinjector(const char *sm, size_t len, int catch_term)
{
	pid_t	pid = fork();

	SG_CHECK(pid >= 0);
	if (pid == 0) {
		uint8_t *data = message(len);
		sg_status st;

		if (catch_term)
			signal(SIGTERM, on_term);
		st = sg_reinject(sm, "s@a.example", rcpts, 1, data, len);
		_exit(sg_status_is_ok(&st) ? 0 : 1);
	}
	return pid;
}

/* reap - wait for a forked test process; its wait status */
static int reap(pid_t pid)
{
	int	status = -1;

	SG_CHECK(waitpid(pid, &status, 0) == pid);
	return status;
}

/* sleeper - a sendmail that takes 2 s before it reads and "queues" */
static const char *sleeper(void)
{
	char	body[1000];

	(void) unlink(path_in("sleeper.pid"));
	(void) unlink(path_in("sleeper.msg"));
	(void) unlink(path_in("sleeper.queued"));
	snprintf(body, sizeof(body),
		 "d='%s'\n"
		 "echo $$ > \"$d/sleeper.pid\"\n"
		 "sleep 2\n"
		 "cat > \"$d/sleeper.msg\"\n"
		 "echo queued > \"$d/sleeper.queued\"",
		 sg_testkit_dir());
	return script("sleeper-sendmail", body);
}

/* killed_while_sleeping - kill the caller with sig while sendmail sleeps */
static void killed_while_sleeping(int sig, int want_status)
{
	pid_t	caller, sm;
	int	status;

	caller = reinjector(sleeper(), BIG, sig == SIGTERM);
	sm = pid_in("sleeper.pid");
	SG_CHECK(sm > 0);
	SG_CHECK(kill(caller, sig) == 0);
	status = reap(caller);
	SG_CHECK_MSG(status == want_status, "wait status 0x%x", status);
	if (sm <= 0)
		return;
	SG_CHECK_MSG(gone_within(sm, 1000), "sendmail %ld outlived its "
		     "caller (signal %d)", (long) sm, sig);
	nap(2500);			/* its sleep is over by now */
	SG_CHECK_MSG(!exists("sleeper.queued"), "sendmail queued %s after "
		     "its caller was killed", exists("sleeper.msg")
		     ? "a copy" : "nothing, but finished");
	(void) kill(-sm, SIGKILL);	/* its sleep, should it be left */
}

static void test_sendmail_dies_with_its_caller(void)
{
	killed_while_sleeping(SIGKILL, SIGKILL);
}

static void test_sigterm_aborts_sendmail(void)
{
	killed_while_sleeping(SIGTERM, 75 << 8);
}

static void test_complete_copy_before_sendmail_starts(void)
{
	char	body[1000], size[32];
	const char *sm;
	uint8_t *data = message(BIG + 1);
	sg_status st;

	snprintf(body, sizeof(body),
		 "d='%s'\n"
		 "readlink /proc/$$/fd/0 > \"$d/in.link\"\n"
		 "stat -L -c %%s /proc/$$/fd/0 > \"$d/in.size\"\n"
		 "if printf x >&0 2>/dev/null; then echo writable; "
		 "else echo sealed; fi > \"$d/in.seal\"\n"
		 "exec cat > \"$d/stdin\"",
		 sg_testkit_dir());
	sm = script("sized-sendmail", body);
	st = sg_reinject(sm, "s@a.example", rcpts, 2, data, BIG + 1);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	/* stdin is a file that holds every byte before the first read */
	snprintf(size, sizeof(size), "%d\n", BIG + 1);
	SG_CHECK(file_is("in.size", size, strlen(size)));
	SG_CHECK(file_is("in.link", "/memfd:smimegw-reinject (deleted)\n",
			 34));
	SG_CHECK(file_is("in.seal", "sealed\n", 7));
	SG_CHECK(file_is("stdin", data, BIG + 1));
	free(data);
}

static void test_complete_copy_after_caller_is_gone(void)
{
	char	body[1000];
	const char *sm;
	uint8_t *data = message(BIG);
	pid_t	caller, group;
	int	i;

	(void) unlink(path_in("late.group"));
	(void) unlink(path_in("go"));
	/*
	 * The stand-in leaves a reader behind (as sendmail leaves postdrop):
	 * not its own child-to-be-killed, so it outlives the caller, and it
	 * starts reading only once the caller is dead.
	 */
	snprintf(body, sizeof(body),
		 "d='%s'\n"
		 "exec 5<&0\n"		/* an & list's stdin is /dev/null */
		 "( while [ ! -e \"$d/go\" ]; do sleep 0.05; done\n"
		 "  cat <&5 > \"$d/late.msg\"; echo done > \"$d/late.done\" ) &\n"
		 "echo $$ > \"$d/late.group\"\n"
		 "sleep 30",
		 sg_testkit_dir());
	sm = script("late-sendmail", body);
	caller = reinjector(sm, BIG, 0);
	group = pid_in("late.group");
	SG_CHECK(group > 0);
	SG_CHECK(kill(caller, SIGKILL) == 0);
	(void) reap(caller);
	SG_CHECK_MSG(group > 0 && gone_within(group, 1000), "sendmail "
		     "outlived its caller");
	SG_CHECK(fclose(fopen(path_in("go"), "w")) == 0);
	for (i = 0; i < 200 && !exists("late.done"); i++)
		nap(50);
	SG_CHECK_MSG(file_is("late.msg", data, BIG), "what was read after "
		     "the caller died is not the whole message");
	if (group > 0)
		(void) kill(-group, SIGKILL);
	free(data);
}

static void test_sendmail_gets_an_empty_signal_mask(void)
{
	static const char want[] = "SigBlk:\t0000000000000000\n";
	sigset_t block, old;
	char	body[1000];
	sg_status st;

	snprintf(body, sizeof(body),
		 "exec grep '^SigBlk:' /proc/self/status > '%s/sigblk'",
		 sg_testkit_dir());
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	SG_CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
	st = sg_reinject(script("mask-sendmail", body), "s@a.example",
			 rcpts, 1, (const uint8_t *) "x\n", 2);
	SG_CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
	/* grep did not read its stdin: sendmail exited 0 before the end */
	SG_CHECK_MSG(st.code == SG_TEMPFAIL, "%s", st.text);
	SG_CHECK(file_is("sigblk", want, sizeof(want) - 1));
}

/* ok - a status by value is SG_OK */
static int ok(sg_status st)
{
	return sg_status_is_ok(&st);
}

/*
 * A ciphertext spool in a directory is an unnamed file there (nothing
 * appears in the directory, it is on disk, not in memory), read-only
 * once sealed, and sendmail gets all of it; a directory that cannot
 * hold one gives a memory file instead
 */
static void test_spool_in_directory(void)
{
	const char *dir = path_in("spooldir");
	sg_reinject_spool *sp = NULL;
	uint8_t *data = message(200000);
	char	link[700], fdpath[64];
	struct stat st;
	DIR    *d;
	struct dirent *e;
	size_t	names = 0, i;
	ssize_t	n;
	sg_status s;

	SG_CHECK(mkdir(dir, 0700) == 0);
	s = sg_reinject_spool_new_in(dir, &sp);
	SG_CHECK(sg_status_is_ok(&s) && sp != NULL);
	if (sp == NULL)
		return;
	SG_CHECK(sg_reinject_spool_on_disk(sp));
	for (i = 0; i < 200000; i += 50000)
		SG_CHECK(ok(sg_reinject_spool_write(sp, data + i,
								 50000)));
	SG_CHECK((d = opendir(dir)) != NULL);
	while (d && (e = readdir(d)) != NULL)
		names += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	SG_CHECK(names == 0);
	s = sg_reinject_spool_seal(sp);
	SG_CHECK(sg_status_is_ok(&s));
	/* after the seal only a read-only descriptor is left */
	s = sg_reinject_spool_write(sp, data, 1);
	SG_CHECK(s.code == SG_INTERNAL);
	s = sg_reinject_spooled(capture(), "s@a.example", rcpts, 2, sp);
	SG_CHECK(sg_status_is_ok(&s));
	SG_CHECK(file_is("stdin", data, 200000));
	for (i = 3; i < 64; i++) {
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%zu", i);
		if ((n = readlink(fdpath, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, dir, strlen(dir)) != 0)
			continue;
		SG_CHECK(fstat((int) i, &st) == 0 && (st.st_mode & 0777) == 0600
			 && st.st_nlink == 0);
		SG_CHECK((fcntl((int) i, F_GETFL) & O_ACCMODE) == O_RDONLY);
	}
	sg_reinject_spool_free(sp);
	(void) rmdir(dir);
	/* no such directory: in memory, sent all the same */
	s = sg_reinject_spool_new_in(path_in("no-such-dir"), &sp);
	SG_CHECK(sg_status_is_ok(&s) && !sg_reinject_spool_on_disk(sp));
	SG_CHECK(ok(sg_reinject_spool_write(sp, data, 1000)));
	s = sg_reinject_spool_seal(sp);
	SG_CHECK(sg_status_is_ok(&s));
	s = sg_reinject_spooled(capture(), "s@a.example", rcpts, 2, sp);
	SG_CHECK(sg_status_is_ok(&s) && file_is("stdin", data, 1000));
	sg_reinject_spool_free(sp);
	free(data);
}

/*
 * A spool file that cannot be written (the file size limit stands in for
 * a full disk) is SG_TEMPFAIL, stays so, and cannot be sealed: the copy
 * is never sent and the message is deferred
 */
static void test_spool_write_failure_is_tempfail(void)
{
	const char *dir = path_in("spool-full");
	pid_t	pid;
	int	status;

	SG_CHECK(mkdir(dir, 0700) == 0);
	if ((pid = fork()) == 0) {
		struct rlimit rl = {4096, 4096};
		sg_reinject_spool *sp = NULL;
		uint8_t *data = message(20000);
		sg_status a, b, c;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0
		    || !ok(sg_reinject_spool_new_in(dir, &sp))
		    || !sg_reinject_spool_on_disk(sp))
			_exit(2);
		a = sg_reinject_spool_write(sp, data, 20000);
		b = sg_reinject_spool_write(sp, data, 1);
		c = sg_reinject_spool_seal(sp);
		_exit(a.code == SG_TEMPFAIL && strstr(a.text, "spool file")
		      && b.code == SG_TEMPFAIL && c.code == SG_TEMPFAIL ? 0 : 1);
	}
	SG_CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	SG_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "child status %#x", status);
	(void) rmdir(dir);
}

/* memfds - our descriptors that are memory files, and the last one seen */
static int memfds(int *last)
{
	return sg_test_open_fds("/memfd:", last);
}

/*
 * A memory-file buffer is sealed and is itself sendmail's standard input
 * (the same file, not a copy of it), once for each copy, each read from
 * offset 0 and whole; no memory file but the buffer's own is left open,
 * and that one until the buffer is freed. A plain buffer goes through a
 * copy of its own, as with sg_reinject().
 */
static void test_memfile_buffer_twice(void)
{
	char	body[1000], ino[64];
	const char *sm;
	uint8_t *data = message(BIG - 3);
	sg_buf	buf = SG_BUF_INIT;
	struct stat sb;
	int	before, after, last = -1, fd, copy;
	sg_status st;

	snprintf(body, sizeof(body),
		 "d='%s'\n"
		 "readlink /proc/$$/fd/0 > \"$d/in.link\"\n"
		 "stat -L -c %%i /proc/$$/fd/0 > \"$d/in.ino\"\n"
		 "exec cat > \"$d/stdin\"",
		 sg_testkit_dir());
	sm = script("buf-sendmail", body);
	before = memfds(&last);
	st = sg_buf_memfile(&buf);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	/* as the lead's inbound path builds it: body, then header in front */
	sg_buf_append(&buf, data + 1000, BIG - 3 - 1000);
	sg_buf_splice(&buf, 0, 0, data, 1000);
	for (copy = 0; copy < 2; copy++) {
		st = sg_reinject_buf(sm, "s@a.example", rcpts, 2 - copy, &buf);
		SG_CHECK_MSG(sg_status_is_ok(&st), "copy %d: %s", copy,
			     st.text);
		SG_CHECK_MSG(file_is("stdin", data, BIG - 3), "copy %d is not "
			     "the buffer", copy);
		SG_CHECK(file_is("in.link", "/memfd:smimegw-buf (deleted)\n",
				 29));
		fd = buf.memfd - 1;
		SG_CHECK(fstat(fd, &sb) == 0);
		snprintf(ino, sizeof(ino), "%ju\n", (uintmax_t) sb.st_ino);
		SG_CHECK_MSG(file_is("in.ino", ino, strlen(ino)), "copy %d: "
			     "sendmail read another file", copy);
	}
	SG_CHECK(buf.len == BIG - 3 && memcmp(buf.data, data, BIG - 3) == 0);
	after = memfds(&last);
	SG_CHECK_MSG(after == before + 1 && last == buf.memfd - 1, "%d memory "
		     "files open before, %d after", before, after);
	sg_buf_free(&buf);
	SG_CHECK(memfds(&last) == before);

	/* a plain buffer: a sealed copy of its own, closed afterwards */
	sg_buf_append(&buf, data, 70000);
	st = sg_reinject_buf(sm, "s@a.example", rcpts, 1, &buf);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(file_is("stdin", data, 70000));
	SG_CHECK(file_is("in.link", "/memfd:smimegw-reinject (deleted)\n",
			 34));
	SG_CHECK(!sg_buf_is_memfile(&buf) && memfds(&last) == before);
	sg_buf_free(&buf);
	free(data);
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
	SG_RUN(test_complete_copy_before_sendmail_starts);
	SG_RUN(test_complete_copy_after_caller_is_gone);
	SG_RUN(test_sendmail_dies_with_its_caller);
	SG_RUN(test_sigterm_aborts_sendmail);
	SG_RUN(test_sendmail_gets_an_empty_signal_mask);
	SG_RUN(test_spool_in_directory);
	SG_RUN(test_spool_write_failure_is_tempfail);
	SG_RUN(test_memfile_buffer_twice);
	return sg_test_done();
}
