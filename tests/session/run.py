#!/usr/bin/env python3
"""Golden-transcript runner for vpopmaild.

Usage:
    python3 tests/session/run.py BUILD_DIR DAEMON [script.vps ...]
    python3 tests/session/run.py --selftest

Without scripts, every tests/session/*.vps is run (sorted by name).

Each script gets a fresh fixture tree T (tests/tools/fixture.sh, which needs
BUILD_DIR/tests/tools/reroot) and a config file T/vpopmaild.conf. Each
connection starts `DAEMON -f T/vpopmaild.conf` with stdin and stdout on one
end of a socketpair; its stderr goes to T/stderr.N and what was sent and
received to T/transcript.N.

Script directives (one per line; lines starting with '#' and blank lines are
ignored):

  @tree small|large      fixture tree (default small); before any connection
  @config KEY = VALUE    config line, written after the defaults; a default
                         line with the same KEY is dropped
  @noconfig KEY          drop a default config line
  @config-raw TEXT       TEXT written verbatim as a config line
  @env NAME=VALUE        environment variable for the daemon
  @timeout SECONDS       read timeout for S:/S~/@eof (default 10)
  @connect               (re)start a connection; implicit before the first
                         C:/S: line. An open connection is closed first.
  C: BYTES               send BYTES (everything after "C: ", escapes below)
  S: BYTES               expect exactly BYTES next
  S~ REGEX               expect one line (through its \\n) fully matching
                         the bytes regex REGEX (so it ends in \\r\\n)
  @eof                   expect the daemon to close with no further bytes
  @close                 close our end of the connection (the daemon keeps
                         running until it notices; use @exit to check it)
  @exit N                after EOF the daemon must exit with status N
  @sleep SECONDS
  @audit REGEX           some line of T/audit.log matches (waits up to 2 s)
  @noaudit REGEX         no line of T/audit.log matches (checked at once:
                         put it after a reply or @eof, not right after C:)
  @stderr REGEX          this connection's stderr matches (waits up to 2 s)
  @file PATH REGEX       the file PATH (placeholders substituted) exists and
                         its whole content fully matches the bytes REGEX
  @nofile PATH           nothing exists at PATH (not even a symlink)
  @file-unchanged        T/home and T/var are the same at the end as before
                         the first connection (path, type, mode, uid, gid,
                         size and sha256 of files, symlink targets); the
                         content of a file named lastauth is not compared:
                         every successful login rewrites it (STORAGE 6.12)

Escapes in C:/S: payloads: \\r \\n \\t \\\\ \\0 \\xHH. Placeholders
@VPOPMAILDIR@ (T/home/vpopmail), @QMAILDIR@ (T/var/qmail) and @ROOT@ (T)
are substituted before escape processing in C:/S: lines, verbatim in
@config/@config-raw/@env, and regex-escaped in S~/@audit/@noaudit/@stderr.

Besides the script's own checks a connection fails when the daemon does not
exit within 10 s after we close our end, when it dies from SIGSEGV, SIGBUS,
SIGILL, SIGFPE, SIGABRT, SIGSYS or SIGTRAP, or when its stderr holds a
sanitizer report.

Scripts are read as bytes; every byte (UTF-8 included) is sent as written.
"""

import hashlib
import os
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

DEFAULT_TIMEOUT = 10.0
EXIT_WAIT = 10.0
POLL_WAIT = 2.0
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

# Death by one of these is a crash; others (SIGPIPE after the client went
# away, say) are not judged here.
CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE,
                 signal.SIGABRT, signal.SIGSYS, signal.SIGTRAP}

SANITIZER_RE = re.compile(
    rb'ERROR: (Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer'
    rb'|runtime error: ')


class ScriptError(Exception):
    """A syntax error in a .vps script."""


class Fail(Exception):
    """A check failed; args[0] is the reason, details lines follow."""

    def __init__(self, reason, details=()):
        super().__init__(reason)
        self.reason = reason
        self.details = list(details)


# ---------------------------------------------------------------- parsing

ESCAPES = {'r': b'\r', 'n': b'\n', 't': b'\t', '\\': b'\\', '0': b'\0'}


