/*
 * NAME
 *	fuzz_ber 1
 * SUMMARY
 *	fuzz target: the BER length normaliser (sg_ber_definite)
 * DESCRIPTION
 *	The input is any byte string. Besides memory safety the target
 *	checks what sg_ber(3h) promises: the element used lies inside the
 *	input; when the input had no indefinite length the output is empty;
 *	otherwise the output is one element with definite lengths only, so
 *	normalising it again succeeds, leaves the output empty and uses all
 *	of it. sg_ber_definite_buf() on a copy of the input gives the same
 *	status, the same size used and the same bytes (the element itself
 *	when nothing changed), or leaves the copy as it was on an error.
 */
#include <string.h>

#include "sg_ber.h"
#include "sg_fuzz.h"

/* fuzz_ber_in_place - in place, the same result as the copy */
static void fuzz_ber_in_place(const uint8_t *data, size_t size,
			      const sg_status *st, const sg_buf *out,
			      size_t used)
{
	sg_buf	b = SG_BUF_INIT;
	size_t	used_b = 0;
	sg_status st_b;

	sg_buf_append(&b, data, size);
	st_b = sg_ber_definite_buf(&b, &used_b);
	SG_FUZZ_ASSERT(st_b.code == st->code);
	if (sg_status_is_ok(st)) {
		SG_FUZZ_ASSERT(used_b == used);
		if (out->len > 0)
			SG_FUZZ_ASSERT(b.len == out->len
				       && memcmp(b.data, out->data, b.len) == 0);
		else
			SG_FUZZ_ASSERT(b.len == used
				       && memcmp(b.data, data, used) == 0);
	} else {
		SG_FUZZ_ASSERT(b.len == size && (size == 0
			       || memcmp(b.data, data, size) == 0));
	}
	sg_buf_free(&b);
}

/* LLVMFuzzerTestOneInput - normalise one input, then its output */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_buf	out = SG_BUF_INIT;
	sg_buf	again = SG_BUF_INIT;
	size_t	used = 0, used2 = 0;
	sg_status st;

	st = sg_ber_definite(data, size, &out, &used);
	SG_FUZZ_ASSERT(memchr(st.text, '\0', sizeof(st.text)) != NULL);
	fuzz_ber_in_place(data, size, &st, &out, used);
	if (sg_status_is_ok(&st)) {
		SG_FUZZ_ASSERT(used > 0 && used <= size);
		if (out.len > 0) {
			/* EOC markers went away, length headers may grow. */
			st = sg_ber_definite(out.data, out.len, &again,
					     &used2);
			SG_FUZZ_ASSERT(sg_status_is_ok(&st));
			SG_FUZZ_ASSERT(again.len == 0);
			SG_FUZZ_ASSERT(used2 == out.len);
		}
	} else {
		SG_FUZZ_ASSERT(st.code == SG_REJECT);
	}
	sg_buf_free(&again);
	sg_buf_free(&out);
	return 0;
}
