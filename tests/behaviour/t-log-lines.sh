#!/bin/bash
# NAME
#	t-log-lines - one log line per copy, every recipient named, a final
#	line per message, and a reason on every exit path
# SYNOPSIS
#	t-log-lines.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Issue 7 items 14 and 15. With 300 recipients (long addresses) the
#	old single line was cut at 2048 bytes and no longer said that a
#	plain copy went out. Now:
#	- every line of the log file is shorter than 2200 bytes (no cut);
#	- every recipient appears in a line of its copy, and that line says
#	  what the copy was (action=encrypted or action=plain ...
#	  in-clear-to=N reason=no-certificate);
#	- a final line names the number of recipients and copies;
#	- a bad recipient address, a bounce and a deferral each leave a line
#	  with result=... and the queue id.
#	When no log channel works at all (no syslog, no log_file, postlog
#	failing), a deferral's reason is in the 4.x.x line (Postfix logs it).
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-log-lines
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/multipart-attachment.eml
make_gateway a a.example gw-a
peer a b.example.pem gw-b
log=$S/a/smimegw.log

rcpts=()
for i in $(seq -w 1 150); do
	rcpts+=("a-rather-long-recipient-name-number-$i@b.example")
	rcpts+=("another-long-recipient-without-certificate-$i@nocert.example")
done
run_filter a -q BEHL0001 -f alice@a.example -- "${rcpts[@]}" <"$in"
expect a 0 - 2 "300 recipients"
awk 'length($0) >= 2200 { exit 1 }' "$log" || fail "a log line of 2200 bytes or more"
for r in "${rcpts[@]}"; do
	case $r in
	*@b.example) want='action=encrypted cipher=' ;;
	*) want='action=plain in-clear-to=150 reason=no-certificate' ;;
	esac
	grep -F "<$r>" "$log" | grep "BEHL0001: outbound: copy=.* $want" >/dev/null ||
		fail "recipient $r: no line that names it with '$want'"
done
ok "every recipient named with its copy's action"
grep -q 'BEHL0001: outbound: from=<alice@a.example> nrcpt=300 copies=2 result=sent' "$log" ||
	fail "no final line"
ok "final line"

# Bounce, bad address, deferral: each with a result line.
run_filter a -q BEHL0002 -f alice@a.example -- "bob@b.example$(printf '\001')" <"$in"
expect a 65 5.1.3 2 "control character in a recipient"
grep -q 'BEHL0002: result=bounced dsn=5.1.3' "$log" || fail "no line for the bad address"
printf 'Subject: x\n' >"$S/empty-body.eml"
: >"$S/empty.eml"
run_filter a -q BEHL0003 -f alice@a.example -- bob@b.example <"$S/empty.eml"
expect a 65 5.6.0 2 "empty message"
grep -q 'BEHL0003: outbound: from=<alice@a.example> nrcpt=1 result=bounced dsn=5.6.0' "$log" ||
	fail "no line for the empty message"
sendmail_mode a fail75
run_filter a -q BEHL0004 -f alice@a.example -- bob@b.example <"$in"
expect a 75 4.3.0 3 "sendmail fails"
grep -q 'BEHL0004: outbound: from=<alice@a.example> nrcpt=1 result=deferred reason="sendmail exited' "$log" ||
	fail "no line for the deferral"
ok "every exit path logs"

# No log channel at all: the reason goes into the 4.x.x line.
if [ ! -S /dev/log ] && ! as_filter_user /usr/sbin/postlog -t smimegw-test -p info -- probe \
	</dev/null >/dev/null 2>&1; then
	make_gateway nolog a.example gw-a -gateway.log_file
	peer nolog b.example.pem gw-b
	sendmail_mode nolog fail75
	run_filter nolog -q BEHL0005 -f alice@a.example -- bob@b.example <"$in"
	expect nolog 75 4.3.0 1 "no log channel, sendmail fails"
	grep -q 'sendmail exited with status' "$S/out" ||
		fail "no log channel: the reason is not in the 4.x.x line: $(cat "$S/out")"
	ok "no log channel: the reason is in the status line"
fi
finish