def unescape(text):
    """Turn a payload (str of latin-1 code points) into bytes."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c != '\\':
            out += c.encode('latin-1')
            i += 1
            continue
        if i + 1 >= len(text):
            raise ScriptError('backslash at end of line')
        e = text[i + 1]
        if e in ESCAPES:
            out += ESCAPES[e]
            i += 2
        elif e == 'x':
            h = text[i + 2:i + 4]
            if len(h) != 2 or not all(ch in '0123456789abcdefABCDEF'
                                      for ch in h):
                raise ScriptError('bad \\x escape: %r' % text[i:i + 4])
            out.append(int(h, 16))
            i += 4
        else:
            raise ScriptError('unknown escape \\%s' % e)
    return bytes(out)


def placeholders(root):
    root = root.rstrip('/') if root != '/' else ''
    return {
        '@VPOPMAILDIR@': root + '/home/vpopmail',
        '@QMAILDIR@': root + '/var/qmail',
        '@ROOT@': root if root else '/',
    }


def substitute(text, values, regex=False):
    for name, value in values.items():
        text = text.replace(name, re.escape(value) if regex else value)
    return text


def parse(data):
    """Parse script bytes into (header dict, list of (lineno, op, arg))."""
    text = data.decode('latin-1')
    head = {'tree': 'small', 'config': [], 'noconfig': [], 'env': [],
            'file_unchanged': False}
    steps = []
    seen_connection = False
    for lineno, line in enumerate(text.split('\n'), 1):
        if line.strip() == '' or line.startswith('#'):
            continue
        if line.startswith('C:') or line.startswith('S:'):
            arg = line[2:]
            if arg.startswith(' '):
                arg = arg[1:]
            elif arg != '':
                raise ScriptError('line %d: "%s" must be followed by one '
                                  'space' % (lineno, line[:2]))
            op = line[0]
            try:
                unescape(arg)
            except ScriptError as e:
                raise ScriptError('line %d: %s' % (lineno, e)) from None
            steps.append((lineno, op, arg))
            seen_connection = True
            continue
        if line.startswith('S~'):
            arg = line[2:]
            if not arg.startswith(' '):
                raise ScriptError('line %d: "S~" must be followed by one '
                                  'space' % lineno)
            compile_bytes_regex(arg[1:], placeholders('/'), lineno)
            steps.append((lineno, 'S~', arg[1:]))
            seen_connection = True
            continue
        if not line.startswith('@'):
            raise ScriptError('line %d: unknown line %r' % (lineno, line))
        word, _, arg = line.partition(' ')
        arg = arg.strip() if word not in ('@config-raw',) else arg
        if word in ('@tree', '@config', '@noconfig', '@config-raw', '@env'):
            if seen_connection:
                raise ScriptError('line %d: %s after the first connection'
                                  % (lineno, word))
            if word == '@tree':
                if arg not in ('small', 'large'):
                    raise ScriptError('line %d: @tree small|large' % lineno)
                head['tree'] = arg
            elif word == '@config':
                key, eq, value = arg.partition('=')
                if not eq or not key.strip():
                    raise ScriptError('line %d: @config KEY = VALUE' % lineno)
                head['config'].append((key.strip(), value.strip(), None))
            elif word == '@config-raw':
                head['config'].append((None, None, arg))
            elif word == '@noconfig':
                if not arg:
                    raise ScriptError('line %d: @noconfig KEY' % lineno)
                head['noconfig'].append(arg)
            else:
                name, eq, value = arg.partition('=')
                if not eq or not name:
                    raise ScriptError('line %d: @env NAME=VALUE' % lineno)
                head['env'].append((name, value))
        elif word == '@file-unchanged':
            head['file_unchanged'] = True
        elif word in ('@connect', '@eof', '@close'):
            if arg:
                raise ScriptError('line %d: %s takes no argument'
                                  % (lineno, word))
            steps.append((lineno, word, None))
            seen_connection = True
        elif word in ('@sleep', '@timeout'):
            try:
                value = float(arg)
            except ValueError:
                raise ScriptError('line %d: %s needs a number'
                                  % (lineno, word)) from None
            if value < 0:
                raise ScriptError('line %d: negative %s' % (lineno, word))
            steps.append((lineno, word, value))
        elif word == '@exit':
            try:
                value = int(arg)
            except ValueError:
                raise ScriptError('line %d: @exit needs an integer'
                                  % lineno) from None
            steps.append((lineno, word, value))
        elif word in ('@file', '@nofile'):
            path, _, rx = arg.partition(' ')
            if not path or (word == '@file') != bool(rx):
                raise ScriptError('line %d: %s PATH%s' % (
                    lineno, word, ' REGEX' if word == '@file' else ''))
            if rx:
                compile_bytes_regex(rx, placeholders('/'), lineno)
            steps.append((lineno, word, (path, rx)))
        elif word in ('@audit', '@noaudit', '@stderr'):
            if not arg:
                raise ScriptError('line %d: %s needs a regex' % (lineno, word))
            compile_bytes_regex(arg, placeholders('/'), lineno)
            steps.append((lineno, word, arg))
        else:
            raise ScriptError('line %d: unknown directive %s' % (lineno, word))
    return head, steps


def compile_bytes_regex(pattern, values, lineno):
    pattern = substitute(pattern, values, regex=True)
    try:
        return re.compile(pattern.encode('latin-1'))
    except re.error as e:
        raise ScriptError('line %d: bad regex: %s' % (lineno, e)) from None


# ---------------------------------------------------------------- helpers

def show(b, limit=300):
    r = repr(bytes(b))
    return r if len(r) <= limit else r[:limit] + '...'


def mismatch_details(expected, got):
    n = 0
    while n < min(len(expected), len(got)) and expected[n] == got[n]:
        n += 1
    start = max(0, n - 40)
    pre = '...' if start else ''
    return ['first difference at byte %d' % n,
            'expected: %s%s' % (pre, show(expected[start:start + 200])),
            '     got: %s%s' % (pre, show(got[start:start + 200]))]


def manifest(root):
    """Map relative path -> description of T/home and T/var."""
    out = {}
    for top in ('home', 'var'):
        base = os.path.join(root, top)
        if not os.path.lexists(base):
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            for name in [''] + dirnames + filenames:
                path = os.path.join(dirpath, name) if name else dirpath
                rel = os.path.relpath(path, root)
                if rel in out:
                    continue
                st = os.lstat(path)
                desc = ('mode=%o uid=%d gid=%d'
                        % (st.st_mode, st.st_uid, st.st_gid))
                if stat.S_ISREG(st.st_mode) and name == 'lastauth':
                    pass    # every login rewrites it (content not compared)
                elif stat.S_ISREG(st.st_mode):
                    h = hashlib.sha256()
                    with open(path, 'rb') as f:
                        for chunk in iter(lambda: f.read(65536), b''):
                            h.update(chunk)
                    desc += ' size=%d sha256=%s' % (st.st_size,
                                                    h.hexdigest()[:16])
                elif stat.S_ISLNK(st.st_mode):
                    desc += ' -> %s' % os.readlink(path)
                out[rel] = desc
    return out


def manifest_diff(before, after, limit=10):
    lines = []
    for rel in sorted(set(before) | set(after)):
        if rel not in after:
            lines.append('removed: %s (%s)' % (rel, before[rel]))
        elif rel not in before:
            lines.append('added:   %s (%s)' % (rel, after[rel]))
        elif before[rel] != after[rel]:
            lines.append('changed: %s (%s -> %s)'
                         % (rel, before[rel], after[rel]))
    if len(lines) > limit:
        lines = lines[:limit] + ['... %d more' % (len(lines) - limit)]
    return lines


def tail(path, n=6):
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError:
        return []
    lines = data.decode('utf-8', 'replace').splitlines()
    return ['stderr: ' + line for line in lines[-n:]]


# ---------------------------------------------------------------- connection

class Connection:
    def __init__(self, runner, number):
        self.runner = runner
        self.number = number
        self.pending = bytearray()
        self.eof = False
        self.stderr_path = os.path.join(runner.root, 'stderr.%d' % number)
        self.transcript = open(os.path.join(runner.root, 'transcript.%d'
                                            % number), 'w')
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with open(self.stderr_path, 'wb') as err:
                self.proc = subprocess.Popen(
                    [runner.daemon, '-f', runner.config],
                    stdin=theirs.fileno(), stdout=theirs.fileno(),
                    stderr=err, env=runner.env, cwd=runner.root,
                    close_fds=True, start_new_session=True)
        except OSError as e:
            ours.close()
            raise Fail('cannot start %s: %s' % (runner.daemon, e)) from None
        finally:
            theirs.close()
        self.sock = ours
        self.sock.setblocking(False)
        self.sock_closed = False
        self.closed = False

    def log(self, tag, data):
        self.transcript.write('%s %s\n' % (tag, show(data, 10 ** 9)))
        self.transcript.flush()

    def _recv(self):
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return
        except ConnectionResetError:
            data = b''
        if data:
            self.log('S', data)
            self.pending += data
        else:
            self.eof = True
            self.log('#', b'EOF')

    def send(self, payload):
        self.log('C', payload)
        deadline = time.monotonic() + self.runner.timeout
        off = 0
        while off < len(payload):
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail('timed out sending (daemon not reading), %d of %d '
                           'bytes sent' % (off, len(payload)))
            r, w, _ = select.select([] if self.eof else [self.sock],
                                    [self.sock], [], left)
            if r:
                self._recv()
            if w:
                try:
                    off += self.sock.send(payload[off:off + 65536])
                except BlockingIOError:
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    # The daemon closed its end; what it said before that
                    # is still readable and the script may expect it.
                    self.log('#', b'send: peer closed, %d bytes unsent'
                             % (len(payload) - off))
                    return

    def _wait_for(self, enough):
        """Read until enough() is true, EOF, or the timeout; False on
        timeout."""
        deadline = time.monotonic() + self.runner.timeout
        while not enough() and not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                self._recv()
        return True

    def _grace(self, seconds=0.3):
        """Collect a little more output for a failure report."""
        deadline = time.monotonic() + seconds
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                self._recv()

    def expect(self, expected):
        def enough():
            n = min(len(self.pending), len(expected))
            return (len(self.pending) >= len(expected)
                    or self.pending[:n] != expected[:n])
        ok = self._wait_for(enough)
        got = bytes(self.pending[:len(expected)])
        if got == expected:
            del self.pending[:len(expected)]
            return
        if got == expected[:len(got)]:
            why = ('timed out after %gs' % self.runner.timeout if not ok
                   else 'connection closed')
            raise Fail('%s waiting for %d bytes, got %d'
                       % (why, len(expected), len(got)),
                       ['expected: ' + show(expected),
                        '     got: ' + show(self.pending)])
        self._grace()
        raise Fail('unexpected output',
                   mismatch_details(expected, bytes(self.pending)))

    def expect_line(self, regex, source):
        ok = self._wait_for(lambda: b'\n' in self.pending)
        i = self.pending.find(b'\n')
        if i < 0:
            why = 'timed out' if not ok else 'connection closed'
            raise Fail('%s waiting for a line matching %s' % (why, source),
                       ['got: ' + show(self.pending)])
        line = bytes(self.pending[:i + 1])
        if not regex.fullmatch(line):
            self._grace()
            raise Fail('line does not match', [
                'regex: ' + source, '  got: ' + show(line),
                ' then: ' + show(self.pending[i + 1:])])
        del self.pending[:i + 1]

    def expect_eof(self):
        ok = self._wait_for(lambda: bool(self.pending))
        if self.pending:
            self._grace()
            raise Fail('expected EOF, got output',
                       ['got: ' + show(self.pending)])
        if not ok:
            raise Fail('timed out after %gs waiting for EOF'
                       % self.runner.timeout)

    def wait_exit(self, seconds):
        try:
            return self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait()

    def close_socket(self):
        if not self.sock_closed:
            self.sock_closed = True
            self.sock.close()
            self.log('#', b'client closed')

    def close(self, check=True):
        """Close our end, wait for the daemon; with check, raise Fail on a
        hang, a signal death or a sanitizer report."""
        if self.closed:
            return
        self.closed = True
        self.close_socket()
        status = self.wait_exit(EXIT_WAIT if check else 1.0)
        # Kill whatever is left of the process group (helpers that did
        # not go away with the main process).
        hung = status is None
        self.kill()
        self.transcript.close()
        if not check:
            return
        if hung:
            raise Fail('daemon did not exit within %gs after the connection '
                       'was closed' % EXIT_WAIT, tail(self.stderr_path))
        self.check_status(status)

    def check_status(self, status):
        if status < 0 and -status in CRASH_SIGNALS:
            raise Fail('daemon killed by signal %d' % -status,
                       tail(self.stderr_path))
        try:
            with open(self.stderr_path, 'rb') as f:
                err = f.read()
        except OSError:
            err = b''
        if SANITIZER_RE.search(err):
            raise Fail('sanitizer report on stderr', tail(self.stderr_path,
                                                          12))


# ---------------------------------------------------------------- runner

class Runner:
    def __init__(self, build, daemon, name, root, head):
        self.build = build
        self.daemon = daemon
        self.name = name
        self.root = root
        self.head = head
        self.timeout = DEFAULT_TIMEOUT
        self.values = placeholders(root)
        self.config = os.path.join(root, 'vpopmaild.conf')
        self.audit = os.path.join(root, 'audit.log')
        self.conn = None
        self.last = None
        self.count = 0
        self.env = None

    def setup(self):
        r = subprocess.run(
            ['sh', os.path.join(TOP, 'tests', 'tools', 'fixture.sh'),
             self.head['tree'], self.root, self.build],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0 or r.stdout:
            raise Fail('fixture.sh failed (status %d)' % r.returncode,
                       r.stdout.decode('utf-8', 'replace').splitlines())
        v = self.values
        defaults = [('vpopmail-dir', v['@VPOPMAILDIR@']),
                    ('qmail-dir', v['@QMAILDIR@']),
                    ('audit-log', self.audit),
                    ('timeout', '60')]
        if os.geteuid() == 0:
            defaults += [('frontend-user', 'nobody'),
                         ('empty-dir', os.path.join(self.root, 'empty'))]
        drop = set(self.head['noconfig'])
        drop |= {k for k, _, raw in self.head['config'] if raw is None}
        lines = ['%s = %s' % (k, val) for k, val in defaults if k not in drop]
        for key, value, raw in self.head['config']:
            if raw is None:
                lines.append('%s = %s' % (key, substitute(value, v)))
            else:
                lines.append(substitute(raw, v))
        with open(self.config, 'w', encoding='latin-1') as f:
            f.write(''.join(line + '\n' for line in lines))
        env = {'PATH': '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:'
                       '/sbin:/bin',
               'TCPREMOTEIP': '127.0.0.1'}
        if os.environ.get('SANITIZE') == '1':
            env['ASAN_OPTIONS'] = 'detect_leaks=0:abort_on_error=0'
            env['UBSAN_OPTIONS'] = 'print_stacktrace=1:halt_on_error=1'
        for name, value in self.head['env']:
            env[name] = substitute(value, v)
        self.env = {k.encode('latin-1'): val.encode('latin-1')
                    for k, val in env.items()}

    def connect(self):
        self.disconnect()
        self.count += 1
        self.conn = Connection(self, self.count)
        self.last = self.conn

    def disconnect(self, check=True):
        if self.conn is not None:
            conn, self.conn = self.conn, None
            conn.close(check)

    def need_conn(self, op):
        if self.conn is None:
            if op in ('C', 'S', 'S~'):
                self.connect()
            else:
                raise Fail('%s without an open connection' % op)
        if self.conn.sock_closed:
            raise Fail('%s after @close (use @connect)' % op)
        return self.conn

    def poll_file(self, path, regex, wait):
        deadline = time.monotonic() + wait
        while True:
            try:
                with open(path, 'rb') as f:
                    data = f.read()
            except FileNotFoundError:
                data = b''
            if regex.search(data):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def audit_lines(self):
        try:
            with open(self.audit, 'rb') as f:
                return f.read().split(b'\n')
        except FileNotFoundError:
            return []

    def step(self, lineno, op, arg):
        v = self.values
        if op == 'C':
            self.need_conn(op).send(unescape(substitute(arg, v)))
        elif op == 'S':
            self.need_conn(op).expect(unescape(substitute(arg, v)))
        elif op == 'S~':
            rx = compile_bytes_regex(arg, v, lineno)
            self.need_conn(op).expect_line(rx, arg)
        elif op == '@connect':
            self.connect()
        elif op == '@eof':
            self.need_conn(op).expect_eof()
        elif op == '@close':
            self.need_conn(op).close_socket()
        elif op == '@exit':
            conn = self.conn or self.last
            if conn is None:
                raise Fail('@exit before any connection')
            if not conn.eof and not conn.sock_closed:
                conn.expect_eof()
            status = conn.wait_exit(EXIT_WAIT)
            if status is None:
                raise Fail('daemon did not exit within %gs after EOF'
                           % EXIT_WAIT, tail(conn.stderr_path))
            if status != arg:
                raise Fail('daemon exit status %s, expected %d'
                           % (status if status >= 0
                              else 'signal %d' % -status, arg),
                           tail(conn.stderr_path))
        elif op == '@sleep':
            time.sleep(arg)
        elif op == '@timeout':
            self.timeout = arg
        elif op in ('@audit', '@noaudit'):
            rx = compile_bytes_regex(arg, v, lineno)
            if op == '@audit':
                deadline = time.monotonic() + POLL_WAIT
                while not any(rx.search(x) for x in self.audit_lines()):
                    if time.monotonic() >= deadline:
                        raise Fail('no audit line matches %s' % arg,
                                   ['audit: ' + show(x) for x in
                                    self.audit_lines()[-6:] if x])
                    time.sleep(0.05)
            else:
                hits = [x for x in self.audit_lines() if rx.search(x)]
                if hits:
                    raise Fail('audit line matches %s' % arg,
                               ['audit: ' + show(x) for x in hits[:4]])
        elif op in ('@file', '@nofile'):
            path = substitute(arg[0], v)
            if op == '@nofile':
                if os.path.lexists(path):
                    raise Fail('%s exists' % path)
            else:
                rx = compile_bytes_regex(arg[1], v, lineno)
                try:
                    with open(path, 'rb') as f:
                        data = f.read()
                except OSError as e:
                    raise Fail('@file %s: %s' % (path, e)) from None
                if not rx.fullmatch(data):
                    raise Fail('%s does not match %s' % (path, arg[1]),
                               ['content: ' + show(data)])
        elif op == '@stderr':
            conn = self.conn or self.last
            if conn is None:
                raise Fail('@stderr before any connection')
            rx = compile_bytes_regex(arg, v, lineno)
            if not self.poll_file(conn.stderr_path, rx, POLL_WAIT):
                raise Fail('stderr does not match %s' % arg,
                           tail(conn.stderr_path))
        else:
            raise ScriptError('line %d: internal: unknown op %s'
                              % (lineno, op))


# ---------------------------------------------------------------- secrets

# Commands and the index of the word that is a password (the account
# comes before it), and body keys whose value is one (mod_user).
SECRET_AT = {b'login': 2, b'clogin': 2, b'slogin': 2, b'auth_check': 3,
             b'add_user': 2, b'add_domain': 2}
SECRET_KEYS = {b'clear_text_password', b'encrypted_password'}
SECRET_MIN = 4      # shorter ones ("x", "pw") would match ordinary words


def sent_secrets(steps, values):
    """Every password (and hash) a script sends, as bytes."""
    found = set()
    for _, op, arg in steps:
        if op != 'C':
            continue
        for line in unescape(substitute(arg, values)).split(b'\n'):
            words = line.rstrip(b'\r').split()
            at = SECRET_AT.get(words[0].lower()) if words else None
            # the large tree's accounts have their names as passwords
            if at is not None and len(words) > at and \
                    words[at] != words[at - 1].split(b'@')[0].lower():
                found.add(words[at])
            elif len(words) >= 2 and words[0].lower() in SECRET_KEYS:
                found.add(words[1])
    return {x for x in found if len(x) >= SECRET_MIN}


def tree_hashes(root):
    """The second field of every vpasswd line under root."""
    found = set()
    for top, _, files in os.walk(root):
        if 'vpasswd' in files:
            try:
                with open(os.path.join(top, 'vpasswd'), 'rb') as f:
                    lines = f.read().split(b'\n')
            except OSError:
                continue
            found |= {ln.split(b':')[1] for ln in lines
                      if ln.count(b':') >= 6 and
                      len(ln.split(b':')[1]) >= SECRET_MIN}
    return found


def secret_regex(secret):
    """A short secret matches only as a whole token (paths hold "tests");
    a long one (a hash) anywhere."""
    if len(secret) >= 12:
        return re.compile(re.escape(secret))
    return re.compile(rb'(?<![A-Za-z0-9_./-])' + re.escape(secret) +
                      rb'(?![A-Za-z0-9_./-])')


def log_leaks(root, secrets):
    """Which secrets appear in the run's audit log or any stderr."""
    hits = []
    for name in sorted(os.listdir(root)):
        if name != 'audit.log' and not name.startswith('stderr.'):
            continue
        with open(os.path.join(root, name), 'rb') as f:
            text = f.read()
        hits += ['%s in %s' % (show(x[:16]), name) for x in sorted(secrets)
                 if secret_regex(x).search(text)]
    return hits


