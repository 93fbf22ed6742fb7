/*
 * NAME
 *	sg_log 3
 * SUMMARY
 *	mail logging with the Postfix queue id
 * DESCRIPTION
 *	Each line is formatted once, with control characters replaced so
 *	that no caller can forge a second log line, and then handed to
 *	every destination that applies (see sg_log(3h)). The log file is
 *	opened for each line so that log rotation needs no signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_log.h"
#include "sg_mem.h"

#define SG_LOG_SOCKET	"/dev/log"
#define SG_LOG_POSTLOG	"/usr/sbin/postlog"
#define SG_LOG_LINE_MAX	2048

static char sg_log_ident[64] = "smimegw";	/* openlog() keeps a pointer */
static char sg_log_queue_id[64];
static char *sg_log_file;
static bool sg_log_stderr;
static bool sg_log_last_delivered = true;
static int sg_log_sock = -1;		/* for sg_log_signal() */
static int sg_log_feed = -1;		/* our postlog's standard input */
static long sg_log_gmtoff;		/* local time offset, for the same */
static char sg_log_host[64] = "localhost";
static char sg_log_main_cf[256] = "/etc/postfix/main.cf";

/* sg_log_open - set the program name and open syslog */
void	sg_log_open(const char *ident)
{
	struct sockaddr_un sun;
	struct tm tm;
	time_t	now = time(NULL);
	char   *dot;

	snprintf(sg_log_ident, sizeof(sg_log_ident), "%s", ident);
	tzset();
	openlog(sg_log_ident, LOG_PID, LOG_MAIL);
	/* postlog reads MAIL_CONFIG, which pipe(8) exports by default. */
	if (getenv("MAIL_CONFIG") != NULL && *getenv("MAIL_CONFIG") == '/')
		snprintf(sg_log_main_cf, sizeof(sg_log_main_cf), "%s/main.cf",
			 getenv("MAIL_CONFIG"));
	/* What sg_log_signal() cannot compute safely later. */
	if (localtime_r(&now, &tm) != NULL)
		sg_log_gmtoff = tm.tm_gmtoff;
	if (gethostname(sg_log_host, sizeof(sg_log_host)) != 0)
		snprintf(sg_log_host, sizeof(sg_log_host), "localhost");
	sg_log_host[sizeof(sg_log_host) - 1] = '\0';
	if ((dot = strchr(sg_log_host, '.')) != NULL)
		*dot = '\0';
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", SG_LOG_SOCKET);
	if (sg_log_sock < 0
	    && (sg_log_sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0
	    && connect(sg_log_sock, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
		(void) close(sg_log_sock);
		sg_log_sock = -1;
	}
}

/* sg_log_set_queue_id - prefix for later lines; NULL or "" for NOQUEUE */
void	sg_log_set_queue_id(const char *queue_id)
{
	snprintf(sg_log_queue_id, sizeof(sg_log_queue_id), "%s",
		 queue_id ? queue_id : "");
}

/* sg_log_set_file - append lines to this file too; NULL or "" for none */
void	sg_log_set_file(const char *path)
{
	free(sg_log_file);
	sg_log_file = (path && *path) ? sg_strdup(path) : NULL;
}

/* sg_log_to_stderr - copy every line to stderr as well */
void	sg_log_to_stderr(bool on)
{
	sg_log_stderr = on;
}

/* sg_log_write_all - write a whole buffer, retrying short writes */
static bool sg_log_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		buf += n;
		len -= (size_t) n;
	}
	return true;
}

/* sg_log_syslog_up - true when a syslog daemon listens on /dev/log */
static bool sg_log_syslog_up(void)
{
	struct stat sb;

	return stat(SG_LOG_SOCKET, &sb) == 0 && S_ISSOCK(sb.st_mode);
}

