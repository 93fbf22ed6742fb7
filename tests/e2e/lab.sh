# lab.sh - two Postfix gateways wired with smimegw, on loopback (sourced).
#
# The test (t-e2e-two-gateways.sh) sets these and sources this file:
#	E2E_ROOT	where everything lives (wiped at start; default
#			/run/smimegw-e2e)
#	E2E_USER	the unprivileged user the filter runs as
#	SMIMEGW		the filter binary
#	SAMPLE		master.cf.sample, whose smimegw and smtpd entries are
#			copied (user, path and config file substituted)
#
# Long-lived processes started here (Postfix, relays) get descriptor 9
# closed: the test holds its lock there, and a process of a run killed
# with SIGKILL must not keep the next run waiting for it.
#
# Layout, for gateway X in a b:
#	$E2E_ROOT/X/etc		config_directory: main.cf, master.cf
#	$E2E_ROOT/X/spool	queue_directory
#	$E2E_ROOT/X/data	data_directory
#	$E2E_ROOT/X/mail	virtual mailboxes (Maildir), owned by nobody
#	$E2E_ROOT/X/log/maillog	maillog_file (postlogd); smimegw's lines too
#	$E2E_ROOT/X/smimegw	smimegw.conf, gateway.pem, gateway.key (0600,
#				owned by E2E_USER), certs/<peer>.pem
#	$E2E_ROOT/relay/NAME	what e2e_relay.py recorded (spool/) and its log
#	$E2E_ROOT/state		what teardown must undo
#
# Postfix refuses a non-default config directory to its set-gid programs
# (postdrop behind sendmail(1), postlog(1)) run by an ordinary user unless
# the default /etc/postfix/main.cf lists it in alternate_config_directories
# (multi-instance Postfix, MULTI_INSTANCE_README). The filter runs both as
# E2E_USER, so lab_bless adds the two directories there for the duration
# (creating the file when it does not exist, as after a "No configuration"
# install) and lab_unbless puts the file back as it was.

E2E_LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_PY=${PYTHON:-python3}
E2E_MARK="smimegw-e2e: temporary, removed by tests/e2e when the test ends"
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)

e2e_mail() { "$E2E_PY" "$E2E_LAB_DIR/e2e_mail.py" "$@"; }

# lab_log MSG - progress line
lab_log() { printf '[%3ss] %s\n' "$SECONDS" "$*"; }

# lab_pids_of_root - pids of processes that belong to this lab: Postfix
# processes inherit MAIL_CONFIG=$E2E_ROOT/X/etc, our helpers carry
# SMIMEGW_E2E_ROOT=$E2E_ROOT.
lab_pids_of_root() {
	local f pid
	for f in /proc/[0-9]*/environ; do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[ "$pid" = $$ ] && continue
		if { tr '\0' '\n' <"$f"; } 2>/dev/null | grep -xF >/dev/null \
			-e "MAIL_CONFIG=$E2E_ROOT/a/etc" \
			-e "MAIL_CONFIG=$E2E_ROOT/b/etc" \
			-e "SMIMEGW_E2E_ROOT=$E2E_ROOT"; then
			echo "$pid"
		fi
	done
}

# lab_free_ports N - N TCP ports on 127.0.0.1 that nobody listens on,
# from 20000-29999 (below the kernel's ephemeral range)
lab_free_ports() {
	"$E2E_PY" - "$1" <<'EOF'
import random, socket, sys
want, found = int(sys.argv[1]), []
start = random.randrange(20000, 29000)
for port in list(range(start, 30000)) + list(range(20000, start)):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
        found.append(port)
    except OSError:
        pass
    finally:
        s.close()
    if len(found) == want:
        break
print(" ".join(map(str, found)))
EOF
}

# lab_user - the filter's system user (created once, left in place)
lab_user() {
	if ! id -u "$E2E_USER" >/dev/null 2>&1; then
		useradd --system --home-dir /nonexistent --no-create-home \
			--shell /usr/sbin/nologin "$E2E_USER"
		lab_log "created system user $E2E_USER"
	fi
}

