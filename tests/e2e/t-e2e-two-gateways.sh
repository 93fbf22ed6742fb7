#!/usr/bin/env bash
# NAME
#	t-e2e-two-gateways.sh - two real Postfix gateways with smimegw, end to end
# SYNOPSIS
#	t-e2e-two-gateways.sh SMIMEGW [PKI_DIR]
#	(PKI_DIR: where tests/pki/gen-test-pki.sh writes; default E2E_ROOT/pki)
# DESCRIPTION
#	As root, on loopback, with no network: starts two independent Postfix
#	instances, gateway A for a.example and gateway B for b.example, each
#	with the smimegw entries of master.cf.sample (pipe service as an
#	unprivileged user, smtpd -o content_filter=smimegw:dummy), and
#	recording SMTP relays (e2e_relay.py) on the hops A->B and B->A and as
#	the MX of c.example, a domain without a certificate. Then proves:
#
#	1. alice@a.example -> bob@b.example arrives decrypted, text and binary
#	   attachment equal to the original after MIME decoding, with
#	   "X-SMIME-Gateway: decrypted..."
#	2. what crossed A->B was application/pkcs7-mime CMS without the
#	   plaintext canary; OpenSSL decrypts it with B's key
#	3. the same from b.example to a.example
#	4. mixed recipients: split gives Bob an encrypted copy and c.example a
#	   plain one; reject bounces to Alice and nobody gets the message
#	5. B without its private key defers (in B's queue, not delivered, not
#	   bounced), and delivers once the key is back and the queue flushed;
#	   corrupt ciphertext sent straight to B bounces with 5.7.5 and a DSN
#	   that says no more than that; nothing undecryptable is delivered
#	   (a CBC padding error, random bytes, and an AES-256-GCM envelope by
#	   openssl whose tag fails at its last byte, small and 3 MB (decoded
#	   as it is read): nothing is queued at B)
#	6. a.example -> a.example is delivered plain, and logged as plain
#	7. smimegw's one line per message carries the Postfix queue id and is
#	   in the same maillog_file as Postfix's lines for that queue id
#	8. a bounce that B writes after decrypting a message (bounceme@, a
#	   transport that fails) passes B's filter through the notification entries
#	   of master.cf.sample and crosses back encrypted; A decrypts it
#
#	Everything lives in E2E_ROOT (default /run/smimegw-e2e), wiped at the
#	start. The instances, the relays and the change to /etc/postfix/main.cf
#	(see lab.sh) are undone on every exit; files are kept when the test
#	fails, for diagnosis. Runs are serialised by a lock file.
#
#	See tests/e2e/README.md for running it by hand as a conformance check.
# ENVIRONMENT
#	E2E_ROOT	working directory (default /run/smimegw-e2e)
#	E2E_USER	the filter's user (default smimegw-e2e; created if absent)
#	E2E_SAMPLE	the master.cf entries to wire (default master.cf.sample)
#	E2E_LOG_MODE	postlog: smimegw reaches Postfix's maillog_file through
#			postlog(1), the fallback when /dev/log is no socket;
#			file: smimegw appends to that file itself (log_file).
#			Default: file when /dev/log is a socket (a syslog daemon
#			would take smimegw's lines away from the file), else
#			postlog.
#	E2E_TIMEOUT	seconds to wait for each delivery (default 30)
#	VERBOSE=1	print the lab's log files on success too
# EXIT STATUS
#	0 all checks passed; 77 skipped (not root); 1 a check failed.
set -euo pipefail

TEST=t-e2e-two-gateways
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=preamble.sh
. "$HERE/preamble.sh"

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $TEST SMIMEGW [PKI_DIR]" >&2
	exit 2
fi

[ -x "$1" ] || fail "smimegw binary not found or not executable: $1"
SMIMEGW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PKI=${2:-$E2E_ROOT/pki}
e2e_preflight
e2e_start

