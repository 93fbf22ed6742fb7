#!/bin/bash
# NAME
#	t-timeout - a stuck sendmail defers the message within [gateway]
#	timeout, and does not inject a partial copy afterwards
# SYNOPSIS
#	t-timeout.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	With timeout = 10 (the minimum) and a sendmail that reads a 400 KB
#	message at 16 KB/s, the filter must give up by itself, before
#	Postfix's own time limit (which would bounce): exit 75 with a "4.x.x"
#	line after about 10 seconds (at least 9, at most 20).
#	That sendmail must then not go on to accept what it has read: once the
#	filter is gone its input ends, and a real sendmail -i would queue the
#	truncated message while Postfix retries the whole one.  So within 8 s
#	the stand-in must have been ended without reaching end of input (it
#	writes "done" when it does).  The test ends it by its pid in any case.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-timeout
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway b b.example gw-b gateway.timeout=10
sendmail_mode b slow
stuck=""
end_stuck() {
	local rc=$?
	[ -n "$stuck" ] && kill "$stuck" 2>/dev/null
	(exit $rc)
	cleanup_scratch
}
trap end_stuck EXIT

{
	sed -n '1,/^$/p' "$DATA/passthrough/plain-inbound.eml"
	head -c 300000 /dev/zero | base64
} >"$S/big.eml"
start=$SECONDS
run_filter b -q BEHZ0001 -f someone@partner.example -- bob@b.example <"$S/big.eml"
took=$((SECONDS - start))
c=$(cap b 1)
[ -f "$c/pid" ] && stuck=$(cat "$c/pid")
expect b 75 4. 1 "slow sendmail"
[ $took -ge 9 ] && [ $took -le 20 ] || fail "slow sendmail: the filter gave up after $took s, expected about 10"
ok "gave up after $took s"
grep -q 'BEHZ0001: result=deferred reason="time limit exceeded' "$S/b/smimegw.log" ||
	fail "the time limit left no log line"
ok "the time limit is logged"

# Last, as it fails today.
for _ in $(seq 16); do
	[ -f "$c/done" ] && break
	ps -o stat= -p "$stuck" 2>/dev/null | grep -v '^Z' >/dev/null || break
	sleep 0.5
done
if [ -f "$c/done" ]; then
	fail "after the filter deferred, sendmail reached end of input and accepted" \
		"$(stat -c %s "$c/msg") of $(stat -c %s "$S/big.eml") bytes (a truncated duplicate)"
fi
ok "sendmail ended without accepting a partial message"
finish
