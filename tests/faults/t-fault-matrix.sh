#!/bin/bash
# NAME
#	t-fault-matrix - every fault of faults.tsv: the right exit status, and
#	never plaintext to a partner
# SYNOPSIS
#	t-fault-matrix.sh SMIMEGW PKI_DIR [CASE...]
# DESCRIPTION
#	Gateway A (a.example) has gw-a as its pair and b.example.pem (gw-b)
#	and xn--bcher-kva.example.pem (gw-b) as peers. Each line of
#	faults.tsv breaks one thing (see its header), runs the real filter
#	as the filter's user with the case's message and envelope, and
#	checks:
#	- the exit status is the expected one (or one of "a|b");
#	- a status line on stdout for every non-zero exit;
#	- the invariant: no sendmail call that names a b.example recipient,
#	  in any spelling, carries the body canary or the Bcc address in
#	  clear; and with exit 0, every such call was S/MIME that opens with
#	  gw-b's key;
#	- no sanitizer report;
#	- the filter ended within its time limit (no hang on a FIFO);
#	- with SMIMEGW_WRAPPER (valgrind), no report from it either.
#	CASE... runs only those cases.
# DIAGNOSTICS
#	One "ok"/"not ok" line per case, then "N passed, N failed"; exit 1
#	when any case failed.

set -euo pipefail
TEST=t-fault-matrix
. "$(dirname "$0")/../behaviour/lib.sh"
setup "$@"
shift 2
only=("$@")
MATRIX=$(dirname "$0")/faults.tsv
CANARY=FAULTCANARY7
# SMIMEGW_WRAPPER (valgrind, from .ci/test) goes in front of the filter;
# it is slow, so the time limit that tells a hang is longer then.
WRAPPER=()
LIMIT=10
if [ -n "${SMIMEGW_WRAPPER:-}" ]; then
	read -ra WRAPPER <<<"$SMIMEGW_WRAPPER"
	LIMIT=150
elif ldd "$SMIMEGW" 2>/dev/null | grep 'libasan' >/dev/null; then
	LIMIT=60			# an ASan build is several times slower
fi
BCC=hidden-bcc-fault@a.example

# --- messages ----------------------------------------------------------
# msg_plain - a message from alice with a Bcc and a canary in its body
msg_plain() {
	printf 'From: Alice <alice@a.example>\nTo: Bob <bob@b.example>\n'
	printf 'Bcc: %s\nSubject: quarterly figures\n' "$BCC"
	printf 'Message-ID: <fault@a.example>\nMIME-Version: 1.0\n'
	printf 'Content-Type: text/plain; charset=us-ascii\n\n'
	printf 'Hello Bob,\nthe secret is %s.\n' "$CANARY"
}

# make_msg KIND FILE - write the case's message
make_msg() {
	local f=$2 i
	case $1 in
	plain) msg_plain >"$f" ;;
	crlf) msg_plain | sed 's/$/\r/' >"$f" ;;
	empty) : >"$f" ;;
	header-only) msg_plain | sed '/^$/,$d' >"$f" ;;
	bare-cr) msg_plain | tr '\n' '\r' >"$f" ;;
	ws-line)
		{
			printf 'From: alice@a.example\nSubject: hello\n \n'
			printf '   indented %s line\nBcc: %s\n\nbody\n' "$CANARY" "$BCC"
		} >"$f"
		;;
	nul)
		{
			printf 'From: alice@a.example\nBcc: %s\nSubject: a\0b\n' "$BCC"
			printf '\nthe secret is %s\n' "$CANARY"
		} >"$f"
		;;
	8bit)
		{
			printf 'From: J\303\266rg <alice@a.example>\nBcc: %s\n' "$BCC"
			printf 'Subject: Gr\303\274\303\237e\nMIME-Version: 1.0\n'
			printf 'Content-Type: text/plain; charset=utf-8\n'
			printf 'Content-Transfer-Encoding: 8bit\n\n'
			printf 'Gr\303\274\303\237e, %s\n' "$CANARY"
		} >"$f"
		;;
	many-fields)
		{
			printf 'From: alice@a.example\nBcc: %s\n' "$BCC"
			seq 1 100000 | sed 's/.*/X-Field-&: value &/'
			printf '\nthe secret is %s\n' "$CANARY"
		} >"$f"
		;;
	big-header)
		{
			printf 'From: alice@a.example\nBcc: %s\nX-Big: start\n' "$BCC"
			head -c 7500000 /dev/zero | base64 -w 76 | sed 's/^/ /'
			printf '\nthe secret is %s\n' "$CANARY"
		} >"$f"
		;;
	deep-nesting)
		{
			printf 'From: alice@a.example\nBcc: %s\nMIME-Version: 1.0\n' "$BCC"
			printf 'Content-Type: multipart/mixed; boundary="b0"\n\n'
			for i in $(seq 0 9998); do
				printf -- '--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' \
					"$i" $((i + 1))
			done
			printf -- '--b9999\nContent-Type: text/plain\n\n%s\n' "$CANARY"
		} >"$f"
		;;
	enc-for-a)
		{
			printf 'Content-Type: text/plain\n\nthe secret is %s\n' "$CANARY"
		} >"$S/enc.entity"
		openssl cms -encrypt -binary -aes256 -outform DER -in "$S/enc.entity" \
			-out "$S/enc.der" "$PKI/gw-a.pem" 2>/dev/null ||
			fail "openssl cannot make the encrypted message"
		printf 'From: bob@b.example\nTo: local@a.example\nSubject: enc\n' >"$S/enc.hdr"
		mailtool make-smime "$S/enc.hdr" "$S/enc.der" "$f"
		;;
	*) fail "unknown message kind $1" ;;
	esac
}