/* sg_log_to_file - append "Mon DD HH:MM:SS host ident[pid]: line" */
static bool sg_log_to_file(const char *line)
{
	char	buf[SG_LOG_LINE_MAX + 512];
	char	stamp[32];
	struct tm tm;
	time_t	now = time(NULL);
	bool	ok;
	int	fd, n;

	if (localtime_r(&now, &tm) == NULL
	    || strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "-");
	n = snprintf(buf, sizeof(buf), "%s %s %s[%ld]: %s\n", stamp,
		     sg_log_host, sg_log_ident, (long) getpid(), line);
	if (n < 0)
		return false;
	if ((size_t) n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	fd = open(sg_log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC
		  | O_NOCTTY, 0600);
	if (fd < 0)
		return false;
	ok = sg_log_write_all(fd, buf, (size_t) n);	/* one write: atomic */
	return close(fd) == 0 && ok;
}

/*
 * sg_log_spawn - run postlog with argv, its standard input in (-1:
 * /dev/null), its output to /dev/null. With detach, in a grandchild of a
 * session of its own that nobody waits for (a postlog that cannot reach
 * postlogd sleeps a second before it gives up): true once started. Else
 * true when postlog exited 0. Async-signal-safe with detach: fork(),
 * execv(), _exit() and descriptor calls only.
 */
static bool sg_log_spawn(char **argv, int in, bool detach)
{
	pid_t	pid, ret;
	int	status, null;

	if (access(SG_LOG_POSTLOG, X_OK) != 0)
		return false;
	/* Without Postfix's main.cf postlog can only fail, a second later. */
	if (detach && access(sg_log_main_cf, R_OK) != 0)
		return false;
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return false;
	if ((pid = fork()) == 0) {
		if (dup2(in >= 0 ? in : null, 0) < 0 || dup2(null, 1) < 0
		    || dup2(null, 2) < 0)
			_exit(127);
		closefrom(3);
		if (detach) {
			(void) setsid();	/* out of a group pipe(8) kills */
			if ((pid = fork()) != 0)
				_exit(pid < 0 ? 127 : 0);
		}
		execv(SG_LOG_POSTLOG, argv);
		_exit(127);
	}
	(void) close(null);
	if (pid < 0)
		return false;
	while ((ret = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		 /* void */ ;
	return ret == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * sg_log_feed_start - start one "postlog -t ident -p info" that reads
 * lines from a socket of ours until we exit (its end of input), detached:
 * one postlog per message instead of one per line. Async-signal-safe.
 */
static bool sg_log_feed_start(void)
{
	char   *argv[] = {"postlog", "-t", sg_log_ident, "-p", "info", NULL};
	int	sv[2];
	bool	ok;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return false;
	ok = sg_log_spawn(argv, sv[1], true);
	(void) close(sv[1]);
	if (!ok) {
		(void) close(sv[0]);
		return false;
	}
	sg_log_feed = sv[0];
	return true;
}

/*
 * sg_log_feed_line - one line to our postlog ("warning: " and the like
 * written out, as postlog -p would); false when it cannot take it.
 * Async-signal-safe once the feed is started.
 */
static bool sg_log_feed_line(const char *level, const char *line)
{
	const char *parts[4] = {level, ": ", line, "\n"};
	ssize_t	n;
	size_t	i, len;
	const char *p;

	if (sg_log_feed < 0 && !sg_log_feed_start())
		return false;
	for (i = strcmp(level, "info") == 0 ? 2 : 0; i < 4; i++) {
		for (p = parts[i], len = strlen(p); len > 0; p += n, len -= n) {
			if ((n = send(sg_log_feed, p, len, MSG_NOSIGNAL)) < 0) {
				if (errno == EINTR) {
					n = 0;
					continue;
				}
				return false;
			}
		}
	}
	return true;
}

/* sg_log_emit - format one line and send it where it must go */
static void sg_log_emit(int priority, const char *level, const char *fmt,
			va_list ap) __attribute__((format(printf, 3, 0)));

static void sg_log_emit(int priority, const char *level, const char *fmt,
			va_list ap)
{
	char	line[SG_LOG_LINE_MAX];
	char	copy[SG_LOG_LINE_MAX + sizeof(sg_log_ident) + 4];
	int	saved_errno = errno;
	bool	done = false;
	size_t	n;
	char   *p;
	int	len;

	n = (size_t) snprintf(line, sizeof(line), "%s: ",
			      sg_log_queue_id[0] ? sg_log_queue_id : "NOQUEUE");
	errno = saved_errno;			/* for %m */
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	for (p = line; *p; p++)
		if ((unsigned char) *p < 0x20 || *p == 0x7f)
			*p = '?';		/* one call, one line */

	if (sg_log_syslog_up()) {
		syslog(LOG_MAIL | priority, "%s", line);
		done = true;
	}
	if (sg_log_file != NULL && sg_log_to_file(line))
		done = true;
	if (!done)
		done = sg_log_feed_line(level, line);
	sg_log_last_delivered = done;
	/*
	 * stderr only when asked (-n) or when a person is watching: under
	 * pipe(8), stderr becomes the bounce text a remote sender reads.
	 * sg_log_check() lets -n refuse a setup where this drops lines.
	 */
	if (sg_log_stderr || (!done && isatty(STDERR_FILENO))) {
		len = snprintf(copy, sizeof(copy), "%s: %s\n", sg_log_ident,
			       line);
		if (len > 0)
			(void) sg_log_write_all(STDERR_FILENO, copy,
						(size_t) len);
	}
	errno = saved_errno;
}

/* sg_log_info - informational line */
void	sg_log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	sg_log_emit(LOG_INFO, "info", fmt, ap);
	va_end(ap);
}

/* sg_log_warning - something odd that did not stop the work */
void	sg_log_warning(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	sg_log_emit(LOG_WARNING, "warning", fmt, ap);
	va_end(ap);
}

/* sg_log_error - a failure */
void	sg_log_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	sg_log_emit(LOG_ERR, "error", fmt, ap);
	va_end(ap);
}

/*
 * sg_log_check - can lines leave this process by some channel? Sends one
 * line through the channel that would be used (syslog is trusted when its
 * socket exists: it cannot confirm delivery).
 */
bool	sg_log_check(char *why, size_t size)
{
	static const char line[] = "NOQUEUE: configuration check (smimegw -n)";
	char   *argv[] = {"postlog", "-t", sg_log_ident, "-p", "info", "--",
		(char *) line, NULL};

	if (sg_log_syslog_up())
		return true;
	if (sg_log_file != NULL) {
		if (sg_log_to_file(line))
			return true;
		snprintf(why, size, "log_file %s cannot be written: %s",
			 sg_log_file, strerror(errno));
		return false;
	}
	if (sg_log_spawn(argv, -1, false))
		return true;
	snprintf(why, size, "no syslog socket %s, no [gateway] log_file, and "
		 "%s does not work for this user (is it set-gid postdrop, and "
		 "does Postfix have maillog_file?): log lines would be lost",
		 SG_LOG_SOCKET, SG_LOG_POSTLOG);
	return false;
}

/* sg_log_delivered - did the last line reach at least one channel? */
bool	sg_log_delivered(void)
{
	return sg_log_last_delivered;
}

/* sg_log_at - an info or a warning line */
static void sg_log_at(bool warning, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sg_log_at(bool warning, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	if (warning)
		sg_log_emit(LOG_WARNING, "warning", fmt, ap);
	else
		sg_log_emit(LOG_INFO, "info", fmt, ap);
	va_end(ap);
}

/*
 * sg_log_rcpts - "head to=<a>,<b> tail" for any number of recipients,
 * split so that no line is cut (sg_log_emit's limit is SG_LOG_LINE_MAX).
 */
void	sg_log_rcpts(bool warning, const char *head, char *const *rcpts,
		     size_t n, const char *tail)
{
	const size_t budget = SG_LOG_LINE_MAX - 700;	/* head, tail, qid */
	sg_buf	list = SG_BUF_INIT;
	size_t	first = 0, i, alen;

	if (n == 0) {
		sg_log_at(warning, "%s to=<> %s", head, tail);
		return;
	}
	while (first < n) {
		sg_buf_reset(&list);
		for (i = first; i < n; i++) {
			/* an absurdly long address is shortened, not the line */
			alen = strlen(rcpts[i]);
			if (alen > budget - 40)
				alen = budget - 40;
			if (i > first && list.len + alen + 3 > budget)
				break;
			sg_buf_append_str(&list, i > first ? ",<" : "<");
			sg_buf_append(&list, rcpts[i], alen);
			sg_buf_append_str(&list, alen < strlen(rcpts[i])
					  ? "...>" : ">");
		}
		if (first == 0 && i == n)
			sg_log_at(warning, "%s to=%s %s", head,
				  (char *) list.data, tail);
		else
			sg_log_at(warning, "%s to=%s rcpts=%zu-%zu/%zu %s",
				  head, (char *) list.data, first + 1, i, n,
				  tail);
		first = i;
	}
	sg_buf_free(&list);
}

/* sg_log_cat - append a string to a fixed buffer; async-signal-safe */
static size_t sg_log_cat(char *buf, size_t size, size_t len, const char *s)
{
	while (*s && len + 1 < size)
		buf[len++] = *s++;
	buf[len] = '\0';
	return len;
}

/* sg_log_num - append a decimal number, zero-padded to width */
static size_t sg_log_num(char *buf, size_t size, size_t len,
			 unsigned long v, int width, char pad)
{
	char	digits[24];
	int	n = 0;

	do {
		digits[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < (int) sizeof(digits));
	while (n < width && n < (int) sizeof(digits))
		digits[n++] = pad;
	while (n > 0 && len + 1 < size)
		buf[len++] = digits[--n];
	buf[len] = '\0';
	return len;
}

/*
 * sg_log_signal_stamp - "Mon DD HH:MM:SS" of now, local time, by
 * arithmetic alone (localtime() is not async-signal-safe); the offset
 * was taken by sg_log_open().
 */
static size_t sg_log_signal_stamp(char *buf, size_t size, size_t len)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	long long t = (long long) time(NULL) + sg_log_gmtoff;
	long long days = t / 86400, secs = t % 86400, era, yoe, doy, mp;
	char	mon[4];
	unsigned day;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* civil date from days since 1970-01-01, in 400-year eras */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doy = days - era * 146097;			/* day of era */
	yoe = (doy - doy / 1460 + doy / 36524 - doy / 146096) / 365;
	doy = doy - (365 * yoe + yoe / 4 - yoe / 100);	/* day of year */
	mp = (5 * doy + 2) / 153;			/* March = 0 */
	day = (unsigned) (doy - (153 * mp + 2) / 5 + 1);
	mp = mp < 10 ? mp + 2 : mp - 10;		/* January = 0 */
	memcpy(mon, months + 3 * mp, 3);
	mon[3] = '\0';
	len = sg_log_cat(buf, size, len, mon);
	len = sg_log_cat(buf, size, len, " ");
	len = sg_log_num(buf, size, len, day, 2, ' ');
	len = sg_log_cat(buf, size, len, " ");
	len = sg_log_num(buf, size, len, (unsigned long) (secs / 3600), 2, '0');
	len = sg_log_cat(buf, size, len, ":");
	len = sg_log_num(buf, size, len, (unsigned long) (secs / 60 % 60), 2,
			 '0');
	len = sg_log_cat(buf, size, len, ":");
	return sg_log_num(buf, size, len, (unsigned long) (secs % 60), 2, '0');
}

/* sg_log_signal - async-signal-safe: one warning line from a handler */
void	sg_log_signal(const char *text)
{
	static char line[512], rec[1024];
	size_t	n = 0, m = 0, head;
	bool	done = false;
	int	fd, saved_errno = errno;

	n = sg_log_cat(line, sizeof(line), n, sg_log_queue_id[0]
		       ? sg_log_queue_id : "NOQUEUE");
	n = sg_log_cat(line, sizeof(line), n, ": ");
	(void) sg_log_cat(line, sizeof(line), n, text);

	/* "<pri>Mon DD HH:MM:SS ident[pid]: " */
	m = sg_log_cat(rec, sizeof(rec), m, "<");
	m = sg_log_num(rec, sizeof(rec), m, LOG_MAIL | LOG_WARNING, 1, '0');
	m = sg_log_cat(rec, sizeof(rec), m, ">");
	head = m;
	m = sg_log_signal_stamp(rec, sizeof(rec), m);
	m = sg_log_cat(rec, sizeof(rec), m, " ");
	if (sg_log_sock >= 0) {
		size_t	k = sg_log_cat(rec, sizeof(rec), m, sg_log_ident);

		k = sg_log_cat(rec, sizeof(rec), k, "[");
		k = sg_log_num(rec, sizeof(rec), k, (unsigned long) getpid(),
			       1, '0');
		k = sg_log_cat(rec, sizeof(rec), k, "]: ");
		k = sg_log_cat(rec, sizeof(rec), k, line);
		done = send(sg_log_sock, rec, k, MSG_NOSIGNAL) == (ssize_t) k;
	}
	if (sg_log_file != NULL) {
		/* "Mon DD HH:MM:SS host ident[pid]: line\n" */
		size_t	k = sg_log_cat(rec, sizeof(rec), m, sg_log_host);

		memmove(rec, rec + head, k - head);
		k -= head;
		k = sg_log_cat(rec, sizeof(rec), k, " ");
		k = sg_log_cat(rec, sizeof(rec), k, sg_log_ident);
		k = sg_log_cat(rec, sizeof(rec), k, "[");
		k = sg_log_num(rec, sizeof(rec), k, (unsigned long) getpid(),
			       1, '0');
		k = sg_log_cat(rec, sizeof(rec), k, "]: ");
		k = sg_log_cat(rec, sizeof(rec), k, line);
		k = sg_log_cat(rec, sizeof(rec), k, "\n");
		fd = open(sg_log_file, O_WRONLY | O_APPEND | O_CREAT
			  | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd >= 0) {
			done |= write(fd, rec, k) == (ssize_t) k;
			(void) close(fd);
		}
	}
	if (!done)
		done = sg_log_feed_line("warning", line);
	if (sg_log_stderr || (!done && isatty(STDERR_FILENO))) {
		if (write(STDERR_FILENO, line, strlen(line)) < 0
		    || write(STDERR_FILENO, "\n", 1) < 0)
			done = false;
	}
	errno = saved_errno;
}
