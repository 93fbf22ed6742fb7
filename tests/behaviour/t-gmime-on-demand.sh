#!/bin/bash
# NAME
#	t-gmime-on-demand - GMime is loaded only for a message that needs a
#	MIME parse; a GMime that cannot be loaded defers that message only
# SYNOPSIS
#	t-gmime-on-demand.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	The filter is linked without GMime and opens it on first use
#	(filter/smimegw_gmime.c; not when built with SMIMEGW_STATIC_MIME,
#	then this test says so and checks only the messages). With the
#	dynamic loader's LD_DEBUG=files:
#	- outbound, signed (the default [signing] mode = partners) and
#	  encrypted for b.example, a 7-bit text with From: "Alice
#	  <alice@a.example>": GMime is not loaded; openssl decrypts the copy
#	  and verifies the signature (an 8-bit text is made 7-bit by GMime
#	  before it is signed: that one loads it);
#	- the same with a From: only GMime reads (a quoted display name):
#	  GMime is loaded, and the copy is signed all the same;
#	- that first copy at gateway B: GMime is not loaded either (the
#	  Content-Types the gateways write are read by sg_ctype, the base64
#	  by nettle), the signature passes (smime=pass), the text is the
#	  original's;
#	- the same copy with a comment in its Content-Type (a form only
#	  GMime reads): GMime is loaded, and the result is the same;
#	- plain inbound mail at B (text/plain, and multipart/alternative):
#	  GMime is not loaded, and the message is delivered as it came.
#	Then, as root, in a private mount namespace where GMime's shared
#	object is /dev/null (a broken installation):
#	- the outbound message is still signed, encrypted and sent, and plain
#	  inbound mail delivered;
#	- the inbound copy is opened and verified all the same; the one
#	  with the comment defers: exit 75, one 4.x.x line, no sendmail
#	  call, and the log says that GMime cannot be loaded.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-gmime-on-demand
. "$(dirname "$0")/lib.sh"
setup "$@"
need_cmd readelf

lazy=1
if ! grep -q 'libgmime-3\.0\.so' "$SMIMEGW"; then
	lazy=0
	echo "  (smimegw names no GMime to open: a SMIMEGW_STATIC_MIME build;"
	echo "   only the messages are checked)"
fi
readelf -d "$SMIMEGW" | grep -E 'NEEDED.*lib(gmime|glib|gobject|gio)' >"$S/needed" || true
[ ! -s "$S/needed" ] || fail "smimegw is linked with GMime or GLib: $(tr '\n' ' ' <"$S/needed")"
ok "smimegw's dynamic section names no GMime, GLib or GIO"

make_gateway a a.example gw-a signing.mode=partners
peer a b.example.pem gw-b
make_gateway b b.example gw-b
peer b a.example.pem gw-a

# traced NAME ARG... - run_filter with the loader's trace in $S/ld.*
traced() {
	local saved=${SMIMEGW_WRAPPER:-}
	rm -f "$S"/ld.*
	SMIMEGW_WRAPPER="env LD_DEBUG=files LD_DEBUG_OUTPUT=$S/ld $saved"
	run_filter "$@"
	SMIMEGW_WRAPPER=$saved
}

# gmime_loaded - did the traced run open GMime?
gmime_loaded() { cat "$S"/ld.* 2>/dev/null | grep 'file=libgmime-3\.0\.so' >/dev/null; }

# loaded WANT WHAT - GMime was (1) or was not (0) loaded by the last run
loaded() {
	[ "$lazy" = 1 ] || return 0
	ls "$S"/ld.* >/dev/null 2>&1 || fail "$2: no loader trace (LD_DEBUG_OUTPUT)"
	if gmime_loaded; then
		[ "$1" = 1 ] || fail "$2: GMime was loaded"
	else
		[ "$1" = 0 ] || fail "$2: GMime was not loaded"
	fi
	ok "$2: GMime $([ "$1" = 1 ] || echo "not ")loaded"
}

# signed_copy NAME N WHAT - call N of NAME opens with gw-b and holds a
#	signature by gw-a that openssl verifies
signed_copy() {
	smime_of "$1" "$2" "$S/env.der" "$3"
	ossl_decrypt "$S/env.der" gw-b "$S/inner.mime" || fail "$3: does not open with gw-b"
	grep -qi '^Content-Type: multipart/signed' "$S/inner.mime" || fail "$3: not signed"
	openssl smime -verify -CAfile "$PKI/ca.pem" -purpose any -in "$S/inner.mime" \
		-signer "$S/signer.pem" -out /dev/null 2>"$S/openssl.err" ||
		fail "$3: openssl does not verify: $(head -2 "$S/openssl.err" | tr '\n' ' ')"
	cmp -s <(openssl x509 -in "$S/signer.pem" -outform DER) \
		<(openssl x509 -in "$PKI/gw-a.pem" -outform DER) || fail "$3: not signed by gw-a"
	ok "$3: encrypted for gw-b, signed by gw-a (openssl)"
}

# --- outbound: no GMime for a plain From: ---------------------------------
in=$S/plain-from.eml
printf '%s\n' 'From: Alice <alice@a.example>' 'To: Bob <bob@b.example>' \
	'Subject: figures' 'Message-ID: <gmime-on-demand@a.example>' \
	'MIME-Version: 1.0' 'Content-Type: text/plain; charset=us-ascii' '' \
	'Hello Bob,' '' 'CANARY-PLAINTEXT-7f3a9e: the figures are in.' >"$in"
