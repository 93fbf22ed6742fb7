#!/usr/bin/env bash
# NAME
#	bench-lab.sh - messages/s through two real Postfix instances (issue 11)
# SYNOPSIS
#	tests/bench/bench-lab.sh [-n COUNT] [-k KB] [-l "LIMIT..."] [-r REPEAT]
#		[-w WARMUP] SMIMEGW [PKI_DIR]
#	tests/bench/bench-lab.sh -p PAIRS [-F] [-n COUNT] [-k KB] [-w WARMUP]
#		SMIMEGW [PKI_DIR]
# DESCRIPTION
#	A benchmark, not a test (not registered in ctest): it prints figures
#	and asserts only that the mail arrived. As root, in the e2e lab
#	(tests/e2e/lab.sh: gateway A for a.example, gateway B for b.example,
#	each a real Postfix instance wired from master.cf.sample; here A's
#	transport for b.example is B's smtpd itself, no recording relay in
#	between), under the e2e lab lock and with the e2e tests' exit handler
#	(both instances stopped, /etc/postfix/main.cf put back).
#
#	Each row sends COUNT messages of about KB kilobytes (default 500 x 10)
#	from alice@a.example to bob@b.example over ONE SMTP connection to A's
#	smtpd, and times from the first MAIL FROM to the modification time of
#	the last file delivered to bob's Maildir at B:
#	  1. no filter at A or B
#	  2. a null pipe filter at A (null-filter.sh: exec sendmail -G -i, the
#	     ceiling of the pipe(8) architecture), with smimegw's process limit
#	  3. smimegw at A only (B stores the ciphertext), for each process
#	     limit of the smimegw pipe service in LIMIT (default: 2, the
#	     value in master.cf.sample, 20)
#	  4. smimegw at A and at B (B decrypts)
#	smimegw is configured as in the e2e lab (lab_smimegw_conf): A signs
#	and encrypts (AES-256-CBC, RSA PKCS#1 v1.5), B verifies and decrypts.
#	And, for the reinjection alone (postdrop + pickup), COUNT submissions
#	of the same messages with "sendmail -G -i" into A as the filter's user,
#	no filter anywhere: one after the other, and as many at a time as the
#	sample's process limit; both timed to submission done and to the last
#	file at B (the harness, sh and setpriv per message, is included).
#
#	With -p, only rows 2 and 3 run, PAIRS times each, back to back and
#	in turns (2 3, 3 2, 2 3, ...), and the figure is the median of the
#	PAIRS ratios of one pair: on a shared machine whose speed drifts over
#	minutes (the null filter's own rate has varied 60 to 125 msg/s from
#	one round to the next here), a pair's two rows see the same machine,
#	where medians of whole rounds do not.
#
#	-F adds a third row to each pair, in turn with the other two: the
#	floor filter (floor-filter.c, built here against the static
#	libraries beside SMIMEGW, ../lib): linked with GnuTLS, it reads the
#	message, makes one RSA signature of its digest with A's key through
#	sg_rsasign(3), as smimegw signs, and execs sendmail with the message
#	unchanged. It is what any filter of this design that signs with A's
#	key can at best reach.
#
#	Configurations are switched with postconf -P/-F and a restart of
#	both instances (stop, wait until every process of the instance is
#	gone, start); every row starts with empty queues and an empty Maildir
#	and first delivers WARMUP messages (default 5), untimed.
#
#	Asserted, per row: exactly the COUNT Message-IDs sent arrive, each once;
#	rows 1, 2 and the reinjection rows deliver the plaintext (the canary,
#	no X-SMIME-Gateway), row 3 application/pkcs7-mime without the canary,
#	row 4 the plaintext with "X-SMIME-Gateway: decrypted"; both queues
#	empty afterwards.
#
#	"cpu" is how busy all cores were during the row (/proc/stat), to tell a
#	CPU-bound row from one that waits.
# OPTIONS
#	-n COUNT	messages per row (default 500)
#	-k KB		approximate size of each message (default 10)
#	-l "LIMIT..."	process limits of the smimegw service for row 3
#	-p PAIRS	paired mode: rows 2 and 3 only, PAIRS pairs (above)
#	-F		with -p: the floor filter as a third row (above)
#	-r REPEAT	run all rows REPEAT times, one round after the other
#			(default 1); the table shows the median of each row
#			and the range of its rates (for a shared machine)
#	-w WARMUP	untimed messages before each row (default 5)
# ENVIRONMENT
#	E2E_ROOT, E2E_USER, E2E_SAMPLE, E2E_LOG_MODE: as for the e2e tests
#	(E2E_LOG_MODE=file: smimegw appends to the maillog itself, as cheap
#	as syslog on a production host; postlog, the default where there is
#	no /dev/log, starts one postlog(1) per message)
#	(tests/e2e/t-e2e-two-gateways.sh). BENCH_TIMEOUT: seconds to wait for
#	one row's delivery (default 120 + COUNT).
# EXIT STATUS
#	0 figures printed; 77 not root; 1 mail did not arrive as it should;
#	2 usage.
set -euo pipefail

