#!/bin/bash
# t-cert-tool - smimegw-cert, every command on good and bad input:
#	import of PEM, DER, PKCS#7 and PKCS#12 (right and wrong password),
#	refusals (garbage, expired, weak key, not for encryption, name
#	mismatch, read-only directory) and --force, rollover append,
#	list --json read by python's json, show, remove, check exit codes at
#	the warn/crit boundaries, pending/approve/reject, request (openssl req
#	-verify, names, key usage, key mode), and a certificate imported while
#	the filter is installed encrypts the next message (no restart).
#
# Usage: t-cert-tool.sh SMIMEGW PKI_DIR SMIMEGW_CERT
set -euo pipefail
TEST=t-cert-tool
. "$(dirname "$0")/lib.sh"
setup "$@"
CERT=${3:?usage: t-cert-tool.sh SMIMEGW PKI_DIR SMIMEGW_CERT}
[ -x "$CERT" ] || fail "smimegw-cert not found: $CERT"
if ! as_filter_user test -x "$CERT"; then
	install -m 755 "$CERT" "$S/smimegw-cert"
	CERT=$S/smimegw-cert
fi

make_gateway a a.example gw-a verification.trust_anchors="$PKI/ca.pem" \
	verification.crl_dir="$S/a/crl"
mkdir -p "$S/a/crl" "$S/a/pending" "$S/x"
cp "$PKI/ca.crl.pem" "$S/a/crl/"
printf '[harvest]\npending_dir = %s\n' "$S/a/pending" >>"$(conf a)"
own "$S/a"
C=$(conf a)
D=$S/a/certs

# tool ARG... - run smimegw-cert as root; RC, stdout $S/out, stderr $S/err
tool() {
	RC=0
	"$CERT" -c "$C" "$@" >"$S/out" 2>"$S/err" || RC=$?
}
# rc_is N WHAT - exit status N
rc_is() {
	[ "$RC" = "$1" ] || fail "$2: exit $RC, expected $1 (stdout: $(head -c 300 "$S/out"); stderr: $(head -c 300 "$S/err"))"
	ok "$2"
}
# err_has TEXT WHAT - one line on stderr that contains TEXT
err_has() {
	[ "$(wc -l <"$S/err")" = 1 ] || fail "$2: expected one line on stderr, got: $(cat "$S/err")"
	grep -qF -- "$1" "$S/err" || fail "$2: stderr '$(cat "$S/err")' lacks '$1'"
	ok "$2: message"
}
# fpr FILE - SHA-256 fingerprint of the (first) certificate, lower-case hex
fpr() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }
# ncerts FILE - number of certificates in FILE
ncerts() { grep -c -- '-----BEGIN CERTIFICATE-----' "$1"; }

# mkcert NAME SAN DAYS_FROM DAYS_TO [KU] - a key and a certificate by the
#	test CA, valid from now+DAYS_FROM to now+DAYS_TO days and 12 hours
#	(so that "days left" does not change between two commands of a check,
#	as it did when the end fell on a second boundary; python's
#	cryptography: openssl 3.0 cannot set dates in the past)
mkcert() {
	"$PY" - "$PKI/ca.pem" "$PKI/ca.key" "$S/x/$1" "$2" "$3" "$4" "${5:-enc}" <<'PY'
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
ca = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
cakey = serialization.load_pem_private_key(open(sys.argv[2], 'rb').read(), None)
out, san, a, b, ku = sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
now = datetime.datetime.now(datetime.timezone.utc)
c = (x509.CertificateBuilder()
     .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, out.rsplit('/', 1)[1])]))
     .issuer_name(ca.subject).public_key(key.public_key())
     .serial_number(x509.random_serial_number())
     .not_valid_before(now + datetime.timedelta(days=a))
     .not_valid_after(now + datetime.timedelta(days=b, hours=12))
     .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(san)]), False)
     .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
     .add_extension(x509.KeyUsage(True, False, ku == 'enc', False, False, False, False, False, False), True)
     .sign(cakey, hashes.SHA256()))
open(out + '.pem', 'wb').write(c.public_bytes(serialization.Encoding.PEM))
PY
}

