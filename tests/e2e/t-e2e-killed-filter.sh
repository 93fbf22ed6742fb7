#!/usr/bin/env bash
# NAME
#	t-e2e-killed-filter.sh - a filter killed during reinjection never
#	gets a truncated copy queued by real Postfix sendmail
# SYNOPSIS
#	t-e2e-killed-filter.sh SMIMEGW [PKI_DIR]
#	(PKI_DIR: where tests/pki/gen-test-pki.sh writes; default E2E_ROOT/pki)
# DESCRIPTION
#	The lab of t-e2e-two-gateways.sh (lab.sh: gateways A and B, relays),
#	with one change: gateway A's smimegw runs its sendmail through a
#	wrapper that then executes the real /usr/sbin/sendmail, with its
#	environment (MAIL_CONFIG) and arguments. alice@a.example sends a
#	~500 KB message to bob@b.example, and while A's sendmail runs, the
#	filter is killed:
#
#	1. delay: the wrapper sleeps 3 s before it executes sendmail; the
#	   filter's process group gets SIGKILL, as pipe(8) does at its time
#	   limit (the wrapper is in a group of its own: the kill misses it).
#	2. mid-read: sendmail reads its input through a throttle (8 KB per
#	   50 ms); the group gets SIGKILL once about 100 KB have gone to
#	   sendmail and postdrop has started a queue file.
#	3. SIGTERM to the filter alone, while the wrapper sleeps: it exits
#	   75, and pipe(8) logs its 4.3.0 line as a deferral.
#
#	After each kill, and 8 s more (longer than the wrapper's sleep or
#	the throttled read would take), it proves that nothing was queued:
#	A's log has no pickup of a reinjected message (uid of the filter's
#	user) and A's maildrop directory is empty; postqueue -j lists only
#	the original message, deferred by pipe(8), and postcat shows it
#	whole (its last line is the closing MIME boundary); nothing crossed
#	A->B, bob's Maildir and B's queue are empty; the wrapper never got to
#	execute sendmail (1, 3) or sendmail died before it had read everything
#	(2). Then, the wrapper passing straight through, A's queue is flushed:
#	each message reaches bob exactly once, whole (text and attachment
#	equal the original), and both queues end empty.
#
#	Today's pipe-fed reinjection fails check 1: the wrapper outlives the
#	filter, sendmail -i reads the 64 KB that were in the pipe and queues
#	them, and a truncated copy crosses to B.
#
#	Runs are serialised with t-e2e-two-gateways.sh by the same lock file
#	(and ctest's RESOURCE_LOCK); everything else is as that test's header
#	and tests/e2e/README.md say.
# ENVIRONMENT
#	E2E_ROOT, E2E_USER, E2E_SAMPLE, E2E_LOG_MODE, E2E_TIMEOUT, VERBOSE:
#	as for t-e2e-two-gateways.sh.
# EXIT STATUS
#	0 all checks passed; 77 skipped (not root); 1 a check failed.
set -euo pipefail

TEST=t-e2e-killed-filter
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
e2e_preflight postcat ps
e2e_start

A=$E2E_ROOT/a
B=$E2E_ROOT/b
DEFERRED=""
W=$A/wrap
MSGS=$E2E_ROOT/msgs
mkdir -p "$MSGS"
CANARY=CANARY-$RUN

# ---------------------------------------------------------------- set-up

lab_log "test PKI"
bash "$TOP/tests/pki/gen-test-pki.sh" "$PKI" "$TOP/tests/data/nss" >/dev/null \
	|| fail "cannot generate the test PKI in $PKI"
lab_user
FUID=$(id -u "$E2E_USER")
read -r PA PB PAB PBA PC <<<"$(lab_free_ports 5)"
[ -n "$PC" ] || fail "could not find 5 free ports on 127.0.0.1"
lab_log "ports: A smtpd $PA, B smtpd $PB, relay A->B $PAB, relay B->A $PBA," \
	"c.example MX $PC; smimegw logs via $E2E_LOG_MODE"

lab_gateways "$PAB" "$PBA" "$PC" "$PA" "$PB" alice

