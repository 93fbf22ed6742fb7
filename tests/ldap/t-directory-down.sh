#!/bin/bash
# t-directory-down - slapd stopped (or a port where nobody listens): the
# sync fails safe: exit 75, one line on stderr, the snapshot in use is
# kept as it was. A failover URI list reaches the second server.
SYNC=$1 SNAPFIND=$2 PKI=$3
. "$(dirname "$0")/lib.sh"

ldap_setup
member_ldif b.example "$PKI/b1.der" >"$T/members.ldif"
slapd_load "$T/members.ldif" || fail "load"
# The first URI is dead: failover to the running slapd.
ldap_conf "uri = ldap://127.0.0.1:1 $SLAPD_URI" "starttls = no"
sync_run
expect_rc 0 "sync with failover"
summary_has "ldap sync from $SLAPD_URI: members 1"
before=$(readlink "$T/var/community")
sum_before=$(sha256sum <"$T/var/community/b.example.pem")

slapd_stop
sync_run
expect_rc 75 "sync with slapd stopped"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "not one line: $(cat "$T/err")"
grep -q "Can't contact LDAP server" "$T/err" || fail "unclear: $(cat "$T/err")"
grep -q "snapshot kept" "$T/err" || fail "does not say the snapshot is kept"
[ ! -s "$T/out" ] || fail "a summary on failure"
[ "$(readlink "$T/var/community")" = "$before" ] || fail "the snapshot was switched"
[ "$(sha256sum <"$T/var/community/b.example.pem")" = "$sum_before" ] || fail "b.example.pem changed"
n=$(find "$T/var" -maxdepth 1 -name '.community.*' | wc -l)
[ "$n" -eq 1 ] || fail "$n snapshot entries after the failure, expected 1"
grep -q "ldap sync failed, snapshot kept" "$T/sync.log" || fail "the failure is not logged"
echo "PASS t-directory-down"