TEST=bench-lab
BENCH=$(cd "$(dirname "$0")" && pwd)
HERE=$(cd "$BENCH/../e2e" && pwd)
# shellcheck source=tests/e2e/preamble.sh
. "$HERE/preamble.sh"

usage() {
	echo "usage: $TEST [-n COUNT] [-k KB] [-l \"LIMIT...\"] [-r REPEAT] [-w WARMUP] SMIMEGW [PKI_DIR]" >&2
	echo "       $TEST -p PAIRS [-F] [-n COUNT] [-k KB] [-w WARMUP] SMIMEGW [PKI_DIR]" >&2
	exit 2
}

COUNT=500 KB=10 LIMITS="" WARM=5 REPEAT=1 PAIRS=0 FLOOR=0
while getopts Fn:k:l:p:r:w: opt; do
	case $opt in
	F) FLOOR=1 ;;
	n) COUNT=$OPTARG ;;
	p) PAIRS=$OPTARG ;;
	r) REPEAT=$OPTARG ;;
	k) KB=$OPTARG ;;
	l) LIMITS=$OPTARG ;;
	w) WARM=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] && [ $# -le 2 ] || usage
for v in "$COUNT" "$KB" "$WARM" "$REPEAT" "$PAIRS" $LIMITS; do
	case $v in ''|*[!0-9]*) usage ;; esac
done
[ "$COUNT" -ge 1 ] && [ "$KB" -ge 1 ] && [ "$REPEAT" -ge 1 ] || usage
[ -x "$1" ] || fail "smimegw binary not found or not executable: $1"
if [ "$FLOOR" -eq 1 ]; then
	[ "$PAIRS" -gt 0 ] || usage
	LIBS=$(cd "$(dirname "$1")/../lib" 2>/dev/null && pwd) \
		|| fail "no lib/ beside $1 for the floor filter"
	FLOOR_BIN=$(mktemp /tmp/floor-filter.XXXXXX)
	# shellcheck disable=SC2046 # pkg-config's words
	cc -O2 -I "$TOP/lib/cms" -I "$TOP/lib/util" -o "$FLOOR_BIN" \
		"$BENCH/floor-filter.c" "$LIBS/libsmimegw_cms.a" \
		"$LIBS/libsmimegw_util.a" $(pkg-config --libs gnutls hogweed nettle gmp) \
		|| fail "cannot build the floor filter against $LIBS"
fi
# shellcheck disable=SC2034 # read by lab.sh
SMIMEGW=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PKI=${2:-$E2E_ROOT/pki}
BTMO=${BENCH_TIMEOUT:-$((120 + COUNT))}

SAMPLE_LIMIT=$(awk '$1 == "smimegw" && $2 == "unix" { print $7 }' "$SAMPLE" 2>/dev/null || true)
case $SAMPLE_LIMIT in
''|*[!0-9]*) fail "no numeric process limit on the smimegw entry of $SAMPLE" ;;
esac
[ -n "$LIMITS" ] || LIMITS="2 $SAMPLE_LIMIT 20"

e2e_preflight setpriv xargs
e2e_start

A=$E2E_ROOT/a
B=$E2E_ROOT/b
W=$E2E_ROOT/bench
MAILDIR=$B/mail/bob
mkdir -p "$W"

# ------------------------------------------------------------ helpers

cat >"$W/bench_lab.py" <<'EOF'
"""bench_lab.py - messages and Maildir polling for bench-lab.sh"""
import base64, email.utils, glob, os, random, smtplib, sys, time


