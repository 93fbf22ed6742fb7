#!/bin/bash
# t-crl - a CRL published in LDAP lands in the snapshot's crls/ and makes
# the certificate it revokes unusable: the member stays a member without
# a certificate, so its mail waits (sg_ldapsnap_find defers) rather than
# leave in clear. A newer CRL is counted as refreshed.
SYNC=$1 SNAPFIND=$2 PKI=$3
. "$(dirname "$0")/lib.sh"

ldap_setup
{
	member_ldif b.example "$PKI/b1.der"
	member_ldif e.example "$PKI/e1.der"
} >"$T/members.ldif"
slapd_load "$T/members.ldif" || fail "load"
ldap_conf "uri = $SLAPD_URI" "starttls = no" "crl_base = $CRL_DN"
sync_run
expect_rc 0 "sync without CRL"
summary_has "CRLs 0 (refreshed 0)"
snap_has e.example "$PKI/e1.der"
[ -z "$(ls "$T/var/community/crls")" ] || fail "crls/ not empty"

crl_ldif "$PKI/e-crl.der" >"$T/crl.ldif"
slapd_load "$T/crl.ldif" || fail "add CRL"
sync_run
expect_rc 0 "sync with CRL"
summary_has "CRLs 1 (refreshed 1)"
summary_has "members 2 (added 0, changed 1, removed 0, unchanged 1)"
crl=$(ls "$T/var/community/crls")
cmp -s <(openssl crl -in "$T/var/community/crls/$crl" -outform DER) "$PKI/e-crl.der" ||
	fail "crls/$crl is not the published CRL"
[ ! -e "$T/var/community/e.example.pem" ] || fail "revoked e1 still in the snapshot"
[ "$("$SNAPFIND" member "$T/var/community" e.example)" = yes ] || fail "e no longer a member"
set +e
"$SNAPFIND" find "$T/var/community" x@e.example >"$T/find" 2>"$T/err"
frc=$?
set -e
[ "$frc" -eq 75 ] || fail "find e.example: exit $frc, expected 75 (defer)"
grep -q "e.example is a community member without a usable certificate" "$T/err" ||
	fail "find e.example: $(cat "$T/err")"
grep -q "e.example: skipped a certificate .*revoked by a CRL" "$T/sync.log" ||
	fail "the revocation is not logged"
snap_has b.example "$PKI/b1.der"
echo "PASS t-crl"
