#!/usr/bin/env bash
# NAME
#	t-e2e-probe.sh - smimegw-test against a live Postfix gateway: OK when
#	wired, "never reached the filter" without content_filter, "deferred"
#	for a misnamed certificate; the probe never leaves the host
# SYNOPSIS
#	t-e2e-probe.sh SMIMEGW SMIMEGW_TEST [PKI_DIR]
# DESCRIPTION
#	Gateway A of the lab (lab.sh; B is not needed: what A sends to
#	b.example goes to the recording relay A->B, which forwards nowhere),
#	its smimegw.conf with probe_directory = A/probe (0700, the filter's
#	user). smimegw-test runs as root with -u (it becomes the filter's
#	user) and --smtp A's smtpd.
#	1. wired as master.cf.sample says: bob@b.example and alice@a.example
#	   -> exit 0, "OK encrypted (cert=b.example.pem, cipher=aes-256-cbc)"
#	   and "OK plain"; nothing crossed to the relay, alice's Maildir is
#	   empty, A's queue is empty, the probe directory is empty again;
#	   A's log has the filter's "probe: ... result=recorded" line.
#	2. carol@c.example (no certificate) -> exit 1, "FAIL plain (no
#	   certificate"; nothing reached c.example's MX.
#	3. certs/b.example.pem renamed b.example.crt -> exit 1, "FAIL
#	   deferred" naming b.example.crt and "misnamed"; nothing crossed.
#	4. content_filter removed from A's smtpd (postconf -PX, reload) ->
#	   exit 1 within --wait 8 s, "never reached the filter".
#	5. A bounce through cleanup-smimegw (bounceme@a.example) goes
#	   through smimegw, and Postfix logs a "filter:" line only for the
#	   notification's own header lines (1..10), none for the returned
#	   message's (X-One: 1): header_checks=static:{FILTER ...} logs one
#	   line per header it matches, and mime_/nested_header_checks default
#	   to it (28 lines for this bounce without master.cf.sample's empty
#	   overrides).
# ENVIRONMENT
#	E2E_ROOT, E2E_USER, E2E_SAMPLE, E2E_LOG_MODE, E2E_TIMEOUT, VERBOSE:
#	as for t-e2e-two-gateways.sh.
# EXIT STATUS
#	0 all checks passed; 77 skipped (not root); 1 a check failed.
set -euo pipefail

TEST=t-e2e-probe
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=preamble.sh
. "$HERE/preamble.sh"

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $TEST SMIMEGW SMIMEGW_TEST [PKI_DIR]" >&2
	exit 2
fi

[ -x "$1" ] || fail "smimegw binary not found or not executable: $1"
[ -x "$2" ] || fail "smimegw-test binary not found or not executable: $2"
SMIMEGW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SGTEST=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
PKI=${3:-$E2E_ROOT/pki}
e2e_preflight postcat ps
e2e_start

A=$E2E_ROOT/a

lab_log "test PKI"
bash "$TOP/tests/pki/gen-test-pki.sh" "$PKI" "$TOP/tests/data/nss" >/dev/null \
	|| fail "cannot generate the test PKI in $PKI"
lab_user
read -r PA PAB PC <<<"$(lab_free_ports 3)"
[ -n "$PC" ] || fail "could not find 3 free ports on 127.0.0.1"
lab_instance a a.example b.example "$PAB" "$PC" "$PA" alice \
	|| fail "cannot configure gateway A"
lab_smimegw_conf a a.example aes256-cbc rsa-pkcs1 issuer-serial split
install -d -m 700 -o "$E2E_USER" "$A/probe"
sed -i "/^\[gateway\]\$/a probe_directory = $A/probe" "$A/smimegw/smimegw.conf"
lab_bless
lab_start a || fail "gateway A did not start"
lab_relay ab "$PAB" || fail "relay A->B did not start"
lab_relay c "$PC" || fail "c.example MX did not start"
ok "gateway A is up, wired as master.cf.sample says"

# probe ADDRESS... - smimegw-test as root against A; output in $OUT, RC
probe() {
	RC=0
	OUT=$("$SGTEST" -c "$A/smimegw/smimegw.conf" -u "$E2E_USER" \
		--smtp "127.0.0.1:$PA" "$@" 2>&1) || RC=$?
	printf '%s\n' "$OUT" | sed 's/^/    | /'
}

# nothing_left WHAT - the probe left no trace: no hop, no delivery, no
# queue, no token
nothing_left() {
	sleep 1
	[ -z "$(find "$R/ab/spool" -type f)" ] || fail "$1: something crossed A->B"
	[ -z "$(find "$R/c/spool" -type f)" ] || fail "$1: something reached c.example"
	[ -z "$(find "$A/mail" -type f)" ] || fail "$1: a mailbox got mail: $(find "$A/mail" -type f)"
	[ -z "$(postqueue -c "$A/etc" -j)" ] || fail "$1: A's queue is not empty: $(postqueue -c "$A/etc" -p)"
	[ -z "$(ls -A "$A/probe")" ] || fail "$1: the probe directory is not empty: $(ls -A "$A/probe")"
}

