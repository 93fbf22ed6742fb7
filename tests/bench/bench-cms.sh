#!/usr/bin/env bash
# NAME
#	bench-cms.sh - time and peak memory of the envelope engine
# SYNOPSIS
#	tests/bench/bench-cms.sh [BUILD_DIR] [SIZES_MB...]
# DESCRIPTION
#	For each size (default 1 10 50 MB) encrypts random content with
#	smimegw-cms (AES-256-CBC and AES-256-GCM), decrypts it, and decrypts
#	the same content as written by `openssl cms -encrypt -stream` (BER,
#	indefinite lengths, chunked OCTET STRING). Prints wall time, peak
#	resident memory and the ratio of peak memory to message size, so that
#	linear cost is visible. Also times a small message (process start plus
#	RSA). A benchmark prints figures; it asserts only correctness.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
shift || true
sizes=${*:-1 10 50}
cms=$build/filter/smimegw-cms
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$top/tests/pki/gen-test-pki.sh" "$work/pki" "$top/tests/data/nss" >/dev/null
cert=$work/pki/gw-b.pem key=$work/pki/gw-b.key

measure() {	# label size_bytes command...
	local label=$1 size=$2; shift 2
	/usr/bin/time -f '%e %M' -o "$work/t" "$@"
	read -r secs kb <"$work/t"
	awk -v l="$label" -v s="$secs" -v kb="$kb" -v sz="$size" 'BEGIN {
		mb = sz / 1048576; r = (kb * 1024) / (sz > 0 ? sz : 1);
		printf "%-34s %8.2f MB %7.3f s %9.1f MB peak  %5.2fx\n", l, mb, s, kb/1024, r }'
}

printf '%-34s %11s %9s %14s %7s\n' operation size time memory peak/size
head -c 2000 /dev/urandom >"$work/small"
measure "encrypt small (aes256-cbc)" 2000 "$cms" encrypt -r "$cert" -i "$work/small" -o "$work/small.p7m"
measure "decrypt small" 2000 "$cms" decrypt -k "$key" -c "$cert" -i "$work/small.p7m" -o "$work/small.out"
cmp "$work/small" "$work/small.out"
for mb in $sizes; do
	head -c $((mb * 1048576)) /dev/urandom >"$work/in"
	n=$((mb * 1048576))
	for a in aes256-cbc aes256-gcm; do
		measure "encrypt $a" $n "$cms" encrypt -a $a -r "$cert" -i "$work/in" -o "$work/$a.p7m"
		measure "decrypt $a" $n "$cms" decrypt -k "$key" -c "$cert" -i "$work/$a.p7m" -o "$work/out"
		cmp "$work/in" "$work/out"
	done
	openssl cms -encrypt -binary -stream -outform DER -aes256 -in "$work/in" -out "$work/ossl.ber" "$cert"
	measure "decrypt openssl -stream BER" $n "$cms" decrypt -k "$key" -c "$cert" -i "$work/ossl.ber" -o "$work/out"
	cmp "$work/in" "$work/out"
done
