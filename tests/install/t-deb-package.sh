#!/usr/bin/env bash
# NAME
#	t-deb-package.sh - the Debian package installs, works, and goes away
# SYNOPSIS
#	t-deb-package.sh SOURCE_DIR BUILD_DIR
# DESCRIPTION
#	Builds the package with "cpack -G DEB" from BUILD_DIR, then, in a
#	throw-away overlay of this machine (sandbox.sh: the real dpkg
#	database, users and Postfix are never touched):
#	1. dpkg -i: the smimegw user, /etc/smimegw and /etc/smimegw/certs
#	   (0700, smimegw), the conffile, the programs, "man -w smimegw",
#	   master.cf.sample naming /usr/sbin/smimegw, the systemd units, the
#	   postlog statoverride (added, since the sandbox starts without one);
#	2. a gateway key pair from tests/pki/gen-test-pki.sh and the shipped
#	   /etc/smimegw/smimegw.conf with its placeholder replaced:
#	   "smimegw -n" run as the smimegw user (runuser) exits 0; with the
#	   placeholder left in, the filter defers (75), it never passes mail;
#	3. dpkg -r keeps /etc/smimegw, dpkg -P removes it, the statoverride it
#	   added, /var/lib/smimegw; nothing the package put anywhere is left
#	   (every change left in the overlay is dpkg's own bookkeeping or the
#	   user, which Debian practice keeps);
#	4. installed again over an administrator's own statoverride: it is
#	   kept on install and on purge.
#	Skips (77) without root.
set -euo pipefail
src=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sandbox.sh"
[ "$(id -u)" -eq 0 ] || { echo "t-deb-package: needs root; skipped"; exit 77; }
for t in cpack dpkg-deb dpkg-shlibdeps unshare man openssl; do
	command -v "$t" >/dev/null || { echo "FAIL: $t not installed" >&2; exit 1; }
