/*
 * NAME
 *	test_log 1
 * SUMMARY
 *	unit tests of mail logging (sg_log)
 * DESCRIPTION
 *	Syslog cannot be observed from here, so these tests look at what
 *	can: the log file, the stderr copy, and the stderr fallback when
 *	neither syslog nor postlog is there (as in CI containers).
 */
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_log.h"
#include "sg_test.h"
#include "sg_testkit.h"

static char logfile[600];
static char errfile[600];
static int saved_stderr = -1;

/* slurp - the whole file as a string; caller frees */
static char *slurp(const char *path)
{
	sg_buf	buf = SG_BUF_INIT;
	sg_status st = sg_buf_read_file(&buf, path, 1 << 20);

	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	sg_buf_append(&buf, "", 0);
	return (char *) buf.data;
}

/* capture_stderr - send fd 2 to errfile until release_stderr() */
static void capture_stderr(void)
{
	int	fd;

	fflush(stderr);
	saved_stderr = dup(2);
	fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	SG_CHECK(saved_stderr >= 0 && fd >= 0);
	SG_CHECK(dup2(fd, 2) == 2);
	close(fd);
}

static void release_stderr(void)
{
	SG_CHECK(dup2(saved_stderr, 2) == 2);
	close(saved_stderr);
}

/* matches - extended regular expression match */
static int matches(const char *text, const char *pattern)
{
	regex_t	re;
	int	ok;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE | REG_NOSUB))
		return 0;
	ok = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* no_daemon - true when lines can only go to the file or to stderr */
static int no_daemon(void)
{
	struct stat sb;

	return !(stat("/dev/log", &sb) == 0 && S_ISSOCK(sb.st_mode))
		&& access("/usr/sbin/postlog", X_OK) != 0;
}

static void test_log_file_lines(void)
{
	char	want[700];
	struct stat sb;
	char   *text;
	FILE   *f;

	f = fopen(logfile, "w");
	SG_CHECK(f != NULL);
	if (f) {
		fputs("earlier line\n", f);
		fclose(f);
	}
	sg_log_set_file(logfile);
	sg_log_set_queue_id("4XyZ1abc");
	sg_log_info("outbound: %d recipients", 2);
	sg_log_set_queue_id(NULL);
	sg_log_warning("no queue id yet");
	sg_log_set_queue_id("");
	sg_log_error("forged\nMar  1 00:00:00 host smimegw[1]: line");
	sg_log_set_file(NULL);
	capture_stderr();		/* the fallback may print it */
	sg_log_info("not in the file");
	release_stderr();

	text = slurp(logfile);
	snprintf(want, sizeof(want), "^earlier line\n"
		 "[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] "
		 "[^ ]+ smimegw-test\\[%ld\\]: 4XyZ1abc: outbound: "
		 "2 recipients\n"
		 "[A-Z][a-z]{2} [ 1-3][0-9] [0-9:]{8} [^ ]+ "
		 "smimegw-test\\[%ld\\]: NOQUEUE: no queue id yet\n"
		 "[A-Z][a-z]{2} [ 1-3][0-9] [0-9:]{8} [^ ]+ "
		 "smimegw-test\\[%ld\\]: NOQUEUE: forged\\?Mar  1 00:00:00 "
		 "host smimegw\\[1\\]: line\n$",
		 (long) getpid(), (long) getpid(), (long) getpid());
	SG_CHECK_MSG(matches(text, want), "log file:\n%s", text);
	SG_CHECK(strstr(text, "not in the file") == NULL);
	free(text);

	/* a new file is private */
	SG_CHECK(unlink(logfile) == 0);
	sg_log_set_file(logfile);
	sg_log_info("first line");
	sg_log_set_file(NULL);
	SG_CHECK(stat(logfile, &sb) == 0 && (sb.st_mode & 0777) == 0600);
}

static void test_copy_to_stderr(void)
{
	char   *text;

	sg_log_set_file(logfile);	/* so no fallback adds a copy */
	sg_log_set_queue_id("4XyZ1abc");
	sg_log_to_stderr(true);
	capture_stderr();
	sg_log_info("checked %s", "/etc/smimegw/smimegw.conf");
	release_stderr();
	text = slurp(errfile);
	SG_CHECK_MSG(strcmp(text, "smimegw-test: 4XyZ1abc: checked "
			    "/etc/smimegw/smimegw.conf\n") == 0, "%s", text);
	free(text);

	sg_log_to_stderr(false);
	capture_stderr();
	sg_log_info("quiet again");
	release_stderr();
	sg_log_set_file(NULL);
	text = slurp(errfile);
	SG_CHECK_MSG(*text == '\0', "%s", text);
	free(text);
}

