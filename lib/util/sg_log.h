/*
 * NAME
 *	sg_log 3h
 * SUMMARY
 *	mail logging with the Postfix queue id
 * SYNOPSIS
 *	#include "sg_log.h"
 *
 *	sg_log_open("smimegw");
 *	sg_log_set_queue_id("4XyZ1abc");
 *	sg_log_set_file(cfg->log_file);
 *	sg_log_info("outbound: ... ");
 * DESCRIPTION
 *	Every line goes to syslog (LOG_MAIL) prefixed with the queue id, as
 *	Postfix logs ("4XyZ1abc: outbound: ..."); without a queue id the
 *	prefix is "NOQUEUE: ".
 *
 *	When /dev/log is not a socket (no syslog daemon, as in containers
 *	and CI), each line goes instead to the log file if one is set, else
 *	through Postfix's postlog(1) (/usr/sbin/postlog, set-gid postdrop,
 *	which reaches postlogd when Postfix has maillog_file set): one
 *	postlog per process, started at the first line, reads the lines
 *	from a socket until the process ends (a level other than info is
 *	written out, "warning: ...", as postlog -p would). With a log
 *	file set, lines are appended there in addition to syslog, each with a
 *	timestamp, the program name and pid.
 *
 *	stderr is used only when sg_log_to_stderr(true) was called (-n and
 *	interactive use) or stderr is a terminal: under pipe(8) it becomes
 *	the bounce text a remote sender reads. So that no line is lost
 *	silently, sg_log_check() tells whether any channel works; smimegw -n
 *	refuses a setup where none does. The filter never logs to stdout.
 *
 *	postlog is waited for only by sg_log_check() (-n): a postlog that
 *	cannot reach postlogd sleeps a second before it gives up, so at run
 *	time it is started and not waited for, and a message never stalls.
 *
 *	sg_log_delivered() tells whether the last line reached a channel
 *	(syslog socket present, log file written, or postlog started); when
 *	it did not, the filter puts the reason into its 4.x.x line instead,
 *	which Postfix logs, so that no reason is ever lost.
 *
 *	sg_log_rcpts() logs "HEAD to=<a>,<b>,... TAIL" for any number of
 *	recipients: when the list does not fit one line, it is split over
 *	several, each with HEAD, TAIL and "rcpts=FIRST-LAST/TOTAL", so that
 *	no line is cut and every recipient is named.
 *
 *	sg_log_signal() is async-signal-safe, for a signal handler that is
 *	about to _exit(): it writes "QUEUE_ID: text" to syslog (a socket of
 *	its own, made by sg_log_open()), to the log file, or through postlog,
 *	with no allocation, no stdio and no lock.
 *
 *	No message content and no key material is ever logged by callers.
 */
#ifndef SG_LOG_H
#define SG_LOG_H

#include <stdbool.h>
#include <stddef.h>

void	sg_log_open(const char *ident);
void	sg_log_set_queue_id(const char *queue_id);
void	sg_log_set_file(const char *path);
void	sg_log_to_stderr(bool on);

/* sg_log_check - false, with the reason in why, when lines would be lost */
bool	sg_log_check(char *why, size_t size);

void	sg_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	sg_log_warning(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void	sg_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* sg_log_delivered - did the last line reach at least one channel? */
bool	sg_log_delivered(void);

/* sg_log_rcpts - "head to=<...>,... tail", split over lines as needed */
void	sg_log_rcpts(bool warning, const char *head, char *const *rcpts,
		     size_t n, const char *tail);

/* sg_log_signal - async-signal-safe: one line, from a signal handler */
void	sg_log_signal(const char *text);

#endif
