/*
 * NAME
 *	sg_mem 3
 * SUMMARY
 *	allocation that cannot fail, and wiping of secrets
 * DIAGNOSTICS
 *	Out of memory: one line on stderr, one on syslog, exit 75.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "sg_mem.h"

#define EX_TEMPFAIL_CODE 75

/* sg_out_of_memory - give up on this message; Postfix will retry */
void	sg_out_of_memory(size_t size)
{
	static const char msg[] = "4.3.0 smimegw: out of memory\n";

	syslog(LOG_MAIL | LOG_CRIT, "fatal: out of memory (%zu bytes)", size);
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		syslog(LOG_MAIL | LOG_CRIT, "cannot report: out of memory");
	_exit(EX_TEMPFAIL_CODE);
}

void   *sg_malloc(size_t size)
{
	void   *p = malloc(size ? size : 1);

	if (p == NULL)
		sg_out_of_memory(size);
	return p;
}

void   *sg_calloc(size_t nmemb, size_t size)
{
	void   *p;

	if (!sg_mul_ok(nmemb, size))
		sg_out_of_memory(SIZE_MAX);
	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		sg_out_of_memory(nmemb * size);
	return p;
}

void   *sg_realloc(void *ptr, size_t size)
{
	void   *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		sg_out_of_memory(size);
	return p;
}

char   *sg_strdup(const char *str)
{
	return sg_memdup(str, strlen(str) + 1);
}

void   *sg_memdup(const void *ptr, size_t size)
{
	void   *p = sg_malloc(size);

	if (size)
		memcpy(p, ptr, size);
	return p;
}

/* sg_wipe - clear memory that held a secret */
void	sg_wipe(void *ptr, size_t size)
{
	if (ptr != NULL && size > 0)
		explicit_bzero(ptr, size);
}

/* sg_wipe_free - clear then free; NULL is allowed */
void	sg_wipe_free(void *ptr, size_t size)
{
	if (ptr == NULL)
		return;
	sg_wipe(ptr, size);
	free(ptr);
}

/* sg_mul_ok - true when a*b does not overflow size_t */
int	sg_mul_ok(size_t a, size_t b)
{
	return b == 0 || a <= SIZE_MAX / b;
}
