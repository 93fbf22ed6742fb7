#!/bin/bash
# NAME
#	gen-test-pki.sh - generate the smimegw TEST-ONLY PKI
# SYNOPSIS
#	gen-test-pki.sh OUTDIR [INTEROP_DIR]
# DESCRIPTION
#	Writes into OUTDIR, with openssl and no network, a throw-away test CA
#	and RSA-2048 certificates and keys signed by it (PEM, keys unencrypted,
#	mode 0600), valid for ten years:
#
#	ca.pem ca.key		test root CA
#	gw-a.pem gw-a.key	gateway of a.example   (smg_encryptor@a.example)
#	gw-b.pem gw-b.key	gateway of b.example   (smg_encryptor@b.example)
#	gw-b-next.pem .key	rollover cert of b.example, 20-byte serial
#	gw-c.pem gw-c.key	gateway of c.example, serial with the top bit set
#	nokeyid.pem .key	gateway of nokeyid.example, NO subjectKeyIdentifier
#	carol.pem carol.key	user carol@c.example
#	bob.pem bob.key		Bob of the NSS corpus, taken from INTEROP_DIR/Bob.p12
#	nss-ca.pem		the NSS corpus trust anchor (INTEROP_DIR/TestCA.pem)
#
#	Signing (issue 8; keyUsage digitalSignature, emailProtection, mail
#	domain-signing-authority@a.example):
#	sign-a-rsa.pem .key	RSA-2048, by the root CA
#	sign-a-ec256.pem .key	ECDSA P-256, by the root CA
#	sign-a-ec384.pem .key	ECDSA P-384, by the root CA
#	sub-ca.pem sub-ca.key	intermediate CA under the root CA
#	sign-a-sub.pem .key	RSA-2048, by sub-ca
#	sign-a-sub-chain.pem	sign-a-sub.pem followed by sub-ca.pem
#	sign-a-enc.pem		encryption only (keyUsage keyEncipherment alone)
#				for the sign-a-rsa key
#	sign-a-pair.pem		sign-a-enc.pem, then sign-a-rsa.pem
#
#	Verification (issue 8, sg_verify/sg_trust; all RSA-2048 with mail
#	vfy-*@a.example, by the root CA unless said otherwise):
#	vfy-expired.pem .key	signing profile, valid 2020-01-01..2021-01-01
#	vfy-revoked.pem .key	signing profile, revoked by ca.crl
#	ca.crl.pem ca.crl.der	CRL of the root CA revoking vfy-revoked (PEM, DER)
#	vfy-serverauth.pem .key	extendedKeyUsage serverAuth only
#	vfy-nodigsig.pem .key	keyUsage keyEncipherment only
#	vfy-nonrep.pem .key	keyUsage nonRepudiation only (allowed, RFC 8550)
#	other-ca.pem other-ca.key  an unrelated root CA
#	vfy-stranger.pem .key	signing profile, by other-ca
#
#	The gateway certificates carry keyUsage digitalSignature and
#	keyEncipherment (they sign as domain signers too), extendedKeyUsage emailProtection and a subjectKeyIdentifier (except
#	nokeyid).  INTEROP_DIR defaults to the corpus next to the source tree
#	(../../../shared/interop/thunderbird-smime from this script).
#
#	Idempotent: a stamp file records a hash of this script and of Bob.p12;
#	when it matches and every file is present nothing is regenerated.
# DIAGNOSTICS
#	Exit 0 on success, 1 with a message on stderr otherwise.
# SECURITY
#	Everything written here is TEST-ONLY material with private keys in the
#	clear.  Never install it on a real gateway.

set -euo pipefail

