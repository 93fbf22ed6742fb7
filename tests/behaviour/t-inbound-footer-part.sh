#!/bin/bash
# NAME
#	t-inbound-footer-part - an envelope for us that a relay put into a
#	multipart/mixed with a footer part is decrypted too
# SYNOPSIS
#	t-inbound-footer-part.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Issue 8 (layers). Mailing lists and scanners wrap a message into
#	multipart/mixed: the S/MIME part first, then a text footer. The
#	envelope inside is for gateway B: B decrypts it (the footer, added
#	in transit and outside the ciphertext, is dropped and logged) and
#	never relays the ciphertext. The same wrapping around an envelope
#	for someone else (gateway C) is relayed as it came, never opened.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-inbound-footer-part
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/multipart-attachment.eml
make_gateway a a.example gw-a
peer a b.example.pem gw-b
peer a c.example.pem gw-c
make_gateway b b.example gw-b

# footed ENCRYPTED OUT - ENCRYPTED's S/MIME part inside a multipart/mixed
#	with a footer text part
footed() {
	{
		mailtool outer "$1"
		printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="LIST-FOOTER"\n\n'
		printf -- '--LIST-FOOTER\n'
		sed -n '/^Content-/,$p' "$1" | sed '/^$/q'
		sed '1,/^$/d' "$1"
		printf -- '\n--LIST-FOOTER\nContent-Type: text/plain\n\n_______\nlist footer\n'
		printf -- '--LIST-FOOTER--\n'
	} >"$2"
}

run_filter a -q BEHP0001 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "A encrypts for B"
footed "$(cap a 1)/msg" "$S/footed-b.eml"
grep -q 'list footer' "$S/footed-b.eml" || fail "the test message has no footer"

run_filter b -q BEHP0002 -f alice@a.example -- bob@b.example <"$S/footed-b.eml"
expect b 0 - 1 "envelope for us with a footer part"
out=$(cap b 1)/msg
grep -qi '^X-SMIME-Gateway: decrypted' "$out" || fail "not decrypted"
grep -q 'CANARY-PLAINTEXT-7f3a9e' "$out" || fail "the plaintext is not there"
grep -qi 'application/pkcs7-mime' "$out" && fail "ciphertext relayed"
grep -q 'list footer' "$out" && fail "the footer is still there"
grep -q 'removed=footer-parts-around-the-envelope' "$S/b/smimegw.log" || fail "not logged"
ok "decrypted; footer dropped and logged"

reset a
run_filter a -q BEHP0003 -f alice@a.example -- carol@c.example <"$in"
expect a 0 - 1 "A encrypts for C"
footed "$(cap a 1)/msg" "$S/footed-c.eml"
reset b
run_filter b -q BEHP0004 -f alice@a.example -- bob@b.example <"$S/footed-c.eml"
expect b 0 - 1 "envelope for someone else with a footer part"
mailtool results "$(cap b 1)/msg" "$S/unar.eml" >/dev/null
same "$S/footed-c.eml" "$S/unar.eml" "not for us: relayed as it came"
finish
