#!/bin/sh
# smoke.sh BUILD - a few seconds proving the load generator of `make bench`
# (BUILD/tests/bench/vpload) measures what it says, against the real
# daemon on a small fixture tree: crypt and fork timings, pipelined adds
# that land in vpasswd, an idle session's RSS, slogin through the listener
# with the right password (every login +OK) and a wrong one (none), and a
# refused connection reported as a failure. Run by tests/tools/test_bench.sh
# in `make check`. Prints "test_bench: N passed, M failed".
BUILD=${1:?usage: smoke.sh BUILD}
top=$(cd "$(dirname "$0")/../.." && pwd -P)
BUILD=$(cd "$BUILD" && pwd -P)
V=$BUILD/tests/bench/vpload
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
nok() { echo "not ok - $1"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

tmp=$(mktemp -d) || exit 1
chmod 0755 "$tmp"
lpid=
cleanup() {
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null && wait "$lpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
sh "$top/tests/tools/fixture.sh" small "$tmp/t" "$BUILD" || exit 1
conf=$(cd "$top" && python3 -c "
import sys; sys.path.insert(0, 'tests/interop'); import client
print(client.write_config('$tmp/t', ['max-connections = 64',
    'max-per-source = 64']))")
dom=$tmp/t/home/vpopmail/domains/example.com
hash=$(sed -n 's/^admin:\([^:]*\):.*/\1/p' "$dom/vpasswd")

r=$("$V" crypt "$hash" secret 3)
check "crypt of the stored hash is timed ($r)" \
    '[ -n "$(field "$r" crypt_ms)" ] && [ "$(field "$r" crypt_ms)" != 0.0000 ]'
check "crypt refuses a password that does not match" \
    '! "$V" crypt "$hash" wrong 1 2>/dev/null'
r=$("$V" fork 20)
check "fork and fork+exec are timed ($r)" \
    'echo "$r" | grep -Eq "^fork_us=[0-9.]+ forkexec_us=[0-9.]+$"'

r=$("$V" session "$BUILD/vpopmaild" "$conf" admin@example.com secret \
    adds example.com smoke 3 2>/dev/null)
check "three pipelined add_user answered +OK ($r)" \
    '[ "$(field "$r" ok)" = 3 ]'
check "the three users are in vpasswd" \
    '[ "$(grep -c "^smoke00000[0-2]:" "$dom/vpasswd")" = 3 ]'
r=$("$V" session "$BUILD/vpopmaild" "$conf" admin@example.com secret \
    idle 50 2>/dev/null)
check "50 commands on one session, RSS of both processes read ($r)" \
    '[ "$(field "$r" ok)" = 50 ] && [ "$(field "$r" idle_helper_rss)" -gt 0 ] &&
     [ "$(field "$r" after_frontend_rss)" -gt 0 ]'

port=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
"$BUILD/vpopmaild" -f "$conf" -l "127.0.0.1:$port" 2>/dev/null &
lpid=$!
i=0
while [ $i -lt 50 ] && ! "$V" slogin "127.0.0.1:$port" x@example.com y 1 0.01 \
    >/dev/null 2>&1; do
	sleep 0.1
	i=$((i + 1))
done
r=$("$V" slogin "127.0.0.1:$port" user1@example.com test 2 1)
check "slogin through the listener, right password: every login +OK ($r)" \
    '[ "$(field "$r" logins)" -gt 0 ] &&
     [ "$(field "$r" ok)" = "$(field "$r" logins)" ] &&
     [ "$(field "$r" errors)" = 0 ]'
r=$("$V" slogin "127.0.0.1:$port" user1@example.com wrong 2 1)
check "slogin, wrong password: logins counted, none +OK ($r)" \
    '[ "$(field "$r" logins)" -gt 0 ] && [ "$(field "$r" ok)" = 0 ]'
kill "$lpid" && wait "$lpid" 2>/dev/null
lpid=
check "nothing listening: vpload fails" \
    '! "$V" slogin "127.0.0.1:$port" user1@example.com test 1 0.3 2>/dev/null'

echo "test_bench: $pass passed, $fail failed"
[ "$fail" = 0 ]
