#!/usr/bin/env python3
"""test_listener.py BUILD - the built-in listener of vpopmaild (-l).

Each check starts a real daemon on fresh loopback ports over the small
fixture tree and talks to it as a client would:
  - max-per-source / max-connections: the connection over a cap gets the
    documented "-ERR 0.900x" line and is closed; a freed slot is reused;
    sources are told apart (127.0.0.1 vs 127.0.0.2 are different sources);
  - SIGHUP: a new timeout applies to new connections only; an invalid file
    is logged and the old configuration stays in force;
  - SIGTERM: no new connection is accepted, a session in flight can still
    log in and quit, the daemon exits 0 after it; a busy session is ended
    after one idle timeout;
  - IPv6 on [::1] (skipped with a reason when the machine has none);
  - the connection log line (peer, principal, duration, result);
  - the listener's confinement from /proc: NoNewPrivs, a seccomp filter,
    and as root exactly the documented capability set;
  - qmail-send is looked up by the listener, not by every connection: a
    stub qmail-send started after the listener gets no HUP until SIGHUP,
    and a stub that ended makes the listener look again.
Prints "listener: N passed, M failed".
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1])
DAEMON = os.path.join(BUILD, 'vpopmaild')
passed = failed = 0
GREETING = b'+OK \r\n'
REFUSE_TOTAL = b'-ERR 0.9001 Too many connections, try later\r\n'
REFUSE_SOURCE = (b'-ERR 0.9002 Too many connections from your address, '
                 b'try later\r\n')
# cap_chown, dac_override, fowner, kill, setgid, setuid, setpcap, sys_chroot
LISTENER_CAPS = (1 << 0 | 1 << 1 | 1 << 3 | 1 << 5 | 1 << 6 | 1 << 7 |
                 1 << 8 | 1 << 18)


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print('ok - ' + what)
    else:
        failed += 1
        print('FAIL - ' + what)
    sys.stdout.flush()
    return cond


def free_port(family=socket.AF_INET, host='127.0.0.1'):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    def __init__(self, root, extra_conf='', listens=None, args=()):
        self.root = root
        self.conf = os.path.join(root, 'vpopmaild.conf')
        self.write_conf(extra_conf)
        self.port = free_port()
        self.listens = listens or ['127.0.0.1:%d' % self.port]
        self.errpath = os.path.join(root, 'listener.err.%d' % self.port)
        self.err = open(self.errpath, 'wb')
        argv = [DAEMON, '-f', self.conf]
        for spec in self.listens:
            argv += ['-l', spec]
        argv += list(args)
        env = dict(os.environ)
        env.pop('TCPREMOTEIP', None)
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=self.err,
                                  env=env)
        self.wait_log('listening on')

    def write_conf(self, extra):
        lines = ['vpopmail-dir = %s/home/vpopmail' % self.root,
                 'qmail-dir = %s/var/qmail' % self.root,
                 'audit-log = %s/audit.log' % self.root]
        if os.geteuid() == 0:
            lines += ['frontend-user = nobody',
                      'empty-dir = %s/empty' % self.root]
        with open(self.conf, 'w') as f:
            f.write('\n'.join(lines) + '\n' + extra)

    def log(self):
        with open(self.errpath, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def wait_log(self, regex, timeout=5.0, count=1):
        end = time.time() + timeout
        while time.time() < end:
            if len(re.findall(regex, self.log())) >= count:
                return True
            if self.p.poll() is not None and 'listening' not in regex:
                pass
            time.sleep(0.05)
        return False

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
        self.p.wait()
        self.err.close()
        # a sanitizer build reports into the same log
        bad = [x for x in ('Sanitizer', 'runtime error:')
               if x in self.log()]
        if bad:
            ok(False, 'the daemon log has a sanitizer report: %s'
               % self.log()[-2000:])


def connect(port, src='127.0.0.1', host='127.0.0.1', family=socket.AF_INET):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(10)
    if family == socket.AF_INET:
        s.bind((src, 0))
    s.connect((host, port))
    return s


def read_line(s):
    data = b''
    while not data.endswith(b'\n'):
        d = s.recv(1)
        if not d:
            break
        data += d
    return data


def read_all(s):
    data = b''
    while True:
        try:
            d = s.recv(4096)
        except OSError:
            break
        if not d:
            break
        data += d
    return data


def fixture():
    root = tempfile.mkdtemp(prefix='listener.')
    os.chmod(root, 0o755)
    r = subprocess.run(['sh', os.path.join(TOP, 'tests/tools/fixture.sh'),
                        'small', os.path.join(root, 't'), BUILD],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        print(r.stdout.decode())
        raise SystemExit('listener: 0 passed, 1 failed')
    return os.path.join(root, 't')


def test_caps(root):
    d = Daemon(root, 'max-connections = 3\nmax-per-source = 2\n')
    try:
        a = connect(d.port)
        b = connect(d.port)
        ok(read_line(a) == GREETING and read_line(b) == GREETING,
           'two connections from 127.0.0.1 are served')
        c = connect(d.port)
        got = read_all(c)
        ok(got == REFUSE_SOURCE, 'the third from 127.0.0.1 gets the '
           'max-per-source line and is closed: %r' % got)
        e = connect(d.port, src='127.0.0.2')
        ok(read_line(e) == GREETING,
           '127.0.0.2 is another source and is served')
        f = connect(d.port, src='127.0.0.3')
        got = read_all(f)
        ok(got == REFUSE_TOTAL, 'a fourth connection over max-connections '
           '= 3 gets the max-connections line: %r' % got)
        ok(d.wait_log(r'connection peer=127\.0\.0\.1 refused: '
                      r'max-per-source') and
           d.wait_log(r'connection peer=127\.0\.0\.3 refused: '
                      r'max-connections'), 'refusals are logged')
        a.sendall(b'quit\r\n')
        read_all(a)
        a.close()
        # the slot frees once the listener reaps the session
        served = False
        for _ in range(50):
            g = connect(d.port)
            line = read_line(g)
            if line == GREETING:
                served = True
                g.close()
                break
            g.close()
            time.sleep(0.1)
        ok(served, 'a slot freed by a finished session is reused')
        for s in (b, c, e, f):
            s.close()
    finally:
        d.stop()


def session_ok(port, host='127.0.0.1', family=socket.AF_INET):
    s = connect(port, host=host, family=family)
    s.sendall(b'login postmaster@example.com test\r\nquit\r\n')
    data = read_all(s)
    s.close()
    return data


def test_log_and_ipv6(root):
    have6 = True
    try:
        p6 = free_port(socket.AF_INET6, '::1')
    except OSError as e:
        have6 = False
        print('skip - IPv6 listener: no ::1 on this machine (%s)' % e)
    listens = None
    port = free_port()
    if have6:
        listens = ['127.0.0.1:%d' % port, '[::1]:%d' % p6]
    else:
        listens = ['127.0.0.1:%d' % port]
    d = Daemon(root, listens=listens)
    d.port = port
    try:
        data = session_ok(port)
        ok(data.startswith(GREETING + b'+OK') and data.endswith(b'+OK \r\n'),
           'a full session over the IPv4 listener: %r' % data[:40])
        ok(d.wait_log(r'connection conn=[0-9a-f]{16} peer=127\.0\.0\.1 '
                      r'principal=postmaster@example\.com '
                      r'duration=\d+\.\d{3}s result=ok failed-logins=0'),
           'the connection log line names peer, principal, duration and '
           'result')
        s = connect(port)
        s.sendall(b'login postmaster@example.com wrong\r\nquit\r\n')
        read_all(s)
        s.close()
        ok(d.wait_log(r'connection conn=\S+ peer=127\.0\.0\.1 principal=- '
                      r'duration=\S+ result=ok failed-logins=1'),
           'a connection without login logs principal=- and the failure')
        if have6:
            data = session_ok(p6, host='::1', family=socket.AF_INET6)
            ok(data.startswith(GREETING + b'+OK'),
               'a session over the [::1] listener: %r' % data[:40])
            ok(d.wait_log(r'connection conn=\S+ peer=::1 '
                          r'principal=postmaster@example\.com'),
               'the IPv6 peer is logged as ::1')
    finally:
        d.stop()


def proc_status(pid):
    with open('/proc/%d/status' % pid) as f:
        return dict(line.rstrip('\n').split(':\t', 1) for line in f
                    if ':\t' in line)


def test_confinement(root):
    d = Daemon(root)
    try:
        st = proc_status(d.p.pid)
        ok(st.get('NoNewPrivs') == '1', 'the listener has no_new_privs')
        ok(st.get('Seccomp') == '2', 'the listener runs under a seccomp '
           'filter (Seccomp: %s)' % st.get('Seccomp'))
        eff = int(st.get('CapEff', '0'), 16)
        bnd = int(st.get('CapBnd', '0'), 16)
        prm = int(st.get('CapPrm', '0'), 16)
        if os.geteuid() == 0:
            ok(eff == LISTENER_CAPS and prm == LISTENER_CAPS,
               'as root the listener keeps exactly chown, dac_override, '
               'fowner, kill, setgid, setuid, setpcap, sys_chroot '
               '(CapEff %x CapPrm %x)' % (eff, prm))
            ok(bnd == LISTENER_CAPS, 'its bounding set is the same '
               '(CapBnd %x)' % bnd)
            data = session_ok(d.port)
            ok(data.startswith(GREETING + b'+OK'), 'a root helper and a '
               'chrooted frontend still start under it: %r' % data[:40])
        else:
            ok(eff == 0 and prm == 0, 'as an ordinary user it holds no '
               'capability (CapEff %x)' % eff)
            print('skip - exact root capability set: not root')
    finally:
        d.stop()


def test_reload(root):
    d = Daemon(root, 'timeout = 30\n')
    try:
        old = connect(d.port)
        ok(read_line(old) == GREETING, 'a session opened before SIGHUP')
        d.write_conf('timeout = 1\n')
        d.p.send_signal(signal.SIGHUP)
        ok(d.wait_log('configuration reloaded'), 'SIGHUP is logged')
        new = connect(d.port)
        t0 = time.time()
        got = read_all(new)
        ok(got == GREETING + b'-ERR 3.103 Read Timeout\r\n' and
           time.time() - t0 < 5, 'a new connection gets the reloaded '
           'timeout of 1 s: %r' % got)
        time.sleep(1.0)
        old.sendall(b'login postmaster@example.com test\r\n')
        line = read_line(old)
        ok(line.startswith(b'+OK'), 'the older session kept its 30 s '
           'timeout (still answers after %.1f s): %r'
           % (time.time() - t0, line))
        old.close()
        d.write_conf('timeout = 0\n')
        d.p.send_signal(signal.SIGHUP)
        ok(d.wait_log(r'SIGHUP: configuration not reloaded, the old one '
                      r'stays in force: .*timeout'),
           'an invalid file on SIGHUP is logged with its reason')
        new = connect(d.port)
        got = read_all(new)
        ok(got == GREETING + b'-ERR 3.103 Read Timeout\r\n',
           'and the previous configuration (timeout 1) stays: %r' % got)
        ok(d.p.poll() is None, 'the listener is still running')
    finally:
        d.stop()


def test_drain(root):
    d = Daemon(root, 'timeout = 3\n')
    try:
        a = connect(d.port)
        ok(read_line(a) == GREETING, 'a session in flight before SIGTERM')
        d.p.send_signal(signal.SIGTERM)
        ok(d.wait_log('shutting down'), 'SIGTERM is logged')
        try:
            c = connect(d.port)
            refused = read_all(c) == b''
        except OSError:
            refused = True
        ok(refused, 'no new connection is accepted while draining')
        a.sendall(b'login postmaster@example.com test\r\n')
        ok(read_line(a).startswith(b'+OK'),
           'the session in flight still runs its command')
        a.sendall(b'quit\r\n')
        read_all(a)
        a.close()
        try:
            rc = d.p.wait(5)
        except subprocess.TimeoutExpired:
            rc = None
        ok(rc == 0, 'the daemon exits 0 once the last session ended '
           '(status %r)' % rc)
    finally:
        d.stop()
    # a session that never goes idle is ended after one idle timeout
    d = Daemon(root, 'timeout = 2\n')
    try:
        a = connect(d.port)
        read_line(a)
        a.sendall(b'login postmaster@example.com test\r\n')
        read_line(a)
        d.p.send_signal(signal.SIGTERM)
        d.wait_log('shutting down')
        t0 = time.time()
        rc = None
        while time.time() - t0 < 9:
            try:
                a.sendall(b'help\r\n')
            except OSError:
                pass
            try:
                rc = d.p.wait(0.4)
                break
            except subprocess.TimeoutExpired:
                pass
        took = time.time() - t0
        ok(rc == 0 and 1.5 < took < 6, 'a busy session does not hold the '
           'shutdown beyond the idle timeout (exit %r after %.1f s)'
           % (rc, took))
        ok(d.wait_log('ending 1 session still running'),
           'the ended session is logged')
        a.close()
    finally:
        d.stop()


STUB = r'''
import ctypes, os, signal, sys
ctypes.CDLL(None).prctl(15, b'qmail-send', 0, 0, 0)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGHUP, signal.SIGTERM])
out = open(sys.argv[1], 'a', buffering=1)
out.write('ready\n')
while True:
    si = signal.sigwaitinfo([signal.SIGHUP, signal.SIGTERM])
    if si.si_signo == signal.SIGTERM:
        break
    ppid = -1
    try:
        with open('/proc/%d/status' % si.si_pid) as f:
            for line in f:
                if line.startswith('PPid:'):
                    ppid = int(line.split()[1])
    except OSError:
        pass
    out.write('hup %d %d\n' % (si.si_pid, ppid))
'''


class Stub:
    """A process named qmail-send that logs who sent it each SIGHUP (and
    that sender's parent: the listener for one of its sessions)."""

    def __init__(self, root, name):
        self.path = os.path.join(root, 'stub.%s.%d' % (name, os.getpid()))
        open(self.path, 'w').close()
        self.p = subprocess.Popen([sys.executable, '-c', STUB, self.path])
        end = time.time() + 5
        while 'ready' not in self.text() and time.time() < end:
            time.sleep(0.02)

    def text(self):
        with open(self.path) as f:
            return f.read()

    def hups_from(self, listener_pid):
        """HUPs sent by a child of listener_pid (other daemons running
        on the machine at the same time may HUP the stub too)."""
        return sum(1 for line in self.text().splitlines()
                   if line.startswith('hup ') and
                   int(line.split()[2]) == listener_pid)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        self.p.wait()
        os.unlink(self.path)


def add_domain(port, dom, cmd='add_domain %s pw'):
    """Runs one domain command in a session kept open until the HUP had
    time to arrive (the stub looks the sender's parent up)."""
    s = connect(port)
    s.sendall(b'slogin admin@example.com secret\r\n' +
              (cmd % dom).encode() + b'\r\n')
    replies = read_line(s) + read_line(s) + read_line(s)
    time.sleep(0.5)
    s.sendall(b'quit\r\n')
    read_all(s)
    s.close()
    return replies


def test_qmailsend(root):
    a = Stub(root, 'a')
    d = b = c = None
    try:
        d = Daemon(root)
        b = Stub(root, 'b')
        got = add_domain(d.port, 'hup1.example')
        ok(got.endswith(b'+OK \r\n+OK \r\n'), 'add_domain: %r' % got)
        ok(a.hups_from(d.p.pid) == 1, 'the qmail-send running when the '
           'listener started gets one HUP from a session (%d)'
           % a.hups_from(d.p.pid))
        ok(b.hups_from(d.p.pid) == 0, 'one started later gets none: the '
           'sessions do not scan /proc, the listener did (%d)'
           % b.hups_from(d.p.pid))
        d.p.send_signal(signal.SIGHUP)
        d.wait_log('configuration reloaded')
        add_domain(d.port, 'hup2.example')
        ok(a.hups_from(d.p.pid) == 2 and b.hups_from(d.p.pid) == 1,
           'after SIGHUP the listener looked again: both get the next HUP '
           '(%d, %d)' % (a.hups_from(d.p.pid), b.hups_from(d.p.pid)))
        a.stop()
        a = None
        c = Stub(root, 'c')
        add_domain(d.port, 'hup2.example', 'del_domain %s')
        ok(c.hups_from(d.p.pid) == 1 and b.hups_from(d.p.pid) == 2,
           'a kept qmail-send that ended makes the listener look again: '
           'the one started since gets the HUP (%d, %d)'
           % (c.hups_from(d.p.pid), b.hups_from(d.p.pid)))
    finally:
        for x in (a, b, c):
            if x is not None:
                x.stop()
        if d is not None:
            d.stop()


def main():
    root = fixture()
    try:
        for t in (test_caps, test_log_and_ipv6, test_confinement,
                  test_reload, test_drain, test_qmailsend):
            try:
                t(root)
            except Exception as e:  # a crash of one check is a failure
                ok(False, '%s raised %r' % (t.__name__, e))
    finally:
        subprocess.run(['rm', '-rf', os.path.dirname(root)])
    print('listener: %d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
