/*
 * NAME
 *	sg_buf 3
 * SUMMARY
 *	growable byte buffers
 * DESCRIPTION
 *	A memory-file buffer maps its whole file, read-write and shared, at
 *	data; cap is the file's size, a whole number of pages. Growth makes
 *	the file longer (ftruncate: no page is used until it is written)
 *	and moves the mapping with mremap(MREMAP_MAYMOVE), which moves page
 *	tables, never bytes.
 *
 *	F_SEAL_WRITE is refused while any shared mapping of a writable
 *	descriptor exists, even a read-only one, so sealing replaces the
 *	mapping, in place, with a private read-only mapping of the same file
 *	(the same pages: nothing is copied, nothing can be written to them),
 *	and the rest of the reservation past the file's last page (data[len]
 *	when len is a whole number of pages) with anonymous read-only zeros,
 *	which use no memory. The reservation is never unmapped in part: free
 *	unmaps the whole of it, and nobody else's mapping can have moved into
 *	a hole in it.
 * DIAGNOSTICS
 *	A memory file that cannot grow ends the process as running out of
 *	memory does (sg_out_of_memory: exit 75).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_mem.h"

#define SG_BUF_SEALS \
	(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

/* sg_buf_page - the page size */
static size_t sg_buf_page(void)
{
	static size_t page;
	long	n;

	if (page == 0)
		page = (n = sysconf(_SC_PAGESIZE)) > 0 ? (size_t) n : 4096;
	return page;
}

/* sg_buf_fd - the memory file's descriptor */
static int sg_buf_fd(const sg_buf *buf)
{
	return buf->memfd - 1;
}

/* sg_buf_changeable - abort on a change to a sealed buffer */
static void sg_buf_changeable(const sg_buf *buf)
{
	if (buf->sealed)
		abort();		/* the caller changes final bytes */
}

/*
 * sg_buf_memfile_grow - the file and its mapping at least need bytes long
 * (geometric, in whole pages)
 */
static void sg_buf_memfile_grow(sg_buf *buf, size_t need)
{
	size_t	page = sg_buf_page();
	size_t	cap = buf->cap ? buf->cap : page;
	void   *p;

	while (cap < need)
		cap = (cap > SIZE_MAX / 2) ? need : cap * 2;
	if (cap > (size_t) INT64_MAX - page) {
		errno = EFBIG;
		sg_out_of_memory(cap);
	}
	cap = (cap + page - 1) / page * page;
	if (ftruncate(sg_buf_fd(buf), (off_t) cap) < 0)
		sg_out_of_memory(cap);
	if (buf->data == NULL)
		p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED,
			 sg_buf_fd(buf), 0);
	else
		p = mremap(buf->data, buf->cap, cap, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		sg_out_of_memory(cap);
	buf->data = p;
	buf->cap = cap;
}

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
	sg_buf_changeable(buf);
	if (need <= buf->cap)
		return;
	if (buf->memfd) {
		sg_buf_memfile_grow(buf, need);
	} else {
		cap = buf->cap ? buf->cap : 64;
		while (cap < need)
			cap = (cap > SIZE_MAX / 2) ? need : cap * 2;
		buf->data = sg_realloc(buf->data, cap);
		buf->cap = cap;
	}
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
	sg_buf_changeable(buf);
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
	sg_buf_changeable(buf);
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
	sg_buf_changeable(buf);
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

/* sg_buf_free - release the memory; the buffer is SG_BUF_INIT again */
void	sg_buf_free(sg_buf *buf)
{
	if (buf->memfd) {
		/* The whole reservation, whatever sealing left mapped in it */
		if (buf->data != NULL)
			(void) munmap(buf->data, buf->cap);
		(void) close(sg_buf_fd(buf));
	} else {
		free(buf->data);
	}
	buf->data = NULL;
	buf->len = buf->cap = buf->hwm = 0;
	buf->memfd = buf->sealed = 0;
}

/*
 * sg_buf_wipe_free - clear every byte ever written, then release it; the
 * pages of a sealed file cannot be written, and go with the file
 */