# --- envelopes ---------------------------------------------------------
# make_rcpts KIND - set RCPTS
make_rcpts() {
	local i
	RCPTS=()
	case $1 in
	bob) RCPTS=(bob@b.example) ;;
	upper) RCPTS=(BOB@B.EXAMPLE) ;;
	dot) RCPTS=(bob@b.example.) ;;
	long) RCPTS=("$(head -c 300 /dev/zero | tr '\0' 'x')@b.example") ;;
	utf8) RCPTS=("bob@b$(printf '\303\274')cher.example") ;;
	quoted) RCPTS=('"john doe"@b.example') ;;
	empty) RCPTS=("") ;;
	mixed) RCPTS=(local@a.example bob@b.example other@nocert.example) ;;
	local) RCPTS=(local@a.example) ;;
	10k)
		for i in $(seq -w 1 10000); do
			RCPTS+=("r$i@b.example")
		done
		;;
	*) fail "unknown envelope kind $1" ;;
	esac
}

# --- faults ------------------------------------------------------------
# break_file PATH KIND - make PATH one of the broken kinds
break_file() {
	local p=$1
	rm -rf "$p"
	case $2 in
	missing) ;;
	unreadable) cat "$PKI/gw-b.pem" >"$p"; chmod 000 "$p"; chown 0:0 "$p" ;;
	garbage) head -c 3000 /dev/urandom >"$p" ;;
	mode644) cp "$PKI/gw-a.key" "$p"; chmod 644 "$p" ;;
	fifo) mkfifo "$p" ;;
	dir) mkdir "$p" ;;
	loop) ln -s "$(basename "$p").loop" "$p"; ln -s "$(basename "$p")" "$p.loop" ;;
	dangling) ln -s /nonexistent/cert.pem "$p" ;;
	ca-only) cp "$PKI/ca.pem" "$p" ;;
	*) fail "unknown file fault $2" ;;
	esac
	[ -e "$p" ] && [ "$2" != unreadable ] && own "$p"
	return 0
}

# config_fault KIND - break gateway a's configuration
config_fault() {
	local c
	c=$(conf a)
	case $1 in
	semicolon) sed -i 's/^domains = .*/domains = b.example ; a.example/' "$c" ;;
	single-label) sed -i 's/^domains = .*/domains = example/' "$c" ;;
	unknown-key) sed -i 's/^\[outbound\]/[outbound]\nciphre = aes128-cbc/' "$c" ;;
	no-domains) sed -i '/^domains = /d' "$c" ;;
	relative) sed -i 's|^directory = .*|directory = certs|' "$c" ;;
	fifo) rm -f "$c"; mkfifo "$c"; own "$c" ;;
	*) fail "unknown config fault $1" ;;
	esac
}

# apply_fault FAULT
apply_fault() {
	case $1 in
	none) ;;
	sendmail:*) sendmail_mode a "${1#sendmail:}" ;;
	sendmail-missing) sed -i "s|^sendmail = .*|sendmail = $S/no/such/sendmail|" "$(conf a)" ;;
	key:*) break_file "$S/a/gw.key" "${1#key:}" ;;
	cert:*) break_file "$S/a/gw.pem" "${1#cert:}" ;;
	peer:*) break_file "$S/a/certs/b.example.pem" "${1#peer:}" ;;
	config:*) config_fault "${1#config:}" ;;
	*) fail "unknown fault $1" ;;
	esac
}