# A's sendmail: a wrapper around the real one, its behaviour in $W/mode.
mkdir -p "$W"
chown "$E2E_USER" "$W"
chmod 755 "$W"
echo pass >"$W/mode"
chmod 644 "$W/mode"
cat >"$A/smimegw/sendmail" <<EOF
#!/bin/bash
# $TEST: gateway A's sendmail. Records its pid and its parent's (the
# filter), then per $W/mode: pass - execute /usr/sbin/sendmail;
# delay - sleep 3 s first; throttle - feed it stdin 8 KB per 50 ms.
PATH=/usr/bin:/bin
w='$W'
echo "\$\$ \$PPID" >"\$w/started"
case \$(cat "\$w/mode") in
delay)
	sleep 3
	echo "\$\$" >"\$w/exec"
	exec /usr/sbin/sendmail "\$@"
	;;
throttle)
	echo "\$\$" >"\$w/exec"
	exec /usr/sbin/sendmail "\$@" < <(exec python3 -c '
import os, sys, time
fed = 0
while True:
    b = os.read(0, 8192)
    if not b:
        break
    os.write(1, b)
    fed += len(b)
    if fed >= 98304 and not os.path.exists(sys.argv[1] + "/midway"):
        open(sys.argv[1] + "/midway", "w").write("%d\n" % fed)
    time.sleep(0.05)
open(sys.argv[1] + "/fed-all", "w").write("%d\n" % fed)
' "\$w")
	;;
*)
	exec /usr/sbin/sendmail "\$@"
	;;
esac
EOF
chmod 755 "$A/smimegw/sendmail"
sed -i "s|^sendmail = .*|sendmail = $A/smimegw/sendmail|" "$A/smimegw/smimegw.conf"
grep -qx "sendmail = $A/smimegw/sendmail" "$A/smimegw/smimegw.conf" \
	|| fail "cannot point A's smimegw at the sendmail wrapper"
lab_bless

FILTER=$(postconf -c "$A/etc" -M smimegw/unix | sed -n 's/.* argv=\([^ ]*\) .*/\1/p')
out=$(runuser -u "$E2E_USER" -- "$FILTER" -c "$A/smimegw/smimegw.conf" -n 2>&1) \
	|| fail "gateway A: smimegw -n as $E2E_USER: $out"
lab_start a || fail "gateway A did not start"
lab_start b || fail "gateway B did not start"
lab_relay ab "$PAB" "$PB" || fail "relay A->B did not start"
lab_relay ba "$PBA" "$PA" || fail "relay B->A did not start"
lab_relay c "$PC" || fail "c.example MX did not start"
ok "gateways A and B are up; A's smimegw reinjects through a wrapper around /usr/sbin/sendmail"

# ------------------------------------------------------------- helpers

# ~370 KB of random bytes: a ~500 KB message, ~680 KB once encrypted
BIG=$MSGS/big.bin
head -c 370000 /dev/urandom >"$BIG"


# compose NAME SUBJECT - alice's message to bob, $MSGS/NAME.eml
compose() {
	e2e_mail compose -o "$MSGS/$1.eml" --from alice@a.example \
		--to bob@b.example --subject "$2" --message-id "$(mid "$1")" \
		--canary "$CANARY-$1" --attach "$BIG"
}

# wait_file FILE - until it exists (E2E_TIMEOUT)
wait_file() {
	local _
	for _ in $(seq $((TMO * 20))); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	fail "no $1 after ${TMO}s"
}

# ended PID - the process is gone (or a zombie nobody reaped)
ended() {
	! ps -o stat= -p "$1" 2>/dev/null | grep -v '^Z' >/dev/null
}

# reinjections - how many messages A's pickup took from the filter's user
reinjections() {
	grep -cE " postfix-a/pickup\[[0-9]+\]: [0-9A-F]+: uid=$FUID from=<alice@a\.example>" \
		"$A/log/maillog" || true
}

# describe_reinjected - the queue ids and sizes of what pickup took in
describe_reinjected() {
	local q
	for q in $(sed -nE "s/.* postfix-a\/pickup\[[0-9]+\]: ([0-9A-F]+): uid=$FUID from=<alice@a\.example>.*/\1/p" \
			"$A/log/maillog"); do
		grep -m1 -oE " $q: from=<[^>]*>, size=[0-9]+" "$A/log/maillog"
	done | tr '\n' ';'
}

