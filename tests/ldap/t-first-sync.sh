#!/bin/bash
# t-first-sync - the first sync builds a complete snapshot from slapd: one
# DOMAIN.pem per member (userCertificate;binary, and PKCS#7
# userSMIMECertificate without its CA), the members list, the CRLs, a
# symlink to the snapshot; lookups through sg_ldapsnap_find; a second sync
# with nothing changed reports no change and leaves two snapshots at most.
SYNC=$1 SNAPFIND=$2 PKI=$3
. "$(dirname "$0")/lib.sh"

ldap_setup
{
	member_ldif b.example "$PKI/b1.der"
	member_ldif c.example "$PKI/c1.der"
	member_ldif f.example "$PKI/f.p7b" userSMIMECertificate
	crl_ldif "$PKI/e-crl.der"
} >"$T/members.ldif"
slapd_load "$T/members.ldif" || fail "load"
ldap_conf "uri = $SLAPD_URI" "starttls = no" "crl_base = $CRL_DN"

sync_run
expect_rc 0 "first sync"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "summary is not one line"
summary_has "members 3 (added 3, changed 0, removed 0, unchanged 0)"
summary_has "CRLs 1 (refreshed 1)"
summary_has "without certificate 0, skipped 0"
[ -L "$T/var/community" ] || fail "the snapshot is not a symlink"
snap_has b.example "$PKI/b1.der"
snap_has c.example "$PKI/c1.der"
snap_has f.example "$PKI/f1.der"
printf '%s\n' b.example c.example f.example | cmp -s - "$T/var/community/members" ||
	fail "members file: $(cat "$T/var/community/members")"
crl=$(ls "$T/var/community/crls")
[ "$(echo "$crl" | wc -w)" -eq 1 ] || fail "crls/: $crl"
cmp -s <(openssl crl -in "$T/var/community/crls/$crl" -outform DER) "$PKI/e-crl.der" ||
	fail "the CRL in the snapshot is not the directory's"

# Lookups as the filter will make them.
out=$("$SNAPFIND" find "$T/var/community" Bob@Dept.B.Example) || fail "find b"
case $out in */b.example.pem) ;; *) fail "find b gave $out" ;; esac
[ "$(openssl x509 -in "$out" -outform DER | sha256sum)" = "$(sha256sum <"$PKI/b1.der")" ] ||
	fail "find b: not b1"
out=$("$SNAPFIND" find "$T/var/community" x@z.example) || fail "find z"
[ "$out" = none ] || fail "find z gave $out"
[ "$("$SNAPFIND" member "$T/var/community" dept.c.example)" = yes ] || fail "member c"
[ "$("$SNAPFIND" member "$T/var/community" z.example)" = no ] || fail "member z"
[ "$("$SNAPFIND" age "$T/var/community" 3600)" = fresh ] || fail "age"
# Never synced: an empty community, not an error.
out=$("$SNAPFIND" find "$T/var/nothing" x@b.example) || fail "find in no snapshot"
[ "$out" = none ] || fail "find in no snapshot gave $out"

# Nothing changed: nothing reported, at most the current and one previous.
first=$(readlink "$T/var/community")
sync_run
expect_rc 0 "second sync"
summary_has "members 3 (added 0, changed 0, removed 0, unchanged 3)"
summary_has "CRLs 1 (refreshed 0)"
[ "$(readlink "$T/var/community")" != "$first" ] || fail "not switched"
sync_run
expect_rc 0 "third sync"
[ ! -e "$T/var/$first" ] || fail "the oldest snapshot was not removed"
n=$(find "$T/var" -maxdepth 1 -name '.community.*' -type d | wc -l)
[ "$n" -eq 2 ] || fail "$n snapshot directories, expected 2"
grep -q "ldap sync from $SLAPD_URI: members 3" "$T/sync.log" || fail "no summary in the log"
echo "PASS t-first-sync"