static void test_fallback_to_stderr(void)
{
	char	bad[700];
	char   *text;

	if (!no_daemon()) {
		printf("     (syslog or postlog present: fallback not tested)\n");
		return;
	}
	sg_log_set_queue_id(NULL);
	capture_stderr();
	sg_log_warning("nobody listens");
	/* an unwritable log file must not lose the line either */
	snprintf(bad, sizeof(bad), "%s/no/such/dir/log", sg_testkit_dir());
	sg_log_set_file(bad);
	sg_log_error("file %s", "unwritable");
	sg_log_set_file(NULL);
	release_stderr();

	text = slurp(errfile);
	SG_CHECK_MSG(strcmp(text, "smimegw-test: NOQUEUE: nobody listens\n"
			    "smimegw-test: NOQUEUE: file unwritable\n") == 0,
		     "%s", text);
	free(text);
}

static void test_long_line_is_cut_not_lost(void)
{
	static char big[5000];
	char   *text;

	memset(big, 'x', sizeof(big) - 1);
	sg_log_set_file(logfile);
	SG_CHECK(truncate(logfile, 0) == 0);
	sg_log_info("%s", big);
	sg_log_set_file(NULL);
	text = slurp(logfile);
	SG_CHECK(strlen(text) > 2000 && strlen(text) < 2600);
	SG_CHECK(text[strlen(text) - 1] == '\n');
	SG_CHECK(strchr(text, '\n') == text + strlen(text) - 1);
	free(text);
}

static void test_rcpts_split_not_cut(void)
{
	static char names[300][80];
	char   *rcpts[300];
	char	pat[200];
	char   *text, *line, *save = NULL;
	size_t	i, lines = 0;

	for (i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "recipient-with-a-long-name-"
			 "%03zu@partner.example", i);
		rcpts[i] = names[i];
	}
	sg_log_set_file(logfile);
	SG_CHECK(truncate(logfile, 0) == 0);
	sg_log_set_queue_id("4XyZ1abc");
	sg_log_rcpts(false, "outbound: copy=1/1", rcpts, 300, "action=plain");
	sg_log_rcpts(true, "inbound: copy=1/1", rcpts, 2, "action=relayed");
	sg_log_set_file(NULL);
	text = slurp(logfile);
	for (i = 0; i < 300; i++) {
		snprintf(pat, sizeof(pat), "<%s>", rcpts[i]);
		SG_CHECK_MSG(strstr(text, pat) != NULL, "%s missing", names[i]);
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		SG_CHECK_MSG(strlen(line) < 2048, "line of %zu bytes",
			     strlen(line));
		SG_CHECK(strstr(line, "4XyZ1abc: ") != NULL);
		SG_CHECK(strstr(line, " action=") != NULL);
	}
	SG_CHECK_MSG(lines > 3, "%zu lines", lines);
	free(text);
	text = slurp(logfile);
	SG_CHECK(matches(text, "rcpts=1-[0-9]+/300 action=plain$"));
	SG_CHECK(matches(text, "rcpts=[0-9]+-300/300 action=plain$"));
	SG_CHECK(matches(text, "4XyZ1abc: inbound: copy=1/1 to=<recipient-"
			 "with-a-long-name-000@partner.example>,<recipient-"
			 "with-a-long-name-001@partner.example> action=relayed$"));
	free(text);
}

static void test_signal_line(void)
{
	char	want[300];
	char   *text;

	sg_log_set_file(logfile);
	SG_CHECK(truncate(logfile, 0) == 0);
	sg_log_set_queue_id("4XyZ1abc");
	sg_log_signal("result=deferred reason=\"time limit\"");
	sg_log_set_file(NULL);
	text = slurp(logfile);
	snprintf(want, sizeof(want), "^[A-Z][a-z]{2} [ 1-3][0-9] "
		 "[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [^ ]+ smimegw-test\\[%ld\\]: "
		 "4XyZ1abc: result=deferred reason=\"time limit\"\n$",
		 (long) getpid());
	SG_CHECK_MSG(matches(text, want), "log file:\n%s", text);
	free(text);
}

int	main(void)
{
	snprintf(logfile, sizeof(logfile), "%s/smimegw.log", sg_testkit_dir());
	snprintf(errfile, sizeof(errfile), "%s/stderr", sg_testkit_dir());
	sg_log_open("smimegw-test");
	SG_RUN(test_log_file_lines);
	SG_RUN(test_copy_to_stderr);
	SG_RUN(test_fallback_to_stderr);
	SG_RUN(test_long_line_is_cut_not_lost);
	SG_RUN(test_rcpts_split_not_cut);
	SG_RUN(test_signal_line);
	return sg_test_done();
}