def run_script(build, daemon, path):
    """Run one script; returns (ok, reason, details, root)."""
    name = os.path.splitext(os.path.basename(path))[0]
    try:
        with open(path, 'rb') as f:
            head, steps = parse(f.read())
    except (OSError, ScriptError) as e:
        return False, 'bad script: %s' % e, [], None
    root = tempfile.mkdtemp(prefix='vps-%s-' % name)
    os.chmod(root, 0o755)
    runner = Runner(build, daemon, name, root, head)
    lineno = 0
    try:
        runner.setup()
        secrets = sent_secrets(steps, runner.values) | tree_hashes(root)
        before = manifest(root) if head['file_unchanged'] else None
        for lineno, op, arg in steps:
            runner.step(lineno, op, arg)
        lineno = 0
        runner.disconnect()
        secrets |= tree_hashes(root)
        leaks = log_leaks(root, secrets)
        if leaks:
            raise Fail('a password or hash is in a log', leaks)
        if before is not None:
            after = manifest(root)
            if after != before:
                raise Fail('@file-unchanged: the tree changed',
                           manifest_diff(before, after))
    except Fail as e:
        runner.disconnect(check=False)
        where = ' (line %d)' % lineno if lineno else ''
        return False, e.reason + where, e.details, root
    except ScriptError as e:
        runner.disconnect(check=False)
        return False, 'bad script: %s' % e, [], root
    except BaseException:
        runner.disconnect(check=False)
        raise
    shutil.rmtree(root, ignore_errors=True)
    return True, None, [], None


