#!/bin/sh
# smoke.sh [FUZZBUILD] - the fuzz targets' part of `make check`: each
# target replays its committed corpus (which holds every crash found so
# far: a regression fails here) and then fuzzes SMOKE_TIME seconds
# (default 2) from it. Without clang (build/fuzz/fuzz_* not built) it
# says so and counts nothing.
B=${1:-build/fuzz}
S=${SMOKE_TIME:-2}
cd "$(dirname "$0")/../.." || exit 1
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm
# LeakSanitizer stays on: the targets run outside any sandbox.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
pass=0
fail=0
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	if [ ! -x "$B/$t" ]; then
		echo "SKIP - $t: $B/$t not built (no clang?): not counted"
		continue
	fi
	tmp=$(mktemp -d)
	if "$B/$t" -runs=0 "tests/fuzz/corpus/$t" >"$tmp/log" 2>&1; then
		pass=$((pass + 1))
		echo "ok - $t replays its corpus ($(ls "tests/fuzz/corpus/$t" | wc -l) inputs)"
	else
		fail=$((fail + 1))
		echo "FAIL - $t: an input of tests/fuzz/corpus/$t fails"
		grep -E 'SUMMARY|ERROR|Running:' "$tmp/log" | tail -n 4
	fi
	# A fixed seed: every run explores the same sequence of inputs, so a
	# failure here is reproducible (SMOKE_SEED picks another).
	if "$B/$t" -seed="${SMOKE_SEED:-1}" -max_total_time="$S" -max_len=4096 \
	    -artifact_prefix="$tmp/" "$tmp" "tests/fuzz/corpus/$t" \
	    >"$tmp/log" 2>&1; then
		pass=$((pass + 1))
		echo "ok - $t fuzzes ${S}s without a crash"
	else
		fail=$((fail + 1))
		echo "FAIL - $t crashed while fuzzing; input:"
		ls "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* 2>/dev/null
		grep -E 'SUMMARY|ERROR' "$tmp/log" | head -n 3
		mkdir -p "$B/crashes" && cp "$tmp"/crash-* "$tmp"/leak-* \
		    "$B/crashes/" 2>/dev/null
	fi
	rm -rf "$tmp"
done
echo "fuzz-smoke: $pass passed, $fail failed"
[ "$fail" = 0 ]
