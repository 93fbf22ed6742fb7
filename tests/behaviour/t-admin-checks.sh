#!/bin/bash
# NAME
#	t-admin-checks - -h/-V answer and exit 0; -d prints every key with
#	the value in use; -n as root checks as the filter's user or not at
#	all; -n warns about a domain Postfix does not receive mail for; the
#	log lines of a message carry its Message-ID
# SYNOPSIS
#	t-admin-checks.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	-h, --help: exit 0, "usage: smimegw" on stdout. -V, --version: exit
#	0, "smimegw VERSION".
#	-d: exit 0, one "[section] key = value" line per key, defaults
#	filled in (timeout 240, cipher aes256-cbc, probe_directory
#	/var/lib/smimegw/probe), values set in the file shown (cipher
#	aes128-gcm, null_sender inbound); its output, pasted back under its
#	sections, loads and prints the same lines again. A bad file: 78.
#	-n as root (skipped when not root): -u with a user that does not
#	exist: 78, "no user", nothing checked as root; -u nobody with the
#	key readable by root only: 78 (proof that nobody read it), with the
#	key given to nobody: 0 and "checking as user nobody".
#	-n with a fake postconf whose virtual_mailbox_domains is a.example:
#	domains = a.exmaple warns "a.exmaple is not in Postfix's ..." (exit
#	0); a.example does not warn.
#	-n with a state_directory the filter's user can write: no word about
#	it; with one that does not exist: a warning that encrypted copies
#	are held in memory (exit 0).
#	An outbound message with Message-ID <20251124100000.1@a.example>:
#	the per-copy line and the final line both end in that message-id.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-admin-checks
. "$(dirname "$0")/lib.sh"
setup "$@"

# 1. -h, --help, -V, --version
make_gateway a a.example gw-a
for o in -h --help; do
	run_filter a "$o"
	[ "$RC" = 0 ] || fail "$o: exit $RC"
	grep -q '^usage: smimegw' "$S/out" || fail "$o: stdout $(head -1 "$S/out")"
	grep -q -- '-d  ' "$S/out" || fail "$o: -d not described"
done
for o in -V --version; do
	run_filter a "$o"
	[ "$RC" = 0 ] || fail "$o: exit $RC"
	grep -qE '^smimegw [0-9]' "$S/out" || fail "$o: stdout $(head -1 "$S/out")"
done
ok "-h, --help, -V, --version"

# 2. -d
make_gateway d a.example,A-corp.example gw-a outbound.cipher=aes128-gcm \
	gateway.null_sender=inbound
run_filter d -d
[ "$RC" = 0 ] || fail "-d: exit $RC: $(cat "$S/err")"
cp "$S/out" "$S/d.out"
for want in "[gateway] domains = a.example, a-corp.example" \
	"[gateway] timeout = 240" "[gateway] null_sender = inbound" \
	"[gateway] max_message_size = 52428800" \
	"[gateway] probe_directory = /var/lib/smimegw/probe" \
	"[gateway] log_file = $S/d/smimegw.log" \
	"[certificates] directory = $S/d/certs" \
	"[outbound] cipher = aes128-gcm" "[outbound] mixed_recipients = split" \
	"[inbound] decrypt_failure = bounce"; do
	grep -qxF -- "$want" "$S/d.out" || fail "-d lacks '$want': $(cat "$S/d.out")"
done
grep -vqE '^\[[a-z0-9_.-]+\] [a-z0-9_-]+ =( .*)?$' "$S/d.out" &&
	fail "-d: a line not '[section] key = value': $(grep -vE '^\[[a-z0-9_.-]+\] [a-z0-9_-]+ =( .*)?$' "$S/d.out" | head -1)"
[ "$(cut -d= -f1 "$S/d.out" | sort | uniq -d)" = "" ] || fail "-d: a key twice"
# pasted back as a file, the same lines again
awk '{ sec = $1; sub(/^\[/, "", sec); sub(/\]$/, "", sec)
	line = $0; sub(/^\[[^]]*\] /, "", line)
	if (line ~ / =$/) next
	if (sec != last) { print "[" sec "]"; last = sec }
	print line }' "$S/d.out" >"$S/d/smimegw.conf"
run_filter d -d
[ "$RC" = 0 ] || fail "-d of the printed file: exit $RC: $(cat "$S/err")"
cmp -s "$S/out" "$S/d.out" || fail "-d of the printed file differs: $(diff "$S/d.out" "$S/out" | head -5)"
# every key: a file with one more line per key is refused as a duplicate
n=$(wc -l <"$S/d.out")
[ "$n" -ge 16 ] || fail "-d printed only $n keys"
echo 'bogus = 1' >>"$S/d/smimegw.conf"
run_filter d -d
[ "$RC" = 78 ] && grep -q 'unknown key' "$S/err" || fail "-d, bad file: exit $RC $(cat "$S/err")"
ok "-d: every key, defaults, round trip"

