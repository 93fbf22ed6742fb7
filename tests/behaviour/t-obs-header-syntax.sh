#!/bin/bash
# NAME
#	t-obs-header-syntax - header fields with a space before the colon are
#	header fields, as they are for Postfix
# SYNOPSIS
#	t-obs-header-syntax.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	RFC 5322 section 4.5 (obs-optional) allows white space between a
#	field name and its colon, and Postfix's is_header() accepts it, so
#	Postfix passes such lines to the filter as header fields.  The
#	filter's header block must not end there:
#	- inbound, "X-SMIME-Gateway : ..." from outside is a forged trace and
#	  is removed (obs-syntax/forged-trace-obs-space.expect);
#	- outbound, a message with "Subject : ..." and "Bcc : ..." keeps its
#	  outer fields (obs-syntax/NAME.outer: Bcc removed) and openssl
#	  decrypts exactly NAME.entity;
#	- inbound decryption of an OpenSSL message whose outer header has
#	  "Keywords : ..." keeps every outer field.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-obs-header-syntax
. "$(dirname "$0")/lib.sh"
setup "$@"
D=$DATA/obs-syntax

make_gateway a a.example gw-a
peer a b.example.pem gw-b
make_gateway b b.example gw-b

outbound() {
in=$D/outbound-subject-space.eml
run_filter a -q BEHO0001 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "outbound, Subject : and Bcc :"
m=$(cap a 1)/msg
grep -q 'hidden-bcc-recipient' "$m" && fail "outbound: the Bcc address is in the output"
smime_of a 1 "$S/o.der" "outbound"
ossl_decrypt "$S/o.der" gw-b "$S/o.plain" || fail "outbound: openssl cannot decrypt"
same "$D/outbound-subject-space.entity" "$S/o.plain" "outbound: decrypted entity"
sed -n '1,/^$/p' "$m" | grep -viE '^(mime-version|content-[a-z-]*):|^$' >"$S/o.outer" || true
same "$D/outbound-subject-space.outer" "$S/o.outer" "outbound: outer header fields"
ok "outbound"
}

inbound_decryption() {
reset b
ent=$DATA/outbound/text-8bit.entity
openssl cms -encrypt -binary -aes-256-cbc -in "$ent" -outform SMIME -from someone@partner.example \
	-to bob@b.example -subject "obs syntax outside" -out "$S/i0.eml" "$PKI/gw-b.pem" 2>"$S/openssl.err" ||
	fail "openssl cms -encrypt fails: $(head -1 "$S/openssl.err")"
sed '/^To: /a Keywords : obsolete syntax outside' "$S/i0.eml" >"$S/i.eml"
run_filter b -q BEHO0002 -f someone@partner.example -- bob@b.example <"$S/i.eml"
expect b 0 - 1 "inbound decryption, Keywords :"
trace=$(mailtool trace "$(cap b 1)/msg" "$S/untraced.eml")
case $trace in
"decrypted; cipher=aes-256-cbc"*) ;;
*) fail "inbound decryption: trace '$trace'" ;;
esac
{
	printf 'To: bob@b.example\nKeywords : obsolete syntax outside\n'
	printf 'From: someone@partner.example\nSubject: obs syntax outside\n'
	printf 'MIME-Version: 1.0\n'
	tr -d '\r' <"$ent"
} >"$S/want.eml"
same "$S/want.eml" "$S/untraced.eml" "inbound decryption: delivered message"
ok "inbound decryption"
}

forged_trace() {
reset b
in=$D/forged-trace-obs-space.eml
run_filter b -q BEHO0003 -f mallory@partner.example -- bob@b.example <"$in"
expect b 0 - 1 "forged trace with a space before the colon"
same "$D/forged-trace-obs-space.expect" "$(cap b 1)/msg" "forged trace 'X-SMIME-Gateway :' removed"
}

section outbound "outbound"
section inbound_decryption "inbound decryption"
section forged_trace "forged trace"
finish
