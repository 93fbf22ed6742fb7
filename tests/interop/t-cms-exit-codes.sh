#!/bin/bash
# NAME
#	t-cms-exit-codes - smimegw-cms refuses bad input with the contract's codes
# SYNOPSIS
#	t-cms-exit-codes.sh SMIMEGW_CMS PKI_DIR
# DESCRIPTION
#	Messages made by openssl, then damaged on purpose:
#	- 65, one line on stderr, nothing written: not addressed to our key,
#	  GCM tag or ciphertext altered, encryptedKey altered (PKCS#1 v1.5 and
#	  OAEP), CBC padding made invalid, truncated DER and BER, garbage, empty
#	  input, SignedData and Data instead of an enveloped message.  The 1 MiB
#	  cases prove that no plaintext is released before the check fails.
#	- no oracle: within one cipher mode every "cannot decrypt" failure
#	  (bad key transport, bad padding, bad tag) prints the same line.
#	- 78: key file readable by group or others; a file that holds no
#	  certificate; usage errors (USAGE_RC below).
#	- 75: a file that cannot be read.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-cms-exit-codes
. "$(dirname "$0")/lib.sh"

setup_cms_test "$@"
KB=(-k "$PKI/gw-b.key" -c "$PKI/gw-b.pem")

# expect_rc CODE WHAT SUBCOMMAND ARGS... - run smimegw-cms SUBCOMMAND -o
# $S/out ARGS; require exit CODE and, for failures, nothing written (no
# file or an empty one, nothing on stdout), a reason on stderr (kept in
# $S/err) - for 65 exactly one line, which never shows message content
expect_rc() {
	local code=$1 what=$2 sub=$3 rc
	shift 3
	rm -f "$S/out"
	run rc "$CMS" "$sub" -o "$S/out" "$@" >"$S/stdout" 2>"$S/err" </dev/null
	[ "$rc" = "$code" ] || fail "$what: exit $rc, expected $code (stderr: $(head -1 "$S/err"))"
	if [ "$code" != 0 ]; then
		[ ! -s "$S/out" ] || fail "$what: exit $rc but $(stat -c %s "$S/out") bytes were written"
		[ ! -s "$S/stdout" ] || fail "$what: exit $rc but something was written to stdout"
		[ -s "$S/err" ] || fail "$what: exit $rc without a word on stderr"
		if [ "$code" = 65 ] && [ "$(wc -l <"$S/err")" != 1 ]; then
			fail "$what: expected exactly one line on stderr, got $(wc -l <"$S/err")"
		fi
		if grep -q 'lone LF here' "$S/err"; then
			fail "$what: stderr shows message content"
		fi
	fi
	ok "$what (exit $rc)"
}

