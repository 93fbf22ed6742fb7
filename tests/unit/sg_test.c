/*
 * NAME
 *	sg_test 3
 * SUMMARY
 *	the smallest unit-test harness that does the job
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg_test.h"

int	sg_test_failures;
int	sg_test_passed;
int	sg_test_failed;

void	sg_test_run(const char *name, void (*fn)(void))
{
	sg_test_failures = 0;
	fn();
	if (sg_test_failures) {
		sg_test_failed++;
		printf("FAIL %s (%d checks)\n", name, sg_test_failures);
	} else {
		sg_test_passed++;
		printf("ok   %s\n", name);
	}
	fflush(stdout);
}

/* sg_test_sh - run a shell command made from fmt; a failed check if not 0 */
bool	sg_test_sh(const char *fmt, ...)
{
	char	cmd[8192];
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	SG_CHECK_MSG(rc == 0, "%s", cmd);
	return rc == 0;
}

/* sg_test_open_fds - our descriptors whose link starts with prefix */
int	sg_test_open_fds(const char *prefix, int *last)
{
	char	path[300], link[300];
	DIR    *d = opendir("/proc/self/fd");
	struct dirent *e;
	ssize_t	n;
	int	count = 0;

	SG_CHECK(d != NULL);
	while (d && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		if (atoi(e->d_name) == dirfd(d)
		    || (n = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, prefix, strlen(prefix)) == 0) {
			count++;
			if (last != NULL)
				*last = atoi(e->d_name);
		}
	}
	if (d)
		closedir(d);
	return count;
}

int	sg_test_done(void)
{
	printf("%d passed, %d failed\n", sg_test_passed, sg_test_failed);
	return sg_test_failed ? 1 : 0;
}
