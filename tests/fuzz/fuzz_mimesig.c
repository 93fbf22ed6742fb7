/*
 * NAME
 *	fuzz_mimesig 1
 * SUMMARY
 *	fuzz target: the MIME side of S/MIME signatures (sg_mimesig)
 * DESCRIPTION
 *	The input is a whole message. It is parsed with sg_mime_parse() and
 *	its signature looked for with sg_mimesig_find(); it is signed as an
 *	entity with sg_mimesig_build() around a fixed real SignedData
 *	(corpus/verify/rsa.der) and found again; it is made 7-bit with
 *	sg_mimesig_7bit(); and it is read as "AUTHSERV-ID LF VALUE" for
 *	sg_mimesig_ar_is_ours() and the Authentication-Results builder.
 *
 *	Besides memory safety and leaks the target checks sg_mimesig(3h):
 *	- find: a refusal is SG_REJECT and leaves nothing; NONE has no bytes;
 *	  DETACHED has a signature and an entity within the message's own
 *	  bytes; OPAQUE has a body that peeks as SignedData and nothing else;
 *	  when sg_mimesig_maybe() says no, find finds nothing and refuses
 *	  nothing. (Reading the entity as CRLF is sg_verify's, and its fuzz
 *	  target holds that reading to a converted copy.)
 *	- build then find gives back exactly the entity and the signature
 *	  given (what the gateway signs is what the reader will hash).
 *	- an entity that is already 7-bit comes back from 7bit unchanged.
 *	- an Authentication-Results field built from any text is one field
 *	  (every line after the first starts with a tab, no control or 8-bit
 *	  byte) and is recognised as ours; for an authserv-id made of
 *	  letters, digits, '.' and '-', is_ours accepts it bare, quoted,
 *	  after a comment, followed by ";" and in upper case, and refuses it
 *	  with a character added.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_buf.h"
#include "sg_cms.h"
#include "sg_mime.h"
#include "sg_mimesig.h"
#include "sg_fuzz.h"

static sg_buf fm_der = SG_BUF_INIT;

/* fuzz_mimesig_done - release the signature at exit */
static void fuzz_mimesig_done(void)
{
	sg_buf_free(&fm_der);
}

/* fuzz_mimesig_init - load the signature that build gets */
static void fuzz_mimesig_init(void)
{
	sg_status st;

	st = sg_buf_read_file(&fm_der, SG_FUZZ_VERIFY_SEED, 65536);
	if (!sg_status_is_ok(&st) || fm_der.len == 0)
		sg_fuzz_die("%s", st.text);
	atexit(fuzz_mimesig_done);
}

/* fuzz_mimesig_same - do a buffer and bytes hold the same? */
static bool fuzz_mimesig_same(const sg_buf *b, const uint8_t *p, size_t len)
{
	return b->len == len && (len == 0 || memcmp(b->data, p, len) == 0);
}

/* fuzz_mimesig_view - are the entity's bytes p and len? */
static bool fuzz_mimesig_view(const sg_mimesig *sig, const uint8_t *p,
			      size_t len)
{
	return sig->entity_len == len && (len == 0
					  || memcmp(sig->entity, p, len) == 0);
}