# enckey_offset MSG - offset of the first byte of the first encryptedKey
enckey_offset() {
	local o
	o=$(openssl asn1parse -inform DER -in "$1" |
		sed -n 's/^ *\([0-9]*\):d=[0-9]* *hl=\([0-9]*\) *l= *256 prim: *OCTET STRING.*/\1 \2/p' |
		head -1)
	[ -n "$o" ] || fail "cannot locate encryptedKey in $1"
	echo $((${o% *} + ${o#* }))
}

enc() { # enc OUT CONTENT RECIP OPENSSL-OPTS...
	local out=$1 in=$2 r=$3
	shift 3
	openssl cms -encrypt -binary -outform DER -in "$in" -out "$out" -recip "$PKI/$r.pem" "$@" ||
		fail "openssl cms -encrypt $* failed"
}

# --- 65: not for us
enc "$S/for-a.der" "$S/mime.txt" gw-a -aes256
expect_rc 65 "message for a.example, key of b.example" decrypt "${KB[@]}" -i "$S/for-a.der"
enc "$S/for-a-ski.der" "$S/mime.txt" gw-a -aes-256-gcm -keyid
expect_rc 65 "message for a.example (SKI), key of b.example" \
	decrypt "${KB[@]}" -i "$S/for-a-ski.der"
expect_rc 65 "message for a.example, key of Bob (other CA)" \
	decrypt -k "$PKI/bob.key" -c "$PKI/bob.pem" -i "$S/for-a.der"

# --- 65 without an oracle: GCM (AuthEnvelopedData), big content
for pad in pkcs1 oaep; do
	opts=()
	[ $pad = oaep ] && opts=(-keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256)
	enc "$S/g.der" "$S/big.eml" gw-b -aes-256-gcm "${opts[@]}"
	# sanity: the undamaged message decrypts
	expect_rc 0 "gcm/$pad undamaged" decrypt "${KB[@]}" -i "$S/g.der"
	same "$S/big.eml" "$S/out" "gcm/$pad undamaged"
	flip_byte "$S/g.der" -1 0x01 "$S/g.tag.der"
	expect_rc 65 "gcm/$pad: tag altered" decrypt "${KB[@]}" -i "$S/g.tag.der"
	cp "$S/err" "$S/err.gcm.tag.$pad"
	flip_byte "$S/g.der" -1000 0x80 "$S/g.ct.der"
	expect_rc 65 "gcm/$pad: ciphertext altered" decrypt "${KB[@]}" -i "$S/g.ct.der"
	cp "$S/err" "$S/err.gcm.ct.$pad"
	off=$(enckey_offset "$S/g.der")
	flip_byte "$S/g.der" $((off + 100)) 0x01 "$S/g.key.der"
	expect_rc 65 "gcm/$pad: encryptedKey altered" decrypt "${KB[@]}" -i "$S/g.key.der"
	cp "$S/err" "$S/err.gcm.key.$pad"
done
for f in "$S"/err.gcm.*; do
	cmp -s "$S/err.gcm.tag.pkcs1" "$f" ||
		fail "decryption failures are distinguishable (GCM): '$(cat "$S/err.gcm.tag.pkcs1")'" \
			"vs '$(cat "$f")' (${f##*/err.})"
done
ok "GCM failures print the same line"

# --- CBC: invalid padding, made certain by flipping the last byte of the
# next-to-last ciphertext block (the padding length byte becomes > 16)
enc "$S/c.der" "$S/big.eml" gw-b -aes128
expect_rc 0 "cbc undamaged" decrypt "${KB[@]}" -i "$S/c.der"
same "$S/big.eml" "$S/out" "cbc undamaged"
flip_byte "$S/c.der" -17 0xff "$S/c.pad.der"
expect_rc 65 "cbc: invalid padding" decrypt "${KB[@]}" -i "$S/c.pad.der"
cp "$S/err" "$S/err.cbc.pad"
# A damaged encryptedKey under PKCS#1 v1.5 gives a wrong (or, with implicit
# rejection, random) CEK; CBC then fails its padding check - or, about once
# in 256, passes it with garbage.  Accept 65 with the same line as bad
# padding, or 0 with output that is not the original.
off=$(enckey_offset "$S/c.der")
flip_byte "$S/c.der" $((off + 100)) 0x01 "$S/c.key.der"
rm -f "$S/out"
run rc "$CMS" decrypt "${KB[@]}" -i "$S/c.key.der" -o "$S/out" 2>"$S/err"
case $rc in
65)
	cmp -s "$S/err.cbc.pad" "$S/err" ||
		fail "decryption failures are distinguishable (CBC): '$(cat "$S/err.cbc.pad")'" \
			"vs '$(cat "$S/err")' (bad encryptedKey)"
	;;
0)
	if cmp -s "$S/big.eml" "$S/out"; then
		fail "cbc: altered encryptedKey still gives the plaintext"
	fi
	;;
*) fail "cbc: encryptedKey altered: exit $rc, expected 65" ;;
esac
ok "CBC failures print the same line"

# --- 65: broken or foreign input
enc "$S/s.der" "$S/big.eml" gw-b -aes256 -stream
head -c 2000 "$S/c.der" >"$S/trunc.der"
expect_rc 65 "truncated DER" decrypt "${KB[@]}" -i "$S/trunc.der"
head -c $(($(stat -c %s "$S/s.der") - 2)) "$S/s.der" >"$S/trunc.ber"
expect_rc 65 "BER missing its last end-of-contents" decrypt "${KB[@]}" -i "$S/trunc.ber"
head -c 600000 "$S/s.der" >"$S/trunc2.ber"
expect_rc 65 "BER cut in the middle of the content" decrypt "${KB[@]}" -i "$S/trunc2.ber"
{ printf '\x30\x82\x03\xe8'; head -c 1000 /dev/urandom; } >"$S/garbage"
expect_rc 65 "garbage after a SEQUENCE header" decrypt "${KB[@]}" -i "$S/garbage"
: >"$S/empty"
expect_rc 65 "empty input" decrypt "${KB[@]}" -i "$S/empty"
printf 'hello, this is not CMS\r\n' >"$S/text"
expect_rc 65 "plain text input" decrypt "${KB[@]}" -i "$S/text"
openssl cms -sign -binary -nodetach -outform DER -in "$S/mime.txt" -out "$S/signed.der" \
	-signer "$PKI/carol.pem" -inkey "$PKI/carol.key" || fail "openssl cms -sign failed"
