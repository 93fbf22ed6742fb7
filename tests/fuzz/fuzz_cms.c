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
