#!/bin/bash
# NAME
#	t-outbound-encrypt - mail from a.example to b.example leaves encrypted
#	for b.example's gateway certificate, and only that way
# SYNOPSIS
#	t-outbound-encrypt.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	For every tests/data/behaviour/outbound/NAME.eml, every cipher
#	(aes128-cbc, aes256-cbc, aes128-gcm, aes256-gcm) and both key
#	transports (rsa-pkcs1, rsa-oaep), gateway A (a.example, with
#	certs/b.example.pem) gets the message from alice@a.example for
#	bob@b.example and must:
#	- exit 0, silent, one sendmail call "-G -i -f alice@a.example --
#	  bob@b.example", with no inherited descriptors but the pipe;
#	- keep the outer header fields byte for byte and in order
#	  (NAME.outer: all but Content-*, MIME-Version and Bcc);
#	- send S/MIME (smime-type enveloped-data, authEnveloped-data for GCM)
#	  in clean base64, with the configured cipher and key transport as
#	  openssl cms -print reads them;
#	- have `openssl cms -decrypt` with b.example's key recover exactly
#	  NAME.entity (the original Content-* fields and body, CRLF);
#	- leave no plaintext canary and no Bcc address in the output.
#	The null sender is outbound too, passed on as -f "".
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-outbound-encrypt
. "$(dirname "$0")/lib.sh"
setup "$@"

declare -A OID=(
	[aes128-cbc]="aes-128-cbc (2.16.840.1.101.3.4.1.2)"
	[aes256-cbc]="aes-256-cbc (2.16.840.1.101.3.4.1.42)"
	[aes128-gcm]="aes-128-gcm (2.16.840.1.101.3.4.1.6)"
	[aes256-gcm]="aes-256-gcm (2.16.840.1.101.3.4.1.46)"
)
declare -A KT=(
	[rsa-pkcs1]="rsaEncryption (1.2.840.113549.1.1.1)"
	[rsa-oaep]="rsaesOaep (1.2.840.113549.1.1.7)"
)

n_inputs=0
for kt in rsa-pkcs1 rsa-oaep; do
	for cipher in aes128-cbc aes256-cbc aes128-gcm aes256-gcm; do
		gw=a-$cipher-$kt
		make_gateway "$gw" a.example gw-a outbound.cipher=$cipher \
			outbound.key_transport=$kt
		peer "$gw" b.example.pem gw-b
		case $cipher in
		*-gcm) want_type=authEnveloped-data ;;
		*) want_type=enveloped-data ;;
		esac
		for in in "$DATA"/outbound/*.eml; do
			name=$(basename "$in" .eml)
			what="$name, cipher=$cipher, key_transport=$kt"
			reset "$gw"
			run_filter "$gw" -q BEH0001 -f alice@a.example -- bob@b.example <"$in"
			expect "$gw" 0 - 1 "$what"
			argv_is "$gw" 1 "$what" -G -i -f alice@a.example -- bob@b.example
			no_leaked_fds "$gw" 1 "$what"
			m=$(cap "$gw" 1)/msg

			mailtool outer "$m" >"$S/outer"
			same "$DATA/outbound/$name.outer" "$S/outer" "$what: outer header fields"
			if grep -qiE '^(resent-)?bcc:' "$m" || grep -q 'hidden-bcc-recipient' "$m"; then
				fail "$what: a Bcc header or address is in the output"
			fi
			grep -qE 'CANARY-[A-Z]+-' "$m" && fail "$what: plaintext canary in the output"
			if [ "$name" = text-8bit ]; then
				grep -q 'gr..er als erwartet' "$m" && fail "$what: 8-bit body text in the output"
			fi
			ok "$what: no plaintext, no Bcc"

			smime_of "$gw" 1 "$S/m.der" "$what"
			[ "$SMIME_INFO" = "smime-type=$want_type name=smime.p7m" ] ||
				fail "$what: S/MIME parameters '$SMIME_INFO', expected smime-type=$want_type name=smime.p7m"
			openssl cms -cmsout -print -inform DER -in "$S/m.der" >"$S/print" 2>"$S/openssl.err" ||
				fail "$what: openssl cannot parse the CMS: $(head -1 "$S/openssl.err")"
			grep -qF "algorithm: ${OID[$cipher]}" "$S/print" ||
				fail "$what: content encryption is not ${OID[$cipher]}"
			grep -qF "algorithm: ${KT[$kt]}" "$S/print" ||
				fail "$what: key transport is not ${KT[$kt]}"
			[ "$(grep -c 'keyEncryptionAlgorithm' "$S/print")" = 1 ] ||
				fail "$what: expected exactly one RecipientInfo"
			ok "$what: S/MIME, $cipher, $kt"

			ossl_decrypt "$S/m.der" gw-b "$S/m.plain" ||
				fail "$what: openssl cms -decrypt with b.example's key fails: $(head -2 "$S/openssl.err" | tr '\n' ' ')"
			same "$DATA/outbound/$name.entity" "$S/m.plain" "$what: decrypted entity"
			ok "$what: openssl recovers the entity"
			n_inputs=$((n_inputs + 1))
		done
	done
done
[ $n_inputs -ge 24 ] || fail "only $n_inputs runs; expected 3+ inputs x 8 configurations"

# The null sender (our MTA's bounces) is outbound by default: encrypted,
# and passed to sendmail as -f "" (an empty argument).
gw="a-aes256-cbc-rsa-pkcs1"
in=$DATA/outbound/text-8bit.eml
reset "$gw"
run_filter "$gw" -q BEH0002 -f "" -- bob@b.example <"$in"
expect "$gw" 0 - 1 "null sender"
argv_is "$gw" 1 "null sender" -G -i -f "" -- bob@b.example
smime_of "$gw" 1 "$S/m.der" "null sender"
ossl_decrypt "$S/m.der" gw-b "$S/m.plain" || fail "null sender: openssl cannot decrypt"
same "$DATA/outbound/text-8bit.entity" "$S/m.plain" "null sender: decrypted entity"
finish
