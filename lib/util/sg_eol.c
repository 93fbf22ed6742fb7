/*
 * NAME
 *	sg_eol 3
 * SUMMARY
 *	bytes read with their line ends changed, in pieces
 */
#include <string.h>

#include "sg_eol.h"

/* sg_eol_open - read data through mode */
void	sg_eol_open(sg_eol_reader *r, const uint8_t *data, size_t len,
		    sg_eol_mode mode)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->mode = mode;
	r->lf_owed = false;
}

/* sg_eol_read - the next bytes, at most want; 0 at the end */
size_t	sg_eol_read(sg_eol_reader *r, uint8_t *out, size_t want)
{
	const uint8_t *p = r->data, *hit = NULL;
	uint8_t	special = r->mode == SG_EOL_CRLF ? '\n' : '\r';
	size_t	n = 0, k;

	while (n < want) {
		if (r->lf_owed) {
			out[n++] = '\n';
			r->lf_owed = false;
			continue;
		}
		if (r->pos >= r->len)
			break;
		k = r->len - r->pos;
		if (k > want - n)
			k = want - n;
		if (r->mode != SG_EOL_AS_IS
		    && (hit = memchr(p + r->pos, special, k)) != NULL)
			k = (size_t) (hit - (p + r->pos));
		memcpy(out + n, p + r->pos, k);
		r->pos += k;
		n += k;
		if (hit == NULL)
			continue;
		/* p[pos] is the special byte, and there is room for one */
		if (r->mode == SG_EOL_CRLF) {
			if (r->pos == 0 || p[r->pos - 1] != '\r') {
				out[n++] = '\r';
				r->lf_owed = true;
			} else {
				out[n++] = '\n';
			}
		} else if (r->pos + 1 >= r->len || p[r->pos + 1] != '\n') {
			out[n++] = '\r';	/* a CR not before an LF stays */
		}
		r->pos++;
		hit = NULL;
	}
	return n;
}

/* sg_eol_length - how many bytes a reader of data in mode gives in all */
size_t	sg_eol_length(const uint8_t *data, size_t len, sg_eol_mode mode)
{
	const uint8_t *end = data + len, *nl;
	size_t	total = len;

	if (mode == SG_EOL_AS_IS)
		return len;
	for (nl = data; (nl = memchr(nl, '\n', (size_t) (end - nl))) != NULL;
	     nl++) {
		if (nl > data && nl[-1] == '\r')
			total -= mode == SG_EOL_LF;
		else
			total += mode == SG_EOL_CRLF;
	}
	return total;
}
