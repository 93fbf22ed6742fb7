/*
 * NAME
 *	test_ctype 1
 * SUMMARY
 *	unit tests for sg_ctype(3): the simple form, and GMime's reading of it
 * DESCRIPTION
 *	A table of Content-Type values: which are the simple form, and what
 *	they hold; for each simple one, GMime's parse gives the same type,
 *	subtype and parameters. TEST ONLY.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "sg_ctype.h"
#include "sg_test.h"

/* same_as_gmime - GMime reads value as ct says */
static void same_as_gmime(const char *value, const sg_ctype *ct)
{
	GMimeContentType *g;
	GMimeParamList *list;
	const char *v;
	char	buf[256];
	size_t	i;

	g = g_mime_content_type_parse(NULL, value);
	SG_CHECK_MSG(g != NULL, "GMime cannot parse '%s'", value);
	if (g == NULL)
		return;
	SG_CHECK_MSG(strlen(g_mime_content_type_get_media_type(g))
		     == ct->type.len
		     && strncasecmp(g_mime_content_type_get_media_type(g),
				    ct->type.p, ct->type.len) == 0
		     && strlen(g_mime_content_type_get_media_subtype(g))
		     == ct->sub.len
		     && strncasecmp(g_mime_content_type_get_media_subtype(g),
				    ct->sub.p, ct->sub.len) == 0,
		     "'%s': GMime's type is %s/%s", value,
		     g_mime_content_type_get_media_type(g),
		     g_mime_content_type_get_media_subtype(g));
	list = g_mime_content_type_get_parameters(g);
	SG_CHECK_MSG((size_t) g_mime_param_list_length(list) == ct->nparams,
		     "'%s': GMime has %d parameters, we %zu", value,
		     g_mime_param_list_length(list), ct->nparams);
	for (i = 0; i < ct->nparams; i++) {
		snprintf(buf, sizeof(buf), "%.*s", (int) ct->name[i].len,
			 ct->name[i].p);
		v = g_mime_content_type_get_parameter(g, buf);
		SG_CHECK_MSG(v != NULL && strlen(v) == ct->value[i].len
			     && memcmp(v, ct->value[i].p, ct->value[i].len) == 0,
			     "'%s': %s is '%s' to GMime", value, buf,
			     v ? v : "(none)");
	}
	g_object_unref(g);
}

/* test_table - simple or not, and what a simple one holds */
static void test_table(void)
{
	static const struct {
		const char *value;
		const char *type, *sub;
		const char *name[2], *val[2];	/* NULL name: none */
	} t[] = {
		{"text/plain", "text", "plain", {NULL}, {NULL}},
		{"  text/plain  ", "text", "plain", {NULL}, {NULL}},
		{"application/pkcs7-mime; smime-type=enveloped-data; "
		 "name=\"smime.p7m\"", "application", "pkcs7-mime",
		 {"smime-type", "name"}, {"enveloped-data", "smime.p7m"}},
		{"Application/PKCS7-MIME;smime-type=\"authEnveloped-data\"",
		 "Application", "PKCS7-MIME", {"SMIME-TYPE"},
		 {"authEnveloped-data"}},
		{"multipart/signed; protocol=\"application/pkcs7-signature\";"
		 "\tmicalg=sha-256; boundary=\"----=_smimegw_0a1b\"",
		 "multipart", "signed", {"protocol", "boundary"},
		 {"application/pkcs7-signature", "----=_smimegw_0a1b"}},
		{"text/plain; charset=us-ascii;", "text", "plain", {"charset"},
		 {"us-ascii"}},
		{"text/plain; a=\"\"", "text", "plain", {"a"}, {""}},
		{"text/plain; a=\"x; y=z\"", "text", "plain", {"a"}, {"x; y=z"}},
	};
	/* what only GMime reads */
	static const char *const not_simple[] = {
		"",
		"text",
		"text/",
		"text /plain",
		"text/ plain",
		"text/plain (a comment)",
		"application/pkcs7-mime; smime-type=enveloped-data (x)",
		"text/plain; name*0=a; name*1=b",
		"text/plain; name*=utf-8''%e2%82%ac",
		"text/plain; name=\"=?utf-8?q?x?=\"",
		"text/plain; a=1; A=2",
		"text/plain; a=\"x\\\"y\"",
		"text/plain; a=\"open",
		"text/plain; a",
		"text/plain; a=",
		"text/plain; a = b",
		"text/plain a=b",
		"text/plain; a=b c",
		"text/plain; a=\"caf\xc3\xa9\"",
		"text/pl\xc3\xa1in",
		"text/plain; a=1; b=2; c=3; d=4; e=5; f=6; g=7; h=8; i=9; j=10; "
		"k=11; l=12; m=13; n=14; o=15; p=16; q=17",
	};
	sg_ctype ct;
	char	buf[64];
	size_t	i, k;

	g_mime_init();
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!sg_ctype_parse(t[i].value, &ct)) {
			SG_CHECK_MSG(0, "'%s': not simple", t[i].value);
			continue;
		}
		SG_CHECK(sg_ctype_is(&ct, t[i].type, t[i].sub));
		SG_CHECK(sg_ctype_is(&ct, t[i].type, "*"));
		SG_CHECK(!sg_ctype_is(&ct, "image", "*"));
		for (k = 0; k < 2 && t[i].name[k] != NULL; k++)
			SG_CHECK_MSG(sg_ctype_param(&ct, t[i].name[k], buf,
						    sizeof(buf))
				     && strcmp(buf, t[i].val[k]) == 0,
				     "'%s': %s", t[i].value, t[i].name[k]);
		SG_CHECK(!sg_ctype_param(&ct, "absent", buf, sizeof(buf)));
		same_as_gmime(t[i].value, &ct);
	}
	for (i = 0; i < sizeof(not_simple) / sizeof(not_simple[0]); i++)
		SG_CHECK_MSG(!sg_ctype_parse(not_simple[i], &ct),
			     "'%s': simple", not_simple[i]);
	/* a value that does not fit the buffer is not given */
	SG_CHECK(sg_ctype_parse("text/plain; a=12345678", &ct));
	SG_CHECK(!sg_ctype_param(&ct, "a", buf, 8));
	SG_CHECK(sg_ctype_param(&ct, "a", buf, 9) && strcmp(buf, "12345678")
		 == 0);
}

int	main(void)
{
	SG_RUN(test_table);
	return sg_test_done();
}
