#!/bin/bash
# NAME
#	t-inbound-passthrough - mail that is not encrypted for us is relayed
#	unaltered, except for a forged trace field
# SYNOPSIS
#	t-inbound-passthrough.sh SMIMEGW PKI_DIR NSS_CORPUS_DIR
# DESCRIPTION
#	Data-driven: every tests/data/behaviour/passthrough/NAME.eml goes from
#	someone@partner.example to gateway B for bob@b.example and
#	eve@b.example.  Expected: exit 0, silent, exactly one sendmail call
#	"-G -i -f someone@partner.example -- bob@b.example eve@b.example",
#	and the message equal byte for byte to NAME.expect when it exists
#	(forged X-SMIME-Gateway fields removed, nothing else), else to
#	NAME.eml.  The inputs include plain mail, 8-bit header bytes, broken
#	and unterminated MIME, S/MIME that is signed but not encrypted,
#	application/pkcs7-mime whose body is not CMS, CRLF lines, a header
#	without a body.  The same holds for the NSS corpus messages whose
#	top level is not encrypted (signed, or signed around an envelope).
#	Also: the null sender, configured as inbound, relays the same way with
#	-f "" (an empty argument).
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-inbound-passthrough
. "$(dirname "$0")/lib.sh"
setup "$@"
CORPUS=${3:-$BEH_DIR/../data/nss}

make_gateway b b.example gw-b
peer b a.example.pem gw-a
n=0
for in in "$DATA"/passthrough/*.eml; do
	name=$(basename "$in" .eml)
	want=$in
	[ -f "${in%.eml}.expect" ] && want=${in%.eml}.expect
	reset b
	run_filter b -q BEHT0001 -f someone@partner.example -- bob@b.example eve@b.example <"$in"
	expect b 0 - 1 "$name"
	argv_is b 1 "$name" -G -i -f someone@partner.example -- bob@b.example eve@b.example
	same "$want" "$(cap b 1)/msg" "$name: relayed message"
	ok "$name: relayed as expected"
	n=$((n + 1))
done
[ $n -ge 10 ] || fail "only $n pass-through inputs found in $DATA/passthrough"

# NSS corpus: signed at the top level (with or without an envelope inside)
make_gateway bobgw example.net bob
n=0
for in in "$CORPUS"/alice.*sig*.eml; do
	case $(basename "$in") in
	*.env.eml) continue ;;		# encrypted at the top level
	esac
	reset bobgw
	run_filter bobgw -q BEHT0002 -f Alice@example.com -- Bob@example.com <"$in"
	expect bobgw 0 - 1 "NSS $(basename "$in")"
	same "$in" "$(cap bobgw 1)/msg" "NSS $(basename "$in"): relayed unaltered"
	n=$((n + 1))
done
[ $n -ge 12 ] || fail "only $n signed NSS messages found in $CORPUS"

# The null sender as inbound mail.
make_gateway bnull b.example gw-b gateway.null_sender=inbound
in=$DATA/passthrough/plain-inbound.eml
run_filter bnull -q BEHT0003 -f "" -- bob@b.example <"$in"
expect bnull 0 - 1 "null sender, null_sender = inbound"
argv_is bnull 1 "null sender" -G -i -f "" -- bob@b.example
same "$in" "$(cap bnull 1)/msg" "null sender: relayed message"
finish
