#!/bin/bash
# NAME
#	t-inbound-corrupt - ciphertext that cannot be decrypted is never
#	relayed: it bounces or defers as decrypt_failure says
# SYNOPSIS
#	t-inbound-corrupt.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A encrypts outbound/text-8bit.eml for b.example, with
#	aes256-cbc and with aes128-gcm; then one thing is broken:
#	- CBC: the padding (the last byte of the next-to-last block XOR 0x80,
#	  so the final pad byte is > 16 whatever the key);
#	- GCM: the tag, a ciphertext byte, a byte of the RSA-encrypted key;
#	- the base64 body cut in half (lines), the DER cut short by 10 bytes;
#	- tests/data/behaviour/corrupt/*.eml: random bytes, text that is not
#	  base64, an empty body, an EnvelopedData OID followed by junk (with
#	  and without smime-type), authEnveloped-data with random bytes.
#	- CBC: a byte of the RSA-encrypted key. The RFC 3218 random key that
#	  replaces it gives valid padding once in about 256 runs; the engine
#	  must refuse anyway, because it remembers that the RSA step failed.
#	openssl cms -decrypt must fail on every broken envelope, so that the
#	case means something.  Gateway B must then, with
#	- decrypt_failure = bounce: exit 65, "5.7.5 ...", no sendmail call;
#	- decrypt_failure = defer: exit 75, "4.7.5 ...", no sendmail call;
#	and print the same status line for every kind of breakage (no oracle).
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-inbound-corrupt
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/text-8bit.eml
mkdir "$S/bad"
for c in aes256-cbc aes128-gcm; do
	make_gateway "a-$c" a.example gw-a outbound.cipher=$c
	peer "a-$c" b.example.pem gw-b
	run_filter "a-$c" -q BEHC0001 -f alice@a.example -- bob@b.example <"$in"
	expect "a-$c" 0 - 1 "gateway A, $c"
	cp "$(cap "a-$c" 1)/msg" "$S/$c.eml"
	smime_of "a-$c" 1 "$S/$c.der" "gateway A, $c"
	ossl_decrypt "$S/$c.der" gw-b "$S/$c.plain" || fail "$c: the intact envelope does not open"
done

# broken NAME SOURCE DER - S/bad/NAME.eml: SOURCE's header with DER
broken() {
	if ossl_decrypt "$3" gw-b "$S/x.plain"; then
		fail "$1: openssl decrypts the broken envelope; the case is meaningless"
	fi
	mailtool rewrap "$S/$2.eml" "$3" "$S/bad/$1.eml"
}
mailtool xor "$S/aes256-cbc.der" -17 0x80 "$S/x.der"
broken cbc-padding aes256-cbc "$S/x.der"
off=$(mailtool find "$S/aes256-cbc.der" 04820100)	# the 256-byte encryptedKey
mailtool xor "$S/aes256-cbc.der" $((off + 4 + 100)) 0x10 "$S/x.der"
broken cbc-rsa-key aes256-cbc "$S/x.der"
mailtool xor "$S/aes128-gcm.der" -1 0x01 "$S/x.der"
broken gcm-tag aes128-gcm "$S/x.der"
mailtool xor "$S/aes128-gcm.der" -40 0x04 "$S/x.der"
broken gcm-ciphertext aes128-gcm "$S/x.der"
off=$(mailtool find "$S/aes128-gcm.der" 04820100)	# the 256-byte encryptedKey
mailtool xor "$S/aes128-gcm.der" $((off + 4 + 100)) 0x10 "$S/x.der"
broken gcm-rsa-key aes128-gcm "$S/x.der"
head -c $(($(stat -c %s "$S/aes128-gcm.der") - 10)) "$S/aes128-gcm.der" >"$S/x.der"
broken gcm-der-truncated aes128-gcm "$S/x.der"
lines=$(wc -l <"$S/aes256-cbc.eml")
mailtool lines "$S/aes256-cbc.eml" $((lines / 2 + 5)) "$S/bad/cbc-base64-halved.eml"
cp "$DATA"/corrupt/*.eml "$S/bad/"
[ "$(find "$S/bad" -name '*.eml' | wc -l)" -ge 12 ] || fail "could not build the corrupt inputs"

make_gateway bounce b.example gw-b inbound.decrypt_failure=bounce
make_gateway defer b.example gw-b inbound.decrypt_failure=defer
first_bounce="" first_defer=""
for m in "$S"/bad/*.eml; do
	name=$(basename "$m" .eml)
	run_filter bounce -q BEHC0002 -f someone@partner.example -- bob@b.example <"$m"
	expect bounce 65 5.7.5 0 "$name, decrypt_failure = bounce"
	line=$(cat "$S/out")
	[ -n "$first_bounce" ] || first_bounce=$line
	[ "$line" = "$first_bounce" ] ||
		fail "$name: bounce text '$line' differs from '$first_bounce' (an oracle)"

	run_filter defer -q BEHC0003 -f someone@partner.example -- bob@b.example <"$m"
	expect defer 75 4.7.5 0 "$name, decrypt_failure = defer"
	line=$(cat "$S/out")
	[ -n "$first_defer" ] || first_defer=$line
	[ "$line" = "$first_defer" ] ||
		fail "$name: defer text '$line' differs from '$first_defer' (an oracle)"
	ok "$name: never relayed"
done
finish
