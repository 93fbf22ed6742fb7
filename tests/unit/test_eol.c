/*
 * NAME
 *	test_eol 1
 * SUMMARY
 *	unit tests of sg_eol: line ends changed while the bytes are read
 * DESCRIPTION
 *	For inputs made of CR, LF and letters (every string of up to 7 such
 *	bytes, and long random ones), read in pieces of every size from 1 up,
 *	each mode must give exactly what sg_buf_append_crlf(),
 *	sg_buf_append_lf() or a plain copy give for the whole input, and
 *	sg_eol_length() their length.
 */
#include <stdlib.h>
#include <string.h>

#include "sg_buf.h"
#include "sg_eol.h"
#include "sg_test.h"

/* expect - every piece size, every mode, against sg_buf's whole copies */
static void expect(const uint8_t *in, size_t len, size_t max_piece)
{
	static const sg_eol_mode modes[] = {SG_EOL_AS_IS, SG_EOL_CRLF,
		SG_EOL_LF};
	sg_buf	want = SG_BUF_INIT, got = SG_BUF_INIT;
	uint8_t	piece[64];
	sg_eol_reader r;
	size_t	m, size, n;

	for (m = 0; m < 3; m++) {
		sg_buf_reset(&want);
		if (modes[m] == SG_EOL_CRLF)
			sg_buf_append_crlf(&want, in, len);
		else if (modes[m] == SG_EOL_LF)
			sg_buf_append_lf(&want, in, len);
		else
			sg_buf_append(&want, in, len);
		SG_CHECK(sg_eol_length(in, len, modes[m]) == want.len);
		for (size = 1; size <= max_piece; size++) {
			sg_buf_reset(&got);
			sg_eol_open(&r, in, len, modes[m]);
			while ((n = sg_eol_read(&r, piece, size)) > 0) {
				SG_CHECK(n <= size);
				sg_buf_append(&got, piece, n);
			}
			SG_CHECK_MSG(got.len == want.len && (got.len == 0
				     || memcmp(got.data, want.data, got.len)
				     == 0), "mode %zu, pieces of %zu, %zu bytes",
				     m, size, len);
		}
	}
	sg_buf_free(&want);
	sg_buf_free(&got);
}

/* test_short - every string of up to 7 bytes from "\r\na" */
static void test_short(void)
{
	static const uint8_t alpha[] = {'\r', '\n', 'a'};
	uint8_t	in[7];
	size_t	len, i, code, total;

	for (len = 0; len <= 7; len++) {
		for (total = 1, i = 0; i < len; i++)
			total *= 3;
		for (code = 0; code < total; code++) {
			size_t	c = code;

			for (i = 0; i < len; i++, c /= 3)
				in[i] = alpha[c % 3];
			expect(in, len, 9);
		}
	}
}

/* test_long - random CR/LF text, pieces up to 64 */
static void test_long(void)
{
	uint8_t	in[5000];
	size_t	i, round;

	srand(7);
	for (round = 0; round < 20; round++) {
		for (i = 0; i < sizeof(in); i++)
			in[i] = "\r\n\r\nab"[rand() % 6];
		expect(in, sizeof(in), 64);
	}
}

int	main(void)
{
	SG_RUN(test_short);
	SG_RUN(test_long);
	return sg_test_done();
}
