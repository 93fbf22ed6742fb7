#!/usr/bin/env bash
# NAME
#	demo.sh - show smimegw at work on the examples
# SYNOPSIS
#	examples/demo.sh [BUILD_DIR]
# DESCRIPTION
#	Generates a throw-away test PKI (gateways of a.example and b.example)
#	and two gateway configurations from examples/a.example.conf and
#	examples/b.example.conf, with a capture script in place of sendmail.
#	Part one runs the filter as Postfix would: alice@a.example writes to
#	bob@b.example; gateway A encrypts, gateway B decrypts, and Bob's copy
#	equals Alice's message. Part two shows the envelope engine alone with
#	smimegw-cms, for examples/alice-to-bob.eml:
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

# Part one: the filter, as Postfix runs it (as an unprivileged user).
filter=$build/filter/smimegw
[ -x "$filter" ] || { echo "demo: $filter not built" >&2; exit 1; }
run_as=()
if [ "$(id -u)" -eq 0 ]; then
	run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
cat >"$work/capture" <<'CAP'
#!/bin/sh
# stands in for sendmail: keeps argv and the message
n=$(ls "$CAPTURE_DIR" | grep -c '\.msg$' || true)
printf '%s\n' "$@" >"$CAPTURE_DIR/$n.argv"
cat >"$CAPTURE_DIR/$n.msg"
CAP
for gw in a b; do
	other=$([ $gw = a ] && echo b || echo a)
	d=$work/$gw
	mkdir -p "$d/certs" "$d/out"
	cp "$pki/gw-$gw.pem" "$d/gateway.pem"
	cp "$pki/gw-$gw.key" "$d/gateway.key"
	cp "$pki/gw-$other.pem" "$d/certs/$other.example.pem"
	printf '#!/bin/sh\nCAPTURE_DIR=%s exec /bin/sh %s "$@"\n' \
		"$d/out" "$work/capture" >"$d/sendmail"
	chmod 755 "$d/sendmail"
	sed -e "s|/etc/smimegw/gateway|$d/gateway|" \
	    -e "s|/etc/smimegw/certs|$d/certs|" \
	    -e "s|/usr/sbin/sendmail|$d/sendmail|" \
	    -e "/^timeout/a log_file = $d/smimegw.log" \
	    "$here/$gw.example.conf" >"$d/smimegw.conf"
done
chmod 755 "$work"
[ "${#run_as[@]}" -eq 0 ] || chown -R 65534:65534 "$work/a" "$work/b"
# nobody may not reach the build tree (a clone under /root): run a copy
if ! "${run_as[@]}" test -x "$filter"; then
	install -m 755 "$filter" "$work/smimegw"
	filter=$work/smimegw
fi

step "smimegw -n checks both configurations"
for gw in a b; do
	"${run_as[@]}" "$filter" -c "$work/$gw/smimegw.conf" -n
done

step "gateway A (a.example) filters alice@a.example -> bob@b.example"
"${run_as[@]}" "$filter" -c "$work/a/smimegw.conf" -q DEMO1A -f alice@a.example \
	-- bob@b.example <"$msg"
echo "   exit 0; sendmail got: $(tr '\n' ' ' <"$work/a/out/0.argv")"
echo "   log: $(grep DEMO1A "$work/a/smimegw.log" | cut -d' ' -f5- | cut -c1-150)..."
grep -E '^(From|To|Subject|Content-Type):' "$work/a/out/0.msg" | sed 's/^/   /'
if grep -q "$canary" "$work/a/out/0.msg"; then
	echo "demo: canary leaked in clear" >&2; exit 1
fi
echo "   ... $(wc -c <"$work/a/out/0.msg") bytes of base64 CMS; the canary is not in it"

step "gateway B (b.example) receives it and decrypts"
"${run_as[@]}" "$filter" -c "$work/b/smimegw.conf" -q DEMO1B -f alice@a.example \
	-- bob@b.example <"$work/a/out/0.msg"
echo "   log: $(grep DEMO1B "$work/b/smimegw.log" | cut -d' ' -f5- | cut -c1-150)..."
grep -E '^(X-SMIME-Gateway|Subject):' "$work/b/out/0.msg" | sed 's/^/   /'
python3 - "$msg" "$work/b/out/0.msg" <<'PY'
import email, sys
from email import policy
a, b = (email.message_from_binary_file(open(p, 'rb'), policy=policy.default) for p in sys.argv[1:])
pa = [(p.get_content_type(), p.get_payload(decode=True)) for p in a.walk() if not p.is_multipart()]
pb = [(p.get_content_type(), p.get_payload(decode=True)) for p in b.walk() if not p.is_multipart()]
assert pa == pb, "decrypted parts differ from the original"
print("   Bob's copy: %d MIME parts, every one identical to Alice's (text and attachment)" % len(pb))
PY

step "the envelope engine alone: smimegw-cms encrypts $(basename "$msg") for b.example"
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
