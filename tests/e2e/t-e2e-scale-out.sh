#!/usr/bin/env bash
# NAME
#	t-e2e-scale-out.sh - two gateways for a.example, both syncing from the
#	same community directory (slapd), both encrypting to b.example
# SYNOPSIS
#	t-e2e-scale-out.sh SMIMEGW SMIMEGW_CERT [PKI_DIR]
#	(PKI_DIR: where tests/pki/gen-test-pki.sh writes; default E2E_ROOT/pki)
# DESCRIPTION
#	Issue 10's scale-out: "just more stateless Postfix hosts reading the
#	same directory". On loopback, as root, three Postfix instances of the
#	lab (lab.sh), all running at once:
#	    A   gateway of a.example (gw-a.e2e.test)
#	    A2  a second gateway of a.example (gw-a2.e2e.test): its own
#	        Postfix instance, queue and snapshot, the same key material
#	        (gw-a's certificate and key, copied) and the same smimegw.conf
#	        apart from the paths
#	    B   gateway of b.example
#	and a throw-away slapd (tests/ldap/slapd.sh, run as nobody) whose
#	only member is b.example with gw-b's certificate in
#	userCertificate;binary. Neither A nor A2 has b.example.pem in its
#	local certificate directory: b.example's certificate reaches them only
#	through "smimegw-cert sync" ([ldap], starttls = no), run as the
#	filter's user into each gateway's own snapshot directory.
#
#	1. A's sync: exit 0, "added 1", the snapshot's b.example.pem is gw-b
#	2. alice@a.example -> bob@b.example through A: what crossed the hop is
#	   ciphertext only (no canary, no attachment bytes), OpenSSL decrypts
#	   it with gw-b's key and verifies A's domain signature inside; bob
#	   gets the original, decrypted by B; the hop was received by
#	   gw-a.e2e.test
#	3. A2's sync into its own fresh snapshot, from the same slapd
#	4. alice2@a.example -> bob@b.example through A2 (A stopped first, so
#	   nothing can go through A): the same checks, received by
#	   gw-a2.e2e.test
#	5. B's log shows both messages decrypted (two inbound lines), A's and
#	   A2's logs each their own encrypted outbound line; all queues empty
#
#	Without A's sync the first message goes out plain (mixed_recipients
#	= split, no certificate) and check 2 fails.
#
#	slapd listens on a free loopback port of the lab's range (not the
#	ldap tests' 38911) and runs with SMIMEGW_E2E_ROOT in its environment,
#	so lab_stop finds it like the relays. A2's Postfix processes carry it
#	too (import_environment), so the lab's cleanup finds them after a
#	SIGKILL. Everything is stopped on every exit.
# ENVIRONMENT
#	E2E_ROOT, E2E_USER, E2E_SAMPLE, E2E_LOG_MODE, E2E_TIMEOUT, VERBOSE:
#	as for t-e2e-two-gateways.sh.
# EXIT STATUS
#	0 all checks passed; 77 skipped (not root); 1 a check failed.
set -euo pipefail

TEST=t-e2e-scale-out
HERE=$(cd "$(dirname "$0")" && pwd)
# tests/ldap: slapd_start/_stop/_load, base_ldif, member_ldif, BASE_DN
# (sourced first: its fail() is replaced by the preamble's)
# shellcheck source=../ldap/lib.sh
. "$HERE/../ldap/lib.sh"
# shellcheck source=preamble.sh
. "$HERE/preamble.sh"

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $TEST SMIMEGW SMIMEGW_CERT [PKI_DIR]" >&2
	exit 2
fi

[ -x "$1" ] || fail "smimegw binary not found or not executable: $1"
[ -x "$2" ] || fail "smimegw-cert binary not found or not executable: $2"
SMIMEGW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
CERTTOOL=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
PKI=${3:-$E2E_ROOT/pki}
e2e_preflight setpriv ldapadd ldapsearch /usr/sbin/slapd
e2e_start

A=$E2E_ROOT/a
A2=$E2E_ROOT/a2
B=$E2E_ROOT/b
MSGS=$E2E_ROOT/msgs

# on_exit (preamble.sh) also shows A2's log and the sync output, and stops
# slapd and A2 before the lab
E2E_GATEWAYS="a a2 b"
e2e_show_more() {
	local x
	for x in "$E2E_ROOT"/sync-*.out "$E2E_ROOT"/sync-*.err; do
		[ -s "$x" ] && { echo "---- $x"; cat "$x"; }
	done
	return 0
}
e2e_stop_more() {
	slapd_stop
	if [ -f "$A2/etc/main.cf" ]; then
		postfix -c "$A2/etc" stop >/dev/null 2>&1 || true
	fi
	return 0
}

