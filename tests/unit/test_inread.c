/*
 * NAME
 *	test_inread 1
 * SUMMARY
 *	unit tests of sg_inread: a large envelope for us decoded as it is read
 * DESCRIPTION
 *	Envelopes made by openssl cms (DER, and -stream: BER with indefinite
 *	lengths and the ciphertext in chunks; AES-128/256-CBC, 3DES, AES-256-
 *	GCM; issuerAndSerialNumber and subjectKeyIdentifier; one and two
 *	recipients) are read through a pipe by sg_inread_fd(), and
 *	sg_gateway_process() is run on what it gives and on the whole
 *	message as read before (held as it came): the copies must be byte
 *	for byte the same, and the streamed one must have been decoded into a
 *	memory file with the header alone kept. A GCM envelope whose tag
 *	fails at its last byte, and a cut ciphertext, are refused the same
 *	way on both paths, with no copy. An envelope for someone else, a
 *	small one, outbound mail and plain mail are held as they came; the
 *	size limit still holds.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_config.h"
#include "sg_gateway.h"
#include "sg_inread.h"
#include "sg_test.h"
#include "sg_testkit.h"

static sg_testkit_id gw, other;
static sg_config *cfg;
static char dir[600];
static char *in_rcpts[] = {"bob@b.example"};
static char *out_rcpts[] = {"carol@c.example"};


/* slurp - a whole file */
static void slurp(const char *path, sg_buf *out)
{
	sg_status st;

	sg_buf_reset(out);
	st = sg_buf_read_file(out, path, 1 << 30);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
}

