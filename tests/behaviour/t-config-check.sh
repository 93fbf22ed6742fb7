#!/bin/bash
# NAME
#	t-config-check - smimegw -n accepts a good configuration and names
#	the file, line and key of a bad one; the filter defers on it
# SYNOPSIS
#	t-config-check.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	-n with a good configuration: exit 0, "smimegw: FILE: configuration
#	OK".  Each of these gives exit 78 and one line on stderr naming the
#	problem (file:line: [section] key where the key is in the file):
#	unknown key, unknown section, a bad cipher word, a number with
#	trailing garbage, a number out of range, a duplicate key, a missing
#	required key, a relative path; a missing key file, a key file with
#	mode 0644 or 0640, a key that does not match the certificate, a
#	missing certificates directory, a sendmail that is not executable, a
#	missing configuration file.
#	Without -n, a message arriving under a bad configuration is deferred
#	(exit 75, "4.x.x"), never bounced and never sent: an outbound message
#	for b.example when the problem is in the file or sendmail; an S/MIME
#	message for our own key when the problem is the key (outbound mail
#	does not need it).  A missing certificates directory is probed by
#	t-outbound-fail-closed.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-config-check
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/text-8bit.eml
openssl cms -encrypt -binary -aes-256-cbc -in "$DATA/outbound/text-8bit.entity" -outform SMIME \
	-from someone@partner.example -to alice@a.example -subject "for a.example" \
	-out "$S/for-a.eml" "$PKI/gw-a.pem" 2>"$S/openssl.err" ||
	fail "openssl cms -encrypt fails: $(head -1 "$S/openssl.err")"
make_gateway good a.example gw-a
peer good b.example.pem gw-b
run_filter good -n
[ "$RC" = 0 ] || fail "-n, good config: exit $RC, expected 0"
grep -qxF "smimegw: $(conf good): configuration OK" "$S/out" ||
	fail "-n, good config: stdout '$(cat "$S/out")'"
no_sanitizer "-n, good config"
ok "-n, good config"

# bad NAME PROBE WANT... - gateway NAME must fail -n with 78 and stderr
#	containing every WANT string.  Then the PROBE message through it
#	(out: alice@a.example to bob@b.example, which needs the config and
#	sendmail; in: S/MIME from outside for a.example's gateway, which
#	needs our key; none: no probe) must be deferred: 75, 4.x.x, no call.
bad() {
	local name=$1 probe=$2 w
	shift 2
	run_filter "$name" -n
	no_sanitizer "-n, $name"
	[ "$RC" = 78 ] || fail "-n, $name: exit $RC, expected 78"
	[ ! -s "$S/out" ] || fail "-n, $name: unexpected stdout '$(cat "$S/out")'"
	grep -q . "$S/err" || fail "-n, $name: nothing on stderr"
	for w in "$@"; do
		grep -qF -- "$w" "$S/err" || fail "-n, $name: stderr lacks '$w': $(cat "$S/err")"
	done
	ok "-n, $name"
	[ "$probe" != none ] || return 0
	reset "$name"
	if [ "$probe" = out ]; then
		run_filter "$name" -q BEHN0001 -f alice@a.example -- bob@b.example <"$in"
	else
		run_filter "$name" -q BEHN0002 -f someone@partner.example -- alice@a.example \
			<"$S/for-a.eml"
	fi
	expect "$name" 75 4. 0 "$probe message under config '$name'"
}

# with_line NAME SECTION TEXT - a gateway whose config has TEXT right after
#	[SECTION]; sets LINE to its line number
with_line() {
	make_gateway "$1" a.example gw-a
	peer "$1" b.example.pem gw-b
	sed -i "/^\[$2\]\$/a $3" "$(conf "$1")"
	LINE=$(grep -nxF -- "$3" "$(conf "$1")" | cut -d: -f1)
	[ -n "$LINE" ] || fail "could not edit the config of $1"
}

with_line unknown-key outbound "colour = blue"
bad unknown-key out "$(conf unknown-key):$LINE:" "[outbound] colour" "unknown key"

make_gateway unknown-section a.example gw-a
printf '[extras]\nfoo = bar\n' >>"$(conf unknown-section)"
LINE=$(grep -nxF '[extras]' "$(conf unknown-section)" | cut -d: -f1)
bad unknown-section out "$(conf unknown-section):$LINE:" "extras" "unknown section"

with_line bad-cipher outbound "cipher = aes512"
bad bad-cipher out "$(conf bad-cipher):$LINE:" "[outbound] cipher" "aes512"

with_line bad-number gateway "timeout = 60s"
bad bad-number out "$(conf bad-number):$LINE:" "[gateway] timeout"

with_line out-of-range gateway "max_message_size = 10"
bad out-of-range out "$(conf out-of-range):$LINE:" "[gateway] max_message_size"

with_line duplicate inbound "desktop_smime = pass"
sed -i '/^desktop_smime = pass$/a desktop_smime = reject' "$(conf duplicate)"
bad duplicate out "$(conf duplicate):$((LINE + 1)):" "[inbound] desktop_smime" "duplicate"

make_gateway no-domains a.example gw-a -gateway.domains
bad no-domains out "$(conf no-domains)" "[gateway] domains"

make_gateway relative a.example gw-a gateway.sendmail=bin/sendmail
LINE=$(grep -n '^sendmail = bin/sendmail$' "$(conf relative)" | cut -d: -f1)
bad relative out "$(conf relative):$LINE:" "[gateway] sendmail"

make_gateway no-key-file a.example gw-a
rm "$S/no-key-file/gw.key"
bad no-key-file in "$S/no-key-file/gw.key"

for mode in 644 640; do
	make_gateway "key-mode-$mode" a.example gw-a
	chmod $mode "$S/key-mode-$mode/gw.key"
	bad "key-mode-$mode" in "$S/key-mode-$mode/gw.key"
done

make_gateway key-mismatch a.example gw-a
cp "$PKI/gw-b.key" "$S/key-mismatch/gw.key"
own "$S/key-mismatch/gw.key"
bad key-mismatch in "$S/key-mismatch/gw"

make_gateway sendmail-not-executable a.example gw-a
chmod 644 "$S/sendmail-not-executable/sendmail"
bad sendmail-not-executable out "$S/sendmail-not-executable/sendmail"

make_gateway no-config a.example gw-a
rm "$(conf no-config)"
bad no-config out "$(conf no-config)"

# (What a message does then is t-outbound-fail-closed's business.)
make_gateway no-cert-dir a.example gw-a "certificates.directory=$S/no-such-dir"
bad no-cert-dir none "$S/no-such-dir"
finish
