# shellcheck shell=bash
# lib.sh - shared helpers for the smimegw behaviour tests (sourced, not run).
#
# A test sets TEST (its name), sources this file and calls
#	setup "$@"		# SMIMEGW PKI_DIR [extra...]
# which checks the tools, the binary and the test PKI and makes a scratch
# directory $S (removed on success, kept and named on failure).
#
# Gateways live in $S/NAME: smimegw.conf, gw.pem/gw.key (their own pair),
# certs/ (peer certificates), sendmail (wrapper around capture-sendmail.sh),
# cap/ (one directory per sendmail call) and smimegw.log.
#
# The filter refuses to run as root, so when the tests run as root (CI),
# run_filter starts it as uid/gid 65534 (nobody) with setpriv, and the
# gateway directories are owned by 65534.  It always runs with a minimal
# environment, as Postfix's pipe(8) does.

BEH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA=$(cd "$BEH_DIR/../data/behaviour" && pwd)
PY=${PYTHON:-python3}
FILTER_UID=65534
CHECKS=0

. "$BEH_DIR/../common.sh"
mailtool() { "$PY" "$BEH_DIR/mailtool.py" "$@"; }

# fail MSG... - report a failed assertion and stop
fail() {
	echo "FAIL: $TEST: $*" >&2
	if [ -n "${S:-}" ] && [ -s "$S/out" ]; then
		echo "  last filter stdout: $(head -c 300 "$S/out")" >&2
	fi
	if [ -n "${S:-}" ] && [ -s "$S/err" ]; then
		echo "  last filter stderr: $(head -c 600 "$S/err")" >&2
	fi
	exit 1
}

# ok MSG - count a passed check (printed with VERBOSE=1)
ok() {
	CHECKS=$((CHECKS + 1))
	[ "${VERBOSE:-0}" = 1 ] && echo "ok $CHECKS - $*"
	return 0
}

# section FUNC WHAT - run FUNC in a subshell: a failure there is counted
#	and reported, and the test goes on with the next section
FAILED_SECTIONS=0
section() {
	if ! ("$1"); then
		FAILED_SECTIONS=$((FAILED_SECTIONS + 1))
		echo "  (section '$2' failed; going on)" >&2
	else
		ok "section $2"
	fi
}

# finish - the summary line
finish() {
	[ "$FAILED_SECTIONS" = 0 ] || fail "$FAILED_SECTIONS section(s) failed"
	echo "PASS: $TEST ($CHECKS checks)"
}

# setup SMIMEGW PKI_DIR [...] - check everything, make the scratch dir
setup() {
	[ $# -ge 2 ] || fail "usage: $TEST.sh SMIMEGW PKI_DIR [...]"
	SMIMEGW=$1
	PKI=$2
	[ -x "$SMIMEGW" ] || fail "filter binary not found or not executable: '$SMIMEGW'"
	SMIMEGW=$(cd "$(dirname "$SMIMEGW")" && pwd)/$(basename "$SMIMEGW")
	need_cmd openssl "$PY" cmp setpriv base64
	# Resolve wrappers such as pyenv shims once: they cost 0.3 s a call.
	PY=$("$PY" -c 'import sys; print(sys.executable)') || fail "$PY does not run"
	local f
	for f in ca.pem gw-a.pem gw-a.key gw-b.pem gw-b.key gw-b-next.pem gw-b-next.key \
		gw-c.pem gw-c.key carol.pem carol.key bob.pem bob.key; do
		[ -s "$PKI/$f" ] || fail "test PKI incomplete: $PKI/$f (run tests/pki/gen-test-pki.sh)"
	done
	S=$(mktemp -d "${TMPDIR:-/tmp}/sg-$TEST.XXXXXX")
	chmod 755 "$S"
	own "$S"
	trap cleanup_scratch EXIT
	# The filter's user may not reach the source or build tree (a clone
	# under /root): then it runs copies from the scratch directory.
	CAPTURE=$BEH_DIR/capture-sendmail.sh
	if ! as_filter_user test -x "$SMIMEGW"; then
		install -m 755 "$SMIMEGW" "$S/smimegw"
		SMIMEGW=$S/smimegw
	fi
	if ! as_filter_user test -r "$CAPTURE"; then
		install -m 644 "$CAPTURE" "$S/capture-sendmail.sh"
		CAPTURE=$S/capture-sendmail.sh
	fi
	exec </dev/null
}

# own PATH... - give files to the filter's user when we are root
own() {
	[ "$(id -u)" = 0 ] || return 0
	chown -R "$FILTER_UID:$FILTER_UID" "$@"
}

# make_gateway NAME DOMAINS PKI_ID [section.key=value | -section.key]...
#	A gateway for DOMAINS whose own pair is PKI_ID.pem/.key.  Defaults:
#	sendmail = the capture wrapper, log_file in the gateway dir, the
#	certificates directory certs/, the state directory state/ (where
#	encrypted copies are spooled), [signing] mode = none.  Arguments override or (with a
#	leading '-') delete keys.
make_gateway() {
	local name=$1 domains=$2 id=$3
	shift 3
	local d=$S/$name a sec k
	mkdir -p "$d/certs" "$d/cap" "$d/state"
	cp "$PKI/$id.pem" "$d/gw.pem"
	cp "$PKI/$id.key" "$d/gw.key"
	chmod 600 "$d/gw.key"
	declare -A kv=(
		[gateway.domains]="$domains"
		[gateway.certificate]="$d/gw.pem"
		[gateway.private_key]="$d/gw.key"
		[gateway.sendmail]="$d/sendmail"
		[gateway.log_file]="$d/smimegw.log"
		[certificates.directory]="$d/certs"
		# as /var/lib/smimegw: encrypted copies are spooled there
		[gateway.state_directory]="$d/state"
		# Signing is off unless a test asks for it, so that the tests
		# of encryption compare the decrypted entity byte for byte.
		[signing.mode]=none
	)
	for a in "$@"; do
		case $a in
		-*) unset "kv[${a#-}]" ;;
		*=*) kv[${a%%=*}]=${a#*=} ;;
		*) fail "make_gateway: bad argument '$a'" ;;
		esac
	done
	{
		echo "# $TEST: gateway $name"
		for sec in gateway certificates outbound inbound signing verification harvest ldap; do
			echo "[$sec]"
			for k in "${!kv[@]}"; do
				[ "${k%%.*}" = "$sec" ] && echo "${k#*.} = ${kv[$k]}"
			done
			echo
		done
	} >"$d/smimegw.conf"
	sendmail_mode "$name" ok
	own "$d"
}