# kill_mid_reinjection NAME MODE HOW - alice sends NAME; once A's sendmail
# runs (MODE), HOW ("group" SIGKILL to the filter's process group, or
# "term" SIGTERM to the filter); sets QA, SMPID
kill_mid_reinjection() {
	local name=$1 mode=$2 how=$3 fpid pgid
	rm -f "$W/started" "$W/exec" "$W/midway" "$W/fed-all"
	echo "$mode" >"$W/mode"
	compose "$name" "killed filter, $mode, $how"
	BEFORE=$(reinjections)
	QA=$(e2e_mail send --server "127.0.0.1:$PA" --from alice@a.example \
		--to bob@b.example "$MSGS/$name.eml") || fail "$name: A refused the message"
	wait_file "$W/started"
	read -r SMPID fpid <"$W/started"
	[ "$(ps -o comm= -p "$fpid")" = smimegw ] \
		|| fail "$name: the wrapper's parent $fpid is not smimegw: $(ps -o pid,comm -p "$fpid")"
	pgid=$(ps -o pgid= -p "$fpid" | tr -d ' ')
	[ "$pgid" = "$fpid" ] \
		|| fail "$name: the filter $fpid does not lead its process group ($pgid): pipe(8) changed"
	[ "$(ps -o pgid= -p "$SMPID" | tr -d ' ')" = "$SMPID" ] \
		|| fail "$name: A's sendmail does not lead a process group of its own"
	case $mode in
	delay) sleep 1 ;;
	throttle) wait_file "$W/midway" ;;
	esac
	ended "$SMPID" && fail "$name: A's sendmail ended before the kill"
	if [ "$how" = group ]; then
		kill -KILL -- "-$pgid"
	else
		kill -TERM "$fpid"
	fi
	KILLED_AT=$SECONDS
}