A=$E2E_ROOT/a
B=$E2E_ROOT/b
MSGS=$E2E_ROOT/msgs
mkdir -p "$MSGS"
CANARY=CANARY-$RUN

# ---------------------------------------------------------------- set-up

lab_log "test PKI"
bash "$TOP/tests/pki/gen-test-pki.sh" "$PKI" "$TOP/tests/data/nss" >/dev/null \
	|| fail "cannot generate the test PKI in $PKI"
lab_user
read -r PA PB PAB PBA PC <<<"$(lab_free_ports 5)"
[ -n "$PC" ] || fail "could not find 5 free ports on 127.0.0.1"
lab_log "ports: A smtpd $PA, B smtpd $PB, relay A->B $PAB, relay B->A $PBA," \
	"c.example MX $PC; smimegw logs via $E2E_LOG_MODE"

lab_gateways "$PAB" "$PBA" "$PC" "$PA" "$PB" alice alice2
lab_bless

FILTER=$(postconf -c "$A/etc" -M smimegw/unix | sed -n 's/.* argv=\([^ ]*\) .*/\1/p')
for x in a b; do
	m=$(postconf -c "$E2E_ROOT/$x/etc" -M smimegw/unix)
	want="flags=Rq user=$E2E_USER null_sender= argv=$FILTER -c $E2E_ROOT/$x/smimegw/smimegw.conf -q \${queue_id} -f \${sender} -- \${recipient}"
	case $m in
	*" $want") ;;
	*) fail "gateway $x: smimegw entry is not master.cf.sample's: $m" ;;
	esac
	port=$PA; [ $x = b ] && port=$PB
	postconf -c "$E2E_ROOT/$x/etc" -P "127.0.0.1:$port/inet/content_filter" \
		| grep -x "127.0.0.1:$port/inet/content_filter = smimegw:dummy" >/dev/null \
		|| fail "gateway $x: smtpd has no -o content_filter=smimegw:dummy"
	[ -z "$(postconf -c "$E2E_ROOT/$x/etc" -h content_filter)" ] \
		|| fail "gateway $x: content_filter must not be global"
	[ "$(stat -c '%a %U' "$E2E_ROOT/$x/smimegw/gateway.key")" = "600 $E2E_USER" ] \
		|| fail "gateway $x: key is not 0600 $E2E_USER"
	out=$(runuser -u "$E2E_USER" -- "$FILTER" -c "$E2E_ROOT/$x/smimegw/smimegw.conf" -n 2>&1) \
		|| fail "gateway $x: smimegw -n as $E2E_USER: $out"
done
ok "both gateways wired as master.cf.sample says (pipe user=$E2E_USER, flags=Rq, smtpd content_filter); smimegw -n passes as $E2E_USER"

lab_start a || fail "gateway A did not start"
lab_start b || fail "gateway B did not start"
lab_relay ab "$PAB" "$PB" || fail "relay A->B did not start"
lab_relay ba "$PBA" "$PA" || fail "relay B->A did not start"
lab_relay c "$PC" || fail "c.example MX did not start"
ok "gateway A (a.example, :$PA) and gateway B (b.example, :$PB) are up"

# ------------------------------------------------------------- helpers

BLOB=$MSGS/blob.bin
e2e_mail blob "$BLOB"

# compose NAME FROM TO[,TO] SUBJECT - $MSGS/NAME.eml, canary $CANARY-NAME
compose() {
	e2e_mail compose -o "$MSGS/$1.eml" --from "$2" --to "$3" \
		--subject "$4" --message-id "$(mid "$1")" \
		--canary "$CANARY-$1" --attach "$BLOB"
}

# inject PORT NAME FROM TO... - send by SMTP, print the queue id
inject() {
	local port=$1 name=$2 from=$3 args=() r
	shift 3
	for r in "$@"; do args+=(--to "$r"); done
	e2e_mail send --server "127.0.0.1:$port" --from "$from" "${args[@]}" \
		"$MSGS/$name.eml"
}

