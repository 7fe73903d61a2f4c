#!/bin/sh
# run_proto.sh BUILD - the protocol attack suite (tests/attacks/
# proto_attacks.py: PROTOCOL.md 5.4, 6.7, 6.8, format strings and shell
# metacharacters, bodies, slow clients, brute force, core dumps, secrets in
# logs) against BUILD/vpopmaild. Prints "attacks-proto: N passed, M failed".
[ $# -eq 1 ] || { echo "usage: run_proto.sh BUILD" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd -P)
if ! command -v python3 >/dev/null 2>&1; then
	echo "not ok - python3 is installed"
	echo "attacks-proto: 0 passed, 1 failed"
	exit 1
fi
exec python3 "$here/proto_attacks.py" "$1"