/* fuzz_mimesig_find - find on a parsed message; the kinds' promises */
static void fuzz_mimesig_find(const uint8_t *data, size_t size)
{
	sg_mimesig sig = SG_MIMESIG_INIT;
	sg_mime *m = NULL;
	sg_status st;
	bool	maybe;

	st = sg_mime_parse(data, size, &m);
	if (!sg_status_is_ok(&st))
		return;
	maybe = sg_mimesig_maybe(m);
	st = sg_mimesig_find(m, &sig);
	SG_FUZZ_ASSERT(memchr(st.text, '\0', sizeof(st.text)) != NULL);
	if (!sg_status_is_ok(&st))
		SG_FUZZ_ASSERT(st.code == SG_REJECT && sig.kind == SG_MIMESIG_NONE);
	/* "nothing to find" is never wrong */
	if (!maybe)
		SG_FUZZ_ASSERT(sg_status_is_ok(&st)
			       && sig.kind == SG_MIMESIG_NONE);
	switch (sig.kind) {
	case SG_MIMESIG_NONE:
		SG_FUZZ_ASSERT(sig.der.len == 0 && sig.entity == NULL
			       && sig.entity_len == 0);
		break;
	case SG_MIMESIG_DETACHED:
		/* the first part, in the message's own bytes */
		SG_FUZZ_ASSERT(sig.der.len > 0 && sig.entity >= data
			       && sig.entity_len <= size
			       && (size_t) (sig.entity - data)
			       <= size - sig.entity_len);
		break;
	case SG_MIMESIG_OPAQUE:
		SG_FUZZ_ASSERT(sig.der.len > 0
			       && sg_cms_peek_signed(sig.der.data, sig.der.len));
		SG_FUZZ_ASSERT(sig.entity == NULL && sig.entity_len == 0);
		break;
	default:
		sg_fuzz_die("unknown kind %d", (int) sig.kind);
	}
	sg_mimesig_free(&sig);
	sg_mime_free(m);
}

/* fuzz_mimesig_roundtrip - build around data, find: the same bytes */
static void fuzz_mimesig_roundtrip(const uint8_t *data, size_t size)
{
	sg_mimesig sig = SG_MIMESIG_INIT;
	sg_buf	built = SG_BUF_INIT;
	sg_mime *m = NULL;
	sg_status st;

	sg_mimesig_build(data, size, "sha-256", fm_der.data, fm_der.len,
			 &built);
	st = sg_mime_parse(built.data, built.len, &m);
	if (sg_status_is_ok(&st))
		st = sg_mimesig_find(m, &sig);
	if (sg_status_is_ok(&st) && sig.kind != SG_MIMESIG_DETACHED)
		st = sg_status_make(SG_REJECT, "not found as multipart/signed");
	if (sg_status_is_ok(&st) && !fuzz_mimesig_view(&sig, data, size))
		st = sg_status_make(SG_REJECT, "entity differs (%zu bytes "
				    "given, %zu found)", size, sig.entity_len);
	if (sg_status_is_ok(&st)
	    && !fuzz_mimesig_same(&sig.der, fm_der.data, fm_der.len))
		st = sg_status_make(SG_REJECT, "signature differs");
	if (!sg_status_is_ok(&st)) {
		fprintf(stderr, "build/find round trip: %s; built:\n", st.text);
		fwrite(built.data, 1, built.len < 4096 ? built.len : 4096,
		       stderr);
		sg_fuzz_die("sg_mimesig_build then find is not the identity");
	}
	sg_mimesig_free(&sig);
	sg_mime_free(m);
	sg_buf_free(&built);
}

/* fuzz_mimesig_is_7bit - no 8-bit byte, no NUL, no line over 998 */
static bool fuzz_mimesig_is_7bit(const uint8_t *p, size_t len)
{
	size_t	i, line = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == 0 || p[i] >= 0x80)
			return false;
		line = p[i] == '\n' ? 0 : line + 1;
		if (line > 998)
			return false;
	}
	return true;
}

/* fuzz_mimesig_7bit - a 7-bit entity comes back as it is */
static void fuzz_mimesig_7bit(const uint8_t *data, size_t size)
{
	sg_buf	out = SG_BUF_INIT;
	sg_status st;

	st = sg_mimesig_7bit(data, size, &out);
	if (fuzz_mimesig_is_7bit(data, size))
		SG_FUZZ_ASSERT(sg_status_is_ok(&st)
			       && fuzz_mimesig_same(&out, data, size));
	sg_buf_free(&out);
}

/* fuzz_mimesig_token - letters, digits, '.' and '-' only */
static bool fuzz_mimesig_token(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char) *s) && *s != '.' && *s != '-')
			return false;
	return true;
}