# nothing_queued NAME WHAT - NAME was deferred by pipe(8) and nothing
# reinjected shows up, 8 s after the kill
nothing_queued() {
	local name=$1 what=$2 _ q ids last died=no
	wait_log "$A/log/maillog" " $QA: to=<bob@b\.example>, relay=smimegw, .*status=deferred"
	for _ in $(seq 50); do
		ended "$SMPID" && { died=yes; break; }
		sleep 0.02
	done
	while [ $((SECONDS - KILLED_AT)) -lt 8 ]; do
		sleep 0.5
	done
	# first what a surviving sendmail did, then that it did not survive
	[ "$(reinjections)" = "$BEFORE" ] \
		|| fail "$what: A queued a reinjected copy after the filter was killed (the message is $(stat -c %s "$MSGS/$name.eml") bytes; reinjected: $(describe_reinjected))"
	[ $died = yes ] || fail "$what: A's sendmail $SMPID still ran 1 s after the kill"
	[ -z "$(find "$A/spool/maildrop" -type f)" ] \
		|| fail "$what: files left in A's maildrop: $(ls -l "$A/spool/maildrop")"
	# the originals deferred so far, and nothing else
	DEFERRED=$(printf '%s\n' $DEFERRED "$QA" | sort | tr '\n' ' ')
	ids=$(postqueue -c "$A/etc" -j | python3 -c '
import json, sys
print(" ".join(sorted(json.loads(l)["queue_id"] for l in sys.stdin if l.strip())))')
	[ "$ids " = "$DEFERRED" ] || fail "$what: A's queue holds [$ids], expected [$DEFERRED]"
	q=$(postqueue -c "$A/etc" -p)
	grep -qE "^${QA}[*!]? " <<<"$q" || fail "$what: $QA is not in A's queue: $q"
	q=$(postcat -c "$A/etc" -hq "$QA")
	grep -qiF "Message-ID: <$(mid "$name")>" <<<"$q" || fail "$what: $QA is not $name"
	last=$(postcat -c "$A/etc" -bq "$QA" | sed '/^[[:space:]]*$/d' | tail -n 1)
	case $last in
	--*--) ;;
	*) fail "$what: the queued original $QA does not end with its closing boundary: '$last'" ;;
	esac
	[ "$(e2e_mail spool-count --spool "$R/ab/spool" --message-id "$(mid "$name")")" = 0 ] \
		|| fail "$what: something of $name crossed A->B"
	[ "$(postqueue -c "$B/etc" -p)" = "Mail queue is empty" ] \
		|| fail "$what: B's queue is not empty: $(postqueue -c "$B/etc" -p)"
	for q in "$B/mail/bob/new"/* "$B/mail/bob/cur"/*; do
		[ -e "$q" ] || continue
		grep -qF -- "$(mid "$name")" "$q" && fail "$what: bob got $name: $q"
	done
	ok "$what: nothing reinjected; A's queue holds only the originals [$DEFERRED] (deferred; $QA whole); nothing crossed to B"
}

# ------------------------------------------------ 1: SIGKILL, delay

lab_log "1. SIGKILL to the filter's group while its sendmail is starting"
kill_mid_reinjection delay delay group
Q1=$QA
nothing_queued delay "SIGKILL to the group before sendmail read"
[ ! -e "$W/exec" ] || fail "delay: the wrapper outlived the filter and executed sendmail"
ok "the wrapper died with the filter: /usr/sbin/sendmail never ran"

# --------------------------------------------- 2: SIGKILL, mid-read

lab_log "2. SIGKILL to the filter's group while sendmail reads"
kill_mid_reinjection midread throttle group
Q2=$QA
nothing_queued midread "SIGKILL to the group while sendmail read"
[ -e "$W/exec" ] || fail "mid-read: sendmail was never executed"
[ ! -e "$W/fed-all" ] || fail "mid-read: sendmail read all of its input ($(cat "$W/fed-all") bytes)"
grep -qE "postfix-a/postdrop\[[0-9]+\]: .*(warning|fatal)" "$A/log/maillog" \
	|| fail "mid-read: postdrop did not notice that its input ended early"
ok "sendmail died after $(cat "$W/midway" | tr -d '\n') bytes; postdrop dropped its queue file: $(grep -ohE "postfix-a/postdrop\[[0-9]+\]: .*" "$A/log/maillog" | tail -1)"

# --------------------------------------------------- 3: SIGTERM

lab_log "3. SIGTERM to the filter while its sendmail is starting"
kill_mid_reinjection term delay term
Q3=$QA
nothing_queued term "SIGTERM to the filter"
grep -qE " $QA: to=<bob@b\.example>, relay=smimegw, .*status=deferred \(.*interrupted by a signal" \
	"$A/log/maillog" || fail "SIGTERM: pipe(8) did not log the filter's 4.3.0 line: $(grep " $QA: to=" "$A/log/maillog")"
[ ! -e "$W/exec" ] || fail "term: the wrapper outlived the filter and executed sendmail"
ok "SIGTERM: the filter exited 75 with its 4.3.0 line; sendmail never ran"

# ------------------------------------- retry: each exactly once, whole

lab_log "retry: A's queue flushed, the wrapper passes through"
echo pass >"$W/mode"
postqueue -c "$A/etc" -f
for name in delay midread term; do
	f=$(e2e_mail wait --maildir "$B/mail/bob" --message-id "$(mid "$name")" --timeout "$TMO") \
		|| fail "bob did not get $name after the retry"
	e2e_mail verify "$f" --text "$MSGS/$name.eml.txt" --attach "$BIG" \
		--trace decrypted >/dev/null || fail "bob's copy of $name is not the original"
done
for x in a b; do
	for _ in $(seq $((TMO * 5))); do
		[ "$(postqueue -c "$E2E_ROOT/$x/etc" -p)" = "Mail queue is empty" ] && break
		sleep 0.2
	done
	[ "$(postqueue -c "$E2E_ROOT/$x/etc" -p)" = "Mail queue is empty" ] \
		|| fail "gateway $x's queue is not empty: $(postqueue -c "$E2E_ROOT/$x/etc" -p)"
done
for name in delay midread term; do
	n=0
	for f in "$B/mail/bob/new"/* "$B/mail/bob/cur"/*; do
		[ -e "$f" ] && grep -qF -- "$(mid "$name")" "$f" && n=$((n + 1))
	done
	[ "$n" = 1 ] || fail "bob has $n copies of $name"
	[ "$(e2e_mail spool-count --spool "$R/ab/spool" --message-id "$(mid "$name")")" = 1 ] \
		|| fail "$name crossed A->B more than once"
done
[ "$(reinjections)" = 3 ] || fail "A reinjected $(reinjections) messages, expected 3"
ok "after the retry bob has each message exactly once, whole (text and $(stat -c %s "$BIG")-byte attachment equal); $Q1 $Q2 $Q3 left A's queue; both queues empty"

lab_log "done"
echo "$TEST: $CHECKS passed, 0 failed"
