#!/bin/sh
# test_cli.sh BUILD - the daemon's command line and configuration:
# misconfiguration is one line on stderr and exit 1 before any client
# byte; flags override the file; the built-in listener (-l) serves a full
# session; make demo's script starts a working daemon.
top=$(cd "$(dirname "$0")/../.." && pwd -P)
build=$(cd "${1:?usage: test_cli.sh BUILD}" && pwd -P)
daemon=$build/vpopmaild
T=$(mktemp -d "${TMPDIR:-/tmp}/cli.XXXXXX")
chmod 0755 "$T"
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); }
trap 'rm -rf "$T"' EXIT

sh "$top/tests/tools/fixture.sh" small "$T/tree" "$build" || {
	echo "cli: 0 passed, 1 failed"; exit 1; }
base="vpopmail-dir = $T/tree/home/vpopmail
qmail-dir = $T/tree/var/qmail
audit-log = $T/audit.log"
if [ "$(id -u)" = 0 ]; then
	base="$base
frontend-user = nobody
empty-dir = $T/tree/empty"
fi
printf '%s\n' "$base" >"$T/good.conf"

# misconf NAME EXPECTED-TEXT ARGS...: exit 1, exactly one stderr line
# naming the problem, no byte on stdout (the client), no greeting.
misconf() {
	name=$1 want=$2
	shift 2
	"$daemon" "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc = 1 ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	    grep -q -- "$want" "$T/err"; then
		ok "$name: exit 1, one line: $(cat "$T/err")"
	else
		bad "$name: rc=$rc stdout=$(wc -c <"$T/out")B stderr=$(cat "$T/err")"
	fi
}

printf '%s\nnosuchkey = 1\n' "$base" >"$T/unknown.conf"
misconf "unknown key" "unknown.conf:.*unknown setting 'nosuchkey'" \
    -f "$T/unknown.conf"
misconf "unknown flag" "unknown setting 'bogus'" -f "$T/good.conf" --bogus=1
misconf "missing -f file" "nosuch.conf" -f "$T/nosuch.conf"
misconf "unreadable tree" "vpopmail-dir $T/nope" -f "$T/good.conf" \
    --vpopmail-dir="$T/nope"
misconf "qmail without users/" "qmail-dir" -f "$T/good.conf" \
    --qmail-dir="$T/tree/home"
misconf "bad timeout" "timeout" -f "$T/good.conf" --timeout=0
misconf "relative path" "absolute" -f "$T/good.conf" --audit-log=rel.log
printf '%s\njust words\n' "$base" >"$T/noeq.conf"
misconf "line without =" "noeq.conf:[0-9]*: expected key = value" \
    -f "$T/noeq.conf"
if [ "$(id -u)" = 0 ]; then
	misconf "missing frontend user" "no such user" -f "$T/good.conf" \
	    --frontend-user=no-such-user-here
	misconf "root frontend user" "must not be root" -f "$T/good.conf" \
	    --frontend-user=root
	mkdir -m 0777 "$T/openempty"
	misconf "writable empty-dir" "empty-dir" -f "$T/good.conf" \
	    --empty-dir="$T/openempty"
else
	echo "skip - frontend-user and empty-dir checks (not root)"
fi

# Flags win over the file: timeout 1 from the command line.
printf '%s\ntimeout = 60\n' "$base" >"$T/t60.conf"
start=$(date +%s)
out=$(python3 - "$daemon" "$T/t60.conf" <<'EOF'
import socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen([sys.argv[1], "-f", sys.argv[2], "--timeout", "1"],
                     stdin=b, stdout=b)
b.close()
a.settimeout(10)
data = b""
while True:
    d = a.recv(4096)
    if not d:
        break
    data += d
p.wait(10)
sys.stdout.write(repr(data))
EOF
)
if [ "$out" = "b'+OK \\r\\n-ERR 3.103 Read Timeout\\r\\n'" ] &&
    [ $(($(date +%s) - start)) -lt 10 ]; then
	ok "--timeout overrides the file's timeout"
else
	bad "--timeout override: $out"
fi

# The built-in listener: a session over TCP, then the audit shows the peer.
port=$((20000 + $$ % 20000))
"$daemon" -f "$T/good.conf" -l "127.0.0.1:$port" 2>"$T/listener.err" &
lpid=$!
out=$(python3 - "$port" <<'EOF'
import socket, sys, time
for _ in range(50):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)
        break
    except OSError:
        time.sleep(0.1)
else:
    print("no listener"); sys.exit(0)
s.settimeout(10)
s.sendall(b"slogin postmaster@example.com test\r\nquit\r\n")
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
print(repr(data))
EOF
)
kill "$lpid" 2>/dev/null
wait "$lpid" 2>/dev/null
if [ "$out" = "b'+OK \\r\\n+OK \\r\\n+OK \\r\\n'" ]; then
	ok "listener -l serves a session"
else
	bad "listener session: $out $(cat "$T/listener.err")"
fi
if grep -q '"peer":"127.0.0.1".*"op":"slogin".*"result":"ok"' "$T/audit.log"
then
	ok "listener audit record carries the TCP peer"
else
	bad "listener audit: $(cat "$T/audit.log")"
fi
misconf "bad listen address" "listen: expected ADDR:PORT" -f "$T/good.conf" \
    -l 127.0.0.1:notaport
misconf "listen host name" "listen: expected ADDR:PORT" -f "$T/good.conf" \
    --listen=localhost:89

echo "cli: $passed passed, $failed failed"
[ $failed = 0 ]
