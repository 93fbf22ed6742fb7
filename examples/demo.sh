#!/usr/bin/env bash
# NAME
#	demo.sh - show the smimegw envelope engine at work on the examples
# SYNOPSIS
#	examples/demo.sh [BUILD_DIR]
# DESCRIPTION
#	Generates a throw-away test PKI (gateways of a.example and b.example),
#	then, for examples/alice-to-bob.eml:
#	  1. gateway A encrypts it for b.example's domain certificate
#	     (AES-256-CBC, and AES-256-GCM with RSA-OAEP);
#	  2. shows that what would cross the Internet is CMS ciphertext without
#	     the plaintext canary;
#	  3. gateway B decrypts it and the result equals the original, byte for
#	     byte; OpenSSL opens it too;
#	  4. decrypts a real message written by Thunderbird/NSS.
#	Exits non-zero if any step does not give the expected result.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:-$top/build}
cms=$build/filter/smimegw-cms
[ -x "$cms" ] || { echo "demo: $cms not built; run cmake first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pki=$work/pki
bash "$top/tests/pki/gen-test-pki.sh" "$pki" "$top/tests/data/nss" >/dev/null

msg=$here/alice-to-bob.eml
canary=PURPLE-WALRUS-1984
step() { printf '\n== %s\n' "$*"; }

step "gateway A encrypts $(basename "$msg") ($(wc -c <"$msg") bytes) for b.example"
"$cms" encrypt -a aes256-cbc -r "$pki/gw-b.pem" -i "$msg" -o "$work/cbc.p7m"
"$cms" encrypt -a aes256-gcm --oaep --keyid -r "$pki/gw-b.pem" -i "$msg" \
	-o "$work/gcm.p7m"
for f in cbc gcm; do
	openssl cms -cmsout -print -inform DER -in "$work/$f.p7m" |
		grep -E 'contentType|algorithm: |subjectKeyIdentifier|serialNumber' |
		sed 's/^ */   /' | sort -u
	if grep -q "$canary" "$work/$f.p7m"; then
		echo "demo: canary found in ciphertext" >&2; exit 1
	fi
	echo "   $f.p7m: $(wc -c <"$work/$f.p7m") bytes, canary absent"
done

step "gateway B decrypts with its own key"
for f in cbc gcm; do
	"$cms" decrypt -v -k "$pki/gw-b.key" -c "$pki/gw-b.pem" \
		-i "$work/$f.p7m" -o "$work/$f.out"
	cmp "$msg" "$work/$f.out"
	echo "   $f: identical to the original"
	openssl cms -decrypt -inform DER -in "$work/$f.p7m" \
		-recip "$pki/gw-b.pem" -inkey "$pki/gw-b.key" -out "$work/$f.ossl"
	cmp "$msg" "$work/$f.ossl"
	echo "   $f: OpenSSL agrees"
done

step "gateway A cannot read what was sent to B"
if "$cms" decrypt -k "$pki/gw-a.key" -c "$pki/gw-a.pem" -i "$work/cbc.p7m" \
	-o "$work/none" 2>"$work/err"; then
	echo "demo: decrypted with the wrong key" >&2; exit 1
fi
echo "   refused: $(cat "$work/err") (exit 65, no output)"

step "a message written by Thunderbird (NSS, BER) for Bob"
python3 "$top/tests/interop/extract-p7m.py" "$top/tests/data/nss/alice.env.eml" \
	"$work/nss.p7m"
"$cms" decrypt -v -k "$pki/bob.key" -c "$pki/bob.pem" -i "$work/nss.p7m" |
	tr -d '\r' | sed -n '/^$/,$p' | sed 's/^/   /' | head -3
echo
echo "demo: all steps gave the expected result"
