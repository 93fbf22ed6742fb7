#!/bin/bash
# NAME
#	t-signatures - domain signatures (RFC 3183) end to end through the
#	real filter: signed at A, verified at B, reported, acted upon
# SYNOPSIS
#	t-signatures.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Issue 8. Gateway A (a.example, gw-a: smg_encryptor@a.example, a
#	domain signer by SGP naming) signs what it sends; gateway C likewise
#	for c.example. Gateway B (b.example, authserv-id mx.b.example) holds
#	a.example.pem and c.example.pem (pinned partner certificates);
#	"trust" variants also trust the test CA and its CRL. Checked:
#	- sign-then-encrypt A -> B: OpenSSL verifies the inner signature of
#	  the decrypted copy; B reports smime=pass (pinned, or by the chain),
#	  removes the domain signature, and delivers the original parts;
#	- [signing] mode = all: the plain copy is multipart/signed and
#	  OpenSSL verifies it; mode = partners leaves it plain;
#	- a tampered body: smime=fail, never removed; partner_policy tag
#	  delivers with the result, reject bounces 5.7.1, quarantine sends
#	  one copy to the quarantine address naming the recipients;
#	- a domain signer for another domain than From: fails; a parent
#	  domain's signer passes for a subdomain;
#	- an untrusted self-signed domain signer is not a pass;
#	- expired and revoked (CRL in crl_dir) originators are reported so;
#	- forged Authentication-Results with our authserv-id are removed,
#	  others kept;
#	- unsigned partner mail: tag (smime=none), reject, quarantine;
#	- an originator's signature inside C's domain signature reaches
#	  bob byte-identical, the domain signature removed;
#	- trust data that cannot be read defers.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-signatures
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/multipart-attachment.eml
ID=mx.b.example
mkdir -p "$S/crls"
cp "$PKI/ca.crl.pem" "$S/crls/"
cp "$PKI/ca.pem" "$S/anchors.pem"
own "$S/crls" "$S/anchors.pem"

make_gateway a a.example gw-a signing.mode=partners
peer a b.example.pem gw-b
make_gateway aall a.example gw-a signing.mode=all
peer aall b.example.pem gw-b
make_gateway c c.example gw-c signing.mode=partners
peer c b.example.pem gw-b
for v in b btrust breject bquar bbroken; do
	extra=()
	case $v in
	btrust) extra=(verification.trust_anchors="$S/anchors.pem" verification.crl_dir="$S/crls") ;;
	breject) extra=(verification.partner_policy=reject) ;;
	bquar) extra=(verification.partner_policy=quarantine
		verification.quarantine_address=quarantine@b.example) ;;
	bbroken) extra=(verification.trust_anchors="$S/no/such/anchors.pem") ;;
	esac
	make_gateway "$v" b.example gw-b gateway.hostname=$ID "${extra[@]}"
	peer "$v" a.example.pem gw-a
	peer "$v" c.example.pem gw-c
done

# results GW N - the A-R values of call N (one a line); the message without
#	them in $S/unar.eml
results() { mailtool results "$(cap "$1" "$2")/msg" "$S/unar.eml"; }

# want_result WHAT TEXT PATTERN - TEXT matches the extended regex PATTERN
want_result() {
	grep -qE -- "$3" <<<"$2" || fail "$1: Authentication-Results '$2' do not match '$3'"
	ok "$1: $3"
}

# decrypt_b GW N OUT - the envelope of call N opened with gw-b's key
decrypt_b() {
	smime_of "$1" "$2" "$S/env.der" "decrypt_b"
	ossl_decrypt "$S/env.der" gw-b "$3" || fail "call $2 of $1 does not open with gw-b"
}

# ossl_verifies FILE WHAT - openssl smime -verify with the test CA accepts
#	the S/MIME entity or message FILE
ossl_verifies() {
	openssl smime -verify -CAfile "$PKI/ca.pem" -purpose any -in "$1" \
		-out "$S/verified.out" >/dev/null 2>"$S/openssl.err" ||
		fail "$2: openssl does not verify: $(head -2 "$S/openssl.err" | tr '\n' ' ')"
	ok "$2: openssl verifies"
}

