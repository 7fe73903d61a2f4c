#!/usr/bin/env python3
"""test_pool.py BUILD - the listener's pre-forked sessions (prefork = N).

Over the small fixture tree, with a real daemon on a loopback port:
  - N idle pairs (helper child of the listener, frontend child of the
    helper) exist before any connection; prefork = 0 has none;
  - a connection is served by a pair forked before it: as an ordinary user
    the listener is denied every fork (RLIMIT_NPROC) and the client still
    gets its greeting and a login; as root the process holding the
    client's socket was an idle frontend before the connect;
  - descriptors (/proc/PID/fd, root only: the processes are not dumpable):
    an idle helper and an idle frontend hold two sockets each, the busy
    frontend the client's and the helper's, the busy helper one socket
    which is not the client's, and no other process of the daemon holds
    the client's socket; the listener holds its listening socket and two
    per idle member;
  - the pool refills after a hand-off and after an idle member is killed
    (helper or frontend), leaving no orphan behind;
  - max-connections / max-per-source count handed-off sessions only;
  - SIGHUP retires the idle members and forks new ones with the new
    configuration; SIGTERM ends idle members at once and drains busy ones.
The refusal of a second descriptor by a frontend is test_handoff (unit).
Prints "pool: N passed, M failed".
"""
import os
import resource
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_listener as tl  # noqa: E402

ok = tl.ok
GREETING = tl.GREETING


def children(pid):
    """Pids whose parent is pid (from /proc/N/stat, readable by anyone)."""
    out = []
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % name) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(')') + 2:].split()
        if int(fields[1]) == pid and fields[0] != 'Z':
            out.append(int(name))
    return sorted(out)


def pairs(listener):
    """{helper pid: [frontend pids]} of the listener's children."""
    return {h: children(h) for h in children(listener)}


def wait_pairs(d, n, timeout=5.0, exclude=()):
    """Waits until n children of the listener (not in exclude) each have
    exactly one child; returns the pairs."""
    end = time.time() + timeout
    while True:
        p = {h: f for h, f in pairs(d.p.pid).items() if h not in exclude}
        if len(p) == n and all(len(f) == 1 for f in p.values()):
            return p
        if time.time() > end:
            return p
        time.sleep(0.05)


def sockets(pid):
    """Socket inodes held by pid (root only)."""
    out = []
    for fd in os.listdir('/proc/%d/fd' % pid):
        try:
            t = os.readlink('/proc/%d/fd/%s' % (pid, fd))
        except OSError:
            continue
        if t.startswith('socket:['):
            out.append(int(t[8:-1]))
    return out


def server_inode(client):
    """The inode of the daemon's end of client's TCP connection."""
    lport = client.getsockname()[1]
    rport = client.getpeername()[1]
    want_local = '0100007F:%04X' % rport
    want_remote = '0100007F:%04X' % lport
    with open('/proc/net/tcp') as f:
        for line in f.readlines()[1:]:
            x = line.split()
            if x[1] == want_local and x[2] == want_remote:
                return int(x[9])
    return None


def login(s):
    s.sendall(b'login postmaster@example.com test\r\n')
    return tl.read_line(s)


def test_idle_and_served(root):
    d = tl.Daemon(root, 'prefork = 3\n')
    try:
        before = wait_pairs(d, 3)
        ok(len(before) == 3 and all(len(f) == 1 for f in before.values()),
           'prefork = 3: three idle helper/frontend pairs before any '
           'connection: %r' % before)
        fe_before = {f[0] for f in before.values() if f}
        if os.geteuid() == 0:
            check_fds_idle(d, before)
        c = tl.connect(d.port)
        ok(tl.read_line(c) == GREETING, 'a connection gets the greeting')
        if os.geteuid() == 0:
            ino = server_inode(c)
            holders = [p for h in pairs(d.p.pid)
                       for p in [h] + children(h) if ino in sockets(p)]
            ok(len(holders) == 1 and holders[0] in fe_before,
               'the client socket is held by one process only, a frontend '
               'that was idle before the connect (%r, idle were %r)'
               % (holders, sorted(fe_before)))
            check_fds_busy(d, holders[0], ino)
        else:
            print('skip - which frontend holds the client socket: not root '
                  '(/proc/PID/fd of the non-dumpable daemon)')
        ok(login(c).startswith(b'+OK'), 'and the session logs in')
        now = wait_pairs(d, 4)
        ok(len(now) == 4 and len(set(now) - set(before)) == 1 and
           set(before) < set(now), 'the pool refilled: one new pair beside '
           'the two still idle and the busy one (%r -> %r)'
           % (sorted(before), sorted(now)))
        c.sendall(b'quit\r\n')
        tl.read_all(c)
        c.close()
        ok(d.wait_log(r'connection conn=[0-9a-f]{16} peer=127\.0\.0\.1 '
                      r'principal=postmaster@example\.com '
                      r'duration=\d+\.\d{3}s result=ok'),
           'the helper logged the connection with the peer the listener '
           'sent it')
        if os.geteuid() != 0:
            check_no_fork(d)
    finally:
        d.stop()