def die(msg):
    sys.exit("bench-lab: " + msg)


def gen(d, n, kb, run):
    """N messages of about KB kilobytes in D, Message-ID bench-I.RUN"""
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(run + d)
    for i in range(1, n + 1):
        head = ("From: Alice <alice@a.example>\r\nTo: Bob <bob@b.example>\r\n"
                "Subject: bench %d\r\nDate: %s\r\n"
                "Message-ID: <bench-%05d.%s@e2e.test>\r\nMIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                % (i, email.utils.formatdate(), i, run))
        body = ["Canary: BENCH-%s\r\n" % run]
        size = len(head) + len(body[0])
        while size < kb * 1024:
            line = base64.b64encode(rnd.randbytes(57)).decode() + "\r\n"
            body.append(line)
            size += len(line)
        with open(os.path.join(d, "m%05d.eml" % i), "w", newline="") as f:
            f.write(head + "".join(body))


def send(port, d):
    """all messages of D over one SMTP connection; print the realtime of
    the first MAIL FROM and the seconds until the last was accepted"""
    files = sorted(glob.glob(os.path.join(d, "*.eml")))
    data = [open(f, "rb").read() for f in files]
    with smtplib.SMTP("127.0.0.1", int(port), local_hostname="client.e2e.test",
                      timeout=120) as s:
        s.ehlo()
        t0 = time.time()
        for m in data:
            s.sendmail("alice@a.example", ["bob@b.example"], m)
        t1 = time.time()
    print("%.6f %.6f" % (t0, t1 - t0))


def msgid(raw):
    head = raw.split(b"\n\n", 1)[0]
    for line in head.split(b"\n"):
        if line[:11].lower() == b"message-id:":
            return line[11:].strip().strip(b"<>").decode()
    return None


def wait(maildir, d, t0, timeout, expect, run):
    """until the Message-IDs of D are in MAILDIR, each once and as EXPECTed;
    print the seconds from T0 to the newest file's mtime"""
    want = set()
    for f in glob.glob(os.path.join(d, "*.eml")):
        want.add(msgid(open(f, "rb").read().replace(b"\r\n", b"\n")))
    deadline = time.monotonic() + timeout
    while True:
        files = glob.glob(os.path.join(maildir, "new", "*")) \
            + glob.glob(os.path.join(maildir, "cur", "*"))
        if len(files) >= len(want):
            break
        if time.monotonic() > deadline:
            die("%d of %d messages in %s after %ss"
                % (len(files), len(want), maildir, timeout))
        time.sleep(0.05)
    last = max(os.stat(f).st_mtime_ns for f in files) / 1e9
    got, canary = [], ("Canary: BENCH-%s" % run).encode()
    for f in files:
        raw = open(f, "rb").read()
        head = raw.split(b"\n\n", 1)[0].lower()
        got.append(msgid(raw))
        if expect == "cipher":
            ok = (b"content-type: application/pkcs7-mime" in head
                  and canary not in raw)
        elif expect == "decrypted":
            ok = (canary in raw
                  and b"\nx-smime-gateway: decrypted" in b"\n" + head)
        else:
            ok = canary in raw and b"\nx-smime-gateway:" not in b"\n" + head
        if not ok:
            die("%s is not %s" % (f, expect))
    if len(got) != len(want) or set(got) != want:
        die("%s: %d files, %d distinct Message-IDs, %d expected, %d missing"
            % (maildir, len(got), len(set(got)), len(want),
               len(want - set(got))))
    print("%.6f" % (last - t0))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        gen(args[0], int(args[1]), int(args[2]), args[3])
    elif cmd == "send":
        send(args[0], args[1])
    elif cmd == "wait":
        wait(args[0], args[1], float(args[2]), float(args[3]), args[4],
             args[5])
EOF
py() { "$E2E_PY" "$W/bench_lab.py" "$@"; }

# cpu_ticks - "busy total" jiffies of all cores, from /proc/stat
cpu_ticks() {
	awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i
		print t - $5 - $6, t; exit }' /proc/stat
}

