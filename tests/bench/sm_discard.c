/*
 * NAME
 *	sm_discard 1
 * SUMMARY
 *	sendmail stand-in for the benchmark: note the input size, discard it
 * SYNOPSIS
 *	/path/to/sm_discard [sendmail arguments, ignored]
 * DESCRIPTION
 *	Writes the size of its standard input to the file "memfd" beside
 *	itself (the directory of argv[0], which the filter sets to the
 *	configured sendmail path): st_size from fstat(2) when standard input
 *	is held in memory (a memfd, or a file on tmpfs: fstatfs(2) says
 *	TMPFS_MAGIC), 0 when it is a pipe or a file on a disk file system
 *	(an encrypted copy spooled in the state directory costs disk, not
 *	memory), and 0 too when standard input is the filter's own message
 *	buffer (memfd "smimegw-buf", sg_buf_memfile: the filter wrote every
 *	page of it, so it is in the filter's resident set already, and
 *	adding it again would count it twice). Then it reads standard input
 *	to the end and throws it away.
 *
 *	One small static process instead of /bin/sh, stat(1) and cat(1), so
 *	that the filter's CPU figure in bench_perf.py is not mostly the cost
 *	of three program starts. bench_perf.py prints this program's own CPU
 *	on a row of its own.
 * DIAGNOSTICS
 *	Exit 0 after end of input, 75 when the input or the size file fail
 *	(a temporary failure to the filter, as real sendmail).
 */
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* sm_note_size - write st_size of an in-memory stdin beside argv[0] */
static int sm_note_size(const char *self)
{
	struct statfs fs;
	struct stat st;
	static const char own[] = "/memfd:smimegw-buf ";
	const char *slash;
	char	path[4096], link[256];
	FILE   *fp;
	ssize_t	n;
	int	in_rss;

	if (fstat(0, &st) < 0 || fstatfs(0, &fs) < 0)
		return -1;
	if ((slash = strrchr(self, '/')) == NULL)
		snprintf(path, sizeof(path), "memfd");
	else
		snprintf(path, sizeof(path), "%.*s/memfd",
			 (int) (slash - self), self);
	n = readlink("/proc/self/fd/0", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	in_rss = strncmp(link, own, sizeof(own) - 1) == 0;
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fprintf(fp, "%lld\n", S_ISREG(st.st_mode) && fs.f_type == TMPFS_MAGIC
		&& !in_rss ? (long long) st.st_size : 0LL);
	return fclose(fp) == 0 ? 0 : -1;
}

/* main - note the size, then read and discard standard input */
int	main(int argc, char **argv)
{
	static char buf[65536];
	ssize_t	n;

	if (argc < 1 || sm_note_size(argv[0]) < 0)
		return 75;
	while ((n = read(0, buf, sizeof(buf))) > 0)
		 /* discard */ ;
	return n == 0 ? 0 : 75;
}
