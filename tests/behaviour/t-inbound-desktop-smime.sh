#!/bin/bash
# NAME
#	t-inbound-desktop-smime - S/MIME encrypted for a person, not for the
#	gateway, is relayed or refused as desktop_smime says
# SYNOPSIS
#	t-inbound-desktop-smime.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	openssl encrypts a message for carol's own certificate (a desktop
#	S/MIME user) and it arrives at gateway B from outside:
#	- desktop_smime = pass: exit 0, relayed byte for byte, one call;
#	- desktop_smime = reject: exit 69, "5.7.1 ...", no call;
#	both with decrypt_failure = bounce and = defer (the envelope is
#	readable and not for us, so decrypt_failure does not apply).
#	The same message encrypted for carol AND b.example's gateway is
#	decrypted by B whatever desktop_smime says, and carries the trace.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-inbound-desktop-smime
. "$(dirname "$0")/lib.sh"
setup "$@"

ent=$DATA/outbound/text-8bit.entity
# osmime OUT CERT... - openssl S/MIME message from outside, for CERTs
osmime() {
	local out=$1
	shift
	openssl cms -encrypt -binary -aes-256-cbc -in "$ent" -outform SMIME \
		-from someone@partner.example -to carol@b.example \
		-subject "for carol's own key" -out "$out" "$@" 2>"$S/openssl.err" ||
		fail "openssl cms -encrypt fails: $(head -1 "$S/openssl.err")"
}
osmime "$S/carol.eml" "$PKI/carol.pem"
osmime "$S/carol+b.eml" "$PKI/carol.pem" "$PKI/gw-b.pem"
grep -q '^Content-Type: application/.*pkcs7-mime; *smime-type=enveloped-data' "$S/carol.eml" ||
	fail "openssl did not write an enveloped-data S/MIME message"

for failure in bounce defer; do
	make_gateway "pass-$failure" b.example gw-b inbound.desktop_smime=pass \
		inbound.decrypt_failure=$failure
	make_gateway "reject-$failure" b.example gw-b inbound.desktop_smime=reject \
		inbound.decrypt_failure=$failure

	gw=pass-$failure
	run_filter "$gw" -q BEHD0001 -f someone@partner.example -- carol@b.example <"$S/carol.eml"
	expect "$gw" 0 - 1 "desktop_smime = pass, decrypt_failure = $failure"
	argv_is "$gw" 1 "desktop pass" -G -i -f someone@partner.example -- carol@b.example
	same "$S/carol.eml" "$(cap "$gw" 1)/msg" "desktop_smime = pass: relayed message"

	gw=reject-$failure
	run_filter "$gw" -q BEHD0002 -f someone@partner.example -- carol@b.example <"$S/carol.eml"
	expect "$gw" 69 5.7.1 0 "desktop_smime = reject, decrypt_failure = $failure"

	for gw in "pass-$failure" "reject-$failure"; do
		reset "$gw"
		run_filter "$gw" -q BEHD0003 -f someone@partner.example -- carol@b.example \
			<"$S/carol+b.eml"
		expect "$gw" 0 - 1 "$gw: for carol and the gateway"
		trace=$(mailtool trace "$(cap "$gw" 1)/msg" "$S/untraced.eml")
		case $trace in
		"decrypted; cipher=aes-256-cbc"*) ;;
		*) fail "$gw: for carol and the gateway: trace '$trace'" ;;
		esac
		mailtool body "$S/untraced.eml" "$S/body"
		tr -d '\r' <"$ent" | sed '1,/^$/d' >"$S/want.body"
		same "$S/want.body" "$S/body" "$gw: for carol and the gateway: body"
		ok "$gw: for carol and the gateway: decrypted"
	done
done
finish
