#!/usr/bin/env bash
# NAME
#	bench-filter.sh - per-message cost of the smimegw filter
# SYNOPSIS
#	tests/bench/bench-filter.sh [BUILD_DIR] [COUNT]
# DESCRIPTION
#	Runs the filter COUNT times (default 100) on examples/alice-to-bob.eml,
#	outbound (encrypt) and inbound (decrypt), with a sendmail stand-in that
#	reads and discards, and prints the mean wall time per message next to
#	the cost of starting the binary alone (--version) and of the stand-in
#	alone; also the instruction count of one outbound run (callgrind, when
#	valgrind is installed), which does not depend on machine load.
#	As root the filter runs as nobody, as under Postfix.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
count=${2:-100}
filter=$build/filter/smimegw
msg=$top/examples/alice-to-bob.eml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$top/tests/pki/gen-test-pki.sh" "$work/pki" "$top/tests/data/nss" >/dev/null
run_as=()
[ "$(id -u)" -ne 0 ] || run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
for gw in a b; do
	other=$([ $gw = a ] && echo b || echo a)
	mkdir -p "$work/$gw/certs"
	cp "$work/pki/gw-$gw.pem" "$work/pki/gw-$gw.key" "$work/$gw/"
	cp "$work/pki/gw-$other.pem" "$work/$gw/certs/$other.example.pem"
	printf '#!/bin/sh\ncat >/dev/null\n' >"$work/$gw/sm"
	printf '#!/bin/sh\ncat >"%s/captured"\n' "$work/$gw" >"$work/$gw/sm-keep"
	chmod 755 "$work/$gw/sm" "$work/$gw/sm-keep"
	printf '[gateway]\ndomains = %s.example\ncertificate = %s/gw-%s.pem\nprivate_key = %s/gw-%s.key\nsendmail = %s/sm\n[certificates]\ndirectory = %s/certs\n' \
		$gw "$work/$gw" $gw "$work/$gw" $gw "$work/$gw" "$work/$gw" >"$work/$gw/smimegw.conf"
	sed "s|/sm$|/sm-keep|" "$work/$gw/smimegw.conf" >"$work/$gw/keep.conf"
done
chmod 755 "$work"
[ "${#run_as[@]}" -eq 0 ] || chown -R 65534:65534 "$work/a" "$work/b"
"${run_as[@]}" "$filter" -c "$work/a/keep.conf" -f alice@a.example -- bob@b.example <"$msg" 2>/dev/null
cp "$work/a/captured" "$work/encrypted.eml"
chmod 644 "$work/encrypted.eml"

per_msg() {	# label input command...
	local label=$1 input=$2 start end; shift 2
	start=$(date +%s%N)
	for _ in $(seq "$count"); do "$@" <"$input" >/dev/null 2>&1; done
	end=$(date +%s%N)
	awk -v l="$label" -v ns=$((end - start)) -v n="$count" \
		'BEGIN { printf "%-44s %7.2f ms\n", l, ns / n / 1e6 }'
}
echo "mean wall time per message over $count runs"
per_msg "start only (smimegw --version)" /dev/null "${run_as[@]}" "$filter" --version
per_msg "sendmail stand-in alone" "$msg" "${run_as[@]}" "$work/a/sm"
per_msg "outbound: encrypt aes256-cbc + reinject" "$msg" "${run_as[@]}" "$filter" \
	-c "$work/a/smimegw.conf" -f alice@a.example -- bob@b.example
per_msg "inbound: decrypt + reinject" "$work/encrypted.eml" "${run_as[@]}" "$filter" \
	-c "$work/b/smimegw.conf" -f alice@a.example -- bob@b.example
if command -v valgrind >/dev/null; then
	"${run_as[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$filter" \
		-c "$work/a/smimegw.conf" -f alice@a.example -- bob@b.example <"$msg" \
		2>&1 | awk '/refs:/ { printf "%-44s %s instructions\n", "outbound, one message (callgrind)", $NF }'
fi
