#!/bin/bash
# NAME
#	t-verify-openssl - smimegw-cms verifies what openssl cms and gpgsm sign
# SYNOPSIS
#	t-verify-openssl.sh SMIMEGW_CMS PKI_DIR
# DESCRIPTION
#	openssl cms -sign makes detached and opaque signatures (DER, and BER
#	with -stream, except PSS, which openssl 3.0 cannot stream) with RSA
#	PKCS#1 v1.5, RSA-PSS with SHA-256 and SHA-384,
#	ECDSA P-256 and P-384; with the chain, without it (-nocerts: no
#	signer certificate, then the same with the certificate pinned), and
#	under an intermediate CA with and without the intermediate.
#	smimegw-cms verify, with the test CA as anchor, must give:
#	pass for the good ones (and the opaque content back, byte for byte);
#	fail for a changed content and a changed signature; untrusted for an
#	unrelated CA and a missing intermediate; expired; revoked by a CRL in
#	--crl-dir (PEM and DER) and by a CRL carried in the message;
#	bad-usage for serverAuth-only and keyEncipherment-only signers (and
#	pass for nonRepudiation-only); permerror (exit 65) for a truncated
#	signature; temperror-like exit 75 for an unreadable CRL directory
#	entry (a FIFO must not hang). gpgsm --sign (detached) must pass.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-verify-openssl
. "$(dirname "$0")/lib.sh"

setup_cms_test "$@"
for f in vfy-expired vfy-revoked vfy-serverauth vfy-nodigsig vfy-nonrep \
	vfy-stranger sign-a-rsa sign-a-ec256 sign-a-ec384 sign-a-sub sub-ca; do
	[ -s "$PKI/$f.pem" ] || fail "test PKI lacks $f.pem (run gen-test-pki.sh)"
done
M=$S/mime.txt

# osign OUT SIGNER [OPENSSL ARGS...] - openssl cms -sign, DER, detached
osign() {
	local out=$1 who=$2
	shift 2
	openssl cms -sign -binary -in "$M" -outform DER -out "$out" \
		-signer "$PKI/$who.pem" -inkey "$PKI/$who.key" "$@" 2>"$S/ossl.err" ||
		fail "openssl cms -sign $who $*: $(head -1 "$S/ossl.err")"
}

# expect WHAT RESULT RC [VERIFY ARGS...] - run verify, check result and rc
expect() {
	local what=$1 want=$2 wantrc=$3 rc
	shift 3
	run rc "$CMS" verify -A "$PKI/ca.pem" "$@" >"$S/v.out" 2>"$S/v.err"
	[ "$rc" = "$wantrc" ] ||
		fail "$what: exit $rc, expected $wantrc ($(head -c 300 "$S/v.out" "$S/v.err"))"
	if [ -n "$want" ]; then
		grep -q "^signer 1: result=$want " "$S/v.out" ||
			fail "$what: expected result=$want, got: $(head -c 300 "$S/v.out")"
	fi
	ok "$what"
}

# 1. algorithms, detached and opaque, DER and BER
n=0
for alg in rsa pss256 pss384 ec256 ec384; do
	case $alg in
	rsa) who=sign-a-rsa args=() ;;
	pss256) who=sign-a-rsa args=(-keyopt rsa_padding_mode:pss) ;;
	pss384) who=sign-a-rsa args=(-keyopt rsa_padding_mode:pss -md sha384) ;;
	ec256) who=sign-a-ec256 args=() ;;
	ec384) who=sign-a-ec384 args=(-md sha384) ;;
	esac
	streams=("" -stream)
	# openssl 3.0 cannot stream an RSA-PSS signature ("Error writing")
	case $alg in pss*) streams=("") ;; esac
	for stream in "${streams[@]}"; do
		n=$((n + 1))
		osign "$S/d$n.p7s" $who "${args[@]}" $stream
		expect "$alg detached $stream" pass 0 -C "$M" -i "$S/d$n.p7s"
		grep -q "addresses=domain-signing-authority@a.example " "$S/v.out" ||
			fail "$alg: signer address not reported: $(cat "$S/v.out")"
		osign "$S/o$n.p7m" $who "${args[@]}" $stream -nodetach
		if [ -n "$stream" ]; then
			[ "$(head -c 2 "$S/o$n.p7m" | od -An -tx1 | tr -d ' ')" = 3080 ] ||
				fail "$alg: -stream did not write BER"
		fi
		rm -f "$S/o$n.out"
		expect "$alg opaque $stream" pass 0 -i "$S/o$n.p7m" -o "$S/o$n.out"
		same "$M" "$S/o$n.out" "$alg opaque $stream content"
	done