void	sg_buf_wipe_free(sg_buf *buf)
{
	if (!buf->sealed)
		sg_wipe(buf->data, buf->hwm < buf->cap ? buf->hwm : buf->cap);
	sg_buf_free(buf);
}

/* sg_buf_read_some - append what one read(2) gives; *n is 0 at EOF */
sg_status sg_buf_read_some(sg_buf *buf, int fd, size_t *n)
{
	ssize_t	got;

	sg_buf_reserve(buf, 65536);
	do {
		got = read(fd, buf->data + buf->len, buf->cap - buf->len - 1);
	} while (got < 0 && errno == EINTR);
	*n = got > 0 ? (size_t) got : 0;
	if (got < 0)
		return sg_status_make(SG_TEMPFAIL, "read error: %s",
				      strerror(errno));
	sg_buf_set_len(buf, buf->len + *n);
	return sg_status_ok();
}

/* sg_buf_read_fd - append everything readable from fd until EOF */
sg_status sg_buf_read_fd(sg_buf *buf, int fd, size_t max_len)
{
	size_t	start = buf->len, n;
	sg_status st;

	do {
		st = sg_buf_read_some(buf, fd, &n);
		if (sg_status_is_ok(&st) && buf->len - start > max_len)
			return sg_status_make(SG_REJECT,
			      "input is larger than the limit of %zu bytes",
					      max_len);
	} while (sg_status_is_ok(&st) && n > 0);
	return st;
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

	sg_buf_changeable(buf);
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

/* sg_buf_memfile - an empty buffer keeps its bytes in a memory file */
sg_status sg_buf_memfile(sg_buf *buf)
{
	int	fd, high;

	if (buf->data != NULL || buf->cap != 0 || buf->len != 0 || buf->memfd)
		abort();		/* only a buffer with nothing in it */
	fd = memfd_create("smimegw-buf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	/* Above 2, so that a child's dup2() onto 0-2 cannot clash with it */
	if (fd >= 0 && fd <= STDERR_FILENO) {
		high = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
		(void) close(fd);
		fd = high;
	}
	if (fd < 0)
		return sg_status_make(SG_TEMPFAIL, "cannot create a memory file "
				      "for a buffer: %s", strerror(errno));
	buf->memfd = fd + 1;
	buf->sealed = 0;
	buf->hwm = 0;
	return sg_status_ok();
}

/* sg_buf_is_memfile - are the bytes in a memory file? */
bool	sg_buf_is_memfile(const sg_buf *buf)
{
	return buf->memfd != 0;
}

/*
 * sg_buf_memfile_seal - cut the file to len bytes, map it read-only where
 * it was, seal it; the descriptor, or -1 with errno set
 */
int	sg_buf_memfile_seal(sg_buf *buf)
{
	size_t	page = sg_buf_page();
	size_t	file_end;
	int	fd = sg_buf_fd(buf);

	if (!buf->memfd) {
		errno = EINVAL;
		return -1;
	}
	if (buf->sealed > 0)
		return fd;
	if (buf->sealed < 0) {
		errno = -buf->sealed;
		return -1;
	}
	if (buf->data == NULL)
		sg_buf_reserve(buf, 0);		/* data[0] must be readable */
	file_end = (buf->len + page - 1) / page * page;
	/* From here on the mapping changes: no change to the bytes */
	buf->sealed = -EIO;
	if (file_end > 0 && mmap(buf->data, file_end, PROT_READ,
				 MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)
		goto fail;
	/* Past the file's end once it is cut; data[len] is there or before */
	if (buf->cap > file_end
	    && mmap(buf->data + file_end, buf->cap - file_end, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		    -1, 0) == MAP_FAILED)
		goto fail;
	if (ftruncate(fd, (off_t) buf->len) < 0
	    || fcntl(fd, F_ADD_SEALS, SG_BUF_SEALS) < 0)
		goto fail;
	buf->sealed = 1;
	return fd;

fail:
	buf->sealed = errno ? -errno : -EIO;
	return -1;
}