done
work=$(mktemp -d /tmp/smimegw-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 \
	|| { cat "$work/cpack.log" >&2; echo "FAIL: cpack" >&2; exit 1; }
deb=$(ls "$work"/out/smimegw_*.deb)
echo "built $(basename "$deb")"
dpkg-deb -f "$deb" Depends Recommends
dpkg-deb -f "$deb" Depends | grep 'libgnutls30' >/dev/null \
	|| { echo "FAIL: Depends does not name libgnutls30 (shlibdeps)" >&2; exit 1; }
# the filter opens GMime with dlopen(3): named by hand, not by shlibdeps
dpkg-deb -f "$deb" Depends | grep -E '(^|, )libgmime-3\.0-0(,|$| )' >/dev/null \
	|| { echo "FAIL: Depends does not name libgmime-3.0-0" >&2; exit 1; }
dpkg-deb -f "$deb" Recommends | grep -x 'postfix' >/dev/null \
	|| { echo "FAIL: postfix not recommended" >&2; exit 1; }
bash "$src/tests/pki/gen-test-pki.sh" "$work/pki" "$src/tests/data/nss" >/dev/null
chmod -R go+rX "$work/pki"

cat >"$work/inside.sh" <<'INSIDE'
set -euo pipefail
deb=$1 pki=$2
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
check() { local what=$1; shift; "$@" >/dev/null 2>&1 || bad "$what"; }
mode() { stat -c '%a %U:%G' "$1"; }
upper_list() {
	(cd "$SANDBOX_UPPER" && find etc usr var opt srv root -mindepth 1 \
		\( -type f -o -type l -o -type c \) 2>/dev/null | sort)
}

# the sandbox starts as a fresh Debian 12 would: no postlog override
if dpkg-statoverride --list /usr/sbin/postlog >/dev/null; then
	dpkg-statoverride --remove /usr/sbin/postlog
	chown root:root /usr/sbin/postlog && chmod 0755 /usr/sbin/postlog
fi
getent passwd smimegw >/dev/null && { echo "FAIL: user smimegw exists before" >&2; exit 1; }
before=$(upper_list)

echo "== 1. dpkg -i"
dpkg -i "$deb"
check "user smimegw" getent passwd smimegw
[ "$(getent passwd smimegw | cut -d: -f7)" = /usr/sbin/nologin ] || bad "smimegw has a login shell"
[ "$(mode /etc/smimegw)" = "700 smimegw:smimegw" ] || bad "/etc/smimegw is $(mode /etc/smimegw)"
[ "$(mode /etc/smimegw/certs)" = "700 smimegw:smimegw" ] || bad "/etc/smimegw/certs is $(mode /etc/smimegw/certs)"
dpkg-query -W -f='${Conffiles}\n' smimegw | grep '^ /etc/smimegw/smimegw.conf ' >/dev/null \
	|| bad "/etc/smimegw/smimegw.conf is not a conffile"
[ -x /usr/sbin/smimegw ] || bad "no /usr/sbin/smimegw"
[ -x /usr/bin/smimegw-cms ] || bad "no /usr/bin/smimegw-cms"
/usr/sbin/smimegw --version | grep '^smimegw ' >/dev/null || bad "smimegw --version"
[ "$(man -w smimegw)" = /usr/share/man/man8/smimegw.8 ] || bad "man -w smimegw: $(man -w smimegw 2>&1)"
[ "$(man -w 5 smimegw.conf)" = /usr/share/man/man5/smimegw.conf.5 ] || bad "man -w 5 smimegw.conf"
[ "$(man -w smimegw-cms)" = /usr/share/man/man1/smimegw-cms.1 ] || bad "man -w smimegw-cms"
man 8 smimegw 2>/dev/null | grep 'content filter' >/dev/null || bad "man smimegw does not render"
grep -q 'argv=/usr/sbin/smimegw ' /usr/share/doc/smimegw/master.cf.sample \
	|| bad "master.cf.sample does not name /usr/sbin/smimegw"
grep -q '^ExecStart=/usr/sbin/smimegw -n' /usr/lib/systemd/system/smimegw-check.service \
	|| bad "smimegw-check.service"
check "smimegw-check.timer" test -f /usr/lib/systemd/system/smimegw-check.timer
cmp -s /usr/share/doc/smimegw/smimegw.conf.sample /etc/smimegw/smimegw.conf \
	|| bad "the conffile is not the sample"
[ "$(dpkg-statoverride --list /usr/sbin/postlog)" = "root postdrop 2555 /usr/sbin/postlog" ] \
	|| bad "postlog statoverride not set"
[ "$(mode /usr/sbin/postlog)" = "2555 root:postdrop" ] || bad "postlog is $(mode /usr/sbin/postlog)"

echo "== 2. smimegw -n as smimegw"
# The shipped file as it is: the placeholder domain and no key yet. The
# filter must defer (75), never pass mail through.
rc=0
printf 'From: a@x.example\nTo: b@y.example\nSubject: t\n\nhi\n' \
	| runuser -u smimegw -- /usr/sbin/smimegw -f a@x.example -- b@y.example >/tmp/out 2>&1 || rc=$?
[ "$rc" -eq 75 ] || bad "unconfigured filter exited $rc, not 75: $(cat /tmp/out)"
install -o smimegw -g smimegw -m 600 "$pki/gw-a.key" /etc/smimegw/gateway.key
install -o smimegw -g smimegw -m 644 "$pki/gw-a.pem" /etc/smimegw/gateway.pem
install -m 644 "$pki/gw-b.pem" /etc/smimegw/certs/b.example.pem
install -d -o smimegw -m 755 /var/log/smimegw-t
sed -i -e 's/^domains = example.invalid$/domains = a.example/' \
	-e 's|^;log_file = .*|log_file = /var/log/smimegw-t/smimegw.log|' /etc/smimegw/smimegw.conf
out=$(runuser -u smimegw -- smimegw -n 2>&1) || bad "smimegw -n as smimegw: $out"
echo "$out"
echo "$out" | grep 'configuration OK' >/dev/null || bad "smimegw -n did not say OK"
# and it is the check that can fail: a key readable by others is refused
chmod 644 /etc/smimegw/gateway.key
runuser -u smimegw -- smimegw -n >/dev/null 2>&1 && bad "smimegw -n accepted a world-readable key"
chmod 600 /etc/smimegw/gateway.key

echo "== 3. dpkg -r, dpkg -P"
dpkg -r smimegw
[ ! -e /usr/sbin/smimegw ] || bad "dpkg -r left /usr/sbin/smimegw"
[ -f /etc/smimegw/smimegw.conf ] && [ -f /etc/smimegw/gateway.key ] || bad "dpkg -r removed the configuration"
dpkg -P smimegw
for f in /etc/smimegw /var/lib/smimegw /usr/share/doc/smimegw /usr/sbin/smimegw \
	 /usr/bin/smimegw-cms /usr/share/man/man8/smimegw.8 /usr/lib/systemd/system/smimegw-check.timer; do
	[ ! -e "$f" ] || bad "purge left $f"
done
dpkg-statoverride --list /usr/sbin/postlog >/dev/null && bad "purge left the postlog statoverride it added"
[ "$(mode /usr/sbin/postlog)" = "755 root:root" ] || bad "postlog is $(mode /usr/sbin/postlog) after purge"
check "purge removed the user smimegw (Debian practice keeps it)" getent passwd smimegw
# everything the sandbox still holds that it did not hold before install:
# only dpkg's bookkeeping, the user's entries, man-db's cache
left=$(comm -13 <(echo "$before") <(upper_list) | grep -vE \
	'^etc/(passwd|group|shadow|gshadow|subuid|subgid)-?$|^etc/\.pwd\.lock$|^var/lib/dpkg/|^var/log/(dpkg\.log|faillog|lastlog|smimegw-t/.*)$|^var/cache/(man|debconf)/|^etc/ld\.so\.cache$' || true)
[ -z "$left" ] || bad "left after purge: $left"

echo "== 4. an administrator's statoverride is theirs"
dpkg-statoverride --update --add root postdrop 2555 /usr/sbin/postlog
dpkg -i "$deb" >/dev/null
[ ! -e /var/lib/smimegw/postlog-statoverride ] || bad "recorded an override it did not add"
dpkg -P smimegw >/dev/null
[ "$(dpkg-statoverride --list /usr/sbin/postlog)" = "root postdrop 2555 /usr/sbin/postlog" ] \
	|| bad "purge removed the administrator's postlog statoverride"
exit "$fail"
INSIDE
sandbox_run "$work/upper" -- bash "$work/inside.sh" "$deb" "$work/pki"
echo "t-deb-package: OK"
