#!/bin/bash
# t-mass-removal - a sync that would drop more than half of the community
# at once (here a member filter that matches almost nothing) is refused
# with exit 75 and the snapshot kept; --force accepts it. Dropping exactly
# half is allowed.
SYNC=$1 SNAPFIND=$2 PKI=$3
. "$(dirname "$0")/lib.sh"

ldap_setup
{
	member_ldif b.example "$PKI/b1.der"
	member_ldif c.example "$PKI/c1.der"
	member_ldif d.example "$PKI/d1.der"
	member_ldif f.example "$PKI/f1.der"
} >"$T/members.ldif"
slapd_load "$T/members.ldif" || fail "load"
ldap_conf "uri = $SLAPD_URI" "starttls = no"
sync_run
expect_rc 0 "first sync"
before=$(readlink "$T/var/community")

# Half of them (2 of 4) may go.
ldap_conf "uri = $SLAPD_URI" "starttls = no" \
	"member_filter = (|(associatedDomain=b.example)(associatedDomain=c.example))"
sync_run
expect_rc 0 "dropping half"
summary_has "removed 2"
before=$(readlink "$T/var/community")

# More than half (1 of 2... here 2 of 2) is refused.
ldap_conf "uri = $SLAPD_URI" "starttls = no" \
	"member_filter = (associatedDomain=nobody.example)"
sync_run
expect_rc 75 "dropping everything"
grep -q "refusing to remove 2 of the 2 community members" "$T/err" || fail "$(cat "$T/err")"
grep -q -- "--force" "$T/err" || fail "does not mention --force"
[ "$(readlink "$T/var/community")" = "$before" ] || fail "switched anyway"
snap_has b.example "$PKI/b1.der"

sync_run --force
expect_rc 0 "with --force"
summary_has "members 0 (added 0, changed 0, removed 2, unchanged 0)"
[ ! -s "$T/var/community/members" ] || fail "members left"
echo "PASS t-mass-removal"