traced a -q BEHG0001 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "outbound, From: Alice <alice@a.example>"
loaded 0 "outbound, plain From:"
signed_copy a 1 "outbound, plain From:"
cp "$(cap a 1)/msg" "$S/a2b.eml"

# --- outbound: GMime reads a From: in another form --------------------------
reset a
sed 's/^From: .*/From: "Alice, Sales" <alice@a.example>/' "$in" >"$S/quoted-from.eml"
traced a -q BEHG0002 -f alice@a.example -- bob@b.example <"$S/quoted-from.eml"
expect a 0 - 1 'outbound, From: "Alice, Sales" <alice@a.example>'
loaded 1 "outbound, quoted display name"
signed_copy a 1 "outbound, quoted display name"

# passed WHAT - B's copy 1 says smime=pass and holds the original text
passed() {
	mailtool results "$(cap b 1)/msg" "$S/unar.eml" >"$S/ar" || fail "$1: no Authentication-Results"
	grep -q 'smime=pass' "$S/ar" || fail "$1: the signature did not pass: $(cat "$S/ar")"
	mailtool leaves "$in" "$S/unar.eml" >/dev/null 2>"$S/leaves.err" ||
		fail "$1: the parts differ from the original: $(cat "$S/leaves.err")"
	ok "$1: smime=pass, the original text delivered"
}

# --- inbound: no GMime for what the gateways write ------------------------------
grep -q '^Content-Type: application/pkcs7-mime; smime-type=enveloped-data' "$S/a2b.eml" ||
	fail "a2b.eml: not the Content-Type this test expects: $(grep -i '^Content-Type' "$S/a2b.eml")"
traced b -q BEHG0003 -f alice@a.example -- bob@b.example <"$S/a2b.eml"
expect b 0 - 1 "inbound, signed and encrypted"
loaded 0 "inbound"
passed "inbound"

# --- inbound: GMime reads a Content-Type in another form -------------------------
sed 's/smime-type=enveloped-data/smime-type=enveloped-data (from gateway a)/' \
	"$S/a2b.eml" >"$S/a2b-comment.eml"
reset b
traced b -q BEHG0008 -f alice@a.example -- bob@b.example <"$S/a2b-comment.eml"
expect b 0 - 1 "inbound, a comment in Content-Type"
loaded 1 "inbound, a comment in Content-Type"
passed "inbound, a comment in Content-Type"

# --- inbound plain mail: no GMime -----------------------------------------------
plain=$S/plain-in.eml
printf '%s\n' 'From: Carol <carol@c.example>' 'To: bob@b.example' 'Subject: plain' \
	'MIME-Version: 1.0' 'Content-Type: text/plain; charset=utf-8' '' 'Hello Bob.' >"$plain"
printf '%s\n' 'From: Carol <carol@c.example>' 'To: bob@b.example' 'Subject: html' \
	'MIME-Version: 1.0' 'Content-Type: multipart/alternative; boundary="b1"' '' \
	'--b1' 'Content-Type: text/plain' '' 'Hello Bob.' '--b1' \
	'Content-Type: text/html' '' '<p>Hello Bob.</p>' '--b1--' >"$S/alt-in.eml"
for f in "$plain" "$S/alt-in.eml"; do
	reset b
	traced b -q BEHG0006 -f carol@c.example -- bob@b.example <"$f"
	expect b 0 - 1 "inbound plain $(basename "$f")"
	loaded 0 "inbound plain $(basename "$f")"
	cmp -s "$f" "$(cap b 1)/msg" || fail "inbound plain $(basename "$f"): not delivered as it came"
	ok "inbound plain $(basename "$f"): delivered as it came"
done

# --- a broken installation: GMime cannot be loaded ----------------------------------
if [ "$lazy" = 0 ]; then
	finish
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "  (not root: the broken-installation checks need a mount namespace)"
	finish
	exit 0
fi
need_cmd unshare ldconfig
if ! unshare -m -- true 2>/dev/null; then
	echo "  (no mount namespace here (unshare -m refused): the broken-installation"
	echo "   checks need one)"
	finish
	exit 0
fi
lib=$(ldconfig -p | awk '$1 == "libgmime-3.0.so.0" && !n { print $NF; n = 1 }')
[ -n "$lib" ] || fail "ldconfig does not know libgmime-3.0.so.0"
lib=$(readlink -f "$lib")

# broken NAME ARG... - run_filter in a private mount namespace where
#	GMime's file is /dev/null
broken() {
	FILTER_PREFIX=(unshare -m -- sh -c \
		'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib")
	run_filter "$@"
	FILTER_PREFIX=()
}

reset a
reset b
broken a -q BEHG0004 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "outbound without a loadable GMime"
signed_copy a 1 "outbound without a loadable GMime"

broken b -q BEHG0007 -f carol@c.example -- bob@b.example <"$plain"
expect b 0 - 1 "plain inbound without a loadable GMime"
reset b

broken b -q BEHG0009 -f alice@a.example -- bob@b.example <"$S/a2b.eml"
expect b 0 - 1 "inbound without a loadable GMime"
passed "inbound without a loadable GMime"
reset b

broken b -q BEHG0005 -f alice@a.example -- bob@b.example <"$S/a2b-comment.eml"
expect b 75 4. 0 "inbound with a comment, without a loadable GMime"
grep 'BEHG0005: .*GMime cannot be loaded' "$S/b/smimegw.log" >/dev/null ||
	fail "inbound without GMime: the log does not say why: $(tail -2 "$S/b/smimegw.log")"
ok "inbound without GMime: the log says GMime cannot be loaded"
finish
