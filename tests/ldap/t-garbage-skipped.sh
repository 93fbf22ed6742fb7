#!/bin/bash
# t-garbage-skipped - one bad entry does not stop the rest: a value that is
# no certificate (in userSMIMECertificate: slapd itself refuses garbage in
# userCertificate), a 1024-bit key, a certificate for another domain and a
# domain value that is not a domain are each skipped and logged with the
# entry's DN; the good members are in the snapshot. A member left without
# any usable certificate stays a member and defers (fail closed).
SYNC=$1 SNAPFIND=$2 PKI=$3
. "$(dirname "$0")/lib.sh"

ldap_setup
{
	member_ldif b.example "$PKI/b1.der"
	member_ldif g.example "$PKI/garbage.der" userSMIMECertificate
	member_ldif w.example "$PKI/weak.der"
	member_ldif m.example "$PKI/c1.der"	# c.example's certificate
	member_ldif "bad example" "$PKI/d1.der"
	member_ldif c.example "$PKI/c1.der"
} >"$T/members.ldif"
slapd_load "$T/members.ldif" || fail "load"
ldap_conf "uri = $SLAPD_URI" "starttls = no"
sync_run
expect_rc 0 "sync"
summary_has "members 5 (added 5, changed 0, removed 0, unchanged 0), without certificate 3, skipped 4"
snap_has b.example "$PKI/b1.der"
snap_has c.example "$PKI/c1.der"
for d in g w m; do
	[ ! -e "$T/var/community/$d.example.pem" ] || fail "$d.example.pem written"
done
grep -q "o=g.example,$BASE_DN: skipped a userSMIMECertificate value that is not a PKCS#7 with certificates" "$T/sync.log" ||
	fail "garbage not logged"
grep -q "o=w.example,$BASE_DN: w.example: skipped a certificate .*weak key (RSA 1024" "$T/sync.log" ||
	fail "weak key not logged"
grep -q "o=m.example,$BASE_DN: m.example: skipped a certificate" "$T/sync.log" ||
	fail "name mismatch not logged"
grep -q "skipped the domain 'bad example'" "$T/sync.log" || fail "bad domain not logged"
set +e
"$SNAPFIND" find "$T/var/community" x@g.example >/dev/null 2>&1
frc=$?
set -e
[ "$frc" -eq 75 ] || fail "g.example (member, garbage certificate): exit $frc, expected 75"
echo "PASS t-garbage-skipped"
