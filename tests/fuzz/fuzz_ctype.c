/*
 * NAME
 *	fuzz_ctype 1
 * SUMMARY
 *	fuzz target: the readers that spare GMime, held to GMime
 * DESCRIPTION
 *	Inbound mail skips loading GMime where two small readers suffice:
 *	sg_ctype_parse() for a Content-Type value in its simple form and
 *	sg_b64_decode() for a strictly well-formed base64 body. Each says
 *	false for anything else, and then the product asks GMime. Where one
 *	says true it must read exactly as GMime does, or a message would be
 *	read one way by us and another way by GMime; this target holds them
 *	to that, with GMime as the oracle.
 *
 *	The first byte of the input selects the reader. Even: the rest, up
 *	to its first NUL, is a Content-Type value. When sg_ctype_parse()
 *	reads it, g_mime_content_type_parse(NULL, value) (as the product
 *	calls it) must give the same type and subtype (in any case), as many
 *	parameters, each with a name of ours and, for each of ours,
 *	g_mime_content_type_get_parameter() the same value byte for byte.
 *	sg_ctype_is() and sg_ctype_param() must agree with that too.
 *
 *	Odd: the rest is a base64 body. When sg_b64_decode() decodes it,
 *	GMime's decoder (g_mime_encoding_init_decode, _step over the whole
 *	body, _flush, as sg_mime_decoder does) must give the same bytes.
 *	When it refuses it appends nothing. sg_mime_decoder steps a large
 *	body in pieces, so GMime stepped in two pieces, cut where the mode
 *	byte's other seven bits say (modulo the length), must give the same
 *	bytes too: otherwise the one-step oracle does not stand for it.
 *
 *	The seeds in corpus/ctype/: ct-* begin with "0", b64-* with "1" or,
 *	to cut between the "=" of the padding, another odd byte.
 * DIAGNOSTICS
 *	A mismatch prints both readings and the input in hex, then aborts.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "sg_b64.h"
#include "sg_buf.h"
#include "sg_ctype.h"
#include "sg_mime.h"
#include "sg_fuzz.h"

#define FUZZ_CTYPE_SHOW	1024		/* bytes shown of an input */
#define FUZZ_CTYPE_HELD	"sg:"	/* what out held before decoding */