# 3. -n as root
if [ "$(id -u)" = 0 ]; then
	make_gateway r a.example gw-a "gateway.postconf=$S/no-postconf"
	peer r b.example.pem gw-b
	RC=0
	env -i PATH=/usr/bin:/bin "$SMIMEGW" -c "$(conf r)" -u no-such-user-sg -n \
		>"$S/out" 2>"$S/err" || RC=$?
	[ "$RC" = 78 ] || fail "-n -u no-such-user: exit $RC"
	grep -q "no user 'no-such-user-sg'" "$S/err" && grep -q "not checking as root" "$S/err" ||
		fail "-n -u no-such-user: $(cat "$S/err")"
	chown root:root "$S/r/gw.key"
	RC=0
	env -i PATH=/usr/bin:/bin "$SMIMEGW" -c "$(conf r)" -u nobody -n \
		>"$S/out" 2>"$S/err" || RC=$?
	[ "$RC" = 78 ] || fail "-n -u nobody, root's key: exit $RC ($(cat "$S/err"))"
	grep -q "gw.key" "$S/err" || fail "-n -u nobody, root's key: $(cat "$S/err")"
	own "$S/r/gw.key"
	RC=0
	env -i PATH=/usr/bin:/bin "$SMIMEGW" -c "$(conf r)" -u nobody -n \
		>"$S/out" 2>"$S/err" || RC=$?
	[ "$RC" = 0 ] || fail "-n -u nobody: exit $RC ($(cat "$S/err"))"
	grep -q "checking as user nobody (uid $FILTER_UID)" "$S/err" ||
		fail "-n -u nobody: $(cat "$S/err")"
	ok "-n as root: as the filter's user, or not at all"
fi

# 4. -n and Postfix's domain lists
# fake_postconf NAME - postconf for gateway NAME: a.example is virtual
fake_postconf() {
	cat >"$S/$1/postconf" <<'EOF2'
#!/bin/sh
case "$*" in
"-xh virtual_mailbox_domains") echo a.example ;;
"-xh smimegw_time_limit") echo 300s ;;
"-xh mydestination") echo 'gw.example, localhost' ;;
-xh*) echo ;;
*) exit 9 ;;
esac
EOF2
	chmod 755 "$S/$1/postconf"
	own "$S/$1/postconf"
}
make_gateway typo a.exmaple gw-a "gateway.postconf=$S/typo/postconf"
fake_postconf typo
run_filter typo -n
[ "$RC" = 0 ] || fail "-n, typo: exit $RC ($(cat "$S/err"))"
grep -q "warning: $(conf typo): \[gateway\] domains: a.exmaple is not in Postfix's mydestination, relay_domains, virtual_alias_domains or virtual_mailbox_domains" "$S/err" ||
	fail "-n, typo: no warning: $(cat "$S/err")"
make_gateway right a.example gw-a "gateway.postconf=$S/right/postconf"
fake_postconf right
run_filter right -n
[ "$RC" = 0 ] || fail "-n, right: exit $RC ($(cat "$S/err"))"
! grep -q "is not in Postfix's" "$S/err" || fail "-n, right: $(cat "$S/err")"
ok "-n warns about a domain Postfix does not receive"

# 5. -n and the state directory that spools encrypted copies
mkdir -p "$S/spool-ok"
own "$S/spool-ok"
make_gateway spool a.example gw-a "gateway.postconf=$S/spool/postconf" \
	"gateway.state_directory=$S/spool-ok"
fake_postconf spool
run_filter spool -n
[ "$RC" = 0 ] || fail "-n, spool: exit $RC ($(cat "$S/err"))"
! grep -q "state_directory" "$S/err" || fail "-n, spool: $(cat "$S/err")"
make_gateway nospool a.example gw-a "gateway.postconf=$S/nospool/postconf" \
	"gateway.state_directory=$S/no-such-dir"
fake_postconf nospool
run_filter nospool -n
[ "$RC" = 0 ] || fail "-n, no spool: exit $RC ($(cat "$S/err"))"
grep -q "warning: \[gateway\] state_directory $S/no-such-dir cannot hold encrypted copies" "$S/err" ||
	fail "-n, no spool: no warning: $(cat "$S/err")"
ok "-n warns when the state directory cannot spool encrypted copies"

# 5. Message-ID on the per-copy and the final line
make_gateway m a.example gw-a
peer m b.example.pem gw-b
run_filter m -q MSGID0001 -f alice@a.example -- bob@b.example carol@c.example \
	<"$DATA/outbound/text-8bit.eml"
expect m 0 - 2 "message-id: sent"
mid='message-id=<20251124100000.1@a.example>'
[ "$(grep -c "MSGID0001: outbound: copy=.* status=sent $mid\$" "$S/m/smimegw.log")" = 2 ] ||
	fail "message-id: copy lines $(cat "$S/m/smimegw.log")"
grep -q "MSGID0001: outbound: from=<alice@a.example> nrcpt=2 copies=2 result=sent $mid\$" "$S/m/smimegw.log" ||
	fail "message-id: final line $(cat "$S/m/smimegw.log")"
ok "message-id on every line of the message"
finish