expect_rc 65 "SignedData instead of EnvelopedData" decrypt "${KB[@]}" -i "$S/signed.der"
openssl cms -data_create -binary -outform DER -in "$S/mime.txt" -out "$S/data.der" ||
	fail "openssl cms -data_create failed"
expect_rc 65 "id-data ContentInfo instead of EnvelopedData" decrypt "${KB[@]}" -i "$S/data.der"
cp "$S/c.der" "$S/trail.der"
printf 'trailing junk' >>"$S/trail.der"
run rc "$CMS" decrypt "${KB[@]}" -i "$S/trail.der" -o "$S/out" 2>"$S/err"
case $rc in
0) same "$S/big.eml" "$S/out" "DER followed by junk (accepted)" ;;
65) [ ! -s "$S/out" ] || fail "DER followed by junk: exit 65 but output written" ;;
*) fail "DER followed by junk: exit $rc, expected 65 (or 0 with the right content)" ;;
esac
ok "DER followed by junk (exit $rc)"

# --- key file permissions (78), the same message decrypts with 0600/0400
cp "$PKI/gw-b.key" "$S/k.key"
for mode in 600 400; do
	chmod $mode "$S/k.key"
	expect_rc 0 "key file mode $mode" decrypt -k "$S/k.key" -c "$PKI/gw-b.pem" -i "$S/c.der"
done
for mode in 644 640 604 660 606; do
	chmod $mode "$S/k.key"
	expect_rc 78 "key file mode $mode" decrypt -k "$S/k.key" -c "$PKI/gw-b.pem" -i "$S/c.der"
done
chmod 600 "$S/k.key"

# --- files that cannot be read (75)
expect_rc 75 "missing input file" decrypt "${KB[@]}" -i "$S/does-not-exist"
expect_rc 75 "missing key file" decrypt -k "$S/does-not-exist.key" -c "$PKI/gw-b.pem" -i "$S/c.der"
expect_rc 75 "missing cert file" decrypt -k "$PKI/gw-b.key" -c "$S/does-not-exist.pem" -i "$S/c.der"
expect_rc 75 "missing input file (encrypt)" encrypt -r "$PKI/gw-b.pem" -i "$S/does-not-exist"
expect_rc 75 "missing recipient cert (encrypt)" encrypt -r "$S/does-not-exist.pem" -i "$S/mime.txt"

# --- usage errors: 64 (EX_USAGE), as smimegw-cms(1) documents
USAGE_RC=64
expect_rc $USAGE_RC "decrypt without keys" decrypt -i "$S/c.der"
expect_rc $USAGE_RC "decrypt with -k but no -c" decrypt -k "$PKI/gw-b.key" -i "$S/c.der"
expect_rc $USAGE_RC "decrypt with unpaired -k/-c" decrypt "${KB[@]}" -k "$PKI/gw-a.key" -i "$S/c.der"
expect_rc $USAGE_RC "decrypt with an unknown option" decrypt "${KB[@]}" --no-such-option -i "$S/c.der"
expect_rc $USAGE_RC "unknown subcommand" sign -r "$PKI/gw-b.pem" -i "$S/mime.txt"
expect_rc $USAGE_RC "encrypt without recipients" encrypt -i "$S/mime.txt"
expect_rc $USAGE_RC "encrypt with an unknown cipher" encrypt -a des3 -r "$PKI/gw-b.pem" -i "$S/mime.txt"
expect_rc $USAGE_RC "encrypt with -a and no value" encrypt -r "$PKI/gw-b.pem" -i "$S/mime.txt" -a
rm -f "$S/out"
run rc "$CMS" >"$S/stdout" 2>"$S/err" </dev/null
[ "$rc" = $USAGE_RC ] || fail "no arguments at all: exit $rc, expected $USAGE_RC"
ok "no arguments (exit $rc)"

# --- configuration errors (78)
printf 'not a certificate\n' >"$S/notcert.pem"
expect_rc 78 "encrypt to a file that holds no certificate" \
	encrypt -r "$S/notcert.pem" -i "$S/mime.txt"
expect_rc 78 "decrypt with a cert file that holds no certificate" \
	decrypt -k "$PKI/gw-b.key" -c "$S/notcert.pem" -i "$S/c.der"

# --- key that does not belong to the certificate: 65 or 78, nothing written
rm -f "$S/out"
run rc "$CMS" decrypt -k "$PKI/gw-a.key" -c "$PKI/gw-b.pem" -i "$S/c.der" -o "$S/out" 2>"$S/err"
case $rc in
65 | 78) [ ! -s "$S/out" ] || fail "key of a with cert of b: exit $rc but output written" ;;
*) fail "key of a with cert of b: exit $rc, expected 65 or 78" ;;
esac
ok "key of a with cert of b (exit $rc)"

finish
