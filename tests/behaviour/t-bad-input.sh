#!/bin/bash
# NAME
#	t-bad-input - hostile or broken messages get a clean, deliberate
#	answer: bounce, defer or relay, never a crash
# SYNOPSIS
#	t-bad-input.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Data-driven: each tests/data/behaviour/cases/NAME.case names the
#	gateway (a: a.example, with certs/b.example.pem; b: b.example), the
#	sender, the recipients and the expected exit code, status line and
#	number of sendmail calls for NAME.eml; "identical = yes" asks for the
#	message relayed byte for byte, "encrypted = yes" for a copy that
#	openssl decrypts (with b.example's key) to the message's entity.
#	Then, generated here:
#	- one header field of 1 MB (inbound: relayed byte for byte; outbound:
#	  encrypted, and the entity recovered by openssl); 50,000 header fields;
#	- max_message_size = 1024: 1024 bytes pass, 1025 bytes give 65 and
#	  "5.3.4", no call;
#	- our private key file missing, or mode 0644, while an encrypted
#	  message for us arrives: 75, 4.x.x, no call (outbound mail, which
#	  does not need the key, still goes).
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-bad-input
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway a a.example gw-a
peer a b.example.pem gw-b
make_gateway b b.example gw-b
peer b a.example.pem gw-a

# encrypted_entity GW N IN WHAT - call N opens with gw-b to IN's entity
encrypted_entity() {
	smime_of "$1" "$2" "$S/e.der" "$4"
	ossl_decrypt "$S/e.der" gw-b "$S/e.plain" ||
		fail "$4: openssl cannot decrypt: $(head -1 "$S/openssl.err")"
	mailtool entity "$3" "$S/e.want"
	same "$S/e.want" "$S/e.plain" "$4: decrypted entity"
	ok "$4: encrypted"
}

# case_value FILE KEY - the value of "KEY = value" in a .case file
case_value() {
	sed -n "s/^$2 *= *//p" "$1" | head -1
}

n=0
for c in "$DATA"/cases/*.case; do
	name=$(basename "$c" .case)
	in=${c%.case}.eml
	gw=$(case_value "$c" gateway)
	sender=$(case_value "$c" sender)
	read -r -a rcpts <<<"$(case_value "$c" rcpts)"
	code=$(case_value "$c" exit)
	dsn=$(case_value "$c" dsn)
	ncalls=$(case_value "$c" calls)
	[ -n "$gw" ] && [ -n "$code" ] && [ -n "$dsn" ] && [ -n "$ncalls" ] && [ -f "$in" ] ||
		fail "case $name: incomplete .case file or no .eml"
	reset "$gw"
	run_filter "$gw" -q BEHB0001 -f "$sender" -- "${rcpts[@]}" <"$in"
	expect "$gw" "$code" "$dsn" "$ncalls" "case $name"
	if [ "$(case_value "$c" identical)" = yes ]; then
		same "$in" "$(cap "$gw" 1)/msg" "case $name: relayed message"
	fi
	if [ "$(case_value "$c" encrypted)" = yes ]; then
		encrypted_entity "$gw" 1 "$in" "case $name"
		grep -q CANARY "$(cap "$gw" 1)/msg" && fail "case $name: canary in the output"
	fi
	n=$((n + 1))
done
[ $n -ge 8 ] || fail "only $n cases in $DATA/cases"

# One header field of 1 MB, then 50,000 header fields.
{
	printf 'From: someone@partner.example\nTo: bob@b.example\nSubject: '
	head -c 1048576 /dev/zero | tr '\0' 'x'
	printf '\nContent-Type: text/plain\n\nbody CANARY-PLAINTEXT-7f3a9e\n'
} >"$S/huge-header.eml"
reset b
run_filter b -q BEHB0002 -f someone@partner.example -- bob@b.example <"$S/huge-header.eml"
expect b 0 - 1 "1 MB header field, inbound"
same "$S/huge-header.eml" "$(cap b 1)/msg" "1 MB header field, inbound: relayed"
sed 's/^From: someone@partner.example$/From: alice@a.example/' "$S/huge-header.eml" >"$S/huge-out.eml"
reset a
run_filter a -q BEHB0003 -f alice@a.example -- bob@b.example <"$S/huge-out.eml"
expect a 0 - 1 "1 MB header field, outbound"
encrypted_entity a 1 "$S/huge-out.eml" "1 MB header field, outbound"
mailtool outer "$S/huge-out.eml" >"$S/want.outer"
mailtool outer "$(cap a 1)/msg" >"$S/got.outer"
same "$S/want.outer" "$S/got.outer" "1 MB header field, outbound: outer fields"

{
	printf 'From: someone@partner.example\nTo: bob@b.example\n'
	seq 1 50000 | sed 's/.*/X-Field-&: value &/'
	printf '\nbody\n'
} >"$S/many-fields.eml"
reset b
run_filter b -q BEHB0004 -f someone@partner.example -- bob@b.example <"$S/many-fields.eml"
expect b 0 - 1 "50,000 header fields"
same "$S/many-fields.eml" "$(cap b 1)/msg" "50,000 header fields: relayed"

# max_message_size
make_gateway small b.example gw-b gateway.max_message_size=1024
{
	printf 'From: someone@partner.example\nTo: bob@b.example\n\n'
	head -c 2000 /dev/zero | tr '\0' 'y'
} >"$S/long.eml"
head -c 1024 "$S/long.eml" >"$S/1024.eml"
head -c 1025 "$S/long.eml" >"$S/1025.eml"
run_filter small -q BEHB0005 -f someone@partner.example -- bob@b.example <"$S/1024.eml"
expect small 0 - 1 "exactly max_message_size bytes"
same "$S/1024.eml" "$(cap small 1)/msg" "exactly max_message_size bytes: relayed"
for f in 1025 long; do
	reset small
	run_filter small -q BEHB0006 -f someone@partner.example -- bob@b.example <"$S/$f.eml"
	expect small 65 5.3.4 0 "$(stat -c %s "$S/$f.eml") bytes, max_message_size = 1024"
done

# Our key is unusable while an encrypted message for us arrives.
run_filter a -q BEHB0007 -f alice@a.example -- bob@b.example <"$DATA/outbound/text-8bit.eml"
cp "$(cap a 1)/msg" "$S/for-b.eml"
for trouble in missing 0644; do
	gw=key-$trouble
	make_gateway "$gw" b.example gw-b
	peer "$gw" a.example.pem gw-a
	if [ $trouble = missing ]; then
		rm "$S/$gw/gw.key"
	else
		chmod 644 "$S/$gw/gw.key"
	fi
	run_filter "$gw" -q BEHB0008 -f alice@a.example -- bob@b.example <"$S/for-b.eml"
	expect "$gw" 75 4. 0 "key file $trouble, encrypted message for us"
	reset "$gw"
	run_filter "$gw" -q BEHB0009 -f bob@b.example -- alice@a.example \
		<"$DATA/outbound/text-8bit.eml"
	expect "$gw" 0 - 1 "key file $trouble, outbound mail still goes"
	smime_of "$gw" 1 "$S/k.der" "key file $trouble, outbound"
	ossl_decrypt "$S/k.der" gw-a "$S/k.plain" || fail "key file $trouble: outbound copy does not open"
done
finish
