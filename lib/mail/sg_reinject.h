/*
 * NAME
 *	sg_reinject 3h
 * SUMMARY
 *	hand a message back to Postfix through sendmail(1)
 * SYNOPSIS
 *	#include "sg_reinject.h"
 *
 *	st = sg_reinject(cfg->sendmail, sender, rcpts, nrcpts, data, len);
 *	st = sg_reinject_buf(cfg->sendmail, sender, rcpts, nrcpts, &buf);
 *	sg_reinject_abort();		(from a signal handler)
 *
 *	sg_reinject_spool *sp;
 *	st = sg_reinject_spool_new_in(NULL, &sp);
 *	st = sg_reinject_spool_write(sp, bytes, n);	(any number of times)
 *	st = sg_reinject_spool_seal(sp);
 *	st = sg_reinject_spooled(cfg->sendmail, sender, rcpts, nrcpts, sp);
 *	sg_reinject_spool_free(sp);
 * DESCRIPTION
 *	Runs "SENDMAIL -G -i -f SENDER -- RCPT..." with execv (no shell, never
 *	-t) and waits for it. An empty sender (the null sender) is passed as
 *	-f "" (an empty argv element).
 *
 *	sendmail never reads a copy that is still being written: the whole
 *	message is first written into an anonymous memory file (memfd, in
 *	RAM or swap like the rest of our memory, never in a file system),
 *	sealed against change, and that file, at offset 0, is sendmail's
 *	standard input. Its end of input is the end of the message whatever
 *	happens to us. Its stdout and stderr are /dev/null, its other
 *	descriptors are closed; it runs in a process group of its own.
 *
 *	sendmail dies with us: it gets SIGKILL when we end for any reason
 *	(SIGKILL, OOM, pipe(8)'s time-limit kill of our process group), so a
 *	copy that we could not confirm is not queued behind Postfix's back
 *	either. The kernel drops that setting when it executes a set-uid or
 *	set-gid program: sendmail itself must not be one (Postfix's is not;
 *	its set-gid postdrop is its child and discards a queue file whose
 *	writer died before the end).
 *
 *	The message bytes are written as given (callers pass LF line ends).
 *	While it runs the message is held twice in memory, except with
 *	sg_reinject_buf() of a memory-file buffer (sg_buf_memfile()): that
 *	buffer's own file, sealed, is sendmail's standard input, and the
 *	message exists once.
 *
 *	A spool is such a file filled piece by piece (an encrypted
 *	copy written while it is encrypted, sg_cms_encrypt_stream()), so the
 *	copy exists once, in the file, and never as a buffer too. It is
 *	private to the process (memfd, or for ciphertext an O_TMPFILE file
 *	in the state directory: no name in any file system, mode 0600, gone
 *	with the last descriptor). Only a sealed spool
 *	is handed to sendmail: a copy cut short by a failed write, or one
 *	whose writer gave up half-way, is never sent; the caller frees it.
 *
 *	sg_reinject_abort() kills the running sendmail's process group
 *	(sendmail and what it started), so that an interrupted copy is never
 *	queued. It is async-signal-safe: for SIGALRM and SIGTERM handlers.
 *	The window in which a signal handler cannot see a running sendmail
 *	is closed: signals are blocked from fork() until its pid is known.
 * SEQUENCES OF COPIES
 *	Each call is one copy and one queue file. A copy that sendmail
 *	accepted is in the queue; when a later copy fails (or we are killed
 *	between copies) Postfix retries the whole message and the accepted
 *	copies go out twice. Callers keep that window small by building
 *	every copy before reinjecting the first, and by sending them back to
 *	back with nothing that can fail in between. A duplicate is always
 *	complete; a truncated copy is never queued.
 * DIAGNOSTICS
 *	SG_OK only when sendmail exited 0 after reading the whole message.
 *	No memory for the copy, fork or exec failure, a non-zero exit, death
 *	by a signal, or an exit 0 before the end of the message give
 *	SG_TEMPFAIL with a sentence that says which ("sendmail exited with
 *	status 75", "sendmail killed by signal 9").
 */
#ifndef SG_REINJECT_H
#define SG_REINJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"
#include "sg_status.h"

sg_status sg_reinject(const char *sendmail, const char *sender,
		      char *const *rcpts, size_t nrcpts,
		      const uint8_t *data, size_t len);

/*
 * sg_reinject_buf - sg_reinject() of buf's bytes; a memory-file buffer
 * (sg_buf_memfile) is sealed and is itself sendmail's standard input (no
 * second copy); may be repeated for several copies of one buffer. The
 * buffer stays the caller's (and its descriptor open): once sealed it can
 * be read and freed, never changed. SG_TEMPFAIL when it cannot be sealed.
 */
sg_status sg_reinject_buf(const char *sendmail, const char *sender,
			  char *const *rcpts, size_t nrcpts, sg_buf *buf);

/*
 * sg_reinject_abort - kill the running sendmail, and every process it
 * started (it runs in a process group of its own), so that an interrupted
 * copy is never queued. Async-signal-safe: for SIGALRM and SIGTERM
 * handlers.
 */
void	sg_reinject_abort(void);

typedef struct sg_reinject_spool sg_reinject_spool;

/*
 * sg_reinject_spool_new_in - an empty file for one copy: a memory file,
 * or, for ciphertext only, an unnamed file (O_TMPFILE, mode 0600, never
 * linked, gone with its last descriptor) in dir, so that a large copy
 * costs disk, not memory. A memory file when dir is NULL or empty or
 * cannot hold such a file. Sealing a file leaves only a read-only
 * descriptor to it where /proc can give one.
 */
sg_status sg_reinject_spool_new_in(const char *dir, sg_reinject_spool **sp);

/* sg_reinject_spool_on_disk - is the copy in a file rather than in memory? */
bool	sg_reinject_spool_on_disk(const sg_reinject_spool *sp);

/* sg_reinject_spool_write - append to the copy (fits sg_cms_sink) */
sg_status sg_reinject_spool_write(void *sp, const uint8_t *data, size_t len);

/* sg_reinject_spool_seal - the copy is complete; SG_TEMPFAIL after any
 * failed write */
sg_status sg_reinject_spool_seal(sg_reinject_spool *sp);

/* sg_reinject_spool_size - bytes written */
size_t	sg_reinject_spool_size(const sg_reinject_spool *sp);

/* sg_reinject_spooled - sg_reinject() of a sealed spool (may be repeated) */
sg_status sg_reinject_spooled(const char *sendmail, const char *sender,
			      char *const *rcpts, size_t nrcpts,
			      sg_reinject_spool *sp);

/* sg_reinject_spool_free - close and release; NULL is fine */
void	sg_reinject_spool_free(sg_reinject_spool *sp);

#endif
