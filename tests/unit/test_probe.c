/*
 * NAME
 *	test_probe 1
 * SUMMARY
 *	unit tests of sg_probe: tokens, when a message is a probe, the
 *	outcome lines
 * DESCRIPTION
 *	A private directory of the test user stands for probe_directory.
 *	sg_probe_find() must say "probe" only for a live token file of ours
 *	in a private directory, and never follow a header to another path.
 *	sg_probe_record() writes the lines smimegw-test parses back with
 *	sg_probe_parse().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "sg_probe.h"
#include "sg_test.h"
#include "sg_testkit.h"

static char dir[600];

/* message - a probe message whose header carries token */
static size_t message(char *buf, size_t size, const char *token)
{
	return (size_t) snprintf(buf, size, "From: a@a.example\n"
				 "To: b@b.example\n"
				 SG_PROBE_HEADER ":\n %s\n"
				 "Subject: probe\n\nbody\n", token);
}

/* is_probe - sg_probe_find() on a message carrying token */
static bool is_probe(const char *token)
{
	char	msg[600];
	size_t	len = message(msg, sizeof(msg), token);
	sg_probe *p = sg_probe_find(dir, (const uint8_t *) msg, len);
	bool	yes = p != NULL;

	if (p != NULL)
		SG_CHECK(strcmp(sg_probe_token(p), token) == 0);
	sg_probe_free(p);
	return yes;
}

static void test_token(void)
{
	SG_CHECK(sg_probe_token_ok("0123456789abcdef0123456789abcdef"));
	SG_CHECK(!sg_probe_token_ok("0123456789ABCDEF0123456789abcdef"));
	SG_CHECK(!sg_probe_token_ok("0123456789abcdef0123456789abcde"));
	SG_CHECK(!sg_probe_token_ok("0123456789abcdef0123456789abcdef0"));
	SG_CHECK(!sg_probe_token_ok("../../../../etc/passwd/xxxxxxxxxx"));
	SG_CHECK(!sg_probe_token_ok(""));
}

static void test_find(void)
{
	char	token[SG_PROBE_TOKEN_SIZE], other[SG_PROBE_TOKEN_SIZE];
	char	path[700], msg[600];
	struct utimbuf old;
	sg_status st;
	size_t	len;

	snprintf(dir, sizeof(dir), "%s/probe", sg_testkit_dir());
	SG_CHECK(mkdir(dir, 0700) == 0);
	st = sg_probe_create(dir, token);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(sg_probe_token_ok(token));
	st = sg_probe_create(dir, other);
	SG_CHECK(sg_status_is_ok(&st) && strcmp(token, other) != 0);
	sg_probe_remove(dir, other);

	SG_CHECK(is_probe(token));
	SG_CHECK(!is_probe(other));			/* removed */
	SG_CHECK(!is_probe("0123456789abcdef0123456789abcdef"));
	/* no header at all */
	len = (size_t) snprintf(msg, sizeof(msg), "From: a@a.example\n\n%s\n",
				token);
	SG_CHECK(sg_probe_find(dir, (const uint8_t *) msg, len) == NULL);
	/* the header in the body does not count */
	len = (size_t) snprintf(msg, sizeof(msg), "From: a@a.example\n\n"
				SG_PROBE_HEADER ": %s\n", token);
	SG_CHECK(sg_probe_find(dir, (const uint8_t *) msg, len) == NULL);
	SG_CHECK(sg_probe_find(NULL, (const uint8_t *) msg, len) == NULL);

	/* a token file others may read is no token */
	snprintf(path, sizeof(path), "%s/%s.token", dir, token);
	SG_CHECK(chmod(path, 0644) == 0);
	SG_CHECK(!is_probe(token));
	SG_CHECK(chmod(path, 0600) == 0);
	SG_CHECK(is_probe(token));
	/* nor is a stale one */
	old.actime = old.modtime = time(NULL) - SG_PROBE_MAX_AGE - 10;
	SG_CHECK(utime(path, &old) == 0);
	SG_CHECK(!is_probe(token));
	SG_CHECK(utime(path, NULL) == 0);
	SG_CHECK(is_probe(token));
	/* nor one in a directory others may enter */
	SG_CHECK(chmod(dir, 0711) == 0);
	SG_CHECK(!is_probe(token));
	st = sg_probe_create(dir, other);
	SG_CHECK(st.code == SG_CONFIG && strstr(st.text, "0700") != NULL);
	SG_CHECK(chmod(dir, 0700) == 0);
	/* nor a symbolic link */
	{
		char	target[700];

		snprintf(target, sizeof(target), "%s/real", dir);
		SG_CHECK(rename(path, target) == 0);
		SG_CHECK(symlink(target, path) == 0);
		SG_CHECK(!is_probe(token));
		SG_CHECK(unlink(path) == 0);
		SG_CHECK(rename(target, path) == 0);
		SG_CHECK(is_probe(token));
	}
	sg_probe_remove(dir, token);
	SG_CHECK(!is_probe(token));
	SG_CHECK(access(path, F_OK) < 0);

	st = sg_probe_create("/nonexistent/probe", token);
	SG_CHECK(st.code == SG_CONFIG);
}