# lab_bless - list both config directories in /etc/postfix/main.cf
lab_bless() {
	local main=/etc/postfix/main.cf dirs="$E2E_ROOT/a/etc $E2E_ROOT/b/etc" old
	if [ -e "$main" ]; then
		cp -p "$main" "$E2E_ROOT/state/main.cf.orig"
		old=$(postconf -c /etc/postfix -h alternate_config_directories)
		postconf -c /etc/postfix -e "alternate_config_directories = $old $dirs"
	else
		: >"$E2E_ROOT/state/main.cf.created"
		printf '# %s\nalternate_config_directories = %s\n' \
			"$E2E_MARK" "$dirs" >"$main"
		chmod 644 "$main"
	fi
}

# lab_unbless - put /etc/postfix/main.cf back as it was
lab_unbless() {
	local main=/etc/postfix/main.cf
	if [ -e "$E2E_ROOT/state/main.cf.orig" ]; then
		cp -p "$E2E_ROOT/state/main.cf.orig" "$main"
		rm -f "$E2E_ROOT/state/main.cf.orig"
	elif [ -e "$E2E_ROOT/state/main.cf.created" ]; then
		if [ -e "$main" ] && head -n 1 "$main" | grep -F "$E2E_MARK" >/dev/null; then
			rm -f "$main"
		fi
		rm -f "$E2E_ROOT/state/main.cf.created"
	fi
}

# lab_filter_path - the filter as E2E_USER can run it: the build tree may
# sit below a directory the user cannot enter (e.g. /root), then a copy.
lab_filter_path() {
	if runuser -u "$E2E_USER" -- test -x "$SMIMEGW"; then
		echo "$SMIMEGW"
	else
		mkdir -p "$E2E_ROOT/bin"
		install -m 755 "$SMIMEGW" "$E2E_ROOT/bin/smimegw"
		echo "$E2E_ROOT/bin/smimegw"
	fi
}

# lab_sample_entries FILTER CONF SMTPD_PORT - the smimegw pipe entry, the
# smtpd entry and the notification entries (bounce, defer, trace through
# cleanup-smimegw) of master.cf.sample, for this instance: user=, the filter's
# path and its -c file substituted, the smtpd bound to 127.0.0.1:PORT and
# not chrooted (a private instance has no chroot jail set up).
lab_sample_entries() {
	local filter=$1 conf=$2 port=$3
	awk -v user="$E2E_USER" -v filter="$filter" -v conf="$conf" \
	    -v port="$port" '
	/^[^[:space:]]/ { blk = ($1 == "smimegw") ? "pipe" \
		: ($1 == "smtp" && $2 == "inet") ? "smtpd" \
		: ($1 ~ /^(bounce|defer|trace|cleanup-smimegw)$/) ? "notify" : "" }
	blk == "notify" && /^[^[:space:]]/ { notify++ }
	blk == "smtpd" && /^smtp/ { $1 = "127.0.0.1:" port; $5 = "n"; print; next }
	blk == "pipe" {
		n = sub(/user=smimegw /, "user=" user " ")
		n += sub(/\/usr\/local\/sbin\/smimegw /, filter " ")
		n += sub(/\/etc\/smimegw\/smimegw\.conf/, conf)
		subs += n
	}
	blk != "" { print }
	END { if (subs != 3 || notify != 4) exit 1 }' "$SAMPLE"
}

