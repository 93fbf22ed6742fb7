#!/bin/bash
# NAME
#	lib.sh - common set-up of the community directory tests (tests/ldap)
# SYNOPSIS
#	. tests/ldap/lib.sh	(from t-*.sh, which get: SYNC SNAPFIND PKI)
#	ldap_pki DIR		# test material, once (ctest fixture)
#	ldap_setup [tls]	# scratch dir $T, slapd with the base LDIF
#	ldap_conf [key = value ...]	# $T/smimegw.conf with an [ldap] section
#	sync_run [--force]	# smimegw-cert sync; $rc, $T/out, $T/err
#	member_ldif DOMAIN DER_FILE [ATTR]	# an LDIF entry on stdout
# DESCRIPTION
#	The directory layout the tests use (and examples/community.ldif
#	documents): dc=community,dc=example; members under ou=members, each
#	an organization + domainRelatedObject (associatedDomain) + pkiUser
#	(userCertificate;binary), or an inetOrgPerson with
#	userSMIMECertificate (PKCS#7); CRLs under ou=crls as
#	cRLDistributionPoint entries (certificateRevocationList;binary).
#
#	ldap_pki writes, with openssl and certtool:
#	dir-ca.pem		CA of the directory's TLS certificate
#	slapd.pem slapd.key	the directory's certificate (localhost,
#				127.0.0.1)
#	wrong-ca.pem		an unrelated CA
#	comm-ca.pem .key	the community CA that issues members'
#				certificates
#	b1 b2 c1 d1 e1 f1 (.pem .der .key)  smg_encryptor@X.example, RSA 2048
#				(b2 replaces b1)
#	e-crl.der		a CRL of comm-ca revoking e1
#	f.p7b			PKCS#7 (DER) with f1 and comm-ca
#	garbage.der		bytes that are no certificate
#	weak.der		a 1024-bit certificate for w.example
set -euo pipefail

LDAP_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$LDAP_HERE/slapd.sh"

SG_LDAP_PORT=${SG_LDAP_PORT:-38911}
BASE_DN="ou=members,dc=community,dc=example"
CRL_DN="ou=crls,dc=community,dc=example"

fail() {
	echo "FAIL: $*" >&2
	for f in "$T/err" "$T/out" "$T/sync.log"; do
		[ -s "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
	done
	exit 1
}

# ldap_leaf NAME DOMAIN [BITS] - a member certificate issued by comm-ca
ldap_leaf() {
	local d=$1 name=$2 dom=$3 bits=${4:-2048}
	openssl req -new -newkey "rsa:$bits" -nodes -keyout "$d/$name.key" \
		-subj "/O=$dom/CN=smg_encryptor@$dom" -out "$d/$name.csr" 2>/dev/null
	printf '%s\n' "subjectAltName=email:smg_encryptor@$dom" \
		"keyUsage=critical,digitalSignature,keyEncipherment" \
		"extendedKeyUsage=emailProtection" \
		"basicConstraints=critical,CA:FALSE" \
		"subjectKeyIdentifier=hash" >"$d/$name.ext"
	openssl x509 -req -in "$d/$name.csr" -CA "$d/comm-ca.pem" \
		-CAkey "$d/comm-ca.key" -CAcreateserial -days 3650 \
		-extfile "$d/$name.ext" -out "$d/$name.pem" 2>/dev/null
	openssl x509 -in "$d/$name.pem" -outform DER -out "$d/$name.der"
	rm -f "$d/$name.csr" "$d/$name.ext"
}

# ldap_ca NAME CN - a self-signed CA
ldap_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/$2.key" \
		-subj "/O=smimegw tests/CN=$3" -days 3650 \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "$1/$2.pem" 2>/dev/null
}

# ldap_pki DIR - the test material (idempotent)
ldap_pki() {
	local d=$1
	[ -f "$d/stamp" ] && [ "$d/stamp" -nt "${BASH_SOURCE[0]}" ] && return 0
	rm -rf "$d"
	mkdir -p "$d"
	ldap_ca "$d" dir-ca "Directory TLS CA"
	ldap_ca "$d" wrong-ca "Wrong CA"
	ldap_ca "$d" comm-ca "Community CA"
	openssl req -new -newkey rsa:2048 -nodes -keyout "$d/slapd.key" \
		-subj "/CN=localhost" -out "$d/slapd.csr" 2>/dev/null
	printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		"extendedKeyUsage=serverAuth" >"$d/slapd.ext"
	openssl x509 -req -in "$d/slapd.csr" -CA "$d/dir-ca.pem" \
		-CAkey "$d/dir-ca.key" -CAcreateserial -days 3650 \
		-extfile "$d/slapd.ext" -out "$d/slapd.pem" 2>/dev/null
	for m in b1:b.example b2:b.example c1:c.example d1:d.example \
		 e1:e.example f1:f.example; do
		ldap_leaf "$d" "${m%%:*}" "${m#*:}"
	done
	ldap_leaf "$d" weak w.example 1024
	# A CRL of the community CA that revokes e1.
	printf '%s\n' "crl_next_update = 3650" "crl_number = 1" >"$d/crl.tmpl"
	certtool --generate-crl --load-ca-privkey "$d/comm-ca.key" \
		--load-ca-certificate "$d/comm-ca.pem" \
		--load-certificate "$d/e1.pem" --template "$d/crl.tmpl" \
		--outder --outfile "$d/e-crl.der" >/dev/null 2>&1
	openssl crl2pkcs7 -nocrl -certfile "$d/f1.pem" \
		-certfile "$d/comm-ca.pem" -outform DER -out "$d/f.p7b"
	head -c 600 /dev/urandom >"$d/garbage.der"
	touch "$d/stamp"
}