# 1. wired
probe bob@b.example alice@a.example
[ "$RC" = 0 ] || fail "wired: exit $RC"
grep -qxF "bob@b.example: OK encrypted (cert=b.example.pem, cipher=aes-256-cbc)" <<<"$OUT" ||
	fail "wired: no OK line for bob"
grep -qF "alice@a.example: OK plain (one of our domains" <<<"$OUT" ||
	fail "wired: no OK line for alice"
grep -q "smimegw\[[0-9]*\]: [0-9A-F]*: probe: from=<postmaster@a.example> nrcpt=2 token=.* result=recorded" \
	"$A/log/maillog" || fail "wired: no probe line in A's log"
nothing_left "wired"
ok "wired: OK for both, and the probe never left A"

# 2. no certificate
probe carol@c.example
[ "$RC" = 1 ] || fail "no certificate: exit $RC"
grep -qF "carol@c.example: FAIL plain (no certificate" <<<"$OUT" || fail "no certificate: $OUT"
nothing_left "no certificate"
ok "no certificate: FAIL plain, exit 1, nothing sent"

# 3. misnamed certificate
mv "$A/smimegw/certs/b.example.pem" "$A/smimegw/certs/b.example.crt"
probe bob@b.example
[ "$RC" = 1 ] || fail "misnamed: exit $RC"
grep -q "^bob@b.example: FAIL deferred: .*b.example.crt.*misnamed" <<<"$OUT" || fail "misnamed: $OUT"
nothing_left "misnamed"
mv "$A/smimegw/certs/b.example.crt" "$A/smimegw/certs/b.example.pem"
ok "misnamed certificate: FAIL deferred naming the file, nothing sent"

# 5. (before 4, while wired) a bounce through cleanup-smimegw
before=$(grep -c ': filter: ' "$A/log/maillog" || true)
python3 - "$PA" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
s.sendmail("alice@a.example", ["bounceme@a.example"],
           "From: alice@a.example\r\nTo: bounceme@a.example\r\n"
           "Subject: bounce me\r\nMessage-ID: <bounce.probe@a.example>\r\n"
           "X-One: 1\r\nX-Two: 2\r\nX-Three: 3\r\n\r\nbody\r\n")
s.quit()
PY
# alice gets the bounce (after the filter saw the notification)
for _ in $(seq "$((TMO * 10))"); do
	[ -n "$(find "$A/mail" -type f -path '*alice*')" ] && break
	sleep 0.1
done
[ -n "$(find "$A/mail" -type f -path '*alice*')" ] || fail "bounce: alice got no notification"
sleep 1
after=$(grep -c ': filter: ' "$A/log/maillog" || true)
lines=$((after - before))
echo "    | 'filter:' lines Postfix logged for one bounce: $lines"
[ "$lines" -ge 1 ] && [ "$lines" -le 10 ] && ! grep -q ": filter: header X-One: 1 " "$A/log/maillog" || fail "bounce: Postfix logged $lines 'filter:' lines for one notification: $(grep ': filter: ' "$A/log/maillog" | tail -n 3)"
grep -q 'smimegw\[[0-9]*\]: .*from=<> .*result=sent' "$A/log/maillog" ||
	fail "bounce: the notification did not go through smimegw"
ok "bounce through cleanup-smimegw: $lines 'filter:' lines, none for the returned message"
find "$A/mail" -type f -delete

# 4. content_filter not wired on the smtpd
svc=$(postconf -c "$A/etc" -M | awk '$2 == "inet" && $8 == "smtpd" { print $1 }')
postconf -c "$A/etc" -PX "$svc/inet/content_filter"
[ -z "$(postconf -c "$A/etc" -P "$svc/inet/content_filter" 2>/dev/null)" ] ||
	fail "cannot remove content_filter from $svc"
postfix -c "$A/etc" reload 9>&- >/dev/null 2>&1
sleep 2
RC=0
OUT=$("$SGTEST" -c "$A/smimegw/smimegw.conf" -u "$E2E_USER" --wait 8 \
	--smtp "127.0.0.1:$PA" alice@a.example 2>&1) || RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
[ "$RC" = 1 ] || fail "not wired: exit $RC"
grep -qF "alice@a.example: FAIL the probe never reached the filter within 8 s" <<<"$OUT" ||
	fail "not wired: $OUT"
[ -z "$(ls -A "$A/probe")" ] || fail "not wired: token left behind"
ok "content_filter removed: the probe says it never reached the filter"

echo "$CHECKS passed, 0 failed"