static void test_record(void)
{
	char   *rcpts[] = {"Bob@B.example", "carol@c.example", "alice@a.example"};
	char   *domains[] = {"a.example"};
	char	token[SG_PROBE_TOKEN_SIZE], msg[600], addr[200];
	sg_gateway_copy copies[2];
	sg_gateway_result res;
	sg_config cfg;
	sg_buf	out = SG_BUF_INIT;
	sg_probe *p;
	sg_status st, ok = sg_status_ok(), bad;
	const char *result, *line;
	size_t	len;

	memset(&cfg, 0, sizeof(cfg));
	cfg.domains = domains;
	cfg.ndomains = 1;
	memset(copies, 0, sizeof(copies));
	copies[0].rcpts = rcpts;
	copies[0].nrcpts = 1;
	copies[0].encrypted = true;
	snprintf(copies[0].action, sizeof(copies[0].action), "action=encrypted "
		 "cipher=aes256-cbc cert=b.example.pem certs=1 [x]");
	copies[1].rcpts = rcpts + 1;
	copies[1].nrcpts = 2;
	snprintf(copies[1].action, sizeof(copies[1].action), "action=plain "
		 "in-clear-to=1 reason=no-certificate");
	memset(&res, 0, sizeof(res));
	res.copies = copies;
	res.ncopies = 2;

	st = sg_probe_create(dir, token);
	SG_CHECK(sg_status_is_ok(&st));
	len = message(msg, sizeof(msg), token);
	p = sg_probe_find(dir, (const uint8_t *) msg, len);
	SG_CHECK(p != NULL);
	if (p == NULL)
		return;
	st = sg_probe_outcome(dir, token, &out);
	SG_CHECK(st.code == SG_TEMPFAIL);		/* not yet */
	st = sg_probe_record(p, &cfg, rcpts, 3, &res, &ok);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	/* a second delivery of the same probe appends */
	bad = sg_status_make(SG_TEMPFAIL, "certs/b.example.crt is misnamed:\n"
			     "rename it");
	res.dsn = "4.3.0";
	st = sg_probe_record(p, &cfg, rcpts, 1, &res, &bad);
	SG_CHECK(sg_status_is_ok(&st));
	st = sg_probe_outcome(dir, token, &out);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK_MSG(out.len > 0 && strcmp((char *) out.data,
		"rcpt=<Bob@B.example> result=encrypted action=encrypted "
		"cipher=aes256-cbc cert=b.example.pem certs=1 [x]\n"
		"rcpt=<carol@c.example> result=plain-no-certificate "
		"action=plain in-clear-to=1 reason=no-certificate\n"
		"rcpt=<alice@a.example> result=plain-ours action=plain "
		"in-clear-to=1 reason=no-certificate\n"
		"rcpt=<Bob@B.example> result=deferred dsn=4.3.0 reason="
		"\"certs/b.example.crt is misnamed:?rename it\"\n") == 0,
		"%s", out.len ? (char *) out.data : "(empty)");

	line = (const char *) out.data;
	SG_CHECK(sg_probe_parse(line, addr, sizeof(addr), &result));
	SG_CHECK(strcmp(addr, "Bob@B.example") == 0);
	SG_CHECK(strncmp(result, "encrypted action=", 17) == 0);
	SG_CHECK(!sg_probe_parse("rcpt=<x@y> action=plain", addr,
				 sizeof(addr), &result));
	SG_CHECK(!sg_probe_parse("rcpt=<x@y> result=plain", addr, 2,
				 &result));
	sg_probe_free(p);
	sg_probe_remove(dir, token);
	st = sg_probe_outcome(dir, token, &out);
	SG_CHECK(st.code == SG_TEMPFAIL);
	sg_buf_free(&out);
}

int	main(void)
{
	SG_RUN(test_token);
	SG_RUN(test_find);
	SG_RUN(test_record);
	return sg_test_done();
}
