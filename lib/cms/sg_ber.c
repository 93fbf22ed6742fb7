/*
 * NAME
 *	sg_ber 3
 * SUMMARY
 *	BER length normalisation for libtasn1
 * DESCRIPTION
 *	Pass one walks the element tree, checks every header against the
 *	input and records, in document order, the new content length of each
 *	element whose length is indefinite. Pass two walks the tree again and
 *	writes it with those lengths. Definite-length elements whose subtree
 *	holds no indefinite length are copied as one block.
 * SECURITY
 *	Input is hostile: every length is checked against the bytes that
 *	remain, arithmetic is done in size_t with overflow checks, recursion
 *	is bounded by SG_BER_MAX_DEPTH.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg_ber.h"
#include "sg_mem.h"

/*
 * One record per constructed element, in document order: the length its
 * contents will have in the output, whether anything at or below it is
 * indefinite, and how many records its subtree holds (so that pass two
 * can copy an unchanged subtree as one block and skip its records).
 */
typedef struct sg_ber_rec {
	size_t	out_content;
	size_t	subtree;
	int	changed;
} sg_ber_rec;

typedef struct sg_ber_walk {
	sg_ber_rec *recs;
	size_t	count;
	size_t	cap;
	size_t	next;		/* pass two: next record */
	size_t	grow;		/* what the headers grow by, all added */
} sg_ber_walk;

/*
 * Where pass two writes: appended to buf, or (buf NULL) at dst, in place
 * over the input, which was first moved up by the walk's grow bytes: the
 * writer then never passes the reader (see sg_ber_definite_buf).
 */
typedef struct sg_ber_out {
	sg_buf *buf;
	uint8_t *dst;
	size_t	n;		/* bytes written */
} sg_ber_out;

/* sg_ber_put - write len bytes from p */
static void sg_ber_put(sg_ber_out *o, const uint8_t *p, size_t len)
{
	if (o->buf != NULL)
		sg_buf_append(o->buf, p, len);
	else
		memmove(o->dst + o->n, p, len);
	o->n += len;
}

/* sg_ber_header - read one tag-length header from avail bytes at p */
sg_ber_rc sg_ber_header(const uint8_t *p, size_t avail, sg_ber_hdr *h,
			const char **why)
{
	size_t	i = 1;
	size_t	n;
	size_t	k;

	if (avail < 2)
		return SG_BER_SHORT;
	h->constructed = (p[0] & 0x20) != 0;
	if ((p[0] & 0x1f) == 0x1f) {		/* high tag number form */
		do {
			if (i > 5) {
				*why = "BER tag is malformed";
				return SG_BER_BAD;
			}
			if (i >= avail)
				return SG_BER_SHORT;
		} while (p[i++] & 0x80);
	}
	h->tag_len = i;
	if (i >= avail)
		return SG_BER_SHORT;
	if (p[i] < 0x80) {
		h->len = p[i];
		h->hdr_len = i + 1;
	} else if (p[i] == 0x80) {
		if (!h->constructed) {
			*why = "BER primitive element has an indefinite length";
			return SG_BER_BAD;
		}
		h->len = SG_BER_INDEFINITE;
		h->hdr_len = i + 1;
	} else {
		n = p[i] & 0x7f;
		if (n > sizeof(size_t) || n == 0x7f) {
			*why = "BER length is too large";
			return SG_BER_BAD;
		}
		if (avail - i - 1 < n)
			return SG_BER_SHORT;
		h->len = 0;
		for (k = 0; k < n; k++) {
			if (h->len > (SIZE_MAX >> 8)) {
				*why = "BER length is too large";
				return SG_BER_BAD;
			}
			h->len = (h->len << 8) | p[i + 1 + k];
		}
		/* SIZE_MAX is our mark for "indefinite": never a length */
		if (h->len == SG_BER_INDEFINITE) {
			*why = "BER length is too large";
			return SG_BER_BAD;
		}
		h->hdr_len = i + 1 + n;
	}
	return SG_BER_OK;
}

