#!/bin/bash
# NAME
#	t-inbound-interop - gateway B decrypts what OpenSSL, gpgsm and NSS
#	(Thunderbird) send
# SYNOPSIS
#	t-inbound-interop.sh SMIMEGW PKI_DIR [NSS_CORPUS_DIR]
# DESCRIPTION
#	Every decrypted delivery must be exactly: the arriving message's
#	header fields except Content-* and MIME-Version, one trace field
#	"X-SMIME-Gateway: decrypted; cipher=LABEL...", "MIME-Version: 1.0",
#	then the plaintext entity with LF line ends.  Exit 0, silent, one
#	call "-G -i -f SENDER -- RCPT".
#	- OpenSSL: `openssl cms -encrypt -stream -outform SMIME` (BER with
#	  indefinite lengths) of each outbound/NAME.entity for b.example's
#	  certificate, with AES-128/256-CBC, AES-128/256-GCM, 3DES (legacy
#	  peers) and RSA-OAEP (SHA-256); the plaintext is NAME.entity.
#	- gpgsm 2.2: `gpgsm --encrypt` for b.example (its default cipher and
#	  AES-256), wrapped into an S/MIME message.
#	- NSS: every *.env.eml of the corpus (Alice to Bob), through a gateway
#	  holding Bob's key for domains = example.net (so Alice@example.com is
#	  inbound; decryption is keyed by our certificate, not by domain).
#	  The plaintext must be what `openssl cms -decrypt` gets from the same
#	  p7m, and for alice.env.eml the corpus' own alice.mime.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-inbound-interop
. "$(dirname "$0")/lib.sh"
setup "$@"
CORPUS=${3:-$BEH_DIR/../data/nss}
need_cmd gpgsm gpgconf gpg-agent

make_gateway b b.example gw-b
make_gateway bobgw example.net bob

# delivered GW IN PLAIN LABEL SENDER RCPT WHAT - IN through GW must give
#	IN's outer fields + trace + MIME-Version + PLAIN (CRLF -> LF)
delivered() {
	local gw=$1 in=$2 plain=$3 label=$4 sender=$5 rcpt=$6 what=$7 trace
	reset "$gw"
	run_filter "$gw" -q BEHI0001 -f "$sender" -- "$rcpt" <"$in"
	expect "$gw" 0 - 1 "$what"
	argv_is "$gw" 1 "$what" -G -i -f "$sender" -- "$rcpt"
	# our Authentication-Results (issue 8) are checked by the signature tests
	mailtool results "$(cap "$gw" 1)/msg" "$S/unar.eml" >/dev/null
	trace=$(mailtool trace "$S/unar.eml" "$S/untraced.eml")
	case "$trace;" in
	"decrypted; cipher=$label;"*) ;;
	*) fail "$what: trace '$trace', expected 'decrypted; cipher=$label...'" ;;
	esac
	{
		mailtool outer "$in" | sed 's/\r$//'
		echo "MIME-Version: 1.0"
		sed 's/\r$//' "$plain"
	} >"$S/want.eml"
	same "$S/want.eml" "$S/untraced.eml" "$what: delivered message"
	ok "$what: decrypted"
}

# 1. OpenSSL
n=0
for ent in "$DATA"/outbound/*.entity; do
	name=$(basename "$ent" .entity)
	for alg in aes-128-cbc aes-256-cbc aes-128-gcm aes-256-gcm des-ede3-cbc oaep; do
		opts=(-"$alg" "$PKI/gw-b.pem")
		label=$alg
		if [ $alg = oaep ]; then
			opts=(-aes-256-cbc -recip "$PKI/gw-b.pem" -keyopt rsa_padding_mode:oaep
				-keyopt rsa_oaep_md:sha256)
			label=aes-256-cbc
		fi
		[ $alg = des-ede3-cbc ] && opts=(-des3 "$PKI/gw-b.pem")
		openssl cms -encrypt -stream -binary -in "$ent" -outform SMIME \
			-from alice@partner.example -to bob@b.example -subject "openssl $alg" \
			-out "$S/o.eml" "${opts[@]}" 2>"$S/openssl.err" ||
			fail "openssl cms -encrypt $alg fails: $(head -1 "$S/openssl.err")"
		delivered b "$S/o.eml" "$ent" "$label" alice@partner.example bob@b.example \
			"openssl $alg, $name"
		n=$((n + 1))
	done
done
[ $n -ge 18 ] || fail "only $n OpenSSL messages"

# 2. gpgsm
gnupg_home "$PKI"
fpr() { openssl x509 -in "$PKI/$1.pem" -noout -fingerprint -sha1 | sed -e 's/.*=//' -e 's/://g'; }
for c in ca gw-b; do
	gpgsm --import "$PKI/$c.pem" 2>>"$S/gpgsm.log" ||
		fail "gpgsm --import $c.pem: $(tail -2 "$S/gpgsm.log" | tr '\n' ' ')"
done
printf 'From: alice@partner.example\nTo: bob@b.example\nSubject: from gpgsm\n' >"$S/gpgsm.hdr"
for algo in default AES256; do
	opts=()
	[ $algo = default ] || opts=(--cipher-algo "$algo")
	for ent in "$DATA"/outbound/*.entity; do
		name=$(basename "$ent" .entity)
		rm -f "$S/g.der"
		gpgsm --encrypt "${opts[@]}" -r "0x$(fpr gw-b)" --output "$S/g.der" "$ent" \
			2>>"$S/gpgsm.log" ||
			fail "gpgsm --encrypt ($algo): $(tail -2 "$S/gpgsm.log" | tr '\n' ' ')"
		head -c 2 "$S/g.der" | od -An -tx1 | grep '30 80' >/dev/null ||
			fail "gpgsm did not write BER with indefinite lengths"
		mailtool make-smime "$S/gpgsm.hdr" "$S/g.der" "$S/g.eml"
		label=aes-128-cbc
		[ $algo = AES256 ] && label=aes-256-cbc
		delivered b "$S/g.eml" "$ent" "$label" alice@partner.example bob@b.example \
			"gpgsm $algo, $name"
	done
done

# 3. NSS
n=0
for in in "$CORPUS"/*.env.eml; do
	name=$(basename "$in")
	mailtool smime "$in" "$S/n.p7m" >/dev/null 2>"$S/mailtool.err" ||
		fail "NSS $name: $(cat "$S/mailtool.err")"
	ossl_decrypt "$S/n.p7m" bob "$S/n.plain" ||
		fail "NSS $name: openssl cannot decrypt it: $(head -1 "$S/openssl.err")"
	if [ "$name" = alice.env.eml ]; then
		same "$CORPUS/alice.mime" "$S/n.plain" "NSS $name: openssl's plaintext is alice.mime"
	fi
	label=$(openssl cms -cmsout -print -inform DER -in "$S/n.p7m" |
		sed -n '/contentEncryptionAlgorithm/{n;s/^ *algorithm: \([^ ]*\) .*/\1/p}')
	[ -n "$label" ] || fail "NSS $name: cannot tell its cipher"
	delivered bobgw "$in" "$S/n.plain" "$label" Alice@example.com Bob@example.com "NSS $name"
	n=$((n + 1))
done
[ $n = 13 ] || fail "expected 13 *.env.eml in $CORPUS, found $n"
finish
