#!/bin/bash
# NAME
#	t-nss-corpus - smimegw-cms decrypts what NSS (Thunderbird) sends
# SYNOPSIS
#	t-nss-corpus.sh SMIMEGW_CMS PKI_DIR CORPUS_DIR
# DESCRIPTION
#	CORPUS_DIR is the NSS S/MIME test corpus (Thunderbird's
#	mailnews/test/data/smime); PKI_DIR holds bob.pem and bob.key taken from
#	its Bob.p12 by gen-test-pki.sh.  Decrypts with Bob's key:
#	- every *.env.eml, whose outermost layer is enveloped (13 files);
#	- alice.env.dsig.*.multipart.eml: enveloped part inside multipart/signed;
#	- alice.env.sig.*.opaque.eml: enveloped entity inside an opaque
#	  SignedData, and the .dave.sig.*.opaque.eml variants signed twice.
#	The p7m bytes are taken from the MIME by extract-p7m.py exactly as sent
#	(BER, indefinite lengths); signed layers around them are opened with
#	openssl cms -verify -noverify (the signature is still checked, the
#	chain is not).  The decrypted bytes must equal openssl's decryption of
#	the same p7m, and the plaintext must be the corpus' own: alice.mime for
#	alice.env.*, the content signed inside the decrypted entity for the
#	others (alice.mime, alice.textplain, or the HTML part that NSS wrote).
#	The raw *.env pieces, where the corpus copy has them, are also tried:
#	smimegw-cms must agree with openssl (in the current corpus they are
#	addressed to an earlier Bob certificate, so both must refuse them,
#	smimegw-cms with exit 65, one line on stderr and no output).
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-nss-corpus
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: $TEST.sh SMIMEGW_CMS PKI_DIR CORPUS_DIR"
CMS=$1
PKI=$2
CORPUS=$3
need_cmd openssl "$PY" cmp
need_cms "$CMS"
[ -s "$PKI/bob.pem" ] && [ -s "$PKI/bob.key" ] ||
	fail "no bob.pem/bob.key in $PKI (run tests/pki/gen-test-pki.sh)"
[ -s "$CORPUS/alice.mime" ] && [ -s "$CORPUS/alice.textplain" ] ||
	fail "NSS corpus not found at '$CORPUS'"
S=$SCRATCH

# The HTML content NSS signed (no separate file in the corpus); note the
# final CR without LF, exactly as in the corpus.
{
	printf 'Content-Type: text/html\r\n\r\n'
	printf '<html><body>This is a test message from Alice to Bob.</body></html>\r'
} >"$S/alice.html"

# unwrap EML OUT.p7m WHAT - peel signed layers until the enveloped p7m
unwrap() {
	local cur=$1 kind depth=0
	while :; do
		kind=$(extract_p7m --type any "$cur" "$2") ||
			fail "$3: no application/pkcs7-mime part found in $(basename "$cur")"
		case $kind in
		enveloped-data | authEnveloped-data) return 0 ;;
		signed-data)
			depth=$((depth + 1))
			[ $depth -le 3 ] || fail "$3: more than 3 signed layers"
			openssl cms -verify -noverify -binary -inform DER -in "$2" \
				-out "$S/layer$depth.eml" 2>"$S/openssl.err" ||
				fail "$3: openssl cannot open signed layer $depth: $(head -1 "$S/openssl.err")"
			cur=$S/layer$depth.eml
			;;
		*) fail "$3: unexpected S/MIME type '$kind'" ;;
		esac
	done
}

# signed_content ENTITY OUT WHAT - the content signed inside a decrypted
# entity (multipart/signed or opaque signed-data), signature checked
signed_content() {
	if head -1 "$1" | grep -i '^Content-Type: multipart/signed' >/dev/null; then
		openssl cms -verify -noverify -in "$1" -out "$2" 2>"$S/openssl.err" ||
			fail "$3: signature over the decrypted multipart/signed does not verify:" \
				"$(head -1 "$S/openssl.err")"
	else
		extract_p7m --type signed-data "$1" "$S/inner.p7m" >/dev/null 2>&1 ||
			fail "$3: decrypted entity is neither multipart/signed nor signed-data"
		openssl cms -verify -noverify -binary -inform DER -in "$S/inner.p7m" -out "$2" \
			2>"$S/openssl.err" ||
			fail "$3: decrypted signed-data does not verify: $(head -1 "$S/openssl.err")"
	fi
}

# decrypt_bob WHAT P7M OUT - ours, compared with openssl's decryption
decrypt_bob() {
	local what=$1 in=$2 out=$3 rc
	rm -f "$out"
	run rc "$CMS" decrypt -k "$PKI/bob.key" -c "$PKI/bob.pem" -i "$in" -o "$out" -v \
		2>"$S/cms.err"
	[ "$rc" = 0 ] || fail "$what: smimegw-cms decrypt exit $rc, expected 0 ($(head -1 "$S/cms.err"))"
	grep -q 'cipher=aes-128-cbc' "$S/cms.err" ||
		fail "$what: -v line '$(head -1 "$S/cms.err")' lacks cipher=aes-128-cbc"
	openssl cms -decrypt -binary -inform DER -in "$in" -recip "$PKI/bob.pem" \
		-inkey "$PKI/bob.key" -out "$out.ref" 2>"$S/openssl.err" ||
		fail "$what: openssl cannot decrypt it either: $(head -1 "$S/openssl.err")"
	same "$out.ref" "$out" "$what (compared with openssl's decryption)"
	[ -s "$out" ] || fail "$what: empty plaintext"
}

