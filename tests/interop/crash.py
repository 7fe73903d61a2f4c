"""crash.py - crash safety (STORAGE 14.6 K3/K4): sessions doing add_user,
mod_user, add_domain, add_alias_domain, del_user and del_domain are cut by
SIGKILL of the helper (the daemon's own pid; the frontend, its child, then
sees EOF) after a random delay. After every kill:

  1. at once, with no daemon running: every file parses and is complete,
     and the tree is consistent except for what an interrupted operation
     may leave by the orders of STORAGE 13.3 item 4 (vpcheck --interrupted,
     see vpcheck.TOLERABLE). "Half a domain" is therefore: a domain of
     users/assign without its directory or vpasswd (an add must write them
     before assign, a delete must remove them after it), or a line in
     rcpthosts/morercpthosts/virtualdomains for a domain that is not in
     users/assign (an add writes them after assign, a delete removes them
     before it). Both are violations. A domain in assign but not (yet/any
     more) in the control files is tolerated: mail to it is refused, none
     is lost;
  2. a restarted daemon (one session reading every domain whose
     vpasswd.cdb is not newer than its vpasswd) leaves vpasswd and vpasswd.cdb
     in agreement everywhere (K3).
A temporary file may only be left by a helper that was killed. At the end
the whole tree must pass vpcheck with only the "unlisted" tolerance.
"""

import os
import random
import stat
import threading
import time

import client
import harness
import reads
import vpcdb
import vpcheck

ITERATIONS = {'small': 200, 'large': 40}


def steps(i):
    """The commands of iteration i: ("line", text) or ("mod", addr, body)."""
    out = [('line', 'add_user k%d@example.com pw%d' % (i, i)),
           ('mod', 'k%d@example.com' % (i - 1),
            ['comment c%d' % i, 'quota %dM' % (i % 50 + 1),
             'clear_text_password np%d' % i]),
           ('line', 'add_domain kd%d.example pw' % i)]
    if i % 3 == 0:
        out.append(('line', 'add_alias_domain kd%d.example ka%d.example'
                    % (i, i)))
    out += [('line', 'del_user k%d@example.com' % (i - 2)),
            ('line', 'del_domain kd%d.example' % (i - 3))]
    return out


def session(build, conf, i, sa, delay):
    """Runs iteration i; kills the helper after delay seconds (None: never).
    Returns (killed, index of the step in progress, helper pid)."""
    s = client.Session(build, conf, timeout=20)
    timer = None
    if delay is not None:
        timer = threading.Timer(delay, s.kill)
        timer.start()
    at = -1
    try:
        if s.login('slogin', sa[0], sa[1]).status != '+OK':
            raise AssertionError('slogin %s refused' % sa[0])
        for at, step in enumerate(steps(i)):
            if step[0] == 'line':
                s.cmd(step[1])
            else:
                s.mod_user(step[1], step[2])
        at = len(steps(i))
    except (client.ProtocolError, OSError):
        pass
    finally:
        if timer:
            timer.cancel()
        s.sock.close()
        status = s.proc.wait()
        s.close(quit=False)
    return status == -9, at, s.pid


def temp_pids(root):
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            m = vpcheck.OUR_TMP.match(name)
            if m:
                out[os.path.join(dirpath, name)] = int(m.group(1) or
                                                       m.group(2))
    return out


def stale_indexes(root):
    """Real domains whose vpasswd.cdb is not newer than vpasswd, and
    whether users/cdb or morercpthosts.cdb is not newer than its text
    file (candidates: the caller compares contents)."""
    doms = [name for name, real, _u, _g, d in harness.assign_entries(root)
            if name == real and vpcheck.not_newer(
                os.path.join(d, 'vpasswd.cdb'), os.path.join(d, 'vpasswd'))]
    q = harness.qfile
    qmail = [rel for rel, text in (('users/cdb', 'users/assign'),
                                   ('control/morercpthosts.cdb',
                                    'control/morercpthosts'))
             if vpcheck.not_newer(q(root, rel), q(root, text))]
    return doms, qmail


def restart(build, conf, root, sa):
    """A restarted daemon is asked about every domain whose index is
    stale, and about the domains (domain_count, dom_info) when a qmail
    index is."""
    doms, qmail = stale_indexes(root)
    s = client.Session(build, conf)
    try:
        s.login('slogin', sa[0], sa[1])
        for name in doms:
            s.cmd('user_info postmaster@%s' % name)
            s.cmd('user_count %s' % name)
        if qmail:
            s.cmd('domain_count')
            s.cmd('dom_info example.com')
    finally:
        s.close()
    return doms + qmail


def run(t, fx):
    for tree in ('small', 'large'):
        loop(t, fx, tree, ITERATIONS[tree])


