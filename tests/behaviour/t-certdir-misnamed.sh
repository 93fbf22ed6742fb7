#!/bin/bash
# NAME
#	t-certdir-misnamed - certificate file names that differ in case are
#	used; names that differ in extension make mail wait, never plain;
#	smimegw -n names both
# SYNOPSIS
#	t-certdir-misnamed.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A, message from alice@a.example to bob@b.example:
#	- certs/B.Example.pem (gw-b): encrypted for gw-b (lookups ignore
#	  case); -n warns that it is better named b.example.pem, exit 0;
#	- with b.example.pem (gw-c) beside it: the lower-case file wins;
#	  -n says B.Example.pem is never used, exit 78;
#	- only certs/b.example.crt, b.example.PEM, b.example.pem.txt or
#	  b.example.der: exit 75 and no sendmail call; with someone without a
#	  certificate in mixed split mode, still no call; -n names the file
#	  and b.example.pem and exits 78.
#	- an address file with the wrong extension (bob@b.example.crt) next
#	  to b.example.pem: bob's mail waits (the file meant him), carol's
#	  is encrypted with b.example.pem.
#	Issue 7 item 6: each of these left in clear, and -n said OK.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-certdir-misnamed
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/text-8bit.eml
make_gateway a a.example gw-a
C=$S/a/certs

# check_n CODE WHAT PATTERN... - smimegw -n exits CODE; stderr has a line
#	"smimegw: warning: certs/..." matching each PATTERN (grep -E)
check_n() {
	local code=$1 what=$2 p
	shift 2
	run_filter a -n
	[ "$RC" = "$code" ] || fail "-n, $what: exit $RC, expected $code: $(cat "$S/err")"
	for p in "$@"; do
		grep -qE "^smimegw: warning: certs/$p" "$S/err" ||
			fail "-n, $what: no warning matching '$p': $(cat "$S/err")"
	done
	ok "-n, $what"
}

peer a B.Example.pem gw-b
run_filter a -q BEHM0001 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "B.Example.pem only"
smime_of a 1 "$S/c1.der" "B.Example.pem only"
opens_with "$S/c1.der" gw-b "B.Example.pem only"
same "$DATA/outbound/text-8bit.entity" "$OPENED" "B.Example.pem only: decrypted entity"
check_n 0 "B.Example.pem only" "B\.Example\.pem: used for b\.example.*b\.example\.pem"

peer a b.example.pem gw-c
reset a
run_filter a -q BEHM0002 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "B.Example.pem and b.example.pem"
smime_of a 1 "$S/c2.der" "B.Example.pem and b.example.pem"
opens_with "$S/c2.der" gw-c "the lower-case file wins"
check_n 78 "B.Example.pem and b.example.pem" "B\.Example\.pem: never used: b\.example\.pem"
rm -f "$C/B.Example.pem" "$C/b.example.pem"

for bad in b.example.crt b.example.PEM b.example.pem.txt b.example.der B.Example.cer; do
	peer a "$bad" gw-b
	reset a
	run_filter a -q BEHM0003 -f alice@a.example -- bob@b.example <"$in"
	expect a 75 4. 0 "only $bad"
	reset a
	run_filter a -q BEHM0004 -f alice@a.example -- someone@nocert.example bob@b.example <"$in"
	expect a 75 4. 0 "only $bad, with a plain recipient"
	grep -qF "$bad" "$S/a/smimegw.log" || fail "only $bad: the log does not name it"
	check_n 78 "only $bad" "${bad//./\\.}: wrong extension: .*b\.example\.pem"
	rm -f "${C:?}/$bad"
done

peer a b.example.pem gw-b
peer a bob@b.example.crt carol
reset a
run_filter a -q BEHM0005 -f alice@a.example -- bob@b.example <"$in"
expect a 75 4. 0 "bob@b.example.crt next to b.example.pem"
reset a
run_filter a -q BEHM0006 -f alice@a.example -- carol@b.example <"$in"
expect a 0 - 1 "carol, bob@b.example.crt next to b.example.pem"
smime_of a 1 "$S/c3.der" "carol"
opens_with "$S/c3.der" gw-b "carol: b.example.pem"
check_n 78 "bob@b.example.crt" "bob@b\.example\.crt: wrong extension: .*bob@b\.example\.pem"
rm -f "$C/bob@b.example.crt"
check_n 0 "clean again"
finish
