/*
 * NAME
 *	sg_probe 3h
 * SUMMARY
 *	smimegw-test's probe messages: the token, the outcome file
 * SYNOPSIS
 *	#include "sg_probe.h"
 *
 *	In the filter:
 *	sg_probe *p = sg_probe_find(cfg->probe_dir, msg, len);
 *	if (p != NULL) {
 *		st = sg_probe_record(p, cfg, &res, &gst);
 *		sg_probe_free(p);
 *	}
 *
 *	In smimegw-test:
 *	char token[SG_PROBE_TOKEN_SIZE];
 *	st = sg_probe_create(dir, token);
 *	... send a message with "SG_PROBE_HEADER: token" ...
 *	st = sg_probe_outcome(dir, token, &text);
 *	sg_probe_remove(dir, token);
 * DESCRIPTION
 *	A probe is an ordinary message sent through Postfix's smtpd with a
 *	header field "X-SMIMEGW-Probe: TOKEN". The filter takes it for a
 *	probe only when the file DIR/TOKEN.token exists, where DIR is
 *	[gateway] probe_directory: a directory of the filter's user, mode
 *	0700 (nobody else can read a token or plant one); the token file is
 *	a regular file (not a link) of that user, mode 0600 and at most
 *	SG_PROBE_MAX_AGE seconds old. A token is SG_PROBE_TOKEN_LEN
 *	lower-case hex digits from getrandom(2). A probe header without such
 *	a file is nothing: the message is handled like any other.
 *
 *	sg_probe_record() appends one line per recipient to DIR/TOKEN.out
 *	(created 0600, O_NOFOLLOW, one write(2) per message, so that
 *	several deliveries of one probe by pipe(8) do not mix their lines):
 *	    rcpt=<ADDRESS> result=RESULT action=...
 *	RESULT is encrypted, plain-ours (the recipient is in our domains),
 *	plain-no-certificate, decrypted, relayed, bounced or deferred; the
 *	rest is the copy's log text (sg_gateway(3h)) or, for bounced and
 *	deferred, "dsn=X.Y.Z reason=\"...\"". The filter then exits 0
 *	without reinjecting anything: the probe never leaves the host, and
 *	Postfix takes it as delivered.
 *
 *	sg_probe_create() makes a new token and its file (O_EXCL, 0600) in
 *	dir; sg_probe_outcome() reads DIR/TOKEN.out (SG_TEMPFAIL while it
 *	does not exist); sg_probe_remove() unlinks both files.
 *	sg_probe_parse() splits one outcome line into the address and the
 *	text after "result=".
 * DIAGNOSTICS
 *	sg_probe_create(): SG_CONFIG when dir is not a private directory of
 *	the caller, SG_TEMPFAIL for I/O. sg_probe_record(): SG_TEMPFAIL when
 *	the outcome cannot be written (the filter then defers the probe).
 * SECURITY
 *	Whoever knows a live token can make one message vanish without
 *	being delivered, so the token is readable only by the filter's user
 *	(and root), lives for one run of smimegw-test (and never more than
 *	SG_PROBE_MAX_AGE), and the directory's owner and mode are checked
 *	by both sides.
 */
#ifndef SG_PROBE_H
#define SG_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"
#include "sg_config.h"
#include "sg_gateway.h"
#include "sg_status.h"

#define SG_PROBE_HEADER		"X-SMIMEGW-Probe"
#define SG_PROBE_TOKEN_LEN	32	/* hex digits: 128 bits */
#define SG_PROBE_TOKEN_SIZE	(SG_PROBE_TOKEN_LEN + 1)
#define SG_PROBE_MAX_AGE	3600	/* seconds a token file is honoured */

typedef struct sg_probe sg_probe;

/* sg_probe_find - the live probe msg is, or NULL (the usual case) */
sg_probe *sg_probe_find(const char *dir, const uint8_t *msg, size_t len);

/* sg_probe_record - what the gateway did, one line per recipient */
sg_status sg_probe_record(const sg_probe *p, const sg_config *cfg,
			  char *const *rcpts, size_t nrcpts,
			  const sg_gateway_result *res, const sg_status *st);

/* sg_probe_token - the probe's token (for the log) */
const char *sg_probe_token(const sg_probe *p);

/* sg_probe_free - release; NULL is allowed */
void	sg_probe_free(sg_probe *p);

/* sg_probe_token_ok - SG_PROBE_TOKEN_LEN lower-case hex digits */
bool	sg_probe_token_ok(const char *token);

/* sg_probe_create - a new token and its file in dir */
sg_status sg_probe_create(const char *dir, char token[SG_PROBE_TOKEN_SIZE]);

/* sg_probe_outcome - the outcome file's text; SG_TEMPFAIL while absent */
sg_status sg_probe_outcome(const char *dir, const char *token, sg_buf *out);

/* sg_probe_remove - unlink the token and outcome files */
void	sg_probe_remove(const char *dir, const char *token);

/* sg_probe_parse - "rcpt=<A> result=R..." into A and "R..." */
bool	sg_probe_parse(const char *line, char *addr, size_t size,
		       const char **result);

#endif
