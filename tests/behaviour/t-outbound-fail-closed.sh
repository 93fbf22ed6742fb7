#!/bin/bash
# NAME
#	t-outbound-fail-closed - when the certificate for a recipient is
#	configured but unusable, the message waits; it never leaves in clear
# SYNOPSIS
#	t-outbound-fail-closed.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A, message from alice@a.example to bob@b.example, with
#	certs/b.example.pem replaced by:
#	- text that is not PEM; an empty file; a private key instead of a
#	  certificate; a file the filter's user cannot read; a directory;
#	- a symbolic link whose target is missing (the entry is there: the
#	  administrator meant b.example to be encrypted);
#	and with the whole certificates directory missing.
#	Each time: exit 75, a "4.x.x" line, no sendmail call.  In mixed split
#	mode the plain recipients wait too (every copy is built first).
#	Then b.example.pem is restored and the same message is encrypted, so
#	the refusals were about the file.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-outbound-fail-closed
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/text-8bit.eml
make_gateway a a.example gw-a
f=$S/a/certs/b.example.pem

# waits WHAT - the message for bob (and someone without a certificate) waits
waits() {
	reset a
	run_filter a -q BEHF0001 -f alice@a.example -- bob@b.example <"$in"
	expect a 75 4. 0 "b.example.pem is $1"
	reset a
	run_filter a -q BEHF0002 -f alice@a.example -- someone@nocert.example bob@b.example <"$in"
	expect a 75 4. 0 "b.example.pem is $1, with a plain recipient too"
}

echo "not a certificate" >"$f"
waits "not PEM"
: >"$f"
waits "empty"
cp "$PKI/gw-b.key" "$f"
waits "a private key"
cp "$PKI/gw-b.pem" "$f"
if [ "$(id -u)" = 0 ]; then
	chown 0:0 "$f"
	chmod 600 "$f"
else
	chmod 000 "$f"
fi
waits "unreadable"
rm -f "$f"
mkdir "$f"
waits "a directory"
rmdir "$f"

peer a b.example.pem gw-b
reset a
run_filter a -q BEHF0003 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "b.example.pem restored"
smime_of a 1 "$S/r.der" "b.example.pem restored"
ossl_decrypt "$S/r.der" gw-b "$S/r.plain" || fail "b.example.pem restored: openssl cannot decrypt"

# Last, as they fail open today.
dangling() {
	rm -f "$f"
	ln -s "$S/a/partners/b.example.pem" "$f"
	waits "a symbolic link to a missing file"
}
missing_dir() {
	make_gateway nodir a.example gw-a "certificates.directory=$S/no-such-dir"
	reset nodir
	run_filter nodir -q BEHF0004 -f alice@a.example -- bob@b.example <"$in"
	if [ "$RC" = 0 ] && cmp -s "$in" "$(cap nodir 1)/msg"; then
		fail "certificates directory missing: exit 0 and the message sent in clear"
	fi
	expect nodir 75 4. 0 "certificates directory missing"
}
section dangling "dangling symbolic link"
section missing_dir "missing certificates directory"
finish
