/*
 * NAME
 *	test_buf 1
 * SUMMARY
 *	unit tests of growable buffers (sg_buf), in malloc'd memory and in
 *	memory files
 * DESCRIPTION
 *	Every operation runs on both kinds of buffer and is checked against
 *	the bytes it must give. A memory file is also checked from the side:
 *	its descriptor (size, seals, contents read with pread, what a write
 *	through it does, what is left in /proc/self/fd) and, after a wipe,
 *	its pages through a second descriptor. Changes to a sealed buffer
 *	are made in a child, which must die of SIGABRT.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_mem.h"
#include "sg_test.h"

#define MB	(1024 * 1024)
#define PAGE	4096

/* pattern - len bytes of every value, NUL, CR and LF included, from seed */
static uint8_t *pattern(size_t len, unsigned seed)
{
	uint8_t *p = sg_malloc(len ? len : 1);
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t) (i * 7 + i / 251 + seed);
	return p;
}

/* holds - buf holds exactly these bytes, followed by a NUL */
static int holds(const sg_buf *buf, const void *want, size_t len)
{
	if (buf->len != len)
		return 0;
	if (len == 0)
		return buf->data == NULL || buf->data[0] == '\0';
	return memcmp(buf->data, want, len) == 0 && buf->data[len] == '\0';
}

/* memfiles - how many smimegw-buf memory files we have open */
static int memfiles(void)
{
	return sg_test_open_fds("/memfd:smimegw-buf", NULL);
}

/* memfile - a new, empty memory-file buffer */
static sg_buf memfile(void)
{
	sg_buf	buf = SG_BUF_INIT;
	sg_status st = sg_buf_memfile(&buf);

	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(sg_buf_is_memfile(&buf));
	return buf;
}

/* file_holds - the descriptor's file is exactly these bytes (pread) */
static int file_holds(int fd, const uint8_t *want, size_t len)
{
	uint8_t *got = sg_malloc(len + 1);
	struct stat sb;
	size_t	off = 0;
	ssize_t	n;
	int	same;

	if (fstat(fd, &sb) < 0 || (size_t) sb.st_size != len) {
		free(got);
		return 0;
	}
	while (off < len + 1
	       && (n = pread(fd, got + off, len + 1 - off, (off_t) off)) > 0)
		off += (size_t) n;
	same = off == len && (len == 0 || memcmp(got, want, len) == 0);
	free(got);
	return same;
}