done
# PSS parameters are really read: the SHA-384 one names sha384 in GnuTLS.
osign "$S/pss.p7s" sign-a-rsa -keyopt rsa_padding_mode:pss -md sha384 \
	-keyopt rsa_pss_saltlen:20
expect "pss384 salt 20" pass 0 -C "$M" -i "$S/pss.p7s"

# 2. tampering
printf 'x' >>"$S/changed.txt"
cat "$M" >>"$S/changed.txt"
expect "changed content" fail 1 -C "$S/changed.txt" -i "$S/d1.p7s"
flip_byte "$S/d1.p7s" -5 0x01 "$S/badsig.p7s"
expect "changed signature" fail 1 -C "$M" -i "$S/badsig.p7s"
flip_byte "$S/d7.p7s" -5 0x01 "$S/badsig-ec.p7s"
expect "changed ECDSA signature" fail 1 -C "$M" -i "$S/badsig-ec.p7s"
head -c 300 "$S/d1.p7s" >"$S/trunc.p7s"
expect "truncated" "" 65 -C "$M" -i "$S/trunc.p7s"

# 3. chains and trust
osign "$S/nocerts.p7s" sign-a-rsa -nocerts
expect "no certificates" no-signer-cert 1 -C "$M" -i "$S/nocerts.p7s"
expect "no certificates, pinned" pass 0 -C "$M" -i "$S/nocerts.p7s" \
	--pin "$PKI/sign-a-rsa.pem"
grep -q "pinned=yes" "$S/v.out" || fail "pinned certificate not recognised"
osign "$S/sub.p7s" sign-a-sub
expect "intermediate missing" untrusted 1 -C "$M" -i "$S/sub.p7s"
osign "$S/subchain.p7s" sign-a-sub -certfile "$PKI/sub-ca.pem"
expect "intermediate carried" pass 0 -C "$M" -i "$S/subchain.p7s"
osign "$S/stranger.p7s" vfy-stranger
expect "unrelated CA" untrusted 1 -C "$M" -i "$S/stranger.p7s"
run rc "$CMS" verify -A "$PKI/other-ca.pem" -C "$M" -i "$S/stranger.p7s" >"$S/v.out"
[ "$rc" = 0 ] || fail "stranger with its own CA as anchor: exit $rc"
ok "stranger with its own CA"
osign "$S/stranger-self.p7s" vfy-stranger -certfile "$PKI/other-ca.pem"
expect "unrelated CA carried in the message" untrusted 1 -C "$M" \
	-i "$S/stranger-self.p7s"

# 4. validity, revocation, usage
osign "$S/expired.p7s" vfy-expired
expect "expired" expired 1 -C "$M" -i "$S/expired.p7s"
osign "$S/revoked.p7s" vfy-revoked
expect "revoked without CRL" pass 0 -C "$M" -i "$S/revoked.p7s"
grep -q "crl-checked=no" "$S/v.out" || fail "crl-checked should be no"
mkdir -p "$S/crl-pem" "$S/crl-der"
cp "$PKI/ca.crl.pem" "$S/crl-pem/"
cp "$PKI/ca.crl.der" "$S/crl-der/root.crl"
expect "revoked, PEM CRL in crl_dir" revoked 1 -C "$M" -i "$S/revoked.p7s" \
	--crl-dir "$S/crl-pem"
expect "revoked, DER CRL in crl_dir" revoked 1 -C "$M" -i "$S/revoked.p7s" \
	--crl-dir "$S/crl-der"
expect "good signer, CRL checked" pass 0 -C "$M" -i "$S/d1.p7s" \
	--crl-dir "$S/crl-der"
grep -q "crl-checked=yes" "$S/v.out" || fail "crl-checked should be yes"
# A CRL carried in the message (RFC 8550 section 2.3): openssl cms cannot
# add one, so it is put into the SignedData's crls [1] field here.
"$PY" - "$S/revoked.p7s" "$PKI/ca.crl.der" "$S/revoked-crl.p7s" <<'PYEOF'
import sys
def tlv(b, i):
    t = b[i]; l = b[i + 1]; i += 2
    if l & 0x80:
        n = l & 0x7f; l = int.from_bytes(b[i:i + n], "big"); i += n
    return t, i, l
