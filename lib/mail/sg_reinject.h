/*
 * NAME
 *	sg_reinject 3h
 * SUMMARY
 *	hand a message back to Postfix through sendmail(1)
 * SYNOPSIS
 *	#include "sg_reinject.h"
 *
 *	st = sg_reinject(cfg->sendmail, sender, rcpts, nrcpts, data, len);
 * DESCRIPTION
 *	Runs "SENDMAIL -G -i -f SENDER -- RCPT..." with execv (no shell, never
 *	-t), writes the message to its standard input, and waits for it. An
 *	empty sender (the null sender) is passed as -f "" (an empty argv
 *	element). The child's stdin is the pipe, its stdout and stderr are
 *	/dev/null, its other descriptors are closed; SIGPIPE is ignored in
 *	the parent while writing.
 *
 *	The message bytes are written as given (callers pass LF line ends).
 * DIAGNOSTICS
 *	SG_OK only when sendmail exited 0. Fork or exec failure, a write
 *	error, a non-zero exit or death by a signal give SG_TEMPFAIL with a
 *	sentence that says which ("sendmail exited with status 75",
 *	"sendmail killed by signal 9").
 */
#ifndef SG_REINJECT_H
#define SG_REINJECT_H

#include <stddef.h>
#include <stdint.h>

#include "sg_status.h"

sg_status sg_reinject(const char *sendmail, const char *sender,
		      char *const *rcpts, size_t nrcpts,
		      const uint8_t *data, size_t len);

/*
 * sg_reinject_abort - kill the running sendmail, and every process it
 * started (it runs in a process group of its own), so that an interrupted
 * copy is never queued. Async-signal-safe: for a SIGALRM handler.
 */
void	sg_reinject_abort(void);

#endif