n_env=0 n_dsig=0 n_sig=0 n_dave=0

# 1. outermost layer enveloped
for f in "$CORPUS"/*.env.eml; do
	b=$(basename "$f")
	what="$b"
	extract_p7m "$f" "$S/m.p7m" || fail "$what: extract-p7m.py found no enveloped part"
	head -c 2 "$S/m.p7m" | cmp -s - <(printf '\x30\x80') ||
		fail "$what: extracted p7m is not the BER NSS sent"
	decrypt_bob "$what" "$S/m.p7m" "$S/m.out"
	case $b in
	alice.env.eml)
		same "$CORPUS/alice.mime" "$S/m.out" "$what: plaintext is alice.mime"
		;;
	alice.dsig.*.multipart.env.eml)
		head -1 "$S/m.out" | grep '^Content-Type: multipart/signed' >/dev/null ||
			fail "$what: decrypted entity is not multipart/signed"
		signed_content "$S/m.out" "$S/signed.txt" "$what"
		same "$CORPUS/alice.mime" "$S/signed.txt" "$what: signed content is alice.mime"
		;;
	alice.sig.*.opaque.env.eml)
		signed_content "$S/m.out" "$S/signed.txt" "$what"
		same "$CORPUS/alice.textplain" "$S/signed.txt" "$what: signed content is alice.textplain"
		;;
	alice.html.sig.*.opaque.env.eml)
		signed_content "$S/m.out" "$S/signed.txt" "$what"
		same "$S/alice.html" "$S/signed.txt" "$what: signed content is the HTML part"
		;;
	*) fail "$what: unknown corpus file; extend this test" ;;
	esac
	n_env=$((n_env + 1))
	ok "$what"
done
[ $n_env = 13 ] || fail "expected 13 *.env.eml files in $CORPUS, found $n_env"

# 2. enveloped inside multipart/signed or opaque signed-data (also twice signed)
for f in "$CORPUS"/alice.env.dsig.*.multipart*.eml "$CORPUS"/alice.env.sig.*.opaque*.eml; do
	b=$(basename "$f")
	what=$b
	unwrap "$f" "$S/m.p7m" "$what"
	head -c 2 "$S/m.p7m" | cmp -s - <(printf '\x30\x80') ||
		fail "$what: extracted p7m is not the BER NSS sent"
	decrypt_bob "$what" "$S/m.p7m" "$S/m.out"
	same "$CORPUS/alice.mime" "$S/m.out" "$what: plaintext is alice.mime"
	case $b in
	*.dave.*) n_dave=$((n_dave + 1)) ;;
	*dsig*) n_dsig=$((n_dsig + 1)) ;;
	*) n_sig=$((n_sig + 1)) ;;
	esac
	ok "$what"
done
[ $n_dsig = 4 ] || fail "expected 4 alice.env.dsig.*.multipart.eml, found $n_dsig"
[ $n_sig = 4 ] || fail "expected 4 alice.env.sig.*.opaque.eml, found $n_sig"
[ $n_dave = 8 ] || fail "expected 8 alice.env.*.dave.*.eml, found $n_dave"

# 3. the base64 body of alice.env.eml as it travels (CRLF lines) on stdin
sed '1,/^\r$/d' "$CORPUS/alice.env.eml" >"$S/body.b64"
run rc "$CMS" decrypt -k "$PKI/bob.key" -c "$PKI/bob.pem" <"$S/body.b64" >"$S/b.out" 2>"$S/cms.err"
[ "$rc" = 0 ] || fail "alice.env.eml base64 body on stdin: exit $rc ($(head -1 "$S/cms.err"))"
same "$CORPUS/alice.mime" "$S/b.out" "alice.env.eml base64 body on stdin"
ok "base64 body on stdin"

# 4. the raw *.env pieces, when the corpus copy has them: agree with openssl
raw=$(find "$CORPUS" -maxdepth 1 -name '*.env' | sort)
[ -n "$raw" ] || echo "$TEST: note: no raw *.env pieces in $CORPUS, part 4 not run"
for f in $raw; do
	b=$(basename "$f")
	rm -f "$S/r.out" "$S/r.ref"
	run rc "$CMS" decrypt -k "$PKI/bob.key" -c "$PKI/bob.pem" -i "$f" -o "$S/r.out" 2>"$S/cms.err"
	if openssl cms -decrypt -binary -inform DER -in "$f" -recip "$PKI/bob.pem" \
		-inkey "$PKI/bob.key" -out "$S/r.ref" 2>/dev/null; then
		[ "$rc" = 0 ] || fail "$b: openssl decrypts it, smimegw-cms exit $rc"
		same "$S/r.ref" "$S/r.out" "$b"
	else
		[ "$rc" = 65 ] || fail "$b: not for this Bob (openssl refuses); exit $rc, expected 65"
		[ ! -s "$S/r.out" ] || fail "$b: exit 65 but output was written"
		[ "$(wc -l <"$S/cms.err")" = 1 ] ||
			fail "$b: expected one line on stderr, got $(wc -l <"$S/cms.err")"
	fi
	ok "$b (exit $rc)"
done

finish
