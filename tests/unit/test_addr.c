/*
 * NAME
 *	test_addr 1
 * SUMMARY
 *	table tests of the one address normal form (sg_addr)
 */
#include <stdlib.h>
#include <string.h>

#include "sg_addr.h"
#include "sg_test.h"

static void test_domains(void)
{
	static const struct {
		const char *in;
		sg_code	code;
		const char *want;
	} cases[] = {
		{"b.example", SG_OK, "b.example"},
		{"B.EXAMPLE", SG_OK, "b.example"},
		{"b.example.", SG_OK, "b.example"},
		{"B.Example.", SG_OK, "b.example"},
		{"example", SG_OK, "example"},
		{"[192.0.2.1]", SG_OK, "[192.0.2.1]"},
		{"foo_bar.b.example", SG_OK, "foo_bar.b.example"},
		{"xn--bcher-kva.example", SG_OK, "xn--bcher-kva.example"},
		{"XN--BCHER-KVA.Example.", SG_OK, "xn--bcher-kva.example"},
		/* U-labels become A-labels (UTS #46 maps case, NFC, dots) */
		{"b\xc3\xbc" "cher.example", SG_OK, "xn--bcher-kva.example"},
		{"B\xc3\x9c" "CHER.EXAMPLE", SG_OK, "xn--bcher-kva.example"},
		{"b\xc3\xbc" "cher.example.", SG_OK, "xn--bcher-kva.example"},
		{"bu\xcc\x88" "cher.example", SG_OK, "xn--bcher-kva.example"},
		{"dept.b\xc3\xbc" "cher.example", SG_OK,
		 "dept.xn--bcher-kva.example"},
		{"b\xc3\xbc" "cher\xe3\x80\x82" "example", SG_OK,
		 "xn--bcher-kva.example"},
		{"\xc3\x9f.example", SG_OK, "xn--zca.example"},
		/* never a guess: refused, for a bounce */
		{"", SG_REJECT, NULL},
		{".", SG_REJECT, NULL},
		{"b.example..", SG_REJECT, NULL},
		{".b.example", SG_REJECT, NULL},
		{"b..example", SG_REJECT, NULL},
		{"b example", SG_REJECT, NULL},
		{"b.example/x", SG_REJECT, NULL},
		{"b\\example", SG_REJECT, NULL},
		{"b\x7f.example", SG_REJECT, NULL},
		{"b\xc3" "cher.example", SG_REJECT, NULL},	/* bad UTF-8 */
		{"b\xff.example", SG_REJECT, NULL},
		{"\xe2\x98\x83.example", SG_REJECT, NULL},	/* U+2603 */
		{"b\xc3\xbc" "..example", SG_REJECT, NULL},
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char   *out = (char *) "unset";
		sg_status st = sg_addr_domain(cases[i].in, &out);

		SG_CHECK_MSG(st.code == cases[i].code, "case %zu: %s", i,
			     st.text);
		if (cases[i].want) {
			SG_CHECK_MSG(out && strcmp(out, cases[i].want) == 0,
				     "case %zu: got %s", i, out ? out : "NULL");
		} else {
			SG_CHECK_MSG(out == NULL, "case %zu", i);
			SG_CHECK(st.text[0] != '\0');
		}
		free(out);
	}
}

/* A long ASCII domain is not cut or refused: the lookup walks parents. */
static void test_long_domain(void)
{
	char	in[700], *out = NULL;
	sg_status st;

	memset(in, 'a', 600);
	strcpy(in + 600, ".B.example.");
	st = sg_addr_domain(in, &out);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(out && strlen(out) == 610
		 && strcmp(out + 600, ".b.example") == 0);
	free(out);
}

static void test_addresses(void)
{
	static const struct {
		const char *in;
		sg_code	code;
		const char *local, *domain, *lookup;
	} cases[] = {
		{"bob@b.example", SG_OK, "bob", "b.example", "bob@b.example"},
		{"Bob@B.Example.", SG_OK, "Bob", "b.example", "bob@b.example"},
		{"\"a@b\"@C.example", SG_OK, "\"a@b\"", "c.example",
		 "\"a@b\"@c.example"},
		{"J\xc3\xb6rg@b\xc3\xbc" "cher.example", SG_OK, "J\xc3\xb6rg",
		 "xn--bcher-kva.example", "j\xc3\xb6rg@xn--bcher-kva.example"},
		{"@b.example", SG_OK, "", "b.example", "@b.example"},
		{"no-domain", SG_OK, "no-domain", NULL, NULL},
		{"bob@", SG_REJECT, NULL, NULL, NULL},
		{"bob@b\xc3.example", SG_REJECT, NULL, NULL, NULL},
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sg_addr	a = SG_ADDR_INIT;
		sg_status st = sg_addr_parse(cases[i].in, &a);
		char   *name = sg_addr_lookup_name(&a);

		SG_CHECK_MSG(st.code == cases[i].code, "case %zu: %s", i,
			     st.text);
		if (cases[i].code == SG_OK) {
			SG_CHECK_MSG(a.local && strcmp(a.local, cases[i].local)
				     == 0, "case %zu local", i);
			SG_CHECK_MSG(cases[i].domain ? a.domain && strcmp(a.domain,
				     cases[i].domain) == 0 : a.domain == NULL,
				     "case %zu domain", i);
			SG_CHECK_MSG(cases[i].lookup ? name && strcmp(name,
				     cases[i].lookup) == 0 : name == NULL,
				     "case %zu lookup %s", i, name ? name : "-");
		} else {
			SG_CHECK(a.domain == NULL && name == NULL);
		}
		free(name);
		sg_addr_free(&a);
	}
}

/* 300-byte local part: kept whole, never cut */
static void test_long_local_part(void)
{
	char	in[400];
	sg_addr	a = SG_ADDR_INIT;
	sg_status st;

	memset(in, 'x', 300);
	strcpy(in + 300, "@b.example");
	st = sg_addr_parse(in, &a);
	SG_CHECK(sg_status_is_ok(&st));
	SG_CHECK(a.local && strlen(a.local) == 300);
	SG_CHECK(a.domain && strcmp(a.domain, "b.example") == 0);
	sg_addr_free(&a);
	sg_addr_free(&a);		/* reusable, idempotent */
}

int	main(void)
{
	SG_RUN(test_domains);
	SG_RUN(test_long_domain);
	SG_RUN(test_addresses);
	SG_RUN(test_long_local_part);
	return sg_test_done();
}
