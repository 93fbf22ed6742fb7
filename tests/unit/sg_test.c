/*
 * NAME
 *	sg_test 3
 * SUMMARY
 *	the smallest unit-test harness that does the job
 */
#include <stdio.h>

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

int	sg_test_done(void)
{
	printf("%d passed, %d failed\n", sg_test_passed, sg_test_failed);
	return sg_test_failed ? 1 : 0;
}