# queues_empty - both gateways' queues are empty (waits up to 60 s)
queues_empty() {
	local x _ out
	for x in a b; do
		for _ in $(seq 300); do
			out=$(postqueue -c "$E2E_ROOT/$x/etc" -p)
			[ "$out" = "Mail queue is empty" ] && continue 2
			sleep 0.2
		done
		fail "gateway $x's queue is not empty: $(echo "$out" | head -n 5)"
	done
}

# maildir_clear - empty bob's Maildir
maildir_clear() {
	find "$MAILDIR" -type f -delete 2>/dev/null || true
}

# instance_gone X - until no process of gateway X is left (15 s)
instance_gone() {
	local f _
	for _ in $(seq 150); do
		f=$(grep -lxzF "MAIL_CONFIG=$E2E_ROOT/$1/etc" /proc/[0-9]*/environ 2>/dev/null || true)
		[ -z "$f" ] && return 0
		sleep 0.1
	done
	fail "gateway $1 still has processes after postfix stop: $f"
}

# configure A_FILTER B_FILTER LIMIT - content_filter of A's and B's smtpd,
# the process limit of A's smimegw service; restart both
configure() {
	local x
	postconf -c "$A/etc" -P "127.0.0.1:$PA/inet/content_filter=$1"
	postconf -c "$B/etc" -P "127.0.0.1:$PB/inet/content_filter=$2"
	postconf -c "$A/etc" -F "smimegw/unix/process_limit=$3"
	for x in a b; do
		postfix -c "$E2E_ROOT/$x/etc" stop >/dev/null 2>&1 || true
		instance_gone "$x"
	done
	lab_start a >/dev/null || fail "gateway A did not restart"
	lab_start b >/dev/null || fail "gateway B did not restart"
	[ "$(postconf -c "$A/etc" -P "127.0.0.1:$PA/inet/content_filter" | sed 's/ *$//')" \
		= "127.0.0.1:$PA/inet/content_filter =${1:+ $1}" ] \
		|| fail "A's smtpd content_filter is not '$1'"
}

# warm_up EXPECT - WARMUP untimed messages through the current set-up
warm_up() {
	[ "$WARM" -gt 0 ] || return 0
	maildir_clear
	local t
	t=$(py send "$PA" "$W/warm") || fail "A refused the warm-up messages"
	py wait "$MAILDIR" "$W/warm" "${t% *}" "$BTMO" "$1" "$RUN" >/dev/null \
		|| fail "warm-up messages did not arrive as $1"
	queues_empty
	maildir_clear
}

ROWS=()
declare -A SECS PCT
# record LABEL SECONDS CPU0 CPU1 - one measurement of a row of the table
record() {
	local pct
	pct=$(awk -v a="$3" -v b="$4" 'BEGIN { split(a, x, " "); split(b, y, " ")
		printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }')
	[ -n "${SECS[$1]:-}" ] || ROWS+=("$1")
	SECS[$1]="${SECS[$1]:-} $2"
	PCT[$1]="${PCT[$1]:-} $pct"
	lab_log "$1: $COUNT messages in $2 s ($(awk -v s="$2" -v n="$COUNT" \
		'BEGIN { printf "%.1f", n / s }') msg/s), cpu $pct%"
}

# smtp_row LABEL A_FILTER B_FILTER LIMIT EXPECT - one timed SMTP row
smtp_row() {
	local label=$1 expect=$5 c0 c1 t secs
	configure "$2" "$3" "$4"
	queues_empty
	warm_up "$expect"
	c0=$(cpu_ticks)
	t=$(py send "$PA" "$W/msgs") || fail "$label: A refused a message"
	secs=$(py wait "$MAILDIR" "$W/msgs" "${t% *}" "$BTMO" "$expect" "$RUN") \
		|| fail "$label: the messages did not arrive as $expect"
	c1=$(cpu_ticks)
	queues_empty
	record "$label" "$secs" "$c0" "$c1"
	maildir_clear
}

