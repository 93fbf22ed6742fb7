#!/bin/bash
# NAME
#	t-openssl-verifies-ours - openssl cms -verify accepts smimegw-cms signatures
# SYNOPSIS
#	t-openssl-verifies-ours.sh SMIMEGW_CMS PKI_DIR
# DESCRIPTION
#	smimegw-cms sign makes detached (and opaque) SignedData; openssl cms
#	-verify -binary -CAfile ca.pem -purpose smimesign must accept it:
#	- RSA PKCS#1 v1.5 and RSASSA-PSS, ECDSA P-256 and P-384, each with
#	  SHA-256, SHA-384 and SHA-512 (PSS: rsassaPss with the digest in its
#	  parameters; the digestAlgorithm is the one asked for);
#	- a signer under an intermediate CA, with the chain from its
#	  certificate file (openssl gets only the root) and without it (then
#	  openssl fails with the root alone, and needs sub-ca.pem in -CAfile);
#	- one changed byte of content makes openssl refuse it.
#	openssl cms -cmsout -print shows the signed attributes and their values:
#	the fixed signingTime, SMIMECapabilities aes-256-gcm, aes-128-gcm,
#	aes-256-cbc, aes-128-cbc in this order, SMIMEEncryptionKeyPreference
#	naming gw-a.pem (issuer and serial 0x0A01), SignatureType
#	id-sti-domainSig (1.2.840.113549.1.9.16.9.2) only with --domain.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-openssl-verifies-ours
. "$(dirname "$0")/lib.sh"
setup_cms_test "$@"
PKI_OUT=$S/openssl.err

# verify SIG CONTENT WHAT [EXTRA...] - openssl accepts the detached SIG
verify() {
	local sig=$1 content=$2 what=$3
	shift 3
	openssl cms -verify -inform DER -in "$sig" -content "$content" -binary \
		-CAfile "${CAFILE:-$PKI/ca.pem}" -purpose smimesign "$@" -out "$S/verified.out" \
		2>"$PKI_OUT" || fail "$what: openssl cms -verify refused it: $(tail -2 "$PKI_OUT" | tr '\n' ' ')"
	same "$content" "$S/verified.out" "$what (verified content)"
	ok "$what"
}

# refuse SIG CONTENT WHAT [EXTRA...] - openssl must not accept SIG
refuse() {
	local sig=$1 content=$2 what=$3 rc
	shift 3
	run rc openssl cms -verify -inform DER -in "$sig" -content "$content" \
		-binary -CAfile "$PKI/ca.pem" -purpose smimesign "$@" -out /dev/null
	[ "$rc" != 0 ] 2>/dev/null || fail "$what: openssl accepted it"
	ok "$what"
}

# print SIG - openssl's dump of the signed attributes
print() {
	openssl cms -cmsout -print -inform DER -in "$1" >"$1.txt" 2>"$PKI_OUT" ||
		fail "openssl cms -cmsout -print cannot read $1"
}

flip_byte "$S/mime.txt" 100 0x01 "$S/mime-bad.txt"

for key in rsa ec256 ec384; do
	for d in sha256 sha384 sha512; do
		modes=plain
		[ $key = rsa ] && modes="plain pss"
		for mode in $modes; do
			sig=$S/$key-$d-$mode.p7s
			extra=()
			[ $mode = pss ] && extra=(--pss)
			"$CMS" sign -k "$PKI/sign-a-$key.key" -c "$PKI/sign-a-$key.pem" \
				-d $d "${extra[@]}" -i "$S/mime.txt" -o "$sig" ||
				fail "sign $key $d $mode failed"
			verify "$sig" "$S/mime.txt" "$key $d $mode"
			refuse "$sig" "$S/mime-bad.txt" "$key $d $mode, changed content"
			print "$sig"
			grep -A1 'digestAlgorithm:' "$sig.txt" | grep "algorithm: $d " >/dev/null ||
				fail "$key $d $mode: digestAlgorithm is not $d"
			case $key-$mode in
			rsa-pss)
				grep -q 'algorithm: rsassaPss' "$sig.txt" ||
					fail "$key $d: signatureAlgorithm is not rsassaPss"
				# hash and MGF1 hash in the PSS parameters are $d
				[ "$(grep -c ":$d\$" "$sig.txt")" -ge 2 ] ||
					fail "$key $d pss: parameters do not name $d"
				;;
			rsa-plain)
				grep -q 'algorithm: rsaEncryption' "$sig.txt" ||
					fail "$key $d: signatureAlgorithm is not rsaEncryption"
				;;
			ec*)
				grep -q "algorithm: ecdsa-with-${d^^}" "$sig.txt" ||
					fail "$key $d: signatureAlgorithm is not ecdsa-with-${d^^}"
				;;
			esac
			ok "$key $d $mode algorithms"
		done
	done
done

# Chain: the intermediate comes from the certificate file.
"$CMS" sign -k "$PKI/sign-a-sub.key" -c "$PKI/sign-a-sub-chain.pem" \
	-i "$S/mime.txt" -o "$S/chain.p7s" || fail "sign with chain failed"
verify "$S/chain.p7s" "$S/mime.txt" "signer under sub-ca, chain included"
"$CMS" sign -k "$PKI/sign-a-sub.key" -c "$PKI/sign-a-sub.pem" \
	-i "$S/mime.txt" -o "$S/nochain.p7s" || fail "sign without chain failed"
refuse "$S/nochain.p7s" "$S/mime.txt" "signer under sub-ca, no chain, root only"
cat "$PKI/ca.pem" "$PKI/sub-ca.pem" >"$S/both-cas.pem"
CAFILE=$S/both-cas.pem verify "$S/nochain.p7s" "$S/mime.txt" \
	"signer under sub-ca, no chain, sub-ca given to openssl"