t_import_formats() {
	tool import "$PKI/gw-b.pem"
	rc_is 0 "import PEM"
	cmp -s "$D/b.example.pem" "$PKI/gw-b.pem" || fail "b.example.pem is not gw-b.pem"
	[ "$(stat -c %a "$D/b.example.pem")" = 644 ] || fail "b.example.pem mode $(stat -c %a "$D/b.example.pem")"
	grep -qF "$(fpr "$PKI/gw-b.pem")" "$S/out" || fail "import does not print the fingerprint"
	ok "import PEM: file named from the DOMSEC address, 0644, fingerprint"
	# rollover: a second certificate for the domain is appended
	openssl x509 -in "$PKI/gw-b-next.pem" -outform DER -out "$S/x/next.der"
	tool import "$S/x/next.der"
	rc_is 0 "import DER (rollover)"
	[ "$(ncerts "$D/b.example.pem")" = 2 ] || fail "rollover: $(ncerts "$D/b.example.pem") certificates in b.example.pem"
	tool import "$PKI/gw-b.pem"
	rc_is 0 "import again"
	[ "$(ncerts "$D/b.example.pem")" = 2 ] || fail "the same certificate was appended twice"
	ok "rollover: appended once"
	# PKCS#7 certs-only, with the CA: the CA is not imported
	openssl crl2pkcs7 -nocrl -certfile "$PKI/carol.pem" -certfile "$PKI/ca.pem" \
		-outform DER -out "$S/x/carol.p7b"
	tool import "$S/x/carol.p7b"
	rc_is 0 "import PKCS#7"
	[ -f "$D/carol@c.example.pem" ] && [ "$(ncerts "$D/carol@c.example.pem")" = 1 ] ||
		fail "PKCS#7: carol@c.example.pem missing or holds the CA"
	ok "PKCS#7: a person's address names the file, the CA is left out"
	# PKCS#12: password from a file only
	printf 'secret-pw\n' >"$S/x/pw"
	printf 'wrong-pw\n' >"$S/x/badpw"
	openssl pkcs12 -export -in "$PKI/gw-c.pem" -inkey "$PKI/gw-c.key" \
		-certfile "$PKI/ca.pem" -passout pass:secret-pw -out "$S/x/c.p12"
	tool import --password-file "$S/x/badpw" "$S/x/c.p12"
	rc_is 1 "PKCS#12, wrong password"
	err_has "$S/x/c.p12: wrong password" "PKCS#12, wrong password"
	tool import "$S/x/c.p12"
	rc_is 1 "PKCS#12 without a password"
	err_has "--password-file" "PKCS#12 without a password"
	[ ! -e "$D/c.example.pem" ] || fail "a refused PKCS#12 left c.example.pem"
	tool import --password-file "$S/x/pw" "$S/x/c.p12"
	rc_is 0 "PKCS#12, right password"
	cmp -s "$D/c.example.pem" "$PKI/gw-c.pem" || fail "c.example.pem is not gw-c.pem"
	! grep -q PRIVATE "$D/c.example.pem" || fail "the PKCS#12 key was written"
	ok "PKCS#12: the certificate only"
	[ -z "$(find "$D" -name '.*')" ] || fail "temporary files left: $(ls -a "$D")"
	ok "no temporary files left"
}

