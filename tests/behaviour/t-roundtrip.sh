#!/bin/bash
# NAME
#	t-roundtrip - gateway B delivers exactly what gateway A encrypted
# SYNOPSIS
#	t-roundtrip.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A (a.example) encrypts each outbound/NAME.eml for b.example;
#	its output, piped into gateway B (b.example; alice@a.example is
#	inbound there), must come out as NAME.inbound (the original without
#	Bcc, MIME headers in place) plus exactly one trace field
#	"X-SMIME-Gateway: decrypted; cipher=LABEL..." in the header block,
#	and every MIME-decoded part (attachments included) must equal the
#	original's.  Variants:
#	- each cipher with rsa-pkcs1 and issuer-serial; aes256-gcm with
#	  rsa-oaep and subjectKeyIdentifier recipients;
#	- a trace field forged by the sender is not delivered by B;
#	- rollover: A's b.example.pem holds the old and the new certificate;
#	  B with either key alone decrypts.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-roundtrip
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway b b.example gw-b
peer b a.example.pem gw-a
make_gateway b-next b.example gw-b-next

# roundtrip A_GW B_GW IN EXPECTED LABEL WHAT - A encrypts IN, B decrypts
roundtrip() {
	local a=$1 b=$2 in=$3 expected=$4 label=$5 what=$6 trace
	reset "$a"
	run_filter "$a" -q BEHA0001 -f alice@a.example -- bob@b.example <"$in"
	expect "$a" 0 - 1 "$what: gateway A"
	cp "$(cap "$a" 1)/msg" "$S/wire.eml"
	reset "$b"
	run_filter "$b" -q BEHB0001 -f alice@a.example -- bob@b.example <"$S/wire.eml"
	expect "$b" 0 - 1 "$what: gateway B"
	argv_is "$b" 1 "$what: gateway B" -G -i -f alice@a.example -- bob@b.example
	# our Authentication-Results (issue 8) are checked by the signature tests
	mailtool results "$(cap "$b" 1)/msg" "$S/unar.eml" >/dev/null
	trace=$(mailtool trace "$S/unar.eml" "$S/untraced.eml")
	[ -n "$trace" ] || fail "$what: no X-SMIME-Gateway field in B's output header"
	[ "$(printf '%s\n' "$trace" | wc -l)" = 1 ] ||
		fail "$what: more than one X-SMIME-Gateway field: $(printf '%s' "$trace" | tr '\n' '|')"
	case "$trace;" in
	"decrypted; cipher=$label;"*) ;;
	*) fail "$what: trace '$trace', expected 'decrypted; cipher=$label...'" ;;
	esac
	TRACE=$trace
	same "$expected" "$S/untraced.eml" "$what: B's output"
	mailtool leaves "$in" "$(cap "$b" 1)/msg" >/dev/null 2>"$S/leaves.err" ||
		fail "$what: decoded parts differ: $(cat "$S/leaves.err")"
	ok "$what"
}

for cipher in aes128-cbc aes256-cbc aes128-gcm aes256-gcm; do
	make_gateway "a-$cipher" a.example gw-a outbound.cipher=$cipher
	peer "a-$cipher" b.example.pem gw-b
	label=aes-${cipher#aes}		# aes128-cbc is logged as aes-128-cbc
	for in in "$DATA"/outbound/*.eml; do
		name=$(basename "$in" .eml)
		roundtrip "a-$cipher" b "$in" "$DATA/outbound/$name.inbound" "$label" \
			"$name via $cipher"
	done
done

# OAEP and SKI recipients
make_gateway a-oaep a.example gw-a outbound.cipher=aes256-gcm \
	outbound.key_transport=rsa-oaep outbound.recipient_id=ski
peer a-oaep b.example.pem gw-b
for in in "$DATA"/outbound/*.eml; do
	name=$(basename "$in" .eml)
	roundtrip a-oaep b "$in" "$DATA/outbound/$name.inbound" aes-256-gcm "$name via oaep+ski"
	case "$TRACE;" in
	*"keytrans=rsa-oaep"*) ;;
	*"keytrans="*) fail "$name via oaep+ski: trace '$TRACE' names another key transport" ;;
	esac
done

# A forged trace field from the sender's side does not survive B.
in=$DATA/outbound/text-8bit.eml
{
	sed -n '1,/^$/p' "$in" | sed '/^Subject:/i X-SMIME-Gateway: decrypted; cipher=forged-by-sender'
	sed '1,/^$/d' "$in"
} >"$S/forged.eml"
grep -c '^X-SMIME-Gateway: decrypted; cipher=forged-by-sender$' "$S/forged.eml" | grep -x 1 >/dev/null ||
	fail "could not build the forged input"
roundtrip a-aes128-cbc b "$S/forged.eml" "$DATA/outbound/text-8bit.inbound" aes-128-cbc \
	"forged trace from the sender"

# Rollover: two certificates in b.example.pem, either key opens.
make_gateway a-roll a.example gw-a
peer a-roll b.example.pem gw-b gw-b-next
for b in b b-next; do
	roundtrip a-roll "$b" "$in" "$DATA/outbound/text-8bit.inbound" aes-256-cbc \
		"rollover, B holds only the $b key"
done
finish
