#!/bin/bash
# NAME
#	t-config-meaning - a configuration that would silently mean something
#	else is refused; -n refuses a timeout not safely below Postfix's
#	smimegw_time_limit
# SYNOPSIS
#	t-config-meaning.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	iniparser ends an unquoted value at ';' or '#'. Each of these gives
#	-n exit 78 and a stderr line naming file:line, [section] key and the
#	text that would have been ignored, and as a filter exit 75 (4.x.x)
#	with no sendmail call (never a plain copy):
#	"domains = a.example ; b.example" (mail from b.example to a partner
#	would leave in clear), "timeout = 240 # seconds", a quoted value with
#	text after its closing quote; "domains = example" (a single label:
#	every *.example domain would be ours, its mail plain).
#	Inside quotes ';' and '#' are kept: a log_file named with both is
#	written by -n under that very name; a quoted domain list with ';'
#	is refused because ';' is not a domain name.
#	The time limit: a fake postconf (the [gateway] postconf key) that
#	prints 300s passes timeout 240 and refuses 280 (limit - 30 s); 5m
#	is read as 300 s; 100s refuses the default 240; "" (unset), a
#	missing postconf, a failing one and one that hangs pass with a
#	warning naming smimegw_time_limit; a value postconf prints that
#	Postfix would not accept is refused. The fake checks that it was run
#	as "postconf -xh smimegw_time_limit".
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-config-meaning
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/text-8bit.eml

# with_line NAME SECTION TEXT [make_gateway ARG...] - a gateway whose
#	config has TEXT right after [SECTION]; sets LINE to its line number
with_line() {
	local name=$1 sec=$2 text=$3
	shift 3
	make_gateway "$name" a.example gw-a "$@"
	peer "$name" b.example.pem gw-b
	peer "$name" c.example.pem gw-c
	sed -i "/^\[$sec\]\$/a $text" "$(conf "$name")"
	LINE=$(grep -nxF -- "$text" "$(conf "$name")" | cut -d: -f1)
	[ -n "$LINE" ] || fail "could not edit the config of $name"
}

# refused NAME SENDER RCPT WANT... - -n exits 78 with every WANT on
#	stderr; the filter defers SENDER -> RCPT: 75, 4.x.x, no sendmail call
refused() {
	local name=$1 sender=$2 rcpt=$3 w
	shift 3
	run_filter "$name" -n
	no_sanitizer "-n, $name"
	[ "$RC" = 78 ] || fail "-n, $name: exit $RC, expected 78"
	[ ! -s "$S/out" ] || fail "-n, $name: unexpected stdout '$(cat "$S/out")'"
	for w in "$@"; do
		grep -qF -- "$w" "$S/err" || fail "-n, $name: stderr lacks '$w': $(cat "$S/err")"
	done
	ok "-n, $name"
	reset "$name"
	run_filter "$name" -q BEHM0001 -f "$sender" -- "$rcpt" <"$in"
	expect "$name" 75 4. 0 "filter under config '$name'"
}

# iniparser would drop "; b.example": b.example's mail would not be ours.
with_line semicolon gateway "domains = a.example ; b.example" -gateway.domains
refused semicolon dave@b.example carol@c.example \
	"$(conf semicolon):$LINE: [gateway] domains:" "'; b.example'"

with_line hash gateway "domains = a.example #b.example" -gateway.domains
refused hash dave@b.example carol@c.example \
	"$(conf hash):$LINE: [gateway] domains:" "'#b.example'"

with_line comment gateway "timeout = 240 # seconds"
refused comment alice@a.example bob@b.example \
	"$(conf comment):$LINE: [gateway] timeout:" "'# seconds'"

with_line after-quote gateway 'domains = "a.example" b.example' -gateway.domains
refused after-quote dave@b.example carol@c.example \
	"$(conf after-quote):$LINE: [gateway] domains:" "'b.example'"

# A single label: b.example would be "ours" and get a plain copy.
with_line single-label gateway "domains = example" -gateway.domains
refused single-label alice@a.example bob@b.example \
	"$(conf single-label):$LINE: [gateway] domains:" "'example'" "single label"

