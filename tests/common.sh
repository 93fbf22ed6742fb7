# common.sh - helpers shared by the shell test suites (sourced, not run).
#
# The sourcing library defines fail (report and stop); these build on it.

# need_cmd CMD... - a missing tool is a failure, never a silent skip
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || fail "required tool '$c' not found in PATH"
	done
}

# run VAR CMD... - run CMD, store its exit code in VAR (never trips set -e)
run() {
	local __v=$1 __rc=0
	shift
	"$@" || __rc=$?
	printf -v "$__v" '%s' "$__rc"
}

# same EXPECTED GOT WHAT - the two files must be byte-identical
same() {
	[ -f "$2" ] || fail "$3: no output file $2"
	cmp -s "$1" "$2" ||
		fail "$3: $2 differs from $1 ($(stat -c %s "$1") bytes expected," \
			"$(stat -c %s "$2") got; $(cmp "$1" "$2" 2>&1 | head -1))"
}