/* setup - keys, a text of about 300 KB, a configuration for b.example */
static void setup(void)
{
	char	path[700];
	FILE   *f;
	size_t	i;
	sg_status st;

	snprintf(dir, sizeof(dir), "%s", sg_testkit_dir());
	sg_testkit_make("gw", true, 2048, &gw);
	sg_testkit_make("other", false, 2048, &other);
	snprintf(path, sizeof(path), "%s/text", dir);
	f = fopen(path, "w");
	fputs("Content-Type: text/plain; charset=us-ascii\r\n\r\n", f);
	for (i = 0; i < 4000; i++)
		fprintf(f, "line %zu of a long text that is encrypted for us\r\n",
			i);
	fclose(f);
	snprintf(path, sizeof(path), "%s/certs", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/smimegw.conf", dir);
	f = fopen(path, "w");
	fprintf(f, "[gateway]\ndomains = b.example\ncertificate = %s\n"
		"private_key = %s\nsendmail = /bin/true\nstate_directory = %s\n"
		"max_message_size = 10485760\n[certificates]\ndirectory = %s/certs\n"
		"[signing]\nmode = none\n", gw.cert_path, gw.key_path, dir, dir);
	fclose(f);
	st = sg_config_load(path, &cfg);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
}

/*
 * envelope - openssl cms -encrypt OPTS of the text (or, small, of its
 * first 2000 bytes) for CERTS, with a From: and To: in front, into out
 */
static void envelope(const char *opts, const char *certs, bool small,
		     sg_buf *out)
{
	char	cmd[2048], path[700];

	snprintf(path, sizeof(path), "%s/env.eml", dir);
	snprintf(cmd, sizeof(cmd), "cd %s && head -c %s text >in && { printf "
		 "'From: alice@a.example\\nTo: bob@b.example\\nSubject: "
		 "big\\n'; openssl cms -encrypt -binary %s -in in %s; } "
		 ">env.eml", dir, small ? "2000" : "-0", opts, certs);
	sg_test_sh("%s", cmd);
	slurp(path, out);
}

/* feed - a pipe whose writer (a child) gives msg and ends; the read end */
static int feed(const sg_buf *msg, pid_t *pid)
{
	int	p[2];

	if (pipe(p) != 0)
		abort();
	*pid = fork();
	if (*pid == 0) {
		size_t	off = 0;
		ssize_t	n;

		close(p[0]);
		while (off < msg->len) {
			n = write(p[1], msg->data + off, msg->len - off);
			if (n <= 0)
				_exit(1);
			off += (size_t) n;
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

/* read_in - sg_inread_fd() of msg through a pipe */
static sg_status read_in(const sg_buf *msg, const char *sender, char **rcpts,
			 sg_inread *in)
{
	sg_status st;
	pid_t	pid;
	int	fd = feed(msg, &pid), status;

	st = sg_inread_fd(cfg, sender, rcpts, 1, fd, in);
	close(fd);
	waitpid(pid, &status, 0);
	return st;
}

/* copy_bytes - a copy's bytes */
static void copy_bytes(const sg_gateway_copy *c, const uint8_t **p, size_t *n)
{
	*p = c->data.len ? c->data.data : c->bytes;
	*n = c->data.len ? c->data.len : c->len;
}

/*
 * same_as_held - the gateway's result for msg read by sg_inread equals
 * its result for msg held whole; decoded says which way sg_inread went;
 * code is the status both must give, text what the copies must hold
 */
static void same_as_held(const char *what, const sg_buf *msg, bool decoded,
			 sg_code code, const char *text)
{
	sg_gateway_job held = {cfg, "alice@a.example", in_rcpts, 1, msg->data,
		msg->len, NULL, NULL, NULL};
	sg_gateway_result ra, rb;
	sg_inread in = SG_INREAD_INIT;
	sg_status sa, sb;
	size_t	i;

	sb = read_in(msg, "alice@a.example", in_rcpts, &in);
	SG_CHECK_MSG(sg_status_is_ok(&sb), "%s: %s", what, sb.text);
	SG_CHECK_MSG(in.decoded == decoded, "%s: decoded %d", what, in.decoded);
	if (decoded) {
		SG_CHECK_MSG(sg_buf_is_memfile(&in.envelope), "%s", what);
		SG_CHECK_MSG(in.msg.len < 1024 && in.msg.len > 0
			     && memcmp(in.msg.data, msg->data, in.msg.len) == 0,
			     "%s: the header alone is kept", what);
		SG_CHECK(in.kr != NULL);
	} else {
		SG_CHECK_MSG(in.msg.len == msg->len && memcmp(in.msg.data,
			     msg->data, msg->len) == 0, "%s: held as it came",
			     what);
	}
	{
		sg_gateway_job job = {cfg, "alice@a.example", in_rcpts, 1,
			in.msg.data, in.msg.len, in.decoded ? &in.envelope
			: NULL, in.kr, &in.msg};

		sa = sg_gateway_process(&held, &ra);
		sb = sg_gateway_process(&job, &rb);
	}
	SG_CHECK_MSG(sa.code == code, "%s: held: %s", what, sa.text);
	SG_CHECK_MSG(sb.code == sa.code, "%s: streamed %s, held %s", what,
		     sb.text, sa.text);
	SG_CHECK_MSG(ra.ncopies == rb.ncopies, "%s: %zu copies, %zu", what,
		     rb.ncopies, ra.ncopies);
	for (i = 0; i < ra.ncopies && i < rb.ncopies; i++) {
		const uint8_t *pa, *pb;
		size_t	na, nb;

		copy_bytes(&ra.copies[i], &pa, &na);
		copy_bytes(&rb.copies[i], &pb, &nb);
		SG_CHECK_MSG(na == nb && memcmp(pa, pb, na) == 0,
			     "%s: copy %zu differs (%zu, %zu bytes)", what, i,
			     nb, na);
		SG_CHECK_MSG(strcmp(ra.copies[i].action, rb.copies[i].action)
			     == 0, "%s: %s / %s", what, rb.copies[i].action,
			     ra.copies[i].action);
		SG_CHECK_MSG(memmem(pa, na, text, strlen(text)) != NULL,
			     "%s: the copy holds \"%s\"", what, text);
	}
	if (code != SG_OK)
		SG_CHECK_MSG(strcmp(ra.dsn, rb.dsn) == 0, "%s: dsn %s, %s",
			     what, rb.dsn, ra.dsn);
	sg_gateway_result_free(&ra);
	sg_gateway_result_free(&rb);
	sg_inread_free(&in);
}

/* test_same_bytes - every cipher and encoding: streamed == held */
static void test_same_bytes(void)
{
	static const char *opts[] = {
		"-aes128", "-aes256", "-des3", "-aes-256-gcm",
		"-stream -aes256", "-stream -aes128", "-stream -aes-256-gcm",
		"-stream -des3", "-keyid -aes256", "-stream -keyid -aes-256-gcm",
	};
	sg_buf	msg = SG_BUF_INIT;
	char	certs[1200];
	size_t	i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		envelope(opts[i], gw.cert_path, false, &msg);
		same_as_held(opts[i], &msg, true, SG_OK,
			     "line 3999 of a long text");
	}
	/* two recipients, ours second */
	snprintf(certs, sizeof(certs), "%s %s", other.cert_path, gw.cert_path);
	envelope("-stream -aes256", certs, false, &msg);
	same_as_held("two recipients", &msg, true, SG_OK,
			     "line 3999 of a long text");
	sg_buf_free(&msg);
}

/* test_broken - a tag wrong at its last byte, a cut envelope: no copy */
static void test_broken(void)
{
	sg_buf	msg = SG_BUF_INIT, der = SG_BUF_INIT;
	char	path[700];

	/* the last byte of the GCM tag, in DER, made into base64 again */
	envelope("-aes-256-gcm -outform DER", gw.cert_path, false, &der);
	snprintf(path, sizeof(path), "%s/env.eml", dir);
	{
		/* envelope() put a header in front of the DER: drop it */
		uint8_t *d = memmem(der.data, der.len, "Subject: big\n", 13);

		SG_CHECK(d != NULL);
		if (d == NULL)
			return;
		d += 13;
		der.len -= (size_t) (d - der.data);
		memmove(der.data, d, der.len);
		der.data[der.len - 1] ^= 0x01;
	}
	snprintf(path, sizeof(path), "%s/bad.der", dir);
	{
		FILE   *f = fopen(path, "wb");

		fwrite(der.data, 1, der.len, f);
		fclose(f);
	}
	{
		char	cmd[1200];

		snprintf(cmd, sizeof(cmd), "cd %s && { printf 'From: "
			 "alice@a.example\\nTo: bob@b.example\\nMIME-Version: "
			 "1.0\\nContent-Type: application/pkcs7-mime; smime-type"
			 "=authEnveloped-data\\nContent-Transfer-Encoding: "
			 "base64\\n\\n'; base64 -w 76 bad.der; } >bad.eml", dir);
		sg_test_sh("%s", cmd);
	}
	snprintf(path, sizeof(path), "%s/bad.eml", dir);
	slurp(path, &msg);
	same_as_held("GCM tag, last byte", &msg, true, SG_REJECT, "");
	/* cut: the last 1000 base64 lines are gone */
	envelope("-stream -aes256", gw.cert_path, false, &msg);
	sg_buf_set_len(&msg, msg.len - 77 * 1000);
	same_as_held("cut envelope", &msg, true, SG_REJECT, "");
	sg_buf_free(&msg);
	sg_buf_free(&der);
}

/* test_held - what is not a large envelope for us is held as it came */
static void test_held(void)
{
	sg_buf	msg = SG_BUF_INIT;
	sg_inread in = SG_INREAD_INIT;
	sg_status st;

	envelope("-aes256", other.cert_path, false, &msg);
	same_as_held("for someone else", &msg, false, SG_OK,
		     "smime-type=enveloped-data");
	envelope("-aes256", gw.cert_path, true, &msg);
	same_as_held("small", &msg, false, SG_OK, "line 3 of a long");
	envelope("-aes256", gw.cert_path, false, &msg);
	st = read_in(&msg, "dave@b.example", out_rcpts, &in);
	SG_CHECK(sg_status_is_ok(&st) && !in.decoded && in.msg.len == msg.len);
	sg_inread_free(&in);
	cfg->max_message_size = msg.len - 1;
	in = (sg_inread) SG_INREAD_INIT;
	st = read_in(&msg, "alice@a.example", in_rcpts, &in);
	SG_CHECK_MSG(st.code == SG_REJECT, "%s", st.text);
	sg_inread_free(&in);
	cfg->max_message_size = msg.len;
	in = (sg_inread) SG_INREAD_INIT;
	st = read_in(&msg, "alice@a.example", in_rcpts, &in);
	SG_CHECK_MSG(sg_status_is_ok(&st) && in.decoded, "%s", st.text);
	sg_inread_free(&in);
	cfg->max_message_size = 10485760;
	/* a header block of 2 MB in front of the envelope: held as it came */
	{
		sg_buf	big = SG_BUF_INIT;
		size_t	i;

		for (i = 0; i < 40000; i++)
			sg_buf_append_str(&big, "X-Filler: a header field "
					  "that makes the block large\n");
		sg_buf_append(&big, msg.data, msg.len);
		in = (sg_inread) SG_INREAD_INIT;
		st = read_in(&big, "alice@a.example", in_rcpts, &in);
		SG_CHECK_MSG(sg_status_is_ok(&st) && !in.decoded
			     && in.msg.len == big.len
			     && memcmp(in.msg.data, big.data, big.len) == 0,
			     "%s", st.text);
		sg_inread_free(&in);
		sg_buf_free(&big);
	}
	sg_buf_free(&msg);
}

/*
 * relay_plain - a large plain message from outside, read by sg_inread and
 * relayed: held in a memory file, and the gateway takes that buffer for
 * the copy instead of copying it (or, with a forged trace field to
 * remove, copies it without that field)
 */
static void relay_plain(bool forged)
{
	sg_buf	msg = SG_BUF_INIT;
	sg_inread in = SG_INREAD_INIT;
	sg_gateway_result res;
	sg_status st;
	const uint8_t *p;
	size_t	i, n;

	sg_buf_append_str(&msg, "From: alice@a.example\nTo: bob@b.example\n");
	if (forged)
		sg_buf_append_str(&msg, "X-SMIME-Gateway: decrypted (forged)\n");
	sg_buf_append_str(&msg, "Subject: plain\n\n");
	for (i = 0; i < 5000; i++)
		sg_buf_append_str(&msg, "a plain line of text that is relayed "
				  "as it came, byte for byte\n");
	st = read_in(&msg, "alice@a.example", in_rcpts, &in);
	SG_CHECK_MSG(sg_status_is_ok(&st) && !in.decoded, "%s", st.text);
	SG_CHECK(sg_buf_is_memfile(&in.msg) && in.msg.len == msg.len);
	{
		sg_gateway_job job = {cfg, "alice@a.example", in_rcpts, 1,
			in.msg.data, in.msg.len, NULL, NULL, &in.msg};

		st = sg_gateway_process(&job, &res);
	}
	SG_CHECK_MSG(sg_status_is_ok(&st) && res.ncopies == 1, "%s", st.text);
	if (res.ncopies == 1) {
		copy_bytes(&res.copies[0], &p, &n);
		SG_CHECK(p == res.msg.data && n == res.msg.len);
		SG_CHECK_MSG(memmem(p, n, "a plain line of text", 20) != NULL
			     && memmem(p, n, "(forged)", 8) == NULL,
			     "forged %d", forged);
		/* taken, not copied, when there was nothing to remove */
		SG_CHECK_MSG(sg_buf_is_memfile(&res.msg) == !forged
			     && (in.msg.data == NULL) == !forged,
			     "forged %d", forged);
		if (!forged)
			SG_CHECK(memmem(p, n, msg.data + 40, msg.len - 40)
				 != NULL);
	}
	sg_gateway_result_free(&res);
	sg_inread_free(&in);
	sg_buf_free(&msg);
}

/* test_relay_plain - relayed as it came: the read buffer itself */
static void test_relay_plain(void)
{
	relay_plain(false);
	relay_plain(true);
}

int	main(void)
{
	signal(SIGPIPE, SIG_IGN);
	setup();
	if (cfg == NULL)
		return 1;
	SG_RUN(test_same_bytes);
	SG_RUN(test_broken);
	SG_RUN(test_held);
	SG_RUN(test_relay_plain);
	sg_config_free(cfg);
	return sg_test_done();
}
