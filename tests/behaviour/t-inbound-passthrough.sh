#!/bin/bash
# NAME
#	t-inbound-passthrough - mail that is not encrypted for us is relayed
#	unaltered, except for a forged trace field
# SYNOPSIS
#	t-inbound-passthrough.sh SMIMEGW PKI_DIR NSS_CORPUS_DIR
# DESCRIPTION
#	Data-driven: every tests/data/behaviour/passthrough/NAME.eml goes from
#	someone@partner.example to gateway B for bob@b.example and
#	eve@b.example.  Expected: exit 0, silent, exactly one sendmail call
#	"-G -i -f someone@partner.example -- bob@b.example eve@b.example",
#	and the message equal byte for byte to NAME.expect when it exists
#	(forged X-SMIME-Gateway fields removed, nothing else), else to
#	NAME.eml.  The inputs include plain mail, 8-bit header bytes, broken
#	and unterminated MIME, S/MIME that is signed but not encrypted,
#	application/pkcs7-mime whose body is not CMS, CRLF lines, a header
#	without a body.  The same holds for the NSS corpus messages whose
#	top level is not encrypted (signed, or signed around an envelope).
#	Also: the null sender, configured as inbound, relays the same way with
#	-f "" (an empty argument).
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-inbound-passthrough
. "$(dirname "$0")/lib.sh"
setup "$@"
CORPUS=${3:-$BEH_DIR/../data/nss}

make_gateway b b.example gw-b
peer b a.example.pem gw-a
n=0
for in in "$DATA"/passthrough/*.eml; do
	name=$(basename "$in" .eml)
	want=$in
	[ -f "${in%.eml}.expect" ] && want=${in%.eml}.expect
	reset b
	run_filter b -q BEHT0001 -f someone@partner.example -- bob@b.example eve@b.example <"$in"
	expect b 0 - 1 "$name"
	argv_is b 1 "$name" -G -i -f someone@partner.example -- bob@b.example eve@b.example
	# a signature is verified and reported on top (issue 8); nothing else
	results=$(mailtool results "$(cap b 1)/msg" "$S/unar.eml")
	case $name in
	signed-only)
		case $results in
		*"smime=permerror"*) ;;
		*) fail "$name: no smime=permerror result: '$results'" ;;
		esac
		;;
	*) [ -z "$results" ] || fail "$name: unexpected Authentication-Results: $results" ;;
	esac
	same "$want" "$S/unar.eml" "$name: relayed message"
	ok "$name: relayed as expected"
	n=$((n + 1))
done
[ $n -ge 10 ] || fail "only $n pass-through inputs found in $DATA/passthrough"

# NSS corpus: signed at the top level: relayed as it came with the result on
# top; with an envelope for Bob inside, opened
make_gateway bobgw example.net bob
n=0
for in in "$CORPUS"/alice.*sig*.eml; do
	case $(basename "$in") in
	*.env.eml) continue ;;		# encrypted at the top level
	esac
	reset bobgw
	run_filter bobgw -q BEHT0002 -f Alice@example.com -- Bob@example.com <"$in"
	expect bobgw 0 - 1 "NSS $(basename "$in")"
	results=$(mailtool results "$(cap bobgw 1)/msg" "$S/unar.eml")
	[ -n "$results" ] || fail "NSS $(basename "$in"): the signature was not reported"
	case $(basename "$in") in
	alice.env.*)
		# an envelope for Bob inside the signature (RFC 2634 triple
		# wrap): verified, then opened (issue 8)
		grep -qi '^X-SMIME-Gateway: decrypted' "$S/unar.eml" ||
			fail "NSS $(basename "$in"): the envelope inside was not opened"
		;;
	*) same "$in" "$S/unar.eml" "NSS $(basename "$in"): relayed unaltered but for the result" ;;
	esac
	n=$((n + 1))
done
[ $n -ge 12 ] || fail "only $n signed NSS messages found in $CORPUS"

# NSS signatures verified against NSS's test CA (issue 8): good ones pass,
# the tampered ones fail. NSS hashes a multipart/signed part with the line
# ends it sent, so this also proves the fallback from canonical CRLF.
cp "$CORPUS/TestCA.pem" "$S/nss-ca.pem"
own "$S/nss-ca.pem"
make_gateway bobtrust example.net bob verification.trust_anchors="$S/nss-ca.pem"
for name in alice.dsig.SHA256.multipart alice.sig.SHA256.opaque \
	alice.env.dsig.SHA256.multipart alice.dsig.SHA256.multipart.bad alice.dsig.SHA256.multipart.mismatch-econtent; do
	[ -f "$CORPUS/$name.eml" ] || fail "NSS corpus: $name.eml missing"
	reset bobtrust
	run_filter bobtrust -q BEHT0004 -f Alice@example.com -- Bob@example.com <"$CORPUS/$name.eml"
	expect bobtrust 0 - 1 "NSS $name, trusted CA"
	results=$(mailtool results "$(cap bobtrust 1)/msg" "$S/unar.eml")
	case $name in
	*.bad | *.mismatch-econtent) want="smime=fail " ;;
	*) want="smime=pass (originator signature) body.smime-identifier=alice@example.com" ;;
	esac
	case $results in
	*"$want"*) ok "NSS $name: $want" ;;
	*) fail "NSS $name: expected '$want' in '$results'" ;;
	esac
done

# The null sender as inbound mail.
make_gateway bnull b.example gw-b gateway.null_sender=inbound
in=$DATA/passthrough/plain-inbound.eml
run_filter bnull -q BEHT0003 -f "" -- bob@b.example <"$in"
expect bnull 0 - 1 "null sender, null_sender = inbound"
argv_is bnull 1 "null sender" -G -i -f "" -- bob@b.example
same "$in" "$(cap bnull 1)/msg" "null sender: relayed message"
finish
