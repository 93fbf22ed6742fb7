#!/bin/bash
# NAME
#	t-log-channels - log lines never become bounce text
# SYNOPSIS
#	t-log-channels.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	A gateway WITHOUT log_file. Under pipe(8) stdout and stderr become the
#	DSN text a remote sender reads: whatever logging channels this machine
#	has (syslog, postlog) or lacks, a bounce prints exactly one status line
#	and nothing on stderr, and a delivered message prints nothing at all.
#	smimegw -n must refuse a setup in which log lines would be lost: with
#	no syslog socket, no log_file and no postlog that works for the
#	filter's user it exits 78 and says why; with one of them it accepts;
#	with log_file it accepts.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-log-channels
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway b b.example gw-b -gateway.log_file
openssl cms -encrypt -binary -aes-256-cbc -in "$DATA/outbound/text-8bit.entity" \
	-outform SMIME -from x@partner.example -to bob@b.example -subject t \
	-out "$S/ok.eml" "$PKI/gw-b.pem" 2>/dev/null || fail "openssl cms -encrypt failed"
# damage the ciphertext: cut off its last two base64 lines
mailtool lines "$S/ok.eml" "$(( $(wc -l <"$S/ok.eml") - 2 ))" "$S/bad.eml"
own "$S/ok.eml" "$S/bad.eml"

run_filter b -q BEHL0001 -f x@partner.example -- bob@b.example <"$S/bad.eml"
expect b 65 5.7.5 0 "undecryptable, no log_file: one status line, nothing on stderr"
run_filter b -q BEHL0002 -f x@partner.example -- bob@b.example <"$S/ok.eml"
expect b 0 - 1 "decrypted, no log_file: no output at all"

# -n: is any channel there?
postlog_ok=0
if [ -x /usr/sbin/postlog ] && as_filter_user /usr/sbin/postlog -t smimegw-test \
	-p info -- "t-log-channels probe" </dev/null >/dev/null 2>&1; then
	postlog_ok=1
fi
run_filter b -n
if [ -S /dev/log ] || [ $postlog_ok = 1 ]; then
	[ "$RC" = 0 ] || fail "-n with a working log channel: exit $RC ($(cat "$S/err"))"
else
	[ "$RC" = 78 ] || fail "-n with no log channel at all: exit $RC, expected 78"
	grep -q "log lines would be lost" "$S/err" ||
		fail "-n does not say why: $(cat "$S/err")"
fi
ok "-n and the log channels of this machine"

make_gateway c b.example gw-b
run_filter c -n
[ "$RC" = 0 ] || fail "-n with log_file: exit $RC ($(cat "$S/err"))"
ok "-n with log_file"
finish
