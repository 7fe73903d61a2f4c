#!/bin/sh
# test_units.sh BUILD - the operator examples under contrib/: the systemd
# units pass `systemd-analyze verify` (a syntax check of our own when it is
# absent), the daemontools scripts pass `sh -n`, and the run script serves
# a real session under tcpserver when ucspi-tcp is installed.
top=$(cd "$(dirname "$0")/../.." && pwd -P)
build=$(cd "${1:?usage: test_units.sh BUILD}" && pwd -P)
daemon=$build/vpopmaild
T=$(mktemp -d "${TMPDIR:-/tmp}/units.XXXXXX")
chmod 0755 "$T"
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); }
trap 'kill "$tpid" 2>/dev/null; rm -rf "$T"' EXIT

# Units with ExecStart pointing at this build (verify wants the binary).
mkdir "$T/units"
for u in vpopmaild.socket vpopmaild@.service vpopmaild.service; do
	sed "s|/usr/local/sbin/vpopmaild|$daemon|" \
	    "$top/contrib/systemd/$u" >"$T/units/$u"
done

# Our own check: known sections, key=value lines, absolute ExecStart.
own_check() {
	python3 - "$1" <<'PYEOF'
import re, sys
sections = {'Unit', 'Service', 'Socket', 'Install'}
path = sys.argv[1]
sec = None
errs = []
for n, line in enumerate(open(path), 1):
    line = line.rstrip('\n')
    if not line.strip() or line.lstrip().startswith(('#', ';')):
        continue
    m = re.fullmatch(r'\[([A-Za-z]+)\]', line)
    if m:
        sec = m.group(1)
        if sec not in sections:
            errs.append('%d: unknown section %s' % (n, sec))
        continue
    m = re.fullmatch(r'([A-Za-z][A-Za-z0-9]*)=(.*)', line)
    if not m or sec is None:
        errs.append('%d: not key=value in a section: %r' % (n, line))
    elif m.group(1).startswith('Exec') and not m.group(2).startswith('/'):
        errs.append('%d: %s not absolute' % (n, m.group(1)))
if errs:
    print('\n'.join(errs))
    sys.exit(1)
PYEOF
}

for u in vpopmaild.socket vpopmaild@.service vpopmaild.service; do
	if own_check "$T/units/$u" >"$T/own" 2>&1; then
		ok "$u: sections and key=value lines"
	else
		bad "$u: $(cat "$T/own")"
	fi
done

if command -v systemd-analyze >/dev/null 2>&1; then
	# the template is verified through an instance of it
	cp "$T/units/vpopmaild@.service" "$T/units/vpopmaild@1.service"
	for u in vpopmaild.socket vpopmaild@1.service vpopmaild.service; do
		if (cd "$T/units" && SYSTEMD_LOG_LEVEL=warning \
		    systemd-analyze verify --man=no "./$u") >"$T/v" 2>&1 &&
		    ! grep -v -e '^$' -e 'Failed to .*bus' -e 'Transport endpoint' \
		    -e 'System has not been booted with systemd' "$T/v" |
		    grep -q .; then
			ok "systemd-analyze verify $u"
		else
			bad "systemd-analyze verify $u: $(cat "$T/v")"
		fi
	done
else
	echo "skip - systemd-analyze verify: not installed (own check above)"
fi
if grep -q '^Accept=yes' "$top/contrib/systemd/vpopmaild.socket" &&
    grep -q '^StandardInput=socket' "$top/contrib/systemd/vpopmaild@.service"
then
	ok "the socket unit hands each connection on stdin/stdout"
else
	bad "vpopmaild.socket/vpopmaild@.service: Accept=yes + socket stdio"
fi
if grep -q '^KillMode=mixed' "$top/contrib/systemd/vpopmaild.service" &&
    grep -q '^ExecReload=.*-HUP' "$top/contrib/systemd/vpopmaild.service"
then
	ok "vpopmaild.service: SIGTERM to the listener only, reload is SIGHUP"
else
	bad "vpopmaild.service: KillMode=mixed and ExecReload with SIGHUP"
fi

for s in run log/run; do
	if sh -n "$top/contrib/daemontools/$s" && [ -x "$top/contrib/daemontools/$s" ]
	then
		ok "daemontools/$s: sh -n, executable"
	else
		bad "daemontools/$s: syntax or mode"
	fi
done

# A real run of the run script under tcpserver.
if ! command -v tcpserver >/dev/null 2>&1; then
	echo "skip - daemontools run script under tcpserver: ucspi-tcp not installed"
else
	sh "$top/tests/tools/fixture.sh" small "$T/tree" "$build" || bad "fixture"
	{
		echo "vpopmail-dir = $T/tree/home/vpopmail"
		echo "qmail-dir = $T/tree/var/qmail"
		echo "audit-log = $T/audit.log"
		if [ "$(id -u)" = 0 ]; then
			echo "frontend-user = nobody"
			echo "empty-dir = $T/tree/empty"
		fi
	} >"$T/conf"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	(cd "$top/contrib/daemontools" && VPOPMAILD="$daemon" \
	    VPOPMAILD_PORT=$port VPOPMAILD_CONF="$T/conf" exec ./run) \
	    >"$T/run.log" 2>&1 &
	tpid=$!
	out=$(python3 - "$port" <<'PYEOF'
import socket, sys, time
for _ in range(50):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2)
        break
    except OSError:
        time.sleep(0.1)
else:
    print("no tcpserver"); sys.exit(0)
s.settimeout(10)
s.sendall(b"slogin postmaster@example.com test\r\nquit\r\n")
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
print(repr(data))
PYEOF
)
	if [ "$out" = "b'+OK \\r\\n+OK \\r\\n+OK \\r\\n'" ]; then
		ok "daemontools run script: a session under tcpserver"
	else
		bad "run script session: $out $(cat "$T/run.log")"
	fi
	i=0
	while [ $i -lt 20 ] && ! grep -q 'connection conn=.* peer=127.0.0.1 principal=postmaster@example.com' "$T/run.log"; do
		sleep 0.1; i=$((i + 1))
	done
	if grep -q 'connection conn=.* peer=127.0.0.1 principal=postmaster@example.com .*result=ok' "$T/run.log"; then
		ok "the connection log line reaches the run script's log (peer from TCPREMOTEIP)"
	else
		bad "connection log under tcpserver: $(cat "$T/run.log")"
	fi
	kill "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
fi

echo "units: $passed passed, $failed failed"
[ $failed = 0 ]
