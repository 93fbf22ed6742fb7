#!/bin/bash
# NAME
#	t-cert-validity - partner certificates that lapsed are never used,
#	never mean plain; our own expiring certificate is warned about;
#	partners' capabilities choose the cipher
# SYNOPSIS
#	t-cert-validity.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Issue 9. Certificates are made here with GnuTLS certtool (dates in
#	the past and the future, a CRL) signed by the test CA.
#	- b.example.pem expired / not yet valid / revoked by a CRL in
#	  crl_dir: [certificates] invalid = defer -> 75, = bounce -> 65
#	  5.7.5; never a plain copy;
#	- a rollover file with one expired and one valid certificate
#	  encrypts to the valid one only (one RecipientInfo);
#	- our own certificate expiring within warn_days: one warning line,
#	  not a second one the same day;
#	- capability learning: A signs (advertising AES-256-GCM first), B
#	  verifies and remembers it; B's next message to a.example is
#	  AES-256-GCM although B is configured for aes256-cbc.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-cert-validity
. "$(dirname "$0")/lib.sh"
setup "$@"
need_cmd certtool

in=$DATA/outbound/multipart-attachment.eml

# mkcert NAME MAIL FROM TO - a key and a certificate by the test CA,
#	valid FROM .. TO ("YYYY-MM-DD HH:MM:SS")
mkcert() {
	cat >"$S/$1.tmpl" <<EOF
cn = "$1"
email = "$2"
encryption_key
signing_key
serial = $((RANDOM * 7 + 1000))
activation_date = "$3"
expiration_date = "$4"
EOF
	certtool --generate-privkey --rsa --bits 2048 --outfile "$S/$1.key" 2>/dev/null
	chmod 600 "$S/$1.key"
	certtool --generate-certificate --load-privkey "$S/$1.key" \
		--load-ca-certificate "$PKI/ca.pem" --load-ca-privkey "$PKI/ca.key" \
		--template "$S/$1.tmpl" --outfile "$S/$1.pem" >/dev/null 2>&1 ||
		fail "certtool cannot make $1"
}
now=$(date -u +%Y)
mkcert expired smg_encryptor@b.example "2020-01-01 00:00:00" "2021-01-01 00:00:00"
mkcert future smg_encryptor@b.example "$((now + 5))-01-01 00:00:00" "$((now + 6))-01-01 00:00:00"
mkcert revoked smg_encryptor@b.example "$((now - 1))-01-01 00:00:00" "$((now + 2))-01-01 00:00:00"
cat >"$S/crl.tmpl" <<EOF
crl_next_update = 3650
crl_number = 7
EOF
mkdir -p "$S/crls"
certtool --generate-crl --load-ca-certificate "$PKI/ca.pem" --load-ca-privkey "$PKI/ca.key" \
	--load-certificate "$S/revoked.pem" --template "$S/crl.tmpl" \
	--outfile "$S/crls/ca.crl" >/dev/null 2>&1 || fail "certtool cannot make the CRL"
own "$S/crls"

# peer_file GW FILE... - certs/b.example.pem of GW from these files
peer_file() {
	local gw=$1
	shift
	cat "$@" >"$S/$gw/certs/b.example.pem"
	own "$S/$gw/certs/b.example.pem"
}

for policy in defer bounce; do
	make_gateway "a$policy" a.example gw-a certificates.invalid=$policy \
		verification.crl_dir="$S/crls"
	for bad in expired future revoked; do
		peer_file "a$policy" "$S/$bad.pem"
		reset "a$policy"
		run_filter "a$policy" -q BEHV0001 -f alice@a.example -- bob@b.example \
			someone@nocert.example <"$in"
		case $policy in
		defer) expect "a$policy" 75 4. 0 "$bad certificate, invalid = defer" ;;
		bounce) expect "a$policy" 65 5.7.5 0 "$bad certificate, invalid = bounce" ;;
		esac
	done
done
ok "a lapsed or revoked partner certificate defers or bounces, never plain"

# rollover: expired + valid in one file -> only the valid one
peer_file adefer "$S/expired.pem" "$PKI/gw-b.pem"
reset adefer
run_filter adefer -q BEHV0002 -f alice@a.example -- bob@b.example <"$in"
expect adefer 0 - 1 "rollover file, one expired"
smime_of adefer 1 "$S/roll.der" "rollover"
n=$(openssl cms -cmsout -print -inform DER -in "$S/roll.der" | grep -c 'd.ktri:' || true)
[ "$n" = 1 ] || fail "rollover: $n RecipientInfos, expected 1 (the valid certificate only)"
opens_with "$S/roll.der" gw-b "rollover"
grep -q 'ignored=ca:0,usage:0,validity:1,revoked:0' "$S/adefer/smimegw.log" ||
	fail "rollover: the log does not say one certificate was left out"

