/*
 * NAME
 *	sg_probe 3
 * SUMMARY
 *	smimegw-test's probe messages: the token, the outcome file
 * DESCRIPTION
 *	Both sides check the directory the same way (sg_probe_dir_ok): a
 *	real directory of the effective user, nothing for group or others.
 *	The filter looks at the token file with lstat(2) after validating
 *	the token's syntax, so that a header can never name a path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sg_mem.h"
#include "sg_mime.h"
#include "sg_policy.h"
#include "sg_probe.h"

#define SG_PROBE_PATH_MAX	4096

struct sg_probe {
	char   *dir;
	char	token[SG_PROBE_TOKEN_SIZE];
};

/* sg_probe_path - DIR/TOKEN.SUFFIX into path; false when too long */
static bool sg_probe_path(char *path, size_t size, const char *dir,
			  const char *token, const char *suffix)
{
	int	n = snprintf(path, size, "%s/%s.%s", dir, token, suffix);

	return n > 0 && (size_t) n < size;
}

/* sg_probe_dir_ok - a directory of ours that nobody else may enter */
static sg_status sg_probe_dir_ok(const char *dir)
{
	struct stat sb;

	if (lstat(dir, &sb) < 0)
		return sg_status_make(SG_CONFIG, "probe directory %s: %s", dir,
				      strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return sg_status_make(SG_CONFIG, "probe directory %s: not a "
				      "directory", dir);
	if (sb.st_uid != geteuid())
		return sg_status_make(SG_CONFIG, "probe directory %s: owned "
				      "by uid %ld, not by uid %ld (the "
				      "filter's user)", dir, (long) sb.st_uid,
				      (long) geteuid());
	if ((sb.st_mode & 077) != 0)
		return sg_status_make(SG_CONFIG, "probe directory %s: mode "
				      "%04o, must be 0700", dir,
				      (unsigned) (sb.st_mode & 07777));
	return sg_status_ok();
}

/* sg_probe_token_ok - SG_PROBE_TOKEN_LEN lower-case hex digits */
bool	sg_probe_token_ok(const char *token)
{
	return strlen(token) == SG_PROBE_TOKEN_LEN
		&& strspn(token, "0123456789abcdef") == SG_PROBE_TOKEN_LEN;
}

/* sg_probe_find - the live probe msg is, or NULL (the usual case) */
sg_probe *sg_probe_find(const char *dir, const uint8_t *msg, size_t len)
{
	char	path[SG_PROBE_PATH_MAX];
	sg_buf	value = SG_BUF_INIT;
	sg_probe *p = NULL;
	struct stat sb;
	time_t	now = time(NULL);
	const char *token;

	if (dir == NULL || !sg_mime_raw_header(msg, len, SG_PROBE_HEADER,
					       &value))
		goto cleanup;
	token = (const char *) value.data;
	/* a NUL inside the value would end the comparison early */
	if (value.len != strlen(token))
		goto cleanup;
	if (!sg_probe_token_ok(token)
	    || !sg_probe_path(path, sizeof(path), dir, token, "token"))
		goto cleanup;
	{
		sg_status st = sg_probe_dir_ok(dir);

		if (!sg_status_is_ok(&st))
			goto cleanup;
	}
	if (lstat(path, &sb) < 0 || !S_ISREG(sb.st_mode)
	    || sb.st_uid != geteuid() || (sb.st_mode & 077) != 0
	    || sb.st_mtime > now + 60 || now - sb.st_mtime > SG_PROBE_MAX_AGE)
		goto cleanup;
	p = sg_calloc(1, sizeof(*p));
	p->dir = sg_strdup(dir);
	memcpy(p->token, token, SG_PROBE_TOKEN_SIZE);
cleanup:
	sg_buf_free(&value);
	return p;
}

/* sg_probe_token - the probe's token (for the log) */
const char *sg_probe_token(const sg_probe *p)
{
	return p->token;
}

/* sg_probe_result - the word for one recipient of a copy */
static const char *sg_probe_result(const sg_config *cfg,
				   const sg_gateway_copy *c, const char *rcpt)
{
	char	domain[300];

	if (c->encrypted)
		return "encrypted";
	if (strncmp(c->action, "action=decrypted", 16) == 0)
		return "decrypted";
	if (strncmp(c->action, "action=relayed", 14) == 0)
		return "relayed";
	if (sg_policy_domain_of(rcpt, domain, sizeof(domain))
	    && sg_policy_member(domain, cfg->domains, cfg->ndomains))
		return "plain-ours";
	return "plain-no-certificate";
}

/* sg_probe_clean - text for one line: no control characters */
static void sg_probe_clean(sg_buf *out, const char *text)
{
	const unsigned char *s;

	for (s = (const unsigned char *) text; *s; s++)
		sg_buf_append(out, *s < 0x20 || *s == 0x7f ? "?" : (const char *) s,
			      1);
}

/* sg_probe_record - what the gateway did, one line per recipient */
sg_status sg_probe_record(const sg_probe *p, const sg_config *cfg,
			  char *const *rcpts, size_t nrcpts,
			  const sg_gateway_result *res, const sg_status *gst)
{
	char	path[SG_PROBE_PATH_MAX];
	char	tail[SG_STATUS_TEXT_MAX + 200];
	sg_buf	out = SG_BUF_INIT;
	sg_status st = sg_status_ok();
	size_t	i, k;
	ssize_t	n;
	int	fd = -1;

	if (sg_status_is_ok(gst)) {
		for (k = 0; k < res->ncopies; k++) {
			const sg_gateway_copy *c = &res->copies[k];

			for (i = 0; i < c->nrcpts; i++) {
				sg_buf_append_str(&out, "rcpt=<");
				sg_probe_clean(&out, c->rcpts[i]);
				sg_buf_append_str(&out, "> result=");
				sg_buf_append_str(&out, sg_probe_result(cfg, c,
							c->rcpts[i]));
				sg_buf_append_str(&out, " ");
				sg_probe_clean(&out, c->action);
				sg_buf_append_str(&out, "\n");
			}
		}
	} else {
		snprintf(tail, sizeof(tail), "> result=%s dsn=%s reason=\"%s\"",
			 gst->code == SG_REJECT ? "bounced" : "deferred",
			 res->dsn ? res->dsn : "4.3.0", gst->text);
		for (i = 0; i < nrcpts; i++) {
			sg_buf_append_str(&out, "rcpt=<");
			sg_probe_clean(&out, rcpts[i]);
			sg_probe_clean(&out, tail);
			sg_buf_append_str(&out, "\n");
		}
	}
	if (!sg_probe_path(path, sizeof(path), p->dir, p->token, "out")) {
		st = sg_status_make(SG_TEMPFAIL, "probe %s: path too long",
				    p->token);
		goto cleanup;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		st = sg_status_make(SG_TEMPFAIL, "%s: %s", path,
				    strerror(errno));
		goto cleanup;
	}
	do
		n = write(fd, out.data, out.len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t) n != out.len)
		st = sg_status_make(SG_TEMPFAIL, "%s: %s", path, n < 0
				    ? strerror(errno) : "short write");
	else if (close(fd) < 0)
		st = sg_status_make(SG_TEMPFAIL, "%s: %s", path,
				    strerror(errno));
	fd = -1;
cleanup:
	if (fd >= 0)
		close(fd);
	sg_buf_free(&out);
	return st;
}

