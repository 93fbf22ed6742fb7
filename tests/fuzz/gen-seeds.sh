#!/usr/bin/env bash
# gen-seeds.sh - (re)make the fuzz identity and the CMS seed corpus.
#
# SYNOPSIS
#	bash tests/fuzz/gen-seeds.sh [-k]
#	bash tests/fuzz/gen-seeds.sh -s SMIMEGW_CMS
#	bash tests/fuzz/gen-seeds.sh -i
#
# DESCRIPTION
#	The CMS target decrypts with a fixed keyring: keys/fuzz.pem and
#	keys/fuzz.key, an RSA-1024 end-entity certificate (small, so that
#	the RSA step does not dominate a fuzz run) issued by a throw-away
#	CA. TEST MATERIAL ONLY: the private key is public.
#
#	This script writes, with openssl cms, one seed per cipher, key
#	transport and recipient identifier smimegw reads into corpus/cms/,
#	BER (-stream) as well as DER, and copies the BER ones into
#	corpus/ber/. -k makes a new identity first (then every CMS seed
#	changes); without it the committed identity is reused. Seeds are
#	committed: running this is only needed to refresh them.
#
#	-s makes the signature material instead (gen_sig below): a fresh
#	test PKI (tests/pki/gen-test-pki.sh), the verify target's trust
#	store in keys/verify-* (certificates and a CRL only, no key), and
#	the seeds of corpus/verify (openssl cms -sign, the project's own
#	signer SMIMEGW_CMS, i.e. BUILD/filter/smimegw-cms, and the NSS
#	messages of tests/data/nss), corpus/smimeattr (attribute values cut
#	out of those signatures) and corpus/mimesig (multipart/signed and
#	opaque messages). Every verify seed is checked with openssl first.
#
#	-i makes the seeds of corpus/inread: inbound messages whose
#	envelope, over 64 KB, is for the fuzz identity (DER; BER with GCM;
#	two recipients by subjectKeyIdentifier), one for someone else, and
#	a small plain message.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
keys=$here/keys
cms=$here/corpus/cms
ber=$here/corpus/ber
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$keys" "$cms" "$ber"

