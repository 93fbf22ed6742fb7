/*
 * NAME
 *	sg_fuzz 3h
 * SUMMARY
 *	shared pieces of the fuzz targets
 * SYNOPSIS
 *	#include "sg_fuzz.h"
 *
 *	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
 * DESCRIPTION
 *	Every fuzz_<name>.c defines LLVMFuzzerTestOneInput(). Linked with
 *	-fsanitize=fuzzer it is a libFuzzer program; linked with replay.c it
 *	is a plain program that feeds it every file of its seed corpus, the
 *	ctest test fuzz-<name>.
 *
 *	sg_fuzz_dir() is a private (0700) temporary directory, made on the
 *	first call and removed with its files at exit. sg_fuzz_write()
 *	writes a whole file there with mode 0600; sg_fuzz_copy() copies a
 *	file into it (key files: sg_keyring wants 0600, and git keeps no
 *	modes). sg_fuzz_die() ends a target whose own set-up failed.
 * DIAGNOSTICS
 *	A target reports a broken invariant with SG_FUZZ_ASSERT, which
 *	prints the condition and aborts: a crash, for libFuzzer and ctest.
 */
#ifndef SG_FUZZ_H
#define SG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *sg_fuzz_dir(void);
void	sg_fuzz_write(const char *path, const void *data, size_t len);
void	sg_fuzz_copy(const char *src, const char *dst);
void	sg_fuzz_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#define SG_FUZZ_ASSERT(cond) do { \
	if (!(cond)) \
		sg_fuzz_die("%s:%d: invariant broken: %s", __FILE__, \
			    __LINE__, #cond); \
} while (0)

#endif
