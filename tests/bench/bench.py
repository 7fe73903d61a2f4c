#!/usr/bin/env python3
"""bench.py BUILD - `make bench`: how vpopmaild scales with the size of
one domain. Not part of `make check`.

For each size, a fresh small fixture tree gets example.com filled with
synthetic users written straight into vpasswd (the hash of an existing
line, no directories), and vpasswd.cdb built with the independent writer
of tests/interop/vpcdb.py. Then, through one session as the SA:

  add_user    seconds per 1,000 add_user (pipelined, one session) at
              1k, 5k and 10k users (ADDS of them, scaled to 1,000);
  list_users  seconds to receive the whole list at 10k and 100k users,
              and the peak RSS (VmHWM) of the helper (the daemon's pid)
              and of the frontend (its child), read from /proc just
              before the session ends.

Environment: BENCH_ADDS (default 1000) adds per size, BENCH_TMP the
directory for the trees (default $TMPDIR or /tmp).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, 'tests', 'interop'))
import client  # noqa: E402
import vpcdb  # noqa: E402

SA = ('admin@example.com', 'secret')
ADD_SIZES = (1000, 5000, 10000)
LIST_SIZES = (10000, 100000)


def make_tree(build, tmp, n, what):
    """A small fixture whose example.com has n users in all."""
    root = os.path.join(tmp, '%s-%d' % (what, n))
    subprocess.run(['sh', os.path.join(TOP, 'tests', 'tools', 'fixture.sh'),
                    'small', root, build], check=True)
    root = os.path.realpath(root)
    dom = os.path.join(root, 'home', 'vpopmail', 'domains', 'example.com')
    path = os.path.join(dom, 'vpasswd')
    with open(path, 'rb') as f:
        lines = f.read().splitlines()
    pw_hash = lines[0].split(b':')[1]
    d = dom.encode()
    for i in range(n - len(lines)):
        name = b'b%06d' % i
        lines.append(b'%s:%s:1:0:%s:%s/%s:NOQUOTA'
                     % (name, pw_hash, name, d, name))
    lines.sort(key=lambda line: line.split(b':', 1)[0])
    st = os.stat(path)
    with open(path, 'wb') as f:
        f.write(b''.join(line + b'\n' for line in lines))
    with open(path + '.cdb', 'wb') as f:
        f.write(vpcdb.build([tuple(x.split(b':', 1)) for x in lines]))
    for p in (path, path + '.cdb'):
        os.chmod(p, 0o600)
        if os.geteuid() == 0:
            os.chown(p, st.st_uid, st.st_gid)
    now = time.time_ns()
    os.utime(path, ns=(now, now))
    os.utime(path + '.cdb', ns=(now + 1000, now + 1000))
    return root, client.write_config(root)


def login(build, conf):
    s = client.Session(build, conf, timeout=600)
    r = s.login('slogin', *SA)
    if r.status != '+OK':
        raise SystemExit('bench: slogin %s: %s' % (SA[0], r.status))
    return s


def bench_adds(build, conf, adds):
    s = login(build, conf)
    try:
        lines = ['add_user n%05d@example.com pw' % i for i in range(adds)]
        start = time.monotonic()
        replies = s.pipeline(lines, window=16)
        took = time.monotonic() - start
    finally:
        s.close()
    bad = [r.status for r in replies if r.status != '+OK']
    if bad:
        raise SystemExit('bench: add_user failed: %s' % bad[:3])
    return took


def read_list(s):
    """Everything up to the final ".\\r\\n" of a +OK+ reply; (bytes,
    users)."""
    buf = bytearray(s.buf)
    s.buf.clear()
    s.sock.setblocking(True)
    s.sock.settimeout(600)
    while not (buf.startswith(b'-ERR') and buf.endswith(b'\r\n')) and \
            not buf.endswith(b'\r\n.\r\n'):
        data = s.sock.recv(1 << 20)
        if not data:
            raise SystemExit('bench: EOF during list_users')
        buf += data
    if not buf.startswith(b'+OK+'):
        raise SystemExit('bench: list_users: %r' % bytes(buf[:80]))
    return len(buf), buf.count(b'\r\nname ')


def bench_list(build, conf):
    s = login(build, conf)
    try:
        start = time.monotonic()
        s.send_line('list_users example.com')
        size, users = read_list(s)
        took = time.monotonic() - start
        rss = (client.peak_rss_kb(s.pid),
               client.peak_rss_kb(s.frontend_pid() or -1))
    finally:
        s.sock.settimeout(None)
        s.close()
    return took, size, users, rss


def main(argv):
    if len(argv) != 1:
        sys.stderr.write('usage: bench.py BUILD\n')
        return 2
    build = os.path.realpath(argv[0])
    adds = int(os.environ.get('BENCH_ADDS', '1000'))
    base = os.environ.get('BENCH_TMP') or None
    tmp = tempfile.mkdtemp(prefix='vpbench.', dir=base)
    os.chmod(tmp, 0o755)
    try:
        fs = subprocess.run(['df', '-T', tmp], stdout=subprocess.PIPE,
                            universal_newlines=True).stdout.splitlines()[-1]
        print('vpopmaild benchmark: %s, trees in %s (%s)' % (
            build, tmp, ' '.join(fs.split()[:2])))
        print('  (uid %d, %d cpus; every add_user fsyncs: the file system '
              'dominates)' % (os.geteuid(), os.cpu_count()))
        print()
        print('add_user, one session, pipelined, %d adds per size' % adds)
        print('%14s %10s %16s' % ('users before', 'seconds', 's per 1,000'))
        for n in ADD_SIZES:
            root, conf = make_tree(build, tmp, n, 'add')
            took = bench_adds(build, conf, adds)
            shutil.rmtree(root, ignore_errors=True)
            print('%14s %10.2f %16.2f' % ('{:,}'.format(n), took,
                                          took * 1000 / adds), flush=True)
        print()
        print('list_users of one domain (whole list, one session)')
        print('%10s %10s %12s %18s %18s' % ('users', 'seconds', 'bytes',
                                           'helper VmHWM kB',
                                           'frontend VmHWM kB'))
        for n in LIST_SIZES:
            root, conf = make_tree(build, tmp, n, 'list')
            took, size, users, rss = bench_list(build, conf)
            shutil.rmtree(root, ignore_errors=True)
            if users != n:
                raise SystemExit('bench: list_users gave %d users, not %d'
                                 % (users, n))
            print('%10s %10.2f %12s %18s %18s' % (
                '{:,}'.format(n), took, '{:,}'.format(size),
                rss[0] if rss[0] is not None else '?',
                rss[1] if rss[1] is not None else '?'), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except (client.ProtocolError, socket.timeout) as e:
        sys.exit('bench: %s' % e)
