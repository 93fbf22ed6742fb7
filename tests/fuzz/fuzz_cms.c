/*
 * NAME
 *	fuzz_cms 1
 * SUMMARY
 *	fuzz target: the CMS decoder (sg_cms_peek, sg_cms_decrypt)
 * DESCRIPTION
 *	The input is a CMS object as it comes out of a message body. The
 *	keyring is fixed: keys/fuzz.pem and keys/fuzz.key (copied to a
 *	private 0600 file, as sg_keyring demands), the identity the seeds of
 *	corpus/cms were encrypted to (gen-seeds.sh), so that mutations reach
 *	the content decryption and not only the parser.
 *
 *	Besides memory safety the target checks what sg_cms(3h) promises:
 *	on failure the output is empty; on success the object was parsed,
 *	a RecipientInfo named our key, and sg_cms_peek() gives the same
 *	content type (the filter decides from peek whether a body is
 *	ciphertext for us: they must agree); status sentences end in a NUL.
 *	sg_cms_peek_for_us() of prefixes of the input (each in a buffer of
 *	its own size, so that ASan sees a read past it) keeps its promise:
 *	where it says 1 the whole parse is not parsed && !for_us, where it
 *	says 0 not parsed && for_us; and once a prefix gives 1 or 0, every
 *	longer one gives the same.
 *	With SG_FUZZ_VERBOSE set in the environment each outcome is printed
 *	(to see what the seeds reach).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_cms.h"
#include "sg_keyring.h"
#include "sg_fuzz.h"

static sg_keyring *fuzz_kr;

/* fuzz_cms_done - release the keyring at exit */
static void fuzz_cms_done(void)
{
	sg_keyring_free(fuzz_kr);
	fuzz_kr = NULL;
}

/* fuzz_cms_init - the fixed keyring */
static void fuzz_cms_init(void)
{
	char	cert[4096], key[4096];
	sg_status st;

	snprintf(cert, sizeof(cert), "%s/fuzz.pem", sg_fuzz_dir());
	snprintf(key, sizeof(key), "%s/fuzz.key", sg_fuzz_dir());
	sg_fuzz_copy(SG_FUZZ_KEYS "/fuzz.pem", cert);
	sg_fuzz_copy(SG_FUZZ_KEYS "/fuzz.key", key);
	fuzz_kr = sg_keyring_new();
	st = sg_keyring_add_files(fuzz_kr, cert, key);
	if (!sg_status_is_ok(&st))
		sg_fuzz_die("keyring: %s", st.text);
	if (sg_keyring_count(fuzz_kr) != 1)
		sg_fuzz_die("keyring: %zu entries, expected 1",
			    sg_keyring_count(fuzz_kr));
	atexit(fuzz_cms_done);
}

/*
 * fuzz_cms_peek_oracle - sg_cms_peek_for_us of some prefixes, growing,
 * against what the whole parse said
 */
static void fuzz_cms_peek_oracle(const uint8_t *data, size_t size,
				 const sg_cms_info *info)
{
	const bool ours = info->parsed && info->for_us;
	const bool theirs = info->parsed && !info->for_us;
	size_t	p, prev = 0, j, salt = 0;
	uint8_t *copy;
	int	r, settled = -1;

	for (j = 0; j < size && j < 64; j++)
		salt = salt * 31 + data[j];
	for (j = 0; j <= 20; j++) {
		/* 17 even steps, one from the input's bytes, the end - 1, the end */
		if (j <= 16)
			p = size / 16 * j;
		else if (j == 17)
			p = size ? salt % size : 0;
		else
			p = j == 18 && size ? size - 1 : size;
		if (j > 0 && p < prev)
			continue;	/* growing only */
		prev = p;
		copy = malloc(p ? p : 1);
		if (p)
			memcpy(copy, data, p);
		r = sg_cms_peek_for_us(fuzz_kr, copy, p);
		free(copy);
		SG_FUZZ_ASSERT(r == -1 || r == 0 || r == 1);
		SG_FUZZ_ASSERT(r != 1 || !theirs);
		SG_FUZZ_ASSERT(r != 0 || !ours);
		SG_FUZZ_ASSERT(settled == -1 || r == settled);
		if (r != -1)
			settled = r;
	}
}

/* LLVMFuzzerTestOneInput - decrypt one input */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_buf	out = SG_BUF_INIT;
	sg_cms_info info;
	sg_cms_kind kind;
	sg_status st;
	char	text[256];

	if (fuzz_kr == NULL)
		fuzz_cms_init();
	kind = sg_cms_peek(data, size);
	st = sg_cms_decrypt(fuzz_kr, data, size, &out, &info);
	SG_FUZZ_ASSERT(memchr(st.text, '\0', sizeof(st.text)) != NULL);
	fuzz_cms_peek_oracle(data, size, &info);
	sg_cms_info_text(&info, text, sizeof(text));
	SG_FUZZ_ASSERT(memchr(text, '\0', sizeof(text)) != NULL);
	if (getenv("SG_FUZZ_VERBOSE") != NULL)
		printf("  %s: %s\n", sg_code_name(st.code),
		       sg_status_is_ok(&st) ? text : st.text);
	if (sg_status_is_ok(&st)) {
		SG_FUZZ_ASSERT(info.parsed && info.for_us);
		SG_FUZZ_ASSERT(info.kind != SG_CMS_KIND_UNKNOWN);
		SG_FUZZ_ASSERT(kind == info.kind);
		SG_FUZZ_ASSERT(info.key_index == 0);
	} else {
		SG_FUZZ_ASSERT(out.len == 0);
		SG_FUZZ_ASSERT(st.code != SG_OK);
	}
	sg_buf_wipe_free(&out);
	return 0;
}