def check_fds_idle(d, idle):
    ok(all(len(sockets(h)) == 2 and len(sockets(f[0])) == 2
           for h, f in idle.items()),
       'an idle helper and an idle frontend hold two sockets each (their '
       'socketpair and their own channel to the listener): %r'
       % {h: (len(sockets(h)), len(sockets(f[0]))) for h, f in idle.items()})
    n = len(sockets(d.p.pid))
    ok(n == 1 + 2 * len(idle), 'the listener holds its listening socket '
       'and two channel ends per idle member (%d sockets)' % n)


def check_fds_busy(d, fe, ino):
    helper = [h for h in children(d.p.pid) if fe in children(h)]
    ok(len(sockets(fe)) == 2, 'the busy frontend holds two sockets: the '
       'client and its helper (its channel to the listener is closed): '
       '%r' % sockets(fe))
    ok(len(helper) == 1 and len(sockets(helper[0])) == 1 and
       ino not in sockets(helper[0]), 'its helper holds one socket, the '
       'frontend\'s, never the client\'s: %r'
       % [sockets(h) for h in helper])
    ok(ino not in sockets(d.p.pid), 'the listener no longer holds the '
       'client socket')


def check_no_fork(d):
    """Ordinary user: RLIMIT_NPROC 1 denies the listener every fork; a
    pooled connection still works, a fork per connection could not."""
    members = wait_pairs(d, 3)
    old = resource.prlimit(d.p.pid, resource.RLIMIT_NPROC)
    try:
        resource.prlimit(d.p.pid, resource.RLIMIT_NPROC, (1, old[1]))
    except (OSError, ValueError) as e:
        print('skip - served without a fork: prlimit failed (%s)' % e)
        return
    try:
        c = tl.connect(d.port)
        got = tl.read_line(c)
        ok(got == GREETING and login(c).startswith(b'+OK'),
           'with every fork of the listener denied, a connection is still '
           'greeted and logs in: it was served by a pre-forked pair: %r'
           % got)
        ok(d.wait_log('pre-forking a session'), 'the refill that could not '
           'fork is logged')
        c.close()
    finally:
        resource.prlimit(d.p.pid, resource.RLIMIT_NPROC, old)
    end = time.time() + 6
    while True:
        now = wait_pairs(d, 3, timeout=0.5)
        if (len(now) == 3 and len(set(now) - set(members)) == 1) or \
                time.time() > end:
            break
    ok(len(now) == 3 and len(set(now) - set(members)) == 1,
       'once forks are possible again the pool is refilled (%r -> %r)'
       % (sorted(members), sorted(now)))


def test_killed_member(root):
    d = tl.Daemon(root, 'prefork = 2\n')
    try:
        idle = wait_pairs(d, 2)
        (h1, f1), (h2, f2) = sorted(idle.items())
        os.kill(h1, signal.SIGKILL)
        now = wait_pairs(d, 2, timeout=6, exclude={h1})
        ok(len(now) == 2 and h2 in now, 'an idle helper killed is replaced '
           '(%r -> %r)' % (sorted(idle), sorted(now)))
        time.sleep(0.3)
        ok(not os.path.exists('/proc/%d' % f1[0]) or
           state(f1[0]) == 'Z', 'its frontend ended with it')
        ok(d.wait_log(r'idle pre-forked session %d killed by signal 9'
                      % h1), 'the death is logged')
        os.kill(f2[0], signal.SIGKILL)
        later = wait_pairs(d, 2, timeout=6, exclude={h1, h2})
        ok(len(later) == 2, 'an idle frontend killed takes its helper with '
           'it and the pair is replaced (%r)' % sorted(later))
        data = tl.session_ok(d.port)
        ok(data.startswith(GREETING + b'+OK'), 'and sessions are served: '
           '%r' % data[:30])
    finally:
        d.stop()


