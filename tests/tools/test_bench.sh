#!/bin/sh
# test_bench.sh BUILD - the smoke of the benchmark's load generator
# (tests/bench/smoke.sh): a few seconds, not the benchmark itself (that is
# `make bench`). Prints "test_bench: N passed, M failed".
[ $# -eq 1 ] || { echo "usage: test_bench.sh BUILD" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd -P)
if [ ! -x "$1/tests/bench/vpload" ]; then
	echo "not ok - $1/tests/bench/vpload is built (make tests)"
	echo "test_bench: 0 passed, 1 failed"
	exit 1
fi
exec sh "$here/../bench/smoke.sh" "$1"