t_import_refusals() {
	head -c 700 /dev/urandom >"$S/x/garbage.pem"
	tool import "$S/x/garbage.pem"
	rc_is 1 "garbage"
	err_has "$S/x/garbage.pem" "garbage"
	mkcert old smg_encryptor@old.example -400 -10
	tool import "$S/x/old.pem"
	rc_is 1 "expired"
	err_has "expired on" "expired"
	mkcert early smg_encryptor@early.example 5 400
	tool import "$S/x/early.pem"
	rc_is 1 "not yet valid"
	err_has "not valid before" "not yet valid"
	openssl req -x509 -newkey rsa:1024 -nodes -keyout "$S/x/weak.key" -days 60 \
		-subj /CN=weak -addext subjectAltName=email:smg_encryptor@weak.example \
		-addext keyUsage=critical,keyEncipherment \
		-addext basicConstraints=critical,CA:FALSE -out "$S/x/weak.pem" 2>/dev/null
	tool import "$S/x/weak.pem"
	rc_is 1 "RSA 1024"
	err_has "weak key (RSA 1024" "RSA 1024"
	! grep -q "CA certificate" "$S/err" || fail "the weak test certificate is a CA"
	mkcert sig smg_encryptor@sig.example -1 300 sign
	tool import "$S/x/sig.pem"
	rc_is 1 "no keyEncipherment"
	err_has "neither keyEncipherment nor keyAgreement" "no keyEncipherment"
	tool import --domain d.example "$PKI/gw-b.pem"
	rc_is 1 "name mismatch"
	err_has "does not name d.example" "name mismatch"
	tool import --address bob@b.example "$PKI/carol.pem"
	rc_is 1 "address mismatch"
	err_has "does not name bob@b.example" "address mismatch"
	for n in old early weak sig; do
		[ ! -e "$D/$n.example.pem" ] || fail "refused $n.example.pem was written"
	done
	[ ! -e "$D/d.example.pem" ] && [ ! -e "$D/bob@b.example.pem" ] || fail "a refused import was written"
	ok "nothing refused was written"
	tool import --force "$S/x/weak.pem"
	rc_is 0 "--force imports a weak key"
	grep -q "warning" "$S/err" || fail "--force: no warning"
	[ -f "$D/weak.example.pem" ] || fail "--force: weak.example.pem missing"
	ok "--force: warned and written"
	# a read-only directory, as an unprivileged user (no root needed)
	mkdir "$S/ro"
	cp "$C" "$S/ro.conf"
	sed -i "s|^directory = .*|directory = $S/ro|" "$S/ro.conf"
	cp "$PKI/gw-b.pem" "$S/x/b.pem"
	chmod 755 "$S/x"
	own "$S/ro" "$S/ro.conf" "$S/x/b.pem"
	chmod 555 "$S/ro"
	RC=0
	as_filter_user "$CERT" -c "$S/ro.conf" import "$S/x/b.pem" >"$S/out" 2>"$S/err" || RC=$?
	rc_is 1 "read-only directory"
	err_has "cannot write $S/ro/b.example.pem" "read-only directory"
	chmod 755 "$S/ro"
	RC=0
	as_filter_user "$CERT" -c "$S/ro.conf" import "$S/x/b.pem" >"$S/out" 2>"$S/err" || RC=$?
	rc_is 0 "import as an unprivileged user"
	[ "$(stat -c %U "$S/ro/b.example.pem")" != root ] || fail "written as root?"
	ok "unprivileged import"
}

t_list_show() {
	tool list --json
	rc_is 0 "list --json"
	"$PY" - "$S/out" "$D" "$(fpr "$PKI/gw-b.pem")" 2>"$S/py.err" <<'PY' || fail "list --json: $(cat "$S/py.err")"
import json, sys
rows = json.load(open(sys.argv[1]))
d, fb = sys.argv[2], sys.argv[3]
roles = {r["role"] for r in rows}
for want in ("own-encryption,own-signing", "peer-domain", "peer-address", "trust-anchor", "crl"):
    assert want in roles, (want, roles)
b = [r for r in rows if r["file"] == d + "/b.example.pem"]
assert len(b) == 2, b
assert b[0]["sha256"] == fb, b[0]
assert b[0]["emails"] == ["smg_encryptor@b.example"], b[0]
assert b[0]["status"] == "valid" and b[0]["days_left"] > 300, b[0]
assert b[0]["key"] == "RSA 2048", b[0]
for k in ("subject", "issuer", "serial", "not_after"):
    assert b[0][k], k
w = [r for r in rows if r["file"] == d + "/weak.example.pem"][0]
assert w["key"] == "RSA 1024" and w["status"] == "untrusted", w
crl = [r for r in rows if r["role"] == "crl"][0]
assert crl["next_update"] and crl["status"] == "valid", crl
PY
	ok "list --json parsed by python, fields right"
	tool list
	rc_is 0 "list (table)"
	grep -q "^peer-domain .*valid .*$D/b.example.pem" "$S/out" || fail "table: no b.example row"
	ok "list table"
	tool show b.example
	rc_is 0 "show DOMAIN"
	[ "$(grep -c '^sha256: ' "$S/out")" = 2 ] || fail "show b.example: not 2 certificates"
	tool show carol@c.example
	rc_is 0 "show ADDRESS"
	grep -qx "names: carol@c.example" "$S/out" || fail "show carol: names"
	tool show "$PKI/gw-a.pem"
	rc_is 0 "show FILE"
	tool show nobody@z.example
	rc_is 1 "show unknown"
	err_has "no certificate for nobody@z.example" "show unknown"
	# revoked: the test CRL lists vfy-revoked
	tool import --force --address vfy-revoked@a.example "$PKI/vfy-revoked.pem"
	rc_is 0 "import revoked (forced)"
	tool show vfy-revoked@a.example
	grep -qx "status: revoked" "$S/out" || fail "revoked certificate shown as $(grep status: "$S/out")"
	ok "revoked via crl_dir"
	tool remove vfy-revoked@a.example
	rc_is 0 "remove ADDRESS"
	[ ! -e "$D/vfy-revoked@a.example.pem" ] || fail "remove left the file"
	tool remove vfy-revoked@a.example
	rc_is 1 "remove again"
	err_has "$D/vfy-revoked@a.example.pem" "remove again"
	tool remove weak.example
	rc_is 0 "remove DOMAIN"
}