mkdir -p "$MSGS"
CANARY=CANARY-$RUN

# ---------------------------------------------------------------- set-up

lab_log "test PKI"
bash "$TOP/tests/pki/gen-test-pki.sh" "$PKI" "$TOP/tests/data/nss" >/dev/null \
	|| fail "cannot generate the test PKI in $PKI"
lab_user
read -r PA PA2 PB PAB PBA PC PL <<<"$(lab_free_ports 7)"
[ -n "$PL" ] || fail "could not find 7 free ports on 127.0.0.1"
lab_log "ports: A smtpd $PA, A2 smtpd $PA2, B smtpd $PB, relay ->B $PAB," \
	"relay B->A $PBA, c.example $PC, slapd $PL; smimegw logs via $E2E_LOG_MODE"

# The community directory: b.example with gw-b's certificate.
lab_log "slapd on 127.0.0.1:$PL"
mkdir -p "$E2E_ROOT/slapd"
openssl x509 -in "$PKI/gw-b.pem" -outform DER -out "$MSGS/gw-b.der"
st=0
# (descriptor 9, the lock, closed: see lab.sh)
SMIMEGW_E2E_ROOT=$E2E_ROOT slapd_start "$E2E_ROOT/slapd" "$PL" 9>&- || st=$?
trap on_exit EXIT	# slapd_start installed its own EXIT trap
[ $st = 0 ] || fail "slapd did not start"
{ base_ldif; member_ldif b.example "$MSGS/gw-b.der"; } >"$MSGS/community.ldif"
slapd_load "$MSGS/community.ldif" || fail "cannot load the community LDIF"

# A2's key material is A's: the lab takes gw-X.pem/.key from $PKI
PKI_A2=$E2E_ROOT/pki-a2
mkdir -p "$PKI_A2"
cp "$PKI/gw-a.pem" "$PKI_A2/gw-a2.pem"
install -m 600 "$PKI/gw-a.key" "$PKI_A2/gw-a2.key"
cp "$PKI/gw-b.pem" "$PKI_A2/gw-b.pem"

lab_instance a a.example b.example "$PAB" "$PC" "$PA" alice alice2 \
	|| fail "cannot configure gateway A"
PKI_MAIN=$PKI PKI=$PKI_A2
lab_instance a2 a.example b.example "$PAB" "$PC" "$PA2" alice alice2 \
	|| fail "cannot configure gateway A2"
PKI=$PKI_MAIN
lab_instance b b.example a.example "$PBA" "$PC" "$PB" bob \
	|| fail "cannot configure gateway B"
# A2's Postfix processes carry the lab's mark (see lab_pids_of_root)
postconf -c "$A2/etc" -e "import_environment = $(postconf -c "$A2/etc" -dh import_environment) SMIMEGW_E2E_ROOT=$E2E_ROOT"

# b.example only from the community: no local certificate on A or A2;
# each gets an [ldap] section and its own snapshot directory
for x in a a2; do
	r=$E2E_ROOT/$x
	rm -f "$r/smimegw/certs/b.example.pem"
	[ -z "$(ls -A "$r/smimegw/certs")" ] || fail "gateway $x: certs/ is not empty"
	lab_smimegw_conf "$x" a.example aes256-cbc rsa-pkcs1 issuer-serial split
	install -d -m 755 -o "$E2E_USER" "$r/ldap"
	cat >>"$r/smimegw/smimegw.conf" <<EOF

[ldap]
uri = $SLAPD_URI
starttls = no
base = $BASE_DN
directory = $r/ldap/community
timeout = 10
EOF
done
lab_smimegw_conf b b.example aes256-gcm rsa-oaep ski split
[ "$(sed 's#/a2/#/a/#g' "$A2/smimegw/smimegw.conf")" = "$(cat "$A/smimegw/smimegw.conf")" ] \
	|| fail "A2's smimegw.conf differs from A's in more than its paths"
cmp -s "$A/smimegw/gateway.key" "$A2/smimegw/gateway.key" \
	&& cmp -s "$A/smimegw/gateway.pem" "$A2/smimegw/gateway.pem" \
	|| fail "A2's key material is not A's"

lab_bless
old=$(postconf -c /etc/postfix -h alternate_config_directories)
postconf -c /etc/postfix -e "alternate_config_directories = $old $A2/etc"

# the sync tool as the filter's user can run it (cf. lab_filter_path)
if ! runuser -u "$E2E_USER" -- test -x "$CERTTOOL"; then
	mkdir -p "$E2E_ROOT/bin"
	install -m 755 "$CERTTOOL" "$E2E_ROOT/bin/smimegw-cert"
	CERTTOOL=$E2E_ROOT/bin/smimegw-cert
