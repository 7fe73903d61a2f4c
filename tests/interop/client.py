"""client.py - start vpopmaild on a test tree and talk its line protocol.

For the interop tests and the benchmark. A Session starts
`BUILD/vpopmaild -f CONF` with stdin/stdout on one end of a socketpair (as
tests/session/run.py does); the daemon's own pid is the privhelper, the
frontend is its child.

    write_config(root)                 ROOT/vpopmaild.conf as run.py writes
                                       it; returns its path
    s = Session(build, conf)           start; s.greeting is the first line
    s.login('slogin', 'admin@example.com', 'secret')   -> Reply
    s.cmd('user_info u001@big.example')                -> Reply
    s.mod_user('x@example.com', ['comment hi'])        -> Reply
    s.send_line(text) / s.read_reply()                 pipelining
    s.close()                                          quit, wait, reap

A Reply has .status (the first line without CRLF: "+OK", "+OK+" or
"-ERR ..."), .ok (True for "+OK " and "+OK+"), .lines (the lines between
"+OK+" and ".", CRLF removed) and .text (what was read).
"""

import os
import select
import signal
import socket
import subprocess
import time

DEFAULT_TIMEOUT = 30.0


class ProtocolError(Exception):
    pass


class Reply:
    def __init__(self, status, lines):
        self.status = status
        self.lines = lines

    @property
    def ok(self):
        return self.status in ('+OK', '+OK+')

    @property
    def text(self):
        if self.status != '+OK+':
            return self.status
        return '\n'.join([self.status] + self.lines + ['.'])

    def fields(self):
        """"key value" lines as a dict (the last one of a key wins)."""
        out = {}
        for line in self.lines:
            key, _, value = line.partition(' ')
            out[key] = value
        return out

    def __repr__(self):
        return 'Reply(%r, %d lines)' % (self.status, len(self.lines))


def write_config(root, extra=()):
    """The config tests/session/run.py writes for a fixture tree."""
    root = os.path.realpath(root)
    lines = ['vpopmail-dir = %s/home/vpopmail' % root,
             'qmail-dir = %s/var/qmail' % root,
             'audit-log = %s/audit.log' % root,
             'timeout = 60']
    if os.geteuid() == 0:
        lines += ['frontend-user = nobody', 'empty-dir = %s/empty' % root]
    lines += list(extra)
    path = os.path.join(root, 'vpopmaild.conf')
    with open(path, 'w') as f:
        f.write(''.join(line + '\n' for line in lines))
    return path


def daemon_env():
    env = {'PATH': '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:'
                   '/sbin:/bin',
           'TCPREMOTEIP': '127.0.0.1'}
    if os.environ.get('SANITIZE') == '1':
        env['ASAN_OPTIONS'] = 'detect_leaks=0:abort_on_error=0'
        env['UBSAN_OPTIONS'] = 'print_stacktrace=1:halt_on_error=1'
    return env


class Session:
    def __init__(self, build, conf, timeout=DEFAULT_TIMEOUT, stderr=None,
                 greet=True):
        self.timeout = timeout
        self.buf = bytearray()
        self.eof = False
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        err = open(stderr, 'ab') if stderr else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(
                [os.path.join(build, 'vpopmaild'), '-f', conf],
                stdin=theirs.fileno(), stdout=theirs.fileno(), stderr=err,
                env=daemon_env(), cwd=os.path.dirname(conf), close_fds=True,
                start_new_session=True)
        finally:
            theirs.close()
            if stderr:
                err.close()
        self.pid = self.proc.pid
        self.sock = ours
        self.greeting = self.read_line() if greet else None

    # -------------------------------------------------------- raw lines

    def send(self, data):
        self.sock.sendall(data)

    def send_line(self, text):
        if isinstance(text, str):
            text = text.encode('latin-1')
        self.sock.sendall(text + b'\r\n')

    def read_line(self):
        """One line without its CRLF (str, latin-1); ProtocolError on EOF
        or timeout."""
        deadline = time.monotonic() + self.timeout
        while True:
            i = self.buf.find(b'\n')
            if i >= 0:
                line = bytes(self.buf[:i + 1])
                del self.buf[:i + 1]
                if not line.endswith(b'\r\n'):
                    raise ProtocolError('line without CR: %r' % line)
                return line[:-2].decode('latin-1')
            if self.eof:
                raise ProtocolError('EOF (after %r)' % bytes(self.buf))
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError('timed out reading a line')
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                try:
                    data = self.sock.recv(1 << 16)
                except ConnectionResetError:
                    data = b''
                if data:
                    self.buf += data
                else:
                    self.eof = True

    def read_reply(self):
        status = self.read_line()
        if status == '+OK ':
            return Reply('+OK', [])
        if status != '+OK+':
            return Reply(status, [])
        lines = []
        while True:
            line = self.read_line()
            if line == '.':
                return Reply('+OK+', lines)
            lines.append(line)

    # ---------------------------------------------------------- commands

    def cmd(self, line):
        self.send_line(line)
        return self.read_reply()

    def login(self, how, address, password):
        return self.cmd('%s %s %s' % (how, address, password))

    def mod_user(self, address, body):
        """Sends the body only after "+OK " (as Net_Vpopmaild does);
        returns the pre-body error or the final status."""
        first = self.cmd('mod_user %s' % address)
        if first.status != '+OK':
            return first
        for line in body:
            self.send_line(line)
        self.send_line('.')
        return self.read_reply()

    def pipeline(self, lines, window=64):
        """Sends lines keeping at most window replies outstanding; returns
        the single-line replies in order (no +OK+ blocks expected)."""
        out, sent = [], 0
        while len(out) < len(lines):
            while sent < len(lines) and sent - len(out) < window:
                self.send_line(lines[sent])
                sent += 1
            out.append(self.read_reply())
        return out

    # ----------------------------------------------------------- process

    def frontend_pid(self):
        """The daemon's child (the frontend), or None."""
        try:
            with open('/proc/%d/task/%d/children' % (self.pid, self.pid)) as f:
                kids = f.read().split()
            return int(kids[0]) if kids else None
        except (OSError, ValueError):
            return None

    def kill(self, sig=signal.SIGKILL):
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def close(self, quit=True, wait=10.0):
        """quit (optional), close our end, wait for the daemon; returns its
        exit status (None if it had to be killed)."""
        if quit and not self.eof:
            try:
                self.send_line('quit')
            except OSError:
                pass
        self.sock.close()
        try:
            status = self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            status = None
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if status is None:
            self.proc.wait()
        return status


def peak_rss_kb(pid):
    """VmHWM of a live process in kB, or None."""
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None