/* sg_probe_free - release; NULL is allowed */
void	sg_probe_free(sg_probe *p)
{
	if (p == NULL)
		return;
	free(p->dir);
	free(p);
}

/* sg_probe_create - a new token and its file in dir */
sg_status sg_probe_create(const char *dir, char token[SG_PROBE_TOKEN_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[SG_PROBE_TOKEN_LEN / 2];
	char	path[SG_PROBE_PATH_MAX];
	sg_status st;
	size_t	i;
	int	fd;

	st = sg_probe_dir_ok(dir);
	if (!sg_status_is_ok(&st))
		return st;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t) sizeof(rnd))
		return sg_status_make(SG_TEMPFAIL, "getrandom: %s",
				      strerror(errno));
	for (i = 0; i < sizeof(rnd); i++) {
		token[2 * i] = hex[rnd[i] >> 4];
		token[2 * i + 1] = hex[rnd[i] & 15];
	}
	token[SG_PROBE_TOKEN_LEN] = '\0';
	if (!sg_probe_path(path, sizeof(path), dir, token, "token"))
		return sg_status_make(SG_CONFIG, "probe directory %s: name too "
				      "long", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return sg_status_make(SG_TEMPFAIL, "%s: %s", path,
				      strerror(errno));
	if (close(fd) < 0) {
		st = sg_status_make(SG_TEMPFAIL, "%s: %s", path,
				    strerror(errno));
		(void) unlink(path);
	}
	return st;
}

/* sg_probe_outcome - the outcome file's text; SG_TEMPFAIL while absent */
sg_status sg_probe_outcome(const char *dir, const char *token, sg_buf *out)
{
	char	path[SG_PROBE_PATH_MAX];

	sg_buf_reset(out);
	if (!sg_probe_token_ok(token)
	    || !sg_probe_path(path, sizeof(path), dir, token, "out"))
		return sg_status_make(SG_INTERNAL, "bad probe token");
	return sg_buf_read_file(out, path, 1024 * 1024);
}

/* sg_probe_remove - unlink the token and outcome files */
void	sg_probe_remove(const char *dir, const char *token)
{
	char	path[SG_PROBE_PATH_MAX];

	if (!sg_probe_token_ok(token))
		return;
	if (sg_probe_path(path, sizeof(path), dir, token, "token"))
		(void) unlink(path);
	if (sg_probe_path(path, sizeof(path), dir, token, "out"))
		(void) unlink(path);
}

/* sg_probe_parse - "rcpt=<A> result=R..." into A and "R..." */
bool	sg_probe_parse(const char *line, char *addr, size_t size,
		       const char **result)
{
	const char *end;
	size_t	n;

	if (strncmp(line, "rcpt=<", 6) != 0
	    || (end = strstr(line + 6, "> result=")) == NULL)
		return false;
	n = (size_t) (end - line - 6);
	if (n >= size)
		return false;
	memcpy(addr, line + 6, n);
	addr[n] = '\0';
	*result = end + 9;
	return true;
}