# ---------------------------------------------------------------- selftest

def selftest():
    results = []

    def check(name, fn):
        try:
            fn()
            results.append(True)
            print('ok - selftest %s' % name)
        except Exception as e:  # noqa: BLE001 - report anything
            results.append(False)
            print('FAIL - selftest %s: %r' % (name, e))

    def escapes():
        assert unescape(r'+OK \r\n') == b'+OK \r\n'
        assert unescape(r'a\tb\\c\0d') == b'a\tb\\c\x00d'
        assert unescape(r'\x00\xff\x41\xAb') == b'\x00\xffA\xab'
        assert unescape('caf\xe9') == b'caf\xe9'   # latin-1 passthrough
        for bad in ('x\\', r'\q', r'\x4', r'\xg0'):
            try:
                unescape(bad)
            except ScriptError:
                continue
            raise AssertionError('accepted %r' % bad)
        head, steps = parse(b'# c\n\nC: a  \nS: \n@eof\n')
        assert steps == [(3, 'C', 'a  '), (4, 'S', ''), (5, '@eof', None)]
        assert head['tree'] == 'small'

    def placeholder():
        v = placeholders('/tmp/t')
        s = unescape(substitute(r'@VPOPMAILDIR@/domains\n@QMAILDIR@ @ROOT@',
                                v))
        assert s == b'/tmp/t/home/vpopmail/domains\n/tmp/t/var/qmail /tmp/t'
        assert placeholders('/')['@VPOPMAILDIR@'] == '/home/vpopmail'
        rx = compile_bytes_regex(r'\+OK @ROOT@\r\n', placeholders('/a.b'), 1)
        assert rx.fullmatch(b'+OK /a.b\r\n')
        assert not rx.fullmatch(b'+OK /aXb\r\n')   # the dot is escaped
        head, steps = parse(b'@tree large\n@config a = @ROOT@/x\n'
                            b'@env X=1\nS~ x\n@exit 3\n')
        assert head['tree'] == 'large'
        assert head['config'] == [('a', '@ROOT@/x', None)]
        assert head['env'] == [('X', '1')]
        assert steps == [(4, 'S~', 'x'), (5, '@exit', 3)]

    def secrets():
        head, steps = parse(b'C: login a@b.c Sekret-1\\r\\n\n'
                            b'C: mod_user a@b.c\\r\\nclear_text_password '
                            b'Body-Pw2\\r\\n.\\r\\n\n'
                            b'C: add_user x@b.c pw\\r\\n\n'
                            b'C: login u001@big.example u001\\r\\n\n')
        got = sent_secrets(steps, placeholders('/t'))
        assert got == {b'Sekret-1', b'Body-Pw2'}, got   # "pw" too short
        rx = secret_regex(b'test')
        assert rx.search(b'"detail":"password test"')
        assert not rx.search(b'/tmp/tests/x') and not rx.search(b'test.com')
        assert secret_regex(b'$6$abcdefgh$xyz0123').search(b'a$6$abcdefgh'
                                                           b'$xyz0123b')
        root = tempfile.mkdtemp(prefix='vps-selftest-')
        try:
            d = os.path.join(root, 'home', 'd')
            os.makedirs(d)
            with open(os.path.join(d, 'vpasswd'), 'wb') as f:
                f.write(b'u:$1$ab$cdef:1:0:U:/h:NOQUOTA:clr\n')
            with open(os.path.join(root, 'audit.log'), 'wb') as f:
                f.write(b'{"op":"login","detail":"$1$ab$cdef"}\n')
            assert tree_hashes(root) == {b'$1$ab$cdef'}
            assert log_leaks(root, tree_hashes(root)) != []
            assert log_leaks(root, {b'Sekret-1'}) == []
        finally:
            shutil.rmtree(root, ignore_errors=True)

    check('escapes', escapes)
    check('placeholders', placeholder)
    check('secrets', secrets)
    passed = results.count(True)
    failed = results.count(False)
    print('selftest: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


# ---------------------------------------------------------------- main

def main(argv):
    if len(argv) == 2 and argv[1] == '--selftest':
        return selftest()
    if len(argv) < 3:
        sys.stderr.write('usage: run.py BUILD_DIR DAEMON [script.vps ...]\n'
                         '       run.py --selftest\n')
        return 2
    build = os.path.abspath(argv[1])
    daemon = os.path.abspath(argv[2])
    scripts = argv[3:]
    if not scripts:
        scripts = sorted(os.path.join(HERE, f) for f in os.listdir(HERE)
                         if f.endswith('.vps'))
    passed = failed = 0
    for path in scripts:
        name = os.path.splitext(os.path.basename(path))[0]
        ok, reason, details, root = run_script(build, daemon, path)
        if ok:
            passed += 1
            print('ok - %s' % name)
        else:
            failed += 1
            print('FAIL - %s: %s' % (name, reason))
            for line in details:
                print('#   %s' % line)
            if root:
                print('#   tree kept in %s' % root)
        sys.stdout.flush()
    print('session: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
