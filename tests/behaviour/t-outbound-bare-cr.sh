#!/bin/bash
# NAME
#	t-outbound-bare-cr - a header block that readers split in different
#	ways never leaves its body or Bcc in clear (issue 7 item 1)
# SYNOPSIS
#	t-outbound-bare-cr.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A (a.example) has b.example's certificate; every message goes
#	from alice@a.example to bob@b.example and carries CANARY strings in
#	its body and a hidden Bcc.
#	Refused with 65 and "5.6.0", no sendmail call:
#	- CR-only line ends (the whole message would be one header field);
#	- a CR without LF inside one header field (LF line ends elsewhere);
#	- a line of only white space followed by more header lines
#	  (obs-FWS: the lines after it would stay in the outer Subject).
#	Encrypted (exit 0, one call, openssl decrypts with b.example's key to
#	a text with the canary, no canary and no Bcc in the capture outside):
#	- a line of only white space that ends the header block, followed by
#	  the body; the outer header has no line of only white space;
#	- bare CRs in the body only.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-outbound-bare-cr
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway a a.example gw-a
peer a b.example.pem gw-b

# no_leak N WHAT - call N holds neither canary nor Bcc address anywhere
no_leak() {
	local m
	m=$(cap a "$1")/msg
	if grep -aq -e CANARY -e hidden-bcc "$m"; then
		fail "$2: canary or Bcc in clear: $(grep -a -m1 -e CANARY -e hidden-bcc "$m" | head -c 200)"
	fi
	ok "$2: nothing in clear"
}

# refused NAME WHAT - the message $S/NAME.eml is bounced, nothing sent
refused() {
	reset a
	run_filter a -q BEHR0001 -f alice@a.example -- bob@b.example <"$S/$1.eml"
	expect a 65 5.6.0 0 "$2"
	grep -q 'message header' "$S/out" || fail "$2: status line '$(cat "$S/out")'"
}

# encrypted NAME WHAT - $S/NAME.eml is encrypted; nothing in clear; the
#	plaintext holds the canary
encrypted() {
	reset a
	run_filter a -q BEHR0002 -f alice@a.example -- bob@b.example <"$S/$1.eml"
	expect a 0 - 1 "$2"
	no_leak 1 "$2"
	smime_of a 1 "$S/$1.der" "$2"
	ossl_decrypt "$S/$1.der" gw-b "$S/$1.plain" ||
		fail "$2: openssl cannot decrypt: $(head -1 "$S/openssl.err")"
	grep -aq CANARY "$S/$1.plain" || fail "$2: the canary is not in the plaintext"
	if sed -n '1,/^\r\{0,1\}$/p' "$(cap a 1)/msg" | grep '^[[:blank:]]\+$' >/dev/null; then
		fail "$2: a line of only white space in the outer header"
	fi
	ok "$2: encrypted"
}

printf 'From: alice@a.example\rTo: bob@b.example\rBcc: hidden-bcc@a.example\rSubject: cr\r\rCANARY-BODY-1 secret\rline two\r' \
	>"$S/cr-only.eml"
printf 'From: alice@a.example\nTo: bob@b.example\nSubject: one\rBcc: hidden-bcc@a.example\n\nCANARY-BODY-2\n' \
	>"$S/cr-in-field.eml"
printf 'From: alice@a.example\r\nTo: bob@b.example\r\nSubject: crlf\r\r\nBcc: hidden-bcc@a.example\r\n\r\nCANARY-BODY-3\r\n' \
	>"$S/cr-cr-lf.eml"
printf 'From: alice@a.example\nTo: bob@b.example\nBcc: hidden-bcc@a.example\nSubject: ws\n \nPassword: CANARY-HEADER-4\n\tindented CANARY-4\n\nbody\n' \
	>"$S/ws-line.eml"
printf 'From: alice@a.example\nTo: bob@b.example\nSubject: tab\n\t\n  CANARY-BODY-5 indented first line\nsecond line\n' \
	>"$S/ws-tab.eml"
printf 'From: alice@a.example\nTo: bob@b.example\nBcc: hidden-bcc@a.example\nSubject: ws at the end\n \nDear Bob, CANARY-BODY-6\n' \
	>"$S/ws-end.eml"
printf 'From: alice@a.example\nTo: bob@b.example\nBcc: hidden-bcc@a.example\nSubject: ws blank\n\t \n\nCANARY-BODY-7: looks like a field\n' \
	>"$S/ws-blank.eml"
printf 'From: alice@a.example\nTo: bob@b.example\nBcc: hidden-bcc@a.example\nSubject: body cr\n\nCANARY-BODY-8\rBcc: in body\r\rmore\n' \
	>"$S/body-cr.eml"
own "$S"/*.eml

section_refused() {
	refused cr-only "CR line ends"
	refused cr-in-field "a CR inside a header field"
	refused cr-cr-lf "CR CR LF in the header"
	refused ws-line "white-space line followed by header lines"
	refused ws-tab "tab line followed by a continuation"
}

section_encrypted() {
	encrypted ws-end "white-space line, then the body"
	encrypted ws-blank "white-space line, then the empty line"
	encrypted body-cr "bare CRs in the body only"
}

section section_refused "refused"
section section_encrypted "encrypted"
finish