# --- 1. sign-then-encrypt A -> B -------------------------------------
run_filter a -q BEHS0001 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "A signs and encrypts"
cp "$(cap a 1)/msg" "$S/a2b.eml"
decrypt_b a 1 "$S/inner.mime"
grep -qi '^Content-Type: multipart/signed' "$S/inner.mime" ||
	fail "A's envelope does not hold a multipart/signed entity"
ossl_verifies "$S/inner.mime" "A's inner layer"
openssl smime -verify -noverify -in "$S/inner.mime" -signer "$S/signer.pem" \
	-out /dev/null 2>/dev/null || fail "cannot get the signer"
cmp -s <(openssl x509 -in "$S/signer.pem" -outform DER) \
	<(openssl x509 -in "$PKI/gw-a.pem" -outform DER) || fail "A did not sign with gw-a"
grep -q 'signed=sha-256' "$S/a/smimegw.log" || fail "A's log does not say it signed"
ok "A signs with its gateway key, then encrypts"

for v in b btrust; do
	run_filter "$v" -q BEHS0002 -f alice@a.example -- bob@b.example <"$S/a2b.eml"
	expect "$v" 0 - 1 "B ($v) decrypts and verifies"
	r=$(results "$v" 1)
	want_result "$v" "$r" "^$ID; smime=pass \(domain signature"
	want_result "$v" "$r" "body.smime-identifier=smg_encryptor@a.example"
	want_result "$v" "$r" "body.smime-serial=0?a01 "
	case $v in
	b) want_result "$v pinned" "$r" "pinned partner certificate" ;;
	btrust) grep -q pinned <<<"$r" && fail "btrust: pass by the chain, not by the pin: $r" ;;
	esac
	grep -qi '^Content-Type: multipart/signed' "$S/unar.eml" &&
		fail "$v: the domain signature was not removed"
	mailtool leaves "$in" "$S/unar.eml" >/dev/null 2>"$S/leaves.err" ||
		fail "$v: the parts differ from the original: $(cat "$S/leaves.err")"
	grep -q 'smime=pass signer=<smg_encryptor@a.example> kind=domain' "$S/$v/smimegw.log" ||
		fail "$v: the log does not carry the result"
	ok "B ($v): smime=pass, domain signature removed, original parts delivered"
done

# --- 2. mode = all: plain copies signed too --------------------------
run_filter aall -q BEHS0003 -f alice@a.example -- someone@nocert.example <"$in"
expect aall 0 - 1 "mode=all, plain copy"
cp "$(cap aall 1)/msg" "$S/signed-plain.eml"
grep -qi '^Content-Type: multipart/signed' "$S/signed-plain.eml" ||
	fail "mode=all: the plain copy is not signed"
ossl_verifies "$S/signed-plain.eml" "mode=all plain copy"
reset a
run_filter a -q BEHS0004 -f alice@a.example -- someone@nocert.example <"$in"
expect a 0 - 1 "mode=partners, plain copy"
same "$in" "$(cap a 1)/msg" "mode=partners: the plain copy is the original"

# --- 3. tampered body -------------------------------------------------
sed 's/See the attachments/See the ATTACHMENTS/' "$S/signed-plain.eml" >"$S/tampered.eml"
reset b
run_filter b -q BEHS0005 -f alice@a.example -- bob@b.example <"$S/tampered.eml"
expect b 0 - 1 "tampered, tag"
r=$(results b 1)
want_result "tampered" "$r" "^$ID; smime=fail "
grep -qi '^Content-Type: multipart/signed' "$S/unar.eml" ||
	fail "tampered: a failed signature was removed"
same "$S/tampered.eml" "$S/unar.eml" "tampered: delivered as it came, but for the result"
run_filter breject -q BEHS0006 -f alice@a.example -- bob@b.example <"$S/tampered.eml"
expect breject 69 5.7.1 0 "tampered, reject"
run_filter bquar -q BEHS0007 -f alice@a.example -- bob@b.example eve@b.example <"$S/tampered.eml"
expect bquar 0 - 1 "tampered, quarantine"
argv_is bquar 1 "quarantine" -G -i -f alice@a.example -- quarantine@b.example
grep -q '^X-SMIME-Gateway-Original-Recipients: <bob@b.example>,' "$(cap bquar 1)/msg" ||
	fail "quarantine: the original recipients are not named"
