/*
 * NAME
 *	sg_gateway 3h
 * SUMMARY
 *	what the gateway does with one message: every copy, built in memory
 * SYNOPSIS
 *	#include "sg_gateway.h"
 *
 *	sg_gateway_job job = {cfg, sender, rcpts, nrcpts, msg, len};
 *	sg_gateway_result res;
 *
 *	st = sg_gateway_process(&job, &res);
 *	if (st.code == SG_OK)
 *		... reinject res.copies[0 .. res.ncopies - 1] ...
 *	else if (st.code == SG_REJECT)
 *		... bounce: print res.dsn and res.dsn_text ...
 *	else
 *		... defer ...
 *	sg_gateway_result_free(&res);
 * DESCRIPTION
 *	sg_gateway_process() gathers the facts (direction, what the message
 *	is, which recipients are ours, which have a certificate, what
 *	decryption said), lets sg_policy decide, and builds every copy before
 *	any is sent, so that nothing leaves unless everything can.
 *
 *	1. The message. When the direction is inbound (sg_policy_direction)
 *	and the top level is an S/MIME envelope, it is decrypted with our
 *	keys, loaded only then; sg_policy_inbound() decides what a failure
 *	means (defer, bounce, or relay a desktop user's own S/MIME). The
 *	decrypted message replaces the original for every recipient. An
 *	inbound message that is not decrypted loses any forged trace header
 *	(SG_MIME_TRACE_HEADER). Outbound, the message is taken as it came.
 *	When the job brings the envelope's body already decoded
 *	(job->envelope, from sg_inread: msg is then the header alone), that
 *	body is decrypted in place, in its memory file, and it is never
 *	relayed: whatever the failure, it counts as ciphertext for us.
 *
 *	2. The recipients, whatever the direction: recipients in our domains
 *	get the message from step 1 as it is. A recipient outside our
 *	domains with a certificate gets it encrypted (mail forwarded to a
 *	partner too, and mail we just decrypted: it never leaves decrypted
 *	to a partner). A recipient outside without a certificate gets it as
 *	it is, or with mixed_recipients = reject the whole message is
 *	refused when any recipient is encrypted.
 *
 *	Each copy carries a short "action=..." text of key=value words for
 *	the log (never content, never key material).
 *
 *	The copies and the result are owned by res; the recipients are lent
 *	from the job.
 * DIAGNOSTICS
 *	SG_OK: res holds the copies. SG_REJECT: bounce; res->dsn ("5.6.0",
 *	"5.7.1", ...), res->dsn_text (one sentence for the sender, no
 *	detail) and res->by_policy (a decision of policy, not a bad
 *	message). SG_TEMPFAIL, SG_CONFIG, SG_INTERNAL: defer; res->dsn is a
 *	4.x.x code and res->dsn_text is generic. The status sentence is the
 *	detail for the log.
 */
#ifndef SG_GATEWAY_H
#define SG_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"
#include "sg_config.h"
#include "sg_keyring.h"
#include "sg_policy.h"
#include "sg_status.h"

#define SG_GATEWAY_ACTION_MAX	600

typedef struct sg_gateway_job {
	const sg_config *cfg;
	const char *sender;		/* "" for the null sender */
	char  **rcpts;
	size_t	nrcpts;
	const uint8_t *msg;		/* must outlive the result */
	size_t	len;
	sg_buf *envelope;		/* optional (sg_inread): the top-level
					 * envelope's body, decoded; msg is
					 * then the header alone. Taken. */
	sg_keyring *kr;			/* optional: our keys, loaded (lent) */
	sg_buf *input;			/* optional: the buffer that holds msg;
					 * an inbound message relayed as it
					 * came takes it (it is then emptied,
					 * and msg no longer valid) instead of
					 * a copy */
} sg_gateway_job;

typedef struct sg_gateway_copy {
	const uint8_t *bytes;		/* LF line ends, for sendmail when */
	size_t	len;			/* there is no spool: data, or the
					 * message the plain copies share
					 * (res->msg, or the job's) */
	sg_buf	data;			/* this copy's own bytes, if any */
	struct sg_reinject_spool *spool;	/* instead of data: an encrypted
						 * copy, sealed (sg_reinject) */
	char  **rcpts;			/* lent from the job */
	size_t	nrcpts;
	bool	encrypted;
	char	action[SG_GATEWAY_ACTION_MAX];	/* "action=... ..." */
} sg_gateway_copy;

typedef struct sg_gateway_result {
	sg_direction direction;
	sg_gateway_copy *copies;
	sg_buf	msg;			/* inbound: the decrypted message */
	size_t	ncopies;
	const char *dsn;		/* when not SG_OK */
	char	dsn_text[160];		/* when not SG_OK */
	bool	by_policy;		/* an SG_REJECT that policy decided */
	size_t	trailing;		/* bytes ignored after a CMS object */
} sg_gateway_result;

/* sg_gateway_process - decide and build every copy of one message */
sg_status sg_gateway_process(const sg_gateway_job *job, sg_gateway_result *res);

/* sg_gateway_result_free - wipe and release the copies */
void	sg_gateway_result_free(sg_gateway_result *res);

#endif