# Quoted: ';' is part of the value, and not a domain name.
with_line quoted-list gateway 'domains = "a.example ; b.example"' -gateway.domains
refused quoted-list dave@b.example carol@c.example \
	"$(conf quoted-list):$LINE: [gateway] domains:" "';'"

# Quoted: ';' and '#' are kept in a path; -n writes that very file.
make_gateway quoted-path a.example gw-a -gateway.log_file
sed -i "/^\[gateway\]\$/a log_file = \"$S/quoted-path/a;b#c.log\"" "$(conf quoted-path)"
run_filter quoted-path -n
[ "$RC" = 0 ] || fail "-n, quoted-path: exit $RC, expected 0"
[ -s "$S/quoted-path/a;b#c.log" ] ||
	fail "-n, quoted-path: no log line in '$S/quoted-path/a;b#c.log'"
[ ! -e "$S/quoted-path/a" ] || fail "-n, quoted-path: value cut at ';'"
ok "quoted value keeps ';' and '#'"

# fake_postconf NAME [BODY] - gateway NAME's postconf prints BODY's output
#	after checking its arguments
fake_postconf() {
	local name=$1 body=$2
	cat >"$S/$name/postconf" <<EOF
#!/bin/sh
case "\$*" in
# smimegw -n also asks for the domain lists: a.example is Postfix's
"-xh virtual_mailbox_domains") echo a.example; exit 0 ;;
"-xh mydestination"|"-xh relay_domains"|"-xh virtual_alias_domains"|\
"-xh parent_domain_matches_subdomains") echo; exit 0 ;;
esac
[ "\$*" = "-xh smimegw_time_limit" ] || { echo "bad args: \$*" >&2; exit 9; }
$body
EOF
	chmod 755 "$S/$name/postconf"
	own "$S/$name/postconf"
}

# limit NAME BODY RC WANT... [-- make_gateway ARG...] - -n with the fake
#	postconf running BODY exits RC with every WANT on stderr
limit() {
	local name=$1 body=$2 rc=$3 w
	shift 3
	local want=() args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		want+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift && args=("$@")
	make_gateway "$name" a.example gw-a "gateway.postconf=$S/$name/postconf" \
		${args[@]+"${args[@]}"}
	fake_postconf "$name" "$body"
	run_filter "$name" -n
	no_sanitizer "-n, $name"
	[ "$RC" = "$rc" ] || fail "-n, $name: exit $RC, expected $rc"
	if [ "$rc" = 0 ]; then
		grep -qxF "smimegw: $(conf "$name"): configuration OK" "$S/out" ||
			fail "-n, $name: stdout '$(cat "$S/out")'"
	fi
	for w in ${want[@]+"${want[@]}"}; do
		grep -qF -- "$w" "$S/err" || fail "-n, $name: stderr lacks '$w': $(cat "$S/err")"
	done
	ok "-n, $name"
}

limit limit-300 'echo 300s' 0
[ ! -s "$S/err" ] || fail "-n, limit-300: unexpected stderr '$(cat "$S/err")'"
limit limit-5m 'echo 5m' 0
limit limit-270 'echo 300s' 0 -- gateway.timeout=270
limit limit-280 'echo 300s' 78 "$(conf limit-280): [gateway] timeout:" "280" \
	"smimegw_time_limit" "300" "at most 270" -- gateway.timeout=280
limit limit-100 'echo 100s' 78 "$(conf limit-100): [gateway] timeout:" "240" \
	"smimegw_time_limit" "100"
limit limit-unset 'echo' 0 "warning" "smimegw_time_limit" "not set"
limit limit-fails 'echo "postconf: fatal: open /etc/postfix/main.cf" >&2; exit 1' 0 \
	"warning" "smimegw_time_limit" "exited with status 1"
limit limit-bad 'echo 300x' 78 "smimegw_time_limit" "'300x'"
limit limit-hangs 'exec sleep 60' 0 "warning" "smimegw_time_limit" "did not answer"

make_gateway limit-missing a.example gw-a "gateway.postconf=$S/no-such-postconf"
run_filter limit-missing -n
[ "$RC" = 0 ] || fail "-n, limit-missing: exit $RC, expected 0"
grep -q "warning.*smimegw_time_limit" "$S/err" ||
	fail "-n, limit-missing: no warning: $(cat "$S/err")"
ok "-n, limit-missing"
finish
