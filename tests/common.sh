# common.sh - helpers shared by the shell test suites (sourced, not run).
#
# The sourcing library defines fail (report and stop); these build on it.

# need_cmd CMD... - a missing tool is a failure, never a silent skip
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || fail "required tool '$c' not found in PATH"
	done
}

# run VAR CMD... - run CMD, store its exit code in VAR (never trips set -e)
run() {
	local __v=$1 __rc=0
	shift
	"$@" || __rc=$?
	printf -v "$__v" '%s' "$__rc"
}

# same EXPECTED GOT WHAT - the two files must be byte-identical
same() {
	[ -f "$2" ] || fail "$3: no output file $2"
	cmp -s "$1" "$2" ||
		fail "$3: $2 differs from $1 ($(stat -c %s "$1") bytes expected," \
			"$(stat -c %s "$2") got; $(cmp "$1" "$2" 2>&1 | head -1))"
}

# gnupg_home PKI_DIR - a private, offline GNUPGHOME for gpgsm that trusts
# PKI_DIR/ca.pem and never prompts (passphrases by loopback); gpg-agent is
# killed and the home removed at exit, then cleanup_scratch runs. The path
# is short: gpg-agent's socket path is limited to about 107 bytes.
gnupg_home() {
	GNUPGHOME=$(mktemp -d /tmp/sg-gnupg.XXXXXX)
	export GNUPGHOME
	chmod 700 "$GNUPGHOME"
	trap gnupg_end EXIT
	cat >"$GNUPGHOME/gpgsm.conf" <<'CONF'
# smimegw tests: offline, no revocation checking, never prompt
disable-crl-checks
disable-trusted-cert-crl-check
disable-ocsp
disable-dirmngr
disable-policy-checks
no-common-certs-import
batch
no-tty
pinentry-mode loopback
CONF
	echo "allow-loopback-pinentry" >"$GNUPGHOME/gpg-agent.conf"
	echo "$(openssl x509 -in "$1/ca.pem" -noout -fingerprint -sha1 |
		sed 's/.*=//') S" >"$GNUPGHOME/trustlist.txt"
}

# gnupg_end - the EXIT trap of gnupg_home
gnupg_end() {
	local rc=$?
	gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
	rm -rf "$GNUPGHOME"
	(exit $rc)
	cleanup_scratch
}

# cleanup_scratch - EXIT trap: remove the scratch directory $S on success,
# keep it and say where on failure; keeps the exit status
cleanup_scratch() {
	local rc=$?
	if [ $rc -ne 0 ]; then
		echo "$TEST: scratch files kept in $S" >&2
	else
		rm -rf "$S"
	fi
	return $rc
}