# attr_value DER NAME OUT - the DER of the first value of the signed
# attribute whose asn1parse name is NAME (the element inside its SET)
attr_value() {
	local spec
	spec=$(openssl asn1parse -inform DER -in "$1" |
		awk -v name="$2" '
		found == 2 { found = 3; line = $0; sub(/:.*/, ""); off = $0
			     match(line, /hl= *[0-9]+/); hl = substr(line, RSTART + 3, RLENGTH - 3)
			     match(line, / l= *[0-9]+/); l = substr(line, RSTART + 3, RLENGTH - 3)
			     print off + 0, hl + l }
		found == 3 { next }	# read on: openssl must not die of SIGPIPE
		{ line = $0 }
		found == 1 { found = 2; next }
		$0 ~ ("OBJECT +:" name "$") { found = 1 }')
	[ -n "$spec" ] || { echo "gen-seeds: no $2 in $1" >&2; exit 1; }
	set -- "$1" "$2" "$3" $spec
	head -c $(($4 + $5)) "$1" | tail -c "$5" >"$3"
}

# gen_sig SMIMEGW_CMS - the signature material (see -s above)
gen_sig() {
	local tool=$1 pki=$tmp/pki vfy=$here/corpus/verify
	local attr=$here/corpus/smimeattr mimesig=$here/corpus/mimesig
	local nss=$here/../data/nss f n content now
	[ -x "$tool" ] || { echo "gen-seeds: $tool is not executable" >&2; exit 2; }
	bash "$here/../pki/gen-test-pki.sh" "$pki" "$nss" >/dev/null
	mkdir -p "$vfy" "$attr" "$mimesig" "$keys/verify-crl"
	cat "$pki/ca.pem" "$nss/TestCA.pem" >"$keys/verify-anchors.pem"
	cp "$pki/ca.crl.pem" "$keys/verify-crl/ca.crl.pem"
	cp "$pki/sign-a-rsa.pem" "$keys/verify-pinned.pem"
	# The fixed time of the verify target: an hour after the seeds.
	now=$(($(date +%s) + 3600))
	echo "$now" >"$keys/verify-now"
	content=$keys/verify-content.txt
	printf 'Content-Type: text/plain\r\n\r\nsigned fuzz seed\r\n' >"$content"

	osign() {	# osign NAME SIGNER [openssl cms options...]
		local name=$1 who=$2
		shift 2
		openssl cms -sign -binary -in "$content" -signer "$pki/$who.pem" \
			-inkey "$pki/$who.key" -outform DER -out "$vfy/$name.der" "$@"
	}
	osign rsa sign-a-rsa
	osign rsa-sha512 sign-a-rsa -md sha512
	osign rsa-sha1 sign-a-rsa -md sha1
	osign rsa-noattr sign-a-rsa -noattr
	osign rsa-nocerts sign-a-rsa -nocerts
	osign rsa-pss sign-a-rsa -keyopt rsa_padding_mode:pss
	osign ec256 sign-a-ec256
	osign ec384 sign-a-ec384 -md sha384
	osign sub sign-a-sub -certfile "$pki/sub-ca.pem"
	osign opaque sign-a-rsa -nodetach
	osign opaque-stream sign-a-rsa -nodetach -stream
	osign two-signers sign-a-rsa -signer "$pki/sign-a-ec256.pem" \
		-inkey "$pki/sign-a-ec256.key"
	osign expired vfy-expired
	osign revoked vfy-revoked
	osign serverauth vfy-serverauth
	osign nodigsig vfy-nodigsig
	osign stranger vfy-stranger -certfile "$pki/other-ca.pem"
	osign stranger-nocerts vfy-stranger -nocerts
	"$tool" sign -k "$pki/sign-a-rsa.key" -c "$pki/sign-a-rsa.pem" \
		--domain --enc-cert "$pki/sign-a-rsa.pem" --time $((now - 7200)) \
		-i "$content" -o "$vfy/smimegw-domain.der"
	"$tool" sign -k "$pki/sign-a-rsa.key" -c "$pki/sign-a-rsa.pem" --pss \
		-d sha384 -i "$content" -o "$vfy/smimegw-pss.der"
	"$tool" sign -k "$pki/sign-a-ec256.key" -c "$pki/sign-a-ec256.pem" \
		--opaque --time 2524608000 -i "$content" \
		-o "$vfy/smimegw-opaque-2050.der"
	"$tool" sign -k "$pki/sign-a-sub.key" -c "$pki/sign-a-sub-chain.pem" \
		--domain -i "$content" -o "$vfy/smimegw-sub.der"
	# NSS (alice, under TestCA): the signatures of detached and opaque mail
	for f in alice.dsig.SHA256.multipart alice.sig.SHA256.opaque \
		 alice.dsig.SHA1.multipart alice.sig.SHA512.opaque; do
		openssl smime -pk7out -in "$nss/$f.eml" |
			openssl pkcs7 -outform DER -out "$vfy/nss-$f.der"
	done
	# Every seed is what it claims: openssl verifies the good ones.
	for n in rsa rsa-sha512 rsa-noattr rsa-pss ec256 ec384 sub \
		 smimegw-domain smimegw-pss smimegw-sub; do
		openssl cms -verify -binary -inform DER -in "$vfy/$n.der" \
			-content "$content" -CAfile "$pki/ca.pem" \
			-purpose any >/dev/null 2>&1 ||
			{ echo "gen-seeds: $n.der does not verify" >&2; exit 1; }
	done

	# S/MIME attribute values, as the signers wrote them
	attr_value "$vfy/rsa.der" "S/MIME Capabilities" "$attr/caps-openssl.der"
	attr_value "$vfy/smimegw-domain.der" "S/MIME Capabilities" \
		"$attr/caps-smimegw.der"
	attr_value "$vfy/rsa.der" signingTime "$attr/time-utc.der"
	attr_value "$vfy/smimegw-opaque-2050.der" signingTime \
		"$attr/time-generalized.der"
	attr_value "$vfy/smimegw-domain.der" id-smime-aa-signatureType \
		"$attr/sigtype-domain.der"
	attr_value "$vfy/smimegw-domain.der" id-smime-aa-encrypKeyPref \
		"$attr/ekp-issuer-serial.der"
	attr_value "$vfy/nss-alice.dsig.SHA256.multipart.der" signingTime \
		"$attr/time-nss.der"
	attr_value "$vfy/nss-alice.dsig.SHA256.multipart.der" \
		id-smime-aa-encrypKeyPref "$attr/ekp-nss.der"
	# The other choices of SMIMEEncryptionKeyPreference and SignatureType
	printf '\xa2\x04\x04\x02\x5e\xed' >"$attr/ekp-ski.der"
	printf '\xa1\x06\x04\x04\x01\x02\x03\x04' >"$attr/ekp-rkeyid.der"
	printf '\x30\x1a\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x09\x01' >"$attr/sigtype-two.der"
	printf '\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x09\x03' >>"$attr/sigtype-two.der"
	# Edges: a capability twice, the last and first UTCTime years
	printf '\x30\x1a\x30\x0b\x06\x09\x60\x86\x48\x01\x65\x03\x04\x01\x2a' >"$attr/caps-twice.der"
	printf '\x30\x0b\x06\x09\x60\x86\x48\x01\x65\x03\x04\x01\x2a' >>"$attr/caps-twice.der"
	printf '\x17\x0d491231235959Z' >"$attr/time-utc-2049.der"
	printf '\x17\x0d500101000000Z' >"$attr/time-utc-1950.der"

	# Messages: multipart/signed and opaque, ours, openssl's and NSS's
	{ printf 'From: a@a.example\r\nTo: b@b.example\r\nSubject: s\r\nMIME-Version: 1.0\r\n'
	  openssl smime -sign -in "$content" -signer "$pki/sign-a-rsa.pem" \
		-inkey "$pki/sign-a-rsa.key" -binary | sed 1d
	} >"$mimesig/openssl-detached.eml"
	{ printf 'From: a@a.example\r\nTo: b@b.example\r\nSubject: s\r\n'
	  openssl smime -sign -nodetach -in "$content" \
		-signer "$pki/sign-a-ec256.pem" -inkey "$pki/sign-a-ec256.key" \
		-binary
	} >"$mimesig/openssl-opaque.eml"
	# AUTHSERV-ID LF properties: the Authentication-Results part
	printf 'mx.a.example\nsmime comment\nsigner@a.example\n1\n5eed\nCN=x "y"\n' \
		>"$mimesig/ar-token-id.txt"
	for f in alice.dsig.SHA256.multipart alice.sig.SHA256.opaque \
		 alice.env.dsig.SHA256.multipart alice.dsig.SHA256.multipart.bad \
		 alice.plain.dsig.SHA256.multipart.dave.dsig.SHA256.multipart; do
		cp "$nss/$f.eml" "$mimesig/nss-$f.eml"
	done
	chmod 644 "$vfy"/* "$attr"/* "$mimesig"/* "$keys"/verify-*.pem \
		"$keys/verify-crl"/* "$keys/verify-now" "$content"
	echo "gen-seeds: $(ls "$vfy" | wc -l) verify seeds, $(ls "$attr" | wc -l) attribute seeds"
}
# gen_inread - the seeds of corpus/inread (see -i above)
gen_inread() {
	local in=$here/corpus/inread i
	mkdir -p "$in"
	openssl req -x509 -newkey rsa:1024 -nodes -days 36500 \
		-subj "/CN=other.example" -keyout "$tmp/other.key" \
		-out "$tmp/other.pem" 2>/dev/null
	{
		printf 'Content-Type: text/plain\r\n\r\n'
		for i in $(seq 1 1400); do
			printf 'line %d of a text over 64 KB, for the fuzz seeds\r\n' "$i"
		done
	} >"$tmp/text"
	# big NAME [openssl cms options...] - an inbound message, S/MIME
	big() {
		local name=$1
		shift
		{
			printf 'From: alice@a.example\nTo: bob@b.example\n'
			printf 'Subject: fuzz seed\n'
			openssl cms -encrypt -binary -in "$tmp/text" "$@"
		} >"$in/$name.eml"
	}
	big der-aes256 -aes256 "$keys/fuzz.pem"
	big ber-gcm -stream -aes-128-gcm "$keys/fuzz.pem"
	big ber-ski-two -stream -aes256 -keyid "$tmp/other.pem" "$keys/fuzz.pem"
	big not-for-us -aes256 "$tmp/other.pem"
	printf 'From: alice@a.example\nTo: bob@b.example\n\nplain\n' \
		>"$in/plain.eml"
	chmod 644 "$in"/*
	echo "gen-seeds: $(ls "$in" | wc -l) inread seeds in $in"
}

if [ "${1:-}" = -s ]; then
	[ $# -eq 2 ] || { echo "usage: $0 -s SMIMEGW_CMS" >&2; exit 2; }
	gen_sig "$2"
	exit 0
fi
if [ "${1:-}" = -i ]; then
	gen_inread
	exit 0
fi

if [ "${1:-}" = -k ] || [ ! -s "$keys/fuzz.key" ]; then
	openssl req -x509 -newkey rsa:1024 -nodes -days 36500 \
		-subj "/CN=smimegw fuzz CA" -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
		-addext basicConstraints=critical,CA:TRUE 2>/dev/null
	openssl req -newkey rsa:1024 -nodes -subj "/CN=fuzz.example" \
		-keyout "$keys/fuzz.key" -out "$tmp/fuzz.csr" 2>/dev/null
	printf '%s\n' "basicConstraints=critical,CA:FALSE" \
		"keyUsage=critical,keyEncipherment" \
		"subjectKeyIdentifier=hash" "subjectAltName=DNS:fuzz.example" \
		>"$tmp/ext"
	openssl x509 -req -in "$tmp/fuzz.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
		-set_serial 0x5eed -days 36500 -extfile "$tmp/ext" \
		-out "$keys/fuzz.pem" 2>/dev/null
	chmod 600 "$keys/fuzz.key"
fi
# A second recipient that is not in the keyring.
openssl req -x509 -newkey rsa:1024 -nodes -days 36500 -subj "/CN=other.example" \
	-keyout "$tmp/other.key" -out "$tmp/other.pem" 2>/dev/null

printf 'Content-Type: text/plain\r\n\r\nfuzz seed\r\n' >"$tmp/entity"
enc() {	# enc NAME [openssl cms options...]
	local name=$1
	shift
	openssl cms -encrypt -binary -in "$tmp/entity" -outform DER \
		-out "$cms/$name.der" "$@"
}
enc aes128-cbc -aes128 -recip "$keys/fuzz.pem"
enc aes256-cbc -aes256 -recip "$keys/fuzz.pem"
enc aes192-cbc -aes192 -recip "$keys/fuzz.pem"
enc des3 -des3 -recip "$keys/fuzz.pem"
enc aes128-gcm -aes-128-gcm -recip "$keys/fuzz.pem"
enc aes256-gcm -aes-256-gcm -recip "$keys/fuzz.pem"
enc oaep-sha1 -aes128 -recip "$keys/fuzz.pem" -keyopt rsa_padding_mode:oaep
enc oaep-sha256 -aes256 -recip "$keys/fuzz.pem" -keyopt rsa_padding_mode:oaep \
	-keyopt rsa_oaep_md:sha256
enc ski -aes256 -keyid -recip "$keys/fuzz.pem"
enc two-recipients -aes256 -recip "$tmp/other.pem" -recip "$keys/fuzz.pem"
enc not-for-us -aes256 -recip "$tmp/other.pem"
enc stream-aes256 -aes256 -stream -recip "$keys/fuzz.pem"
enc stream-gcm -aes-128-gcm -stream -recip "$keys/fuzz.pem"
cp "$cms/stream-aes256.der" "$cms/stream-gcm.der" "$ber/"
# Decrypt each with openssl: the seeds must be what they claim.
for f in "$cms"/*.der; do
	case $f in */not-for-us.der) continue ;; esac
	openssl cms -decrypt -binary -inform DER -in "$f" -recip "$keys/fuzz.pem" \
		-inkey "$keys/fuzz.key" | cmp -s - "$tmp/entity" ||
		{ echo "gen-seeds: $f does not decrypt" >&2; exit 1; }
done
echo "gen-seeds: $(ls "$cms" | wc -l) CMS seeds in $cms"