grep -q '<eve@b.example>' "$(cap bquar 1)/msg" || fail "quarantine: eve is not named"
ok "tampered body: fail, tag / reject / quarantine"

# --- 4. signer domain and From: --------------------------------------
# A signs only what its domains send: a From: of c.example is not signed
sed 's/^From: alice@a.example$/From: mallory@c.example/' "$in" >"$S/from-c.eml"
reset aall
run_filter aall -q BEHS0008 -f alice@a.example -- someone@nocert.example <"$S/from-c.eml"
expect aall 0 - 1 "A and a From: of c.example"
same "$S/from-c.eml" "$(cap aall 1)/msg" "A does not sign for a From: outside its domains"
# a.example's domain signer on a message From: c.example (made by OpenSSL)
mailtool entity "$S/from-c.eml" "$S/from-c.entity"
openssl cms -sign -in "$S/from-c.entity" -signer "$PKI/gw-a.pem" -inkey "$PKI/gw-a.key" \
	-out "$S/from-c.smime" 2>/dev/null || fail "openssl cannot sign as gw-a"
{ mailtool outer "$S/from-c.eml"; cat "$S/from-c.smime"; } >"$S/from-c-signed.eml"
reset b
run_filter b -q BEHS0009 -f alice@a.example -- bob@b.example <"$S/from-c-signed.eml"
expect b 0 - 1 "wrong signer domain"
r=$(results b 1)
want_result "wrong signer domain" "$r" "smime=fail .*does not speak for the From"
grep -qi '^Content-Type: multipart/signed' "$S/unar.eml" || fail "wrong domain: signature removed"

sed 's/^From: alice@a.example$/From: alice@dept.a.example/' "$in" >"$S/from-sub.eml"
reset aall
run_filter aall -q BEHS0010 -f alice@dept.a.example -- someone@nocert.example <"$S/from-sub.eml"
expect aall 0 - 1 "A signs for a subdomain"
reset b
run_filter b -q BEHS0011 -f alice@dept.a.example -- bob@b.example <"$(cap aall 1)/msg"
expect b 0 - 1 "parent-domain signer"
want_result "parent-domain signer" "$(results b 1)" "^$ID; smime=pass \(domain signature"

# --- 5. an untrusted self-signed domain signer ------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$S/self.key" -out "$S/self.pem" \
	-days 30 -subj "/CN=self-signed a.example" \
	-addext "subjectAltName=email:smg_encryptor@a.example" \
	-addext "keyUsage=critical,digitalSignature,keyEncipherment" 2>/dev/null ||
	fail "cannot make a self-signed certificate"
chmod 600 "$S/self.key"
own "$S/self.key" "$S/self.pem"
make_gateway aself a.example gw-a signing.mode=all signing.certificate="$S/self.pem" \
	signing.private_key="$S/self.key"
run_filter aself -q BEHS0012 -f alice@a.example -- someone@nocert.example <"$in"
expect aself 0 - 1 "self-signed signer"
for v in b btrust; do
	reset "$v"
	run_filter "$v" -q BEHS0013 -f alice@a.example -- bob@b.example <"$(cap aself 1)/msg"
	expect "$v" 0 - 1 "self-signed signer at $v"
	r=$(results "$v" 1)
	grep -q 'smime=pass' <<<"$r" && fail "$v: a self-signed signer passed: $r"
	want_result "self-signed at $v" "$r" "smime=(policy|neutral|fail) "
done

# --- 6. expired and revoked originators --------------------------------
for who in expired revoked; do
	printf 'Content-Type: text/plain\r\n\r\nsigned by %s\r\n' "$who" >"$S/ent-$who"
	openssl cms -sign -in "$S/ent-$who" -signer "$PKI/vfy-$who.pem" -inkey "$PKI/vfy-$who.key" \
		-out "$S/smime-$who" 2>/dev/null || fail "openssl cannot sign as $who"
	{
		printf 'From: vfy-%s@a.example\nTo: bob@b.example\nSubject: %s\n' "$who" "$who"
		cat "$S/smime-$who"
	} >"$S/msg-$who.eml"
	reset btrust
	run_filter btrust -q BEHS0014 -f vfy-$who@a.example -- bob@b.example <"$S/msg-$who.eml"
	expect btrust 0 - 1 "$who originator"
	r=$(results btrust 1)
	case $who in
	expired) want_result "expired" "$r" "smime=policy \(originator signature, expired" ;;
	revoked) want_result "revoked" "$r" "smime=fail \(originator signature, revoked" ;;
	esac
