/*
 * NAME
 *	sg_inread 3
 * SUMMARY
 *	read one message; a large S/MIME envelope for us is decoded as it comes
 */
#include <stdlib.h>
#include <string.h>

#include "sg_cms.h"
#include "sg_inread.h"
#include "sg_keyring.h"
#include "sg_mime.h"
#include "sg_policy.h"

#define SG_INREAD_SMALL	SG_MIME_HEAD_BODY	/* held in malloc'd memory */
#define SG_INREAD_HEAD_MAX (1024 * 1024)	/* header and peek, at most */

/*
 * sg_inread_some - sg_buf_read_some(), counting every byte read in *total
 * against max_len
 */
static sg_status sg_inread_some(int fd, sg_buf *buf, size_t *n, size_t *total,
				size_t max_len)
{
	sg_status st = sg_buf_read_some(buf, fd, n);

	*total += *n;
	if (sg_status_is_ok(&st) && *total > max_len)
		return sg_status_make(SG_REJECT, "input is larger than the "
				      "limit of %zu bytes", max_len);
	return st;
}

/*
 * sg_inread_rest - the rest of the input, held as it came; in a memory
 * file (sg_buf_memfile) once it is over SG_INREAD_SMALL bytes, so that
 * sendmail can read the message from there if it goes out as it came
 * (sg_reinject_buf); in malloc'd memory if no memory file can be made
 */
static sg_status sg_inread_rest(int fd, sg_buf *msg, size_t total,
				size_t max_len)
{
	sg_buf	file = SG_BUF_INIT;
	sg_status st;
	size_t	n;

	while (msg->len <= SG_INREAD_SMALL) {
		st = sg_inread_some(fd, msg, &n, &total, max_len);
		if (!sg_status_is_ok(&st) || n == 0)
			return st;
	}
	st = sg_buf_memfile(&file);
	if (sg_status_is_ok(&st)) {
		sg_buf_append(&file, msg->data, msg->len);
		sg_buf_wipe_free(msg);
		*msg = file;
	}
	return sg_buf_read_fd(msg, fd, max_len - total);
}

/*
 * sg_inread_head - read until the header block is complete and more than
 * SG_MIME_HEAD_BODY bytes of body follow it (*enough; *body is the
 * header's length), or to the end of input, or until SG_INREAD_HEAD_MAX
 * bytes are in without that (a header block far over Postfix's
 * header_size_limit: not worth the look, and each look reads it whole)
 */
static sg_status sg_inread_head(int fd, sg_buf *msg, size_t *total,
				size_t max_len, size_t *body, bool *enough)
{
	sg_status st;
	size_t	n;

	*enough = false;
	for (;;) {
		st = sg_inread_some(fd, msg, &n, total, max_len);
		if (!sg_status_is_ok(&st) || n == 0
		    || msg->len > SG_INREAD_HEAD_MAX)
			return st;
		*body = sg_mime_raw_header_len(msg->data, msg->len);
		/*
		 * The line where the header ended is whole (a newline follows
		 * it), so more input cannot move that end.
		 */
		if (msg->len - *body > SG_MIME_HEAD_BODY
		    && memchr(msg->data + *body, '\n', msg->len - *body)) {
			*enough = true;
			return st;
		}
	}
}

/*
 * sg_inread_ours - is the header (alone, as the gateway will see it) an
 * envelope, and does the start of its body name one of our keys? On true
 * *dec holds the decoder, in->envelope the start of the body decoded, and
 * in->kr the keys.
 */
static bool sg_inread_ours(const sg_config *cfg, sg_inread *in, size_t body,
			   sg_mime_decoder **dec)
{
	sg_mime *head = NULL;
	sg_status st;
	bool	ours = false;

	*dec = NULL;
	st = sg_mime_parse(in->msg.data, body, &head);
	if (!sg_status_is_ok(&st) || sg_mime_classify(head) != SG_MIME_ENCRYPTED
	    || (*dec = sg_mime_decoder_new(head)) == NULL)
		goto out;
	st = sg_buf_memfile(&in->envelope);
	if (!sg_status_is_ok(&st))
		goto out;
	sg_buf_reserve(&in->envelope, (in->msg.len - body) / 4 * 3 + 16);
	sg_mime_decoder_step(*dec, in->msg.data + body, in->msg.len - body,
			     &in->envelope);
	in->kr = sg_keyring_new();
	st = sg_keyring_add_files(in->kr, cfg->certificate, cfg->private_key);
	ours = sg_status_is_ok(&st) && sg_cms_peek_for_us(in->kr,
			in->envelope.data, in->envelope.len) == 1;
out:
	sg_mime_free(head);
	if (!ours) {
		sg_mime_decoder_end(*dec, &in->envelope);
		*dec = NULL;
		sg_buf_wipe_free(&in->envelope);
		sg_keyring_free(in->kr);
		in->kr = NULL;
	}
	return ours;
}

/* sg_inread_fd - read one message from fd */
sg_status sg_inread_fd(const sg_config *cfg, const char *sender,
		       char *const *rcpts, size_t nrcpts, int fd,
		       sg_inread *in)
{
	sg_mime_decoder *dec;
	sg_buf	chunk = SG_BUF_INIT;
	sg_status st;
	size_t	total = 0, body = 0, n;
	bool	enough;

	if (sg_policy_direction(sender, rcpts, nrcpts, cfg->domains,
				cfg->ndomains, cfg->null_sender_outbound)
	    != SG_DIRECTION_INBOUND)
		return sg_inread_rest(fd, &in->msg, 0, cfg->max_message_size);
	st = sg_inread_head(fd, &in->msg, &total, cfg->max_message_size,
			    &body, &enough);
	if (!sg_status_is_ok(&st))
		return st;
	if (!enough || !sg_inread_ours(cfg, in, body, &dec))
		return sg_inread_rest(fd, &in->msg, total,
				      cfg->max_message_size);
	/* From here the raw body is not kept: see DESCRIPTION. */
	sg_buf_set_len(&in->msg, body);
	for (;;) {
		sg_buf_reset(&chunk);
		st = sg_inread_some(fd, &chunk, &n, &total,
				    cfg->max_message_size);
		if (!sg_status_is_ok(&st) || n == 0)
			break;
		sg_mime_decoder_step(dec, chunk.data, n, &in->envelope);
	}
	sg_mime_decoder_end(dec, &in->envelope);
	sg_buf_free(&chunk);
	in->decoded = sg_status_is_ok(&st);
	return st;
}

/* sg_inread_free - wipe and release */
void	sg_inread_free(sg_inread *in)
{
	sg_buf_wipe_free(&in->msg);
	sg_buf_wipe_free(&in->envelope);
	sg_keyring_free(in->kr);
	in->kr = NULL;
	in->decoded = false;
}
