/*
 * NAME
 *	fuzz_inread 1
 * SUMMARY
 *	fuzz target: reading a message (sg_inread)
 * DESCRIPTION
 *	The input is a whole message, read by sg_inread_fd() from a memory
 *	file as the filter reads its standard input: inbound (alice@a.example
 *	to bob@b.example, our domain), with the fixed keyring of the CMS
 *	target (keys/fuzz.pem and keys/fuzz.key) as the gateway's keys, so
 *	that the seeds of corpus/inread (envelopes over 64 KB for that key,
 *	gen-seeds.sh -i) take the path that decodes the body as it is read.
 *
 *	Besides memory safety and leaks the target checks sg_inread(3h):
 *	- a message larger than max_message_size is SG_REJECT, any other
 *	  SG_OK;
 *	- held: the bytes are the input, exactly;
 *	- decoded: what is kept is the input's first bytes, its header
 *	  block, and the envelope is what sg_mime_smime_body() decodes from
 *	  the whole input (the gateway must get the same ciphertext either
 *	  way), and the look said "ours": the whole envelope then either
 *	  names our key or does not parse (never relayed, never for someone
 *	  else).
 *	With SG_FUZZ_VERBOSE set in the environment each outcome is printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_cms.h"
#include "sg_config.h"
#include "sg_fuzz.h"
#include "sg_inread.h"
#include "sg_mime.h"

#define FUZZ_INREAD_MAX	(1024 * 1024)

static sg_config *fuzz_cfg;
static char *fuzz_rcpts[] = {"bob@b.example"};

/* fuzz_inread_done - release the configuration at exit */
static void fuzz_inread_done(void)
{
	sg_config_free(fuzz_cfg);
	fuzz_cfg = NULL;
}

/* fuzz_inread_init - keys and a configuration for b.example */
static void fuzz_inread_init(void)
{
	char	cert[4096], key[4096], certs[4096], conf[4096], text[16384];
	sg_status st;
	int	n;

	snprintf(cert, sizeof(cert), "%s/fuzz.pem", sg_fuzz_dir());
	snprintf(key, sizeof(key), "%s/fuzz.key", sg_fuzz_dir());
	snprintf(certs, sizeof(certs), "%s/certs", sg_fuzz_dir());
	snprintf(conf, sizeof(conf), "%s/smimegw.conf", sg_fuzz_dir());
	sg_fuzz_copy(SG_FUZZ_KEYS "/fuzz.pem", cert);
	sg_fuzz_copy(SG_FUZZ_KEYS "/fuzz.key", key);
	if (mkdir(certs, 0700) != 0)
		sg_fuzz_die("mkdir %s failed", certs);
	n = snprintf(text, sizeof(text), "[gateway]\ndomains = b.example\n"
		     "certificate = %s\nprivate_key = %s\nsendmail = /bin/true\n"
		     "state_directory = %s\nmax_message_size = %d\n"
		     "[certificates]\ndirectory = %s\n[signing]\nmode = none\n",
		     cert, key, sg_fuzz_dir(), FUZZ_INREAD_MAX, certs);
	sg_fuzz_write(conf, text, (size_t) n);
	st = sg_config_load(conf, &fuzz_cfg);
	if (!sg_status_is_ok(&st))
		sg_fuzz_die("config: %s", st.text);
	atexit(fuzz_inread_done);
}

/* fuzz_inread_fd - a memory file holding data, at offset 0 */
static int fuzz_inread_fd(const uint8_t *data, size_t size)
{
	int	fd = memfd_create("fuzz-inread", MFD_CLOEXEC);
	size_t	off = 0;
	ssize_t	n;

	if (fd < 0)
		sg_fuzz_die("memfd_create failed");
	for (; off < size; off += (size_t) n)
		if ((n = write(fd, data + off, size - off)) <= 0)
			sg_fuzz_die("write to a memory file failed");
	if (lseek(fd, 0, SEEK_SET) != 0)
		sg_fuzz_die("lseek failed");
	return fd;
}

/* fuzz_inread_same_body - envelope is sg_mime_smime_body of data */
static void fuzz_inread_same_body(const uint8_t *data, size_t size,
				  const sg_inread *in)
{
	sg_buf	body = SG_BUF_INIT;
	sg_cms_info info;
	sg_mime *m = NULL;
	sg_status st;

	st = sg_mime_parse(data, size, &m);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st));
	st = sg_mime_smime_body(m, &body);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st) && body.len == in->envelope.len
		       && memcmp(body.data, in->envelope.data, body.len) == 0);
	sg_buf_reset(&body);
	st = sg_cms_decrypt(in->kr, in->envelope.data, in->envelope.len, &body,
			    &info);
	SG_FUZZ_ASSERT(!info.parsed || info.for_us);
	sg_buf_wipe_free(&body);
	sg_mime_free(m);
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_inread in = SG_INREAD_INIT;
	sg_status st;
	int	fd;

	if (fuzz_cfg == NULL)
		fuzz_inread_init();
	fd = fuzz_inread_fd(data, size);
	st = sg_inread_fd(fuzz_cfg, "alice@a.example", fuzz_rcpts, 1, fd, &in);
	(void) close(fd);
	SG_FUZZ_ASSERT(memchr(st.text, '\0', sizeof(st.text)) != NULL);
	if (size > FUZZ_INREAD_MAX) {
		SG_FUZZ_ASSERT(st.code == SG_REJECT);
	} else {
		SG_FUZZ_ASSERT(sg_status_is_ok(&st));
		if (!in.decoded) {
			SG_FUZZ_ASSERT(in.msg.len == size && (size == 0
				       || memcmp(in.msg.data, data, size) == 0));
		} else {
			SG_FUZZ_ASSERT(in.msg.len > 0 && in.msg.len < size
				       && memcmp(in.msg.data, data,
						 in.msg.len) == 0
				       && in.msg.len == sg_mime_raw_header_len(
					       data, size)
				       && sg_buf_is_memfile(&in.envelope)
				       && in.kr != NULL);
			fuzz_inread_same_body(data, size, &in);
		}
	}
	if (getenv("SG_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "inread: %zu bytes: %s, %s\n", size, st.text,
			in.decoded ? "decoded as read" : "held as it came");
	sg_inread_free(&in);
	return 0;
}