# reinject_row LABEL PARALLEL - COUNT sendmail submissions, PARALLEL at a time
reinject_row() {
	local label=$1 par=$2 c0 cm c1 t0 t1 secs
	configure "" "" "$SAMPLE_LIMIT"
	queues_empty
	c0=$(cpu_ticks)
	t0=$(date +%s.%N)
	# sendmail -G -i into A as the filter's user, as a filter would (sh:
	# dash, for the redirection; the least harness per message)
	find "$W/msgs" -name '*.eml' | sort \
		| MAIL_CONFIG=$A/etc xargs -P "$par" -n 1 sh -c 'exec setpriv \
			--reuid="$0" --regid="$1" --clear-groups /usr/sbin/sendmail \
			-G -i -f alice@a.example -- bob@b.example <"$2"' \
			"$E2E_UID" "$E2E_GID" \
		|| fail "$label: sendmail failed"
	t1=$(date +%s.%N)
	cm=$(cpu_ticks)
	secs=$(py wait "$MAILDIR" "$W/msgs" "$t0" "$BTMO" plain "$RUN") \
		|| fail "$label: the messages did not arrive"
	c1=$(cpu_ticks)
	queues_empty
	record "$label, submitted" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" "$c0" "$cm"
	record "$label, at B" "$secs" "$c0" "$c1"
	maildir_clear
}

# ---------------------------------------------------------------- set-up

lab_log "test PKI"
bash "$TOP/tests/pki/gen-test-pki.sh" "$PKI" "$TOP/tests/data/nss" >/dev/null \
	|| fail "cannot generate the test PKI in $PKI"
lab_user
E2E_UID=$(id -u "$E2E_USER") E2E_GID=$(id -g "$E2E_USER")
read -r PA PB PX <<<"$(lab_free_ports 3)"
[ -n "$PX" ] || fail "could not find 3 free ports on 127.0.0.1"
# A sends b.example straight to B's smtpd; nothing listens on PX (B's
# route back to a.example and c.example: nothing may go there)
lab_gateways "$PB" "$PX" "$PX" "$PA" "$PB" alice
lab_bless

# the null filter: a copy the filter's user can run, in a pipe entry like
# smimegw's (same flags, user, process limit and main.cf limits)
install -m 755 "$BENCH/null-filter.sh" "$E2E_ROOT/null-filter.sh"
postconf -c "$A/etc" -M "nullfilter/unix=nullfilter unix - n n - $SAMPLE_LIMIT pipe flags=Rq user=$E2E_USER null_sender= argv=$E2E_ROOT/null-filter.sh -f \${sender} -- \${recipient}"
postconf -c "$A/etc" -e "nullfilter_time_limit = $(postconf -c "$A/etc" -h smimegw_time_limit)" \
	"nullfilter_destination_recipient_limit = $(postconf -c "$A/etc" -h smimegw_destination_recipient_limit)"

if [ "$FLOOR" -eq 1 ]; then
	install -m 755 "$FLOOR_BIN" "$E2E_ROOT/floor-filter"
	rm -f "$FLOOR_BIN"
	postconf -c "$A/etc" -M "floorfilter/unix=floorfilter unix - n n - $SAMPLE_LIMIT pipe flags=Rq user=$E2E_USER null_sender= argv=$E2E_ROOT/floor-filter $A/smimegw/gateway.key -f \${sender} -- \${recipient}"
	postconf -c "$A/etc" -e "floorfilter_time_limit = $(postconf -c "$A/etc" -h smimegw_time_limit)" \
		"floorfilter_destination_recipient_limit = $(postconf -c "$A/etc" -h smimegw_destination_recipient_limit)"
fi

lab_start a || fail "gateway A did not start"
lab_start b || fail "gateway B did not start"
py gen "$W/msgs" "$COUNT" "$KB" "$RUN"
[ "$WARM" -eq 0 ] || py gen "$W/warm" "$WARM" "$KB" "$RUN-warm"
lab_log "A smtpd :$PA -> B smtpd :$PB; $COUNT messages of $(stat -c %s "$W/msgs/m00001.eml") bytes per row;" \
	"smimegw logs via $E2E_LOG_MODE; Postfix $(postconf -dh mail_version), $(nproc) cores, $E2E_ROOT on $(df --output=fstype "$E2E_ROOT" | tail -n 1)"

# ------------------------------------------------------------------ rows

NULLROW="2 null pipe filter at A, limit $SAMPLE_LIMIT"
GWROW="3 smimegw at A, limit $SAMPLE_LIMIT"
# null_row, gw_row - rows 2 and 3
null_row() { smtp_row "$NULLROW" nullfilter:dummy "" "$SAMPLE_LIMIT" plain; }
gw_row() { smtp_row "$GWROW" smimegw:dummy "" "$SAMPLE_LIMIT" cipher; }

