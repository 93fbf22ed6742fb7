#!/bin/bash
# NAME
#	t-inbound-header-merge - a decrypted message has one of each header
#	field, and nothing forged inside the ciphertext gets through
#	(issue 7 item 11)
# SYNOPSIS
#	t-inbound-header-merge.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Gateway B (b.example) decrypts, for bob@b.example:
#	- `openssl smime -encrypt` of a WHOLE message (From, To, Subject,
#	  MIME-Version inside) that also carries a forged second From, a
#	  forged X-SMIME-Gateway, Authentication-Results and Received inside;
#	  the outer header gets an Authentication-Results of our own MTA.
#	  Delivered: exactly one From (the outer one), To, Subject (the outer
#	  one: without header protection the outer copy wins), MIME-Version,
#	  Content-Type (the inner one), Authentication-Results (ours),
#	  Received (the outer one) and X-SMIME-Gateway (our trace); nothing
#	  marked "forged"; the body as it was inside.
#	- `openssl cms -encrypt` of an RFC 9788 entity (Content-Type with
#	  hp="cipher", protected From/To/Subject, HP-Outer fields) sent with
#	  the outer Subject "[...]": the inner Subject wins, no "[...]", no
#	  HP-Outer, one of each field.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-inbound-header-merge
. "$(dirname "$0")/lib.sh"
setup "$@"

make_gateway b b.example gw-b

# hcount FILE NAME - header fields named NAME in FILE's header block
hcount() {
	awk -v n="$2" 'BEGIN { n = tolower(n) ":" }
		/^\r?$/ { exit }
		tolower(substr($0, 1, length(n))) == n { c++ }
		END { print c + 0 }' "$1"
}

# header FILE NAME - the (first line of the) field NAME in FILE's header
header() {
	awk -v n="$2" 'BEGIN { n = tolower(n) ":" }
		/^\r?$/ { exit }
		tolower(substr($0, 1, length(n))) == n { print; exit }' "$1"
}

# once FILE WHAT NAME... - each NAME occurs exactly once in the header
once() {
	local f=$1 what=$2 n
	shift 2
	for n in "$@"; do
		[ "$(hcount "$f" "$n")" = 1 ] ||
			fail "$what: $(hcount "$f" "$n") '$n' fields, expected 1: $(sed -n '1,/^$/p' "$f" | tr '\n' '|')"
	done
	ok "$what: one of each"
}

# decrypt_in IN WHAT - B decrypts IN: exit 0, one call; sets M
decrypt_in() {
	reset b
	run_filter b -q BEHM0001 -f alice@partner.example -- bob@b.example <"$1"
	expect b 0 - 1 "$2"
	M=$(cap b 1)/msg
	case "$(header "$M" X-SMIME-Gateway)" in
	"X-SMIME-Gateway: decrypted; cipher="*) ;;
	*) fail "$2: not decrypted: '$(header "$M" X-SMIME-Gateway)'" ;;
	esac
}

whole_message() {
	cat >"$S/inner.eml" <<'EOF'
Received: from forged.example by mx.b.example; forged inside
From: Alice <alice@partner.example>
From: The CEO <ceo@b.example> (forged inside)
To: bob@b.example
Subject: inner subject
X-SMIME-Gateway: decrypted; forged inside
Authentication-Results: mx.b.example; dkim=pass (forged inside)
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

hello from inside
EOF
	openssl smime -encrypt -aes256 -in "$S/inner.eml" -from alice@partner.example \
		-to bob@b.example -subject "outer subject" -out "$S/w0.eml" "$PKI/gw-b.pem" \
		2>"$S/openssl.err" || fail "openssl smime -encrypt: $(head -1 "$S/openssl.err")"
	{
		printf 'Received: from mx.partner.example by mx.b.example; real\n'
		printf 'Authentication-Results: mx.b.example; dkim=none (ours)\n'
		cat "$S/w0.eml"
	} >"$S/w.eml"
	decrypt_in "$S/w.eml" "whole message"
	once "$M" "whole message" From To Subject MIME-Version Content-Type \
		Content-Transfer-Encoding Authentication-Results Received X-SMIME-Gateway
	grep -q 'forged' "$M" && fail "whole message: forged field delivered: $(grep -m1 forged "$M")"
	[ "$(header "$M" From)" = "From: alice@partner.example" ] ||
		fail "whole message: From is '$(header "$M" From)'"
	[ "$(header "$M" Subject)" = "Subject: outer subject" ] ||
		fail "whole message: Subject is '$(header "$M" Subject)'"
	[ "$(header "$M" Content-Type)" = "Content-Type: text/plain; charset=us-ascii" ] ||
		fail "whole message: Content-Type is '$(header "$M" Content-Type)'"
	[ "$(header "$M" Authentication-Results)" = "Authentication-Results: mx.b.example; dkim=none (ours)" ] ||
		fail "whole message: Authentication-Results is '$(header "$M" Authentication-Results)'"
	[ "$(sed '1,/^$/d' "$M")" = "hello from inside" ] ||
		fail "whole message: body '$(sed '1,/^$/d' "$M" | head -c 200)'"
	ok "whole message"
}

rfc9788() {
	printf '%s\r\n' 'Content-Type: text/plain; charset=us-ascii; hp="cipher"' \
		'From: Alice <alice@partner.example>' 'To: bob@b.example' \
		'Subject: the real subject' 'Message-ID: <hp-1@partner.example>' \
		'HP-Outer: From: Alice <alice@partner.example>' 'HP-Outer: To: bob@b.example' \
		'HP-Outer: Subject: [...]' '' 'protected body' >"$S/hp.entity"
	openssl cms -encrypt -aes-256-cbc -binary -in "$S/hp.entity" -outform SMIME \
		-from 'Alice <alice@partner.example>' -to bob@b.example -subject '[...]' \
		-out "$S/hp.eml" "$PKI/gw-b.pem" 2>"$S/openssl.err" ||
		fail "openssl cms -encrypt: $(head -1 "$S/openssl.err")"
	decrypt_in "$S/hp.eml" "RFC 9788"
	once "$M" "RFC 9788" From To Subject Message-ID MIME-Version Content-Type X-SMIME-Gateway
	[ "$(header "$M" Subject)" = "Subject: the real subject" ] ||
		fail "RFC 9788: Subject is '$(header "$M" Subject)'"
	grep -qF '[...]' "$M" && fail "RFC 9788: the outer '[...]' was delivered"
	grep -qi '^HP-Outer' "$M" && fail "RFC 9788: HP-Outer delivered"
	[ "$(sed '1,/^$/d' "$M")" = "protected body" ] ||
		fail "RFC 9788: body '$(sed '1,/^$/d' "$M" | head -c 200)'"
	ok "RFC 9788"
}

section whole_message "whole message"
section rfc9788 "RFC 9788 hp=cipher"
finish