# our own certificate expiring within warn_days: warned once a day
mkcert soon smg_encryptor@b.example "$((now - 1))-01-01 00:00:00" "$(date -u -d '+10 days' '+%Y-%m-%d %H:%M:%S')"
mkdir -p "$S/state"
own "$S/state"
make_gateway bsoon b.example gw-b gateway.state_directory="$S/state"
cp "$S/soon.pem" "$S/bsoon/gw.pem"
cp "$S/soon.key" "$S/bsoon/gw.key"
own "$S/bsoon"
openssl cms -encrypt -binary -aes256 -outform DER -in "$DATA/outbound/multipart-attachment.entity" \
	-out "$S/to-soon.der" "$S/soon.pem" 2>/dev/null || fail "openssl cannot encrypt"
mailtool outer "$in" >"$S/hdrs"
mailtool make-smime "$S/hdrs" "$S/to-soon.der" "$S/to-soon.eml"
for i in 1 2; do
	reset bsoon
	run_filter bsoon -q BEHV000$((i + 2)) -f alice@a.example -- bob@b.example <"$S/to-soon.eml"
	expect bsoon 0 - 1 "message $i to a gateway whose certificate expires soon"
done
n=$(grep -c 'certificate: \[gateway\] certificate expires in [0-9]* day' "$S/bsoon/smimegw.log" || true)
[ "$n" = 1 ] || fail "expiry warning: $n lines for two messages, expected 1"
ok "our certificate expiring soon: one warning a day"

# capability learning
mkdir -p "$S/bstate"
own "$S/bstate"
make_gateway asig a.example gw-a signing.mode=partners
peer asig b.example.pem gw-b
make_gateway blearn b.example gw-b gateway.state_directory="$S/bstate" outbound.cipher=aes256-cbc
peer blearn a.example.pem gw-a
run_filter blearn -q BEHV0005 -f bob@b.example -- alice@a.example <"$in"
expect blearn 0 - 1 "B to A before learning"
smime_of blearn 1 "$S/before.der" "before learning"
case $SMIME_INFO in *enveloped-data*) ;; *) fail "before learning: $SMIME_INFO, expected CBC enveloped-data" ;; esac
run_filter asig -q BEHV0006 -f alice@a.example -- bob@b.example <"$in"
expect asig 0 - 1 "A signs and encrypts"
reset blearn
run_filter blearn -q BEHV0007 -f alice@a.example -- bob@b.example <"$(cap asig 1)/msg"
expect blearn 0 - 1 "B verifies A's signature"
grep -q 'learned=capabilities:a.example' "$S/blearn/smimegw.log" || fail "B did not learn A's capabilities"
reset blearn
run_filter blearn -q BEHV0008 -f bob@b.example -- alice@a.example <"$in"
expect blearn 0 - 1 "B to A after learning"
smime_of blearn 1 "$S/after.der" "after learning"
case $SMIME_INFO in *authEnveloped-data*) ;; *) fail "after learning: $SMIME_INFO, expected AES-GCM" ;; esac
openssl cms -cmsout -print -inform DER -in "$S/after.der" | grep 'aes-256-gcm' >/dev/null ||
	fail "after learning: not AES-256-GCM"
opens_with "$S/after.der" gw-a "after learning"
ok "a partner's advertised AES-256-GCM is used for mail to it"
tool=$(dirname "$SMIMEGW")/smimegw-cert
[ -x "$tool" ] || fail "smimegw-cert not found next to $SMIMEGW"
if ! as_filter_user test -x "$tool"; then
	install -m 755 "$tool" "$S/smimegw-cert"
	tool=$S/smimegw-cert
fi
as_filter_user "$tool" -c "$(conf blearn)" list >"$S/list.out" 2>&1 || fail "list: $(cat "$S/list.out")"
grep -q 'learned cipher=aes-256-gcm advertised=aes-256-gcm' "$S/list.out" ||
	fail "smimegw-cert list does not show what was learned: $(cat "$S/list.out")"
as_filter_user "$tool" -c "$(conf blearn)" list --json >"$S/list.json" 2>&1 || fail "list --json"
python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); assert any(r.get("capabilities","").startswith("cipher=aes-256-gcm") for r in rows), rows' \
	"$S/list.json" || fail "list --json: no capabilities"
ok "smimegw-cert list shows the learned capabilities"
finish
