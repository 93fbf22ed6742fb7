/*
 * NAME
 *	sg_test 3h
 * SUMMARY
 *	the smallest unit-test harness that does the job
 * SYNOPSIS
 *	#include "sg_test.h"
 *
 *	static void test_x(void) { SG_CHECK(1 + 1 == 2); }
 *	int main(void) { SG_RUN(test_x); return sg_test_done(); }
 * DESCRIPTION
 *	SG_CHECK records a failure with file and line and goes on. Each test
 *	function counts as one test; sg_test_done() prints
 *	"N passed, N failed" and returns the exit status for ctest.
 */
#ifndef SG_TEST_H
#define SG_TEST_H

#include <stdbool.h>
#include <stdio.h>

extern int sg_test_failures;	/* failed checks in the current test */
extern int sg_test_passed;
extern int sg_test_failed;

#define SG_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			__LINE__, #cond); \
		sg_test_failures++; \
	} \
} while (0)

#define SG_CHECK_MSG(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, \
			__LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		sg_test_failures++; \
	} \
} while (0)

#define SG_RUN(fn) sg_test_run(#fn, fn)

void	sg_test_run(const char *name, void (*fn)(void));

/* sg_test_sh - system(3) of a command made from fmt; a failed check if not 0 */
bool	sg_test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * sg_test_open_fds - how many of our descriptors have a /proc/self/fd
 * link that starts with prefix ("/memfd:"); *last (may be NULL) is the
 * number of the last one seen
 */
int	sg_test_open_fds(const char *prefix, int *last);
int	sg_test_done(void);

#endif
