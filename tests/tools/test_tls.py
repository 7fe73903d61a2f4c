#!/usr/bin/env python3
"""test_tls.py BUILD - TLS of vpopmaild (issue 6): implicit TLS on a /tls
listener and under inetd (tls-implicit), starttls on a plaintext
connection, TLS 1.1 and below refused, login-plaintext = loopback-only
refusing a clear login but accepting one over TLS, starttls without a
certificate (the documented -ERR), the STARTTLS injection (bytes pipelined
behind starttls never run), SIGHUP loading a new certificate for new
connections (a broken one keeps the old), configuration errors, and no
frontend killed by its seccomp filter while doing TLS.

The test makes its own certificates with the openssl CLI in a temporary
directory; Python's ssl module is the client. Prints
"tls: N passed, M failed".
"""
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import warnings

# TLS 1.0/1.1 are offered on purpose, to see the server refuse them
warnings.filterwarnings('ignore', category=DeprecationWarning)

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1])
DAEMON = os.path.join(BUILD, 'vpopmaild')
GREETING = b'+OK \r\n'
NOT_AVAILABLE = b'-ERR 0.9010 TLS not available\r\n'
ALREADY = b'-ERR 0.9011 TLS already active\r\n'
REFUSED = b'-ERR 0.9003 Plaintext login refused from a non-loopback address\r\n'
passed = failed = 0


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


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_cert(d, name, kind):
    """A self-signed certificate; returns (cert path, key path, DER)."""
    cert = os.path.join(d, name + '.crt')
    key = os.path.join(d, name + '.key')
    if kind == 'ec':
        keyopt = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
    else:
        keyopt = ['-newkey', 'rsa:2048']
    subprocess.run(['openssl', 'req', '-x509', '-nodes', '-days', '2'] +
                   keyopt + ['-keyout', key, '-out', cert,
                             '-subj', '/CN=' + name],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    os.chmod(key, 0o600)
    der = ssl.PEM_cert_to_DER_cert(open(cert).read())
    return cert, key, der


def client_ctx(maxv=None, minv=None, seclevel0=False):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    if seclevel0:
        # let the client itself offer old versions: the refusal must
        # come from the server
        c.set_ciphers('DEFAULT:@SECLEVEL=0')
    if minv is not None:
        c.minimum_version = minv
    if maxv is not None:
        c.maximum_version = maxv
    return c


def read_line(s):
    data = b''
    while not data.endswith(b'\n'):
        try:
            d = s.recv(1)
        except (OSError, ssl.SSLError):
            break
        if not d:
            break
        data += d
    return data


def read_all(s):
    data = b''
    while True:
        try:
            d = s.recv(4096)
        except (OSError, ssl.SSLError):
            break
        if not d:
            break
        data += d
    return data


class Daemon:
    """The built-in listener with a /tls and a plaintext address."""

    def __init__(self, root, extra='', tls=True):
        self.root = root
        self.conf = os.path.join(root, 'vpopmaild.conf')
        self.write_conf(extra)
        self.tport = free_port()
        self.pport = free_port()
        self.errpath = os.path.join(root, 'tls.err.%d' % self.pport)
        self.err = open(self.errpath, 'wb')
        argv = [DAEMON, '-f', self.conf, '-l', '127.0.0.1:%d' % self.pport]
        if tls:
            argv += ['-l', '127.0.0.1:%d/tls' % self.tport]
        env = dict(os.environ)
        env.pop('TCPREMOTEIP', None)
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=self.err,
                                  env=env)
        if not self.wait_log('listening on'):
            raise RuntimeError('daemon did not start: ' + self.log())

    def write_conf(self, extra):
        with open(self.conf, 'w') as f:
            f.write(base_conf(self.root) + extra)

    def log(self):
        with open(self.errpath, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def wait_log(self, regex, timeout=5.0, count=1):
        end = time.time() + timeout
        while time.time() < end:
            if len(re.findall(regex, self.log())) >= count:
                return True
            if self.p.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
        self.p.wait()
        self.err.close()


def base_conf(root):
    lines = ['vpopmail-dir = %s/home/vpopmail' % root,
             'qmail-dir = %s/var/qmail' % root,
             'audit-log = %s/audit.log' % root]
    if os.geteuid() == 0:
        lines += ['frontend-user = nobody', 'empty-dir = %s/empty' % root]
    return '\n'.join(lines) + '\n'


def tls_conf(cert, key):
    return 'tls-cert = %s\ntls-key = %s\n' % (cert, key)


def connect(port):
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    return s


def tls_connect(port, ctx=None):
    s = connect(port)
    return (ctx or client_ctx()).wrap_socket(s)


def read_reply(s):
    """One reply: a status line, or "+OK+" and its lines up to ".". """
    data = read_line(s)
    if data == b'+OK+\r\n':
        while True:
            line = read_line(s)
            data += line
            if line in (b'.\r\n', b''):
                break
    return data


def converse(s, lines):
    """Sends each line and reads its whole reply."""
    out = []
    for line in lines:
        s.sendall(line + b'\r\n')
        out.append(read_reply(s))
    return out


def test_implicit(root, a):
    d = Daemon(root, tls_conf(a[0], a[1]))
    try:
        s = tls_connect(d.tport)
        ok(s.getpeercert(binary_form=True) == a[2],
           'implicit TLS: the configured certificate is presented')
        ok(s.version() in ('TLSv1.3', 'TLSv1.2'),
           'a modern version is negotiated (%s)' % s.version())
        ok(read_line(s) == GREETING, 'the greeting comes inside TLS')
        ok(converse(s, [b'starttls'])[0] == ALREADY,
           'starttls inside TLS is refused: already active')
        r = converse(s, [b'login admin@example.com secret',
                         b'domain_count'])
        ok(r[0].startswith(b'+OK'), 'login over implicit TLS: %r'
           % r[0][:6])
        rest = r[1]
        ok(rest.startswith(b'+OK') and b'count' in rest,
           'a command over implicit TLS: %r' % rest)
        s.sendall(b'quit\r\n')
        ok(read_all(s) == b'+OK \r\n', 'quit ends the TLS session')
        s.close()
        # plaintext on the TLS port is not a session
        p = connect(d.tport)
        p.sendall(b'login admin@example.com secret\r\n')
        got = read_all(p)
        ok(b'+OK' not in got, 'clear text to the /tls listener gets no '
           'session: %r' % got[:40])
        p.close()
        for v, name in ((ssl.TLSVersion.TLSv1_2, 'TLS 1.2'),
                        (ssl.TLSVersion.TLSv1_3, 'TLS 1.3')):
            c = client_ctx(maxv=v, minv=v)
            s = tls_connect(d.tport, c)
            ok(read_line(s) == GREETING, '%s is accepted' % name)
            s.close()
        for v, name in ((ssl.TLSVersion.TLSv1_1, 'TLS 1.1'),
                        (ssl.TLSVersion.TLSv1, 'TLS 1.0')):
            c = client_ctx(maxv=v, minv=ssl.TLSVersion.TLSv1,
                           seclevel0=True)
            try:
                s = tls_connect(d.tport, c)
                got = read_line(s)
                s.close()
                ok(False, '%s is refused (got %r)' % (name, got))
            except (ssl.SSLError, OSError) as e:
                refused = 'version' in str(e).lower() or \
                    'alert' in str(e).lower()
                ok(refused, '%s is refused by the server (%s)' % (name, e))
        ok('frontend-killed' not in d.log() and
           'frontend killed' not in audit(root),
           'no frontend was killed by its seccomp filter during TLS')
    finally:
        d.stop()


def audit(root):
    try:
        with open(os.path.join(root, 'audit.log'), 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except OSError:
        return ''


def starttls(s):
    """Plain greeting, starttls, +OK, handshake; returns the TLS socket."""
    ok(read_line(s) == GREETING, 'plain greeting before starttls')
    s.sendall(b'starttls\r\n')
    ok(read_line(s) == b'+OK \r\n', 'starttls answers +OK in clear')
    return client_ctx().wrap_socket(s)


def test_starttls(root, a):
    d = Daemon(root, tls_conf(a[0], a[1]))
    try:
        s = starttls(connect(d.pport))
        ok(s.getpeercert(binary_form=True) == a[2],
           'starttls: the handshake presents the certificate')
        ok(converse(s, [b'starttls'])[0] == ALREADY,
           'a second starttls is refused: already active')
        r = converse(s, [b'login admin@example.com secret',
                         b'domain_count'])
        ok(r[0].startswith(b'+OK'), 'login after starttls: %r'
           % r[0][:6])
        rest = r[1]
        ok(rest.startswith(b'+OK') and b'count' in rest,
           'a command after starttls: %r' % rest)
        s.sendall(b'quit\r\n')
        ok(read_all(s) == b'+OK \r\n', 'quit after starttls')
        s.close()
        # STARTTLS injection: a login pipelined in clear behind starttls
        p = connect(d.pport)
        ok(read_line(p) == GREETING, 'greeting (injection)')
        p.sendall(b'starttls\r\nlogin admin@example.com secret\r\n')
        ok(read_line(p) == b'+OK \r\n', 'starttls answered once')
        try:
            s = client_ctx().wrap_socket(p)
            s.sendall(b'domain_count\r\n')
            got = read_line(s)
            ok(got.startswith(b'-ERR 4.104'),
               'the pipelined login did not survive the handshake: the '
               'session is not logged in (%r)' % got)
            s.close()
        except (ssl.SSLError, OSError) as e:
            ok(True, 'the pipelined bytes broke the handshake (%s): they '
               'never ran' % e)
        # starttls after login is not a command any more
        p = connect(d.pport)
        read_line(p)
        r = converse(p, [b'login admin@example.com secret', b'starttls'])
        ok(r[1].startswith(b'-ERR 4.107'),
           'starttls after login is refused: %r' % r[1])
        p.close()
        # an argument is refused, the session goes on
        p = connect(d.pport)
        read_line(p)
        r = converse(p, [b'starttls now', b'quit'])
        ok(r[0] == b'-ERR 0.9012 starttls takes no argument\r\n' and
           r[1] == b'+OK \r\n', 'starttls with an argument: %r' % r)
        p.close()
        ok(d.wait_log(r'result=ok', count=3),
           'the sessions end normally in the connection log')
    finally:
        d.stop()


def test_handshake_timeout(root, a):
    """A client that stalls before or inside the handshake is dropped
    after the idle timeout, not held forever."""
    d = Daemon(root, tls_conf(a[0], a[1]) + 'timeout = 1\n')
    try:
        for what, data in (('sends nothing', b''),
                           ('stops inside a record', b'\x16\x03\x01\x02')):
            s = connect(d.tport)
            s.sendall(data)
            t0 = time.time()
            got = read_all(s)
            took = time.time() - t0
            ok(got == b'' and took < 4, 'a client that %s on the /tls '
               'listener is closed after the 1 s timeout (%.1f s, %r)'
               % (what, took, got[:20]))
            s.close()
        p = connect(d.pport)
        read_line(p)
        p.sendall(b'starttls\r\n')
        read_line(p)
        t0 = time.time()
        got = read_all(p)
        ok(got == b'' and time.time() - t0 < 4, 'a client that never '
           'starts the handshake after starttls is closed after the '
           'timeout (%r)' % got[:20])
        p.close()
    finally:
        d.stop()


def test_not_configured(root):
    d = Daemon(root, tls=False)
    try:
        p = connect(d.pport)
        ok(read_line(p) == GREETING, 'greeting without TLS configured')
        r = converse(p, [b'starttls', b'login admin@example.com secret'])
        ok(r[0] == NOT_AVAILABLE, 'starttls without tls-cert: %r' % r[0])
        ok(r[1].startswith(b'+OK'), 'the session goes on in clear: %r'
           % r[1][:6])
        p.close()
    finally:
        d.stop()


def inetd(root, extra, args=(), peer='192.0.2.7'):
    """The daemon on fds 0/1 (tcpserver, systemd Accept=yes) with a
    non-loopback TCPREMOTEIP; returns (process, our end)."""
    conf = os.path.join(root, 'inetd.conf')
    with open(conf, 'w') as f:
        f.write(base_conf(root) + extra)
    ours, theirs = socket.socketpair()
    env = dict(os.environ, TCPREMOTEIP=peer)
    p = subprocess.Popen([DAEMON, '-f', conf] + list(args), stdin=theirs,
                         stdout=theirs, stderr=subprocess.PIPE, env=env)
    theirs.close()
    ours.settimeout(10)
    return p, ours


def finish(p):
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    return err.decode('utf-8', 'replace')


def test_plaintext(root, a):
    extra = tls_conf(a[0], a[1]) + 'login-plaintext = loopback-only\n'
    p, s = inetd(root, extra)
    ok(read_line(s) == GREETING, 'inetd: plain greeting')
    r = converse(s, [b'login admin@example.com secret'])
    ok(r[0] == REFUSED, 'a clear login from 192.0.2.7 is refused: %r' % r[0])
    s.sendall(b'starttls\r\n')
    ok(read_line(s) == b'+OK \r\n', 'inetd: starttls')
    t = client_ctx().wrap_socket(s)
    r = converse(t, [b'login admin@example.com secret'])
    ok(r[0].startswith(b'+OK'), 'the same login over starttls is '
       'accepted: %r' % r[0][:6])
    t.sendall(b'quit\r\n')
    read_all(t)
    t.close()
    finish(p)
    # tls-implicit: the handshake first, under tcpserver/systemd
    p, s = inetd(root, extra, ['--tls-implicit=yes'])
    t = client_ctx().wrap_socket(s)
    ok(read_line(t) == GREETING, 'tls-implicit on fds 0/1: greeting '
       'inside TLS')
    r = converse(t, [b'login admin@example.com secret', b'quit'])
    ok(r[0].startswith(b'+OK') and r[1] == b'+OK \r\n',
       'a login over implicit TLS from 192.0.2.7 is accepted: %r'
       % [x[:6] for x in r])
    t.close()
    err = finish(p)
    ok('result=ok' in err, 'the inetd session ended normally: %r'
       % err[-200:])


def test_reload(root, a, b):
    cert = os.path.join(root, 'live.crt')
    key = os.path.join(root, 'live.key')

    def install(c):
        for src, dst in ((c[0], cert), (c[1], key)):
            with open(src, 'rb') as f:
                data = f.read()
            with open(dst + '.tmp', 'wb') as f:
                f.write(data)
            os.chmod(dst + '.tmp', 0o600)
            os.rename(dst + '.tmp', dst)
    install(a)
    d = Daemon(root, tls_conf(cert, key))
    try:
        s = tls_connect(d.tport)
        ok(s.getpeercert(binary_form=True) == a[2],
           'before SIGHUP: certificate A')
        install(b)
        t = tls_connect(d.tport)
        ok(t.getpeercert(binary_form=True) == a[2],
           'a new file without SIGHUP changes nothing (loaded once)')
        t.close()
        d.p.send_signal(signal.SIGHUP)
        ok(d.wait_log('configuration reloaded'), 'SIGHUP reloads')
        t = tls_connect(d.tport)
        ok(t.getpeercert(binary_form=True) == b[2],
           'after SIGHUP a new connection sees certificate B')
        t.close()
        ok(read_line(s) == GREETING and
           converse(s, [b'login admin@example.com secret'])[0]
           .startswith(b'+OK'), 'the session opened before SIGHUP '
           'goes on')
        s.close()
        with open(key, 'w') as f:
            f.write('not a key\n')
        d.p.send_signal(signal.SIGHUP)
        ok(d.wait_log(r'SIGHUP: configuration not reloaded.*tls-key'),
           'a broken key on SIGHUP is logged with its reason')
        t = tls_connect(d.tport)
        ok(t.getpeercert(binary_form=True) == b[2],
           'and certificate B stays in force')
        t.close()
        ok(d.p.poll() is None, 'the listener still runs')
    finally:
        d.stop()


def test_config_errors(root, a):
    conf = os.path.join(root, 'bad.conf')
    cases = (
        ('', ['-l', '127.0.0.1:%d/tls' % free_port()],
         'a TLS listener or tls-implicit needs tls-cert and tls-key'),
        ('tls-cert = %s\n' % a[0], ['-l', '127.0.0.1:%d' % free_port()],
         'tls-cert and tls-key go together'),
        ('', ['-l', '127.0.0.1:%d/tsl' % free_port()], 'listen'),
    )
    for extra, args, want in cases:
        with open(conf, 'w') as f:
            f.write(base_conf(root) + extra)
        r = subprocess.run([DAEMON, '-f', conf] + args,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=10)
        out = r.stdout.decode('utf-8', 'replace')
        ok(r.returncode != 0 and want in out,
           'refused at start (%s): %r' % (want, out.strip()[-120:]))


def key_secrets(key):
    """Byte strings only the private key holds: big-endian and limb
    (little-endian) forms of its secret numbers, and a line of its PEM."""
    out = subprocess.run(['openssl', 'pkey', '-in', key, '-text', '-noout'],
                         check=True, stdout=subprocess.PIPE).stdout.decode()
    nums, name = {}, None
    for line in out.splitlines():
        m = re.match(r'^(\w+):\s*$', line)
        if m:
            name = m.group(1)
            nums[name] = ''
        elif name and re.match(r'^\s+[0-9a-f:]+$', line):
            nums[name] += line.strip().replace(':', '')
        else:
            name = None
    secrets = []
    for field in ('priv', 'privateExponent', 'prime1', 'prime2'):
        if field in nums:
            raw = bytes.fromhex(nums[field]).lstrip(b'\0')
            mid = raw[len(raw) // 2 - 12:len(raw) // 2 + 12]
            secrets += [mid, mid[::-1]]
    pem = open(key).read().splitlines()
    secrets.append(pem[2].encode())
    return secrets


def children(pid):
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def memory_holds(pid, secrets):
    """Whether any secret is in the writable memory of pid (None: the
    memory could not be read)."""
    try:
        maps = open('/proc/%d/maps' % pid).read().splitlines()
        mem = open('/proc/%d/mem' % pid, 'rb', 0)
    except OSError:
        return None
    found = False
    with mem:
        for line in maps:
            addr, perms = line.split()[:2]
            if not perms.startswith('rw'):
                continue
            lo, hi = (int(x, 16) for x in addr.split('-'))
            if hi - lo > 1 << 30:
                continue    # a sanitizer's shadow memory, mostly unmapped
            for off in range(lo, hi, 1 << 24):
                try:
                    mem.seek(off)
                    # overlap so a secret across two chunks is seen
                    data = mem.read(min(hi, off + (1 << 24) + 128) - off)
                except (OSError, OverflowError, ValueError):
                    continue
                if any(s in data for s in secrets):
                    found = True
    return found


def test_key_location(root, c, name):
    """The private key is in the helper's memory and not in the
    frontend's, during a TLS session (root: reads /proc/PID/mem)."""
    if os.geteuid() != 0:
        print('skip - key location (%s): reading another process\'s '
              'memory needs root' % name)
        return
    # prefork = 0: the session is then the listener's only child
    d = Daemon(root, 'prefork = 0\n' + tls_conf(c[0], c[1]))
    try:
        s = tls_connect(d.tport)
        ok(read_line(s) == GREETING, 'a TLS session (%s) to look into'
           % name)
        sessions = children(d.p.pid)
        helper = sessions[0] if len(sessions) == 1 else None
        fronts = children(helper) if helper else []
        if helper is None or len(fronts) != 1:
            ok(False, 'found the helper and frontend of the session '
               '(%r, %r)' % (sessions, fronts))
            return
        secrets = key_secrets(c[1])
        in_helper = memory_holds(helper, secrets)
        in_front = memory_holds(fronts[0], secrets)
        if in_helper is None or in_front is None:
            print('skip - key location (%s): /proc/PID/mem not readable '
                  'here' % name)
            return
        ok(in_helper, 'the %s key is in the helper\'s memory (the scan '
           'finds it)' % name)
        ok(not in_front, 'the %s key is nowhere in the frontend\'s '
           'memory after the handshake' % name)
        s.close()
    finally:
        d.stop()


OPENSSL_LIBS = ('libssl.so', 'libcrypto.so')


def maps_openssl(pid):
    """The OpenSSL libraries mapped by pid (None: maps not readable, as
    for a non-dumpable process of another user)."""
    try:
        with open('/proc/%d/maps' % pid) as f:
            maps = f.read()
    except OSError:
        return None
    if not maps:
        return None
    return sorted({lib for lib in OPENSSL_LIBS if lib in maps})


def session_pids(listener):
    """(helper, frontend) of the listener's one live session, or None."""
    for _ in range(50):
        sessions = children(listener)
        fronts = children(sessions[0]) if len(sessions) == 1 else []
        if len(fronts) == 1:
            return sessions[0], fronts[0]
        time.sleep(0.05)
    return None


def check_maps(what, pids, want):
    """Every process in pids maps OpenSSL (want True) or does not."""
    for role, pid in pids:
        libs = maps_openssl(pid)
        if libs is None:
            print('skip - %s: /proc/%d/maps of the %s not readable here '
                  '(non-dumpable, not root)' % (what, pid, role))
            continue
        if want:
            ok(len(libs) == 2, '%s: the %s maps libssl and libcrypto '
               '(%r)' % (what, role, libs))
        else:
            ok(libs == [], '%s: the %s maps no OpenSSL library (%r)'
               % (what, role, libs))


def test_loaded_only_with_tls(root, a):
    """OpenSSL is dlopen()ed only when TLS is configured (proto/ossl_load.h):
    a daemon without TLS never maps libssl/libcrypto in the listener, the
    helper or the frontend of a logged-in session; a SIGHUP that adds a
    certificate loads it in the listener and starttls then works."""
    # prefork = 0: the session is then the listener's only child
    d = Daemon(root, 'prefork = 0\n', tls=False)
    try:
        p = connect(d.pport)
        r = [read_line(p)] + converse(p, [b'login admin@example.com secret'])
        ok(r[0] == GREETING and r[1].startswith(b'+OK'),
           'no TLS configured: a logged-in plaintext session')
        pids = session_pids(d.p.pid)
        if not ok(pids is not None, 'found the session\'s processes'):
            return
        check_maps('no TLS', [('listener', d.p.pid), ('helper', pids[0]),
                              ('frontend', pids[1])], False)
        p.close()
        # the listener's Landlock (sandbox/listener.c) reads only where
        # the start configuration named: certs/ is not such a place
        d.write_conf('prefork = 0\n' + tls_conf(a[0], a[1]))
        d.p.send_signal(signal.SIGHUP)
        ok(d.wait_log(r'SIGHUP: configuration not reloaded.*tls-cert'),
           'SIGHUP naming a certificate outside the paths of the start '
           'is refused with its reason: %r' % d.log()[-300:])
        # ... the configuration file's own directory is
        c = [shutil.copy(f, root) for f in a[:2]]
        d.write_conf('prefork = 0\n' + tls_conf(c[0], c[1]))
        d.p.send_signal(signal.SIGHUP)
        ok(d.wait_log('configuration reloaded'),
           'SIGHUP adds tls-cert and tls-key')
        s = connect(d.pport)
        t = starttls(s)
        ok(t.getpeercert(binary_form=True) == a[2],
           'starttls after the SIGHUP: OpenSSL loaded by the listener')
        r = converse(t, [b'login admin@example.com secret'])
        ok(r[0].startswith(b'+OK'), 'login inside the TLS session')
        pids = session_pids(d.p.pid)
        if ok(pids is not None, 'found the TLS session\'s processes'):
            check_maps('TLS configured', [('listener', d.p.pid),
                                          ('helper', pids[0]),
                                          ('frontend', pids[1])], True)
        t.close()
    finally:
        d.stop()
    for extra, args, label in (('', [], 'inetd without TLS'),
                               (tls_conf(a[0], a[1]),
                                ['--tls-implicit=yes'], 'inetd with TLS')):
        proc, s = inetd(root, extra, args, peer='127.0.0.1')
        try:
            if args:
                s = client_ctx().wrap_socket(s)
            r = [read_line(s)] + converse(
                s, [b'login admin@example.com secret'])
            ok(r[0] == GREETING and r[1].startswith(b'+OK'),
               '%s: a logged-in session' % label)
            fronts = children(proc.pid)
            if ok(len(fronts) == 1, '%s: found the frontend' % label):
                check_maps(label, [('helper', proc.pid),
                                   ('frontend', fronts[0])], bool(args))
            s.sendall(b'quit\r\n')
            s.close()
        finally:
            finish(proc)


def fixture():
    root = tempfile.mkdtemp(prefix='tls.')
    os.chmod(root, 0o755)
    r = subprocess.run(['sh', os.path.join(TOP, 'tests/tools/fixture.sh'),
                        'small', os.path.join(root, 't'), BUILD],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        print(r.stdout.decode())
        raise SystemExit('tls: 0 passed, 1 failed')
    return os.path.join(root, 't')


def main():
    if shutil.which('openssl') is None:
        print('skip - every TLS check: the openssl command (Debian package '
              'openssl) is needed to make the test certificates')
        print('tls: 0 passed, 0 failed')
        return
    root = fixture()
    certs = tempfile.mkdtemp(prefix='tlscert.')
    try:
        a = make_cert(certs, 'vpopmaild-test-a', 'ec')
        b = make_cert(certs, 'vpopmaild-test-b', 'rsa')
        for name, t, args in (
                ('implicit', test_implicit, (a,)),
                ('implicit-rsa', test_implicit, (b,)),
                ('starttls', test_starttls, (a,)),
                ('not-configured', test_not_configured, ()),
                ('timeout', test_handshake_timeout, (a,)),
                ('plaintext', test_plaintext, (a,)),
                ('reload', test_reload, (a, b)),
                ('key-ec', test_key_location, (a, 'EC')),
                ('key-rsa', test_key_location, (b, 'RSA')),
                ('config', test_config_errors, (a,)),
                ('loaded-only-with-tls', test_loaded_only_with_tls, (a,))):
            try:
                t(root, *args)
            except Exception as e:  # a crash of one check is a failure
                ok(False, '%s raised %r' % (name, e))
    finally:
        subprocess.run(['rm', '-rf', os.path.dirname(root), certs])
    print('tls: %d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


main()
