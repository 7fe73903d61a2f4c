#!/bin/sh
# test_interop.sh BUILD - the interoperability suite: vpcheck.py (an
# independent checker of the files at rest, STORAGE.md 14) on the fixture
# trees and on broken copies, the fixtures read through the daemon, a
# scripted mix of adds and deletes, two concurrent sessions adding 1,000
# users each, and a crash loop that SIGKILLs the helper mid-operation.
# Everything is in tests/interop/interop_test.py; this wrapper only checks
# that python3 is there. Prints "test_interop: N passed, M failed".
[ $# -eq 1 ] || { echo "usage: test_interop.sh BUILD" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd -P)
if ! command -v python3 >/dev/null 2>&1; then
	echo "not ok - python3 is installed"
	echo "test_interop: 0 passed, 1 failed"
	exit 1
fi
exec python3 "$here/../interop/interop_test.py" "$1"
