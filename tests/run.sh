#!/bin/sh
# run.sh BUILD - runs every test suite of the project against the binaries
# in BUILD and ends with one line "N passed, M failed" (the sum of every
# suite's own summary line). A suite that exits non-zero without counting
# a failure, or prints no summary, counts as one failure.
BUILD=${1:?usage: run.sh BUILD}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$(mktemp)
passed=0
failed=0

if [ "${SANITIZE:-0}" = 1 ]; then
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:print_summary=1
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export ASAN_OPTIONS UBSAN_OPTIONS
fi

suite() {
	name=$1
	shift
	"$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$out" |
	    tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL - $name: no summary line (exit $rc)"
		failed=$((failed + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL - $name: exit status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

for dir in unit sandbox hostile; do
	for t in "$BUILD"/tests/$dir/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		suite "$dir/$(basename "$t")" "$t"
	done
done
for t in tests/tools/test_*.sh; do
	[ -f "$t" ] && suite "$t" sh "$t" "$BUILD"
done
# libFuzzer targets: corpus replay + a short fuzz (skips without clang)
suite fuzz-smoke sh tests/fuzz/smoke.sh build/fuzz
# cppcheck + clang-tidy (skips, not counted, without them)
suite lint sh tests/fuzz/lint.sh
suite session-selftest python3 tests/session/run.py --selftest
suite session python3 tests/session/run.py "$BUILD" "$BUILD/vpopmaild"
suite attacks sh tests/attacks/run.sh "$BUILD"
suite attacks-proto sh tests/attacks/run_proto.sh "$BUILD"

rm -f "$out"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
