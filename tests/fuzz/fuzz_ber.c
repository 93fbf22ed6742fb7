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
 *	of it.
 */
#include <string.h>

#include "sg_ber.h"
#include "sg_fuzz.h"

/* LLVMFuzzerTestOneInput - normalise one input, then its output */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_buf	out = SG_BUF_INIT;
	sg_buf	again = SG_BUF_INIT;
	size_t	used = 0, used2 = 0;
	sg_status st;

	st = sg_ber_definite(data, size, &out, &used);
	SG_FUZZ_ASSERT(memchr(st.text, '\0', sizeof(st.text)) != NULL);
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
