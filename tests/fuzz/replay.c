/*
 * NAME
 *	replay 1
 * SUMMARY
 *	run a fuzz target over files: the regression test of a corpus
 * SYNOPSIS
 *	replay_<name> [DIR | FILE]...
 * DESCRIPTION
 *	Linked with one fuzz_<name>.c instead of libFuzzer. Every regular
 *	file of each DIR (in name order, not recursive) and every FILE is
 *	read into a heap block of exactly its size (so that AddressSanitizer
 *	sees a read past the end) and given to LLVMFuzzerTestOneInput().
 *	Without arguments the target's seed corpus (SG_FUZZ_CORPUS) is used.
 *	Each file's name is printed before it runs, so the last name printed
 *	before a crash is the input that caused it.
 * DIAGNOSTICS
 *	Exit 0 after every file ran; 2 when an argument cannot be read or
 *	when no file at all was found (an empty corpus tests nothing). A bug
 *	ends the program by a signal or a sanitizer report.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sg_buf.h"
#include "sg_fuzz.h"

#define REPLAY_MAX_FILE	(64 * 1024 * 1024)

/* replay_file - give one file to the target; false when unreadable */
static int replay_file(const char *path)
{
	sg_buf	buf = SG_BUF_INIT;
	sg_status st;
	uint8_t *copy;
	size_t	len;

	st = sg_buf_read_file(&buf, path, REPLAY_MAX_FILE);
	if (!sg_status_is_ok(&st)) {
		fprintf(stderr, "replay: %s\n", st.text);
		return 0;
	}
	printf("replay: %s (%zu bytes)\n", path, buf.len);
	fflush(stdout);
	/* Exactly len bytes: malloc(0) still gives a distinct pointer. */
	len = buf.len;
	copy = malloc(len ? len : 1);
	if (copy == NULL) {
		fprintf(stderr, "replay: out of memory\n");
		exit(2);
	}
	if (len)
		memcpy(copy, buf.data, len);
	sg_buf_free(&buf);
	(void) LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 1;
}

/* replay_dir - every regular file of dir, in name order; -1 on error */
static long replay_dir(const char *dir)
{
	char	path[PATH_MAX];
	struct dirent **names;
	struct stat sb;
	long	count = 0;
	int	n, i;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(path, &sb) == 0
		    && S_ISREG(sb.st_mode)) {
			if (!replay_file(path))
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

/* main - replay the arguments, or the default corpus */
int	main(int argc, char **argv)
{
	static char *defaults[] = {NULL, SG_FUZZ_CORPUS, NULL};
	struct stat sb;
	long	total = 0, n;
	int	i;

	if (argc < 2) {
		defaults[0] = argv[0];
		argv = defaults;
		argc = 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			return 2;
		}
		if (S_ISDIR(sb.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) ? 1 : -1;
		if (n < 0)
			return 2;
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no input files\n");
		return 2;
	}
	printf("replay: %ld inputs, no failure\n", total);
	return 0;
}
