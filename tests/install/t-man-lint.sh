#!/usr/bin/env bash
# NAME
#	t-man-lint.sh - the man pages are clean roff and document what exists
# SYNOPSIS
#	t-man-lint.sh SOURCE_DIR SMIMEGW
# DESCRIPTION
#	Every page in man/ passes "mandoc -Tlint -W warning" and
#	"groff -man -ww -z" without a word of output. smimegw.conf(5) has a
#	section for every section of the configuration schema
#	(lib/mail/sg_config.c) and an entry for every key; smimegw(8) has an
#	entry for every option in the filter's getopt string and long
#	options; every program in filter/CMakeLists.txt has a page. A key or
#	option added without its documentation fails here.
set -euo pipefail
src=$1
smimegw=$2
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
for tool in mandoc groff; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool not installed (.ci/install-deps)" >&2; exit 1; }
done

pages=("$src"/man/*.[1-8])
[ "${#pages[@]}" -ge 3 ] || bad "fewer than 3 pages in $src/man"
for p in "${pages[@]}"; do
	out=$(mandoc -Tlint -W warning "$p" 2>&1) || true
	[ -z "$out" ] || bad "mandoc: $out"
	out=$(groff -man -ww -z "$p" 2>&1) || true
	[ -z "$out" ] || bad "groff: $out"
	# the page renders, with its NAME section
	out=$(mandoc -Tascii "$p" | sed "s/.\x08//g")
	grep -q '^NAME' <<<"$out" || bad "$p: no NAME when rendered"
done

# Every program has a page.
for prog in $(sed -n 's/^add_executable(\([a-z-]*\) .*/\1/p' "$src/filter/CMakeLists.txt"); do
	ls "$src/man/$prog".[1-8] >/dev/null 2>&1 || bad "no man page for $prog"
done

# Every section and key of the configuration schema is in smimegw.conf(5).
conf5=$src/man/smimegw.conf.5
n=0
while read -r section key; do
	n=$((n + 1))
	grep -qxF ".SS \"[$section]\"" "$conf5" || bad "smimegw.conf.5: no section [$section]"
	# the key's entry: ".B key" right after ".TP" within its section
	awk -v s="[$section]" -v k="$key" '
		/^\.SS / { in_s = ($0 == ".SS \"" s "\"") }
		in_s && prev == ".TP" && $0 == ".B " k { found = 1 }
		{ prev = $0 }
		END { exit !found }' "$conf5" \
		|| bad "smimegw.conf.5: no entry for [$section] $key"
done < <(sed -n 's/^[[:space:]]*{"\([a-z_]*\)", "\([a-z_]*\)", SG_INI_.*/\1 \2/p' \
	"$src/lib/mail/sg_config.c")
[ "$n" -ge 10 ] || bad "read only $n keys from sg_config.c's schema"

# Every option of smimegw is in smimegw(8).
man8=$src/man/smimegw.8
opts=$(sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' "$src/filter/smimegw.c" | tr -d :)
[ -n "$opts" ] || bad "no getopt string in filter/smimegw.c"
for ((i = 0; i < ${#opts}; i++)); do
	o=${opts:i:1}
	grep -qE "^\.(B|BI|BR) \\\\-$o( |$)" "$man8" || bad "smimegw.8: no entry for -$o"
done
for lo in $(sed -n 's/^[[:space:]]*{"\([a-z-]*\)", [a-z_]*_argument,.*/\1/p' "$src/filter/smimegw.c"); do
	grep -qE "^\.(B|BI|BR) .*\\\\-\\\\-$lo" "$man8" || bad "smimegw.8: no entry for --$lo"
done
# and the filter's --help names no option the page lacks
for o in $("$smimegw" --help | grep -oE '(^|[ [])-[a-zA-Z]' | tr -d ' [' | sort -u); do
	grep -qE "\\\\$o( |$)" "$man8" || bad "smimegw.8: --help shows $o, the page does not"
done

[ "$fail" -eq 0 ] && echo "t-man-lint: ${#pages[@]} pages clean, $n keys and options '$opts' documented"
exit "$fail"