/* sg_ber_check - read one header of a complete element, its length checked */
static sg_status sg_ber_check(const uint8_t *p, size_t avail, sg_ber_hdr *h)
{
	const char *why = "";

	switch (sg_ber_header(p, avail, h, &why)) {
	case SG_BER_OK:
		break;
	case SG_BER_SHORT:
		return sg_status_make(SG_REJECT, "BER data is truncated");
	case SG_BER_BAD:
		return sg_status_make(SG_REJECT, "%s", why);
	}
	if (h->len != SG_BER_INDEFINITE && h->len > avail - h->hdr_len)
		return sg_status_make(SG_REJECT,
		     "BER length %zu exceeds the %zu bytes that remain",
			      h->len, avail - h->hdr_len);
	return sg_status_ok();
}

/* sg_ber_len_size - number of octets a definite length needs */
static size_t sg_ber_len_size(size_t len)
{
	size_t	n = 0;

	if (len < 0x80)
		return 1;
	while (len) {
		n++;
		len >>= 8;
	}
	return 1 + n;
}

/* sg_ber_put_len - write a definite length in the shortest form */
static void sg_ber_put_len(sg_ber_out *out, size_t len)
{
	uint8_t	tmp[1 + sizeof(size_t)];
	size_t	n = sg_ber_len_size(len);
	size_t	k;

	if (n == 1) {
		tmp[0] = (uint8_t) len;
	} else {
		tmp[0] = (uint8_t) (0x80 | (n - 1));
		for (k = n - 1; k >= 1; k--) {
			tmp[k] = (uint8_t) (len & 0xff);
			len >>= 8;
		}
	}
	sg_ber_put(out, tmp, n);
}

/* sg_ber_is_eoc - an end-of-contents marker at p? */
static int sg_ber_is_eoc(const uint8_t *p, size_t avail)
{
	return avail >= 2 && p[0] == 0 && p[1] == 0;
}

/*
 * sg_ber_measure - pass one over the element at p: its input size, its
 * output size, and whether anything at or below it is indefinite.
 */
static sg_status sg_ber_measure(sg_ber_walk *w, const uint8_t *p,
				size_t avail, int depth, size_t *in_size,
				size_t *out_size, int *changed)
{
	sg_ber_hdr h;
	sg_status st;
	size_t	pos;
	size_t	end;
	size_t	slot;
	size_t	content = 0;
	size_t	cin, cout;
	int	cchg;
	int	indef;

	if (depth > SG_BER_MAX_DEPTH)
		return sg_status_make(SG_REJECT, "BER nesting is too deep");
	st = sg_ber_check(p, avail, &h);
	if (!sg_status_is_ok(&st))
		return st;
	if (!h.constructed) {
		*in_size = *out_size = h.hdr_len + h.len;
		*changed = 0;
		return st;
	}
	if (w->count == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		if (!sg_mul_ok(w->cap, sizeof(sg_ber_rec)))
			return sg_status_make(SG_REJECT,
					      "BER data is too complex");
		w->recs = sg_realloc(w->recs, w->cap * sizeof(sg_ber_rec));
	}
	slot = w->count++;
	indef = (h.len == SG_BER_INDEFINITE);
	*changed = indef;
	end = indef ? avail : h.hdr_len + h.len;
	pos = h.hdr_len;
	for (;;) {
		if (indef && sg_ber_is_eoc(p + pos, end - pos)) {
			pos += 2;
			break;
		}
		if (pos == end) {
			if (indef)
				return sg_status_make(SG_REJECT,
			    "BER data ends inside an indefinite-length element");
			break;
		}
		st = sg_ber_measure(w, p + pos, end - pos, depth + 1,
				    &cin, &cout, &cchg);
		if (!sg_status_is_ok(&st))
			return st;
		pos += cin;
		content += cout;
		*changed |= cchg;
	}
	*in_size = pos;
	*out_size = *changed ?
		h.tag_len + sg_ber_len_size(content) + content : pos;
	if (*changed && h.tag_len + sg_ber_len_size(content) > h.hdr_len)
		w->grow += h.tag_len + sg_ber_len_size(content) - h.hdr_len;
	w->recs[slot].out_content = content;
	w->recs[slot].changed = *changed;
	w->recs[slot].subtree = w->count - slot;
	return sg_status_ok();
}

