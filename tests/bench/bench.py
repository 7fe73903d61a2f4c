#!/usr/bin/env python3
"""bench.py BUILD - `make bench`: the benchmark suite of issue 8. Not part
of `make check` (tests/bench/smoke.sh is: a few seconds proving vpload
works).

The timing is done by the C load generator BUILD/tests/bench/vpload
(tests/bench/vpload.c); this script builds the trees, starts the daemons
and prints the tables (copy them into docs/PERFORMANCE.md):

  machine     nproc, CPU model, kernel, file system of the trees
  floor       one crypt_r of the stored SHA-512 hash (floor = cores / crypt
              time), one fork+wait and one fork+exec+wait
  slogin      throughput, p50/p99 latency, % of the floor, with 1, 2, 8
              clients, right and wrong password, (a) in listener mode
              (-l 127.0.0.1:PORT) and (b) under tcpserver (or vpload's own
              fork+exec launcher when ucspi-tcp is not installed); every
              login is a new connection, as SMTP AUTH checkers make them
  add_user    seconds per 1,000 adds (pipelined, one session) at 1k, 10k,
              100k users in one domain
  add_domain  seconds per 1,000 add_domain at 1k and 10k domains
  list_users  time to the final "." and peak RSS (VmHWM) of helper and
              frontend at 10k and 100k users
  idle        RSS of helper and frontend after login, and after 10,000
              commands on the connection

Trees are generated straight into the files (vpasswd + vpasswd.cdb by
tests/interop/vpcdb.py; users/assign, virtualdomains, rcpthosts and
morercpthosts for the domain sizes, whose indexes the daemon's recovery
rebuilds before the measured session).

Environment: BENCH_ADDS (default 200) adds per size, BENCH_DOMS (default
100) add_domain per size, BENCH_SECS (default 4) seconds per slogin cell,
BENCH_ONLY (comma list of sections: floor,slogin,add,domain,list,idle),
BENCH_TMP the directory for the trees (default $TMPDIR or /tmp).
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
USER = ('user1@example.com', 'test')
ADD_SIZES = (1000, 10000, 100000)
DOM_SIZES = (1000, 10000)
LIST_SIZES = (10000, 100000)


def vpload(build, *args, timeout=3600):
    out = subprocess.run([os.path.join(build, 'tests', 'bench', 'vpload')]
                         + [str(a) for a in args], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL if args[0] == 'session'
                         else None, universal_newlines=True,
                         timeout=timeout)
    if out.returncode != 0:
        raise SystemExit('bench: vpload %s failed' % ' '.join(
            str(a) for a in args[:5]))
    return dict(kv.split('=', 1) for kv in out.stdout.split())


def fixture(build, tmp, what):
    root = os.path.join(tmp, what)
    subprocess.run(['sh', os.path.join(TOP, 'tests', 'tools', 'fixture.sh'),
                    'small', root, build], check=True)
    return os.path.realpath(root)


def write_owned(path, data, like):
    st = os.stat(like)
    with open(path, 'wb') as f:
        f.write(data)
    os.chmod(path, 0o600 if path.endswith(('vpasswd', '.cdb')) else 0o644)
    if os.geteuid() == 0:
        os.chown(path, st.st_uid, st.st_gid)


def fill_users(root, n):
    """example.com gets n users in all (no directories)."""
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
    write_owned(path, b''.join(line + b'\n' for line in lines), path)
    write_owned(path + '.cdb', vpcdb.build(
        [tuple(x.split(b':', 1)) for x in lines]), path)
    now = time.time_ns()
    os.utime(path, ns=(now, now))
    os.utime(path + '.cdb', ns=(now + 1000, now + 1000))


def fill_domains(root, n):
    """n domains in all: directories with a postmaster, assign,
    virtualdomains, rcpthosts (50) + morercpthosts; users/cdb and
    morercpthosts.cdb are left stale for the daemon's recovery."""
    vp = os.path.join(root, 'home', 'vpopmail', 'domains')
    q = os.path.join(root, 'var', 'qmail')
    src = os.path.join(vp, 'example.net')
    st = os.stat(src)
    with open(os.path.join(src, 'vpasswd'), 'rb') as f:
        pm = [x for x in f.read().splitlines() if x.startswith(b'postmaster:')]
    assign = open(os.path.join(q, 'users', 'assign'), 'rb').read()
    assign = assign.splitlines()[:-1]
    vd = open(os.path.join(q, 'control', 'virtualdomains'), 'rb').read()
    rh = open(os.path.join(q, 'control', 'rcpthosts'), 'rb').read()
    vd, rh = vd.splitlines(), rh.splitlines()
    more = []
    for i in range(n - 2):
        name = 'd%06d.bench' % i
        d = os.path.join(vp, name)
        os.mkdir(d, 0o700)
        os.chown(d, st.st_uid, st.st_gid)
        line = pm[0].split(b':')
        line[5] = (d + '/postmaster').encode()
        write_owned(os.path.join(d, 'vpasswd'), b':'.join(line) + b'\n',
                    src)
        b = name.encode()
        assign.append(b'+%s-:%s:%d:%d:%s:-::' % (b, b, st.st_uid, st.st_gid,
                                                  d.encode()))
        vd.append(b'%s:%s' % (b, b))
        (rh if len(rh) < 50 else more).append(b)
    ctl = os.path.join(q, 'control')
    write_owned(os.path.join(q, 'users', 'assign'),
                b''.join(x + b'\n' for x in assign) + b'.\n',
                os.path.join(q, 'users', 'assign'))
    for name, lines in (('virtualdomains', vd), ('rcpthosts', rh),
                        ('morercpthosts', more)):
        write_owned(os.path.join(ctl, name),
                    b''.join(x + b'\n' for x in lines),
                    os.path.join(ctl, 'rcpthosts'))


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc):
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit('bench: the server exited at start')
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit('bench: nothing listens on %d' % port)


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def machine():
    model = '?'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    return os.cpu_count(), model, os.uname().release