/* dies_of_abort - fn(buf) in a child ends it with SIGABRT */
static int dies_of_abort(void (*fn)(sg_buf *), sg_buf *buf)
{
	pid_t	pid = fork();
	int	status = 0;

	if (pid == 0) {
		signal(SIGABRT, SIG_DFL);
		fn(buf);
		_exit(0);
	}
	SG_CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void do_append(sg_buf *buf)
{
	sg_buf_append(buf, "x", 1);
}

static void do_append_nothing(sg_buf *buf)
{
	sg_buf_append(buf, "", 0);
}

static void do_splice(sg_buf *buf)
{
	sg_buf_splice(buf, 0, 1, "y", 1);
}

static void do_lf_from(sg_buf *buf)
{
	sg_buf_lf_from(buf, 0);
}

static void do_set_len(sg_buf *buf)
{
	sg_buf_set_len(buf, buf->len - 1);
}

static void do_reset(sg_buf *buf)
{
	sg_buf_reset(buf);
}

static void do_reserve(sg_buf *buf)
{
	sg_buf_reserve(buf, 0);
}

/*
 * One run of every operation, the same on either kind of buffer: append,
 * splice growing and shrinking, lf_from, append_lf/crlf, set_len, reset
 */
static void operations(sg_buf *buf)
{
	static const char crlf[] = "a\r\nb\rc\r\n\r\nd\r";
	uint8_t *want = sg_malloc(64 * 1024);
	size_t	n, total = 10;

	sg_buf_append_str(buf, "Hello");
	sg_buf_splice(buf, 0, 0, "Oh, ", 4);		/* grows at front */
	SG_CHECK(holds(buf, "Oh, Hello", 9));
	sg_buf_splice(buf, 0, 4, "", 0);		/* shrinks at front */
	SG_CHECK(holds(buf, "Hello", 5));
	sg_buf_append(buf, crlf, sizeof(crlf) - 1);
	sg_buf_lf_from(buf, 5);
	SG_CHECK(holds(buf, "Helloa\nb\rc\n\nd\r", 14));
	sg_buf_reset(buf);
	SG_CHECK(holds(buf, "", 0));
	sg_buf_append_lf(buf, crlf, sizeof(crlf) - 1);
	SG_CHECK(holds(buf, "a\nb\rc\n\nd\r", 9));
	sg_buf_reset(buf);
	sg_buf_append_crlf(buf, "a\nb\r\nc\n", 7);
	SG_CHECK(holds(buf, "a\r\nb\r\nc\r\n", 9));
	sg_buf_reset(buf);
	sg_buf_reserve(buf, 64 * 1024);
	memset(buf->data, 'z', 64 * 1024);
	sg_buf_set_len(buf, 64 * 1024 - 1);
	memset(want, 'z', 64 * 1024);
	SG_CHECK(holds(buf, want, 64 * 1024 - 1));
	sg_buf_set_len(buf, 10);
	SG_CHECK(holds(buf, want, 10));
	for (n = 0; n < 1000; n++) {
		sg_buf_append(buf, "0123456789", n % 11);
		memcpy(want + total, "0123456789", n % 11);
		total += n % 11;
	}
	SG_CHECK(holds(buf, want, total));
	free(want);
}

/* A buffer that is not a memory file behaves as it always did */
static void test_plain_buffer(void)
{
	sg_buf	buf = SG_BUF_INIT;
	static const sg_buf zero;

	SG_CHECK(memcmp(&buf, &zero, sizeof(buf)) == 0);
	SG_CHECK(!sg_buf_is_memfile(&buf));
	operations(&buf);
	SG_CHECK(!sg_buf_is_memfile(&buf));
	errno = 0;
	SG_CHECK(sg_buf_memfile_seal(&buf) == -1 && errno == EINVAL);
	sg_buf_append(&buf, "x", 1);			/* still changeable */
	sg_buf_free(&buf);
	SG_CHECK(memcmp(&buf, &zero, sizeof(buf)) == 0);
	sg_buf_append(&buf, "abc", 3);
	sg_buf_wipe_free(&buf);
	SG_CHECK(memcmp(&buf, &zero, sizeof(buf)) == 0);
	SG_CHECK(memfiles() == 0);
}

/* The same operations on a memory file, whose descriptor is high */
static void test_memfile_operations(void)
{
	sg_buf	buf = memfile();
	static const sg_buf zero;
	int	fd = buf.memfd - 1;

	SG_CHECK(buf.data == NULL && buf.len == 0 && buf.cap == 0);
	SG_CHECK(fd > 2 && (fcntl(fd, F_GETFD) & FD_CLOEXEC));
	SG_CHECK(memfiles() == 1);
	operations(&buf);
	SG_CHECK(buf.cap % PAGE == 0);
	SG_CHECK(sg_buf_is_memfile(&buf));
	sg_buf_free(&buf);
	SG_CHECK(memcmp(&buf, &zero, sizeof(buf)) == 0);
	SG_CHECK(memfiles() == 0);
	/* made and freed without a byte: the file is closed all the same */
	buf = memfile();
	SG_CHECK(memfiles() == 1);
	sg_buf_free(&buf);
	SG_CHECK(memfiles() == 0);
}

/* With 0, 1 and 2 closed the descriptor is still above 2 */
static void test_memfile_fd_above_2(void)
{
	pid_t	pid = fork();
	int	status = -1;

	if (pid == 0) {
		sg_buf	buf = SG_BUF_INIT;
		sg_status st;

		close(0);
		close(1);
		close(2);
		st = sg_buf_memfile(&buf);
		_exit(sg_status_is_ok(&st) && buf.memfd - 1 > 2 ? 0 : 1);
	}
	SG_CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	SG_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * Growth past several MB in pieces of odd sizes: every byte where it was
 * put, the file as long as the reservation
 */
static void test_memfile_growth(void)
{
	sg_buf	buf = memfile();
	size_t	total = 9 * MB + 12345, off = 0, n;
	uint8_t *want = pattern(total, 3), byte = 0;
	struct stat sb;

	for (n = 1; off < total; n = n * 3 + 1) {
		if (n > total - off)
			n = total - off;
		sg_buf_append(&buf, want + off, n);
		off += n;
		if (n > 100000)
			n = 1;
	}
	SG_CHECK(holds(&buf, want, total));
	SG_CHECK(buf.cap >= total + 1 && buf.cap % PAGE == 0
		 && buf.cap < 2 * (total + 1) + PAGE);
	SG_CHECK(fstat(buf.memfd - 1, &sb) == 0
		 && (size_t) sb.st_size == buf.cap);
	/* the mapping is the file: what pread sees is what data holds */
	SG_CHECK(pread(buf.memfd - 1, &byte, 1, (off_t) (5 * MB)) == 1
		 && byte == want[5 * MB]);
	sg_buf_free(&buf);
	free(want);
}

/*
 * A header spliced in front of a large body (growing past the
 * reservation), then a shorter one in its place; lf_from after it
 */
static void test_memfile_splice_and_lf(void)
{
	sg_buf	buf = memfile();
	size_t	body_len = 3 * MB, hdr_len = 20000, i;
	uint8_t *body = pattern(body_len, 1), *hdr = pattern(hdr_len, 2);
	uint8_t *want = sg_malloc(hdr_len + body_len);
	size_t	cap;

	/* lines, and now and then a CR of its own */
	for (i = 500; i + 1 < body_len; i += 1000)
		memcpy(body + i, i % 3 ? "\r\n" : "\r\r", 2);

	sg_buf_append(&buf, body, body_len);
	sg_buf_reserve(&buf, buf.cap - buf.len - 1);	/* full */
	cap = buf.cap;
	sg_buf_set_len(&buf, body_len);
	sg_buf_splice(&buf, 0, 0, hdr, hdr_len);
	memcpy(want, hdr, hdr_len);
	memcpy(want + hdr_len, body, body_len);
	SG_CHECK(holds(&buf, want, hdr_len + body_len));
	SG_CHECK(buf.cap >= cap);
	sg_buf_splice(&buf, 0, hdr_len, "Subject: x\r\n", 12);
	memcpy(want + hdr_len - 12, "Subject: x\r\n", 12);
	SG_CHECK(holds(&buf, want + hdr_len - 12, body_len + 12));
	/* CRLF made LF from offset 12 on, by a plain reference loop */
	sg_buf_lf_from(&buf, 12);
	{
		uint8_t *src = want + hdr_len - 12;
		size_t	w = 12, r;

		for (r = 12; r < body_len + 12; r++) {
			if (src[r] == '\r' && r + 1 < body_len + 12
			    && src[r + 1] == '\n')
				continue;
			src[w++] = src[r];
		}
		SG_CHECK(w < body_len + 12);	/* the pattern has CRLFs */
		SG_CHECK(holds(&buf, src, w));
		SG_CHECK(memcmp(buf.data, "Subject: x\r\n", 12) == 0);
	}
	for (i = 0; i < 3; i++)
		sg_buf_splice(&buf, buf.len, 0, "\n", 1);
	SG_CHECK(buf.data[buf.len - 1] == '\n' && buf.data[buf.len] == 0);
	sg_buf_free(&buf);
	free(body);
	free(hdr);
	free(want);
}

/* read_fd from a pipe fed by a child, more than a pipe holds */
static void test_memfile_read_fd(void)
{
	sg_buf	buf = memfile();
	size_t	len = 5 * MB + 3;
	uint8_t *want = pattern(len, 5);
	int	fds[2];
	pid_t	pid;
	sg_status st;

	SG_CHECK(pipe(fds) == 0);
	if ((pid = fork()) == 0) {
		size_t	off = 0;
		ssize_t	n;

		close(fds[0]);
		while (off < len && (n = write(fds[1], want + off,
					       len - off > 7777 ? 7777
					       : len - off)) > 0)
			off += (size_t) n;
		_exit(off == len ? 0 : 1);
	}
	close(fds[1]);
	sg_buf_append(&buf, "head:", 5);
	st = sg_buf_read_fd(&buf, fds[0], len);
	close(fds[0]);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(buf.len == len + 5 && memcmp(buf.data, "head:", 5) == 0
		 && memcmp(buf.data + 5, want, len) == 0
		 && buf.data[buf.len] == 0);
	SG_CHECK(waitpid(pid, NULL, 0) == pid);
	sg_buf_free(&buf);
	free(want);
}

/*
 * wipe_free clears every byte ever written, in the file itself (seen
 * through a second descriptor that keeps the file alive), then closes
 */
static void test_memfile_wipe_free(void)
{
	sg_buf	buf = memfile();
	static const sg_buf zero;
	size_t	len = 2 * MB + 77, i, nonzero = 0;
	uint8_t *want = pattern(len, 9), *got = sg_malloc(len);
	int	fd;

	sg_buf_append(&buf, want, len);
	sg_buf_set_len(&buf, 1000);	/* written bytes past len count */
	want[1000] = '\0';
	fd = dup(buf.memfd - 1);
	SG_CHECK(fd >= 0);
	SG_CHECK(pread(fd, got, len, 0) == (ssize_t) len
		 && memcmp(got, want, len) == 0);
	sg_buf_wipe_free(&buf);
	SG_CHECK(memcmp(&buf, &zero, sizeof(buf)) == 0);
	SG_CHECK(pread(fd, got, len, 0) == (ssize_t) len);
	for (i = 0; i < len; i++)
		nonzero += got[i] != 0;
	SG_CHECK_MSG(nonzero == 0, "%zu bytes left after the wipe", nonzero);
	close(fd);
	SG_CHECK(memfiles() == 0);
	free(want);
	free(got);
}

/*
 * seal - fill a memory file with len bytes, seal it, and check it from
 * the buffer and from the descriptor
 */
static void seal(size_t len)
{
	sg_buf	buf = memfile();
	uint8_t *want = pattern(len, 11), *addr;
	void   *tail;
	int	fd, seals;

	if (len)
		sg_buf_append(&buf, want, len);
	sg_buf_reserve(&buf, 3 * MB);	/* a reservation well past len */
	addr = buf.data;
	fd = sg_buf_memfile_seal(&buf);
	SG_CHECK_MSG(fd == buf.memfd - 1 && fd > 2, "len %zu: fd %d (%s)",
		     len, fd, strerror(errno));
	SG_CHECK(buf.data == addr);
	SG_CHECK_MSG(holds(&buf, want, len), "len %zu", len);
	SG_CHECK(buf.data[len] == 0);
	SG_CHECK_MSG(file_holds(fd, want, len), "len %zu", len);
	seals = fcntl(fd, F_GET_SEALS);
	SG_CHECK_MSG(seals == (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE
			       | F_SEAL_SEAL), "seals %#x", seals);
	SG_CHECK(pwrite(fd, "x", 1, 0) < 0 && errno == EPERM);
	SG_CHECK(pwrite(fd, "x", 1, (off_t) len) < 0 && errno == EPERM);
	SG_CHECK(ftruncate(fd, (off_t) len + 1) < 0 && errno == EPERM);
	SG_CHECK(len == 0 || (ftruncate(fd, (off_t) len - 1) < 0
			      && errno == EPERM));
	SG_CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
		 == MAP_FAILED && errno == EPERM);
	/* no hole in the reservation, where another mapping could land and
	 * be unmapped by sg_buf_free() */
	tail = mmap(buf.data + buf.cap - PAGE, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	SG_CHECK_MSG(tail == MAP_FAILED && errno == EEXIST, "len %zu: the "
		     "reservation's last page was free", len);
	if (tail != MAP_FAILED)
		(void) munmap(tail, PAGE);
	SG_CHECK(buf.data[buf.cap - 1] == 0);
	SG_CHECK(sg_buf_memfile_seal(&buf) == fd);	/* again: the same */
	SG_CHECK(sg_buf_is_memfile(&buf));
	/* any change aborts; reading does not */
	SG_CHECK(dies_of_abort(do_append, &buf));
	SG_CHECK(dies_of_abort(do_append_nothing, &buf));
	SG_CHECK(dies_of_abort(do_reserve, &buf));
	SG_CHECK(dies_of_abort(do_reset, &buf));
	if (len > 0) {
		SG_CHECK(dies_of_abort(do_splice, &buf));
		SG_CHECK(dies_of_abort(do_lf_from, &buf));
		SG_CHECK(dies_of_abort(do_set_len, &buf));
	}
	SG_CHECK(holds(&buf, want, len));
	SG_CHECK(memfiles() == 1);
	if (len % 2)
		sg_buf_wipe_free(&buf);		/* nothing to clear: released */
	else
		sg_buf_free(&buf);
	SG_CHECK(fcntl(fd, F_GETFD) < 0 && errno == EBADF);
	SG_CHECK(memfiles() == 0);
	free(want);
}

/*
 * Sealing: lengths at page boundaries (data[len] past the file's last
 * page), inside a page, none at all, and a buffer that never grew
 */
static void test_memfile_seal(void)
{
	sg_buf	buf;
	int	fd;

	seal(2 * MB);			/* a multiple of 4096 */
	seal(PAGE);
	seal(3 * PAGE + 1);
	seal(5 * MB + 123);
	seal(0);
	seal(1);
	/* sealed before a byte was reserved: empty, data[0] readable */
	buf = memfile();
	fd = sg_buf_memfile_seal(&buf);
	SG_CHECK(fd > 2 && buf.data != NULL && buf.data[0] == 0);
	SG_CHECK(file_holds(fd, NULL, 0));
	sg_buf_free(&buf);
	SG_CHECK(memfiles() == 0);
}

int	main(void)
{
	SG_RUN(test_plain_buffer);
	SG_RUN(test_memfile_operations);
	SG_RUN(test_memfile_fd_above_2);
	SG_RUN(test_memfile_growth);
	SG_RUN(test_memfile_splice_and_lf);
	SG_RUN(test_memfile_read_fd);
	SG_RUN(test_memfile_wipe_free);
	SG_RUN(test_memfile_seal);
	return sg_test_done();
}
