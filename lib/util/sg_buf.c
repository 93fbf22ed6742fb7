/*
 * NAME
 *	sg_buf 3
 * SUMMARY
 *	growable byte buffers
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_mem.h"

/* sg_buf_mark - the bytes up to len and its NUL have been written */
static void sg_buf_mark(sg_buf *buf)
{
	if (buf->len + 1 > buf->hwm)
		buf->hwm = buf->len + 1;
}

/* sg_buf_reserve - make room for extra more bytes (plus the NUL) */
void	sg_buf_reserve(sg_buf *buf, size_t extra)
{
	size_t	need;
	size_t	cap;

	if (extra > SIZE_MAX - buf->len - 1)
		need = SIZE_MAX;	/* sg_realloc will fail and exit */
	else
		need = buf->len + extra + 1;
	if (need <= buf->cap)
		return;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap = (cap > SIZE_MAX / 2) ? need : cap * 2;
	buf->data = sg_realloc(buf->data, cap);
	buf->cap = cap;
	buf->data[buf->len] = '\0';
	sg_buf_mark(buf);
}

/* sg_buf_append - append bytes */
void	sg_buf_append(sg_buf *buf, const void *data, size_t len)
{
	sg_buf_reserve(buf, len);
	if (len)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
	sg_buf_mark(buf);
}

/*
 * sg_buf_splice - replace the old_len bytes at off with len bytes of data,
 * in place: the bytes after them move, nothing else is copied
 */
void	sg_buf_splice(sg_buf *buf, size_t off, size_t old_len,
		      const void *data, size_t len)
{
	if (off > buf->len || old_len > buf->len - off)
		abort();		/* caller's range is outside the buffer */
	if (len > old_len)
		sg_buf_reserve(buf, len - old_len);
	if (buf->data == NULL)
		return;
	memmove(buf->data + off + len, buf->data + off + old_len,
		buf->len - off - old_len);
	if (len)
		memcpy(buf->data + off, data, len);
	buf->len = buf->len - old_len + len;
	buf->data[buf->len] = '\0';
	sg_buf_mark(buf);
}

/* sg_buf_append_str - append a C string without its NUL */
void	sg_buf_append_str(sg_buf *buf, const char *str)
{
	sg_buf_append(buf, str, strlen(str));
}

/* sg_buf_set_len - set the length after writing into reserved space */
void	sg_buf_set_len(sg_buf *buf, size_t len)
{
	if (len == 0 && buf->data == NULL)
		return;
	if (len + 1 > buf->cap)
		abort();		/* caller wrote past its reservation */
	buf->len = len;
	buf->data[len] = '\0';
	sg_buf_mark(buf);
}

/* sg_buf_reset - forget the contents, keep the memory */
void	sg_buf_reset(sg_buf *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

/* sg_buf_free - release the memory */
void	sg_buf_free(sg_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = buf->hwm = 0;
}

/* sg_buf_wipe_free - clear every byte ever written, then release it */
void	sg_buf_wipe_free(sg_buf *buf)
{
	sg_wipe_free(buf->data, buf->hwm < buf->cap ? buf->hwm : buf->cap);
	buf->data = NULL;
	buf->len = buf->cap = buf->hwm = 0;
}

/* sg_buf_read_fd - append everything readable from fd until EOF */
sg_status sg_buf_read_fd(sg_buf *buf, int fd, size_t max_len)
{
	size_t	start = buf->len;
	ssize_t	n;

	for (;;) {
		sg_buf_reserve(buf, 65536);
		n = read(fd, buf->data + buf->len, buf->cap - buf->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sg_status_make(SG_TEMPFAIL, "read error: %s",
					      strerror(errno));
		}
		if (n == 0)
			break;
		buf->len += (size_t) n;
		buf->data[buf->len] = '\0';
		sg_buf_mark(buf);
		if (buf->len - start > max_len)
			return sg_status_make(SG_REJECT,
			      "input is larger than the limit of %zu bytes",
					      max_len);
	}
	return sg_status_ok();
}

/* sg_buf_read_file - append a whole file; TEMPFAIL when it can't be read */
sg_status sg_buf_read_file(sg_buf *buf, const char *path, size_t max_len)
{
	sg_status st;
	int	fd;
	struct stat sb;

	/* O_NONBLOCK: a FIFO in place of a file must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return sg_status_make(SG_TEMPFAIL, "cannot open %s: %s",
				      path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		(void) close(fd);
		return sg_status_make(SG_TEMPFAIL, "%s is not a regular file",
				      path);
	}
	st = sg_buf_read_fd(buf, fd, max_len);
	(void) close(fd);
	if (!sg_status_is_ok(&st))
		return sg_status_make(st.code, "%s: %s", path, st.text);
	return st;
}

/* sg_buf_append_lf - append bytes with every CRLF made LF */
void	sg_buf_append_lf(sg_buf *buf, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t	i, run = 0;

	sg_buf_reserve(buf, len);
	for (i = 0; i < len; i++) {
		if (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n') {
			sg_buf_append(buf, p + run, i - run);
			run = i + 1;
		}
	}
	sg_buf_append(buf, p + run, len - run);
}

/* sg_buf_lf_from - every CRLF at or after from made LF, in place */
void	sg_buf_lf_from(sg_buf *buf, size_t from)
{
	size_t	r, w;

	if (from >= buf->len)
		return;
	for (r = w = from; r < buf->len; r++) {
		if (buf->data[r] == '\r' && r + 1 < buf->len
		    && buf->data[r + 1] == '\n')
			continue;
		buf->data[w++] = buf->data[r];
	}
	buf->len = w;
	buf->data[w] = '\0';
}

/* sg_buf_append_crlf - append bytes with every bare LF made CRLF */
void	sg_buf_append_crlf(sg_buf *buf, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t	i, run = 0;

	sg_buf_reserve(buf, len + len / 32);
	for (i = 0; i < len; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			sg_buf_append(buf, p + run, i - run);
			sg_buf_append(buf, "\r\n", 2);
			run = i + 1;
		}
	}
	sg_buf_append(buf, p + run, len - run);
}

/* sg_buf_read_private - append a regular file only its owner can access */
sg_status sg_buf_read_private(sg_buf *buf, const char *path, const char *what,
			      size_t max_len)
{
	struct stat sb;
	sg_status st;
	int	fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return sg_status_make(SG_TEMPFAIL, "cannot open %s %s: %s",
				      what, path, strerror(errno));
	if (fstat(fd, &sb) < 0) {
		st = sg_status_make(SG_TEMPFAIL, "cannot stat %s %s: %s", what,
				    path, strerror(errno));
	} else if (!S_ISREG(sb.st_mode)) {
		st = sg_status_make(SG_CONFIG, "%s %s is not a regular file",
				    what, path);
	} else if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		st = sg_status_make(SG_CONFIG, "%s %s is accessible by group "
				    "or others (mode %04o); use chmod 600",
				    what, path, (unsigned) (sb.st_mode & 07777));
	} else {
		st = sg_buf_read_fd(buf, fd, max_len);
		if (!sg_status_is_ok(&st))
			st = sg_status_make(st.code, "%s %s: %s", what, path,
					    st.text);
	}
	(void) close(fd);
	return st;
}
