"""concurrency.py - two sessions at once each add 1,000 users to
example.com of the small tree (pipelined, so both keep the helper busy).
Every add must succeed, every user must be in vpasswd exactly once and in
vpasswd.cdb, and vpcheck.py must find the tree consistent (the two
helpers serialise on .vpasswd.lock; STORAGE 13.1).
"""

import os
import threading
import time

import client
import harness
import reads
import vpcdb
import vpcheck
from harness import need

PER_SESSION = 1000


def adder(build, conf, prefix, out):
    try:
        s = reads.login_sa(build, conf, 'admin@example.com', 'secret')
        try:
            lines = ['add_user %s%04d@example.com pw%d' % (prefix, i, i)
                     for i in range(PER_SESSION)]
            out[prefix] = [r.status for r in s.pipeline(lines, window=32)]
        finally:
            s.close()
    except Exception as e:     # reported by the caller
        out[prefix] = ['exception: %r' % e]


def run(t, fx):
    root = fx.copy('small')
    conf = client.write_config(root)
    s = reads.login_sa(fx.build, conf, 'admin@example.com', 'secret')
    try:
        need(s.cmd('add_user probe@example.com pw'), 'add_user')
    finally:
        s.close()
    out = {}
    start = time.monotonic()
    threads = [threading.Thread(target=adder, args=(fx.build, conf, p, out))
               for p in ('ca', 'cb')]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    t.info('2 x %d concurrent add_user: %.1fs' % (PER_SESSION,
                                                  time.monotonic() - start))
    for p in ('ca', 'cb'):
        bad = [st for st in out.get(p, ['no result']) if st != '+OK']
        t.check('session %s: %d add_user all +OK' % (p, PER_SESSION),
                len(out.get(p, [])) == PER_SESSION and not bad, bad[:5])
    want = {'%s%04d' % (p, i) for p in ('ca', 'cb')
            for i in range(PER_SESSION)}
    names = [f[0] for f in harness.vpasswd(root, 'example.com')]
    t.check('vpasswd holds every one of the 2,000 users exactly once',
            want <= set(names) and len(names) == len(set(names)) and
            len(names) == len(want) + 4,
            ['%d lines, %d distinct, %d missing' % (
                len(names), len(set(names)), len(want - set(names)))])
    dom = harness.domain_dir(root, 'example.com')
    with open(os.path.join(dom, 'vpasswd.cdb'), 'rb') as f:
        data = f.read()
    missing = [n for n in sorted(want) if vpcdb.lookup(data, n.encode())
               is None]
    t.check('vpasswd.cdb finds every one of them', not missing, missing[:5])
    rep = vpcheck.check(root, modes=True, owners=os.geteuid() == 0)
    t.check('vpcheck passes after the concurrent adds (vpasswd and '
            'vpasswd.cdb agree)', not rep.errors, rep.errors[:8])
    for who in ('ca0000@example.com', 'cb0999@example.com'):
        pw = 'pw' + str(int(who[2:6]))
        st = reads.try_login(fx.build, conf, who, pw)
        t.check('slogin %s after the concurrent adds' % who, st == '+OK', st)
