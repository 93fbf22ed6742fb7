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
 *	Lines are never lost silently: when /dev/log is not a socket (no
 *	syslog daemon, as in containers and CI), each line goes instead to
 *	the log file if one is set, else through Postfix's postlog(1)
 *	(/usr/sbin/postlog, which reaches postlogd when Postfix has
 *	maillog_file set), else to stderr. With a log file set, lines are
 *	appended there in addition to syslog, each with a timestamp, the
 *	program name and pid.
 *
 *	sg_log_to_stderr(true) copies every line to stderr too (for -n and
 *	interactive use); the filter proper never writes logs to stdout.
 *
 *	No message content and no key material is ever logged by callers.
 */
#ifndef SG_LOG_H
#define SG_LOG_H

#include <stdbool.h>

void	sg_log_open(const char *ident);
void	sg_log_set_queue_id(const char *queue_id);
void	sg_log_set_file(const char *path);
void	sg_log_to_stderr(bool on);

void	sg_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	sg_log_warning(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void	sg_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
