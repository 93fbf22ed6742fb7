#!/usr/bin/env bash
# run-fuzzers.sh - run every libFuzzer target for a bounded time
#
# SYNOPSIS
#	bash tests/fuzz/run-fuzzers.sh BUILD_DIR [SECONDS [JOBS]]
#
# DESCRIPTION
#	BUILD_DIR was configured with -DCMAKE_C_COMPILER=clang
#	-DSMIMEGW_FUZZ=ON and built (--target smimegw_fuzzers is enough).
#	Each fuzz_<name> runs for SECONDS (default 40: eleven targets, two
#	at a time, stay under four and a half minutes) with ASan+UBSan, JOBS
#	(default: the number of CPUs) at a time, starting from its seed
#	corpus (tests/fuzz/corpus/<name>, never written to: new inputs go to
#	BUILD_DIR/fuzz-work/<name>). SMIMEGW_FUZZ_SEED fixes libFuzzer's
#	random seed (default: a new one each run, printed in the log).
# DIAGNOSTICS
#	Exit 0 when no target found anything. Otherwise exit 1 after every
#	target ran, with, for each failure, the end of its log (the stack)
#	and the input that triggered it (path, base64, hexdump), kept in
#	BUILD_DIR/fuzz-artifacts/. To make it a regression test, minimise it
#	(fuzz_<name> -minimize_crash=1 -max_total_time=60 FILE) and add it to
#	tests/fuzz/corpus/<name>/: the test fuzz-<name> replays it.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [SECONDS [JOBS]]" >&2; exit 2; }
build=$(cd "$1" && pwd)
secs=${2:-40}
jobs=${3:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
bin=$build/tests/fuzz
work=$build/fuzz-work
art=$build/fuzz-artifacts
targets=(cms ber mime config verify smimeattr mimesig addr probe inread
	ctype)

for t in "${targets[@]}"; do
	[ -x "$bin/fuzz_$t" ] || {
		echo "run-fuzzers: $bin/fuzz_$t missing (configure with clang and -DSMIMEGW_FUZZ=ON)" >&2
		exit 2
	}
done
rm -rf "$work" "$art"
mkdir -p "$work" "$art"

# run_one NAME - one target; its log in $work/NAME.log, status in .rc
run_one() {
	local t=$1 rc=0 seed=()
	mkdir -p "$work/$t"
	[ -n "${SMIMEGW_FUZZ_SEED:-}" ] && seed=(-seed="$SMIMEGW_FUZZ_SEED")
	# Hard stop well after -max_total_time, in case a run wedges.
	timeout --kill-after=10 $((secs + 120)) "$bin/fuzz_$t" \
		-max_total_time="$secs" -rss_limit_mb=2048 -timeout=25 \
		-print_final_stats=1 "${seed[@]}" \
		-artifact_prefix="$art/$t-" "$work/$t" "$here/corpus/$t" \
		>"$work/$t.log" 2>&1 || rc=$?
	echo "$rc" >"$work/$t.rc"
}

start=$SECONDS
running=0
for t in "${targets[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	run_one "$t" &
	running=$((running + 1))
done
wait

failed=0
for t in "${targets[@]}"; do
	rc=$(cat "$work/$t.rc")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	if [ "$rc" = 0 ]; then
		echo "fuzz_$t: ${runs:-?} inputs in ${secs}s, nothing found"
		continue
	fi
	failed=1
	echo "FAIL: fuzz_$t exited $rc after ${runs:-?} inputs; the report ($work/$t.log):" >&2
	# From the first report line to the stack's end, without ASan's
	# shadow-byte legend.
	awk '!on && /ERROR|runtime error|sg_fuzz:|deadly signal|Sanitizer/ { on = 1 }
	     on && /^Shadow bytes/ { exit }
	     on && n++ < 60' "$work/$t.log" | sed 's/^/  | /' >&2
	grep -E '^(MS:|artifact_prefix)' "$work/$t.log" | sed 's/^/  | /' >&2
	for f in "$art/$t-"*; do
		[ -f "$f" ] || continue
		echo "  input $f ($(stat -c %s "$f") bytes), base64:" >&2
		head -c 4096 "$f" | base64 -w 76 | sed 's/^/    /' >&2
		head -c 512 "$f" | od -A x -t x1z | sed 's/^/    /' >&2
	done
done
echo "run-fuzzers: $((SECONDS - start)) s"
exit $failed
