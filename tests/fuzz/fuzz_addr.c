/*
 * NAME
 *	fuzz_addr 1
 * SUMMARY
 *	fuzz target: the normal form of addresses and domains (sg_addr)
 * DESCRIPTION
 *	The input, up to its first NUL, is a domain for sg_addr_domain()
 *	and an address for sg_addr_parse() and sg_addr_lookup_name(), as
 *	they come from the envelope, the configuration and certificates.
 *
 *	Besides memory safety and leaks the target checks sg_addr(3h): a
 *	normal domain is non-empty, ASCII, without capitals, without an
 *	empty label (no leading, trailing or double dot) and without a
 *	control character, space, DEL, '/' or '\\' (it becomes part of a
 *	file name in the certificate directory); normalising it again gives
 *	the same (idempotence); a refusal is SG_REJECT or SG_TEMPFAIL and
 *	leaves no output. An address splits at its last '@', keeps its local
 *	part byte for byte, and has the domain sg_addr_domain() gives for
 *	what follows; its lookup name is the lower-cased local part, '@' and
 *	that domain, and parsing the lookup name again gives the same lookup
 *	name.
 */
#include <stdlib.h>
#include <string.h>

#include "sg_addr.h"
#include "sg_fuzz.h"

/* fuzz_addr_normal - the promises about a normal domain */
static void fuzz_addr_normal(const char *d)
{
	const unsigned char *p;

	SG_FUZZ_ASSERT(d != NULL && *d != '\0');
	SG_FUZZ_ASSERT(d[0] != '.' && d[strlen(d) - 1] != '.'
		       && strstr(d, "..") == NULL);
	for (p = (const unsigned char *) d; *p; p++)
		SG_FUZZ_ASSERT(*p > ' ' && *p < 0x7f && *p != '/'
			       && *p != '\\' && !(*p >= 'A' && *p <= 'Z'));
}

/* fuzz_addr_domain - normalise; the result is normal and a fixed point */
static sg_status fuzz_addr_domain(const char *in, char **out)
{
	sg_status st, st2;
	char   *again = NULL;

	st = sg_addr_domain(in, out);
	SG_FUZZ_ASSERT(memchr(st.text, '\0', sizeof(st.text)) != NULL);
	if (!sg_status_is_ok(&st)) {
		SG_FUZZ_ASSERT(*out == NULL);
		SG_FUZZ_ASSERT(st.code == SG_REJECT || st.code == SG_TEMPFAIL);
		return st;
	}
	fuzz_addr_normal(*out);
	st2 = sg_addr_domain(*out, &again);
	if (!sg_status_is_ok(&st2) || strcmp(again, *out) != 0)
		sg_fuzz_die("not idempotent: '%s' -> '%s' -> '%s' (%s)", in,
			    *out, again ? again : "(refused)", st2.text);
	free(again);
	return st;
}

/* fuzz_addr_address - parse, lookup name, parse the lookup name again */
static void fuzz_addr_address(const char *in)
{
	sg_addr	a = SG_ADDR_INIT, b = SG_ADDR_INIT;
	const char *at = strrchr(in, '@');
	char   *dom = NULL, *name, *name2;
	sg_status st, st2;
	size_t	i, llen;

	/* A struct in use is released by the next parse. */
	(void) sg_addr_parse("x@x.example", &a);
	st = sg_addr_parse(in, &a);
	if (at == NULL) {
		SG_FUZZ_ASSERT(sg_status_is_ok(&st) && a.domain == NULL
			       && strcmp(a.local, in) == 0);
		SG_FUZZ_ASSERT(sg_addr_lookup_name(&a) == NULL);
		goto cleanup;
	}
	st2 = fuzz_addr_domain(at + 1, &dom);
	SG_FUZZ_ASSERT(st.code == st2.code);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	llen = (size_t) (at - in);
	SG_FUZZ_ASSERT(strlen(a.local) == llen
		       && memcmp(a.local, in, llen) == 0);
	SG_FUZZ_ASSERT(strcmp(a.domain, dom) == 0);
	name = sg_addr_lookup_name(&a);
	SG_FUZZ_ASSERT(name != NULL && strlen(name) == llen + 1 + strlen(dom));
	for (i = 0; i < llen; i++)
		SG_FUZZ_ASSERT(name[i] == ((in[i] >= 'A' && in[i] <= 'Z')
					   ? in[i] - 'A' + 'a' : in[i]));
	SG_FUZZ_ASSERT(name[llen] == '@' && strcmp(name + llen + 1, dom) == 0);
	fuzz_addr_normal(strrchr(name, '@') + 1);
	st = sg_addr_parse(name, &b);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st));
	name2 = sg_addr_lookup_name(&b);
	SG_FUZZ_ASSERT(name2 != NULL && strcmp(name, name2) == 0);
	free(name);
	free(name2);
cleanup:
	free(dom);
	sg_addr_free(&a);
	sg_addr_free(&b);
}

/* LLVMFuzzerTestOneInput - one string as a domain and as an address */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char   *s = malloc(size + 1), *dom = NULL;

	if (s == NULL)
		sg_fuzz_die("out of memory");
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	(void) fuzz_addr_domain(s, &dom);
	free(dom);
	fuzz_addr_address(s);
	free(s);
	return 0;
}