FLOORROW="floor filter at A, limit $SAMPLE_LIMIT"
floor_row() { smtp_row "$FLOORROW" floorfilter:dummy "" "$SAMPLE_LIMIT" plain; }

if [ "$PAIRS" -gt 0 ]; then
	SET=(null_row gw_row)
	[ "$FLOOR" -eq 0 ] || SET+=(floor_row)
	for i in $(seq "$PAIRS"); do
		lab_log "pair $i of $PAIRS"
		# rotate the order: each row comes first, middle and last in turn
		for j in $(seq 0 $((${#SET[@]} - 1))); do
			"${SET[$(((i + j) % ${#SET[@]}))]}"
		done
	done
	# pair_ratios ROW - per pair: null msg/s, ROW msg/s, their ratio; a summary
	pair_ratios() {
		# shellcheck disable=SC2086 # word lists
		paste -d ' ' <(printf '%s\n' ${SECS[$NULLROW]}) <(printf '%s\n' ${SECS[$1]}) \
		| awk -v n="$COUNT" -v name="$1" '
			{ z[NR] = n / $1; g[NR] = n / $2; r[NR] = $1 / $2 }
			END {
				printf "\n%s\n%-5s %12s %14s %9s\n", name, "pair", "null msg/s", "msg/s", "ratio"
				for (i = 1; i <= NR; i++) printf "%-5d %12.1f %14.1f %8.2fx\n", i, z[i], g[i], r[i]
				for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++)
					if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
				m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
				printf "vs the null filter: median %.2fx of %d pairs (%.2fx to %.2fx)\n", m, NR, r[1], r[NR]
			}'
	}
	echo
	echo "$PAIRS pairs of rows, $COUNT messages of about $KB KB per row," \
		"Postfix $(postconf -dh mail_version), $(nproc) cores"
	pair_ratios "$GWROW"
	[ "$FLOOR" -eq 0 ] || pair_ratios "$FLOORROW"
	exit 0
fi

for round in $(seq "$REPEAT"); do
	[ "$REPEAT" -eq 1 ] || lab_log "round $round of $REPEAT"
	smtp_row "1 no filter" "" "" "$SAMPLE_LIMIT" plain
	null_row
	gw_row
	smtp_row "4 smimegw at A and B, limit $SAMPLE_LIMIT" smimegw:dummy smimegw:dummy "$SAMPLE_LIMIT" decrypted
	for l in $LIMITS; do
		[ "$l" = "$SAMPLE_LIMIT" ] && continue
		smtp_row "3 smimegw at A, limit $l" smimegw:dummy "" "$l" cipher
	done
	reinject_row "sendmail x $COUNT, 1 at a time" 1
	reinject_row "sendmail x $COUNT, $SAMPLE_LIMIT at a time" "$SAMPLE_LIMIT"
done

# ----------------------------------------------------------------- table

# median WORDS... - the median of numbers
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
	END { printf "%.6f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo
echo "$COUNT messages of about $KB KB per row, median of $REPEAT round(s)," \
	"Postfix $(postconf -dh mail_version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086 # word lists
base=$(median ${SECS[${ROWS[0]}]})
# shellcheck disable=SC2086
null=$(median ${SECS[${ROWS[1]}]})
printf '%-42s %8s %8s %7s %7s %5s  %s\n' row seconds "msg/s" "vs none" "vs null" cpu "msg/s range"
for r in "${ROWS[@]}"; do
	# shellcheck disable=SC2086
	awk -v l="$r" -v s="$(median ${SECS[$r]})" -v p="$(median ${PCT[$r]})" \
	    -v n="$COUNT" -v b="$base" -v z="$null" -v all="${SECS[$r]}" 'BEGIN {
		k = split(all, t, " "); lo = hi = n / t[1]
		for (i = 2; i <= k; i++) { r = n / t[i]; if (r < lo) lo = r; if (r > hi) hi = r }
		printf "%-42s %8.2f %8.1f %6.2fx %6.2fx %4.0f%%  %.1f-%.1f\n", l, s, n / s, b / s, z / s, p, lo, hi }'
done
