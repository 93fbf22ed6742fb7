#!/bin/bash
# NAME
#	t-ours-reads-openssl - smimegw-cms decrypts what openssl cms encrypts
# SYNOPSIS
#	t-ours-reads-openssl.sh SMIMEGW_CMS PKI_DIR
# DESCRIPTION
#	openssl cms -encrypt -binary makes messages for b.example with AES-128/256
#	in CBC and GCM and with 3DES, each as DER, as BER (-stream: indefinite
#	lengths, chunked OCTET STRING) and as PEM; with -keyid; with RSAES-OAEP
#	(SHA-1 default and SHA-256); and for two recipients.  BER re-chunked into
#	odd-sized and nested segments, PEM with a PKCS7 label, bare base64 and
#	stdin input are also fed in.  smimegw-cms decrypt must return the exact
#	content, and its -v line must name what was used.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-ours-reads-openssl
. "$(dirname "$0")/lib.sh"

setup_cms_test "$@"

# ours_decrypt WHAT IN OUT KEYPAIR... - decrypt IN with the PKI identities
# named (in order), require exit 0 and OUT == mime.txt unless EXPECT is set
ours_decrypt() {
	local what=$1 in=$2 out=$3 rc
	shift 3
	local args=()
	for n in "$@"; do args+=(-k "$PKI/$n.key" -c "$PKI/$n.pem"); done
	rm -f "$out"
	run rc "$CMS" decrypt "${args[@]}" -i "$in" -o "$out" -v 2>"$S/cms.err"
	[ "$rc" = 0 ] || fail "$what: smimegw-cms decrypt exit $rc, expected 0 ($(head -1 "$S/cms.err"))"
	same "${EXPECT:-$S/mime.txt}" "$out" "$what"
}

# info_has TOKEN WHAT - the -v line must contain TOKEN
info_has() {
	grep -q -- "$1" "$S/cms.err" ||
		fail "$2: -v line '$(head -1 "$S/cms.err")' lacks '$1'"
}

# info_lacks TOKEN WHAT
info_lacks() {
	if grep -q -- "$1" "$S/cms.err"; then
		fail "$2: -v line '$(head -1 "$S/cms.err")' should not contain '$1'"
	fi
	return 0
}

# 1. ciphers x encodings, PKCS#1 v1.5, issuerAndSerialNumber
for cipher in aes128 aes256 aes-128-gcm aes-256-gcm des3; do
	case $cipher in
	aes128) name=aes-128-cbc ;;
	aes256) name=aes-256-cbc ;;
	des3) name=des-ede3-cbc ;;
	*) name=$cipher ;;
	esac
	for stream in "" -stream; do
		for form in DER PEM; do
			for c in mime.txt empty.bin big.eml; do
				# openssl 3.0 cannot stream GCM over empty content
				# ("Error writing CMS output"); not our problem.
				case $cipher$stream$c in *gcm-streamempty.bin) continue ;; esac
				what="openssl cms -encrypt -$cipher $stream -outform $form -in $c"
				m=$S/o.$cipher$stream.$form.$c
				openssl cms -encrypt -binary "-$cipher" $stream -outform $form \
					-in "$S/$c" -out "$m" -recip "$PKI/gw-b.pem" ||
					fail "$what: openssl itself failed"
				if [ "$stream$form" = -streamDER ]; then
					head -c 2 "$m" | cmp -s - <(printf '\x30\x80') ||
						fail "$what: expected BER with indefinite length from openssl"
				fi
				EXPECT=$S/$c ours_decrypt "$what" "$m" "$m.out" gw-b
				if [ $c = mime.txt ]; then
					if [ $cipher = des3 ]; then
						info_has "cipher=des" "$what"
					else
						info_has "cipher=$name" "$what"
					fi
					info_lacks "oaep" "$what"
					info_lacks "rid=ski" "$what"
					[ "$(wc -l <"$S/cms.err")" = 1 ] ||
						fail "$what: -v must print exactly one line, got $(wc -l <"$S/cms.err")"
				fi
				ok "$what"
				rm -f "$m" "$m.out"
			done
		done
	done
done

# 2. recipient identifiers and key transports
for cipher in aes256 aes-256-gcm; do
	for variant in keyid oaep-sha1 oaep-sha256 keyid+oaep-sha256 oaep-label; do
		opts=()
		case $variant in
		keyid) opts=(-keyid) ;;
		oaep-sha1) opts=(-keyopt rsa_padding_mode:oaep) ;;
		# pSourceFunc with a non-empty label ("smimegw", hex)
		oaep-label)
			opts=(-keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_label:736d696d656777)
			;;
		oaep-sha256) opts=(-keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256) ;;
		keyid+oaep-sha256)
			opts=(-keyid -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256)
			;;
		esac
		for stream in "" -stream; do
			what="openssl cms -encrypt -$cipher $stream ${opts[*]}"
			m=$S/v.der
			# -keyopt applies to the preceding -recip, so -recip comes first
			openssl cms -encrypt -binary "-$cipher" $stream -outform DER \
				-in "$S/mime.txt" -out "$m" -recip "$PKI/gw-b.pem" "${opts[@]}" ||
				fail "$what: openssl itself failed"
			ours_decrypt "$what" "$m" "$m.out" gw-b
			case $variant in
			keyid*) info_has "rid=ski" "$what" ;;
			*) info_lacks "rid=ski" "$what" ;;
			esac
			case $variant in
			*oaep-sha256) info_has "keytrans=rsa-oaep-sha256" "$what" ;;
			oaep-sha1 | oaep-label)
				info_has "keytrans=rsa-oaep-sha1" "$what"
				;;
			*) info_lacks "oaep" "$what" ;;
			esac
			ok "$what"
		done
	done
