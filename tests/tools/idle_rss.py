#!/usr/bin/env python3
"""idle_rss.py BUILD [tls] [inetd] [cmds=N] [maps] - the memory of an
idle logged-in session (issue 8): starts the daemon on the small fixture
tree (listener on 127.0.0.1, or with "inetd" on fds 0/1 as under
tcpserver), logs in as the fixture's admin (in TLS with "tls": implicit
TLS with a throwaway EC certificate), and prints Rss and Pss (kB, from
/proc/PID/smaps_rollup) of the helper and the frontend after the login
and after N user_info commands on the same connection (default 10,000).
"maps" adds Rss/Pss/Private_Dirty per mapped file (anonymous mappings by their name:
[heap], [stack], "anon"). Not a test: a measuring tool for
docs/PERFORMANCE.md; every figure is read from the live processes.
"""
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def rollup(pid):
    r = {}
    with open('/proc/%d/smaps_rollup' % pid) as f:
        for line in f:
            k, _, v = line.partition(':')
            if k in ('Rss', 'Pss', 'Private_Dirty', 'Anonymous'):
                r[k] = int(v.split()[0])
    return r


def per_mapping(pid):
    """{name: [rss, pss, private dirty]} summed over the mappings of each
    file."""
    out = {}
    name = None
    keys = {'Rss:': 0, 'Pss:': 1, 'Private_Dirty:': 2}
    with open('/proc/%d/smaps' % pid) as f:
        for line in f:
            parts = line.split()
            if '-' in parts[0] and ':' not in parts[0]:
                name = parts[5] if len(parts) > 5 else 'anon'
                name = os.path.basename(name) if name.startswith('/') \
                    else name
                out.setdefault(name, [0, 0, 0])
            elif parts[0] in keys:
                out[name][keys[parts[0]]] += int(parts[1])
    return out


def children(pid):
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def read_reply(f):
    """One reply from the buffered reader f: a status line, or "+OK+"
    and its lines up to "."."""
    data = f.readline()
    if not data.endswith(b'\n'):
        raise SystemExit('idle_rss: connection closed')
    if data == b'+OK+\r\n':
        while True:
            line = f.readline()
            data += line
            if line in (b'.\r\n', b''):
                break
    return data


def report(label, pids, maps):
    for role, pid in pids:
        r = rollup(pid)
        print('%-18s %-9s Rss %6d  Pss %6d  Private_Dirty %6d  Anon %6d'
              % (label, role, r['Rss'], r['Pss'], r['Private_Dirty'],
                 r['Anonymous']))
        if maps:
            m = per_mapping(pid)
            for name, (rss, pss, dirty) in sorted(m.items(),
                                                  key=lambda x: -x[1][0]):
                if rss:
                    print('    %-34s Rss %6d  Pss %6d  Private_Dirty %6d'
                          % (name, rss, pss, dirty))


def main(argv):
    build = os.path.abspath(argv[0])
    opts = argv[1:]
    tls, inetd, maps = 'tls' in opts, 'inetd' in opts, 'maps' in opts
    cmds = 10000
    for o in opts:
        if o.startswith('cmds='):
            cmds = int(o[5:])
    tmp = tempfile.mkdtemp(prefix='idle_rss.')
    os.chmod(tmp, 0o755)
    root = os.path.join(tmp, 't')
    subprocess.run(['sh', os.path.join(TOP, 'tests/tools/fixture.sh'),
                    'small', root, build], check=True)
    conf = os.path.join(root, 'vpopmaild.conf')
    lines = ['vpopmail-dir = %s/home/vpopmail' % root,
             'qmail-dir = %s/var/qmail' % root,
             'audit-log = %s/audit.log' % root]
    if os.geteuid() == 0:
        lines += ['frontend-user = nobody', 'empty-dir = %s/empty' % root]
    if tls:
        cert, key = os.path.join(tmp, 'c.crt'), os.path.join(tmp, 'c.key')
        subprocess.run(['openssl', 'req', '-x509', '-nodes', '-days', '2',
                        '-newkey', 'ec', '-pkeyopt',
                        'ec_paramgen_curve:P-256', '-keyout', key,
                        '-out', cert, '-subj', '/CN=idle'], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lines += ['tls-cert = ' + cert, 'tls-key = ' + key]
        if inetd:
            lines += ['tls-implicit = yes']
    with open(conf, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    daemon = os.path.join(build, 'vpopmaild')
    env = dict(os.environ)
    env.pop('TCPREMOTEIP', None)
    if inetd:
        ours, theirs = socket.socketpair()
        p = subprocess.Popen([daemon, '-f', conf], stdin=theirs,
                             stdout=theirs, env=env)
        theirs.close()
        s = ours
        helper = p.pid
    else:
        sk = socket.socket()
        sk.bind(('127.0.0.1', 0))
        port = sk.getsockname()[1]
        sk.close()
        spec = '127.0.0.1:%d%s' % (port, '/tls' if tls else '')
        p = subprocess.Popen([daemon, '-f', conf, '-l', spec], env=env,
                             stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                s = socket.create_connection(('127.0.0.1', port))
                break
            except OSError:
                time.sleep(0.05)
        helper = None
    try:
        if tls:
            c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            c.check_hostname = False
            c.verify_mode = ssl.CERT_NONE
            s = c.wrap_socket(s)
        f = s.makefile('rb')
        assert read_reply(f) == b'+OK \r\n'
        s.sendall(b'login admin@example.com secret\r\n')
        r = read_reply(f)
        assert r.startswith(b'+OK'), r
        if helper is None:
            helper = children(p.pid)[0]
        fe = children(helper)[0]
        pids = [('helper', helper), ('frontend', fe)]
        if not inetd:
            pids.append(('listener', p.pid))
        time.sleep(0.2)
        report('after login', pids, maps)
        # in batches: one request per round trip over TCP would wait
        # for delayed ACKs
        done = 0
        while done < cmds:
            n = min(100, cmds - done)
            s.sendall(b'user_info admin@example.com\r\n' * n)
            for _ in range(n):
                read_reply(f)
            done += n
        report('after %d cmds' % cmds, pids, maps)
        s.sendall(b'quit\r\n')
        s.close()
    finally:
        p.kill()
        p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main(sys.argv[1:])