/*
 * sg_ber_emit - pass two: write the element at p with definite lengths.
 * Pass one checked the whole input, so no error can occur here.
 */
static size_t sg_ber_emit(sg_ber_walk *w, const uint8_t *p, size_t avail,
			  sg_ber_out *out)
{
	sg_ber_hdr h;
	sg_ber_rec *rec;
	size_t	pos;
	size_t	end;
	int	indef;

	(void) sg_ber_check(p, avail, &h);
	if (!h.constructed) {
		sg_ber_put(out, p, h.hdr_len + h.len);
		return h.hdr_len + h.len;
	}
	rec = &w->recs[w->next];
	if (!rec->changed) {
		w->next += rec->subtree;
		sg_ber_put(out, p, h.hdr_len + h.len);
		return h.hdr_len + h.len;
	}
	w->next++;
	sg_ber_put(out, p, h.tag_len);
	sg_ber_put_len(out, rec->out_content);
	indef = (h.len == SG_BER_INDEFINITE);
	end = indef ? avail : h.hdr_len + h.len;
	pos = h.hdr_len;
	while (pos < end) {
		if (indef && sg_ber_is_eoc(p + pos, end - pos)) {
			pos += 2;
			break;
		}
		pos += sg_ber_emit(w, p + pos, end - pos, out);
	}
	return pos;
}

/* sg_ber_definite - rewrite one BER element with definite lengths only */
sg_status sg_ber_definite(const uint8_t *in, size_t len, sg_buf *out,
			  size_t *used)
{
	sg_ber_walk w = {NULL, 0, 0, 0, 0};
	sg_ber_out o = {out, NULL, 0};
	sg_status st;
	size_t	out_size;
	int	changed;

	sg_buf_reset(out);
	*used = 0;
	st = sg_ber_measure(&w, in, len, 0, used, &out_size, &changed);
	if (sg_status_is_ok(&st) && changed) {
		sg_buf_reserve(out, out_size);
		(void) sg_ber_emit(&w, in, len, &o);
		if (out->len != out_size)
			st = sg_status_make(SG_INTERNAL,
				      "BER rewrite size mismatch");
	}
	free(w.recs);
	return st;
}

/*
 * sg_ber_definite_buf - the same, in place. An element's header can only
 * grow (indefinite 0x80 to a definite length) and everything else keeps
 * its size or shrinks (end-of-contents markers go), so once the input is
 * moved up by the sum of all header growth, the output written from the
 * buffer's start never overtakes what is still to be read.
 */
sg_status sg_ber_definite_buf(sg_buf *buf, size_t *used)
{
	sg_ber_walk w = {NULL, 0, 0, 0, 0};
	sg_ber_out o = {NULL, NULL, 0};
	sg_status st;
	size_t	out_size, in_size;
	int	changed;

	*used = 0;
	if (buf->len == 0)
		return sg_status_make(SG_REJECT, "BER data is truncated");
	st = sg_ber_measure(&w, buf->data, buf->len, 0, &in_size, &out_size,
			    &changed);
	if (sg_status_is_ok(&st)) {
		*used = in_size;
		if (changed) {
			sg_buf_reserve(buf, w.grow);
			memmove(buf->data + w.grow, buf->data, in_size);
			sg_buf_set_len(buf, w.grow + in_size);
			o.dst = buf->data;
			(void) sg_ber_emit(&w, buf->data + w.grow, in_size, &o);
			if (o.n != out_size)
				abort();	/* pass one measured otherwise */
		}
		sg_buf_set_len(buf, changed ? out_size : in_size);
	}
	free(w.recs);
	return st;
}
