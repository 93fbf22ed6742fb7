#!/bin/bash
# NAME
#	t-sendmail-failure - when reinjection fails the message is deferred,
#	never reported as sent
# SYNOPSIS
#	t-sendmail-failure.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	The filter must exit 75 with a "4.x.x" line whenever any copy was not
#	accepted by sendmail:
#	- sendmail exits 75 (outbound encrypted, outbound plain, inbound
#	  relay, inbound decrypted);
#	- sendmail is killed by SIGKILL;
#	- split mode, two copies: the first accepted, the second refused;
#	- sendmail exits 0 without reading a 1.5 MB message (write error);
#	- the configured sendmail does not exist, or is not executable.
#	The capture shows that sendmail was really called where it should be.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-sendmail-failure
. "$(dirname "$0")/lib.sh"
setup "$@"

enc=$DATA/outbound/text-8bit.eml
plain=$DATA/passthrough/plain-inbound.eml
make_gateway a a.example gw-a
peer a b.example.pem gw-b
make_gateway b b.example gw-b

# A message for B, encrypted by A.
run_filter a -q BEHS0001 -f alice@a.example -- bob@b.example <"$enc"
expect a 0 - 1 "gateway A makes an encrypted message"
cp "$(cap a 1)/msg" "$S/wire.eml"

# deferred GW CALLS WHAT - exit 75, a 4.x.x line, CALLS sendmail calls
deferred() {
	expect "$1" 75 4.3.0 "$2" "$3"
}

for mode in fail75 kill; do
	sendmail_mode a $mode
	sendmail_mode b $mode
	reset a
	run_filter a -q BEHS0002 -f alice@a.example -- bob@b.example <"$enc"
	deferred a 1 "sendmail $mode, outbound encrypted"
	reset a
	run_filter a -q BEHS0003 -f alice@a.example -- someone@nocert.example <"$enc"
	deferred a 1 "sendmail $mode, outbound plain"
	reset b
	run_filter b -q BEHS0004 -f someone@partner.example -- bob@b.example <"$plain"
	deferred b 1 "sendmail $mode, inbound relay"
	reset b
	run_filter b -q BEHS0005 -f alice@a.example -- bob@b.example <"$S/wire.eml"
	deferred b 1 "sendmail $mode, inbound decrypted"
done

# The first copy is accepted, the second is not: still a deferral.
sendmail_mode a first-ok
reset a
run_filter a -q BEHS0006 -f alice@a.example -- bob@b.example someone@nocert.example <"$enc"
deferred a 2 "split: first copy accepted, second refused"
argv_is a 1 "split: first copy" -G -i -f alice@a.example -- bob@b.example
argv_is a 2 "split: second copy" -G -i -f alice@a.example -- someone@nocert.example

# sendmail that exits 0 without reading a message larger than a pipe
{
	sed -n '1,/^$/p' "$plain"
	head -c 1100000 /dev/zero | base64
} >"$S/big.eml"
sendmail_mode b noread
reset b
run_filter b -q BEHS0007 -f someone@partner.example -- bob@b.example <"$S/big.eml"
deferred b 1 "sendmail exits 0 without reading 1.5 MB"

# No sendmail at all, or one that cannot be executed.
for what in missing not-executable; do
	if [ $what = missing ]; then
		make_gateway "nosm-$what" a.example gw-a "gateway.sendmail=$S/does/not/exist"
	else
		make_gateway "nosm-$what" a.example gw-a
		chmod 644 "$S/nosm-$what/sendmail"
	fi
	peer "nosm-$what" b.example.pem gw-b
	run_filter "nosm-$what" -q BEHS0008 -f alice@a.example -- bob@b.example <"$enc"
	deferred "nosm-$what" 0 "sendmail $what"
done
finish
