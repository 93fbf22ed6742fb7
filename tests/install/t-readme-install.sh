#!/usr/bin/env bash
# NAME
#	t-readme-install.sh - the README's "Install into Postfix", run literally
# SYNOPSIS
#	t-readme-install.sh SOURCE_DIR
# DESCRIPTION
#	Takes every "```sh step=NAME" block of README.md's "Install into
#	Postfix" section, as written, and runs them in order as root, in the
#	top of a copy of the source tree, on a throw-away overlay of this
#	machine with its own network and PID namespaces (sandbox.sh): the
#	machine's /etc/postfix, users and /usr/local are never changed, and
#	Postfix started by the README dies with the namespace. The sandbox
#	starts as a "No configuration" Debian 12 would: no main.cf, no postlog
#	statoverride. The partner's certificate the README imports
#	(b.example.pem) is tests/pki's gateway of b.example.
#	Then it proves what the README promises:
#	- every block ran and exited 0; the last one said "configuration OK";
#	- "man -w smimegw" finds the installed page;
#	- running the Postfix block a second time adds no master.cf entry;
#	- mail sent by SMTP to the gateway's smtpd from alice@a.example to
#	  bob@b.example leaves (to a recording relay standing in for b.example's
#	  MX) as application/pkcs7-mime without the plaintext, and openssl cms
#	  decrypts it with b.example's key back to the plaintext.
#	Skips (77) without root.
set -euo pipefail
src=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sandbox.sh"
[ "$(id -u)" -eq 0 ] || { echo "t-readme-install: needs root; skipped"; exit 77; }
steps="build key selfsign import config postfix check probe"
work=$(mktemp -d /tmp/smimegw-readme.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# The README's blocks, literally.
mkdir "$work/steps"
awk -v dir="$work/steps" '
	/^## / { in_sec = ($0 == "## Install into Postfix") }
	in_sec && /^```sh step=/ { f = dir "/" substr($2, 6) ".sh"; next }
	f != "" && /^```$/ { close(f); f = ""; next }
	f != "" { print > f }' "$src/README.md"
for s in $steps; do
	[ -s "$work/steps/$s.sh" ] || { echo "FAIL: README has no \"sh step=$s\" block in Install into Postfix" >&2; exit 1; }
done
n=$(ls "$work/steps" | wc -l)
[ "$n" -eq "$(echo $steps | wc -w)" ] || { echo "FAIL: README has blocks this test does not know: $(ls "$work/steps")" >&2; exit 1; }

# A copy of the tree, without build directories (the README builds in ./build).
mkdir "$work/src"
tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$work/src" -xf -
bash "$src/tests/pki/gen-test-pki.sh" "$work/pki" "$src/tests/data/nss" >/dev/null
cp "$work/pki/gw-b.pem" "$work/src/b.example.pem"

cat >"$work/inside.sh" <<'INSIDE'
set -uo pipefail
work=$1 steps=$2 lab=$3
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
# a fresh "No configuration" Debian 12
rm -f /etc/postfix/main.cf
if dpkg-statoverride --list /usr/sbin/postlog >/dev/null; then
	dpkg-statoverride --remove /usr/sbin/postlog
	chown root:root /usr/sbin/postlog && chmod 0755 /usr/sbin/postlog
fi
cd "$work/src"
for s in $steps; do
	echo "=== README step $s"
	sed 's/^/    | /' "$work/steps/$s.sh"
	if ! bash -euxo pipefail "$work/steps/$s.sh" >"$work/$s.out" 2>&1; then
		cat "$work/$s.out" >&2
		echo "FAIL: README step $s exited non-zero" >&2
		exit 1
	fi
	tail -n 5 "$work/$s.out"
done
grep -q 'configuration OK' "$work/check.out" || bad "step check did not say configuration OK"
grep -q 'bob@b.example' "$work/probe.out" && grep -qi 'encrypted' "$work/probe.out" ||
	bad "step probe did not report bob@b.example encrypted: $(cat "$work/probe.out")"
[ "$(realpath "$(man -w smimegw)")" = /usr/local/share/man/man8/smimegw.8 ] || bad "man -w smimegw: $(man -w smimegw 2>&1)"

echo "=== the Postfix step again: no duplicates"
m1=$(postconf -M | sort)
bash -eu "$work/steps/postfix.sh" >/dev/null 2>&1 || bad "the Postfix step failed the second time"
[ "$(postconf -M | sort)" = "$m1" ] || bad "running the Postfix step twice changed master.cf"
[ "$(postconf -M | grep -c '^smimegw ')" -eq 1 ] || bad "not one smimegw service"
[ "$(postconf -M | grep -c '^smtp  *inet')" -eq 1 ] || bad "not one smtp inet service"

echo "=== mail to b.example leaves encrypted"
mkdir -p "$work/relay"
python3 "$lab/e2e_relay.py" --listen 127.0.0.1:2525 --spool "$work/relay" \
	--name mx.b.example >"$work/relay.log" 2>&1 &
for _ in $(seq 50); do grep -qs ready "$work/relay.log" && break; sleep 0.1; done
postconf -e 'transport_maps = inline:{ a.example=smtp:[mail.a.example], b.example=smtp:[127.0.0.1]:2525 }'
postfix reload >/dev/null 2>&1
python3 - <<'PY' || bad "smtpd did not take the message"
import smtplib
m = ("From: alice@a.example\r\nTo: bob@b.example\r\nSubject: readme test\r\n"
     "Message-ID: <readme-1@a.example>\r\n\r\nPURPLE-WALRUS-1984\r\n")
with smtplib.SMTP("127.0.0.1", 25, timeout=30) as s:
    s.sendmail("alice@a.example", ["bob@b.example"], m)
PY
for _ in $(seq 300); do ls "$work/relay/"*.json >/dev/null 2>&1 && break; sleep 0.1; done
eml=$(ls "$work/relay/"*.eml 2>/dev/null | head -n 1)
if [ -z "$eml" ]; then
	bad "nothing reached b.example's MX in 30 s"
	tail -n 30 /var/log/postfix.log >&2
else
	grep -qi '^Content-Type: application/pkcs7-mime' "$eml" || bad "the copy for b.example is not S/MIME"
	grep -q PURPLE-WALRUS "$eml" && bad "the plaintext left for b.example"
	tr -d '\r' <"$eml" | openssl cms -decrypt -inkey "$work/pki/gw-b.key" \
		-recip "$work/pki/gw-b.pem" 2>&1 | grep PURPLE-WALRUS-1984 >/dev/null \
		|| bad "openssl cms could not decrypt the copy with b.example's key"
	grep -q 'smimegw.*action=encrypted' /var/log/postfix.log || bad "no action=encrypted line in /var/log/postfix.log"
fi
postfix stop >/dev/null 2>&1 || true
exit "$fail"
INSIDE
sandbox_run "$work/upper" --net -- bash "$work/inside.sh" "$work" "$steps" "$src/tests/e2e"
echo "t-readme-install: OK"