# partner_rcpt ADDR - does ADDR belong to the partner domain b.example?
partner_rcpt() {
	local d=${1##*@}
	d=${d%.}
	d=$(printf '%s' "$d" | tr 'A-Z' 'a-z')
	case $d in
	b.example | *.b.example | "b$(printf '\303\274')cher.example" | xn--bcher-kva.example) return 0 ;;
	esac
	return 1
}

# check_invariant CASE EXIT - no partner copy in clear
check_invariant() {
	local n k c r partner
	n=$(calls a)
	for k in $(seq 1 "$n"); do
		c=$(cap a "$k")
		partner=0
		while IFS= read -r -d '' r; do
			partner_rcpt "$r" && partner=1 && break
		done < <(sed -z '1,/^--$/d' "$c/argv0")
		[ $partner = 1 ] || continue
		if grep -qaF -e "$CANARY" -e "$BCC" "$c/msg"; then
			echo "    call $k to a partner carries the canary or the Bcc in clear" >&2
			return 1
		fi
		if [ "$2" = 0 ]; then
			# (not mailtool: Python's email parser is quadratic in
			# a 10 MB header field)
			grep -qai '^Content-Type: application/pkcs7-mime' "$c/msg" &&
				sed '1,/^$/d' "$c/msg" | base64 -d >"$S/case.der" 2>/dev/null || {
				echo "    call $k to a partner is not S/MIME" >&2
				return 1
			}
			ossl_decrypt "$S/case.der" gw-b "$S/case.plain" || {
				echo "    call $k does not open with gw-b" >&2
				return 1
			}
		fi
	done
	return 0
}

# run_case NAME FAULT MSG RCPTS EXIT - one line of the matrix
run_case() {
	local name=$1 fault=$2 msg=$3 rcpts=$4 want=$5 alt rc_ok=0 sender start
	rm -rf "${S:?}/a"
	make_gateway a a.example gw-a gateway.timeout=$LIMIT
	peer a b.example.pem gw-b
	peer a xn--bcher-kva.example.pem gw-b
	make_msg "$msg" "$S/case.eml"
	make_rcpts "$rcpts"
	apply_fault "$fault"
	sender=alice@a.example
	[ "$msg" = enc-for-a ] && sender=bob@b.example
	# A hang (a FIFO opened for reading) must not hold the suite: a
	# run that needs the time limit (10 s) or more has failed anyway.
	start=$SECONDS
	RC=0
	as_filter_user timeout -s KILL $((LIMIT * 3)) "${WRAPPER[@]}" "$SMIMEGW" \
		-c "$(conf a)" -q FAULT -f "$sender" -- "${RCPTS[@]}" \
		<"$S/case.eml" >"$S/out" 2>"$S/err" || RC=$?
	if [ $((SECONDS - start)) -ge $((LIMIT - 1)) ]; then
		echo "    took $((SECONDS - start)) s: the filter hung until a time limit" >&2
		return 1
	fi
	for alt in ${want//|/ }; do
		[ "$RC" = "$alt" ] && rc_ok=1
	done
	if [ $rc_ok = 0 ]; then
		echo "    exit $RC, expected $want; stdout: $(head -c 200 "$S/out")" >&2
		return 1
	fi
	if [ "$RC" != 0 ] && ! grep -qE '^[45]\.[0-9]+\.[0-9]+ ' "$S/out"; then
		echo "    exit $RC without a status line" >&2
		return 1
	fi
	if grep -qE 'Sanitizer|runtime error:|^==[0-9]+== ' "$S/err"; then
		echo "    sanitizer: $(grep -m2 -E 'Sanitizer|runtime error' "$S/err")" >&2
		return 1
	fi
	check_invariant "$name" "$RC"
}

passed=0 failed=0
while read -r name fault msg rcpts want; do
	case $name in '' | '#'*) continue ;; esac
	if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $name "* ]]; then
		continue
	fi
	if (run_case "$name" "$fault" "$msg" "$rcpts" "$want"); then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		failed=$((failed + 1))
	fi
done <"$MATRIX"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] || fail "$failed case(s) of the fault matrix failed"
