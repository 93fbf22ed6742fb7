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
#	The gateway certificates carry keyUsage keyEncipherment,
#	extendedKeyUsage emailProtection and a subjectKeyIdentifier (except
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
keyUsage = critical, keyEncipherment
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