fi
FILTER=$(postconf -c "$A/etc" -M smimegw/unix | sed -n 's/.* argv=\([^ ]*\) .*/\1/p')
for x in a a2 b; do
	out=$(runuser -u "$E2E_USER" -- "$FILTER" -c "$E2E_ROOT/$x/smimegw/smimegw.conf" -n 2>&1) \
		|| fail "gateway $x: smimegw -n as $E2E_USER: $out"
done

lab_start a || fail "gateway A did not start"
lab_start a2 || fail "gateway A2 did not start"
lab_start b || fail "gateway B did not start"
lab_relay ab "$PAB" "$PB" || fail "relay ->B did not start"
lab_relay ba "$PBA" "$PA" || fail "relay B->A did not start"
lab_relay c "$PC" || fail "c.example MX did not start"
[ "$(postconf -c "$A2/etc" -h myhostname)" = gw-a2.e2e.test ] || fail "A2's myhostname"
ok "A (:$PA), A2 (:$PA2) for a.example and B (:$PB) are up; slapd has b.example; A and A2 have no local certificate for it"

# ------------------------------------------------------------- helpers

BLOB=$MSGS/blob.bin
e2e_mail blob "$BLOB"

# gw_sync X - smimegw-cert sync of gateway X, as the filter's user, with
# MAIL_CONFIG as pipe(8) would set it (its log line goes to X's maillog)
gw_sync() {
	local x=$1 r=$E2E_ROOT/$1 rc=0
	runuser -u "$E2E_USER" -- env MAIL_CONFIG="$r/etc" "$CERTTOOL" \
		-c "$r/smimegw/smimegw.conf" sync \
		>"$E2E_ROOT/sync-$x.out" 2>"$E2E_ROOT/sync-$x.err" || rc=$?
	[ $rc = 0 ] || fail "gateway $x: smimegw-cert sync exited $rc: $(cat "$E2E_ROOT/sync-$x.err")"
	grep -qF "members 1 (added 1, changed 0, removed 0, unchanged 0)" "$E2E_ROOT/sync-$x.out" \
		|| fail "gateway $x: sync summary: $(cat "$E2E_ROOT/sync-$x.out")"
	[ -L "$r/ldap/community" ] || fail "gateway $x: no snapshot symlink"
	cmp -s <(openssl x509 -in "$r/ldap/community/b.example.pem" -outform DER) "$MSGS/gw-b.der" \
		|| fail "gateway $x: the snapshot's b.example.pem is not gw-b"
	ok "gateway $x synced from $SLAPD_URI as $E2E_USER: $(cat "$E2E_ROOT/sync-$x.out")"
}

# crossing NAME FROM PORT GWHOST - FROM writes to bob@b.example through the
# a.example gateway on PORT (myhostname GWHOST): bob gets the original,
# decrypted by B; the hop carried only ciphertext that OpenSSL opens with
# gw-b's key, signed inside by a.example. Sets QSEND and QRECV.
crossing() {
	local name=$1 from=$2 port=$3 gw=$4 to=bob@b.example f res other
	e2e_mail compose -o "$MSGS/$name.eml" --from "$from" --to "$to" \
		--subject "$name" --message-id "$(mid "$name")" \
		--canary "$CANARY-$name" --attach "$BLOB"
	QSEND=$(e2e_mail send --server "127.0.0.1:$port" --from "$from" --to "$to" \
		"$MSGS/$name.eml") || fail "$name: the gateway on :$port refused the message"
	spool_wait ab "$name"
	QRECV=$NEXTQ
	[ "$RCPTS" = "$to" ] || fail "$name: hop recipients: $RCPTS"
	[ "$QRECV" != - ] || fail "$name: B did not queue what crossed"
	# the header section, folded lines joined: which gateway handled it
	sed -n '1,/^\r\{0,1\}$/p' "$HOP" | tr -d '\r' | sed ':a;N;$!ba;s/\n[ \t]/ /g' \
		>"$MSGS/$name.hop-headers"
	grep -qE "^Received: .*by ${gw//./\\.} " "$MSGS/$name.hop-headers" \
		|| fail "$name: the hop was not handled by $gw: $(grep '^Received:' "$MSGS/$name.hop-headers")"
	other="gw-a.e2e.test"
	[ "$gw" = "gw-a.e2e.test" ] && other="gw-a2.e2e.test"
	grep -qF "by $other " "$MSGS/$name.hop-headers" \
		&& fail "$name: the other a.example gateway ($other) handled it too"
	res=$(e2e_mail hop "$HOP" --canary "$CANARY-$name" --attach "$BLOB" \
		--der "$MSGS/$name.der") || fail "the $name hop carried something else"
	ok "what crossed from $gw ($name): $res"
	openssl cms -decrypt -inform DER -in "$MSGS/$name.der" -recip "$PKI/gw-b.pem" \
		-inkey "$PKI/gw-b.key" -out "$MSGS/$name.openssl" 2>"$MSGS/$name.openssl.err" \
		|| fail "openssl cannot decrypt the $name hop: $(cat "$MSGS/$name.openssl.err")"
	openssl smime -verify -CAfile "$PKI/ca.pem" -purpose any -in "$MSGS/$name.openssl" \
		-out "$MSGS/$name.verified" 2>"$MSGS/$name.verify.err" \
		|| fail "openssl does not verify the $name hop's signature: $(cat "$MSGS/$name.verify.err")"
	e2e_mail verify "$MSGS/$name.verified" --text "$MSGS/$name.eml.txt" \
		--attach "$BLOB" --no-trace >/dev/null \
		|| fail "what OpenSSL decrypted from the $name hop is not the original"
	ok "OpenSSL decrypts the $name ciphertext with gw-b's key and verifies a.example's signature inside"
	f=$(e2e_mail wait --maildir "$B/mail/bob" --message-id "$(mid "$name")" --timeout "$TMO") \
		|| fail "bob did not get $name"
	res=$(e2e_mail verify "$f" --text "$MSGS/$name.eml.txt" --attach "$BLOB" \
		--trace "decrypted") || fail "bob's copy of $name is not the original"
	sed -n '/^Authentication-Results:/,/^[^ \t]/p' "$f" | grep 'smime=pass (domain signature' >/dev/null \
		|| fail "bob's copy of $name: a.example's signature did not pass at B"
	ok "bob got $name from $gw, decrypted by B: $res"
}

