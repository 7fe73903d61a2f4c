#!/bin/sh
# test_checkpassword.sh BUILD - vpopmaild-checkpassword against a real
# daemon on a loopback port over the small fixture: accepted (the next
# program runs with USER, HOME and, for smtp, RELAYCLIENT), refused and
# unknown user (exit 1, nothing run), the daemon down (111), over-long
# and malformed descriptor-3 input and misuse (2), the password never in
# the child's argv or environment nor in the audit log or stderr, and
# throttling across processes (later refusals take longer).
top=$(cd "$(dirname "$0")/../.." && pwd -P)
build=$(cd "${1:?usage: test_checkpassword.sh BUILD}" && pwd -P)
daemon=$build/vpopmaild
cp=$build/vpopmaild-checkpassword
T=$(mktemp -d "${TMPDIR:-/tmp}/ckpw.XXXXXX")
chmod 0755 "$T"
passed=0 failed=0 pid=
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
finish() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap finish EXIT
unset RELAYCLIENT

if [ ! -x "$cp" ]; then
	echo "FAIL - $cp not built"
	echo "checkpassword: 0 passed, 1 failed"
	exit 1
fi
sh "$top/tests/tools/fixture.sh" small "$T/tree" "$build" >/dev/null || {
	echo "checkpassword: 0 passed, 1 failed"; exit 1; }
mkdir "$T/state"
{
	echo "vpopmail-dir = $T/tree/home/vpopmail"
	echo "qmail-dir = $T/tree/var/qmail"
	echo "audit-log = $T/audit.log"
	echo "state-dir = $T/state"
	echo "throttle-base-delay = 100"
	if [ "$(id -u)" = 0 ]; then
		echo "frontend-user = nobody"
		echo "empty-dir = $T/tree/empty"
	fi
} >"$T/conf"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$daemon" -f "$T/conf" -l "127.0.0.1:$port" 2>"$T/daemon.err" &
pid=$!
python3 - "$port" <<'EOF'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
[ $? = 0 ] || bad "daemon listening on 127.0.0.1:$port"

# The next program: records its argv and environment.
cat >"$T/next" <<'EOF'
#!/bin/sh
printf '%s\n' "$0" "$@" >"$OUT.argv"
env >"$OUT.env"
exit 0
EOF
chmod 0755 "$T/next"

# run NAME INPUT-PRINTF-FORMAT ARGS...: rc in $rc, child output in $T/NAME.*
run() {
	name=$1 fmt=$2
	shift 2
	# shellcheck disable=SC2059
	printf "$fmt" >"$T/$name.in"
	OUT=$T/$name "$cp" -p "$port" "$@" 3<"$T/$name.in" \
	    2>"$T/$name.err"
	rc=$?
}

PW='S3cr3tPassw0rd'
# user1's password is "test": set a distinctive one for the leak checks
python3 - "$port" "$PW" <<'EOF' || bad "set a test password"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
f = s.makefile("rwb", buffering=0)
def line(): return f.readline()
line()
for c in ("slogin admin@example.com secret", "mod_user user1@example.com",
          "clear_text_password " + sys.argv[2], ".", "quit"):
    f.write((c + "\r\n").encode())
    if c != "clear_text_password " + sys.argv[2] and c != ".":
        r = line()
    elif c == ".":
        r = line()
        if not r.startswith(b"+OK"): sys.exit(1)
EOF

run smtp "user1@example.com\0$PW\0001234\0" -s smtp "$T/next" one "two words"
check "smtp accepted: exit 0, the next program ran" \
    "[ $rc = 0 ] && [ -f '$T/smtp.env' ]"
check "USER is the address" "grep -qx 'USER=user1@example.com' '$T/smtp.env'"
check "HOME is the mailbox directory" \
    "grep -qx 'HOME=.*/tree/home/vpopmail/domains/example.com/user1' '$T/smtp.env'"
check "smtp with relaying allowed sets RELAYCLIENT" \
    "grep -qx 'RELAYCLIENT=' '$T/smtp.env'"
check "the next program gets its own arguments" \
    "[ \"\$(sed -n 2,3p '$T/smtp.argv')\" = \"one
