#!/bin/sh
# NAME
#	null-filter.sh - a Postfix pipe(8) content filter that only reinjects
# SYNOPSIS
#	null-filter.sh -f SENDER -- RECIPIENT...
#	(master.cf: argv=.../null-filter.sh -f ${sender} -- ${recipient})
# DESCRIPTION
#	The ceiling of the pipe(8) architecture that smimegw uses: the same
#	process start, the same reinjection with "sendmail -G -i -f SENDER --
#	RECIPIENTS" of the message on standard input (postdrop, then pickup and
#	cleanup), and nothing else. tests/bench/bench-lab.sh runs it in place
#	of smimegw to measure what the filter costs on top of the architecture.
#	No shell work besides the exec: sendmail reads standard input itself,
#	and its exit status (sysexits) is what pipe(8) sees.
# ENVIRONMENT
#	MAIL_CONFIG	exported by pipe(8) (export_environment): the Postfix
#			instance that sendmail reinjects into
exec /usr/sbin/sendmail -G -i "$@"
