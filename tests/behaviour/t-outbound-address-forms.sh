#!/bin/bash
# NAME
#	t-outbound-address-forms - every spelling of a partner address is
#	encrypted: case, trailing dot, long local parts, UTF-8 domains
# SYNOPSIS
#	t-outbound-address-forms.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A's certificate directory holds b.example.pem (gw-b) and
#	xn--bcher-kva.example.pem (gw-c: the A-label of bücher.example).
#	Each of these recipients, alone, must get exactly one copy that is
#	S/MIME, that openssl cms decrypts with the expected key (and no
#	other test key) to the original entity:
#	    bob@B.EXAMPLE, Bob@B.Example., bob@b.example.,
#	    a 300-byte local part @b.example (and @B.EXAMPLE.),
#	    x@ a 300-byte subdomain label .b.example,
#	    bob@bücher.example, bob@BÜCHER.example., jörg@dept.bücher.example
#	-> gw-b for the b.example forms, gw-c for the bücher.example forms.
#	Then all of them in one message: two encrypted copies, nothing in
#	clear.  A recipient whose domain cannot be mapped (bad UTF-8, a
#	code point IDNA2008 disallows) is never sent in clear: the message
#	bounces or waits (exit 65 or 75) and sendmail is not called.
#	Issue 7 items 2-4: each of these left in clear before.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-outbound-address-forms
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway a a.example gw-a
peer a b.example.pem gw-b
peer a xn--bcher-kva.example.pem gw-c
in=$DATA/outbound/text-8bit.eml

# copy_opens_with N KEY WHAT - call N is encrypted and opens with KEY only
copy_opens_with() {
	smime_of a "$1" "$S/c$1.der" "$3"
	opens_with "$S/c$1.der" "$2" "$3"
	same "$DATA/outbound/text-8bit.entity" "$OPENED" "$3: decrypted entity"
}

long=$(printf 'l%.0s' $(seq 300))
sub=$(printf 'd%.0s' $(seq 300))
forms_b=("bob@B.EXAMPLE" "Bob@B.Example." "bob@b.example." "$long@b.example"
	"$long@B.EXAMPLE." "x@$sub.b.example")
forms_u=("bob@bücher.example" "bob@BÜCHER.example." "jörg@dept.bücher.example")

n=0
for pair in "${forms_b[@]/%/ gw-b}" "${forms_u[@]/%/ gw-c}"; do
	rcpt=${pair% *}
	key=${pair##* }
	n=$((n + 1))
	what="recipient $n (${rcpt:0:40}...)"
	reset a
	run_filter a -q BEHA000$n -f alice@a.example -- "$rcpt" <"$in"
	expect a 0 - 1 "$what"
	argv_is a 1 "$what" -G -i -f alice@a.example -- "$rcpt"
	copy_opens_with 1 "$key" "$what"
done

reset a
run_filter a -q BEHA0100 -f alice@a.example -- "${forms_b[@]}" "${forms_u[@]}" <"$in"
expect a 0 - 2 "all forms in one message"
argv_is a 1 "all forms, b.example copy" -G -i -f alice@a.example -- "${forms_b[@]}"
argv_is a 2 "all forms, bücher.example copy" -G -i -f alice@a.example -- "${forms_u[@]}"
copy_opens_with 1 gw-b "all forms, b.example copy"
copy_opens_with 2 gw-c "all forms, bücher.example copy"

# never_plain RCPT WHAT - no copy at all: a bounce (65) or a wait (75)
never_plain() {
	reset a
	run_filter a -q BEHA0200 -f alice@a.example -- "$1" <"$in"
	case $RC in
	65 | 75) ;;
	*) fail "$2: exit $RC, expected a bounce (65) or a deferral (75)" ;;
	esac
	[ "$(calls a)" = 0 ] || fail "$2: $(calls a) sendmail call(s): sent in clear"
	ok "$2"
	reset a
	run_filter a -q BEHA0201 -f alice@a.example -- bob@b.example "$1" <"$in"
	[ "$(calls a)" = 0 ] || fail "$2, with bob@b.example: $(calls a) sendmail call(s)"
	ok "$2, with bob@b.example"
}
never_plain $'bob@b\xc3cher.example' "bad UTF-8 in the domain"
never_plain $'bob@\xe2\x98\x83.b.example' "a disallowed code point (U+2603)"
finish