[ "$(openssl pkcs7 -inform DER -in "$S/chain.p7s" -print_certs -noout | grep -c '^subject')" = 2 ] ||
	fail "the chained signature does not carry 2 certificates"
[ "$(openssl pkcs7 -inform DER -in "$S/nochain.p7s" -print_certs -noout | grep -c '^subject')" = 1 ] ||
	fail "the unchained signature does not carry 1 certificate"
ok "certificates carried"

# Opaque: openssl returns the content.
"$CMS" sign --opaque -k "$PKI/sign-a-sub.key" -c "$PKI/sign-a-sub-chain.pem" \
	-i "$S/mime.txt" -o "$S/opaque.p7m" || fail "opaque sign failed"
openssl cms -verify -inform DER -in "$S/opaque.p7m" -binary -CAfile "$PKI/ca.pem" \
	-purpose smimesign -out "$S/opaque.out" 2>"$PKI_OUT" ||
	fail "opaque: openssl cms -verify refused it: $(tail -2 "$PKI_OUT" | tr '\n' ' ')"
same "$S/mime.txt" "$S/opaque.out" "opaque content"
ok "opaque"

# The signed attributes, as openssl reads them.
"$CMS" sign -k "$PKI/sign-a-rsa.key" -c "$PKI/sign-a-rsa.pem" --domain \
	--enc-cert "$PKI/gw-a.pem" --time 1767323045 -i "$S/mime.txt" \
	-o "$S/attrs.p7s" || fail "sign with attributes failed"
verify "$S/attrs.p7s" "$S/mime.txt" "with every attribute"
print "$S/attrs.p7s"
T=$S/attrs.p7s.txt
grep -q 'UTCTIME:Jan  2 03:04:05 2026 GMT' "$T" || fail "signingTime is not the fixed time"
caps=$(sed -n '/S\/MIME Capabilities/,/object:/p' "$T" | sed -n 's/.*OBJECT *:\(aes-[0-9a-z-]*\).*/\1/p' | tr '\n' ' ')
[ "$caps" = "aes-256-gcm aes-128-gcm aes-256-cbc aes-128-cbc " ] ||
	fail "SMIMECapabilities are '$caps'"
ok "capabilities in order"
pref=$(sed -n '/id-smime-aa-encrypKeyPref/,/object:\|signatureAlgorithm/p' "$T")
echo "$pref" | grep 'INTEGER *:0A01$' >/dev/null || fail "key preference does not carry serial 0A01"
echo "$pref" | grep 'cont \[ 0 \]' >/dev/null || fail "key preference is not issuerAndSerialNumber [0]"
echo "$pref" | grep ':smimegw TEST ONLY root CA' >/dev/null || fail "key preference does not name the test CA"
ok "encryption key preference names gw-a"
sigt=$(sed -n '/id-smime-aa-signatureType/,/object:\|signatureAlgorithm/p' "$T")
echo "$sigt" | grep 'OBJECT *:1.2.840.113549.1.9.16.9.2$' >/dev/null ||
	fail "SignatureType is not id-sti-domainSig"
[ "$(echo "$sigt" | grep -c 'OBJECT')" = 1 ] || fail "SignatureType holds more than one type"
ok "signature type domainSig"
for attr in contentType messageDigest signingTime; do
	grep -q "object: $attr " "$T" || fail "no $attr attribute"
done
ok "contentType, messageDigest, signingTime"

# Without --domain and --enc-cert: neither attribute.
print "$S/rsa-sha256-plain.p7s"
grep -q 'signatureType\|encrypKeyPref' "$S/rsa-sha256-plain.p7s.txt" &&
	fail "signature type or key preference without being asked for"
ok "optional attributes absent by default"

# PSS and an EC key do not mix; bad digest is a usage error.
run rc "$CMS" sign -k "$PKI/sign-a-ec256.key" -c "$PKI/sign-a-ec256.pem" --pss \
	-i "$S/mime.txt" -o "$S/x.p7s"
[ "$rc" = 78 ] || fail "PSS with an EC key: exit $rc, expected 78"
run rc "$CMS" sign -k "$PKI/sign-a-rsa.key" -c "$PKI/sign-a-rsa.pem" -d md5 \
	-i "$S/mime.txt" -o "$S/x.p7s"
[ "$rc" = 64 ] || fail "digest md5: exit $rc, expected 64"
# sign-a-enc.pem allows keyEncipherment only: no signing certificate.
run rc "$CMS" sign -k "$PKI/sign-a-rsa.key" -c "$PKI/sign-a-enc.pem" -i "$S/mime.txt" \
	-o "$S/x.p7s"
[ "$rc" = 78 ] || fail "encryption-only certificate: exit $rc, expected 78"
# sign-a-pair.pem: the keyEncipherment cert of the same key comes first.
"$CMS" sign -k "$PKI/sign-a-rsa.key" -c "$PKI/sign-a-pair.pem" -i "$S/mime.txt" \
	-o "$S/pair.p7s" || fail "sign with sign-a-pair.pem failed"
verify "$S/pair.p7s" "$S/mime.txt" "signing certificate chosen by keyUsage"
print "$S/pair.p7s"
grep -A3 'd.issuerAndSerialNumber' "$S/pair.p7s.txt" | grep 'serialNumber: 23041$' >/dev/null ||
	fail "sign-a-pair.pem: signer is not sign-a-rsa (serial 0x5a01)"
ok "exit codes and certificate choice"

finish
