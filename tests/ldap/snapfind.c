/*
 * NAME
 *	snapfind - sg_ldapsnap_find(), sg_ldapsnap_member() and the
 *	snapshot's age from the shell, for tests/ldap
 * SYNOPSIS
 *	snapfind find DIR RCPT		prints the file or "none"
 *	snapfind member DIR DOMAIN	prints "yes" or "no"
 *	snapfind age DIR MAX_AGE	prints "fresh", "warning", "critical"
 * DIAGNOSTICS
 *	Exit 0; 75 with the status sentence on stderr when the call fails
 *	with SG_TEMPFAIL, 1 for any other failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg_ldapsnap.h"

/* main - one call, one line */
int	main(int argc, char **argv)
{
	static const char *grades[] = {"fresh", "warning", "critical"};
	char   *file = NULL;
	sg_status st;
	time_t	age;
	bool	member;

	if (argc != 4)
		return 2;
	if (strcmp(argv[1], "find") == 0) {
		st = sg_ldapsnap_find(argv[2], argv[3], &file);
		if (sg_status_is_ok(&st))
			printf("%s\n", file ? file : "none");
		free(file);
	} else if (strcmp(argv[1], "member") == 0) {
		st = sg_ldapsnap_member(argv[2], argv[3], &member);
		if (sg_status_is_ok(&st))
			printf("%s\n", member ? "yes" : "no");
	} else if (strcmp(argv[1], "age") == 0) {
		st = sg_ldapsnap_age(argv[2], time(NULL), &age);
		if (sg_status_is_ok(&st))
			printf("%s\n", grades[sg_ldapsnap_staleness(age,
						atol(argv[3]))]);
	} else {
		return 2;
	}
	if (sg_status_is_ok(&st))
		return 0;
	fprintf(stderr, "%s\n", st.text);
	return st.code == SG_TEMPFAIL ? 75 : 1;
}