die() {
	echo "gen-test-pki: $*" >&2
	exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: gen-test-pki.sh OUTDIR [INTEROP_DIR]"
OUTDIR=$1
script_dir=$(cd "$(dirname "$0")" && pwd)
INTEROP_DIR=${2:-$script_dir/../../../shared/interop/thunderbird-smime}
BOB_P12=$INTEROP_DIR/Bob.p12
NSS_CA=$INTEROP_DIR/TestCA.pem
DAYS=3650

command -v openssl >/dev/null || die "openssl not found in PATH"
[ -r "$BOB_P12" ] || die "cannot read $BOB_P12 (NSS interop corpus)"
[ -r "$NSS_CA" ] || die "cannot read $NSS_CA (NSS interop corpus)"

FILES="ca.pem ca.key gw-a.pem gw-a.key gw-b.pem gw-b.key gw-b-next.pem
gw-b-next.key gw-c.pem gw-c.key nokeyid.pem nokeyid.key carol.pem carol.key
bob.pem bob.key nss-ca.pem README.TEST-ONLY"
# --- begin: signing certificates (issue 8, sg_sign) ---
FILES="$FILES sign-a-rsa.pem sign-a-rsa.key sign-a-ec256.pem sign-a-ec256.key
sign-a-ec384.pem sign-a-ec384.key sub-ca.pem sub-ca.key sign-a-sub.pem
sign-a-sub.key sign-a-sub-chain.pem sign-a-enc.pem sign-a-pair.pem"
# --- end: signing certificates ---
# --- begin: verification certificates (issue 8, sg_verify) ---
FILES="$FILES vfy-expired.pem vfy-expired.key vfy-revoked.pem vfy-revoked.key
ca.crl.pem ca.crl.der vfy-serverauth.pem vfy-serverauth.key vfy-nodigsig.pem
vfy-nodigsig.key vfy-nonrep.pem vfy-nonrep.key other-ca.pem other-ca.key
vfy-stranger.pem vfy-stranger.key"
# --- end: verification certificates ---

umask 077
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

stamp=$(cat "$0" "$BOB_P12" | openssl dgst -sha256 -r | cut -d' ' -f1)
if [ -f "$OUTDIR/.stamp" ] && [ "$(cat "$OUTDIR/.stamp")" = "$stamp" ]; then
	complete=yes
	for f in $FILES; do
		[ -s "$OUTDIR/$f" ] || complete=no
	done
	[ $complete = yes ] && exit 0
fi
rm -f "$OUTDIR/.stamp"

work=$(mktemp -d "$OUTDIR/.gen.XXXXXX")
trap 'rm -rf "$work"' EXIT

DN_BASE="/C=XX/O=smimegw test suite - TEST ONLY - NOT FOR PRODUCTION"

cat >"$work/ext.cnf" <<'EOF'
# smimegw TEST-ONLY certificate profiles

[req]
distinguished_name = req_dn
[req_dn]

[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[gateway]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = email:${ENV::SG_MAIL}

[gateway_nokeyid]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = none
authorityKeyIdentifier = keyid
subjectAltName = email:${ENV::SG_MAIL}

[user]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = email:${ENV::SG_MAIL}
EOF

# newkey FILE - fresh unencrypted RSA-2048 key, mode 0600
newkey() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-out "$1" 2>/dev/null || die "key generation failed for $1"
	chmod 600 "$1"
}

# issue NAME SERIAL PROFILE MAIL CN - key and certificate signed by the CA
issue() {
	local name=$1 serial=$2 profile=$3 mail=$4 cn=$5
	newkey "$work/$name.key"
	openssl req -new -key "$work/$name.key" -subj "$DN_BASE/CN=$cn" \
		-out "$work/$name.csr" 2>/dev/null || die "req failed for $name"
	SG_MAIL=$mail openssl x509 -req -in "$work/$name.csr" \
		-CA "$work/ca.pem" -CAkey "$work/ca.key" -set_serial "$serial" \
		-days $DAYS -sha256 -extfile "$work/ext.cnf" -extensions "$profile" \
		-out "$work/$name.pem" 2>/dev/null || die "signing failed for $name"
	rm -f "$work/$name.csr"
}

newkey "$work/ca.key"
SG_MAIL=unused openssl req -x509 -new -key "$work/ca.key" -sha256 -days $DAYS \
	-subj "$DN_BASE/CN=smimegw TEST ONLY root CA" -set_serial 1 \
	-config "$work/ext.cnf" -extensions ca -out "$work/ca.pem" 2>/dev/null ||
	die "CA generation failed"

issue gw-a 0x0a01 gateway smg_encryptor@a.example "smimegw test gateway a.example"
issue gw-b 0x0b01 gateway smg_encryptor@b.example "smimegw test gateway b.example"
# Rollover cert: same domain, long (20-byte) serial.
issue gw-b-next 0x7b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b02 gateway \
	smg_encryptor@b.example "smimegw test gateway b.example (rollover)"
# Serial with the top bit set: its DER INTEGER needs a leading zero byte.
issue gw-c 0xc0ffee01 gateway smg_encryptor@c.example "smimegw test gateway c.example"
issue nokeyid 0x0d01 gateway_nokeyid smg_encryptor@nokeyid.example \
	"smimegw test gateway nokeyid.example (no SKI)"
issue carol 0x0c11 user carol@c.example "Carol (smimegw test user)"

# --- begin: signing certificates (issue 8, sg_sign) ---
cat >>"$work/ext.cnf" <<'EXT'

[signing]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = email:${ENV::SG_MAIL}

[encryption_only]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = email:${ENV::SG_MAIL}

[subca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EXT

# signkey FILE ALG - fresh unencrypted key (rsa, p256, p384), mode 0600
signkey() {
	case $2 in
	rsa) newkey "$1" ;;
	p256 | p384)
		openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:P-${2#p}" \
			-pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null ||
			die "key generation failed for $1"
		chmod 600 "$1"
		;;
	esac
}

# sign_issue NAME SERIAL PROFILE ISSUER KEYFILE CN - certificate for an
# existing key, signed by ISSUER (ca or sub-ca), for
# domain-signing-authority@a.example
sign_issue() {
	local name=$1 serial=$2 profile=$3 issuer=$4 key=$5 cn=$6
	openssl req -new -key "$key" -subj "$DN_BASE/CN=$cn" \
		-out "$work/$name.csr" 2>/dev/null || die "req failed for $name"
	SG_MAIL=domain-signing-authority@a.example openssl x509 -req \
		-in "$work/$name.csr" -CA "$work/$issuer.pem" \
		-CAkey "$work/$issuer.key" -set_serial "$serial" -days $DAYS \
		-sha256 -extfile "$work/ext.cnf" -extensions "$profile" \
		-out "$work/$name.pem" 2>/dev/null || die "signing failed for $name"
	rm -f "$work/$name.csr"
}

signkey "$work/sign-a-rsa.key" rsa
sign_issue sign-a-rsa 0x5a01 signing ca "$work/sign-a-rsa.key" \
	"smimegw test domain signer a.example (RSA)"
signkey "$work/sign-a-ec256.key" p256
sign_issue sign-a-ec256 0x5a02 signing ca "$work/sign-a-ec256.key" \
	"smimegw test domain signer a.example (P-256)"
signkey "$work/sign-a-ec384.key" p384
sign_issue sign-a-ec384 0x5a03 signing ca "$work/sign-a-ec384.key" \
	"smimegw test domain signer a.example (P-384)"
signkey "$work/sub-ca.key" rsa
sign_issue sub-ca 0x5c01 subca ca "$work/sub-ca.key" \
	"smimegw TEST ONLY intermediate CA"
signkey "$work/sign-a-sub.key" rsa
sign_issue sign-a-sub 0x5a04 signing sub-ca "$work/sign-a-sub.key" \
	"smimegw test domain signer a.example (under sub-ca)"
cat "$work/sign-a-sub.pem" "$work/sub-ca.pem" >"$work/sign-a-sub-chain.pem"
sign_issue sign-a-enc 0x5a05 encryption_only ca "$work/sign-a-rsa.key" \
	"smimegw test a.example (encryption only, signer key)"
cat "$work/sign-a-enc.pem" "$work/sign-a-rsa.pem" >"$work/sign-a-pair.pem"

for n in sign-a-rsa sign-a-ec256 sign-a-ec384 sign-a-sub; do
	c=$(openssl x509 -in "$work/$n.pem" -noout -pubkey)
	k=$(openssl pkey -in "$work/$n.key" -pubout)
	[ "$c" = "$k" ] || die "$n.key does not match $n.pem"
	openssl verify -CAfile "$work/ca.pem" -untrusted "$work/sub-ca.pem" \
		-purpose smimesign "$work/$n.pem" >/dev/null 2>&1 ||
		die "$n.pem does not verify for smimesign"
done
# --- end: signing certificates ---

# --- begin: verification certificates (issue 8, sg_verify) ---
# openssl ca keeps a database, which the CRL needs and which lets us set
# validity dates in the past (the expired signer).
cat >>"$work/ext.cnf" <<'EXT'

[vfy_ca]
dir = ${ENV::SG_CADIR}
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
certificate = ${ENV::SG_CACERT}
private_key = ${ENV::SG_CAKEY}
default_md = sha256
default_crl_days = 3650
policy = vfy_policy
unique_subject = no
copy_extensions = none
[vfy_policy]
countryName = optional
organizationName = optional
commonName = supplied

[vfy_serverauth]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = email:${ENV::SG_MAIL}

[vfy_nodigsig]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = email:${ENV::SG_MAIL}

[vfy_nonrep]
basicConstraints = critical, CA:FALSE
keyUsage = critical, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = email:${ENV::SG_MAIL}
EXT

mkdir -p "$work/vca"
: >"$work/vca/index.txt"
echo 7a01 >"$work/vca/serial"

# vfy_issue NAME PROFILE CA START END - key and certificate by CA (ca or
# other-ca) through openssl ca; START/END empty for now .. now+DAYS
vfy_issue() {
	local name=$1 profile=$2 ca=$3 start=$4 end=$5 dates=()
	newkey "$work/$name.key"
	openssl req -new -key "$work/$name.key" -subj "$DN_BASE/CN=$name" \
		-out "$work/$name.csr" 2>/dev/null || die "req failed for $name"
	if [ -n "$start" ]; then
		dates=(-startdate "$start" -enddate "$end")
	else
		dates=(-days $DAYS)
	fi
	SG_CADIR=$work/vca SG_CACERT=$work/$ca.pem SG_CAKEY=$work/$ca.key \
		SG_MAIL=$name@a.example openssl ca -batch -notext \
		-config "$work/ext.cnf" -name vfy_ca -extfile "$work/ext.cnf" \
		-extensions "$profile" "${dates[@]}" -in "$work/$name.csr" \
		-out "$work/$name.pem" 2>/dev/null || die "openssl ca failed for $name"
	rm -f "$work/$name.csr"
}

vfy_issue vfy-expired signing ca 20200101000000Z 20210101000000Z
vfy_issue vfy-revoked signing ca "" ""
vfy_issue vfy-serverauth vfy_serverauth ca "" ""
vfy_issue vfy-nodigsig vfy_nodigsig ca "" ""
vfy_issue vfy-nonrep vfy_nonrep ca "" ""
newkey "$work/other-ca.key"
SG_MAIL=unused SG_CADIR=x SG_CACERT=x SG_CAKEY=x \
	openssl req -x509 -new -key "$work/other-ca.key" -sha256 \
	-days $DAYS -subj "$DN_BASE/CN=smimegw TEST ONLY unrelated CA" \
	-config "$work/ext.cnf" -extensions ca -out "$work/other-ca.pem" ||
	die "other-ca failed"
vfy_issue vfy-stranger signing other-ca "" ""
SG_CADIR=$work/vca SG_CACERT=$work/ca.pem SG_CAKEY=$work/ca.key SG_MAIL=x \
	openssl ca -config "$work/ext.cnf" -name vfy_ca \
	-revoke "$work/vfy-revoked.pem" 2>/dev/null || die "revoke failed"
SG_CADIR=$work/vca SG_CACERT=$work/ca.pem SG_CAKEY=$work/ca.key SG_MAIL=x \
	openssl ca -config "$work/ext.cnf" -name vfy_ca -gencrl \
	-out "$work/ca.crl.pem" 2>/dev/null || die "gencrl failed"
openssl crl -in "$work/ca.crl.pem" -outform DER -out "$work/ca.crl.der" ||
	die "CRL to DER failed"
rm -rf "$work/vca"
# --- end: verification certificates ---

# Bob of the NSS corpus.  Newer NSS writes PBES2/AES p12 files that
# openssl 3 reads directly; older ones need the legacy provider.
p12() {
	openssl pkcs12 -in "$BOB_P12" -passin pass:nss "$@" 2>/dev/null ||
		openssl pkcs12 -legacy -in "$BOB_P12" -passin pass:nss "$@" 2>/dev/null
}
p12 -nocerts -nodes | openssl pkey -out "$work/bob.key" 2>/dev/null ||
	die "cannot extract the key from $BOB_P12"
chmod 600 "$work/bob.key"
p12 -clcerts -nokeys | openssl x509 -out "$work/bob.pem" 2>/dev/null ||
	die "cannot extract the certificate from $BOB_P12"
cat "$NSS_CA" >"$work/nss-ca.pem"

# Sanity: every key matches its certificate, every cert chains to its CA.
for n in gw-a gw-b gw-b-next gw-c nokeyid carol bob; do
	c=$(openssl x509 -in "$work/$n.pem" -noout -pubkey)
	k=$(openssl pkey -in "$work/$n.key" -pubout)
	[ "$c" = "$k" ] || die "$n.key does not match $n.pem"
done
for n in gw-a gw-b gw-b-next gw-c nokeyid carol; do
	openssl verify -CAfile "$work/ca.pem" -purpose smimeencrypt \
		"$work/$n.pem" >/dev/null 2>&1 || die "$n.pem does not verify"
done
if openssl x509 -in "$work/nokeyid.pem" -noout -ext subjectKeyIdentifier 2>/dev/null |
	grep -q .; then
	die "nokeyid.pem unexpectedly has a subjectKeyIdentifier"
fi

cat >"$work/README.TEST-ONLY" <<'EOF'
TEST-ONLY KEY MATERIAL - NOT FOR PRODUCTION

Generated by smimegw tests/pki/gen-test-pki.sh for the test suite.  The private
keys in this directory are unencrypted and may be regenerated at any time.
bob.* is the "Bob" identity of the public NSS/Thunderbird test corpus.
Never configure a real gateway with any of these files.
EOF

for f in $FILES; do
	mv -f "$work/$f" "$OUTDIR/$f"
done
chmod 600 "$OUTDIR"/*.key
echo "$stamp" >"$OUTDIR/.stamp"
