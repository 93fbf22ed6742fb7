/*
 * NAME
 *	sg_eol 3h
 * SUMMARY
 *	bytes read with their line ends changed, in pieces
 * SYNOPSIS
 *	#include "sg_eol.h"
 *
 *	sg_eol_reader r;
 *	sg_eol_open(&r, data, len, SG_EOL_CRLF);
 *	while ((n = sg_eol_read(&r, out, sizeof(out))) > 0)
 *		... n bytes of out ...
 *	total = sg_eol_length(data, len, SG_EOL_CRLF);
 * DESCRIPTION
 *	The bytes of data as sg_buf_append_crlf() (SG_EOL_CRLF: every LF
 *	without a CR before it becomes CRLF) or sg_buf_append_lf()
 *	(SG_EOL_LF: every CRLF becomes LF) would append them, or as they are
 *	(SG_EOL_AS_IS), given out in pieces of any size, never copied whole:
 *	a line end is decided on the input, however the output is cut.
 *	sg_eol_read() fills out with up to want bytes, fewer only at the end;
 *	0 when all were given. sg_eol_length() is their number in all. The
 *	reader borrows data; it holds nothing to release.
 */
#ifndef SG_EOL_H
#define SG_EOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sg_eol_mode {
	SG_EOL_AS_IS = 0,
	SG_EOL_CRLF,
	SG_EOL_LF,
} sg_eol_mode;

typedef struct sg_eol_reader {
	/* private */
	const uint8_t *data;
	size_t	len;
	size_t	pos;			/* next input byte */
	sg_eol_mode mode;
	bool	lf_owed;		/* a bare LF gave its CR; LF comes next */
} sg_eol_reader;

/* sg_eol_open - read data through mode */
void	sg_eol_open(sg_eol_reader *r, const uint8_t *data, size_t len,
		    sg_eol_mode mode);

/* sg_eol_read - the next bytes, at most want; 0 at the end */
size_t	sg_eol_read(sg_eol_reader *r, uint8_t *out, size_t want);

/* sg_eol_length - how many bytes a reader of data in mode gives in all */
size_t	sg_eol_length(const uint8_t *data, size_t len, sg_eol_mode mode);

#endif
