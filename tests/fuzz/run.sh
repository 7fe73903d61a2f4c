#!/bin/sh
# run.sh FUZZBUILD SECONDS [TARGET...] - `make fuzz`: runs each libFuzzer
# target for SECONDS over its committed corpus (tests/fuzz/corpus/<t>,
# read only) plus build/fuzz/corpus/<t>, where new inputs are kept (with
# FUZZ_RUNS=N in the environment, N executions instead of SECONDS), and
# prints libFuzzer's final statistics per target (executions, exec/s,
# cov and ft of the last status line). Crashes go to
# build/fuzz/crashes/<t>/. Scratch trees live in /dev/shm when there is
# one (the targets that write files run ~20 times faster there).
B=${1:?usage: run.sh FUZZBUILD SECONDS [TARGET...]}
T=${2:?usage: run.sh FUZZBUILD SECONDS [TARGET...]}
shift 2
cd "$(dirname "$0")/../.." || exit 1
[ $# -gt 0 ] || set -- $(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
status=0
for t in "$@"; do
	mkdir -p "$B/corpus/$t" "$B/crashes/$t"
	dict=
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	log="$B/$t.log"
	limit="-max_total_time=$T"
	[ -n "${FUZZ_RUNS:-}" ] && limit="-runs=$FUZZ_RUNS"
	"$B/$t" "$limit" -print_final_stats=1 -max_len=8192 \
	    -artifact_prefix="$B/crashes/$t/" $dict \
	    "$B/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1 ft \2/p')
	echo "$t: exit $rc, $execs executions, $rate exec/s, $cov"
	[ "$rc" = 0 ] || { status=1; grep -E 'SUMMARY|ERROR' "$log" | head -3; }
done
exit $status
