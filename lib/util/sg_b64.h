/*
 * NAME
 *	sg_b64 3h
 * SUMMARY
 *	base64 in 76-column lines (RFC 2045 6.8), written in pieces
 * SYNOPSIS
 *	#include "sg_b64.h"
 *
 *	sg_b64 b;
 *	sg_b64_init(&b, false);
 *	sg_b64_update(&b, der, len, &out);	(as often as needed)
 *	sg_b64_final(&b, &out);
 * DESCRIPTION
 *	The encoding of a content transfer encoding "base64" body: lines of
 *	76 characters (57 input bytes), each ended by LF (or CRLF), the
 *	last one shorter and padded with "="; no line at all for no input.
 *	The lines do not depend on how the input was cut into pieces.
 *	nettle encodes; this module only holds back the bytes of a line
 *	not yet complete and ends the lines.
 *
 *	sg_b64_decode() appends the decoding of a base64 body in the form
 *	nettle's decoder accepts: the alphabet, white space (space, tab, CR,
 *	LF, VT, FF) anywhere, and "=" padding only at the end (up to three
 *	after zero bits, as in "A==="). For anything else (a stray byte,
 *	data after the padding, bits left over in the last group) it appends
 *	nothing and says false; the caller then asks GMime, which skips what
 *	it does not know. Where it says true, GMime's decoder gives the same
 *	bytes (test_b64 and fuzz_ctype hold it to that).
 */
#ifndef SG_B64_H
#define SG_B64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"

#define SG_B64_LINE_IN	57	/* input bytes of one line */

typedef struct sg_b64 {
	uint8_t	held[SG_B64_LINE_IN];	/* a line's input, not yet full */
	size_t	nheld;
	bool	crlf;
} sg_b64;

/* sg_b64_init - a new encoding; lines end in CRLF when crlf, else LF */
void	sg_b64_init(sg_b64 *b, bool crlf);

/* sg_b64_update - encode len bytes; every line completed is appended */
void	sg_b64_update(sg_b64 *b, const uint8_t *in, size_t len, sg_buf *out);

/* sg_b64_final - append the last, short line (if any); b may be reused */
void	sg_b64_final(sg_b64 *b, sg_buf *out);

/* sg_b64_encode - the whole encoding of len bytes, appended to out */
void	sg_b64_encode(const uint8_t *in, size_t len, bool crlf, sg_buf *out);

/* sg_b64_decode - append the decoding of strict base64; false if not */
bool	sg_b64_decode(const uint8_t *in, size_t len, sg_buf *out);

#endif
