/*
 * NAME
 *	sg_fuzz 3
 * SUMMARY
 *	shared pieces of the fuzz targets
 * DESCRIPTION
 *	See sg_fuzz.h. The temporary directory holds at most a few small
 *	files; it is removed by an atexit() handler, so a crash leaves it
 *	behind (in $TMPDIR, named sg-fuzz.XXXXXX).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_fuzz.h"

static char sg_fuzz_tmp[PATH_MAX];

/* sg_fuzz_die - report a failure of the target itself and abort */
void	sg_fuzz_die(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fputs("sg_fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

/* sg_fuzz_cleanup - remove the temporary directory and its files */
static void sg_fuzz_cleanup(void)
{
	char	path[PATH_MAX + 256];
	struct dirent *e;
	DIR    *d;

	if ((d = opendir(sg_fuzz_tmp)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", sg_fuzz_tmp, e->d_name);
		(void) unlink(path);
	}
	closedir(d);
	(void) rmdir(sg_fuzz_tmp);
}

/* sg_fuzz_dir - the private temporary directory, made on first use */
const char *sg_fuzz_dir(void)
{
	const char *tmp;

	if (sg_fuzz_tmp[0] != '\0')
		return sg_fuzz_tmp;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(sg_fuzz_tmp, sizeof(sg_fuzz_tmp), "%s/sg-fuzz.XXXXXX", tmp);
	if (mkdtemp(sg_fuzz_tmp) == NULL)
		sg_fuzz_die("mkdtemp %s: %s", sg_fuzz_tmp, strerror(errno));
	atexit(sg_fuzz_cleanup);
	return sg_fuzz_tmp;
}

/* sg_fuzz_write - replace path with data, mode 0600 */
void	sg_fuzz_write(const char *path, const void *data, size_t len)
{
	const char *p = data;
	ssize_t	n;
	int	fd;

	(void) unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		sg_fuzz_die("create %s: %s", path, strerror(errno));
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			sg_fuzz_die("write %s: %s", path, strerror(errno));
		}
		p += n;
		len -= (size_t) n;
	}
	if (close(fd) != 0)
		sg_fuzz_die("close %s: %s", path, strerror(errno));
}

/* sg_fuzz_copy - copy src to dst, mode 0600 */
void	sg_fuzz_copy(const char *src, const char *dst)
{
	sg_buf	buf = SG_BUF_INIT;
	sg_status st;

	st = sg_buf_read_file(&buf, src, 1024 * 1024);
	if (!sg_status_is_ok(&st))
		sg_fuzz_die("%s", st.text);
	sg_fuzz_write(dst, buf.data, buf.len);
	sg_buf_free(&buf);
}
