#!/bin/bash
# NAME
#	t-killed-mid-reinjection - a filter killed while sendmail runs never
#	leaves a truncated copy behind
# SYNOPSIS
#	t-killed-mid-reinjection.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	A 1 MB message (far more than a pipe holds) is relayed inbound by
#	gateway B. Its sendmail is a slow stand-in: it writes its pid and its
#	parent's (the filter), sleeps 2 s, then copies its standard input to
#	msg and writes "queued" - what sendmail -i does, queueing whatever it
#	read before end of input. While the stand-in sleeps, the filter is
#	killed:
#	- SIGKILL (the OOM killer, pipe(8)'s time limit): the stand-in dies
#	  with the filter (PR_SET_PDEATHSIG) within 1 s, and nothing at all
#	  is recorded, not even after its sleep would have ended;
#	- SIGTERM, SIGHUP, SIGINT: the filter kills sendmail's process group
#	  and exits 75 with one 4.x.x line; again nothing at all is recorded.
#	Nothing, rather than a complete copy, because sendmail is gone
#	before it reads a byte: a real sendmail killed before the end of its
#	input queues nothing (postdrop removes an unfinished queue file), and
#	Postfix retries the whole message.
#	- SIGKILL, with a stand-in that leaves a reader behind in a session
#	  of its own, out of reach of both kills (as a sendmail's helper that
#	  survives it would be): that reader starts only after the filter is
#	  dead, and records a complete copy, byte-identical to the copy the
#	  same message gets when nothing goes wrong, because sendmail's input
#	  is complete before sendmail starts.
#	Today's pipe-fed sendmail fails each case: it outlives the filter and
#	records the 64 KB that were in the pipe.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-killed-mid-reinjection
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway b b.example gw-b
REC=$S/b/rec
leftover=""
end_leftover() {
	local rc=$? p
	for p in $leftover; do		# each leads its process group
		kill -KILL -- "-$p" "$p" 2>/dev/null || true
	done
	(exit $rc)
	cleanup_scratch
}
trap end_leftover EXIT

{
	sed -n '1,/^$/p' "$DATA/passthrough/plain-inbound.eml"
	head -c 750000 /dev/urandom | base64
} >"$S/big.eml"

# The copy B makes of this message when nothing goes wrong.
run_filter b -q BEHK0001 -f someone@partner.example -- bob@b.example <"$S/big.eml"
expect b 0 - 1 "relay of 1 MB, undisturbed"
REF=$S/reference.eml
cp "$(cap b 1)/msg" "$REF"
[ "$(stat -c %s "$REF")" -gt 1000000 ] || fail "the reference copy is only $(stat -c %s "$REF") bytes"

# stand_in BODY - gateway B's sendmail: record pids, then BODY
stand_in() {
	rm -rf "$REC"
	mkdir "$REC"
	cat >"$S/b/sendmail" <<EOF
#!/bin/sh
# $TEST: a sendmail that is still running when the filter is killed
d='$REC'
echo \$PPID >"\$d/filter.pid"
$1
EOF
	own "$REC" "$S/b/sendmail"
}

# slow_stand_in - sleeps 2 s, then reads everything and "queues" it
slow_stand_in() {
	stand_in 'echo $$ >"$d/pid"
sleep 2
cat >"$d/msg"
echo queued >"$d/queued"'
}

# escaping_stand_in - leaves a reader in its own session that waits for
#	"go", then reads everything and "queues" it
escaping_stand_in() {
	stand_in 'exec 5<&0
setsid sh -c '\''echo $$ >"$1/reader.pid"
while [ ! -e "$1/go" ]; do sleep 0.05; done
cat <&5 >"$1/msg"
echo queued >"$1/queued"'\'' reader "$d" &
while [ ! -s "$d/reader.pid" ]; do sleep 0.05; done
echo $$ >"$d/pid"
sleep 30'
}

# wait_file FILE WHAT - until FILE is not empty (10 s)
wait_file() {
	local _
	for _ in $(seq 200); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	fail "$2: no $(basename "$1") after 10 s"
}

# ended PID - the process is gone (or a zombie nobody reaped)
ended() {
	! ps -o stat= -p "$1" 2>/dev/null | grep -v '^Z' >/dev/null
}

# kill_mid_reinjection SIG WHAT - run the filter in the background, send
#	SIG to it while its sendmail runs; RC is its exit status, SM the
#	sendmail's pid
kill_mid_reinjection() {
	local sig=$1 what=$2 bg fpid _
	RC=0
	as_filter_user "$SMIMEGW" -c "$(conf b)" -q BEHK0002 \
		-f someone@partner.example -- bob@b.example \
		<"$S/big.eml" >"$S/out" 2>"$S/err" &
	bg=$!
	wait_file "$REC/pid" "$what"
	SM=$(cat "$REC/pid")
	fpid=$(cat "$REC/filter.pid")
	leftover="$leftover $SM"
	[ "$(ps -o comm= -p "$fpid")" = "$(basename "$SMIMEGW" | cut -c1-15)" ] ||
		fail "$what: the stand-in's parent $fpid is not the filter"
	sleep 0.3
	kill "-$sig" "$fpid"
	wait "$bg" || RC=$?
	for _ in $(seq 50); do
		ended "$SM" && break
		sleep 0.02
	done
	ended "$SM" || fail "$what: sendmail $SM still runs 1 s after the filter was killed"
	ok "$what: sendmail ended with the filter"
}

# nothing_recorded WHAT - nothing read, nothing "queued", even after the
#	stand-in's sleep would have ended
nothing_recorded() {
	sleep 2.5
	[ ! -e "$REC/queued" ] ||
		fail "$1: sendmail queued $(stat -c %s "$REC/msg") of $(stat -c %s "$REF") bytes after the filter was killed"
	[ ! -e "$REC/msg" ] || fail "$1: sendmail read $(stat -c %s "$REC/msg") bytes"
	ok "$1: nothing queued"
}

slow_stand_in
kill_mid_reinjection KILL "SIGKILL"
[ "$RC" = 137 ] || fail "SIGKILL: exit $RC, expected death by SIGKILL (137)"
nothing_recorded "SIGKILL"

reset b
for sig in TERM HUP INT; do
	slow_stand_in
	kill_mid_reinjection $sig "SIG$sig"
	expect b 75 4. 0 "SIG$sig: deferred"
	nothing_recorded "SIG$sig"
done

escaping_stand_in
kill_mid_reinjection KILL "SIGKILL, a reader escapes"
leftover="$leftover $(cat "$REC/reader.pid")"
: >"$REC/go"
wait_file "$REC/queued" "SIGKILL, a reader escapes"
cmp -s "$REC/msg" "$REF" ||
	fail "SIGKILL, a reader escapes: it read $(stat -c %s "$REC/msg") bytes, not the $(stat -c %s "$REF") of the complete copy"
ok "SIGKILL, a reader escapes: it read the complete copy, byte for byte"
finish
