# sandbox.sh - run a script against a throw-away copy of this machine (sourced)
#
# SYNOPSIS
#	. tests/install/sandbox.sh
#	sandbox_run UPPER [--net] -- COMMAND [ARG...]
# DESCRIPTION
#	Runs COMMAND as root in new mount and PID namespaces (and a network
#	namespace with only loopback, with --net) in which /etc, /usr, /var,
#	/opt, /srv and /root are overlays: every write lands in UPPER/<dir>
#	(a tmpfs mounted at UPPER inside the namespace, so it is gone
#	afterwards) and the machine itself is never changed. Installing a
#	package, creating users, starting Postfix: all of it is forgotten
#	when COMMAND ends, and every process it left behind dies with the PID
#	namespace. Files elsewhere (the build tree, /tmp) are the real ones.
#
#	Inside, SANDBOX_UPPER names UPPER: "what did this change?" is the
#	list of files under $SANDBOX_UPPER/etc, .../usr, ... (deleted files
#	appear as character devices 0/0, overlayfs whiteouts).
# DIAGNOSTICS
#	Returns COMMAND's status; 77 (skip) when not root, 1 with a message
#	when the namespaces or overlays cannot be made.

SANDBOX_DIRS="etc usr var opt srv root"

sandbox_run() {
	local upper=$1 net=""
	shift
	[ "$1" = --net ] && { net=--net; shift; }
	[ "$1" = -- ] && shift
	if [ "$(id -u)" -ne 0 ]; then
		echo "sandbox: needs root (overlay mounts); skipped" >&2
		return 77
	fi
	mkdir -p "$upper"
	unshare --mount --pid --fork --kill-child $net --propagation private \
		env SANDBOX_UPPER="$upper" SANDBOX_DIRS="$SANDBOX_DIRS" \
		bash -c '
set -e
mount -t tmpfs -o mode=0755 sandbox "$SANDBOX_UPPER"
for d in $SANDBOX_DIRS; do
	[ -d "/$d" ] || continue
	mkdir -p "$SANDBOX_UPPER/$d" "$SANDBOX_UPPER/.work/$d"
	mount -t overlay "sandbox-$d" -o "lowerdir=/$d,upperdir=$SANDBOX_UPPER/$d,workdir=$SANDBOX_UPPER/.work/$d" "/$d" \
		|| { echo "sandbox: cannot mount an overlay on /$d" >&2; exit 1; }
done
mount -t proc proc /proc
[ -z "'"$net"'" ] || ip link set lo up
exec "$@"' sandbox "$@"
}
