#!/bin/bash
# NAME
#	t-gpgsm-verifies-ours - gpgsm --verify accepts smimegw-cms signatures
# SYNOPSIS
#	t-gpgsm-verifies-ours.sh SMIMEGW_CMS PKI_DIR
# DESCRIPTION
#	In a private, offline GNUPGHOME that trusts only the test CA (see
#	gnupg_home in tests/common.sh), gpgsm --verify SIG CONTENT must report
#	a good signature, with exit 0, for detached smimegw-cms signatures:
#	RSA PKCS#1 v1.5 (SHA-256, SHA-512), RSASSA-PSS, ECDSA P-256 and P-384,
#	and a signer under an intermediate CA whose chain comes with the
#	signature (gpgsm knows only the root); all with every signed
#	attribute (--domain, --enc-cert). One changed byte of content gives
#	"message digest attribute does not match" and a non-zero exit.
#	gpgsm 2.2.40 accepted every one of these when this test was written;
#	it does not show the S/MIME attributes (capabilities, key preference,
#	signature type), so those are checked by t-openssl-verifies-ours.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-gpgsm-verifies-ours
. "$(dirname "$0")/lib.sh"
setup_cms_test "$@"
need_cmd gpgsm gpgconf gpg-agent
exec </dev/null

gnupg_home "$PKI"
GPG_LOG=$S/gpgsm.log
gpgsm --import "$PKI/ca.pem" 2>>"$GPG_LOG" || fail "gpgsm cannot import the test CA"

flip_byte "$S/mime.txt" 100 0x01 "$S/mime-bad.txt"

# check NAME KEY CERT [SIGN OPTIONS...] - gpgsm verifies good, refuses bad
check() {
	local name=$1 key=$2 cert=$3 rc
	shift 3
	"$CMS" sign -k "$PKI/$key" -c "$PKI/$cert" --domain --enc-cert "$PKI/gw-a.pem" \
		"$@" -i "$S/mime.txt" -o "$S/$name.p7s" || fail "$name: sign failed"
	run rc gpgsm --verify "$S/$name.p7s" "$S/mime.txt" >/dev/null 2>"$S/$name.err"
	[ "$rc" = 0 ] || fail "$name: gpgsm --verify exit $rc: $(tail -3 "$S/$name.err" | tr '\n' ' ')"
	grep -q 'Good signature from' "$S/$name.err" ||
		fail "$name: gpgsm did not report a good signature"
	ok "$name: good"
	run rc gpgsm --verify "$S/$name.p7s" "$S/mime-bad.txt" >/dev/null 2>"$S/$name-bad.err"
	[ "$rc" != 0 ] || fail "$name: gpgsm accepted changed content"
	grep -q 'message digest attribute does not match' "$S/$name-bad.err" ||
		fail "$name: changed content: gpgsm did not report a digest mismatch"
	ok "$name: changed content refused"
}

check rsa-sha256 sign-a-rsa.key sign-a-rsa.pem -d sha256
check rsa-sha512 sign-a-rsa.key sign-a-rsa.pem -d sha512
check rsa-pss sign-a-rsa.key sign-a-rsa.pem --pss -d sha256
check ec256 sign-a-ec256.key sign-a-ec256.pem -d sha256
check ec384 sign-a-ec384.key sign-a-ec384.pem -d sha384
check chain sign-a-sub.key sign-a-sub-chain.pem

finish
