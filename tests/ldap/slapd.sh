#!/bin/bash
# NAME
#	slapd.sh - a throw-away OpenLDAP server for the community tests
# SYNOPSIS
#	. tests/ldap/slapd.sh
#	slapd_start DIR PORT [TLS_CERT TLS_KEY]	# DIR: a new, empty directory
#	slapd_load FILE.ldif			# slapd_modify FILE.ldif
#	slapd_stop				# also on every exit (trap)
#
#	bash tests/ldap/slapd.sh DIR PORT LDIF [TLS_CERT TLS_KEY]
#						# by hand: runs until ^C
# DESCRIPTION
#	Starts Debian's slapd (package slapd, installed by .ci/install-deps)
#	from a slapd.conf written into DIR: the core, cosine and
#	inetorgperson schemas of /etc/ldap/schema, one mdb database for
#	dc=community,dc=example whose root DN is SLAPD_ROOTDN with the
#	password SLAPD_ROOTPW (the test gateways bind with it; everyone may
#	read), listening on ldap://127.0.0.1:PORT only. With TLS_CERT and
#	TLS_KEY (PEM) the server offers StartTLS with that certificate.
#
#	As root, DIR is given to nobody (65534) and slapd runs as that user
#	through setpriv: never as root, never on a privileged port, never
#	with the system's /etc/ldap/slapd.d. slapd_start waits until the
#	server answers (10 s at most) and installs an EXIT trap that stops
#	it, so a failing test never leaves a server behind; slapd_stop kills
#	only the pid it started.
#
#	slapd_load adds an LDIF over LDAP (ldapadd), slapd_modify applies
#	one (ldapmodify), both bound as the root DN.
# DIAGNOSTICS
#	slapd_start returns 1 with slapd's own output on stderr when the
#	server does not come up.
# SECURITY
#	TEST ONLY: a fixed password, anonymous read.

SLAPD_SUFFIX="dc=community,dc=example"
SLAPD_ROOTDN="cn=admin,dc=community,dc=example"
SLAPD_ROOTPW="test-only-secret"
SLAPD_PID=""
SLAPD_DIR=""
SLAPD_URI=""

# slapd_stop - stop the server this shell started (idempotent)
slapd_stop() {
	if [ -n "$SLAPD_PID" ] && kill -0 "$SLAPD_PID" 2>/dev/null; then
		kill "$SLAPD_PID" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$SLAPD_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$SLAPD_PID" 2>/dev/null || true
		wait "$SLAPD_PID" 2>/dev/null || true
	fi
	SLAPD_PID=""
}

# slapd_start - DIR PORT [TLS_CERT TLS_KEY]
slapd_start() {
	local dir=$1 port=$2 cert=${3:-} key=${4:-} run=()
	local slapd=/usr/sbin/slapd
	[ -x "$slapd" ] || { echo "slapd.sh: $slapd missing (apt-get install slapd)" >&2; return 1; }
	SLAPD_DIR=$dir
	SLAPD_URI="ldap://127.0.0.1:$port"
	mkdir -p "$dir/db"
	{
		echo "include /etc/ldap/schema/core.schema"
		echo "include /etc/ldap/schema/cosine.schema"
		echo "include /etc/ldap/schema/inetorgperson.schema"
		echo "pidfile $dir/slapd.pid"
		echo "argsfile $dir/slapd.args"
		echo "modulepath /usr/lib/ldap"
		echo "moduleload back_mdb"
		if [ -n "$cert" ]; then
			cp "$cert" "$dir/tls.pem"
			cp "$key" "$dir/tls.key"
			chmod 600 "$dir/tls.key"
			echo "TLSCertificateFile $dir/tls.pem"
			echo "TLSCertificateKeyFile $dir/tls.key"
		fi
		echo "database mdb"
		echo "maxsize 67108864"
		echo "suffix \"$SLAPD_SUFFIX\""
		echo "rootdn \"$SLAPD_ROOTDN\""
		echo "rootpw $SLAPD_ROOTPW"
		echo "directory $dir/db"
		echo "access to * by * read"
	} >"$dir/slapd.conf"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R 65534:65534 "$dir"
		run=(setpriv --reuid 65534 --regid 65534 --clear-groups)
	fi
	trap slapd_stop EXIT
	"${run[@]}" "$slapd" -d 0 -f "$dir/slapd.conf" -h "$SLAPD_URI/" \
		>"$dir/slapd.log" 2>&1 </dev/null &
	SLAPD_PID=$!
	for _ in $(seq 100); do
		if LDAPNOINIT=1 ldapsearch -x -LLL -H "$SLAPD_URI" -s base -b "" \
			namingContexts >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$SLAPD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "slapd.sh: slapd did not start on $SLAPD_URI:" >&2
	cat "$dir/slapd.log" >&2
	slapd_stop
	return 1
}

# slapd_load - add the entries of an LDIF file
slapd_load() {
	LDAPNOINIT=1 ldapadd -x -H "$SLAPD_URI" -D "$SLAPD_ROOTDN" \
		-w "$SLAPD_ROOTPW" -f "$1" >/dev/null
}

# slapd_modify - apply an LDIF of changes (changetype: ...)
slapd_modify() {
	LDAPNOINIT=1 ldapmodify -x -H "$SLAPD_URI" -D "$SLAPD_ROOTDN" \
		-w "$SLAPD_ROOTPW" -f "$1" >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	[ $# -ge 3 ] || { echo "usage: slapd.sh DIR PORT LDIF [TLS_CERT TLS_KEY]" >&2; exit 2; }
	slapd_start "$1" "$2" "${4:-}" "${5:-}"
	slapd_load "$3"
	echo "slapd on $SLAPD_URI (pid $SLAPD_PID); ^C stops it"
	wait "$SLAPD_PID"
fi
