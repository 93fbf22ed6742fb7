#!/usr/bin/env bash
# gen-seeds.sh - (re)make the fuzz identity and the CMS seed corpus.
#
# SYNOPSIS
#	bash tests/fuzz/gen-seeds.sh [-k]
#
# DESCRIPTION
#	The CMS target decrypts with a fixed keyring: keys/fuzz.pem and
#	keys/fuzz.key, an RSA-1024 end-entity certificate (small, so that
#	the RSA step does not dominate a fuzz run) issued by a throw-away
#	CA. TEST MATERIAL ONLY: the private key is public.
#
#	This script writes, with openssl cms, one seed per cipher, key
#	transport and recipient identifier smimegw reads into corpus/cms/,
#	BER (-stream) as well as DER, and copies the BER ones into
#	corpus/ber/. -k makes a new identity first (then every CMS seed
#	changes); without it the committed identity is reused. Seeds are
#	committed: running this is only needed to refresh them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
keys=$here/keys
cms=$here/corpus/cms
ber=$here/corpus/ber
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$keys" "$cms" "$ber"

if [ "${1:-}" = -k ] || [ ! -s "$keys/fuzz.key" ]; then
	openssl req -x509 -newkey rsa:1024 -nodes -days 36500 \
		-subj "/CN=smimegw fuzz CA" -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
		-addext basicConstraints=critical,CA:TRUE 2>/dev/null
	openssl req -newkey rsa:1024 -nodes -subj "/CN=fuzz.example" \
		-keyout "$keys/fuzz.key" -out "$tmp/fuzz.csr" 2>/dev/null
	printf '%s\n' "basicConstraints=critical,CA:FALSE" \
		"keyUsage=critical,keyEncipherment" \
		"subjectKeyIdentifier=hash" "subjectAltName=DNS:fuzz.example" \
		>"$tmp/ext"
	openssl x509 -req -in "$tmp/fuzz.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
		-set_serial 0x5eed -days 36500 -extfile "$tmp/ext" \
		-out "$keys/fuzz.pem" 2>/dev/null
	chmod 600 "$keys/fuzz.key"
fi
# A second recipient that is not in the keyring.
openssl req -x509 -newkey rsa:1024 -nodes -days 36500 -subj "/CN=other.example" \
	-keyout "$tmp/other.key" -out "$tmp/other.pem" 2>/dev/null

printf 'Content-Type: text/plain\r\n\r\nfuzz seed\r\n' >"$tmp/entity"
enc() {	# enc NAME [openssl cms options...]
	local name=$1
	shift
	openssl cms -encrypt -binary -in "$tmp/entity" -outform DER \
		-out "$cms/$name.der" "$@"
}
enc aes128-cbc -aes128 -recip "$keys/fuzz.pem"
enc aes256-cbc -aes256 -recip "$keys/fuzz.pem"
enc aes192-cbc -aes192 -recip "$keys/fuzz.pem"
enc des3 -des3 -recip "$keys/fuzz.pem"
enc aes128-gcm -aes-128-gcm -recip "$keys/fuzz.pem"
enc aes256-gcm -aes-256-gcm -recip "$keys/fuzz.pem"
enc oaep-sha1 -aes128 -recip "$keys/fuzz.pem" -keyopt rsa_padding_mode:oaep
enc oaep-sha256 -aes256 -recip "$keys/fuzz.pem" -keyopt rsa_padding_mode:oaep \
	-keyopt rsa_oaep_md:sha256
enc ski -aes256 -keyid -recip "$keys/fuzz.pem"
enc two-recipients -aes256 -recip "$tmp/other.pem" -recip "$keys/fuzz.pem"
enc not-for-us -aes256 -recip "$tmp/other.pem"
enc stream-aes256 -aes256 -stream -recip "$keys/fuzz.pem"
enc stream-gcm -aes-128-gcm -stream -recip "$keys/fuzz.pem"
cp "$cms/stream-aes256.der" "$cms/stream-gcm.der" "$ber/"
# Decrypt each with openssl: the seeds must be what they claim.
for f in "$cms"/*.der; do
	case $f in */not-for-us.der) continue ;; esac
	openssl cms -decrypt -binary -inform DER -in "$f" -recip "$keys/fuzz.pem" \
		-inkey "$keys/fuzz.key" | cmp -s - "$tmp/entity" ||
		{ echo "gen-seeds: $f does not decrypt" >&2; exit 1; }
done
echo "gen-seeds: $(ls "$cms" | wc -l) CMS seeds in $cms"
