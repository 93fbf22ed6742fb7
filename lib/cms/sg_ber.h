/*
 * NAME
 *	sg_ber 3h
 * SUMMARY
 *	BER length normalisation for libtasn1
 * SYNOPSIS
 *	#include "sg_ber.h"
 *
 *	sg_status sg_ber_definite(const uint8_t *in, size_t len,
 *				  sg_buf *out, size_t *used);
 *	sg_status sg_ber_definite_buf(sg_buf *buf, size_t *used);
 * DESCRIPTION
 *	libtasn1 decodes BER with definite lengths, including constructed
 *	(chunked) strings, but not indefinite lengths, which OpenSSL -stream,
 *	gpgsm and NSS all write. sg_ber_definite() reads one complete BER
 *	element at the start of in and, when any element inside it has an
 *	indefinite length, writes into out the same element with every
 *	length definite and the end-of-contents markers removed. Nothing else
 *	changes: tags, primitive contents and the constructed/primitive form
 *	are kept. It needs no schema. When no indefinite length occurs, out
 *	is left empty and the caller decodes in directly.
 *
 *	*used is set to the size of the element in the input. Bytes after
 *	it are the caller's concern.
 *
 *	sg_ber_definite_buf() does the same in place: buf then holds the
 *	element with definite lengths (whether any changed or not) and
 *	nothing after it, *used its size in the input; the buffer grows by
 *	no more than the headers do, so a large element (a 25 MB chunked
 *	encryptedContent) is never held twice. On an error buf is as it was.
 *
 *	Cost: two linear passes; memory: out (in place: the headers' growth)
 *	plus 24 bytes per constructed element.
 *
 *	sg_ber_header() reads the one tag-length header at p as both passes
 *	do, from the avail bytes at hand, which may be only a prefix of the
 *	element (sg_cms_peek_for_us looks at a message as it arrives). It
 *	does not compare the length with avail. SG_BER_SHORT: the bytes end
 *	inside the header; SG_BER_BAD: no completion of them is a header
 *	sg_ber accepts (*why says why).
 * DIAGNOSTICS
 *	SG_REJECT with a sentence for truncated or malformed encodings,
 *	lengths beyond the input, indefinite primitive elements and nesting
 *	deeper than SG_BER_MAX_DEPTH.
 */
#ifndef SG_BER_H
#define SG_BER_H

#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"
#include "sg_status.h"

#define SG_BER_MAX_DEPTH 64
#define SG_BER_INDEFINITE SIZE_MAX

typedef struct sg_ber_hdr {
	size_t	hdr_len;	/* tag and length octets */
	size_t	tag_len;	/* tag octets only */
	size_t	len;		/* content length or SG_BER_INDEFINITE */
	int	constructed;
} sg_ber_hdr;

typedef enum sg_ber_rc {
	SG_BER_OK = 0,
	SG_BER_SHORT,
	SG_BER_BAD,
} sg_ber_rc;

/* sg_ber_header - read one tag-length header from avail bytes at p */
sg_ber_rc sg_ber_header(const uint8_t *p, size_t avail, sg_ber_hdr *h,
			const char **why);

sg_status sg_ber_definite(const uint8_t *in, size_t len, sg_buf *out,
			  size_t *used);
sg_status sg_ber_definite_buf(sg_buf *buf, size_t *used);

#endif
