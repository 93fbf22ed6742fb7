#!/bin/bash
# NAME
#	t-harvest - partners' certificates harvested from verified signed mail
# SYNOPSIS
#	t-harvest.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Issue 9. Gateway A signs (sign, then encrypt) with gw-a; gateway B
#	has no certificate for a.example at first.
#	- [harvest] mode = pending, trust anchors = the test CA: B verifies
#	  A's signature and stores A's certificate as pending, not active;
#	  `smimegw-cert approve ID` activates it; B then encrypts to A with
#	  it (openssl opens it with gw-a's key);
#	- mode = auto with the community CA: activated at once;
#	- a forged (tampered) signature harvests nothing;
#	- a rollover: B holds gw-a (pinned, no anchors), A's key preference
#	  names a new encryption certificate: it goes to pending, never
#	  active, and the log says it is a different key.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-harvest
. "$(dirname "$0")/lib.sh"
setup "$@"
need_cmd certtool
CERTTOOL_SG=$(dirname "$SMIMEGW")/smimegw-cert
[ -x "$CERTTOOL_SG" ] || fail "smimegw-cert not found next to $SMIMEGW"
if ! as_filter_user test -x "$CERTTOOL_SG"; then
	install -m 755 "$CERTTOOL_SG" "$S/smimegw-cert"
	CERTTOOL_SG=$S/smimegw-cert
fi

in=$DATA/outbound/multipart-attachment.eml
cp "$PKI/ca.pem" "$S/anchors.pem"
own "$S/anchors.pem"

make_gateway a a.example gw-a signing.mode=all
peer a b.example.pem gw-b

# bgw NAME MODE [more settings] - gateway B with a pending directory
bgw() {
	local name=$1 mode=$2
	shift 2
	mkdir -p "$S/$name-pending"
	make_gateway "$name" b.example gw-b harvest.mode=$mode \
		harvest.pending_dir="$S/$name-pending" "$@"
	own "$S/$name-pending"
}

# pending_count NAME - entries in gateway NAME's pending directory
pending_count() { find "$S/$1-pending" -name '*.pem' | wc -l; }

# b_to_a NAME WHAT - B writes to alice@a.example: encrypted for gw-a?
b_to_a() {
	reset "$1"
	run_filter "$1" -q BEHH0009 -f bob@b.example -- alice@a.example <"$in"
	expect "$1" 0 - 1 "$2: B to A"
	smime_of "$1" 1 "$S/b2a.der" "$2"
	opens_with "$S/b2a.der" gw-a "$2"
}

run_filter a -q BEHH0001 -f alice@a.example -- someone@b.example <"$in"
expect a 0 - 1 "A signs and encrypts"
cp "$(cap a 1)/msg" "$S/signed.eml"

# 1. pending, then approved
bgw bpend pending verification.trust_anchors="$S/anchors.pem"
run_filter bpend -q BEHH0002 -f alice@a.example -- bob@b.example <"$S/signed.eml"
expect bpend 0 - 1 "pending: B receives"
[ "$(pending_count bpend)" = 1 ] || fail "pending: $(pending_count bpend) pending entries, expected 1"
[ -e "$S/bpend/certs/a.example.pem" ] && fail "pending: activated without approval"
grep -q 'harvest=pending id=' "$S/bpend/smimegw.log" || fail "pending: not logged"
id=$(sed -n 's/.*harvest=pending id=\([0-9a-f]*\) .*/\1/p' "$S/bpend/smimegw.log" | head -1)
[ -n "$id" ] || fail "pending: no id in the log"
as_filter_user "$CERTTOOL_SG" -c "$(conf bpend)" pending >"$S/pending.out" 2>&1 ||
	fail "smimegw-cert pending: $(cat "$S/pending.out")"
grep -q "$id" "$S/pending.out" || fail "smimegw-cert pending does not list $id"
as_filter_user "$CERTTOOL_SG" -c "$(conf bpend)" approve "$id" >"$S/approve.out" 2>&1 ||
	fail "smimegw-cert approve: $(cat "$S/approve.out")"