# check_is WARN CRIT CODE WORD WHAT
check_is() {
	tool check --warn "$1" --crit "$2"
	rc_is "$3" "$5"
	[ "$(wc -l <"$S/out")" = 1 ] || fail "$5: not one line: $(cat "$S/out")"
	grep -q "^SMIMEGW-CERT $4 - .* | min_days=[-0-9]*;$1;$2 " "$S/out" ||
		fail "$5: status line '$(cat "$S/out")'"
	ok "$5: status line"
}

t_check() {
	tool check
	rc_is 0 "check, all valid"
	grep -q "^SMIMEGW-CERT OK - .*| min_days=[0-9]*;30;7 " "$S/out" || fail "check: '$(cat "$S/out")'"
	mkcert short smg_encryptor@short.example -1 12
	tool import "$S/x/short.pem"
	rc_is 0 "import a short certificate"
	tool show short.example
	left=$(sed -n 's/^days left: //p' "$S/out")
	[ -n "$left" ] && [ "$left" -ge 10 ] && [ "$left" -le 12 ] || fail "days left '$left'"
	check_is "$left" 0 0 OK "check at warn = days left"
	check_is $((left + 1)) 0 1 WARNING "check at warn = days left + 1"
	check_is 100 "$left" 1 WARNING "check at crit = days left"
	check_is 100 $((left + 1)) 2 CRITICAL "check at crit = days left + 1"
	grep -q "short.example.pem: $left days left" "$S/out" || fail "check names the file: $(cat "$S/out")"
	tool remove short.example
	# an expired peer: CRITICAL whatever the thresholds
	mkcert gone smg_encryptor@gone.example -100 -1
	tool import --force "$S/x/gone.pem"
	check_is 0 0 2 CRITICAL "check with an expired peer"
	grep -q "gone.example.pem: no usable certificate" "$S/out" || fail "expired peer not named"
	# rollover: an expired certificate beside a valid one is fine
	tool import --force --domain gone.example "$PKI/gw-b.pem"
	check_is 30 7 0 OK "check, expired + valid in one file"
	tool remove gone.example
	# a CRL past its nextUpdate
	"$PY" - "$PKI/ca.pem" "$PKI/ca.key" "$S/a/crl/stale.pem" <<'PY'
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
ca = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
key = serialization.load_pem_private_key(open(sys.argv[2], 'rb').read(), None)
now = datetime.datetime.now(datetime.timezone.utc)
crl = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
       .last_update(now - datetime.timedelta(days=10))
       .next_update(now - datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
open(sys.argv[3], 'wb').write(crl.public_bytes(serialization.Encoding.PEM))
PY
	check_is 30 7 2 CRITICAL "check with a stale CRL"
	grep -q "stale.pem: past its nextUpdate" "$S/out" || fail "stale CRL not named"
	rm "$S/a/crl/stale.pem"
	# UNKNOWN: the configuration cannot be read
	RC=0
	"$CERT" -c "$S/nonexistent.conf" check >"$S/out" 2>"$S/err" || RC=$?
	rc_is 3 "check, no configuration: UNKNOWN"
	grep -q "^SMIMEGW-CERT UNKNOWN - " "$S/out" || fail "UNKNOWN line: $(cat "$S/out")"
}

t_pending() {
	local id f
	f=$(fpr "$PKI/gw-b-next.pem")
	id=${f:0:16}
	cp "$PKI/gw-b-next.pem" "$S/a/pending/$id.pem"
	printf 'domain: e.example\nsource: signed mail <m1@e.example>\nreceived: 1700000000\nfingerprint: %s\n' \
		"$f" >"$S/a/pending/$id.meta"
	tool pending
	rc_is 0 "pending"
	grep -q "^$id e.example received 2023-11-14 22:13:20 sha256 $f source signed mail <m1@e.example>$" "$S/out" ||
		fail "pending line: $(cat "$S/out")"
	ok "pending lists the entry"
	tool approve "$id"
	rc_is 1 "approve a certificate that does not name its domain"
	err_has "does not name e.example" "approve refused"
	printf 'domain: b2.b.example\nsource: x\nreceived: 1700000000\nfingerprint: %s\n' "$f" >"$S/a/pending/$id.meta"
	tool list --json
	grep -q '"pending_id": "'"$id"'"' "$S/out" || fail "list does not show the pending entry"
	tool approve "$id"
	rc_is 0 "approve"
	cmp -s "$D/b2.b.example.pem" "$PKI/gw-b-next.pem" || fail "approve did not write b2.b.example.pem"
	[ ! -e "$S/a/pending/$id.meta" ] && [ ! -e "$S/a/pending/$id.pem" ] || fail "approve left the entry"
	tool approve "$id"
	rc_is 1 "approve again"
	err_has "no pending certificate $id" "approve again"
	cp "$PKI/gw-b-next.pem" "$S/a/pending/$id.pem"
	printf 'domain: b3.b.example\nsource: x\nreceived: 1\nfingerprint: %s\n' "$f" >"$S/a/pending/$id.meta"
	tool reject "$id"
	rc_is 0 "reject"
	[ -z "$(ls "$S/a/pending")" ] || fail "reject left files"
	[ ! -e "$D/b3.b.example.pem" ] || fail "reject activated it"
	tool reject ../../etc
	rc_is 1 "reject a bad id"
	err_has "is not a pending id" "reject a bad id"
	rm -f "$D/b2.b.example.pem"
}

t_request() {
	local csr=$S/x/req.csr key=$S/x/req.key text
	tool request --domain Gw.Example --key-out "$key" --csr-out "$csr"
	rc_is 0 "request"
	[ "$(stat -c %a "$key")" = 600 ] || fail "key mode $(stat -c %a "$key")"
	openssl req -verify -in "$csr" -noout 2>/dev/null || fail "openssl req -verify rejects the CSR"
	text=$(openssl req -in "$csr" -noout -text)
	for n in domain-confidentiality-authority domain-signing-authority smg_encryptor; do
		grep -q "email:$n@gw.example" <<<"$text" || fail "CSR lacks $n@gw.example: $text"
	done
	grep -A1 "Key Usage: critical" <<<"$text" | grep "Digital Signature, Key Encipherment" >/dev/null ||
		grep -A1 "X509v3 Key Usage" <<<"$text" | grep "Digital Signature, Key Encipherment" >/dev/null ||
		fail "CSR key usage: $text"
	grep -A1 "Extended Key Usage" <<<"$text" | grep "E-mail Protection" >/dev/null || fail "CSR EKU"
	grep -q "Public-Key: (3072 bit)" <<<"$text" || fail "not RSA 3072"
	[ "$(openssl pkey -in "$key" -pubout)" = "$(openssl req -in "$csr" -noout -pubkey)" ] ||
		fail "key and CSR do not match"
	ok "CSR: verifies, names, key usage, RSA 3072, key 0600"
	tool request --domain gw.example --key-out "$key" --csr-out "$csr"
	rc_is 1 "request over an existing key"
	err_has "$key exists" "request over an existing key"
	tool request --ec --domain gw.example --key-out "$S/x/ec.key" --csr-out "$S/x/ec.csr"
	rc_is 0 "request --ec"
	openssl req -verify -in "$S/x/ec.csr" -noout 2>/dev/null || fail "EC CSR does not verify"
	text=$(openssl req -in "$S/x/ec.csr" -noout -text)
	grep -q "prime256v1" <<<"$text" || fail "EC CSR not P-256"
	grep -A1 "X509v3 Key Usage" <<<"$text" | grep "Digital Signature, Key Agreement" >/dev/null || fail "EC key usage: $text"
	ok "EC CSR"
	tool request --domain single --key-out "$S/x/s.key" --csr-out "$S/x/s.csr"
	rc_is 1 "request for a single label"
	[ ! -e "$S/x/s.key" ] || fail "a key was written for a refused request"
}

t_encrypt_after_import() {
	rm -f "$D/b.example.pem"
	tool import "$PKI/gw-b.pem"
	rc_is 0 "import before mail"
	reset a
	run_filter a -q CRT0001 -f alice@a.example -- bob@b.example <"$DATA/outbound/text-8bit.eml"
	expect a 0 - 1 "mail after import"
	smime_of a 1 "$S/x/m.der" "mail after import"
	opens_with "$S/x/m.der" gw-b "mail after import"
}

[ -f "$DATA/outbound/text-8bit.eml" ] || fail "missing $DATA/outbound/text-8bit.eml"
section t_import_formats "import formats"
section t_import_refusals "import refusals"
section t_list_show "list, show, remove"
section t_check "check"
section t_pending "pending, approve, reject"
section t_request "request"
section t_encrypt_after_import "encrypt after import"
finish
