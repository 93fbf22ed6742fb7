/*
 * NAME
 *	test_ini 1
 * SUMMARY
 *	unit tests of the generic INI loader (sg_ini)
 * DESCRIPTION
 *	A schema of its own, one item per type, stored into a test
 *	structure. The quoting table is the contract with iniparser 4.1:
 *	each value is either read whole, or refused with the text that
 *	iniparser would have dropped. Error cases check the whole sentence.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_ini.h"
#include "sg_test.h"
#include "sg_testkit.h"

typedef struct conf {
	char  **names;
	size_t	nnames;
	char   *dir;
	char   *label;
	uint8_t	tries;
	unsigned long long big;
	bool	flag;
	bool	mode_on;
	int	colour;
} conf;

static const sg_ini_word colours[] = {
	{"red", 1}, {"green", 2}, {"blue", -3}, {NULL, 0},
};

static const sg_ini_word modes[] = {
	{"on-demand", 1}, {"never", 0}, {NULL, 0},
};

/* no_test - the check hook: refuse names and labels starting "test" */
static const char *no_test(const char *value)
{
	return strncmp(value, "test", 4) == 0 ? "is reserved for tests" : NULL;
}

#define F(field) SG_INI_FIELD(conf, field)

static const sg_ini_item schema[] = {
	{"main", "names", SG_INI_DOMAINS, .required = true, .check = no_test,
	 F(names), .count_off = offsetof(conf, nnames)},
	{"main", "dir", SG_INI_PATH, .def = "/srv/default", F(dir)},
	{"main", "label", SG_INI_STRING, .check = no_test, F(label)},
	{"main", "tries", SG_INI_UINT, .def = "3", .min = 1, .max = 255,
	 F(tries)},
	{"extra", "big", SG_INI_UINT, .min = 0, .max = UINT64_MAX, F(big)},
	{"extra", "flag", SG_INI_BOOL, .def = "yes", F(flag)},
	{"extra", "mode", SG_INI_ENUM, .def = "never", .words = modes,
	 F(mode_on)},
	{"extra", "colour", SG_INI_ENUM, .words = colours, F(colour)},
};

static char path[600];

/* load - write text and load it into c (zeroed first) */
static sg_status load(const char *text, conf *c)
{
	FILE   *f = fopen(path, "w");

	SG_CHECK(f != NULL);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	memset(c, 0, sizeof(*c));
	return sg_ini_load(path, schema, SG_INI_COUNT(schema), c);
}

/* expect_error_at - text must fail with exactly "<path><suffix>" */
static void expect_error_at(const char *file, int line, const char *text,
			    const char *suffix)
{
	char	want[1024];
	sg_status st;
	conf	c;

	st = load(text, &c);
	snprintf(want, sizeof(want), "%s%s", path, suffix);
	if (st.code != SG_CONFIG || strcmp(st.text, want) != 0) {
		fprintf(stderr, "%s:%d: got %s \"%s\"\n%s:%d: want CONFIG "
			"\"%s\"\n", file, line, sg_code_name(st.code), st.text,
			file, line, want);
		sg_test_failures++;
	}
	sg_ini_free(schema, SG_INI_COUNT(schema), &c);
}

#define expect_error(text, suffix) \
	expect_error_at(__FILE__, __LINE__, text, suffix)

static void test_types_and_defaults(void)
{
	sg_status st;
	conf	c;

	st = load("[main]\nnames = B.example a.example,b.example\n", &c);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(c.nnames == 2 && strcmp(c.names[0], "b.example") == 0
		 && strcmp(c.names[1], "a.example") == 0);
	SG_CHECK(c.dir && strcmp(c.dir, "/srv/default") == 0);
	SG_CHECK(c.label == NULL);
	SG_CHECK(c.tries == 3 && c.big == 0 && c.flag && !c.mode_on);
	SG_CHECK(c.colour == 0);
	sg_ini_free(schema, SG_INI_COUNT(schema), &c);
	SG_CHECK(c.names == NULL && c.nnames == 0 && c.dir == NULL);

	st = load("[main]\nnames = a.example\ndir = /x\nlabel = any text!\n"
		  "tries = 255\n[EXTRA]\nBig = 18446744073709551615\n"
		  "flag = Off\nmode = ON-DEMAND\ncolour = blue\n", &c);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(c.dir && strcmp(c.dir, "/x") == 0);
	SG_CHECK(c.label && strcmp(c.label, "any text!") == 0);
	SG_CHECK(c.tries == 255 && c.big == UINT64_MAX);
	SG_CHECK(!c.flag && c.mode_on && c.colour == -3);
	sg_ini_free(schema, SG_INI_COUNT(schema), &c);
}