def enc(tag, body):
    n = len(body)
    if n < 0x80: h = bytes([n])
    else:
        lb = n.to_bytes((n.bit_length() + 7) // 8, "big"); h = bytes([0x80 | len(lb)]) + lb
    return bytes([tag]) + h + body
d = open(sys.argv[1], "rb").read(); crl = open(sys.argv[2], "rb").read()
_, ci, cl = tlv(d, 0); ci_body = d[ci:ci + cl]
_, oi, ol = tlv(ci_body, 0); oid = ci_body[:oi + ol]
_, ei, el = tlv(ci_body, oi + ol); sd_outer = ci_body[ei:ei + el]
_, si, sl = tlv(sd_outer, 0); sd = sd_outer[si:si + sl]
# children of SignedData
kids = []; i = 0
while i < len(sd):
    t, vi, vl = tlv(sd, i); kids.append(sd[i:vi + vl]); i = vi + vl
kids.insert(len(kids) - 1, enc(0xa1, crl))
new = enc(0x30, oid + enc(0xa0, enc(0x30, b"".join(kids))))
open(sys.argv[3], "wb").write(new)
PYEOF
openssl cms -cmsout -print -inform DER -in "$S/revoked-crl.p7s" | grep revocationDate >/dev/null ||
	fail "could not build a SignedData carrying a CRL"
expect "revoked, CRL carried in the message" revoked 1 -C "$M" \
	-i "$S/revoked-crl.p7s"
osign "$S/serverauth.p7s" vfy-serverauth
expect "EKU serverAuth only" bad-usage 1 -C "$M" -i "$S/serverauth.p7s"
osign "$S/nodigsig.p7s" vfy-nodigsig
expect "keyUsage without digitalSignature" bad-usage 1 -C "$M" -i "$S/nodigsig.p7s"
osign "$S/nonrep.p7s" vfy-nonrep
expect "keyUsage nonRepudiation only" pass 0 -C "$M" -i "$S/nonrep.p7s"

# 5. trust data trouble defers (exit 75), never passes, never hangs
mkdir -p "$S/crl-bad"
echo "not a CRL" >"$S/crl-bad/junk.crl"
expect "unparsable CRL file" "" 75 -C "$M" -i "$S/d1.p7s" --crl-dir "$S/crl-bad"
rm -f "$S/crl-bad/junk.crl"
mkfifo "$S/crl-bad/fifo.crl"
run rc timeout 10 "$CMS" verify -A "$PKI/ca.pem" -C "$M" -i "$S/d1.p7s" \
	--crl-dir "$S/crl-bad" >/dev/null 2>&1
[ "$rc" = 75 ] || fail "FIFO in crl_dir: exit $rc, expected 75 (124 = hang)"
ok "FIFO in crl_dir"
expect "missing CRL directory" "" 75 -C "$M" -i "$S/d1.p7s" --crl-dir "$S/nonexistent"

# 6. gpgsm --sign (detached): a user signature from another implementation
need_cmd gpgsm gpgconf gpg-agent
exec </dev/null
gnupg_home "$PKI"
PASS=smimegw-test
gpgsm --import "$PKI/ca.pem" 2>>"$S/gpgsm.log" || fail "gpgsm: cannot import CA"
imported=0
for try in 1 2 3 4 5; do
	openssl pkcs12 -export -inkey "$PKI/sign-a-rsa.key" -in "$PKI/sign-a-rsa.pem" \
		-name sign-a -passout "pass:$PASS" -certpbe PBE-SHA1-3DES \
		-keypbe PBE-SHA1-3DES -macalg sha1 -out "$S/sign-a.p12" ||
		fail "openssl cannot build the PKCS#12 for gpgsm"
	if gpgsm --passphrase-fd 3 --import "$S/sign-a.p12" 3<<<"$PASS" 2>>"$S/gpgsm.log"; then
		imported=1
		break
	fi
done
[ $imported = 1 ] || fail "gpgsm cannot import sign-a.p12: $(tail -2 "$S/gpgsm.log")"
FPR=$(openssl x509 -in "$PKI/sign-a-rsa.pem" -noout -fingerprint -sha1 |
	sed -e 's/.*=//' -e 's/://g')
gpgsm --passphrase-fd 3 --detach-sign --include-certs -1 -u "0x$FPR" \
	-o "$S/gpgsm.p7s" "$M" 3<<<"$PASS" 2>>"$S/gpgsm.log" ||
	fail "gpgsm --detach-sign failed: $(tail -2 "$S/gpgsm.log")"
expect "gpgsm detached" pass 0 -C "$M" -i "$S/gpgsm.p7s"
expect "gpgsm detached, changed content" fail 1 -C "$S/changed.txt" -i "$S/gpgsm.p7s"

finish
