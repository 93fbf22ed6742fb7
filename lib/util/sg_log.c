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
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sg_log.h"
#include "sg_mem.h"

#define SG_LOG_SOCKET	"/dev/log"
#define SG_LOG_POSTLOG	"/usr/sbin/postlog"
#define SG_LOG_LINE_MAX	2048

static char sg_log_ident[64] = "smimegw";	/* openlog() keeps a pointer */
static char sg_log_queue_id[64];
static char *sg_log_file;
static bool sg_log_stderr;

/* sg_log_open - set the program name and open syslog */
void	sg_log_open(const char *ident)
{
	snprintf(sg_log_ident, sizeof(sg_log_ident), "%s", ident);
	tzset();
	openlog(sg_log_ident, LOG_PID, LOG_MAIL);
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
	char	stamp[32], host[256];
	struct tm tm;
	time_t	now = time(NULL);
	char   *dot;
	bool	ok;
	int	fd, n;

	if (localtime_r(&now, &tm) == NULL
	    || strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "-");
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if ((dot = strchr(host, '.')) != NULL)
		*dot = '\0';
	n = snprintf(buf, sizeof(buf), "%s %s %s[%ld]: %s\n", stamp, host,
		     sg_log_ident, (long) getpid(), line);
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

/* sg_log_postlog - run "postlog -t ident -p level -- line"; wait for it */
static bool sg_log_postlog(const char *level, const char *line)
{
	char   *argv[] = {"postlog", "-t", sg_log_ident, "-p", (char *) level,
		"--", (char *) line, NULL};
	pid_t	pid, ret;
	int	status, fd;

	if (access(SG_LOG_POSTLOG, X_OK) != 0)
		return false;
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return false;
	if ((pid = fork()) < 0) {
		(void) close(fd);
		return false;
	}
	if (pid == 0) {
		if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		closefrom(3);
		execv(SG_LOG_POSTLOG, argv);
		_exit(127);
	}
	(void) close(fd);
	while ((ret = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		 /* void */ ;
	return ret == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
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
		done = sg_log_postlog(level, line);
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

	if (sg_log_syslog_up())
		return true;
	if (sg_log_file != NULL) {
		if (sg_log_to_file(line))
			return true;
		snprintf(why, size, "log_file %s cannot be written: %s",
			 sg_log_file, strerror(errno));
		return false;
	}
	if (sg_log_postlog("info", line))
		return true;
	snprintf(why, size, "no syslog socket %s, no [gateway] log_file, and "
		 "%s does not work for this user (is it set-gid postdrop, and "
		 "does Postfix have maillog_file?): log lines would be lost",
		 SG_LOG_SOCKET, SG_LOG_POSTLOG);
	return false;
}