# ------------------------------------------------ 1, 2: gateway A

lab_log "1. gateway A syncs"
[ ! -e "$A/ldap/community" ] || fail "A has a snapshot before its first sync"
gw_sync a

lab_log "2. alice@a.example -> bob@b.example through A"
crossing via-a alice@a.example "$PA" gw-a.e2e.test
QA=$QSEND QB_A=$QRECV

# ----------------------------------------------- 3, 4: gateway A2

lab_log "3. gateway A2 syncs its own snapshot from the same slapd"
[ ! -e "$A2/ldap/community" ] || fail "A2 has a snapshot before its first sync"
gw_sync a2
[ "$(readlink -f "$A2/ldap/community")" != "$(readlink -f "$A/ldap/community")" ] \
	|| fail "A2's snapshot is A's"

lab_log "4. alice2@a.example -> bob@b.example through A2, A stopped"
queue_empty a
postfix -c "$A/etc" stop >/dev/null 2>&1 || fail "cannot stop A"
crossing via-a2 alice2@a.example "$PA2" gw-a2.e2e.test
QA2=$QSEND QB_A2=$QRECV

# --------------------------------------------------------- 5: logs

lab_log "5. logs"
pre=" smimegw\[[0-9]+\]: ((warning|error): )?"
grep -qE "$pre$QA: outbound: copy=1/1 to=<bob@b\.example> action=encrypted " "$A/log/maillog" \
	|| fail "A's log has no encrypted line for $QA"
grep -qE "$pre$QA2: outbound: copy=1/1 to=<bob@b\.example> action=encrypted " "$A2/log/maillog" \
	|| fail "A2's log has no encrypted line for $QA2"
grep -qE "$pre$QA: " "$A2/log/maillog" && fail "A's queue id $QA is in A2's log"
grep -qE "$pre$QA2: " "$A/log/maillog" && fail "A2's queue id $QA2 is in A's log"
wait_log "$B/log/maillog" "$pre$QB_A: inbound: copy=1/1 to=<bob@b\.example> action=decrypted"
wait_log "$B/log/maillog" "$pre$QB_A2: inbound: copy=1/1 to=<bob@b\.example> action=decrypted"
n=$(grep -cE "${pre}[0-9A-F]+: inbound: copy=1/1 to=<bob@b\.example> action=decrypted" "$B/log/maillog" || true)
[ "$n" = 2 ] || fail "B logged $n decrypted messages, expected 2"
grep -qE 'ldap sync from ldap://127\.0\.0\.1:[0-9]+: members 1 \(added 1' "$A2/log/maillog" \
	|| fail "A2's maillog has no sync line"
queue_empty a2
queue_empty b
ok "B's log shows both decrypted ($QB_A from A, $QB_A2 from A2); A and A2 each logged their own; queues empty"

lab_log "done"
echo "$TEST: $CHECKS passed, 0 failed"
