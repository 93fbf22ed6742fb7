#!/bin/bash
# NAME
#	t-outbound-mixed-recipients - recipients with and without a certificate
# SYNOPSIS
#	t-outbound-mixed-recipients.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A (a.example) has a certificate for b.example only.
#	mixed_recipients = split:
#	- bob@b.example + someone@nocert.example: two calls, the first
#	  encrypted for bob (opens with gw-b), the second the original bytes
#	  for someone;
#	- bob@b.example + eve@b.example share one encrypted copy;
#	- local recipients (a.example and its subdomains) get the plain copy.
#	mixed_recipients = reject:
#	- bob + someone@nocert.example: exit 69, "5.7.1 ...", no call at all;
#	- bob + colleague@a.example + x@sub.a.example: not mixed (local mail
#	  never leaves): encrypted copy for bob, plain copy for the locals;
#	- only recipients without a certificate: not mixed, relayed plain.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-outbound-mixed-recipients
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/multipart-attachment.eml
make_gateway split a.example gw-a outbound.mixed_recipients=split
peer split b.example.pem gw-b
make_gateway reject a.example gw-a outbound.mixed_recipients=reject
peer reject b.example.pem gw-b

# encrypted_for GW N KEY WHAT - call N is the encrypted original for KEY
encrypted_for() {
	smime_of "$1" "$2" "$S/c.der" "$4"
	ossl_decrypt "$S/c.der" "$3" "$S/c.plain" ||
		fail "$4: copy $2 does not open with $3: $(head -1 "$S/openssl.err")"
	same "$DATA/outbound/multipart-attachment.entity" "$S/c.plain" "$4: copy $2 decrypted"
	grep -q CANARY "$(cap "$1" "$2")/msg" && fail "$4: canary in the encrypted copy"
	ok "$4: copy $2 encrypted for $3"
}

# plain_copy GW N WHAT - call N is the original, byte for byte
plain_copy() {
	same "$in" "$(cap "$1" "$2")/msg" "$3: copy $2 is the original"
	ok "$3: copy $2 plain"
}

# split
run_filter split -q BEHM0001 -f alice@a.example -- bob@b.example someone@nocert.example <"$in"
expect split 0 - 2 "split: bob + nocert"
argv_is split 1 "split: bob + nocert" -G -i -f alice@a.example -- bob@b.example
argv_is split 2 "split: bob + nocert" -G -i -f alice@a.example -- someone@nocert.example
encrypted_for split 1 gw-b "split: bob + nocert"
plain_copy split 2 "split: bob + nocert"

reset split
run_filter split -q BEHM0002 -f alice@a.example -- someone@nocert.example bob@b.example \
	colleague@a.example eve@b.example x@sub.a.example <"$in"
expect split 0 - 2 "split: five recipients"
argv_is split 1 "split: five recipients" -G -i -f alice@a.example -- bob@b.example eve@b.example
argv_is split 2 "split: five recipients" -G -i -f alice@a.example -- \
	someone@nocert.example colleague@a.example x@sub.a.example
encrypted_for split 1 gw-b "split: five recipients"
plain_copy split 2 "split: five recipients"

# reject
for order in "bob@b.example someone@nocert.example" "someone@nocert.example bob@b.example" \
	"colleague@a.example bob@b.example other@nocert.example"; do
	reset reject
	# shellcheck disable=SC2086
	run_filter reject -q BEHM0003 -f alice@a.example -- $order <"$in"
	expect reject 69 5.7.1 0 "reject: $order"
done

reset reject
run_filter reject -q BEHM0004 -f alice@a.example -- bob@b.example colleague@a.example \
	x@sub.a.example <"$in"
expect reject 0 - 2 "reject: bob + locals is not mixed"
argv_is reject 1 "reject: bob + locals" -G -i -f alice@a.example -- bob@b.example
argv_is reject 2 "reject: bob + locals" -G -i -f alice@a.example -- colleague@a.example \
	x@sub.a.example
encrypted_for reject 1 gw-b "reject: bob + locals"
plain_copy reject 2 "reject: bob + locals"

reset reject
run_filter reject -q BEHM0005 -f alice@a.example -- someone@nocert.example colleague@a.example <"$in"
expect reject 0 - 1 "reject: nobody encrypted is not mixed"
argv_is reject 1 "reject: nobody encrypted" -G -i -f alice@a.example -- \
	someone@nocert.example colleague@a.example
plain_copy reject 1 "reject: nobody encrypted"
finish
