#!/bin/bash
# NAME
#	t-outbound-peer-file-chain - a chain pasted into a peer file: only
#	the partner's end-entity certificate is a recipient, never its CA
# SYNOPSIS
#	t-outbound-peer-file-chain.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway A's b.example.pem holds a CA certificate followed by gw-b's
#	certificate; the CA's key is in the scratch directory (made here
#	with openssl, as is a second, CA-flagged certificate with
#	keyEncipherment, and a signing-only certificate).  A message from
#	alice@a.example to bob@b.example is encrypted once: its
#	RecipientInfos (openssl cms -cmsout -print) name gw-b's serial only;
#	gw-b's key opens it, the CA's key does not.  A peer file holding only
#	CA certificates, or only a certificate whose keyUsage excludes
#	encryption, makes the message wait (exit 75, no call), never plain.
#	smimegw -n reports the ignored CA as a warning and still says OK;
#	for a file with no usable certificate it fails (78).
#	Issue 7 item 5: the CA was a recipient before.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-outbound-peer-file-chain
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/text-8bit.eml
X=$S/x509
mkdir "$X"
cat >"$X/ext.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, keyEncipherment
subjectKeyIdentifier = hash
[sign]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectAltName = email:signer@b.example
CNF
# mk NAME PROFILE CN - an RSA key and a self-signed certificate
mk() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$X/$1.key" -out "$X/$1.pem" \
		-subj "/CN=$3" -days 30 -config "$X/ext.cnf" -extensions "$2" \
		2>"$S/openssl.err" || fail "openssl req $1: $(head -1 "$S/openssl.err")"
}
mk partner-ca ca "b.example partner CA (TEST ONLY)"
mk signer sign "b.example signing only (TEST ONLY)"

make_gateway a a.example gw-a
f=$S/a/certs/b.example.pem
cat "$X/partner-ca.pem" "$PKI/gw-b.pem" >"$f"
own "$f"

run_filter a -q BEHC0001 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "CA + partner in b.example.pem"
smime_of a 1 "$S/c1.der" "CA + partner"
opens_with "$S/c1.der" gw-b "CA + partner"
same "$DATA/outbound/text-8bit.entity" "$OPENED" "CA + partner: decrypted entity"
openssl cms -cmsout -print -inform DER -in "$S/c1.der" >"$S/c1.txt" 2>"$S/openssl.err" ||
	fail "openssl cms -cmsout -print: $(head -1 "$S/openssl.err")"
# serial_of PEM - the serial as openssl cms -print shows it (decimal or hex)
want=$(openssl x509 -in "$PKI/gw-b.pem" -noout -serial | sed 's/.*=//')
ca_serial=$(openssl x509 -in "$X/partner-ca.pem" -noout -serial | sed 's/.*=//')
n=$(grep -c 'd.ktri:' "$S/c1.txt" || true)
[ "$n" = 1 ] || fail "CA + partner: $n key transport RecipientInfos, expected 1"
grep -A12 'd.ktri:' "$S/c1.txt" | grep -iE "serialNumber: (0x)?0*$want\b|serialNumber: $((16#$want))\b" >/dev/null ||
	fail "CA + partner: the RecipientInfo does not name gw-b (serial $want): $(grep -A12 'd.ktri:' "$S/c1.txt" | tr -s ' \n' ' ')"
if grep -qi "$ca_serial" "$S/c1.txt"; then
	fail "CA + partner: the CA's serial $ca_serial appears in the envelope"
fi
ok "CA + partner: the RecipientInfos name gw-b only"
if openssl cms -decrypt -binary -inform DER -in "$S/c1.der" -recip "$X/partner-ca.pem" \
	-inkey "$X/partner-ca.key" -out "$S/c1.ca" 2>/dev/null && [ -s "$S/c1.ca" ]; then
	fail "CA + partner: the CA's key decrypts the message"
fi
if openssl cms -decrypt -binary -inform DER -in "$S/c1.der" -inkey "$X/partner-ca.key" \
	-out "$S/c1.ca2" 2>/dev/null && cmp -s "$S/c1.ca2" "$DATA/outbound/text-8bit.entity"; then
	fail "CA + partner: the CA's key (trying every RecipientInfo) decrypts the message"
fi
ok "CA + partner: the CA's key cannot decrypt"

run_filter a -n
[ "$RC" = 0 ] || fail "-n, CA + partner: exit $RC, expected 0: $(cat "$S/err")"
grep -q "^smimegw: warning: certs/b.example.pem: .*CA certificate: ignored" "$S/err" ||
	fail "-n, CA + partner: no warning about the CA: $(cat "$S/err")"
ok "-n, CA + partner: a warning, exit 0"

# waits WHAT - the message for bob waits; -n fails naming b.example.pem
waits() {
	own "$f"
	reset a
	run_filter a -q BEHC0002 -f alice@a.example -- bob@b.example <"$in"
	expect a 75 4. 0 "b.example.pem holds $1"
	reset a
	run_filter a -q BEHC0003 -f alice@a.example -- someone@nocert.example bob@b.example <"$in"
	expect a 75 4. 0 "b.example.pem holds $1, with a plain recipient too"
	run_filter a -n
	[ "$RC" = 78 ] || fail "-n, $1: exit $RC, expected 78"
	grep -q "^smimegw: warning: certs/b.example.pem: no certificate usable" "$S/err" ||
		fail "-n, $1: stderr: $(cat "$S/err")"
	ok "-n, $1: 78"
}
cat "$X/partner-ca.pem" >"$f"
waits "a CA certificate only"
cat "$X/partner-ca.pem" "$PKI/ca.pem" >"$f"
waits "two CA certificates"
cat "$X/signer.pem" >"$f"
waits "a signing-only certificate"
finish
