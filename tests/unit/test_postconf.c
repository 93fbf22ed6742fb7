/*
 * NAME
 *	test_postconf 1
 * SUMMARY
 *	unit tests of sg_postconf: Postfix time values, the safety margin,
 *	running postconf
 * DESCRIPTION
 *	Time values and margins are tables of cases. sg_postconf_get() runs
 *	small shell scripts written to the test directory in place of
 *	postconf: one that prints, one that fails, one that hangs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sg_postconf.h"
#include "sg_test.h"
#include "sg_testkit.h"

static void test_time_values(void)
{
	static const struct {
		const char *text;
		bool	ok;
		unsigned long seconds;
	} cases[] = {
		{"300", true, 300},
		{"300s", true, 300},
		{"0", true, 0},
		{"5m", true, 300},
		{"2h", true, 7200},
		{"1d", true, 86400},
		{"1w", true, 604800},
		{"1000s", true, 1000},
		{"2147483647", true, 2147483647UL},
		{"3550w", true, 3550UL * 604800},
		{"3551w", false, 0},		/* beyond an int, as conv_time */
		{"2147483648", false, 0},
		{"99999999999999999999999", false, 0},
		{"", false, 0},
		{"s", false, 0},
		{"300x", false, 0},
		{"300S", false, 0},		/* Postfix units are lower case */
		{"300ms", false, 0},
		{"5 m", false, 0},
		{" 300", false, 0},
		{"-300", false, 0},
		{"+300", false, 0},
		{"$command_time_limit", false, 0},	/* not expanded */
		{"1.5h", false, 0},
	};
	unsigned long s;
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = 12345;
		SG_CHECK_MSG(sg_postconf_time(cases[i].text, &s) == cases[i].ok,
			     "'%s'", cases[i].text);
		if (cases[i].ok)
			SG_CHECK_MSG(s == cases[i].seconds, "'%s' gave %lu",
				     cases[i].text, s);
		else
			SG_CHECK_MSG(s == 12345, "'%s' wrote %lu",
				     cases[i].text, s);
	}
}

static void test_margin(void)
{
	static const struct {
		unsigned long limit;
		unsigned long max;
	} cases[] = {
		{0, 0}, {10, 0}, {30, 0},
		{31, 1},			/* 30 s below wins */
		{100, 70},
		{270, 240},			/* the default timeout fits */
		{300, 270},			/* both rules agree */
		{301, 270},			/* 90% (270.9) wins from here */
		{1000, 900},			/* Postfix's default */
		{3600, 3240},
		{604800, 544320},
		{2147483647UL, 1932735282UL},
	};
	size_t	i;
	unsigned long got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = sg_postconf_timeout_max(cases[i].limit);
		SG_CHECK_MSG(got == cases[i].max, "limit %lu: %lu, want %lu",
			     cases[i].limit, got, cases[i].max);
		/* The rule itself, for every case. */
		SG_CHECK(got == 0 || (got + SG_POSTCONF_MARGIN <= cases[i].limit
				      && got * 100 <= cases[i].limit
				      * SG_POSTCONF_PERCENT));
	}
}

/* script - an executable DIR/NAME with body; returns its path */
static const char *script(const char *name, const char *body)
{
	static char path[700];
	FILE   *f;

	snprintf(path, sizeof(path), "%s/%s", sg_testkit_dir(), name);
	f = fopen(path, "w");
	SG_CHECK(f != NULL);
	if (f == NULL)
		return path;
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	SG_CHECK(chmod(path, 0700) == 0);
	return path;
}

static void test_get(void)
{
	const char *pc;
	char   *value = NULL;
	sg_status st;
	time_t	t0;

	pc = script("pc-ok", "[ \"$*\" = '-xh smimegw_time_limit' ] || exit 9\n"
		    "printf ' 300s \\nsecond line\\n'; echo noise >&2");
	st = sg_postconf_get(pc, "smimegw_time_limit", &value);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK_MSG(value && strcmp(value, "300s") == 0, "'%s'",
		     value ? value : "(null)");
	free(value);

	pc = script("pc-empty", "echo 'postconf: warning: unknown' >&2");
	st = sg_postconf_get(pc, "smimegw_time_limit", &value);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(value && *value == '\0');
	free(value);

	pc = script("pc-fails", "echo 'postconf: fatal: no main.cf' >&2; "
		    "exit 1");
	st = sg_postconf_get(pc, "smimegw_time_limit", &value);
	SG_CHECK(st.code == SG_TEMPFAIL && value == NULL);
	SG_CHECK_MSG(strstr(st.text, "exited with status 1 (postconf: "
			    "fatal: no main.cf)") != NULL, "%s", st.text);

	st = sg_postconf_get("/nonexistent/postconf", "x", &value);
	SG_CHECK(st.code == SG_TEMPFAIL && value == NULL);
	SG_CHECK_MSG(strstr(st.text, "/nonexistent/postconf") != NULL, "%s",
		     st.text);

	/* A child that keeps the pipe open dies with the group. */
	pc = script("pc-hangs", "sleep 60 & sleep 60");
	t0 = time(NULL);
	st = sg_postconf_get(pc, "smimegw_time_limit", &value);
	SG_CHECK(st.code == SG_TEMPFAIL && value == NULL);
	SG_CHECK_MSG(strstr(st.text, "did not answer") != NULL, "%s", st.text);
	SG_CHECK(time(NULL) - t0 <= SG_POSTCONF_WAIT + 2);
}

int	main(void)
{
	SG_RUN(test_time_values);
	SG_RUN(test_margin);
	SG_RUN(test_get);
	return sg_test_done();
}
