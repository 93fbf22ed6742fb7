#!/bin/bash
# NAME
#	t-refuse-root - the filter does not process mail as root
# SYNOPSIS
#	t-refuse-root.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Run as uid 0 (directly when the test runs as root, as in CI; else in a
#	user namespace that maps us to root), with a good configuration and a
#	message that would otherwise be encrypted and sent: exit 75 with one
#	"4.x.x" line (a master.cf mistake defers), and sendmail never called.
#	The same configuration as the unprivileged user sends the message, so
#	the refusal is about the user and nothing else.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-refuse-root
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/text-8bit.eml
make_gateway a a.example gw-a
peer a b.example.pem gw-b

root=()
if [ "$(id -u)" != 0 ]; then
	need_cmd unshare
	root=(unshare --map-root-user --)
	[ "$("${root[@]}" id -u)" = 0 ] || fail "cannot become uid 0 in a user namespace"
fi
RC=0
"${root[@]}" env -i PATH=/usr/bin:/bin "$SMIMEGW" -c "$(conf a)" -q BEHR0001 \
	-f alice@a.example -- bob@b.example <"$in" >"$S/out" 2>"$S/err" || RC=$?
expect a 75 4. 0 "as root"

run_filter a -q BEHR0002 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "the same, unprivileged"
finish