static void test_strict_values(void)
{
	static const struct {
		const char *word;
		bool	ok, value;
	} bools[] = {
		{"yes", true, true}, {"TRUE", true, true}, {"on", true, true},
		{"1", true, true}, {"no", true, false}, {"false", true, false},
		{"Off", true, false}, {"0", true, false}, {"y", false, false},
		{"yess", false, false}, {"2", false, false},
		{"enabled", false, false},
	};
	char	text[200];
	sg_status st;
	size_t	i;
	conf	c;

	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		snprintf(text, sizeof(text), "[main]\nnames = a.example\n"
			 "[extra]\nflag = %s\n", bools[i].word);
		st = load(text, &c);
		SG_CHECK_MSG(sg_status_is_ok(&st) == bools[i].ok, "'%s': %s",
			     bools[i].word, st.text);
		if (bools[i].ok)
			SG_CHECK_MSG(c.flag == bools[i].value, "'%s'",
				     bools[i].word);
		sg_ini_free(schema, SG_INI_COUNT(schema), &c);
	}
	expect_error("[main]\nnames = a.example\n[extra]\nflag = y\n",
		     ":4: [extra] flag: unknown value 'y' (expected yes, "
		     "true, on, 1, no, false, off, 0)");
	expect_error("[main]\nnames = a.example\ntries = 256\n",
		     ":3: [main] tries: 256 is out of range (1..255)");
	expect_error("[main]\nnames = a.example\n[extra]\n"
		     "big = 18446744073709551616\n",
		     ":4: [extra] big: 18446744073709551616 is out of range "
		     "(0..18446744073709551615)");
	expect_error("[main]\nnames = a.example\n[extra]\ncolour = pink\n",
		     ":4: [extra] colour: unknown value 'pink' (expected red, "
		     "green, blue)");
	expect_error("[main]\nnames = a.example, 10.0.0.1\n",
		     ":2: [main] names: '10.0.0.1' is not a valid domain name");
	expect_error("[main]\nnames = a.example, test.example\n",
		     ":2: [main] names: 'test.example' is reserved for tests");
	expect_error("[main]\nnames = a.example\nlabel = testing\n",
		     ":3: [main] label: 'testing' is reserved for tests");
	expect_error("[main]\nnames = a.example\ndir = rel\n",
		     ":3: [main] dir: 'rel' is not an absolute path");
	expect_error("[main]\nnames =\n",
		     ":2: [main] names: required value is empty");
	expect_error("[extra]\nflag = yes\n",
		     ": [main] names: required value is missing");
}

/*
 * The quoting contract: what a value line means, as iniparser 4.1 reads
 * it. want is the stored label, or NULL with the error's tail.
 */