def section_floor(build, tmp):
    root = fixture(build, tmp, 'floor')
    vpw = os.path.join(root, 'home', 'vpopmail', 'domains', 'example.com',
                       'vpasswd')
    with open(vpw) as f:
        h = [x.split(':')[1] for x in f if x.startswith('admin:')][0]
    c = float(vpload(build, 'crypt', h, SA[1], 200)['crypt_ms'])
    fk = vpload(build, 'fork', 300)
    floor = os.cpu_count() * 1000.0 / c
    print('floor: crypt_r of the stored %s hash %.3f ms -> floor %d cores '
          '/ %.3f ms = %.0f logins/s' % (h[:3], c, os.cpu_count(), c, floor))
    print('       fork+wait %.0f us, fork+exec+wait %.0f us' % (
        float(fk['fork_us']), float(fk['forkexec_us'])))
    print()
    shutil.rmtree(root, ignore_errors=True)
    return floor


def slogin_rows(build, port, floor, secs, label):
    for who, pw in ((USER[0], USER[1]), (USER[0], 'wrong')):
        for n in (1, 2, 8):
            r = vpload(build, 'slogin', '127.0.0.1:%d' % port, who, pw, n,
                       secs)
            rate = float(r['rate'])
            print('%-10s %-6s %3d %9.1f %8.2f %8.2f %7.0f%% %8s %7s' % (
                label, 'right' if pw == USER[1] else 'wrong', n, rate,
                float(r['p50']), float(r['p99']), 100 * rate / floor,
                r['ok'], r['errors']), flush=True)


def section_slogin(build, tmp, floor, secs):
    root = fixture(build, tmp, 'slogin')
    # a state directory as installed (the qmail-send pid cache lives
    # there); throttle off, or the wrong-password rows would be delayed
    state = os.path.join(root, 'state')
    os.mkdir(state, 0o700)
    conf = client.write_config(root, ['max-connections = 256',
                                      'max-per-source = 256',
                                      'timeout = 20',
                                      'state-dir = %s' % state,
                                      'throttle = no'])
    daemon = os.path.join(build, 'vpopmaild')
    print('slogin: %s s per cell, a new connection per login' % secs)
    print('%-10s %-6s %3s %9s %8s %8s %8s %8s %7s' % (
        'mode', 'pass', 'cli', 'logins/s', 'p50 ms', 'p99 ms', 'floor',
        '+OK', 'errors'))
    port = free_port()
    p = subprocess.Popen([daemon, '-f', conf, '-l', '127.0.0.1:%d' % port],
                         env=client.daemon_env(), stderr=subprocess.DEVNULL)
    try:
        wait_port(port, p)
        slogin_rows(build, port, floor, secs, 'listener')
    finally:
        stop(p)
    port = free_port()
    ts = shutil.which('tcpserver')
    if ts:
        argv = [ts, '-c', '256', '-HRl0', '127.0.0.1', str(port)]
        label = 'tcpserver'
    else:
        argv = [os.path.join(build, 'tests', 'bench', 'vpload'), 'launch',
                '127.0.0.1:%d' % port]
        label = 'vpl-launch'
    p = subprocess.Popen(argv + [daemon, '-f', conf],
                         env=client.daemon_env(), stderr=subprocess.DEVNULL)
    try:
        wait_port(port, p)
        slogin_rows(build, port, floor, secs, label)
    finally:
        stop(p)
    print()
    shutil.rmtree(root, ignore_errors=True)


def session(build, conf, *action):
    return vpload(build, 'session', os.path.join(build, 'vpopmaild'), conf,
                  SA[0], SA[1], *action)


