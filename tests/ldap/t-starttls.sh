#!/bin/bash
# t-starttls - StartTLS against a slapd with a test certificate, verified
# against ca_file, then a simple bind with the password from a 0600 file.
# Refused, each with exit 75 (or 1 for configuration) and the snapshot
# kept: a wrong CA, a wrong password, a password file readable by others,
# a password without TLS, and a server without TLS when starttls = yes
# (never a fallback to clear text).
SYNC=$1 SNAPFIND=$2 PKI=$3
. "$(dirname "$0")/lib.sh"

ldap_setup tls
member_ldif b.example "$PKI/b1.der" >"$T/members.ldif"
slapd_load "$T/members.ldif" || fail "load"
printf '%s\n' "$SLAPD_ROOTPW" >"$T/pw"
chmod 600 "$T/pw"
printf '%s\n' wrong >"$T/badpw"
chmod 600 "$T/badpw"
tls=("uri = $SLAPD_URI" "starttls = yes" "bind_dn = $SLAPD_ROOTDN")

ldap_conf "${tls[@]}" "ca_file = $PKI/dir-ca.pem" "bind_password_file = $T/pw"
sync_run
expect_rc 0 "StartTLS with the right CA"
snap_has b.example "$PKI/b1.der"
before=$(readlink "$T/var/community")

ldap_conf "${tls[@]}" "ca_file = $PKI/wrong-ca.pem" "bind_password_file = $T/pw"
sync_run
expect_rc 75 "StartTLS with a wrong CA"
grep -q "StartTLS failed" "$T/err" || fail "wrong CA: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "not one line: $(cat "$T/err")"

ldap_conf "${tls[@]}" "ca_file = $PKI/dir-ca.pem" "bind_password_file = $T/badpw"
sync_run
expect_rc 75 "a wrong password"
grep -q "bind refused: Invalid credentials" "$T/err" || fail "bad password: $(cat "$T/err")"

chmod 644 "$T/pw"
ldap_conf "${tls[@]}" "ca_file = $PKI/dir-ca.pem" "bind_password_file = $T/pw"
sync_run
expect_rc 1 "a password file readable by others"
grep -q "accessible by group or others (mode 0644" "$T/err" || fail "mode: $(cat "$T/err")"
chmod 600 "$T/pw"

ldap_conf "uri = $SLAPD_URI" "starttls = no" "bind_dn = $SLAPD_ROOTDN" \
	"bind_password_file = $T/pw"
sync_run
expect_rc 1 "a password without TLS"
grep -q "refusing to send the bind password without TLS" "$T/err" || fail "clear: $(cat "$T/err")"
[ "$(readlink "$T/var/community")" = "$before" ] || fail "a failed sync switched the snapshot"

# A server without TLS: starttls = yes fails, it does not go on in clear.
slapd_stop
mkdir "$T/plain"
slapd_start "$T/plain" "$SG_LDAP_PORT" || fail "plain slapd"
ldap_conf "uri = $SLAPD_URI" "starttls = yes" "ca_file = $PKI/dir-ca.pem"
sync_run
expect_rc 75 "starttls against a server without TLS"
grep -q "StartTLS failed" "$T/err" || fail "no TLS: $(cat "$T/err")"
[ "$(readlink "$T/var/community")" = "$before" ] || fail "switched"
echo "PASS t-starttls"
