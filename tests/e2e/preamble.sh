# shellcheck shell=bash
# preamble.sh - what every e2e test does first (sourced, not run).
#
# The test sets TEST and HERE (its directory), sources this file, checks
# its own arguments with fail(), then calls
#	e2e_preflight [TOOL...]	the lab's settings, the tools (and TOOLs)
#	e2e_start		lab.sh, the lab lock, a clean slate, and the
#				exit handler on_exit (a test may define its
#				own after this and trap it again)
# Settings: E2E_ROOT, E2E_USER, E2E_SAMPLE (SAMPLE), E2E_LOG_MODE,
# E2E_TIMEOUT (TMO); see t-e2e-two-gateways.sh. Not root: exit 77.
# Shared: R (the relays' records), RUN and mid, spool_wait, wait_log,
# queue_empty.

TOP=$(cd "$HERE/../.." && pwd)
SAMPLE=${E2E_SAMPLE:-$TOP/master.cf.sample}
E2E_ROOT=${E2E_ROOT:-/run/smimegw-e2e}
E2E_USER=${E2E_USER:-smimegw-e2e}
TMO=${E2E_TIMEOUT:-30}
R=$E2E_ROOT/relay	# what the recording relays (lab_relay) keep
CHECKS=0

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: $TEST must run as root (it creates a user, starts Postfix" \
	     "instances and edits /etc/postfix/main.cf); CI runs it as root"
	exit 77
fi

fail() {
	echo "FAIL: $TEST: $*" >&2
	exit 1
}

ok() {
	CHECKS=$((CHECKS + 1))
	echo "ok $CHECKS - $*"
}

# RUN: this run's random id; mid NAME - the Message-ID (without <>) of
# test message NAME
RUN=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
mid() { echo "$1.$RUN@e2e.test"; }

# spool_wait RELAY NAME - wait until relay RELAY (under $R) recorded NAME;
# sets HOP (the recorded file), NEXTQ (the next hop's queue id) and RCPTS
spool_wait() {
	local out
	out=$(e2e_mail spool-wait --spool "$R/$1/spool" --message-id "$(mid "$2")" \
		--timeout "$TMO") || fail "relay $1 did not see message $2"
	read -r HOP NEXTQ RCPTS <<<"$out"
}

# wait_log FILE ERE - until a line of FILE matches (E2E_TIMEOUT)
wait_log() {
	local _
	for _ in $(seq $((TMO * 5))); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	fail "no line matching '$2' in $1 after ${TMO}s"
}

# queue_empty X - gateway X's queue is empty (waits, E2E_TIMEOUT)
queue_empty() {
	local _ out
	for _ in $(seq $((TMO * 5))); do
		out=$(postqueue -c "$E2E_ROOT/$1/etc" -p)
		[ "$out" = "Mail queue is empty" ] && return 0
		sleep 0.2
	done
	fail "gateway $1's queue is not empty: $out"
}

# e2e_preflight [TOOL...] - check the settings and the tools, fail early
e2e_preflight() {
	local c
	case $E2E_ROOT in
	/?*) ;;
	*) fail "E2E_ROOT must be an absolute path other than /: '$E2E_ROOT'" ;;
	esac
	if [ -d "$E2E_ROOT" ] && [ -n "$(ls -A "$E2E_ROOT")" ] && [ ! -d "$E2E_ROOT/state" ]; then
		fail "$E2E_ROOT exists and is not this test's: it would be wiped"
	fi
	[ -r "$SAMPLE" ] || fail "cannot read $SAMPLE"
	if [ -z "${E2E_LOG_MODE:-}" ]; then
		if [ -S /dev/log ]; then E2E_LOG_MODE="file"; else E2E_LOG_MODE="postlog"; fi
	fi
	case $E2E_LOG_MODE in
	postlog|file) ;;
	*) fail "E2E_LOG_MODE must be postlog or file, not '$E2E_LOG_MODE'" ;;
	esac
	for c in postfix postconf postqueue postlog sendmail python3 openssl \
		 runuser useradd flock awk "$@"; do
		command -v "$c" >/dev/null 2>&1 \
			|| fail "required tool '$c' not found (run: bash .ci/install-deps)"
	done
	if [ "$E2E_LOG_MODE" = postlog ] \
	   && ! { [ -g /usr/sbin/postlog ] \
		  && [ "$(stat -c %G /usr/sbin/postlog)" = postdrop ]; }; then
		fail "/usr/sbin/postlog is not set-gid postdrop ($(stat -c '%A %U:%G' \
/usr/sbin/postlog)): the filter's user cannot reach postlogd, and smimegw's lines
would be lost from the mail log. Postfix installs it 2755 root:postdrop
(postfix-files); Debian 12 does not. Fix, as root:
  dpkg-statoverride --update --add root postdrop 2555 /usr/sbin/postlog
(.ci/install-deps does this)."
	fi
}

# on_exit - stop everything, whatever happened; keep the files on failure.
#	E2E_GATEWAYS names the gateways whose logs are shown (default "a b");
#	a test with more to show or to stop first defines e2e_show_more and
#	e2e_stop_more.
on_exit() {
	local rc=$? x
	trap - EXIT INT TERM
	if [ $rc -ne 0 ] || [ "${VERBOSE:-0}" = 1 ]; then
		for x in ${E2E_GATEWAYS:-a b}; do
			[ -f "$E2E_ROOT/$x/log/maillog" ] || continue
			echo "---- gateway $x: $E2E_ROOT/$x/log/maillog (last 40 lines)"
			tail -n 40 "$E2E_ROOT/$x/log/maillog"
		done
		if declare -F e2e_show_more >/dev/null; then e2e_show_more; fi
	fi
	if declare -F e2e_stop_more >/dev/null; then e2e_stop_more; fi
	if ! lab_stop; then
		echo "FAIL: $TEST: processes of the lab survived" >&2
		rc=1
	fi
	lab_unbless
	if [ $rc -eq 0 ]; then
		rm -rf "$E2E_ROOT"
	else
		echo "$TEST: files kept in $E2E_ROOT" >&2
	fi
	exit $rc
}

# e2e_start - lab.sh, the lab lock, a clean slate, the exit handler
e2e_start() {
	# shellcheck source=lab.sh
	. "$HERE/lab.sh"
	exec 9>/run/smimegw-e2e.lock
	flock -w 300 9 || fail "another e2e run holds /run/smimegw-e2e.lock"
	lab_reset || fail "cannot clean up what a previous run left in $E2E_ROOT"
	trap on_exit EXIT
	trap 'exit 130' INT TERM
}
