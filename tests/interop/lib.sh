# lib.sh - shared helpers for the smimegw interop tests (sourced, not run).
#
# Each test sets TEST (its name) before sourcing.  Provides: fail, ok,
# need_cmd, run (capture an exit code under set -e), same (cmp with a useful
# message), flip_byte, make_contents, a scratch directory $SCRATCH that is
# removed on success and kept (and named) on failure, and finish.
# cmstool and extract_p7m run the python helpers with $PYTHON (default python3).

INTEROP_DIR_SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=${PYTHON:-python3}
cmstool() { "$PY" "$INTEROP_DIR_SELF/cmstool.py" "$@"; }
extract_p7m() { "$PY" "$INTEROP_DIR_SELF/extract-p7m.py" "$@"; }
. "$INTEROP_DIR_SELF/../common.sh"
CHECKS=0

FAILS=0

# fail MSG... - report a failed assertion and stop.  With KEEP_GOING=1
# (diagnosis only: later checks may then fail as a consequence) the test
# goes on and finish reports the failure count.
fail() {
	echo "FAIL: $TEST: $*" >&2
	FAILS=$((FAILS + 1))
	[ "${KEEP_GOING:-0}" = 1 ] && return 0
	exit 1
}

# ok MSG - count a passed check (quiet unless VERBOSE=1)
ok() {
	CHECKS=$((CHECKS + 1))
	if [ "${VERBOSE:-0}" = 1 ]; then
		echo "ok $CHECKS - $*"
	fi
	return 0
}

# need_cms PATH - the binary under test must exist
need_cms() {
	[ -n "$1" ] && [ -x "$1" ] || fail "smimegw-cms not found or not executable: '${1:-}'"
}

# need_pki DIR - the directory written by tests/pki/gen-test-pki.sh
need_pki() {
	local f
	for f in ca.pem gw-a.pem gw-a.key gw-b.pem gw-b.key gw-b-next.pem gw-b-next.key \
		gw-c.pem gw-c.key nokeyid.pem nokeyid.key carol.pem carol.key bob.pem bob.key; do
		[ -s "$1/$f" ] || fail "test PKI incomplete: $1/$f missing (run tests/pki/gen-test-pki.sh)"
	done
}

# field FILE KEY - value of KEY=... in a cmstool summary
field() {
	sed -n "s/^$2=//p" "$1" | head -1
}

# expect_field FILE KEY VALUE WHAT
expect_field() {
	local v
	v=$(field "$1" "$2")
	[ "$v" = "$3" ] || fail "$4: $2 is '$v', expected '$3'"
}

# flip_byte IN OFFSET XOR OUT - copy IN to OUT with one byte XORed
# (a negative OFFSET counts from the end)
flip_byte() {
	"$PY" - "$@" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = int(sys.argv[2])
d[i] ^= int(sys.argv[3], 0)
open(sys.argv[4], "wb").write(d)
EOF
}

# make_contents DIR - deterministic test contents:
#   mime.txt   MIME entity: CRLF header and body lines, a lone LF, a lone CR,
#              8-bit text, NUL and every byte value 0..255, no final newline
#   empty.bin  0 bytes          one.bin  1 byte
#   block.bin  32 bytes (a multiple of the AES block size)
#   big.eml    MIME header + 1 MiB + 5 of binary bytes
make_contents() {
	local d=$1
	{
		printf 'Content-Type: application/octet-stream\r\n'
		printf 'Content-Transfer-Encoding: binary\r\n'
		printf 'Content-Disposition: attachment; filename="t\xc3\xa9st.bin"\r\n\r\n'
		printf 'From the start of a line\r\n.\r\n..dot-stuffed?\r\n'
		printf 'lone LF here\nlone CR here\rtrailing spaces   \r\n'
		printf '8-bit: gr\xc3\xbc\xc3\x9fe \xe2\x82\xac\r\n'
		"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 3)'
		printf '\r\n-- \r\nno final newline'
	} >"$d/mime.txt"
	: >"$d/empty.bin"
	printf 'x' >"$d/one.bin"
	printf '0123456789abcdef0123456789ABCDEF' >"$d/block.bin"
	{
		printf 'Content-Type: application/octet-stream\r\n\r\n'
		head -c $((1024 * 1024 + 5)) /dev/zero |
			openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f \
				-iv 00000000000000000000000000000000
	} >"$d/big.eml"
	[ "$(stat -c %s "$d/big.eml")" -gt 1048576 ] || fail "could not build big.eml"
}

# scratch directory: removed on success, kept for inspection on failure
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/sg-$TEST.XXXXXX")
S=$SCRATCH	# cleanup_scratch (common.sh) works on $S
trap cleanup_scratch EXIT

# finish - final summary line
finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "FAILED: $TEST ($FAILS failures, $CHECKS checks passed)" >&2
		exit 1
	fi
	echo "PASS: $TEST ($CHECKS checks)"
}

# setup_cms_test SMIMEGW_CMS PKI_DIR - the common start of a CMS test:
# check the arguments and tools, make $S and the test contents in it
setup_cms_test() {
	[ $# -eq 2 ] || fail "usage: $TEST.sh SMIMEGW_CMS PKI_DIR"
	CMS=$1
	PKI=$2
	need_cmd openssl "$PY" cmp
	need_cms "$CMS"
	need_pki "$PKI"
	S=$SCRATCH
	make_contents "$S"
}