# conf NAME - the config file of gateway NAME
conf() { echo "$S/$1/smimegw.conf"; }

# peer NAME FILE PKI_ID... - certificates directory entry FILE of gateway
#	NAME holding the certificates PKI_ID.pem... (several: rollover)
peer() {
	local name=$1 file=$2 id
	shift 2
	: >"$S/$name/certs/$file"
	for id in "$@"; do
		cat "$PKI/$id.pem" >>"$S/$name/certs/$file"
	done
	own "$S/$name/certs/$file"
}

# sendmail_mode NAME MODE - the capture wrapper of gateway NAME
#	(modes: see capture-sendmail.sh)
sendmail_mode() {
	local d=$S/$1
	cat >"$d/sendmail" <<EOF
#!/bin/sh
# $TEST: sendmail stand-in for gateway $1
CAPTURE_DIR='$d/cap' CAPTURE_MODE='$2'
export CAPTURE_DIR CAPTURE_MODE
exec /bin/bash '$CAPTURE' "\$@"
EOF
	chmod 755 "$d/sendmail"
	own "$d/sendmail"
}

# as_filter_user CMD... - run CMD as the filter's user, minimal environment;
#	FILTER_PREFIX (an array, empty by default) is run first, as the caller,
#	with the rest as its arguments (a namespace, say)
FILTER_PREFIX=()
as_filter_user() {
	local env=(env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C)
	local v
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -n "${!v:-}" ] && env+=("$v=${!v}")
	done
	if [ "$(id -u)" = 0 ]; then
		"${FILTER_PREFIX[@]}" setpriv --reuid=$FILTER_UID --regid=$FILTER_UID \
			--clear-groups -- "${env[@]}" "$@"
	else
		"${FILTER_PREFIX[@]}" "${env[@]}" "$@"
	fi
}

# run_filter NAME ARG... - run the filter with gateway NAME's config; stdin
#	is the caller's.  Sets RC; stdout in $S/out, stderr in $S/err.
#	SMIMEGW_WRAPPER (e.g. "valgrind --error-exitcode=99 -q", from
#	.ci/test) is put in front of the filter; any sanitizer or valgrind
#	report on its stderr fails the test, whatever the test expects.
run_filter() {
	local name=$1 wrapper=()
	shift
	RC=0
	[ -n "${SMIMEGW_WRAPPER:-}" ] && read -ra wrapper <<<"$SMIMEGW_WRAPPER"
	as_filter_user "${wrapper[@]}" "$SMIMEGW" -c "$(conf "$name")" "$@" \
		>"$S/out" 2>"$S/err" || RC=$?
	no_sanitizer "run_filter $*"
}

# reset NAME - forget gateway NAME's captured calls
reset() {
	rm -rf "${S:?}/$1/cap"
	mkdir "$S/$1/cap"
	own "$S/$1/cap"
}

# calls NAME - number of sendmail calls of gateway NAME
calls() {
	local n=0
	while [ -d "$S/$1/cap/$((n + 1))" ]; do
		n=$((n + 1))
	done
	echo $n
}

# cap NAME N - directory of call N
cap() { echo "$S/$1/cap/$2"; }

# no_sanitizer WHAT - no ASan/UBSan or valgrind report on the filter's
#	stderr (the whole report is shown)
no_sanitizer() {
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer|^==[0-9]+== ' "$S/err"; then
		sed 's/^/  | /' "$S/err" >&2
		fail "$1: sanitizer or valgrind report: $(grep -m3 -E 'Sanitizer|runtime error|^==[0-9]+== ' "$S/err" | tr '\n' ' ')"
	fi
}