def loop(t, fx, tree, n):
    root = fx.copy(tree)
    conf = client.write_config(root)
    sa = ('admin@example.com', 'secret')
    if tree == 'large':     # no SA and no example.com there: make them
        reads.make_sa(root, 'd01.example', 'postmaster')
        sa = ('postmaster@d01.example', 'test')
    s = reads.login_sa(fx.build, conf, *sa)
    try:
        for probe in ('add_domain example.com pw' if tree == 'large' else
                      'add_domain probe.example pw',
                      'add_user probe@example.com pw',
                      'del_user nosuch@example.com',
                      'del_domain nosuch.example',
                      'add_alias_domain nosuch.example nosuch2.example'):
            harness.need(s.cmd(probe), probe.split()[0])
        harness.need(s.mod_user('probe@example.com', ['comment x']),
                     'mod_user')
    finally:
        s.close()
    rng = random.Random(4242 + n)
    start = time.monotonic()
    full = [time.monotonic()]
    for i in range(4):      # uncut iterations: how long a whole one takes
        session(fx.build, conf, i, sa, None)
        full.append(time.monotonic())
    span = max(full[4] - full[3], full[3] - full[2]) * 1.1
    killed_pids, cut_at, problems, unrecovered = set(), {}, [], []
    for i in range(4, n + 4):
        delay = rng.uniform(0, span)
        killed, at, pid = session(fx.build, conf, i, sa, delay)
        if killed:
            killed_pids.add(pid)
            cut_at[at] = cut_at.get(at, 0) + 1
        problems = after_kill(fx.build, conf, root, sa, i, delay,
                              killed_pids, unrecovered)
        if problems:
            break
    t.info('%s tree: %d iterations in %.1fs, kill delays 0..%.0f ms, '
           'killed in step {step: count} %s' % (
               tree, i + 1, time.monotonic() - start, span * 1000,
               dict(sorted(cut_at.items()))))
    t.check('%s tree: %d sessions cut by SIGKILL of the helper (%d cut '
            'mid-way) left every file whole and the tree consistent'
            % (tree, n, sum(v for k, v in cut_at.items()
                            if k < len(steps(1)))),
            not problems, problems)
    recovery_check(t, tree, unrecovered)
    final_checks(t, root, tree, killed_pids)


def recovery_check(t, tree, unrecovered):
    """K3/K4: a restarted daemon rebuilds every index a kill left stale."""
    name = ('%s tree: a restarted daemon rebuilds every index a kill left '
            'stale (K3, K4)' % tree)
    t.check(name, not unrecovered, unrecovered[:4])


def after_kill(build, conf, root, sa, i, delay, killed_pids, unrecovered):
    """The checks of the module docstring; returns fatal problems. An
    index a restarted daemon left stale is recorded in unrecovered and
    rebuilt here, so that the loop goes on testing the rest."""
    where = 'iteration %d (kill after %.1f ms)' % (i, delay * 1000)
    rep = vpcheck.check(root, modes=True, tolerate=vpcheck.TOLERABLE)
    if rep.errors:
        return [where + ', at once:'] + rep.errors[:6]
    strays = [p for p, pid in temp_pids(root).items()
              if pid not in killed_pids]
    if strays:
        return [where + ': temporary files of a helper that was not '
                'killed:'] + strays[:4]
    stale = restart(build, conf, root, sa)
    rep = vpcheck.check(root, modes=True, tolerate=vpcheck.TOLERABLE)
    if rep.errors:
        return [where + ', after a restart:'] + rep.errors[:6]
    left = [w for w in rep.warnings if 'tolerated: stale-cdb' in w]
    if not left:
        return []
    unrecovered.append('%s: %s' % (where, '; '.join(
        w.split(': ')[1] for w in left)))
    repair_indexes(root)
    rep = vpcheck.check(root, modes=True, tolerate=('unlisted', 'tmp'))
    if rep.errors:
        return [where + ', after a restart (stale before: %s):' % stale] + \
            rep.errors[:6]
    return []


def replace(path, data):
    st = os.stat(path)
    tmp = path + '.interop-repair'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if os.geteuid() == 0:
        os.chown(tmp, st.st_uid, st.st_gid)
    os.rename(tmp, path)


def repair_indexes(root):
    """Rebuilds every stale index from its text file with vpcdb.py (what
    the daemon should have done at restart)."""
    doms, qmail = stale_indexes(root)
    for name in doms:
        d = harness.domain_dir(root, name)
        with open(os.path.join(d, 'vpasswd'), 'rb') as f:
            recs = [tuple(line.split(b':', 1)) for line in
                    f.read().splitlines()]
        replace(os.path.join(d, 'vpasswd.cdb'), vpcdb.build(recs))
    q = harness.qfile
    if 'users/cdb' in qmail:
        with open(q(root, 'users/assign'), 'rb') as f:
            lines = f.read().splitlines()
        scratch = vpcheck.Report(root)
        replace(q(root, 'users/cdb'), vpcdb.build(
            vpcheck.newu_records(scratch, '', lines)))
    if 'control/morercpthosts.cdb' in qmail:
        lines = harness.lines_of(q(root, 'control/morercpthosts')) or []
        replace(q(root, 'control/morercpthosts.cdb'), vpcdb.build(
            [(x.strip().lower().encode(), b'') for x in lines
             if x.strip() and not x.startswith('#')]))


def final_checks(t, root, tree, killed_pids):
    rep = vpcheck.check(root, modes=True, owners=os.geteuid() == 0,
                        tolerate=('unlisted', 'tmp'))
    t.check('%s tree: vpcheck after the crash loop' % tree, not rep.errors,
            rep.errors[:8])
    unlisted = [w for w in rep.warnings if 'unlisted' in w]
    t.check('%s tree: after the restarts no domain is left in users/assign '
            'without its control-file lines (intent recovery, STORAGE 13.3 '
            'item 4)' % tree, not unlisted, unlisted[:4])
    # Recovery at session start sweeps dead writers' temporaries from
    # users/, control/, domains/ and etc/; a domain directory is swept
    # by its next vpasswd rewrite, a Maildir/tmp never (harmless there).
    left = temp_pids(root)
    swept = ('var/qmail/users', 'var/qmail/control',
             'home/vpopmail/domains', 'home/vpopmail/etc')
    bad = [p for p in left
           if os.path.dirname(os.path.relpath(p, root)) in swept]
    t.check('%s tree: no dead writer\'s temporary left where recovery '
            'sweeps' % tree, not bad, bad[:4])
    for p in sorted(left)[:5]:
        t.info('%s tree: left until that directory is written again: %s'
               % (tree, os.path.relpath(p, root)))
