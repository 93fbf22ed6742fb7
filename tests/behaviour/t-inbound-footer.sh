#!/bin/bash
# NAME
#	t-inbound-footer - a footer appended after the base64 by a relay or
#	virus scanner does not stop decryption (issue 7 item 13)
# SYNOPSIS
#	t-inbound-footer.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	openssl cms -encrypt for b.example: DER (definite lengths) with
#	AES-256-CBC and AES-256-GCM, and BER from -stream (indefinite
#	lengths), each of every length mod 3 (so that the base64 ends with
#	"==", "=" and nothing), in an S/MIME message with a footer after the
#	base64 (signature-style text, LF or CRLF) that openssl itself still
#	decrypts. Gateway B must deliver each decrypted: exit 0, one call,
#	our trace, the entity, no footer.
#	(The log line that reports the ignored bytes is the filter's; this
#	test asserts the decryption only.)
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-inbound-footer
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway b b.example gw-b

# entity PAD - the entity: its text followed by PAD dots
entity() {
	printf 'Content-Type: text/plain; charset=us-ascii\r\n\r\nthe message before the footer%s\r\n' \
		"$(head -c "$1" /dev/zero | tr '\0' .)" >"$S/entity"
}

# footer N - the text of footer N
footer() {
	case $1 in
	1) printf '\n-- \nScanned by ClamAV - https://www.clamav.net\n' ;;
	2) printf '\r\n-- \r\nThis message was scanned by Example Relay AV.\r\n' ;;
	3) printf "\n-- \nVirus-free. www.avast.com\n" ;;
	4) printf '\n\n-- \nChecked by MailScanner\n\n' ;;
	esac
}

# with_footers ALG LABEL OPTS... - for a DER of each length mod 3 (a
#	footer is decoded into trailing bytes only when the base64 ends
#	without "="): encrypt, append each footer, decrypt
with_footers() {
	local pad=0 seen=""
	while [ ${#seen} -lt 3 ] && [ $pad -lt 200 ]; do
		entity $pad
		openssl cms -encrypt -binary "${@:3}" -in "$S/entity" -outform DER \
			-out "$S/$1.der" "$PKI/gw-b.pem" 2>"$S/openssl.err" ||
			fail "openssl cms -encrypt $1: $(head -1 "$S/openssl.err")"
		r=$(($(stat -c %s "$S/$1.der") % 3))
		case $seen in
		*$r*) ;;
		*)
			seen=$seen$r
			with_footers_1 "$1" "$2"
			;;
		esac
		pad=$((pad + 1))
	done
	[ ${#seen} = 3 ] || fail "$1: no DER of each length mod 3"
}

# with_footers_1 ALG LABEL - $S/ALG.der with each footer
with_footers_1() {
	local alg=$1 label=$2 n m trace
	for n in 1 2 3 4; do
		{
			printf 'From: alice@partner.example\nTo: bob@b.example\nSubject: footer\n'
			printf 'MIME-Version: 1.0\nContent-Disposition: attachment; filename="smime.p7m"\n'
			printf 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\n'
			printf 'Content-Transfer-Encoding: base64\n\n'
			base64 -w 64 "$S/$alg.der"
			footer $n
		} >"$S/f.eml"
		openssl cms -decrypt -binary -in "$S/f.eml" -recip "$PKI/gw-b.pem" \
			-inkey "$PKI/gw-b.key" -out "$S/f.plain" 2>"$S/openssl.err" ||
			fail "$alg, pad $pad, footer $n: openssl itself does not decrypt it"
		reset b
		run_filter b -q BEHF0001 -f alice@partner.example -- bob@b.example <"$S/f.eml"
		expect b 0 - 1 "$alg, pad $pad, footer $n"
		m=$(cap b 1)/msg
		trace=$(mailtool trace "$m" "$S/untraced.eml")
		case "$trace;" in
		"decrypted; cipher=$label;"*) ;;
		*) fail "$alg, pad $pad, footer $n: not decrypted (trace '$trace')" ;;
		esac
		[ "$(sed '1,/^$/d' "$m")" = "$(sed '1,/^\r$/d' "$S/entity" | tr -d '\r')" ] ||
			fail "$alg, pad $pad, footer $n: body '$(sed '1,/^$/d' "$m" | head -c 200)'"
		grep -q -e ClamAV -e 'Relay AV' -e MailScanner -e avast "$m" &&
			fail "$alg, pad $pad, footer $n: the footer was delivered"
		ok "$alg, pad $pad, footer $n"
	done
}

cbc() { with_footers cbc aes-256-cbc -aes-256-cbc; }
gcm() { with_footers gcm aes-256-gcm -aes-256-gcm; }
ber() { with_footers ber aes-128-cbc -aes-128-cbc -stream; }

section cbc "DER, AES-256-CBC"
section gcm "DER, AES-256-GCM"
section ber "BER -stream, AES-128-CBC"
finish
