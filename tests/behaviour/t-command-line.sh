#!/bin/bash
# NAME
#	t-command-line - arguments from master.cf: mistakes defer, bad
#	addresses bounce, odd addresses cannot become sendmail options
# SYNOPSIS
#	t-command-line.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Postfix's pipe(8) bounces on every exit code but 75 (and 71), so a
#	master.cf mistake must defer, not bounce every message:
#	- no -f: exit 75, "4.x.x", no call;
#	- -f but no recipients: exit 75, "4.x.x", no call;
#	- an unknown option: exit 75, "4.x.x", no call.
#	Addresses that cannot be right bounce: a CR or LF inside a recipient
#	gives 65 and "5.1.3", inside the sender 65 and "5.1.7"; also a
#	recipient of 1,001 bytes.  No call.
#	Addresses that look like options stay addresses: recipient "-bs" and
#	sender "-t" appear after "--" and as the argument of -f.
#	--help and --version exit 0.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-command-line
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/passthrough/plain-inbound.eml
make_gateway b b.example gw-b

run_filter b -q BEHL0001 -- bob@b.example <"$in"
expect b 75 4. 0 "no -f"
run_filter b -q BEHL0002 -f someone@partner.example <"$in"
expect b 75 4. 0 "no recipients"
run_filter b -q BEHL0003 -f someone@partner.example -- <"$in"
expect b 75 4. 0 "no recipients after --"

for r in $'bob@b.example\r\nBcc: x@evil.example' $'bob@b.example\nx' $'bob\r@b.example'; do
	run_filter b -q BEHL0004 -f someone@partner.example -- eve@b.example "$r" <"$in"
	expect b 65 5.1.3 0 "recipient with CR/LF $(printf '%q' "$r")"
done
run_filter b -q BEHL0005 -f $'someone@partner.example\nX: y' -- bob@b.example <"$in"
expect b 65 5.1.7 0 "sender with LF"
long=$(head -c 991 /dev/zero | tr '\0' 'l')@b.example
run_filter b -q BEHL0006 -f someone@partner.example -- "$long" <"$in"
expect b 65 5.1.3 0 "recipient of ${#long} bytes"

run_filter b -q BEHL0007 -f someone@partner.example -- -bs bob@b.example <"$in"
expect b 0 - 1 "recipient -bs"
argv_is b 1 "recipient -bs" -G -i -f someone@partner.example -- -bs bob@b.example
same "$in" "$(cap b 1)/msg" "recipient -bs: relayed"
reset b
run_filter b -q BEHL0008 -f -t -- bob@b.example <"$in"
expect b 0 - 1 "sender -t"
argv_is b 1 "sender -t" -G -i -f -t -- bob@b.example

run_filter b --help
[ "$RC" = 0 ] && grep -q 'usage: smimegw' "$S/out" || fail "--help: exit $RC, stdout $(head -1 "$S/out")"
ok "--help"
run_filter b --version
[ "$RC" = 0 ] && grep -qE '^smimegw [0-9]' "$S/out" || fail "--version: exit $RC, stdout $(head -1 "$S/out")"
ok "--version"

# Last, as it fails today: a typo in master.cf's argv must not bounce mail.
reset b
run_filter b -q BEHL0009 -x -f someone@partner.example -- bob@b.example <"$in"
expect b 75 4. 0 "unknown option -x"
finish
