#!/bin/bash
# t-member-changes - the snapshot follows the directory with no manual
# step: a new member appears (and is found for its recipients), a
# certificate replaced in LDAP is the one used after the next sync, a
# member removed from LDAP is no longer a member and gets no certificate.
SYNC=$1 SNAPFIND=$2 PKI=$3
. "$(dirname "$0")/lib.sh"

ldap_setup
{
	member_ldif b.example "$PKI/b1.der"
	member_ldif c.example "$PKI/c1.der"
	member_ldif f.example "$PKI/f.p7b" userSMIMECertificate
} >"$T/members.ldif"
slapd_load "$T/members.ldif" || fail "load"
ldap_conf "uri = $SLAPD_URI" "starttls = no"
sync_run
expect_rc 0 "first sync"
out=$("$SNAPFIND" find "$T/var/community" x@d.example) || fail "find d"
[ "$out" = none ] || fail "d.example before it joined: $out"

# A new member.
member_ldif d.example "$PKI/d1.der" >"$T/d.ldif"
slapd_load "$T/d.ldif" || fail "add d"
sync_run
expect_rc 0 "sync after d joined"
summary_has "members 4 (added 1, changed 0, removed 0, unchanged 3)"
snap_has d.example "$PKI/d1.der"
out=$("$SNAPFIND" find "$T/var/community" carol@d.example) || fail "find d"
[ "$(openssl x509 -in "$out" -outform DER | sha256sum)" = "$(sha256sum <"$PKI/d1.der")" ] ||
	fail "find d: not d1 ($out)"

# A certificate replaced.
printf '%s\n' "dn: o=b.example,$BASE_DN" "changetype: modify" \
	"replace: userCertificate;binary" \
	"userCertificate;binary:: $(base64 -w0 "$PKI/b2.der")" >"$T/b2.ldif"
slapd_modify "$T/b2.ldif" || fail "replace b"
sync_run
expect_rc 0 "sync after b's new certificate"
summary_has "members 4 (added 0, changed 1, removed 0, unchanged 3)"
snap_has b.example "$PKI/b2.der"

# A member removed.
printf '%s\n' "dn: o=c.example,$BASE_DN" "changetype: delete" >"$T/del.ldif"
slapd_modify "$T/del.ldif" || fail "delete c"
sync_run
expect_rc 0 "sync after c left"
summary_has "members 3 (added 0, changed 0, removed 1, unchanged 3)"
[ ! -e "$T/var/community/c.example.pem" ] || fail "c.example.pem still there"
[ "$("$SNAPFIND" member "$T/var/community" c.example)" = no ] || fail "c still a member"
out=$("$SNAPFIND" find "$T/var/community" x@c.example) || fail "find c"
[ "$out" = none ] || fail "c.example after it left: $out"
echo "PASS t-member-changes"
