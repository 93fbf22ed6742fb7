#!/bin/bash
# NAME
#	capture-sendmail.sh - a sendmail(1) stand-in that records each call
# SYNOPSIS
#	CAPTURE_DIR=DIR [CAPTURE_MODE=MODE] capture-sendmail.sh ARG...
# DESCRIPTION
#	Each call gets the next free number N and the directory DIR/N with:
#	argv	the arguments, one per line (an empty -f "" is an empty line)
#	argv0	the arguments, each ended by a NUL byte (exact)
#	msg	the bytes read from standard input
#	fds	the open descriptors at start, "N -> target", one per line
#	pid	this process id
#	Then, by CAPTURE_MODE:
#	ok		exit 0 (default)
#	fail75		exit 75 (EX_TEMPFAIL)
#	exit1		exit 1 (a sendmail error)
#	kill		read the message, then kill itself with SIGKILL
#	first-ok	exit 0 for call 1, 75 for every later call
#	noread		exit 0 at once, without reading standard input
#	slow		read 4 KiB every 0.25 s; at end of input write
#			"done" and exit 0 (a sendmail that accepts whatever
#			arrived before EOF, as sendmail -i does)
#	The config has no environment, so each test gateway has a small
#	wrapper that sets CAPTURE_DIR and CAPTURE_MODE and execs this file.
# DIAGNOSTICS
#	Exit 70 when CAPTURE_DIR is unusable, so that a broken harness never
#	looks like an accepted message.

set -u
dir=${CAPTURE_DIR:-}
mode=${CAPTURE_MODE:-ok}
[ -n "$dir" ] && [ -d "$dir" ] || exit 70

n=1
until mkdir "$dir/$n" 2>/dev/null; do
	n=$((n + 1))
	[ $n -le 1000 ] || exit 70
done
out=$dir/$n
# This shell's descriptors, listed by a child; the one the child writes to
# is ours, not inherited.
find /proc/$$/fd -mindepth 1 -printf '%f -> %l\n' >"$out/fds.raw" 2>/dev/null
grep -vF -- " -> $out/fds.raw" "$out/fds.raw" >"$out/fds"
echo $$ >"$out/pid"
if [ $# -gt 0 ]; then
	printf '%s\n' "$@" >"$out/argv"
	printf '%s\0' "$@" >"$out/argv0"
else
	: >"$out/argv"
	: >"$out/argv0"
fi

case $mode in
noread)
	: >"$out/msg"
	exit 0
	;;
slow)
	: >"$out/msg"
	while [ "$(dd bs=4096 count=1 status=none | tee -a "$out/msg" | wc -c)" -gt 0 ]; do
		sleep 0.25
	done
	echo finished >"$out/done"
	exit 0
	;;
esac

cat >"$out/msg" || exit 70

case $mode in
ok) exit 0 ;;
fail75) exit 75 ;;
exit1) exit 1 ;;
kill) kill -KILL $$ ;;
first-ok) [ "$n" = 1 ] && exit 0 || exit 75 ;;
*) exit 70 ;;
esac
exit 70
