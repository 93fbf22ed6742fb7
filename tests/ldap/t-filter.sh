#!/bin/bash
# t-filter - the filter follows the community with no manual step: after
# a sync it encrypts to a new member's certificate from the snapshot,
# defers mail to a member whose certificate is unusable, leaves strangers
# alone, and stops encrypting to a member removed from the directory.
# The local certificate directory stays empty throughout.
SYNC=$1 SNAPFIND=$2 PKI=$3
. "$(dirname "$0")/lib.sh"
SMIMEGW=$(dirname "$SYNC")/smimegw
[ -x "$SMIMEGW" ] || fail "no smimegw next to $SYNC"
U=65534

ldap_setup
{
	member_ldif d.example "$PKI/d1.der"
	member_ldif c.example ""
} >"$T/members.ldif"
slapd_load "$T/members.ldif" || fail "load"

mkdir -p "$T/gw/certs" "$T/gw/cap"
install -m 755 "$SMIMEGW" "$T/gw/smimegw"
cp "$PKI/b1.pem" "$T/gw/own.pem"
install -m 600 "$PKI/b1.key" "$T/gw/own.key"
cat >"$T/gw/sendmail" <<EOF2
#!/bin/sh
n=\$(ls "$T/gw/cap" | wc -l)
printf '%s\n' "\$@" >"$T/gw/cap/\$n.argv"
cat >"$T/gw/cap/\$n.msg"
EOF2
chmod 755 "$T/gw/sendmail"
cat >"$T/smimegw.conf" <<EOF2
[gateway]
domains = a.example
certificate = $T/gw/own.pem
private_key = $T/gw/own.key
sendmail = $T/gw/sendmail
log_file = $T/gw/smimegw.log
[certificates]
directory = $T/gw/certs
[signing]
mode = none
[ldap]
uri = $SLAPD_URI
starttls = no
base = $BASE_DN
directory = $T/var/community
timeout = 5
EOF2
chmod 644 "$T/smimegw.conf"
chown -R $U:$U "$T/gw" "$T/var"

# as_u CMD... - as the filter's user, minimal environment
as_u() { setpriv --reuid=$U --regid=$U --clear-groups -- env -i PATH=/usr/bin:/bin "$@"; }

# send RCPT - one message through the filter; rc in $frc, the copy in
#	$T/gw/cap/0.msg (the capture is emptied first)
send() {
	rm -f "$T/gw/cap/"*
	printf 'From: alice@a.example\nTo: %s\nSubject: t\n\nthe secret FILTERCANARY\n' "$1" >"$T/msg"
	set +e
	as_u "$T/gw/smimegw" -c "$T/smimegw.conf" -q LDAPT -f alice@a.example -- "$1" \
		<"$T/msg" >"$T/fout" 2>&1
	frc=$?
	set -e
}

# encrypted_for KEY CERT - the capture opens with that key
encrypted_for() {
	grep -qi '^Content-Type: application/pkcs7-mime' "$T/gw/cap/0.msg" ||
		fail "not encrypted: $(head -c 300 "$T/gw/cap/0.msg")"
	sed '1,/^$/d' "$T/gw/cap/0.msg" | base64 -d >"$T/c.der"
	openssl cms -decrypt -inform DER -in "$T/c.der" -recip "$2" -inkey "$1" \
		-out "$T/c.plain" 2>/dev/null || fail "does not open with $(basename "$1")"
	grep -q FILTERCANARY "$T/c.plain" || fail "decrypted, but not the message"
}

set +e
as_u "$SYNC" -c "$T/smimegw.conf" sync >"$T/out" 2>"$T/err"
rc=$?
set -e
expect_rc 0 "first sync (as the filter's user)"

send carol@d.example
[ "$frc" = 0 ] || fail "new member: exit $frc ($(cat "$T/fout"))"
encrypted_for "$PKI/d1.key" "$PKI/d1.pem"
send x@c.example
[ "$frc" = 75 ] || fail "member without a usable certificate: exit $frc, expected 75"
[ ! -e "$T/gw/cap/0.msg" ] || fail "member without a certificate: something was sent"
send y@z.example
[ "$frc" = 0 ] || fail "stranger: exit $frc"
grep -q FILTERCANARY "$T/gw/cap/0.msg" || fail "stranger: not the plain message"

# d.example leaves the community
printf '%s\n' "dn: o=d.example,$BASE_DN" "changetype: delete" >"$T/del.ldif"
slapd_modify "$T/del.ldif" || fail "delete d"
set +e
as_u "$SYNC" -c "$T/smimegw.conf" sync --force >"$T/out" 2>"$T/err"
rc=$?
set -e
expect_rc 0 "sync after d left"
send carol@d.example
[ "$frc" = 0 ] || fail "former member: exit $frc"
grep -q FILTERCANARY "$T/gw/cap/0.msg" || fail "former member: not plain (mixed_recipients = split)"
# smimegw-cert check: a snapshot not refreshed goes WARNING, then CRITICAL
sed -i 's/^timeout = 5$/timeout = 5\nmax_age = 1/' "$T/smimegw.conf"
sleep 3
set +e
as_u "$SYNC" -c "$T/smimegw.conf" check --warn 1 --crit 0 >"$T/check" 2>&1
crc=$?
set -e
[ "$crc" = 2 ] || fail "check of a stale snapshot: exit $crc, expected 2: $(cat "$T/check")"
grep -q '^SMIMEGW-CERT CRITICAL - .*snapshot' "$T/check" || fail "check line: $(cat "$T/check")"
echo "PASS t-filter"
