/*
 * NAME
 *	sg_mem 3h
 * SUMMARY
 *	allocation that cannot fail, and wiping of secrets
 * SYNOPSIS
 *	#include "sg_mem.h"
 * DESCRIPTION
 *	sg_malloc() and friends either succeed or end the process with
 *	EX_TEMPFAIL (75), so that Postfix retries the message later; callers
 *	never test for NULL. Zero-size requests return a unique pointer.
 *
 *	sg_wipe() clears memory in a way the compiler cannot elide;
 *	sg_wipe_free() wipes then frees.
 */
#ifndef SG_MEM_H
#define SG_MEM_H

#include <stddef.h>

void   *sg_malloc(size_t size);
void   *sg_calloc(size_t nmemb, size_t size);
void   *sg_realloc(void *ptr, size_t size);
char   *sg_strdup(const char *str);
void   *sg_memdup(const void *ptr, size_t size);

/*
 * sg_out_of_memory - what sg_malloc() does when there is none: one line
 * on standard output, one on syslog, exit 75 (for memory got otherwise,
 * e.g. a memory file that cannot grow)
 */
void	sg_out_of_memory(size_t size) __attribute__((noreturn));

/* sg_wipe - clear memory that held a secret */
void	sg_wipe(void *ptr, size_t size);

/* sg_wipe_free - clear then free; NULL is allowed */
void	sg_wipe_free(void *ptr, size_t size);

/* sg_mul_ok - true when a*b does not overflow size_t */
int	sg_mul_ok(size_t a, size_t b);

#endif