# lab_instance X DOMAIN PEER PEER_PORT C_PORT SMTPD_PORT MAILBOX...
# One gateway: Postfix configuration, smimegw configuration, keys.
# Mail for PEER goes to 127.0.0.1:PEER_PORT, for c.example to C_PORT.
lab_instance() {
	local x=$1 domain=$2 peer=$3 peer_port=$4 c_port=$5 port=$6
	shift 6
	local r=$E2E_ROOT/$x filter conf maps="" mb entries
	mkdir -p "$r/etc" "$r/spool" "$r/data" "$r/mail" "$r/log" \
		"$r/smimegw/certs"
	chmod 755 "$r" "$r/etc" "$r/log" "$r/smimegw" "$r/smimegw/certs"
	chown postfix "$r/data"
	chown "$NOBODY_UID:$NOBODY_GID" "$r/mail"
	chmod 700 "$r/mail"
	for mb in "$@"; do
		maps="$maps${maps:+, }$mb@$domain=$mb/"
	done

	filter=$(lab_filter_path)
	conf=$r/smimegw/smimegw.conf
	entries=$(lab_sample_entries "$filter" "$conf" "$port") \
		|| { echo "lab: cannot find the smimegw, smtp and notification entries in $SAMPLE" >&2
		     return 1; }

	cat >"$r/etc/main.cf" <<EOF
# Gateway of $domain, smimegw end-to-end test (tests/e2e/lab.sh)
compatibility_level = 3.6
queue_directory = $r/spool
data_directory = $r/data
syslog_name = postfix-$x
maillog_file = $r/log/maillog
maillog_file_prefixes = $E2E_ROOT
myhostname = gw-$x.e2e.test
mydomain = e2e.test
myorigin = \$myhostname
mydestination =
local_transport = error:5.1.1 no local delivery on this gateway
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtpd_peername_lookup = no
mynetworks = 127.0.0.0/8
relay_domains =
alias_maps =
alias_database =
notify_classes =
biff = no
append_dot_mydomain = no
smtpd_banner = \$myhostname ESMTP smimegw-e2e
virtual_mailbox_domains = $domain
virtual_mailbox_base = $r/mail
virtual_mailbox_maps = inline:{ $maps, bounceme@$domain=bounceme/ }
virtual_uid_maps = static:$NOBODY_UID
virtual_gid_maps = static:$NOBODY_GID
# bounceme@ is accepted, then bounced at delivery, after the filter (check 8)
transport_maps = inline:{ $peer=smtp:[127.0.0.1]:$peer_port, c.example=smtp:[127.0.0.1]:$c_port, bounceme@$domain=bounceme: }
# From master.cf.sample:
$(sed -n 's/^#[[:space:]]*\(smimegw_[a-z_]* = .*\)$/\1/p' "$SAMPLE")
EOF
	cat >"$r/etc/master.cf" <<EOF
# Gateway of $domain, smimegw end-to-end test (tests/e2e/lab.sh).
# Postfix's standard services, not chrooted, plus postlogd (maillog_file),
# plus the smimegw, smtpd, bounce/defer/trace and cleanup-smimegw entries of
# master.cf.sample.
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
bounceme  unix  -       n       n       -       -       pipe
  flags= user=nobody argv=/bin/false
$entries
EOF

	cp "$PKI/gw-$x.pem" "$r/smimegw/gateway.pem"
	install -m 600 -o "$E2E_USER" -g "$(id -g "$E2E_USER")" \
		"$PKI/gw-$x.key" "$r/smimegw/gateway.key"
	case $peer in
	a.example) cp "$PKI/gw-a.pem" "$r/smimegw/certs/a.example.pem" ;;
	b.example) cp "$PKI/gw-b.pem" "$r/smimegw/certs/b.example.pem" ;;
	esac
	chmod 644 "$r/smimegw/gateway.pem" "$r/smimegw/certs/"*.pem
	if [ "$E2E_LOG_MODE" = file ]; then
		# smimegw appends to Postfix's file itself (see the README)
		install -m 600 -o "$E2E_USER" /dev/null "$r/log/maillog"
	fi
}

# lab_smimegw_conf X DOMAIN CIPHER KEYTRANS RID MIXED - (re)write the filter
# configuration; it is read for every message, so no reload is needed.
lab_smimegw_conf() {
	local x=$1 r=$E2E_ROOT/$1 logline=""
	[ "$E2E_LOG_MODE" = file ] && logline="log_file = $r/log/maillog"
	cat >"$r/smimegw/smimegw.conf.new" <<EOF
; gateway of $2, smimegw end-to-end test (tests/e2e/lab.sh)
[gateway]
domains = $2
certificate = $r/smimegw/gateway.pem
private_key = $r/smimegw/gateway.key
sendmail = /usr/sbin/sendmail
null_sender = outbound
timeout = 240
hostname = mx.$2
$logline

[certificates]
directory = $r/smimegw/certs

[outbound]
cipher = $3
key_transport = $4
recipient_id = $5
mixed_recipients = $6

[inbound]
decrypt_failure = bounce
desktop_smime = pass

; RFC 3183: sign, then encrypt; verify at the other end (the partner's
; certificate in certs/ is pinned: no trust anchors needed)
[signing]
mode = partners

[verification]
partner_policy = tag
EOF
	chmod 644 "$r/smimegw/smimegw.conf.new"
	mv -f "$r/smimegw/smimegw.conf.new" "$r/smimegw/smimegw.conf"
}