# not_in_maildir DIR NAME - no message of DIR mentions NAME's Message-ID
not_in_maildir() {
	local g
	for g in "$1"/new/* "$1"/cur/*; do
		[ -e "$g" ] || continue
		if grep -qF -- "$(mid "$2")" "$g"; then
			fail "$1 holds $2: $g"
		fi
	done
}

# plain_absent NAME DIR... - no file below DIR holds NAME's canary
plain_absent() {
	local name=$1 hits
	shift
	hits=$(grep -rlF -- "$CANARY-$name" "$@" 2>/dev/null || true)
	[ -z "$hits" ] || fail "plaintext of $name found in: $hits"
}

# smimegw_line FILE QID ERE - one final smimegw line for QID, and a line for QID matching ERE
# (postlog(1) writes "warning: " or "error: " before the text, as Postfix's
# own msg_warn() does)
smimegw_line() {
	local n pre=" smimegw\[[0-9]+\]: ((warning|error): )?$2: "
	# one final line (result=...) per message, one line per copy before it
	n=$(grep -E -- "$pre" "$1" | grep -cE 'result=(sent|bounced|deferred)' || true)
	[ "$n" = 1 ] || fail "$1: $n final smimegw lines for queue id $2, expected 1"
	grep -qE -- "$pre$3" "$1" \
		|| fail "$1: no smimegw line for $2 matches '$3': $(grep -E -- "$pre" "$1")"
}

# openssl_reads DER CERT KEY NAME - OpenSSL decrypts what crossed the hop
openssl_reads() {
	openssl cms -decrypt -inform DER -in "$1" -recip "$2" -inkey "$3" \
		-out "$MSGS/$4.openssl" 2>"$MSGS/$4.openssl.err" \
		|| fail "openssl cannot decrypt the $4 hop: $(cat "$MSGS/$4.openssl.err")"
	# sign-then-encrypt (RFC 3183): inside is the sending gateway's
	# domain signature, which OpenSSL verifies against the test CA
	grep -qi '^Content-Type: multipart/signed' "$MSGS/$4.openssl" \
		|| fail "the $4 hop is not signed inside"
	openssl smime -verify -CAfile "$PKI/ca.pem" -purpose any -in "$MSGS/$4.openssl" \
		-out "$MSGS/$4.verified" 2>"$MSGS/$4.verify.err" \
		|| fail "openssl does not verify the $4 hop's signature: $(cat "$MSGS/$4.verify.err")"
	e2e_mail verify "$MSGS/$4.verified" --text "$MSGS/$4.eml.txt" \
		--attach "$BLOB" --no-trace >/dev/null \
		|| fail "what OpenSSL decrypted and verified from the $4 hop is not the original"
}

# crossing NAME FROM TO PORT RELAY MAILDIR PKI_ID - checks 1 to 3 in one
# direction: FROM writes to TO through the gateway on PORT; the recipient
# gets the original, decrypted; the hop recorded by RELAY carried only
# ciphertext, which OpenSSL opens with PKI_ID's key. Sets QSEND and QRECV
# (the queue ids at the sending and receiving gateway) and HOPFILE.
crossing() {
	local name=$1 from=$2 to=$3 port=$4 relay=$5 maildir=$6 id=$7 f res
	compose "$name" "$from" "$to" "$name"
	QSEND=$(inject "$port" "$name" "$from" "$to") || fail "$name: the gateway refused the message"
	spool_wait "$relay" "$name"
	HOPFILE=$HOP QRECV=$NEXTQ
	[ "$RCPTS" = "$to" ] || fail "$name: hop recipients: $RCPTS"
	[ "$QRECV" != - ] || fail "$name: the receiving gateway did not queue what crossed"
	f=$(e2e_mail wait --maildir "$maildir" --message-id "$(mid "$name")" --timeout "$TMO") \
		|| fail "$to did not get the message"
	res=$(e2e_mail verify "$f" --text "$MSGS/$name.eml.txt" --attach "$BLOB" \
		--trace "decrypted") || fail "$to's copy is not the original"
	ok "$to got $from's message: $res"
	# the receiving gateway verified the sender's domain signature
	# (pinned partner certificate) and removed it
	grep -qE "^Authentication-Results: mx\.${to#*@};" "$f" \
		|| fail "$to's copy has no Authentication-Results of mx.${to#*@}"
	sed -n '/^Authentication-Results:/,/^[^ \t]/p' "$f" | grep 'smime=pass (domain signature' >/dev/null \
		|| fail "$to's copy: the domain signature did not pass: $(sed -n '/^Authentication-Results:/,/^[^ \t]/p' "$f")"
	grep -qi '^Content-Type: multipart/signed' "$f" \
		&& fail "$to's copy still carries the domain signature"
	ok "$to's gateway verified and removed $from's domain signature (smime=pass)"
	res=$(e2e_mail hop "$HOPFILE" --canary "$CANARY-$name" --attach "$BLOB" \
		--der "$MSGS/$name.der") || fail "the $name hop carried something else"
	ok "what crossed ($name): $res"
	openssl_reads "$MSGS/$name.der" "$PKI/$id.pem" "$PKI/$id.key" "$name"
	ok "OpenSSL decrypts the $name ciphertext with the receiving gateway's key and verifies the signature inside"
}

# --------------------------------------- 1, 2: a.example -> b.example

lab_log "1. alice@a.example -> bob@b.example"
crossing ab alice@a.example bob@b.example "$PA" ab "$B/mail/bob" gw-b
QA_AB=$QSEND QB_AB=$QRECV HOP_AB=$HOPFILE

# ----------------------------------------- 3: b.example -> a.example

lab_log "3. bob@b.example -> alice@a.example"
crossing ba bob@b.example alice@a.example "$PB" ba "$A/mail/alice" gw-a
QB_BA=$QSEND QA_BA=$QRECV

# ------------------------------------- 4: mixed recipients, split

lab_log "4. mixed recipients: bob@b.example and someone@c.example"
compose split alice@a.example bob@b.example,someone@c.example "mixed, split"
inject "$PA" split alice@a.example bob@b.example someone@c.example >/dev/null \
	|| fail "A refused the message"
f=$(e2e_mail wait --maildir "$B/mail/bob" --message-id "$(mid split)" --timeout "$TMO") \
	|| fail "bob did not get the split message"
e2e_mail verify "$f" --text "$MSGS/split.eml.txt" --attach "$BLOB" \
	--trace decrypted >/dev/null || fail "bob's copy of the split message"
spool_wait ab split
[ "$RCPTS" = bob@b.example ] || fail "split: A->B hop recipients: $RCPTS"
e2e_mail hop "$HOP" --canary "$CANARY-split" --attach "$BLOB" \
	--der "$MSGS/split.der" >/dev/null || fail "split: the A->B copy is not ciphertext"
spool_wait c split
cfile=$HOP
[ "$RCPTS" = someone@c.example ] || fail "split: c.example recipients: $RCPTS"
e2e_mail verify "$cfile" --text "$MSGS/split.eml.txt" --attach "$BLOB" \
	--no-trace >/dev/null || fail "c.example's copy is not the plain original"
grep -qF -- "$CANARY-split" "$cfile" || fail "c.example's copy is not plain"
ok "mixed_recipients = split: bob got it encrypted (one recipient on the hop), c.example a plain copy"

lab_log "4. mixed recipients, reject"
lab_smimegw_conf a a.example aes256-cbc rsa-pkcs1 issuer-serial reject
compose reject alice@a.example bob@b.example,someone@c.example "mixed, reject"
QA_REJ=$(inject "$PA" reject alice@a.example bob@b.example someone@c.example) \
	|| fail "A refused the message"
f=$(e2e_mail wait-bounce --maildir "$A/mail/alice" --of "$(mid reject)" --timeout "$TMO") \
	|| fail "alice got no bounce for mixed_recipients = reject"
grep -q '^Status: 5\.7\.1' "$f" || fail "the bounce does not say 5.7.1: $f"
grep -qF 'no encryption certificate' "$f" || fail "the bounce does not say why: $f"
wait_log "$A/log/maillog" " $QA_REJ: removed"
queue_empty a
[ "$(e2e_mail spool-count --spool "$R/ab/spool" --message-id "$(mid reject)")" = 0 ] \
	|| fail "reject: something crossed A->B"
[ "$(e2e_mail spool-count --spool "$R/c/spool" --message-id "$(mid reject)")" = 0 ] \
	|| fail "reject: c.example got something"
plain_absent reject "$B/mail" "$R" "$A/mail/alice2"
smimegw_line "$A/log/maillog" "$QA_REJ" "outbound: from=<alice@a\\.example> nrcpt=[0-9]+ result=bounced dsn=5\\.7\\.1 "
ok "mixed_recipients = reject: alice got a 5.7.1 bounce; bob, c.example and the hop got nothing"
lab_smimegw_conf a a.example aes256-cbc rsa-pkcs1 issuer-serial split

# ------------------------------------------ 6: inside a.example

lab_log "6. alice@a.example -> alice2@a.example"
compose local alice@a.example alice2@a.example "inside a.example"
QA_LOC=$(inject "$PA" local alice@a.example alice2@a.example) || fail "A refused"
f=$(e2e_mail wait --maildir "$A/mail/alice2" --message-id "$(mid local)" --timeout "$TMO") \
	|| fail "alice2 did not get the message"
e2e_mail verify "$f" --text "$MSGS/local.eml.txt" --attach "$BLOB" --no-trace \
	>/dev/null || fail "alice2's copy is not the plain original"
grep -qiF 'application/pkcs7-mime' "$f" && fail "alice2's copy was encrypted"
smimegw_line "$A/log/maillog" "$QA_LOC" \
	"outbound: copy=1/1 to=<alice2@a\\.example> action=plain "
[ "$(e2e_mail spool-count --spool "$R/ab/spool" --message-id "$(mid local)")" = 0 ] \
	|| fail "mail inside a.example crossed to B"
ok "a.example -> a.example: delivered plain, not encrypted, logged as plain, never left A"

# ------------------------------------ 5: B cannot read its key

lab_log "5. B without its private key"
mv "$B/smimegw/gateway.key" "$B/smimegw/gateway.key.away"
compose nokey alice@a.example bob@b.example "while B has no key"
inject "$PA" nokey alice@a.example bob@b.example >/dev/null || fail "A refused"
spool_wait ab nokey
QB_NOKEY=$NEXTQ
wait_log "$B/log/maillog" " $QB_NOKEY: to=<bob@b\.example>, relay=smimegw, .*status=deferred"
q=$(postqueue -c "$B/etc" -p)
grep -qE "^${QB_NOKEY}[*!]? " <<<"$q" || fail "the message is not in B's queue: $q"
grep -qF 'will retry' <<<"$q" || fail "B's queue does not say it will retry: $q"
grep -qE " $QB_NOKEY: .*status=(sent|bounced)" "$B/log/maillog" \
	&& fail "B delivered or bounced without its key"
not_in_maildir "$B/mail/bob" nokey
not_in_maildir "$A/mail/alice" nokey
plain_absent nokey "$B/mail" "$A/mail"
ok "without its key B defers: $QB_NOKEY waits in B's queue ('will retry'), not delivered, not bounced"

mv "$B/smimegw/gateway.key.away" "$B/smimegw/gateway.key"
postqueue -c "$B/etc" -f
f=$(e2e_mail wait --maildir "$B/mail/bob" --message-id "$(mid nokey)" --timeout "$TMO") \
	|| fail "bob did not get the message after the key came back"
e2e_mail verify "$f" --text "$MSGS/nokey.eml.txt" --attach "$BLOB" \
	--trace decrypted >/dev/null || fail "bob's late copy is not the original"
queue_empty b
ok "key restored, queue flushed: bob got the deferred message, decrypted; B's queue is empty"

# ------------------------------- 5: corrupt ciphertext straight into B

for mode in flip garbage gcm-tag gcm-tag-large; do
	lab_log "5. corrupt ciphertext ($mode) sent straight to B"
	e2e_mail corrupt "$HOP_AB" --mode "$mode" --message-id "$(mid "bad-$mode")" \
		--recip "$PKI/gw-b.pem" --key "$PKI/gw-b.key" \
		-o "$MSGS/bad-$mode.eml"
	q=$(inject "$PB" "bad-$mode" alice@a.example bob@b.example) || fail "B refused"
	wait_log "$B/log/maillog" " $q: to=<bob@b\.example>, relay=smimegw, .*status=bounced"
	f=$(e2e_mail wait-bounce --maildir "$A/mail/alice" --of "$(mid "bad-$mode")" \
		--timeout "$TMO") || fail "alice got no bounce for $mode"
	grep -q '^Status: 5\.7\.5' "$f" || fail "the $mode bounce is not 5.7.5: $f"
	d=$(sed -n '/^Diagnostic-Code:/,/^$/p' "$f" | tr -s ' \n' ' ' | sed 's/ *$//')
	[ "$d" = "Diagnostic-Code: x-unix; smimegw: encrypted message could not be decrypted" ] \
		|| fail "the $mode DSN must say only that decryption failed: $d"
	smimegw_line "$B/log/maillog" "$q" "inbound: from=<alice@a\\.example> nrcpt=1 result=bounced dsn=5\\.7\\.5 "
	not_in_maildir "$B/mail/bob" "bad-$mode"
	ok "corrupt ciphertext ($mode) into B: bounced 5.7.5 to alice, DSN says only that; bob got nothing"
done

# ------------------ 8: a bounce of decrypted mail goes back encrypted

lab_log "8. B bounces a message after decrypting it"
compose dsn alice@a.example bounceme@b.example "bounced after decryption"
QA_DSN=$(inject "$PA" dsn alice@a.example bounceme@b.example) || fail "A refused"
f=$(e2e_mail wait-bounce --maildir "$A/mail/alice" --of "$(mid dsn)" --timeout "$TMO") \
	|| fail "alice got no bounce from B for bounceme@b.example"
grep -q '^Status: 5\.' "$f" || fail "the bounce from B is not a 5.x.x: $f"
grep -qF -- "$CANARY-dsn" "$f" || fail "the bounce does not return alice's message: $f"
grep -q '^X-SMIME-Gateway: decrypted' "$f" || fail "A did not decrypt the bounce: $f"
# B's notification went through its filter (null sender, a partner's
# recipient: outbound) and crossed B->A as ciphertext only
grep -qE " smimegw\[[0-9]+\]: [0-9A-F]+: outbound: copy=1/1 to=<alice@a\.example> action=encrypted " \
	"$B/log/maillog" || fail "B's bounce did not go through its filter encrypted"
grep -qE " smimegw\[[0-9]+\]: [0-9A-F]+: inbound: copy=1/1 to=<alice@a\.example> action=decrypted" \
	"$A/log/maillog" || fail "A did not log the bounce as decrypted inbound"
plain_absent dsn "$R"
ok "a bounce of decrypted mail (B) crossed back encrypted; alice got it decrypted with her text"

# --------------------------------------------------- 7: the logs

lab_log "7. logs"
for x in a b; do
	[ -s "$E2E_ROOT/$x/log/maillog" ] || fail "no maillog_file in $E2E_ROOT/$x/log"
done
postconf -c "$A/etc" -h export_environment | grep -w MAIL_CONFIG >/dev/null \
	|| fail "pipe(8) does not export MAIL_CONFIG"
# A, outbound: the filter's line and Postfix's own, same queue id, same file
smimegw_line "$A/log/maillog" "$QA_AB" \
	"outbound: copy=1/1 to=<bob@b\.example> action=encrypted "
grep -qE " postfix-a/cleanup\[[0-9]+\]: $QA_AB: message-id=<$(mid ab)>" "$A/log/maillog" \
	|| fail "no cleanup line for $QA_AB in A's log"
grep -qE " postfix-a/pipe\[[0-9]+\]: $QA_AB: to=<bob@b\.example>, relay=smimegw, .*status=sent \(delivered via smimegw service\)$" \
	"$A/log/maillog" || fail "A's pipe line for $QA_AB is missing or carries the filter's output: $(grep " $QA_AB: to=" "$A/log/maillog")"
grep -qE " postfix-a/pickup\[[0-9]+\]: [0-9A-F]+: uid=$(id -u "$E2E_USER") from=<alice@a\.example>" \
	"$A/log/maillog" || fail "no reinjection by uid $(id -u "$E2E_USER") in A's log"
# pipe(8) passes MAIL_CONFIG on, so postlog wrote into this instance's file:
grep -qE " smimegw\[[0-9]+\]: ((warning|error): )?$QA_AB: " "$B/log/maillog" \
	&& fail "A's filter line for $QA_AB went to B's log"
grep -qE " smimegw\[[0-9]+\]: ((warning|error): )?$QB_AB: " "$A/log/maillog" \
	&& fail "B's filter line for $QB_AB went to A's log"
# B, inbound
smimegw_line "$B/log/maillog" "$QB_AB" \
	"inbound: copy=1/1 to=<bob@b\.example> action=decrypted"
grep -qE " postfix-b/pipe\[[0-9]+\]: $QB_AB: to=<bob@b\.example>, relay=smimegw, .*status=sent \(delivered via smimegw service\)$" \
	"$B/log/maillog" || fail "B's pipe line for $QB_AB is missing or carries the filter's output"
grep -qE " postfix-b/smtpd\[[0-9]+\]: $QB_AB: client=" "$B/log/maillog" \
	|| fail "no smtpd line for $QB_AB in B's log"
# and the reverse direction
smimegw_line "$B/log/maillog" "$QB_BA" \
	"outbound: copy=1/1 to=<alice@a\.example> action=encrypted "
smimegw_line "$A/log/maillog" "$QA_BA" \
	"inbound: copy=1/1 to=<alice@a\.example> action=decrypted"
ok "smimegw's lines carry the queue id, one final line per message, in each instance's maillog_file beside Postfix's ($E2E_LOG_MODE)"
if grep -qE 'smimegw\[[0-9]+\]: .*(warning|error|fatal)|postfix-[ab]/[a-z]+\[[0-9]+\]: (fatal|panic)' \
	"$A/log/maillog" "$B/log/maillog"; then
	# the only warning we caused on purpose is B's missing key
	bad=$(grep -hE 'smimegw\[[0-9]+\]: .*(warning|error|fatal)|postfix-[ab]/[a-z]+\[[0-9]+\]: (fatal|panic)' \
		"$A/log/maillog" "$B/log/maillog" | grep -vF "$QB_NOKEY" \
		| grep -vE 'result=bounced dsn=5\.7\.5' || true)
	[ -z "$bad" ] || fail "unexpected warnings or errors: $bad"
fi
queue_empty a
queue_empty b
ok "no unexpected warnings; both queues empty"

lab_log "done"
echo "$TEST: $CHECKS passed, 0 failed"