def section_add(build, tmp, adds):
    print('add_user: %d pipelined adds in one session per size' % adds)
    print('%12s %10s %14s %12s' % ('users', 'seconds', 's per 1,000',
                                   'ms per add'))
    for n in ADD_SIZES:
        root = fixture(build, tmp, 'add-%d' % n)
        fill_users(root, n)
        conf = client.write_config(root)
        r = session(build, conf, 'adds', 'example.com', 'n', adds)
        s = float(r['seconds'])
        print('%12s %10.2f %14.2f %12.1f' % ('{:,}'.format(n), s,
                                             s * 1000 / adds, s * 1000 / adds),
              flush=True)
        shutil.rmtree(root, ignore_errors=True)
    print()


def section_domain(build, tmp, adds):
    print('add_domain: %d pipelined adds in one session per size' % adds)
    print('%12s %10s %14s %12s' % ('domains', 'seconds', 's per 1,000',
                                   'ms per add'))
    for n in DOM_SIZES:
        root = fixture(build, tmp, 'dom-%d' % n)
        fill_domains(root, n)
        conf = client.write_config(root)
        session(build, conf, 'idle', 1)        # recovery builds the indexes
        r = session(build, conf, 'adddoms', 'n', adds)
        s = float(r['seconds'])
        print('%12s %10.2f %14.2f %12.1f' % ('{:,}'.format(n), s,
                                             s * 1000 / adds, s * 1000 / adds),
              flush=True)
        shutil.rmtree(root, ignore_errors=True)
    print()


def section_list(build, tmp):
    print('list_users of one domain (whole list, one session)')
    print('%10s %10s %14s %16s %16s' % ('users', 'seconds', 'bytes',
                                       'helper HWM kB', 'frontend HWM kB'))
    for n in LIST_SIZES:
        root = fixture(build, tmp, 'list-%d' % n)
        fill_users(root, n)
        conf = client.write_config(root)
        r = session(build, conf, 'list', 'example.com')
        if int(r['users']) != n:
            raise SystemExit('bench: list_users gave %s users, not %d'
                             % (r['users'], n))
        print('%10s %10.2f %14s %16s %16s' % (
            '{:,}'.format(n), float(r['seconds']),
            '{:,}'.format(int(r['bytes'])), r['end_helper_hwm'],
            r['end_frontend_hwm']), flush=True)
        shutil.rmtree(root, ignore_errors=True)
    print()


def section_idle(build, tmp):
    root = fixture(build, tmp, 'idle')
    conf = client.write_config(root)
    r = session(build, conf, 'idle', 10000)
    print('idle session (kB)      helper RSS  helper HWM  frontend RSS  '
          'frontend HWM')
    for when, label in (('idle', 'after login'),
                        ('after', 'after 10,000 cmds')):
        print('%-22s %10s %11s %13s %13s' % (
            label, r[when + '_helper_rss'], r[when + '_helper_hwm'],
            r[when + '_frontend_rss'], r[when + '_frontend_hwm']))
    print()
    shutil.rmtree(root, ignore_errors=True)


def main(argv):
    if len(argv) != 1:
        sys.stderr.write('usage: bench.py BUILD\n')
        return 2
    build = os.path.realpath(argv[0])
    adds = int(os.environ.get('BENCH_ADDS', '200'))
    doms = int(os.environ.get('BENCH_DOMS', '100'))
    secs = float(os.environ.get('BENCH_SECS', '4'))
    only = os.environ.get('BENCH_ONLY', 'floor,slogin,add,domain,list,idle')
    only = only.split(',')
    tmp = tempfile.mkdtemp(prefix='vpbench.',
                           dir=os.environ.get('BENCH_TMP') or None)
    os.chmod(tmp, 0o755)
    try:
        fs = subprocess.run(['df', '-T', tmp], stdout=subprocess.PIPE,
                            universal_newlines=True).stdout.splitlines()[-1]
        cores, model, kernel = machine()
        print('vpopmaild benchmark (tests/bench): %s' % build)
        print('machine: %d cpus, %s, Linux %s; trees on %s; uid %d' % (
            cores, model, kernel, ' '.join(fs.split()[:2]), os.geteuid()))
        print()
        floor = section_floor(build, tmp) if 'floor' in only or \
            'slogin' in only else 0
        if 'slogin' in only:
            section_slogin(build, tmp, floor, secs)
        if 'add' in only:
            section_add(build, tmp, adds)
        if 'domain' in only:
            section_domain(build, tmp, doms)
        if 'list' in only:
            section_list(build, tmp)
        if 'idle' in only:
            section_idle(build, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except (client.ProtocolError, socket.timeout) as e:
        sys.exit('bench: %s' % e)
