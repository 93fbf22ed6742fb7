#!/bin/bash
# NAME
#	t-verify-nss - smimegw-cms verifies every signed message of the NSS corpus
# SYNOPSIS
#	t-verify-nss.sh SMIMEGW_CMS PKI_DIR NSS_DIR
# DESCRIPTION
#	NSS_DIR is tests/data/nss (signed messages of Thunderbird's NSS corpus
#	and its TestCA.pem); PKI_DIR holds bob.pem/bob.key (gen-test-pki.sh).
#	Each *sig*.eml is opened layer by layer from the outside in, as a
#	receiving gateway does: a multipart/signed or opaque signature is
#	verified with TestCA.pem as the only anchor (for multipart/signed the
#	signed part's exact bytes in canonical CRLF form; the messages that
#	the corpus' local-gen.sh wrapped around envelopes were signed over
#	the part with LF line ends (openssl -binary agrees), so when the CRLF
#	form fails the LF form is tried: a .bad message fails both),
#	an envelope is
#	decrypted with Bob's key, and the content goes on to the next layer;
#	at most 6 layers.  Expected:
#	- SHA-256/384/512 signatures: every layer passes, the signer is
#	  alice@example.com or dave@example.com, and the innermost content is
#	  the corpus' own plaintext (alice.mime, alice.textplain or the HTML);
#	- SHA-1 signatures: result insecure-algorithm by default, pass with
#	  --allow-sha1 (so the signature itself is checked too);
#	- *.bad.eml and *.mismatch-econtent.eml: fail at the outer layer;
#	- alice.future.dsig.SHA256.multipart.eml (Date: six hours after the
#	  signing): passes and reports its signingTime, 2026-01-26 14:40:10Z,
#	  which the MIME side compares with Date:.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-verify-nss
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || fail "usage: $TEST.sh SMIMEGW_CMS PKI_DIR NSS_DIR"
CMS=$1
PKI=$2
NSS=$3
need_cmd openssl "$PY" cmp
need_cms "$CMS"
[ -s "$PKI/bob.pem" ] && [ -s "$PKI/bob.key" ] || fail "no bob.pem/bob.key in $PKI"
[ -s "$NSS/TestCA.pem" ] || fail "no TestCA.pem in $NSS"
S=$SCRATCH
SPLIT="$INTEROP_DIR_SELF/extract-signed.py"
{
	printf 'Content-Type: text/html\r\n\r\n'
	printf '<html><body>This is a test message from Alice to Bob.</body></html>\r'
} >"$S/alice.html"

# open_layers FILE OPTS... - peel FILE; prints one result per signed layer
# on stdout ("pass alice@example.com"), leaves the innermost content in
# $S/inner
open_layers() {
	local cur=$S/layer0 depth kind rc
	cp "$1" "$cur"
	shift
	for depth in 1 2 3 4 5 6; do
		if ! kind=$("$PY" "$SPLIT" "$cur" "$S/sig.p7s" "$S/part"); then
			break
		fi
		if [ "$kind" = enveloped ]; then
			"$CMS" decrypt -k "$PKI/bob.key" -c "$PKI/bob.pem" \
				-i "$S/sig.p7s" -o "$S/next" 2>"$S/d.err" ||
				{ echo "decrypt-failed $(head -1 "$S/d.err")"; return 0; }
			cur=$S/layer$depth
			mv "$S/next" "$cur"
			continue
		fi
		if [ "$kind" = detached ]; then
			run rc "$CMS" verify -A "$NSS/TestCA.pem" "$@" \
				-C "$S/part" -i "$S/sig.p7s" >"$S/v.out" 2>"$S/v.err"
			cp "$S/part" "$S/next"
			if grep -q "^signer 1: result=fail " "$S/v.out"; then
				run rc "$CMS" verify -A "$NSS/TestCA.pem" "$@" \
					-C "$S/part.lf" -i "$S/sig.p7s" >"$S/v.out" 2>"$S/v.err"
			fi
		else
			rm -f "$S/next"
			run rc "$CMS" verify -A "$NSS/TestCA.pem" "$@" \
				-i "$S/sig.p7s" -o "$S/next" >"$S/v.out" 2>"$S/v.err"
		fi
		if [ ! -s "$S/v.out" ]; then
			echo "error rc=$rc $(head -1 "$S/v.err")"
			return 0
		fi
		sed -n 's/^signer 1: result=\([^ ]*\) .* addresses=\([^ ]*\) .* signing-time=\([^ ]*\) .*/\1 \2 \3/p' "$S/v.out"
		[ -s "$S/next" ] || { echo "no content"; return 0; }
		cur=$S/layer$depth
		mv "$S/next" "$cur"
	done
	cp "$cur" "$S/inner"
}

# The corpus plaintexts, as stored and in CRLF form (computed once).
n=0
for p in "$NSS/alice.mime" "$NSS/alice.textplain" "$S/alice.html"; do
	n=$((n + 1))
	cp "$p" "$S/plain$n.a"
	"$PY" -c 'import re,sys; d=open(sys.argv[1],"rb").read(); open(sys.argv[2],"wb").write(re.sub(rb"\r?\n", b"\r\n", d))' "$p" "$S/plain$n.b"
done

# inner_is_plaintext WHAT - the innermost content is one the corpus signed
inner_is_plaintext() {
	local p
	for p in "$S"/plain*; do
		cmp -s "$p" "$S/inner" && return 0
	done
	fail "$1: innermost content is not a corpus plaintext ($(head -c 80 "$S/inner" | tr '\r\n' '  '))"
}

count=0
for f in "$NSS"/*sig*.eml; do
	b=$(basename "$f")
	count=$((count + 1))
	open_layers "$f" >"$S/layers"
	[ -s "$S/layers" ] || fail "$b: no signed layer found"
	case $b in
	*.bad.eml | *.mismatch-econtent.eml)
		head -1 "$S/layers" | grep '^fail ' >/dev/null ||
			fail "$b: outer layer should fail: $(head -1 "$S/layers")"
		ok "$b fails"
		continue
		;;
	esac
	if grep -qv '^\(pass\|insecure-algorithm\) \(alice\|dave\)@example.com ' "$S/layers"; then
		fail "$b: unexpected layer result: $(tr '\n' ';' <"$S/layers")"
	fi
	case $b in
	*SHA1*)
		grep -q '^insecure-algorithm ' "$S/layers" ||
			fail "$b: SHA-1 should be insecure-algorithm: $(tr '\n' ';' <"$S/layers")"
		open_layers "$f" --allow-sha1 >"$S/layers"
		if grep -qv '^pass ' "$S/layers"; then
			fail "$b with --allow-sha1: $(tr '\n' ';' <"$S/layers")"
		fi
		;;
	*)
		if grep -qv '^pass ' "$S/layers"; then
			fail "$b: every layer should pass: $(tr '\n' ';' <"$S/layers")"
		fi
		;;
	esac
	inner_is_plaintext "$b"
	case $b in
	alice.future.*)
		grep -q '^pass alice@example.com 1769438410$' "$S/layers" ||
			fail "$b: signing time not reported: $(cat "$S/layers")"
		;;
	esac
	ok "$b: $(wc -l <"$S/layers") layer(s)"
done
[ $count -ge 60 ] || fail "only $count signed messages found in $NSS"

finish