two words\" ]"
check "the password is in neither argv nor environment of the child" \
    "! grep -q '$PW' '$T/smtp.argv' '$T/smtp.env'"

run pop "user1@example.com\0$PW\0" -s pop3 "$T/next"
check "pop3 accepted without a timestamp; no RELAYCLIENT outside smtp" \
    "[ $rc = 0 ] && grep -q '^HOME=' '$T/pop.env' && ! grep -q '^RELAYCLIENT' '$T/pop.env'"
OUT=$T/envcfg VPOPMAILD_SERVICE=imap VPOPMAILD_PORT=$port "$cp" "$T/next" \
    3<"$T/pop.in" 2>/dev/null
check "service and port from the environment" "[ $? = 0 ]"

run wrong "user1@example.com\0Wr0ngPassw0rd\0001\0" "$T/next"
check "wrong password: exit 1, nothing run" "[ $rc = 1 ] && [ ! -f '$T/wrong.env' ]"
run unknown "nosuchuser@example.com\0$PW\0001\0" "$T/next"
check "unknown user: exit 1, nothing run" "[ $rc = 1 ] && [ ! -f '$T/unknown.env' ]"
run crlf "user1@example.com\0a\r\nquit\0001\0" "$T/next"
check "a password with CR LF is refused (1), never sent" "[ $rc = 1 ]"

head -c 600 /dev/zero | tr '\0' 'a' >"$T/long.in"
OUT=$T/long "$cp" -p "$port" "$T/next" 3<"$T/long.in" 2>/dev/null
check "over 512 bytes on descriptor 3: exit 2" "[ $? = 2 ] && [ ! -f '$T/long.env' ]"
run nonul "user1@example.com" "$T/next"
check "input without NULs: exit 2" "[ $rc = 2 ]"
run onefield "user1@example.com\0$PW" "$T/next"
check "password without its NUL: exit 2" "[ $rc = 2 ]"
run emptyuser "\0$PW\0" "$T/next"
check "empty user: exit 2" "[ $rc = 2 ]"
run noprog "user1@example.com\0$PW\0"
check "no program to run: exit 2" "[ $rc = 2 ]"
run badsvc "user1@example.com\0$PW\0" -s ftp "$T/next"
check "unknown service: exit 2" "[ $rc = 2 ]"

# Throttling across processes: each run is a new connection; after three
# failures every further one waits longer (100 ms base; the address
# 127.0.0.1 has failed before too, so the delays are already longer).
ms() { date +%s%3N; }
for i in 1 2 3; do run thr "user2@example.net\0Wr0ng$i\0" "$T/next"; done
t0=$(ms); run thr "user2@example.net\0Wr0ng4\0" "$T/next"; t1=$(ms)
run thr "user2@example.net\0Wr0ng5\0" "$T/next"; t2=$(ms)
d1=$((t1 - t0)) d2=$((t2 - t1))
check "throttled across processes: 4th refusal ${d1} ms >= 100, 5th ${d2} ms > 4th" \
    "[ $rc = 1 ] && [ $d1 -ge 100 ] && [ $d2 -gt $d1 ]"
check "the penalties are audited" \
    "grep -q '\"op\":\"throttle\",\"target\":\"user2@example.net\",\"result\":\"delayed\"' '$T/audit.log'"

kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
check "audit records of auth_check (ok and fail)" \
    "grep -q '\"op\":\"auth_check smtp\",\"target\":\"user1@example.com\",\"result\":\"ok\"' '$T/audit.log' &&
     grep -q '\"op\":\"auth_check smtp\",\"target\":\"user1@example.com\",\"result\":\"fail\"' '$T/audit.log'"
check "no password in the audit log or any stderr" \
    "! grep -q -e '$PW' -e Wr0ng '$T/audit.log' '$T/daemon.err' $T/*.err"

run down "user1@example.com\0$PW\0" "$T/next"
check "daemon down: exit 111, nothing run" "[ $rc = 111 ] && [ ! -f '$T/down.env' ]"

echo "checkpassword: $passed passed, $failed failed"
[ "$failed" = 0 ]