# lab_wait_port PORT - until something accepts connections there (10 s)
lab_wait_port() {
	"$E2E_PY" - "$1" <<'EOF'
import socket, sys, time
deadline = time.monotonic() + 10
while True:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("nothing listens on 127.0.0.1:%s after 10 s" % sys.argv[1])
        time.sleep(0.1)
EOF
}

# lab_start X - start gateway X; fail unless its smtpd answers
lab_start() {
	local x=$1
	if ! postfix -c "$E2E_ROOT/$x/etc" check \
	    || ! postfix -c "$E2E_ROOT/$x/etc" start 9>&-; then
		echo "lab: gateway $x did not start; its log says:" >&2
		tail -n 20 "$E2E_ROOT/$x/log/maillog" >&2 || true
		return 1
	fi
	lab_wait_port "$(postconf -c "$E2E_ROOT/$x/etc" -M | awk '$2 == "inet" && $8 == "smtpd" { sub(/.*:/, "", $1); print $1 }')"
}

# lab_relay NAME LISTEN_PORT [FORWARD_PORT] - start a recording relay
lab_relay() {
	local name=$1 port=$2 fwd=${3:-} d=$E2E_ROOT/relay/$1
	mkdir -p "$d/spool"
	SMIMEGW_E2E_ROOT=$E2E_ROOT "$E2E_PY" "$E2E_LAB_DIR/e2e_relay.py" \
		--listen "127.0.0.1:$port" --spool "$d/spool" \
		--name "relay-$name.e2e.test" ${fwd:+--forward "127.0.0.1:$fwd"} \
		>"$d/log" 2>&1 </dev/null 9>&- &
	lab_wait_port "$port"
}

# lab_stop - stop both gateways and the relays; wait until every process
# of the lab is gone (15 s), then kill what is left by pid (only processes
# whose environment names this lab, see lab_pids_of_root). Returns 1 when
# something survives even that.
lab_stop() {
	local x pid left _
	for x in a b; do
		[ -f "$E2E_ROOT/$x/etc/main.cf" ] || continue
		postfix -c "$E2E_ROOT/$x/etc" stop >/dev/null 2>&1 || true
	done
	for pid in $(lab_pids_of_root); do
		# our relays (Postfix's processes go with their master)
		if { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null \
			| grep -xF "SMIMEGW_E2E_ROOT=$E2E_ROOT" >/dev/null; then
			kill "$pid" 2>/dev/null || true
		fi
	done
	for _ in $(seq 150); do
		left=$(lab_pids_of_root)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "lab: still running after 15 s, killing: $left" >&2
	for pid in $left; do
		kill -9 "$pid" 2>/dev/null || true
	done
	sleep 1
	left=$(lab_pids_of_root)
	[ -z "$left" ] || { echo "lab: could not stop: $left" >&2; return 1; }
}

# lab_reset - undo a previous run that could not clean up (killed), wipe
lab_reset() {
	if [ -d "$E2E_ROOT" ]; then
		lab_stop || return 1
		[ -d "$E2E_ROOT/state" ] && lab_unbless
		rm -rf "$E2E_ROOT"
	fi
	mkdir -p "$E2E_ROOT/state"
	chmod 755 "$E2E_ROOT"
}

# lab_gateways A_TO_B B_TO_A C_PORT A_PORT B_PORT A_MAILBOX... - the two
# gateways every lab run uses: A (a.example) sends b.example to A_TO_B and
# B (b.example) a.example to B_TO_A, both c.example to C_PORT; A signs and
# encrypts with aes256-cbc (RSA PKCS #1 v1.5, issuer and serial), B with
# aes256-gcm (RSA-OAEP, SKI); mixed recipients are split. bob is B's user.
lab_gateways() {
	local ab=$1 ba=$2 c=$3 pa=$4 pb=$5
	shift 5
	lab_instance a a.example b.example "$ab" "$c" "$pa" "$@" \
		|| fail "cannot configure gateway A"
	lab_instance b b.example a.example "$ba" "$c" "$pb" bob \
		|| fail "cannot configure gateway B"
	lab_smimegw_conf a a.example aes256-cbc rsa-pkcs1 issuer-serial split
	lab_smimegw_conf b b.example aes256-gcm rsa-oaep ski split
}