/* fuzz_mimesig_ours - is_ours on a value built from text around id */
static bool fuzz_mimesig_ours(const char *pre, const char *id,
			      const char *post, const char *authserv_id)
{
	sg_buf	v = SG_BUF_INIT;
	bool	ours;

	sg_buf_append_str(&v, pre);
	sg_buf_append_str(&v, id);
	sg_buf_append_str(&v, post);
	sg_buf_append(&v, "", 1);
	ours = sg_mimesig_ar_is_ours((const char *) v.data, authserv_id);
	sg_buf_free(&v);
	return ours;
}

/* fuzz_mimesig_ar - Authentication-Results: parse and build */
static void fuzz_mimesig_ar(const uint8_t *data, size_t size)
{
	char   *text = malloc(size + 1), *id, *value, *upper, *p;
	const char *lines[6] = {NULL};
	sg_mimesig_result r;
	sg_buf	field = SG_BUF_INIT;
	size_t	i, n = 0, prefix = strlen("Authentication-Results: ");

	if (text == NULL)
		sg_fuzz_die("out of memory");
	if (size > 0)
		memcpy(text, data, size);
	text[size] = '\0';
	id = text;
	value = strchr(text, '\n');
	if (value != NULL)
		*value++ = '\0';
	else
		value = text + strlen(text);
	(void) sg_mimesig_ar_is_ours(value, id);
	(void) sg_mimesig_ar_is_ours(id, value);

	if (fuzz_mimesig_token(id)) {
		upper = strdup(id);
		if (upper == NULL)
			sg_fuzz_die("out of memory");
		for (p = upper; *p; p++)
			*p = (char) toupper((unsigned char) *p);
		SG_FUZZ_ASSERT(fuzz_mimesig_ours("", id, "", id));
		SG_FUZZ_ASSERT(fuzz_mimesig_ours(" ", id, "; smime=pass", id));
		SG_FUZZ_ASSERT(fuzz_mimesig_ours("(x (y)) ", id, " 1;", id));
		SG_FUZZ_ASSERT(fuzz_mimesig_ours("\"", id, "\";", id));
		SG_FUZZ_ASSERT(fuzz_mimesig_ours("", upper, ";", id));
		SG_FUZZ_ASSERT(!fuzz_mimesig_ours("", id, "x;", id));
		SG_FUZZ_ASSERT(!fuzz_mimesig_ours("x", id, ";", id));
		free(upper);
	}

	/* The rest, line by line, are the properties of one result. */
	for (p = value; n < 6 && p != NULL; n++) {
		lines[n] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	r.result = "pass";
	r.comment = lines[0];
	r.identifier = lines[1];
	r.part = lines[2];
	r.serial = lines[3];
	r.issuer = lines[4];
	sg_mimesig_ar_add(&field, id, &r);
	r.result = "fail";
	r.comment = lines[5];
	sg_mimesig_ar_add(&field, id, &r);
	sg_mimesig_ar_finish(&field, id);
	SG_FUZZ_ASSERT(field.len > prefix && field.data[field.len - 1] == '\n');
	for (i = 0; i + 1 < field.len; i++) {
		uint8_t	c = field.data[i];

		SG_FUZZ_ASSERT(c != '\r' && c != 0 && c < 0x7f);
		SG_FUZZ_ASSERT(c >= 0x20 || c == '\t'
			       || (c == '\n' && field.data[i + 1] == '\t'));
	}
	if (fuzz_mimesig_token(id)) {
		sg_buf_append(&field, "", 1);
		SG_FUZZ_ASSERT(sg_mimesig_ar_is_ours((char *) field.data + prefix,
						     id));
	}
	sg_buf_free(&field);
	free(text);
}

/* LLVMFuzzerTestOneInput - one input through every sg_mimesig call */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fm_der.len == 0)
		fuzz_mimesig_init();
	fuzz_mimesig_find(data, size);
	fuzz_mimesig_roundtrip(data, size);
	fuzz_mimesig_7bit(data, size);
	fuzz_mimesig_ar(data, size);
	return 0;
}