# expect NAME CODE DSN CALLS WHAT - the filter's outcome:
#	exit CODE; DSN "-" for no status line (then stdout must be empty),
#	else stdout is exactly one line starting with "DSN " (a DSN ending in
#	"." is a prefix: "4." is any 4.x.x); for bounces and
#	successes nothing on stderr; exactly CALLS sendmail calls.
expect() {
	local name=$1 code=$2 dsn=$3 n=$4 what=$5 got
	no_sanitizer "$what"
	[ "$RC" = "$code" ] || fail "$what: exit $RC, expected $code"
	if [ "$dsn" = - ]; then
		[ ! -s "$S/out" ] || fail "$what: unexpected output on stdout"
	else
		[ "$(wc -l <"$S/out")" = 1 ] && [ "$(tail -c 1 "$S/out")" = "" ] ||
			fail "$what: expected exactly one status line on stdout"
		local pat="$dsn "
		case $dsn in *.) pat=$dsn ;; esac	# "4." matches any 4.x.x
		case $(head -1 "$S/out") in
		"$pat"*) ;;
		*) fail "$what: status line '$(head -1 "$S/out")', expected '$pat...'" ;;
		esac
	fi
	case $code in
	0 | 65 | 69 | 77)
		[ ! -s "$S/err" ] || fail "$what: unexpected output on stderr (a bounce shows it)"
		;;
	esac
	got=$(calls "$name")
	[ "$got" = "$n" ] || fail "$what: $got sendmail calls, expected $n"
	ok "$what"
}

# argv_is NAME N WHAT ARG... - call N had exactly these arguments
argv_is() {
	local name=$1 n=$2 what=$3
	shift 3
	local c
	c=$(cap "$name" "$n")
	[ -f "$c/argv0" ] || fail "$what: no sendmail call $n"
	cmp -s "$c/argv0" <(printf '%s\0' "$@") ||
		fail "$what: sendmail argv [$(tr '\n' ' ' <"$c/argv")], expected [$*]"
	ok "$what: argv"
}

# no_leaked_fds NAME N WHAT - call N inherited only stdin (the sealed memfd
#	that holds the whole message, or an encrypted copy's unnamed spool
#	file in the state directory, "DIR/#INODE (deleted)": see
#	sg_reinject), stdout and stderr (/dev/null), and its own script
no_leaked_fds() {
	local c fd target memfd="/memfd:smimegw-reinject (deleted)"
	c=$(cap "$1" "$2")
	while read -r fd _ target; do
		case $fd:$target in
		0:"$memfd" | 0:/*/#*" (deleted)") ;;
		1:/dev/null | 2:/dev/null) ;;
		*:"$CAPTURE") ;;
		*) fail "$3: sendmail inherited descriptor $fd -> $target" ;;
		esac
	done <"$c/fds"
	grep -qE "^0 -> (/memfd:smimegw-reinject|/.*/#[0-9]+) \(deleted\)$" "$c/fds" ||
		fail "$3: sendmail's stdin is not the message's memfd or spool file"
	ok "$3: descriptors"
}

# stdin_in_memory NAME N - did call N read its message from a memfd?
stdin_in_memory() {
	grep -qxF "0 -> /memfd:smimegw-reinject (deleted)" "$(cap "$1" "$2")/fds"
}

# stdin_own_buffer NAME N - did call N read the filter's own message buffer
#	(a memory-file sg_buf, sealed: its pages are in the filter's RSS)?
stdin_own_buffer() {
	grep -qxF "0 -> /memfd:smimegw-buf (deleted)" "$(cap "$1" "$2")/fds"
}

# ossl_decrypt DER PKI_ID OUT - openssl cms -decrypt with PKI_ID's key;
#	returns openssl's status, its stderr in $S/openssl.err
ossl_decrypt() {
	rm -f "$3"
	openssl cms -decrypt -binary -inform DER -in "$1" -recip "$PKI/$2.pem" \
		-inkey "$PKI/$2.key" -out "$3" 2>"$S/openssl.err"
}

# opens_with DER PKI_ID WHAT - the envelope opens with PKI_ID's key and
#	no other test key opens it; prints nothing, sets OPENED to the output
opens_with() {
	local id
	ossl_decrypt "$1" "$2" "$1.plain" ||
		fail "$3: openssl cannot decrypt with $2's key: $(head -2 "$S/openssl.err" | tr '\n' ' ')"
	for id in gw-a gw-b gw-b-next gw-c carol bob; do
		[ "$id" = "$2" ] && continue
		if ossl_decrypt "$1" "$id" "$1.other" && [ -s "$1.other" ]; then
			fail "$3: $id's key opens it too"
		fi
	done
	OPENED=$1.plain
	ok "$3: opens with $2 only"
}

# smime_of NAME N DER WHAT - the message of call N is S/MIME with a valid
#	base64 body; writes the DER, sets SMIME_INFO to "smime-type=... name=..."
smime_of() {
	SMIME_INFO=$(mailtool smime "$(cap "$1" "$2")/msg" "$3" 2>"$S/mailtool.err") ||
		fail "$4: not an S/MIME message: $(cat "$S/mailtool.err")"
}