static void test_quoting(void)
{
	static const struct {
		const char *line;
		const char *want;
		const char *error;
	} cases[] = {
		{"label = plain words", "plain words", NULL},
		{"label = \"a ; b # c\"", "a ; b # c", NULL},
		{"label = 'a ; b # c'", "a ; b # c", NULL},
		{"label = \"  blanks kept  \"", "  blanks kept  ", NULL},
		{"label = 'say \"hi\"'", "say \"hi\"", NULL},
		{"label = \"it's\"", "it's", NULL},
		{"label = a\"b\"", "a\"b\"", NULL},
		{"label = a=b", "a=b", NULL},
		{"label = \"\"", NULL, NULL},		/* empty: unset */
		{"label = ''", NULL, NULL},
		{"label =", NULL, NULL},
		{"label = a ; b", NULL, "'; b' would be ignored: a value ends "
		 "at ';' or '#' (put comments on lines of their own, or quote "
		 "the value to keep the character)"},
		{"label = a#b", NULL, "'#b' would be ignored: a value ends at "
		 "';' or '#' (put comments on lines of their own, or quote the "
		 "value to keep the character)"},
		{"label = ;", NULL, "';' would be ignored: a value ends at ';' "
		 "or '#' (put comments on lines of their own, or quote the "
		 "value to keep the character)"},
		{"label = \"\" ; empty", NULL, "'; empty' would be ignored: a "
		 "quoted value ends at its closing quote (put comments on "
		 "lines of their own)"},
		{"label = \"a\" ; comment", NULL, "'; comment' would be "
		 "ignored: a quoted value ends at its closing quote (put "
		 "comments on lines of their own)"},
		{"label = \"a\"b\"", NULL, "'b\"' would be ignored: a quoted "
		 "value ends at its closing quote (put comments on lines of "
		 "their own)"},
		{"label = \"unterminated ; x", NULL, "unterminated quote (\")"},
		{"label = '", NULL, "unterminated quote (')"},
	};
	char	text[300], want[1000];
	sg_status st;
	size_t	i;
	conf	c;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "[main]\nnames = a.example\n%s\n",
			 cases[i].line);
		st = load(text, &c);
		if (cases[i].error == NULL) {
			SG_CHECK_MSG(sg_status_is_ok(&st), "%s: %s",
				     cases[i].line, st.text);
			SG_CHECK_MSG(cases[i].want ? c.label != NULL
				     && strcmp(c.label, cases[i].want) == 0
				     : c.label == NULL, "%s: got '%s'",
				     cases[i].line,
				     c.label ? c.label : "(null)");
		} else {
			snprintf(want, sizeof(want), "%s:3: [main] label: %s",
				 path, cases[i].error);
			SG_CHECK_MSG(st.code == SG_CONFIG
				     && strcmp(st.text, want) == 0,
				     "%s:\n got  %s\n want %s", cases[i].line,
				     st.text, want);
		}
		sg_ini_free(schema, SG_INI_COUNT(schema), &c);
	}
	/* A comment line is not a value, and a continuation joins first. */
	expect_error("[main]\nnames = a.example \\\n  ; b.example\n",
		     ":2: [main] names: '; b.example' would be ignored: a "
		     "value ends at ';' or '#' (put comments on lines of their "
		     "own, or quote the value to keep the character)");
	st = load("; names = x\n# [other]\n[main]\n  ; label = x\n"
		  "names = a.example\n", &c);
	SG_CHECK_MSG(sg_status_is_ok(&st) && c.label == NULL, "%s", st.text);
	sg_ini_free(schema, SG_INI_COUNT(schema), &c);
}

static void test_names(void)
{
	expect_error("[main]\nnames = a.example\n[other]\n",
		     ":3: [other]: unknown section");
	expect_error("[main]\nnames = a.example\nbig = 1\n",
		     ":3: [main] big: unknown key");
	expect_error("[main]\nnames = a.example\nNames = b.example\n",
		     ":3: [main] names: duplicate key (first at line 2)");
}

static void test_bad_schema(void)
{
	static const sg_ini_item too_small[] = {
		{"main", "tries", SG_INI_UINT, .max = 256, F(tries)},
	};
	static const sg_ini_item not_a_bool[] = {
		{"main", "tries", SG_INI_BOOL, F(colour)},
	};
	static const sg_ini_item upper[] = {
		{"Main", "tries", SG_INI_UINT, .max = 9, F(tries)},
	};
	static const sg_ini_item no_words[] = {
		{"main", "colour", SG_INI_ENUM, F(colour)},
	};
	conf	c = {0};
	sg_status st;

	st = sg_ini_load(path, too_small, 1, &c);
	SG_CHECK_MSG(st.code == SG_INTERNAL, "%s", st.text);
	st = sg_ini_load(path, not_a_bool, 1, &c);
	SG_CHECK_MSG(st.code == SG_INTERNAL, "%s", st.text);
	st = sg_ini_load(path, upper, 1, &c);
	SG_CHECK_MSG(st.code == SG_INTERNAL, "%s", st.text);
	st = sg_ini_load(path, no_words, 1, &c);
	SG_CHECK_MSG(st.code == SG_INTERNAL, "%s", st.text);
}

static void test_unreadable(void)
{
	char	missing[700];
	sg_status st;
	conf	c = {0};

	snprintf(missing, sizeof(missing), "%s/missing.ini", sg_testkit_dir());
	st = sg_ini_load(missing, schema, SG_INI_COUNT(schema), &c);
	SG_CHECK(st.code == SG_TEMPFAIL);
	SG_CHECK_MSG(strstr(st.text, missing) != NULL, "%s", st.text);
	sg_ini_free(schema, SG_INI_COUNT(schema), &c);
	sg_ini_free(schema, SG_INI_COUNT(schema), NULL);
}

int	main(void)
{
	snprintf(path, sizeof(path), "%s/test.ini", sg_testkit_dir());
	SG_RUN(test_types_and_defaults);
	SG_RUN(test_strict_values);
	SG_RUN(test_quoting);
	SG_RUN(test_names);
	SG_RUN(test_bad_schema);
	SG_RUN(test_unreadable);
	return sg_test_done();
}
