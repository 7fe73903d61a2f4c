#!/bin/sh
# run.sh BUILD - the file-system attack suite (tests/attacks/attacks.py)
# against BUILD/vpopmaild. Prints "attacks: N passed, M failed"; cases of
# commands the daemon still answers "not implemented" for are printed as
# "pending - ..." and counted in neither number.
[ $# -eq 1 ] || { echo "usage: run.sh BUILD" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd -P)
if ! command -v python3 >/dev/null 2>&1; then
	echo "not ok - python3 is installed"
	echo "attacks: 0 passed, 1 failed"
	exit 1
fi
exec python3 "$here/attacks.py" "$1"