/* fuzz_ctype_hex - print label and up to FUZZ_CTYPE_SHOW bytes in hex */
static void fuzz_ctype_hex(const char *label, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t	i;

	fprintf(stderr, "%s (%zu bytes, hex):", label, len);
	for (i = 0; i < len && i < FUZZ_CTYPE_SHOW; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n  ", p[i]);
	fprintf(stderr, "%s\n", len > FUZZ_CTYPE_SHOW ? " ..." : "");
}

/* fuzz_ctype_fail - show the Content-Type value and why, then abort */
static void fuzz_ctype_fail(const char *value, const char *why,
			    const char *name, const char *ours,
			    const char *gmime)
{
	fprintf(stderr, "sg_ctype_parse and GMime disagree: %s%s%s\n", why,
		name ? " " : "", name ? name : "");
	fprintf(stderr, "  value: '%s'\n  sg_ctype: '%s'\n  GMime:    '%s'\n",
		value, ours ? ours : "(none)", gmime ? gmime : "(none)");
	fuzz_ctype_hex("value", value, strlen(value));
	sg_fuzz_die("Content-Type value read unlike GMime");
}

/* fuzz_ctype_span - a span as a NUL-ended string; caller frees */
static char *fuzz_ctype_span(const sg_ctype_span *s)
{
	char   *str = malloc(s->len + 1);

	if (str == NULL)
		sg_fuzz_die("out of memory");
	memcpy(str, s->p, s->len);
	str[s->len] = '\0';
	return str;
}

/* fuzz_ctype_same - a span and a string, equal in any case */
static bool fuzz_ctype_same(const sg_ctype_span *s, const char *str)
{
	return str != NULL && strlen(str) == s->len
		&& strncasecmp(s->p, str, s->len) == 0;
}

/* fuzz_ctype_ours - our parameters as one string, for a report */
static const char *fuzz_ctype_ours(const sg_ctype *ct)
{
	static sg_buf text = SG_BUF_INIT;
	size_t	i;

	sg_buf_reset(&text);
	for (i = 0; i < ct->nparams; i++) {
		sg_buf_append(&text, ct->name[i].p, ct->name[i].len);
		sg_buf_append(&text, "=[", 2);
		sg_buf_append(&text, ct->value[i].p, ct->value[i].len);
		sg_buf_append(&text, "] ", 2);
	}
	sg_buf_append(&text, "", 1);
	return (const char *) text.data;
}

/* fuzz_ctype_theirs - GMime's parameters as one string, for a report */
static const char *fuzz_ctype_theirs(GMimeParamList *list)
{
	static sg_buf text = SG_BUF_INIT;
	GMimeParam *param;
	const char *s;
	int	i, n = list ? g_mime_param_list_length(list) : 0;

	sg_buf_reset(&text);
	for (i = 0; i < n; i++) {
		param = g_mime_param_list_get_parameter_at(list, i);
		s = g_mime_param_get_name(param);
		sg_buf_append_str(&text, s ? s : "(null)");
		sg_buf_append(&text, "=[", 2);
		s = g_mime_param_get_value(param);
		sg_buf_append_str(&text, s ? s : "(null)");
		sg_buf_append(&text, "] ", 2);
	}
	sg_buf_append(&text, "", 1);
	return (const char *) text.data;
}

/* fuzz_ctype_param - one parameter of ours against GMime and the API */
static void fuzz_ctype_param(const char *value, const sg_ctype *ct,
			     size_t i, GMimeContentType *g)
{
	char   *name = fuzz_ctype_span(&ct->name[i]);
	char   *ours = fuzz_ctype_span(&ct->value[i]);
	char   *buf = malloc(ct->value[i].len + 1);
	const char *want;

	if (buf == NULL)
		sg_fuzz_die("out of memory");
	want = g_mime_content_type_get_parameter(g, name);
	if (want == NULL || strcmp(want, ours) != 0)
		fuzz_ctype_fail(value, "on the value of", name, ours, want);
	/* sg_ctype_param: found in any case, exactly fits, not one less */
	SG_FUZZ_ASSERT(sg_ctype_param(ct, name, buf, ct->value[i].len + 1)
		       && strcmp(buf, ours) == 0);
	SG_FUZZ_ASSERT(!sg_ctype_param(ct, name, buf, ct->value[i].len));
	free(name);
	free(ours);
	free(buf);
}

/* fuzz_ctype_value - what sg_ctype_parse reads, GMime reads the same */
static void fuzz_ctype_value(const char *value)
{
	const char *end = value + strlen(value);
	GMimeContentType *g;
	GMimeParamList *list;
	GMimeParam *param;
	const char *gtype, *gsub, *gname;
	char   *ours;
	sg_ctype ct;
	size_t	i, j;
	int	n;

	if (!sg_ctype_parse(value, &ct))
		return;
	SG_FUZZ_ASSERT(ct.nparams <= SG_CTYPE_MAX_PARAMS);
	SG_FUZZ_ASSERT(ct.type.p >= value && ct.type.p + ct.type.len <= end);
	SG_FUZZ_ASSERT(ct.sub.p >= value && ct.sub.p + ct.sub.len <= end);
	for (i = 0; i < ct.nparams; i++)
		SG_FUZZ_ASSERT(ct.name[i].p >= value
			       && ct.name[i].p + ct.name[i].len <= end
			       && ct.value[i].p >= value
			       && ct.value[i].p + ct.value[i].len <= end);

	sg_mime_init();
	if ((g = g_mime_content_type_parse(NULL, value)) == NULL)
		fuzz_ctype_fail(value, "GMime reads no Content-Type", NULL,
				"a simple form", NULL);
	gtype = g_mime_content_type_get_media_type(g);
	gsub = g_mime_content_type_get_media_subtype(g);
	if (!fuzz_ctype_same(&ct.type, gtype)) {
		ours = fuzz_ctype_span(&ct.type);
		fuzz_ctype_fail(value, "on the type", NULL, ours, gtype);
	}
	if (!fuzz_ctype_same(&ct.sub, gsub)) {
		ours = fuzz_ctype_span(&ct.sub);
		fuzz_ctype_fail(value, "on the subtype", NULL, ours, gsub);
	}
	SG_FUZZ_ASSERT(sg_ctype_is(&ct, gtype, gsub)
		       && sg_ctype_is(&ct, gtype, "*"));

	/* As many parameters, each of GMime's named as one of ours ... */
	list = g_mime_content_type_get_parameters(g);
	n = list ? g_mime_param_list_length(list) : 0;
	if (n < 0 || (size_t) n != ct.nparams)
		fuzz_ctype_fail(value, "on the parameters", NULL,
				fuzz_ctype_ours(&ct), fuzz_ctype_theirs(list));
	for (j = 0; j < ct.nparams; j++) {
		param = g_mime_param_list_get_parameter_at(list, (int) j);
		gname = param ? g_mime_param_get_name(param) : NULL;
		for (i = 0; i < ct.nparams; i++)
			if (fuzz_ctype_same(&ct.name[i], gname))
				break;
		if (i == ct.nparams)
			fuzz_ctype_fail(value, "GMime has a parameter we lack:",
					gname ? gname : "(null)",
					fuzz_ctype_ours(&ct),
					fuzz_ctype_theirs(list));
	}
	/* ... and for each of ours the same value, byte for byte. */
	for (i = 0; i < ct.nparams; i++)
		fuzz_ctype_param(value, &ct, i, g);
	g_object_unref(g);
}

/* fuzz_ctype_gmime - GMime's decoding, stepped in two pieces cut at cut */
static void fuzz_ctype_gmime(const uint8_t *in, size_t len, size_t cut,
			     sg_buf *out)
{
	GMimeEncoding enc;
	size_t	n;

	sg_mime_init();
	g_mime_encoding_init_decode(&enc, GMIME_CONTENT_ENCODING_BASE64);
	sg_buf_reserve(out, g_mime_encoding_outlen(&enc, len) + 16);
	n = g_mime_encoding_step(&enc, (const char *) in, cut,
				 (char *) out->data);
	n += g_mime_encoding_step(&enc, (const char *) in + cut, len - cut,
				  (char *) out->data + n);
	n += g_mime_encoding_flush(&enc, "", 0, (char *) out->data + n);
	sg_buf_set_len(out, n);
}

/* fuzz_ctype_b64_fail - show both decodings and the input, then abort */
static void fuzz_ctype_b64_fail(const char *why, const char *one,
				const sg_buf *a, const char *two,
				const sg_buf *b, const uint8_t *in, size_t len)
{
	fprintf(stderr, "%s:\n", why);
	fuzz_ctype_hex(one, a->data, a->len);
	fuzz_ctype_hex(two, b->data, b->len);
	fuzz_ctype_hex("base64 input", in, len);
	sg_fuzz_die("base64 decoded unlike GMime");
}

/*
 * fuzz_ctype_b64 - what sg_b64_decode decodes, GMime decodes the same;
 * also in two pieces cut at cut, as sg_mime_decoder steps a large body
 */
static void fuzz_ctype_b64(const uint8_t *in, size_t len, size_t cut)
{
	const size_t plen = sizeof(FUZZ_CTYPE_HELD) - 1;
	sg_buf	got = SG_BUF_INIT;
	sg_buf	ours = SG_BUF_INIT;
	sg_buf	want = SG_BUF_INIT;
	sg_buf	piecewise = SG_BUF_INIT;

	sg_buf_append(&got, FUZZ_CTYPE_HELD, plen);
	if (!sg_b64_decode(in, len, &got)) {
		/* a refusal appends nothing */
		SG_FUZZ_ASSERT(got.len == plen
			       && memcmp(got.data, FUZZ_CTYPE_HELD, plen) == 0);
		goto cleanup;
	}
	SG_FUZZ_ASSERT(got.len >= plen
		       && memcmp(got.data, FUZZ_CTYPE_HELD, plen) == 0);
	sg_buf_append(&ours, got.data + plen, got.len - plen);

	fuzz_ctype_gmime(in, len, len, &want);
	if (ours.len != want.len
	    || (want.len > 0 && memcmp(ours.data, want.data, want.len) != 0))
		fuzz_ctype_b64_fail("sg_b64_decode and GMime disagree",
				    "sg_b64_decode", &ours, "GMime", &want,
				    in, len);
	fuzz_ctype_gmime(in, len, cut, &piecewise);
	if (piecewise.len != want.len || (want.len > 0
	    && memcmp(piecewise.data, want.data, want.len) != 0)) {
		fprintf(stderr, "(cut after %zu bytes)\n", cut);
		fuzz_ctype_b64_fail("GMime's decoding of this strict body "
				    "depends on where its steps cut it",
				    "GMime, one step", &want,
				    "GMime, two steps", &piecewise, in, len);
	}
cleanup:
	sg_buf_free(&got);
	sg_buf_free(&ours);
	sg_buf_free(&want);
	sg_buf_free(&piecewise);
}

/* LLVMFuzzerTestOneInput - first byte even: Content-Type; odd: base64 */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char   *value;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		/* the mode byte's other bits say where GMime's steps cut */
		fuzz_ctype_b64(data + 1, size - 1, (size_t) (data[0] >> 1)
			       % size);
		return 0;
	}
	/* a C string: the rest, up to its first NUL */
	if ((value = malloc(size)) == NULL)
		sg_fuzz_die("out of memory");
	memcpy(value, data + 1, size - 1);
	value[size - 1] = '\0';
	fuzz_ctype_value(value);
	free(value);
	return 0;
}
