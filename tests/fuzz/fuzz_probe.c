/*
 * NAME
 *	fuzz_probe 1
 * SUMMARY
 *	fuzz target: probe recognition (sg_probe_find, sg_probe_parse)
 * DESCRIPTION
 *	The filter looks at every message for the probe header
 *	(sg_probe_find on the raw bytes, before any MIME parse), so its
 *	input is whatever a sender writes. The probe directory is the
 *	target's private 0700 directory with one live token file,
 *	FUZZ_PROBE_TOKEN.token (refreshed, so that a long run never sees it
 *	stale). The input is also read as an outcome line for
 *	sg_probe_parse().
 *
 *	Besides memory safety and leaks the target checks sg_probe(3h): a
 *	message is a probe exactly when the unfolded value of its first
 *	X-SMIMEGW-Probe field (sg_mime_raw_header), all of it, is the live
 *	token, and then the probe's token is that token; a header value never
 *	holds a line end. An outcome line parses when it starts "rcpt=<" and holds
 *	"> result=", into the text between them and what follows.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg_buf.h"
#include "sg_mime.h"
#include "sg_probe.h"
#include "sg_fuzz.h"

#define FUZZ_PROBE_TOKEN	"0123456789abcdef0123456789abcdef"

static time_t fp_written;

/* fuzz_probe_token - (re)write the live token file every minute */
static void fuzz_probe_token(void)
{
	char	path[4096];
	time_t	now = time(NULL);

	if (fp_written != 0 && now - fp_written < 60)
		return;
	snprintf(path, sizeof(path), "%s/%s.token", sg_fuzz_dir(),
		 FUZZ_PROBE_TOKEN);
	sg_fuzz_write(path, "", 0);
	fp_written = now;
}

/* fuzz_probe_parse - an outcome line */
static void fuzz_probe_parse(const uint8_t *data, size_t size)
{
	char   *line = malloc(size + 1), addr[256];
	const char *result = NULL, *end;
	bool	ok;

	if (line == NULL)
		sg_fuzz_die("out of memory");
	if (size > 0)
		memcpy(line, data, size);
	line[size] = '\0';
	ok = sg_probe_parse(line, addr, sizeof(addr), &result);
	end = strncmp(line, "rcpt=<", 6) == 0 ? strstr(line + 6, "> result=")
		: NULL;
	if (end != NULL && (size_t) (end - line - 6) < sizeof(addr)) {
		SG_FUZZ_ASSERT(ok && result == end + 9);
		SG_FUZZ_ASSERT(strlen(addr) == (size_t) (end - line - 6)
			       && memcmp(addr, line + 6, strlen(addr)) == 0);
	} else {
		SG_FUZZ_ASSERT(!ok);
	}
	free(line);
}

/* LLVMFuzzerTestOneInput - is this message a probe? */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_buf	value = SG_BUF_INIT;
	sg_probe *p;
	bool	has, live;

	fuzz_probe_token();
	p = sg_probe_find(sg_fuzz_dir(), data, size);
	has = sg_mime_raw_header(data, size, SG_PROBE_HEADER, &value);
	SG_FUZZ_ASSERT(memchr(value.data ? (void *) value.data : "", '\n',
			      value.len) == NULL);
	/* the whole value is the token: a NUL after it does not count
	 * (corpus/probe/nul-after-token) */
	live = has && value.len == strlen(FUZZ_PROBE_TOKEN)
		&& memcmp(value.data, FUZZ_PROBE_TOKEN, value.len) == 0;
	SG_FUZZ_ASSERT((p != NULL) == live);
	if (p != NULL)
		SG_FUZZ_ASSERT(strcmp(sg_probe_token(p), FUZZ_PROBE_TOKEN) == 0);
	sg_probe_free(p);
	sg_buf_free(&value);
	fuzz_probe_parse(data, size);
	return 0;
}