done

# --- 7. forged Authentication-Results ---------------------------------
{
	printf 'Authentication-Results: %s; smime=pass body.smime-identifier=x@a.example\n' "$ID"
	printf 'Authentication-Results: other.example; spf=pass smtp.mailfrom=x@z.example\n'
	printf 'Authentication-Results: (a comment) MX.B.EXAMPLE;\n\tsmime=pass\n'
	cat "$DATA/passthrough/plain-inbound.eml"
} >"$S/forged-ar.eml"
reset b
run_filter b -q BEHS0015 -f someone@z.example -- bob@b.example <"$S/forged-ar.eml"
expect b 0 - 1 "forged Authentication-Results"
r=$(results b 1)
[ "$r" = "other.example; spf=pass smtp.mailfrom=x@z.example" ] ||
	fail "forged A-R: expected only the other server's field, got '$r'"
ok "forged Authentication-Results with our authserv-id removed, others kept"

# --- 8. unsigned partner mail -----------------------------------------
reset b
run_filter b -q BEHS0016 -f alice@a.example -- bob@b.example <"$in"
expect b 0 - 1 "unsigned partner mail, tag"
want_result "unsigned, tag" "$(results b 1)" "^$ID; smime=none$"
same "$in" "$S/unar.eml" "unsigned, tag: the message as it came, but for the result"
reset breject
run_filter breject -q BEHS0017 -f alice@a.example -- bob@b.example <"$in"
expect breject 69 5.7.1 0 "unsigned partner mail, reject"
reset bquar
run_filter bquar -q BEHS0018 -f alice@a.example -- bob@b.example <"$in"
expect bquar 0 - 1 "unsigned partner mail, quarantine"
argv_is bquar 1 "unsigned quarantine" -G -i -f alice@a.example -- quarantine@b.example
sed 's/^From: alice@a.example$/From: someone@z.example/' "$in" >"$S/from-z.eml"
reset b
run_filter b -q BEHS0019 -f someone@z.example -- bob@b.example <"$S/from-z.eml"
expect b 0 - 1 "unsigned, not a partner"
same "$S/from-z.eml" "$(cap b 1)/msg" "unsigned mail from a stranger: unaltered"

# --- 9. an originator signature inside a domain signature ----------------
printf 'Content-Type: text/plain; charset=us-ascii\r\n\r\nfrom carol, signed\r\n' >"$S/carol.ent"
openssl cms -sign -in "$S/carol.ent" -signer "$PKI/carol.pem" -inkey "$PKI/carol.key" \
	-out "$S/carol.smime" 2>/dev/null || fail "openssl cannot sign as carol"
{
	printf 'From: carol@c.example\nTo: bob@b.example\nSubject: signed by carol\n'
	cat "$S/carol.smime"
} >"$S/carol.eml"
mailtool entity "$S/carol.eml" "$S/carol.entity"
run_filter c -q BEHS0020 -f carol@c.example -- bob@b.example <"$S/carol.eml"
expect c 0 - 1 "C signs carol's signed message and encrypts"
reset btrust
run_filter btrust -q BEHS0021 -f carol@c.example -- bob@b.example <"$(cap c 1)/msg"
expect btrust 0 - 1 "B: domain then originator"
r=$(results btrust 1)
want_result "two layers" "$r" "smime=pass \(domain signature\) body.smime-identifier=smg_encryptor@c.example"
want_result "two layers" "$r" "smime=pass \(originator signature\) body.smime-identifier=carol@c.example"
mailtool trace "$S/unar.eml" "$S/untraced.eml" >/dev/null
mailtool entity "$S/untraced.eml" "$S/got.entity"
same "$S/carol.entity" "$S/got.entity" "carol's signed entity, byte for byte"
ossl_verifies "$S/untraced.eml" "carol's signature after B"

# --- 10. trust data that cannot be read -----------------------------------
run_filter bbroken -q BEHS0022 -f alice@a.example -- bob@b.example <"$S/a2b.eml"
expect bbroken 75 4.7.5 0 "trust anchors missing"
finish
