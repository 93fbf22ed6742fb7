#!/bin/bash
# NAME
#	t-outbound-cert-precedence - the most specific certificate file wins
# SYNOPSIS
#	t-outbound-cert-precedence.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A's certificate directory holds
#	    b.example.pem          gw-b    (domain)
#	    dept.b.example.pem     gw-c    (subdomain, deliberately another key)
#	    c.example.pem          gw-c    (domain)
#	    carol@c.example.pem    carol   (one address)
#	and one message goes to
#	    x@dept.b.example  y@sub.dept.b.example  bob@b.example
#	    carol@c.example   dave@c.example        Carol@C.Example
#	Expected: four encrypted copies in the order of their first recipient,
#	each opened by exactly one test key: dept.b.example (x, y) -> gw-c;
#	b.example (bob) -> gw-b; carol@c.example.pem (carol, Carol) -> carol;
#	c.example (dave) -> gw-c.  Then each recipient alone: the same key.
#	openssl is the judge of which key opens a copy.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-outbound-cert-precedence
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway a a.example gw-a
peer a b.example.pem gw-b
peer a dept.b.example.pem gw-c
peer a c.example.pem gw-c
peer a carol@c.example.pem carol
in=$DATA/outbound/text-8bit.eml

# copy_opens_with N KEY WHAT - call N is encrypted and opens with KEY only
copy_opens_with() {
	smime_of a "$1" "$S/c$1.der" "$3"
	opens_with "$S/c$1.der" "$2" "$3"
	same "$DATA/outbound/text-8bit.entity" "$OPENED" "$3: decrypted entity"
}

run_filter a -q BEHP0001 -f alice@a.example -- x@dept.b.example y@sub.dept.b.example \
	bob@b.example carol@c.example dave@c.example Carol@C.Example <"$in"
expect a 0 - 4 "six recipients, four certificate files"
argv_is a 1 "copy 1" -G -i -f alice@a.example -- x@dept.b.example y@sub.dept.b.example
argv_is a 2 "copy 2" -G -i -f alice@a.example -- bob@b.example
argv_is a 3 "copy 3" -G -i -f alice@a.example -- carol@c.example Carol@C.Example
argv_is a 4 "copy 4" -G -i -f alice@a.example -- dave@c.example
copy_opens_with 1 gw-c "dept.b.example.pem before b.example.pem"
copy_opens_with 2 gw-b "b.example.pem for b.example itself"
copy_opens_with 3 carol "carol@c.example.pem before c.example.pem"
copy_opens_with 4 gw-c "c.example.pem for other c.example addresses"

for pair in x@dept.b.example:gw-c y@sub.dept.b.example:gw-c bob@b.example:gw-b \
	carol@c.example:carol CAROL@c.example:carol dave@c.example:gw-c; do
	rcpt=${pair%%:*}
	key=${pair#*:}
	reset a
	run_filter a -q BEHP0002 -f alice@a.example -- "$rcpt" <"$in"
	expect a 0 - 1 "$rcpt alone"
	argv_is a 1 "$rcpt alone" -G -i -f alice@a.example -- "$rcpt"
	copy_opens_with 1 "$key" "$rcpt alone"
done

# Without the subdomain file, the parent domain's certificate is used.
rm -f "$S/a/certs/dept.b.example.pem"
reset a
run_filter a -q BEHP0003 -f alice@a.example -- x@dept.b.example <"$in"
expect a 0 - 1 "x@dept.b.example, no dept.b.example.pem"
copy_opens_with 1 gw-b "x@dept.b.example falls back to b.example.pem"
finish
