#!/bin/bash
# NAME
#	t-inbound-smime-type-comment - ciphertext for us is decrypted whatever
#	its Content-Type parameters say (issue 7 item 12)
# SYNOPSIS
#	t-inbound-smime-type-comment.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	One EnvelopedData (openssl cms -encrypt for b.example) and one
#	AuthEnvelopedData (AES-256-GCM) are sent to gateway B under
#	Content-Types that each once made it relay the ciphertext: an RFC 2045
#	comment after smime-type, upper case, no smime-type, a wrong
#	smime-type, application/octet-stream with no name or an odd name, a
#	comment before the value. Each must be delivered decrypted (exit 0,
#	one call, our trace, the entity's body), never relayed as ciphertext
#	(no line of the base64 in the delivered message).
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-inbound-smime-type-comment
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway b b.example gw-b

printf 'Content-Type: text/plain; charset=us-ascii\r\n\r\nsecret text for bob\r\n' >"$S/entity"
openssl cms -encrypt -binary -aes-256-cbc -in "$S/entity" -outform DER -out "$S/cbc.der" \
	"$PKI/gw-b.pem" 2>"$S/openssl.err" || fail "openssl cms -encrypt: $(head -1 "$S/openssl.err")"
openssl cms -encrypt -binary -aes-256-gcm -in "$S/entity" -outform DER -out "$S/gcm.der" \
	"$PKI/gw-b.pem" 2>"$S/openssl.err" || fail "openssl cms -encrypt gcm: $(head -1 "$S/openssl.err")"

# message DER CT OUT - a message to bob@b.example with Content-Type CT
message() {
	{
		printf 'From: alice@partner.example\nTo: bob@b.example\nSubject: ct\n'
		printf 'MIME-Version: 1.0\nContent-Type: %s\nContent-Transfer-Encoding: base64\n\n' "$2"
		base64 -w 64 "$1"
	} >"$3"
}

# decrypted DER LABEL CT WHAT - the message under CT is decrypted
decrypted() {
	local der=$1 label=$2 ct=$3 what=$4 m trace
	message "$der" "$ct" "$S/in.eml"
	reset b
	run_filter b -q BEHT0001 -f alice@partner.example -- bob@b.example <"$S/in.eml"
	expect b 0 - 1 "$what"
	m=$(cap b 1)/msg
	trace=$(mailtool trace "$m" "$S/untraced.eml")
	case "$trace;" in
	"decrypted; cipher=$label;"*) ;;
	*) fail "$what: relayed, not decrypted (trace '$trace')" ;;
	esac
	if grep -qF "$(base64 -w 64 "$der" | sed -n 2p)" "$m"; then
		fail "$what: ciphertext delivered"
	fi
	[ "$(sed '1,/^$/d' "$m")" = "secret text for bob" ] ||
		fail "$what: body '$(sed '1,/^$/d' "$m" | head -c 200)'"
	[ "$(grep -c '^Content-Type:' "$m")" = 1 ] && grep -q '^Content-Type: text/plain' "$m" ||
		fail "$what: Content-Type of the delivered message"
	ok "$what"
}

cases() {
	local der=$1 label=$2
	decrypted "$der" "$label" 'application/pkcs7-mime; smime-type=enveloped-data (comment); name=smime.p7m' \
		"$label: comment after smime-type"
	decrypted "$der" "$label" 'application/pkcs7-mime; smime-type="enveloped-data" (a comment)' \
		"$label: quoted value and comment"
	decrypted "$der" "$label" 'application/pkcs7-mime; smime-type=(comment) enveloped-data' \
		"$label: comment before the value"
	decrypted "$der" "$label" 'APPLICATION/PKCS7-MIME; SMIME-TYPE=ENVELOPED-DATA; NAME=SMIME.P7M' \
		"$label: upper case"
	decrypted "$der" "$label" 'application/x-pkcs7-mime' "$label: no smime-type"
	decrypted "$der" "$label" 'application/pkcs7-mime; smime-type=signed-data; name=smime.p7s' \
		"$label: wrong smime-type"
	decrypted "$der" "$label" 'application/octet-stream' "$label: octet-stream, no name"
	decrypted "$der" "$label" 'application/octet-stream; name="Invoice 2026.pdf"' \
		"$label: octet-stream, odd name"
}

cbc() { cases "$S/cbc.der" aes-256-cbc; }
gcm() { cases "$S/gcm.der" aes-256-gcm; }

section cbc "EnvelopedData"
section gcm "AuthEnvelopedData"
finish