def state(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            st = f.read()
        return st[st.rindex(')') + 2:].split()[0]
    except OSError:
        return None


def test_caps(root):
    d = tl.Daemon(root, 'prefork = 3\nmax-connections = 2\n'
                  'max-per-source = 1\n')
    try:
        wait_pairs(d, 3)
        a = tl.connect(d.port)
        ok(tl.read_line(a) == GREETING, 'with 3 idle members and '
           'max-per-source = 1 the first connection is served: idle '
           'members are not connections')
        b = tl.connect(d.port)
        got = tl.read_all(b)
        ok(got == tl.REFUSE_SOURCE, 'the second from the same source is '
           'refused: %r' % got)
        e = tl.connect(d.port, src='127.0.0.2')
        ok(tl.read_line(e) == GREETING, 'another source is served')
        f = tl.connect(d.port, src='127.0.0.3')
        got = tl.read_all(f)
        ok(got == tl.REFUSE_TOTAL, 'a third connection is over '
           'max-connections = 2: %r' % got)
        for s in (a, b, e, f):
            s.close()
    finally:
        d.stop()


def test_reload(root):
    d = tl.Daemon(root, 'prefork = 2\ntimeout = 30\n')
    try:
        old = wait_pairs(d, 2)
        d.write_conf('prefork = 3\ntimeout = 1\n')
        d.p.send_signal(signal.SIGHUP)
        ok(d.wait_log(r'retired 2 idle pre-forked sessions: SIGHUP'),
           'SIGHUP retires the idle members')
        new = wait_pairs(d, 3, exclude=set(old))
        time.sleep(0.3)
        ok(len(new) == 3 and all(state(h) in (None, 'Z') for h in old),
           'and forks the new number of members (prefork = 3), the old '
           'ones are gone: %r -> %r' % (sorted(old), sorted(new)))
        c = tl.connect(d.port)
        t0 = time.time()
        got = tl.read_all(c)
        ok(got == GREETING + b'-ERR 3.103 Read Timeout\r\n' and
           time.time() - t0 < 5, 'a member built after SIGHUP has the new '
           'timeout of 1 s: %r' % got)
    finally:
        d.stop()


def test_drain(root):
    d = tl.Daemon(root, 'prefork = 3\ntimeout = 5\n')
    try:
        idle = wait_pairs(d, 3)
        a = tl.connect(d.port)
        ok(tl.read_line(a) == GREETING, 'a session in flight')
        d.p.send_signal(signal.SIGTERM)
        d.wait_log('shutting down')
        end = time.time() + 3
        while time.time() < end and len(children(d.p.pid)) > 1:
            time.sleep(0.05)
        left = children(d.p.pid)
        ok(len(left) == 1 and left[0] in idle, 'on SIGTERM the idle members '
           'end at once, the busy one (pre-forked) stays: %r of %r'
           % (left, sorted(idle)))
        ok(login(a).startswith(b'+OK'), 'and still serves its client')
        a.sendall(b'quit\r\n')
        tl.read_all(a)
        a.close()
        try:
            rc = d.p.wait(5)
        except subprocess.TimeoutExpired:
            rc = None
        ok(rc == 0, 'the daemon exits 0 after it (status %r)' % rc)
    finally:
        d.stop()


def test_prefork_off(root):
    d = tl.Daemon(root, 'prefork = 0\n')
    try:
        time.sleep(0.5)
        ok(children(d.p.pid) == [], 'prefork = 0: no process before a '
           'connection')
        data = tl.session_ok(d.port)
        ok(data.startswith(GREETING + b'+OK'), 'and a fork per connection '
           'serves it: %r' % data[:30])
    finally:
        d.stop()


def main():
    root = tl.fixture()
    try:
        for t in (test_idle_and_served, test_killed_member, test_caps,
                  test_reload, test_drain, test_prefork_off):
            try:
                t(root)
            except Exception as e:  # a crash of one check is a failure
                ok(False, '%s raised %r' % (t.__name__, e))
    finally:
        subprocess.run(['rm', '-rf', os.path.dirname(root)])
    print('pool: %d passed, %d failed' % (tl.passed, tl.failed))
    sys.exit(1 if tl.failed else 0)


if __name__ == '__main__':
    main()