[ -s "$S/bpend/certs/a.example.pem" ] || fail "approve did not write a.example.pem"
b_to_a bpend "approved"
ok "harvested into pending, approved, used"

# 2. auto with the community CA
bgw bauto auto verification.trust_anchors="$S/anchors.pem"
run_filter bauto -q BEHH0003 -f alice@a.example -- bob@b.example <"$S/signed.eml"
expect bauto 0 - 1 "auto: B receives"
[ -s "$S/bauto/certs/a.example.pem" ] || fail "auto: not activated"
[ "$(pending_count bauto)" = 0 ] || fail "auto: a pending entry too"
grep -q 'harvest=activated domain=a.example' "$S/bauto/smimegw.log" || fail "auto: not logged"
b_to_a bauto "auto"

# 3. a forged signature harvests nothing
reset a
run_filter a -q BEHH0007 -f alice@a.example -- someone@nocert.example <"$in"
expect a 0 - 1 "A signs a plain copy"
grep -q 'See the attachments' "$(cap a 1)/msg" || fail "forged: the plain copy is not readable"
sed 's/See the attachments/See the ATTACHMENTS/' "$(cap a 1)/msg" >"$S/forged.eml"
bgw bforged auto verification.trust_anchors="$S/anchors.pem"
run_filter bforged -q BEHH0004 -f alice@a.example -- bob@b.example <"$S/forged.eml"
expect bforged 0 - 1 "forged: B receives"
[ -e "$S/bforged/certs/a.example.pem" ] && fail "forged: a certificate was activated"
[ "$(pending_count bforged)" = 0 ] || fail "forged: something is pending"
grep -q 'harvest=' "$S/bforged/smimegw.log" && fail "forged: harvesting was tried"
ok "a forged signature harvests nothing"

# 4. rollover: a different key for a known domain goes to pending
cat >"$S/new.tmpl" <<EOF
cn = "smimegw test gateway a.example (next)"
email = "smg_encryptor@a.example"
encryption_key
signing_key
serial = 4242
expiration_days = 300
EOF
certtool --generate-privkey --rsa --bits 2048 --outfile "$S/new.key" 2>/dev/null
chmod 600 "$S/new.key"
certtool --generate-certificate --load-privkey "$S/new.key" --load-ca-certificate "$PKI/ca.pem" \
	--load-ca-privkey "$PKI/ca.key" --template "$S/new.tmpl" --outfile "$S/new.pem" \
	>/dev/null 2>&1 || fail "certtool cannot make the new certificate"
# A: decrypts with the new pair ([gateway]), still signs with gw-a, whose
# file carries the new certificate along so that the message holds it
make_gateway anew a.example gw-a signing.mode=all \
	gateway.certificate="$S/anew/new-gw.pem" gateway.private_key="$S/anew/new-gw.key" \
	signing.certificate="$S/anew/signer.pem" signing.private_key="$S/anew/gw.key"
cat "$PKI/gw-a.pem" "$S/new.pem" >"$S/anew/signer.pem"
cp "$S/new.pem" "$S/anew/new-gw.pem"
cp "$S/new.key" "$S/anew/new-gw.key"
chmod 600 "$S/anew/new-gw.key"
peer anew b.example.pem gw-b
own "$S/anew"
run_filter anew -q BEHH0005 -f alice@a.example -- someone@b.example <"$in"
expect anew 0 - 1 "A announces a new encryption certificate"
bgw broll auto
peer broll a.example.pem gw-a
run_filter broll -q BEHH0006 -f alice@a.example -- bob@b.example <"$(cap anew 1)/msg"
expect broll 0 - 1 "rollover: B receives"
[ "$(pending_count broll)" = 1 ] || fail "rollover: $(pending_count broll) pending, expected 1"
cmp -s <(openssl x509 -in "$S/broll/certs/a.example.pem" -outform DER) \
	<(openssl x509 -in "$PKI/gw-a.pem" -outform DER) ||
	fail "rollover: a.example.pem was changed without approval"
grep -q 'harvest=pending .*a different key' "$S/broll/smimegw.log" ||
	fail "rollover: the log does not say it is a different key"
ok "a different key for a known domain waits for the administrator"
finish
