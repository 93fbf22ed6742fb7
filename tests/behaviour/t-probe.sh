#!/bin/bash
# NAME
#	t-probe - a message with a live smimegw-test token is recorded per
#	recipient and never reinjected; anything less than a live token of
#	the filter's user is ordinary mail
# SYNOPSIS
#	t-probe.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A (a.example, b.example.pem for gw-b, probe_directory
#	probe/ owned by the filter's user, 0700). A probe from
#	alice@a.example to bob@b.example, carol@c.example and
#	alice2@a.example: exit 0, nothing on stdout, no sendmail call, and
#	TOKEN.out holds one line per recipient: encrypted with
#	cert=b.example.pem, plain-no-certificate, plain-ours; the log has
#	"probe: ... result=recorded" with the message-id.
#	Ordinary mail, reinjected as usual (a sendmail call each): a token
#	without its file, a token file of mode 0644, one older than an hour,
#	a probe directory of mode 0755, a token that is a path.
#	A probe when only certs/b.example.crt exists (misnamed): exit 0, no
#	call, bob's line says deferred and names the file.
#	An outcome file that cannot be written: the probe is deferred (75),
#	still not sent.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-probe
. "$(dirname "$0")/lib.sh"
setup "$@"

TOKEN=0123456789abcdef0123456789abcdef
make_gateway a a.example gw-a "gateway.probe_directory=$S/a/probe"
peer a b.example.pem gw-b
P=$S/a/probe
mkdir -m 700 "$P"
own "$P"

# probe_msg TOKEN - the probe message on stdout
probe_msg() {
	sed "/^Subject:/i X-SMIMEGW-Probe: $1" "$DATA/outbound/text-8bit.eml"
}

# token_file TOKEN [MODE] - a token file of the filter's user
token_file() {
	rm -f "$P/$1.token" "$P/$1.out"
	as_filter_user sh -c "umask 077; : >'$P/$1.token'; chmod ${2:-600} '$P/$1.token'"
}

# send_probe TOKEN WHAT - the message from alice to bob, carol, alice2
send_probe() {
	reset a
	rm -f "$S/a/smimegw.log"
	probe_msg "$1" >"$S/probe.eml"
	run_filter a -q PROBE0001 -f alice@a.example -- \
		bob@b.example carol@c.example alice2@a.example <"$S/probe.eml"
}

# ordinary WHAT - the last run was ordinary mail: sent, nothing recorded
ordinary() {
	expect a 0 - 2 "$1"
	[ ! -e "$P/$TOKEN.out" ] || fail "$1: an outcome was recorded"
	grep -q 'result=sent' "$S/a/smimegw.log" || fail "$1: no result=sent line"
}

# 1. a live token
token_file "$TOKEN"
send_probe "$TOKEN"
expect a 0 - 0 "live probe: exit 0, nothing sent"
out=$P/$TOKEN.out
[ -f "$out" ] || fail "live probe: no outcome file"
[ "$(stat -c %a "$out")" = 600 ] || fail "outcome file mode $(stat -c %a "$out")"
[ "$(wc -l <"$out")" = 3 ] || fail "outcome: $(cat "$out")"
grep -q '^rcpt=<bob@b.example> result=encrypted action=encrypted cipher=aes-256-cbc cert=b.example.pem ' "$out" ||
	fail "outcome for bob: $(cat "$out")"
grep -q '^rcpt=<carol@c.example> result=plain-no-certificate ' "$out" ||
	fail "outcome for carol: $(cat "$out")"
grep -q '^rcpt=<alice2@a.example> result=plain-ours ' "$out" ||
	fail "outcome for alice2: $(cat "$out")"
grep -q 'PROBE0001: probe: from=<alice@a.example> nrcpt=3 token=01234567... result=recorded (smimegw-test; nothing sent) message-id=<20251124100000.1@a.example>' \
	"$S/a/smimegw.log" || fail "probe log line: $(cat "$S/a/smimegw.log")"
! grep -q 'result=sent' "$S/a/smimegw.log" || fail "live probe logged as sent"
ok "live probe: one line per recipient, the log says recorded"

# 2. anything less is ordinary mail
rm -f "$P/$TOKEN.token" "$P/$TOKEN.out"
send_probe "$TOKEN"
ordinary "token without its file"

token_file "$TOKEN" 644
send_probe "$TOKEN"
ordinary "token file mode 0644"

token_file "$TOKEN"
touch -d '2 hours ago' "$P/$TOKEN.token"
send_probe "$TOKEN"
ordinary "token file two hours old"

token_file "$TOKEN"
chmod 755 "$P"
send_probe "$TOKEN"
ordinary "probe directory mode 0755"
chmod 700 "$P"

as_filter_user sh -c "umask 077; : >'$P/x.token'"
send_probe "../probe/x"
ordinary "a token that is a path"

# 3. a misnamed certificate: the probe says deferred, and still sends nothing
mv "$S/a/certs/b.example.pem" "$S/a/certs/b.example.crt"
token_file "$TOKEN"
send_probe "$TOKEN"
expect a 0 - 0 "probe, misnamed certificate: exit 0, nothing sent"
grep -q "^rcpt=<bob@b.example> result=deferred dsn=4.3.0 reason=\".*b.example.crt.*misnamed" "$out" ||
	fail "misnamed: outcome $(cat "$out")"
[ "$(grep -c 'result=deferred' "$out")" = 3 ] || fail "misnamed: $(cat "$out")"
ok "probe, misnamed certificate: deferred, with the file's name"
mv "$S/a/certs/b.example.crt" "$S/a/certs/b.example.pem"

# 4. the outcome cannot be written: defer, never send
token_file "$TOKEN"
mkdir "$out"
own "$out"
send_probe "$TOKEN"
expect a 75 4. 0 "probe, outcome not writable: deferred, nothing sent"
rmdir "$out"
finish
