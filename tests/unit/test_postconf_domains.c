/*
 * NAME
 *	test_postconf_domains 1
 * SUMMARY
 *	unit tests of smimegw -n's domain check (sg_postconf)
 * DESCRIPTION
 *	sg_postconf_in_list() from a table of Postfix list values and
 *	domains, with and without parent_domain_matches_subdomains.
 *	sg_postconf_check_domains() against shell scripts standing in for
 *	postconf (and the postmap beside it): a typo is counted, a listed
 *	domain, one below a ".parent" and one found in a table are not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sg_log.h"
#include "sg_postconf.h"
#include "sg_test.h"
#include "sg_testkit.h"

static void test_in_list(void)
{
	static const struct {
		const char *list;
		const char *domain;
		bool	parent;
		bool	want;
	} cases[] = {
		{"a.example", "a.example", false, true},
		{"A.Example.", "a.example", false, true},
		{"x.example, a.example", "a.example", false, true},
		{"x.example\ta.example", "a.example", false, true},
		{"a.exmaple", "a.example", false, false},
		{"", "a.example", false, false},
		{"example", "a.example", false, false},
		{"example", "a.example", true, true},
		{"xample", "a.example", true, false},	/* a label, not text */
		{".example", "a.example", false, true},
		{".example", "example", false, false},
		{".a.example", "a.example", false, false},
		{"b.a.example", "a.example", true, false},
		{"!a.example", "a.example", false, false},
		{"hash:/etc/postfix/a.example", "a.example", false, false},
		{"inline:{ a.example=x, b }", "a.example", false, false},
		{"/etc/postfix/a.example", "a.example", false, false},
		{"gw.e2e.test, localhost.e2e.test, localhost", "a.example",
		 false, false},
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		SG_CHECK_MSG(sg_postconf_in_list(cases[i].list, cases[i].domain,
						 cases[i].parent)
			     == cases[i].want, "'%s' ~ %s (parent %d)",
			     cases[i].list, cases[i].domain, cases[i].parent);
}

/* script - an executable shell script NAME in the test directory */
static const char *script(const char *name, const char *body)
{
	static char path[600];
	FILE   *fp;

	snprintf(path, sizeof(path), "%s/%s", sg_testkit_dir(), name);
	fp = fopen(path, "w");
	SG_CHECK(fp != NULL);
	if (fp == NULL)
		return path;
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	fclose(fp);
	chmod(path, 0755);
	return path;
}

static void test_check(void)
{
	char   *domains[] = {"a.example", "sub.b.example", "t.example",
		"a.exmaple"};
	sg_config cfg;
	size_t	missing = 99;
	sg_status st;
	char	dir[600];

	snprintf(dir, sizeof(dir), "%s/pf", sg_testkit_dir());
	SG_CHECK(mkdir(dir, 0700) == 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.path = "test.conf";
	cfg.domains = domains;
	cfg.ndomains = 4;
	cfg.postconf = strdup(script("pf/postconf",
		"case \"$*\" in\n"
		"'-xh mydestination') echo 'gw.example, localhost' ;;\n"
		"'-xh relay_domains') echo '.b.example' ;;\n"
		"'-xh virtual_alias_domains') echo 'hash:/x/aliases' ;;\n"
		"'-xh virtual_mailbox_domains') echo 'A.example' ;;\n"
		"'-xh parent_domain_matches_subdomains') echo 'debug_peer_list' ;;\n"
		"*) exit 9 ;;\n"
		"esac"));
	script("pf/postmap", "[ \"$1 $2 $3\" = '-q t.example hash:/x/aliases' ]"
	       " && { echo yes; exit 0; }; exit 1");
	st = sg_postconf_check_domains(&cfg, &missing);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK_MSG(missing == 1, "missing %zu, want 1 (a.exmaple)", missing);

	/* postconf that fails: no count, a warning, still OK */
	script("pf/postconf", "exit 1");
	missing = 99;
	st = sg_postconf_check_domains(&cfg, &missing);
	SG_CHECK(sg_status_is_ok(&st) && missing == 0);
	free(cfg.postconf);
}

int	main(void)
{
	sg_log_to_stderr(true);
	SG_RUN(test_in_list);
	SG_RUN(test_check);
	return sg_test_done();
}
