/*
 * NAME
 *	sg_buf 3h
 * SUMMARY
 *	growable byte buffers
 * SYNOPSIS
 *	#include "sg_buf.h"
 *
 *	sg_buf b = SG_BUF_INIT;
 *	sg_buf_append(&b, data, len);
 *	...
 *	sg_buf_free(&b);
 * DESCRIPTION
 *	A buffer owns its bytes. Growth is geometric, so appending N bytes
 *	costs O(N) in total. The data is always followed by one NUL byte that
 *	is not counted in len, so text can be handed to string functions.
 *	sg_buf_wipe_free() is for buffers that held secrets or plaintext.
 *
 *	A buffer made a memory file (sg_buf_memfile(), before its first
 *	byte) keeps its bytes in an anonymous memory file (memfd: RAM or
 *	swap, never a file system) mapped shared into our memory, so that
 *	the file itself can later be handed to another program (sendmail's
 *	standard input, sg_reinject_buf()) instead of a copy of it. Every
 *	function below works on it as on any buffer; its pages are our
 *	memory as much as malloc's are (shared RSS). Once sealed it is
 *	read-only for good: any change aborts; it can be read and freed.
 */
#ifndef SG_BUF_H
#define SG_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_status.h"

typedef struct sg_buf {
	uint8_t *data;		/* NULL until the first byte arrives */
	size_t	len;
	size_t	cap;
	size_t	hwm;		/* bytes ever written (NUL included): what
				 * sg_buf_wipe_free() clears, not the whole
				 * capacity, whose untouched pages would
				 * otherwise become resident just to be
				 * cleared */
	int	memfd;		/* the memory file's descriptor + 1; 0 (as
				 * SG_BUF_INIT has it): malloc'd bytes */
	int	sealed;		/* 1 once sealed; -errno when sealing failed
				 * (then the buffer can only be freed) */
} sg_buf;

#define SG_BUF_INIT { NULL, 0, 0, 0, 0, 0 }

/* sg_buf_reserve - make room for extra more bytes (plus the NUL) */
void	sg_buf_reserve(sg_buf *buf, size_t extra);

/* sg_buf_append - append bytes */
void	sg_buf_append(sg_buf *buf, const void *data, size_t len);

/*
 * sg_buf_splice - replace old_len bytes at off with len bytes, in place
 * (data must not point into buf)
 */
void	sg_buf_splice(sg_buf *buf, size_t off, size_t old_len,
		      const void *data, size_t len);

/* sg_buf_append_str - append a C string without its NUL */
void	sg_buf_append_str(sg_buf *buf, const char *str);

/* sg_buf_append_lf - append bytes with every CRLF made LF */
void	sg_buf_append_lf(sg_buf *buf, const void *data, size_t len);

/* sg_buf_lf_from - every CRLF at or after offset from made LF, in place */
void	sg_buf_lf_from(sg_buf *buf, size_t from);

/* sg_buf_append_crlf - append bytes with every bare LF made CRLF */
void	sg_buf_append_crlf(sg_buf *buf, const void *data, size_t len);

/* sg_buf_set_len - set the length after writing into reserved space */
void	sg_buf_set_len(sg_buf *buf, size_t len);

/* sg_buf_reset - forget the contents, keep the memory */
void	sg_buf_reset(sg_buf *buf);

/*
 * sg_buf_free - release the memory (a memory file is unmapped and closed);
 * the buffer is SG_BUF_INIT again
 */
void	sg_buf_free(sg_buf *buf);

/*
 * sg_buf_wipe_free - clear every byte ever written, then release it; a
 * sealed memory file cannot be cleared and is only released
 */
void	sg_buf_wipe_free(sg_buf *buf);

/*
 * sg_buf_read_some - append what one read(2) gives (into at least 64 KB of
 * room); *n is the number of bytes, 0 at the end of input; SG_TEMPFAIL on
 * a read error
 */
sg_status sg_buf_read_some(sg_buf *buf, int fd, size_t *n);

/* sg_buf_read_fd - append everything readable from fd until EOF */
sg_status sg_buf_read_fd(sg_buf *buf, int fd, size_t max_len);

/*
 * sg_buf_read_private - append a private file (a key, a password): it must
 * be a regular file (a FIFO never hangs us) that group and others cannot
 * access (mode 0600 or stricter, as OpenSMTPD and OpenDKIM require).
 * SG_CONFIG names the file and the problem; SG_TEMPFAIL when it cannot be
 * opened or read. what ("key file") starts each sentence.
 */
sg_status sg_buf_read_private(sg_buf *buf, const char *path, const char *what,
			      size_t max_len);

/* sg_buf_read_file - append a whole file; TEMPFAIL when it can't be read */
sg_status sg_buf_read_file(sg_buf *buf, const char *path, size_t max_len);

/*
 * sg_buf_memfile - an empty buffer (SG_BUF_INIT, nothing allocated) keeps
 * its bytes in an anonymous memory file from now on; SG_TEMPFAIL when the
 * file cannot be made. Its descriptor is close-on-exec and above 2. A
 * buffer that is not empty aborts. Growth that the file cannot follow
 * ends the process with status 75, as running out of memory does.
 */
sg_status sg_buf_memfile(sg_buf *buf);

/* sg_buf_is_memfile - are the bytes in a memory file? */
bool	sg_buf_is_memfile(const sg_buf *buf);

/*
 * sg_buf_memfile_seal - the bytes are final: the file is cut to len bytes
 * and sealed against any change (F_SEAL_SHRINK|GROW|WRITE|SEAL), the buffer
 * becomes read-only (data stays at the same address; data[len] still reads
 * as NUL); returns the file's descriptor, owned by buf, or -1 with errno
 * set (also on a buffer that is not a memory file), after which the buffer
 * can only be freed. Calling it again returns the same descriptor (or -1
 * again). Any later change to the buffer aborts. The descriptor's offset
 * is the caller's to use (sg_reinject_buf() rewinds it).
 */
int	sg_buf_memfile_seal(sg_buf *buf);

#endif