done

# 3. two recipients (a.example first, b.example second)
for cipher in aes128 aes-128-gcm; do
	for opt in "" -keyid; do
		what="openssl cms -encrypt -$cipher $opt to a+b"
		m=$S/two.der
		openssl cms -encrypt -binary "-$cipher" $opt -outform DER -in "$S/mime.txt" \
			-out "$m" "$PKI/gw-a.pem" "$PKI/gw-b.pem" || fail "$what: openssl failed"
		ours_decrypt "$what, as a" "$m" "$m.out" gw-a
		ours_decrypt "$what, as b (second recipient)" "$m" "$m.out" gw-b
		ours_decrypt "$what, keys c then b" "$m" "$m.out" gw-c gw-b
		ours_decrypt "$what, keys nokeyid, carol, b" "$m" "$m.out" nokeyid carol gw-b
		ok "$what"
	done
done

# 4. key rollover: message for the next b.example cert, gateway holds both
what="message for gw-b-next, keys gw-b then gw-b-next"
openssl cms -encrypt -binary -aes256 -outform DER -in "$S/mime.txt" -out "$S/roll.der" \
	"$PKI/gw-b-next.pem" || fail "$what: openssl failed"
ours_decrypt "$what" "$S/roll.der" "$S/roll.out" gw-b gw-b-next
ours_decrypt "$what (reverse order)" "$S/roll.der" "$S/roll.out" gw-b-next gw-b
ok "$what"
what="message for gw-c (serial with top bit set)"
openssl cms -encrypt -binary -aes256 -outform DER -in "$S/mime.txt" -out "$S/c.der" \
	"$PKI/gw-c.pem" || fail "$what: openssl failed"
ours_decrypt "$what" "$S/c.der" "$S/c.out" gw-c
ok "$what"
what="message for nokeyid (cert without SKI), issuerAndSerialNumber"
openssl cms -encrypt -binary -aes256 -outform DER -in "$S/mime.txt" -out "$S/nk.der" \
	"$PKI/nokeyid.pem" || fail "$what: openssl failed"
ours_decrypt "$what" "$S/nk.der" "$S/nk.out" nokeyid
ok "$what"

# 5. input forms: PEM labels, bare base64, stdin, re-chunked BER
for cipher in aes128 aes-128-gcm; do
	base=$S/f.$cipher
	openssl cms -encrypt -binary "-$cipher" -outform PEM -in "$S/mime.txt" -out "$base.pem" \
		"$PKI/gw-b.pem" || fail "openssl failed"
	openssl cms -encrypt -binary "-$cipher" -outform DER -in "$S/big.eml" -out "$base.big.der" \
		"$PKI/gw-b.pem" || fail "openssl failed"
	sed -e 's/BEGIN CMS/BEGIN PKCS7/' -e 's/END CMS/END PKCS7/' "$base.pem" >"$base.p7.pem"
	grep -v -- '-----' "$base.pem" >"$base.b64"
	grep -v -- '-----' "$base.pem" | tr -d '\n' >"$base.b64oneline"
	grep -v -- '-----' "$base.pem" | sed 's/$/\r/' >"$base.b64crlf"
	for f in p7.pem b64 b64oneline b64crlf; do
		ours_decrypt "-$cipher input as $f" "$base.$f" "$base.out" gw-b
		ok "-$cipher input as $f"
	done
	# stdin to stdout
	run rc "$CMS" decrypt -k "$PKI/gw-b.key" -c "$PKI/gw-b.pem" <"$base.pem" >"$base.out" \
		2>"$S/cms.err"
	[ "$rc" = 0 ] || fail "-$cipher PEM on stdin: exit $rc ($(head -1 "$S/cms.err"))"
	same "$S/mime.txt" "$base.out" "-$cipher PEM on stdin to stdout"
	ok "-$cipher PEM on stdin"
	# BER with segments that do not follow cipher block boundaries
	openssl cms -encrypt -binary "-$cipher" -outform DER -in "$S/mime.txt" -out "$base.der" \
		"$PKI/gw-b.pem" || fail "openssl failed"
	for size in 1 7 1000 65537; do
		c=big.eml src=$base.big.der
		[ $size -lt 16 ] && c=mime.txt src=$base.der
		for nest in "" --nest; do
			what="-$cipher $c re-chunked into $size-byte segments $nest"
			cmstool rechunk $size "$src" "$base.ber" $nest ||
				fail "$what: cmstool rechunk failed"
			# make sure openssl agrees the re-chunked message is valid
			openssl cms -decrypt -binary -inform DER -in "$base.ber" -recip "$PKI/gw-b.pem" \
				-inkey "$PKI/gw-b.key" -out "$base.osl" 2>/dev/null ||
				fail "$what: openssl cannot decrypt the re-chunked message (test bug)"
			EXPECT=$S/$c ours_decrypt "$what" "$base.ber" "$base.out" gw-b
			ok "$what"
		done
	done
done

finish
