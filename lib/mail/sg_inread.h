/*
 * NAME
 *	sg_inread 3h
 * SUMMARY
 *	read one message; a large S/MIME envelope for us is decoded as it comes
 * SYNOPSIS
 *	#include "sg_inread.h"
 *
 *	sg_inread in = SG_INREAD_INIT;
 *
 *	st = sg_inread_fd(cfg, sender, rcpts, nrcpts, STDIN_FILENO, &in);
 *	job = {cfg, sender, rcpts, nrcpts, in.msg.data, in.msg.len,
 *	       in.decoded ? &in.envelope : NULL, in.kr};
 *	...
 *	sg_inread_free(&in);
 * DESCRIPTION
 *	sg_inread_fd() reads the message from fd to its end. Most messages
 *	are simply held: in->msg is the message as it came, in a memory file
 *	(sg_buf_memfile) once it is over 64 KB, so that when it goes out as
 *	it came sendmail reads it from there (sg_reinject_buf), not from a
 *	second copy.
 *
 *	An inbound message (sg_policy_direction) whose top level is an
 *	S/MIME envelope (sg_mime_classify) with a body over 64 KB is not
 *	held twice. Once the header and the first 64 KB of the body are in,
 *	the body read so far is decoded (sg_mime_decoder: what
 *	sg_mime_smime_body() would give) and our keys are loaded; when the
 *	envelope's RecipientInfos name one of our keys
 *	(sg_cms_peek_for_us), the rest is decoded as it is read, 64 KB at a
 *	time, into in->envelope, a buffer in a memory file (sg_buf_memfile),
 *	where it can be decrypted in place and handed to sendmail
 *	(sg_reinject_buf) without another copy. in->msg then keeps the
 *	header block only (with the empty line that ends it), in->decoded
 *	is true, and in->kr holds the keys that were loaded.
 *
 *	Only then: ciphertext addressed to us that cannot be opened is
 *	deferred or bounced, never relayed (sg_policy_inbound), so the raw
 *	body is not needed again. An envelope for someone else (a desktop
 *	user's own S/MIME that policy may relay byte for byte), one whose
 *	recipients we cannot read in the first 64 KB, keys that cannot be
 *	loaded, and every other message are read and held as they came.
 *
 *	The size limit (max_message_size) counts the bytes read, as before.
 * DIAGNOSTICS
 *	SG_OK; SG_REJECT when the message is larger than max_message_size;
 *	SG_TEMPFAIL on a read error or when no memory file can be made. On
 *	any failure in is left for sg_inread_free().
 */
#ifndef SG_INREAD_H
#define SG_INREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "sg_buf.h"
#include "sg_config.h"
#include "sg_keyring.h"
#include "sg_status.h"

typedef struct sg_inread {
	sg_buf	msg;			/* the message, or its header only */
	sg_buf	envelope;		/* decoded: the envelope's body */
	bool	decoded;
	sg_keyring *kr;			/* decoded: our keys, loaded */
} sg_inread;

#define SG_INREAD_INIT { SG_BUF_INIT, SG_BUF_INIT, false, NULL }

/* sg_inread_fd - read one message from fd */
sg_status sg_inread_fd(const sg_config *cfg, const char *sender,
		       char *const *rcpts, size_t nrcpts, int fd,
		       sg_inread *in);

/* sg_inread_free - wipe and release */
void	sg_inread_free(sg_inread *in);

#endif