# member_ldif DOMAIN FILE [ATTR] - an entry for a member domain
member_ldif() {
	local dom=$1 file=$2 attr=${3:-userCertificate;binary}
	echo "dn: o=$dom,$BASE_DN"
	if [ "$attr" = "userSMIMECertificate" ]; then
		echo "objectClass: inetOrgPerson"
		echo "cn: $dom"
		echo "sn: gateway"
	else
		echo "objectClass: organization"
		echo "objectClass: pkiUser"
	fi
	echo "objectClass: domainRelatedObject"
	echo "o: $dom"
	echo "associatedDomain: $dom"
	[ -n "$file" ] && echo "$attr:: $(base64 -w0 "$file")"
	echo
}

# crl_ldif FILE - the CRL entry
crl_ldif() {
	echo "dn: cn=Community CA,$CRL_DN"
	echo "objectClass: cRLDistributionPoint"
	echo "cn: Community CA"
	echo "certificateRevocationList;binary:: $(base64 -w0 "$1")"
	echo
}

# base_ldif - the suffix and the two organisational units
base_ldif() {
	printf '%s\n' "dn: dc=community,dc=example" "objectClass: dcObject" \
		"objectClass: organization" "dc: community" "o: Community" "" \
		"dn: $BASE_DN" "objectClass: organizationalUnit" "ou: members" "" \
		"dn: $CRL_DN" "objectClass: organizationalUnit" "ou: crls" ""
}

# ldap_setup [tls] - scratch directory and a running slapd with the base
ldap_setup() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/sg-ldap.XXXXXX")
	chmod 755 "$T"
	mkdir "$T/slapd" "$T/var"
	trap 'slapd_stop; [ -n "${SG_LDAP_KEEP:-}" ] || rm -rf "$T"' EXIT
	if [ "${1:-}" = tls ]; then
		slapd_start "$T/slapd" "$SG_LDAP_PORT" "$PKI/slapd.pem" \
			"$PKI/slapd.key" || fail "slapd did not start"
	else
		slapd_start "$T/slapd" "$SG_LDAP_PORT" || fail "slapd did not start"
	fi
	trap 'slapd_stop; [ -n "${SG_LDAP_KEEP:-}" ] || rm -rf "$T"' EXIT
	base_ldif >"$T/base.ldif"
	slapd_load "$T/base.ldif" || fail "cannot load the base LDIF"
}

# ldap_conf [LINE ...] - the configuration, extra [ldap] lines appended
ldap_conf() {
	{
		printf '%s\n' "[gateway]" "domains = a.example" \
			"certificate = /nonexistent/gw-a.pem" \
			"private_key = /nonexistent/gw-a.key" \
			"log_file = $T/sync.log" "[ldap]" \
			"base = $BASE_DN" "directory = $T/var/community" \
			"timeout = 5"
		for l in "$@"; do echo "$l"; done
	} >"$T/smimegw.conf"
}

# sync_run [ARGS] - one sync; rc in $rc, stdout in $T/out, stderr $T/err
sync_run() {
	set +e
	"$SYNC" -c "$T/smimegw.conf" sync "$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
}

# expect_rc N WHAT - the last sync exited with N
expect_rc() {
	[ "$rc" -eq "$1" ] || fail "$2: exit $rc, expected $1"
}

# snap_has DOMAIN CERT - the snapshot's DOMAIN.pem is exactly CERT
snap_has() {
	local f="$T/var/community/$1.pem"
	[ -f "$f" ] || fail "no $1.pem in the snapshot"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$f")" -eq 1 ] ||
		fail "$1.pem holds more than one certificate"
	cmp -s <(openssl x509 -in "$f" -outform DER) "$2" ||
		fail "$1.pem is not $(basename "$2")"
}

# summary_has TEXT - the summary line contains TEXT
summary_has() {
	grep -qF -- "$1" "$T/out" || fail "summary lacks '$1': $(cat "$T/out")"
}
