"""escape.py - the escape cases: every attack of paths.catalogue() through
every file command slot for each caller, the A8 existence oracle, a link
swapped in between two requests, and a thread flipping a directory and a
link under one name while requests run.

    run_catalogue(w, t)  run_oracle(w, t)  run_swap(w, t)  run_flip(w, t)

Each case: one request (write_file: command, body and "." sent at once,
then a "help" probe that must get its own reply: the body never runs as
commands), then the whole tree and both canaries are compared with the
pristine manifest. A case that changed anything restores the tree.
"""

import ctypes
import os
import re
import subprocess
import sys
import time

from client import ProtocolError
from paths import ANY_ERR, LINK, NOCUT, SLOTS, catalogue, oracle_pairs
from world import BAIT, CANARY, ROLES

CMD = {s: s for s in SLOTS}
CMD['rename_src'] = CMD['rename_dst'] = 'rename_file'
NOT_IMPL = re.compile(r'^-ERR 0\.0+ not implemented$')
BODY = ['attack body line', 'del_user user1x@example.com',
        'add_domain evil.example test']


def leaks(reply):
    """The reply shows a canary's bytes, its stat fields (mode 0604 only
    the canaries have) or the truncation bait."""
    text = reply.text
    return CANARY in text or BAIT in text or 'mode: 0604' in text


def not_implemented(reply):
    return bool(NOT_IMPL.match(reply.status))


def own_prefix(w, role):
    return {'user': 'user1@example.com/', 'qa': 'example.com/',
            'sa': w.D + '/'}[role]


def valid_src(w, role):
    return {'user': 'user1@example.com/afile', 'qa': 'example.com/qafile',
            'sa': w.DC + '/qafile'}[role]


def valid_dst(w, role):
    return own_prefix(w, role) + 'renamed.by.attack'


def line_for(w, role, slot, path):
    if slot == 'rename_src':
        return 'rename_file %s %s' % (path, valid_dst(w, role))
    if slot == 'rename_dst':
        return 'rename_file %s %s' % (valid_src(w, role), path)
    return '%s %s' % (CMD[slot], path)


def send(s, slot, line, body=BODY):
    """The reply, and a problem text when the session is out of step
    afterwards (a write_file body or a long line's rest ran as commands)."""
    if slot != 'write_file' and len(line) < 1000:
        return s.cmd(line), None
    data = line.encode('latin-1') + b'\r\n'
    if slot == 'write_file':
        data += b''.join(b.encode('latin-1') + b'\r\n' for b in body)
        data += b'.\r\n'
    s.send(data)
    reply = s.read_reply()
    if not_implemented(reply):
        return reply, None
    probe = s.cmd('help')
    if probe.status != '+OK+':
        return reply, 'not in step after the reply: next line %r' % (
            probe.status)
    return reply, None


def disk(w, path):
    """Where a path argument points in the fixture (known prefixes)."""
    if path.startswith('/'):
        p = path
    elif path.startswith('user1@example.com/'):
        p = w.H + path[len('user1@example.com'):]
    elif path.startswith('example.com/'):
        p = w.DC + path[len('example.com'):]
    else:
        return None
    return os.path.relpath(p.rstrip('/') or '/', w.root)


def short(w, path):
    path = path.replace(w.root, '$ROOT')
    if len(path) > 90:
        path = '%s...(%d bytes)' % (path[:50], len(path))
    return path


def judge(w, role, slot, atk, reply, changed):
    st = reply.status
    probs = []
    if atk.expect is NOCUT:
        allowed = {disk(w, atk.path)}
        if slot.startswith('rename'):
            allowed |= {disk(w, valid_src(w, role)),
                        disk(w, valid_dst(w, role))}
        bad = [c for c in changed if c not in allowed]
        if bad:
            probs.append('changed beyond the whole name: %s' % bad[:4])
    elif atk.expect is LINK:
        allowed = {disk(w, atk.path)}
        if slot.startswith('rename'):
            allowed |= {disk(w, valid_src(w, role)),
                        disk(w, valid_dst(w, role))}
        bad = [c for c in changed if c not in allowed]
        if bad:
            probs.append('changed beyond the link itself: %s' % bad[:4])
        if slot in ('list_dir', 'read_file') and not st.startswith('-ERR '):
            probs.append('link followed: %s' % st)
    else:
        if not st.startswith('-ERR '):
            probs.append('not refused: %s' % st)
        elif atk.expect is not ANY_ERR and st != atk.expect:
            probs.append('expected %r' % atk.expect)
            probs.append('got      %r' % st)
        if changed:
            probs.append('tree changed: %s' % changed[:4])
    if leaks(reply):
        probs.append('canary or bait content in the reply')
    return probs


def run_one(w, t, role, slot, line, name, judge_fn, base=None):
    if CMD[slot] in w.unimplemented:
        t.pending(name, CMD[slot])
        return None
    s = w.session(role)
    try:
        reply, step = send(s, slot, line)
    except (ProtocolError, OSError) as e:
        t.fail(name, ['daemon: %s' % e])
        w.restore()
        return None
    if not_implemented(reply):
        t.pending(name, CMD[slot])
        w.unimplemented.add(CMD[slot])
        if slot == 'write_file':
            w.drop(role)
        if w.diff(base or w.baseline, w.manifest()):
            w.restore()
        return None
    if step:        # what the body ran must have finished: end the daemon
        w.drop(role)
    changed = w.diff(base or w.baseline, w.manifest())
    probs = judge_fn(reply, changed)
    if step:
        probs.append(step)
    t.check(name, not probs, ['reply: %s' % reply.status] + probs)
    if changed and len(changed) <= 4 and base is None:
        w.repair(changed)
    elif changed:
        w.restore()
    return reply


def run_catalogue(w, t):
    for role in ROLES:
        for atk in catalogue(w, role):
            for slot in atk.slots:
                name = '%s %s %s %s' % (role, slot, atk.cls,
                                        short(w, atk.path))
                line = line_for(w, role, slot, atk.path)
                run_one(w, t, role, slot, line, name,
                        lambda r, c, a=atk, sl=slot, ro=role:
                        judge(w, ro, sl, a, r, c))


def run_oracle(w, t):
    """A8: an existing and a missing user/domain the caller may not
    reach get the same answer."""
    for role in ROLES:
        for have, missing in oracle_pairs(w, role):
            for slot in SLOTS:
                name = '%s %s oracle %s vs %s' % (role, slot, have, missing)
                got = []
                for path in (have, missing):
                    got.append(run_one(
                        w, t, role, slot, line_for(w, role, slot, path),
                        '%s (%s)' % (name, path),
                        lambda r, c: (['not refused'] if not
                                      r.status.startswith('-ERR ') else []) +
                        (['tree changed: %s' % c[:4]] if c else [])))
                if None in got:
                    continue
                t.check(name + ': same answer',
                        got[0].status == got[1].status,
                        ['existing: %s' % got[0].status,
                         'missing:  %s' % got[1].status])


FLIP_SECONDS = 0.1
SWAP = {'user': 'swapdir', 'qa': 'qswap', 'sa': 'sswap'}
FLIP = {'user': 'flip', 'qa': 'qflip', 'sa': 'sflip'}


def slot_path(slot, base):
    """The argument of a slot that works inside directory base/."""
    return {'mk_dir': base + 'newdir/', 'rm_dir': base + 'sub/',
            'list_dir': base, 'rename_dst': base + 'stolen',
            'write_file': base + 'secret.txt'}.get(slot,
                                                   base + 'secret.txt')


def root_dir(w, role):
    return {'user': w.H, 'qa': w.DC, 'sa': w.D}[role]


def canary_state(w):
    m = w.manifest()
    return {k: v for k, v in m.items()
            if k.startswith('canary') or k.startswith('home/vpopmail/canary')}


def run_swap(w, t):
    """The name was a directory at the first request and is a link to the
    canary at the second (5.4 item 3)."""
    for role in ROLES:
        name_ = SWAP[role]
        real = os.path.join(root_dir(w, role), name_)
        base = own_prefix(w, role) + name_ + '/'
        for slot in SLOTS:
            s = w.session(role)
            try:
                first = s.cmd('list_dir ' + base)
            except ProtocolError as e:
                t.fail('%s swap %s: first request' % (role, slot), [str(e)])
                w.restore()
                continue
            os.rename(real, real + '.orig')
            os.symlink(os.path.join(w.V, 'canary'), real)
            before = w.manifest()
            line = line_for(w, role, slot, slot_path(slot, base))
            name = '%s %s link swapped in after %s' % (
                role, slot, 'a listing' if first.ok else first.status)
            run_one(w, t, role, slot, line, name,
                    lambda r, c: judge_swap(r, c), before)
            if os.path.islink(real):
                os.unlink(real)
                os.rename(real + '.orig', real)
            if w.changed():
                w.restore()


def judge_swap(reply, ch):
    probs = []
    if not reply.status.startswith('-ERR '):
        probs.append('not refused: %s' % reply.status)
    if ch:
        probs.append('changed: %s' % ch[:4])
    if leaks(reply):
        probs.append('canary content in the reply')
    return probs


def run_flip(w, t, rounds=25):
    """A process swaps a real directory and a link to the canary under one
    name while requests use that name: the canary is never read, listed,
    looked at or changed."""
    for role in ROLES:
        d = root_dir(w, role)
        flip = os.path.join(d, FLIP[role])
        base = own_prefix(w, role) + FLIP[role] + '/'
        for slot in SLOTS:
            canary0 = canary_state(w)
            os.rename(flip + '.dir', flip)
            proc = start_flipper(flip)
            name = '%s %s under a flipping dir/link' % (role, slot)
            leaked, err, pend, oks, i = [], None, False, 0, 0
            try:
                s = w.session(role)
                end = time.monotonic() + FLIP_SECONDS
                while i < rounds or time.monotonic() < end:
                    i += 1
                    line = line_for(w, role, slot, slot_path(slot, base))
                    reply, _ = send(s, slot, line, ['FLIPWRITE %d' % i])
                    if not_implemented(reply):
                        pend = True
                        break
                    if leaks(reply):
                        leaked.append(reply.text[:60])
                    oks += reply.ok
            except (ProtocolError, OSError) as e:
                err = str(e)
            stop_flipper(proc)
            if os.path.islink(flip):
                exchange(flip, flip + '.link')
            os.rename(flip, flip + '.dir')
            t.info('%s: %d of %d requests reached the real directory'
                   % (name, oks, i))
            if pend:
                t.pending(name, CMD[slot])
            else:
                ch = w.diff(canary0, canary_state(w))
                t.check(name, not (leaked or err or ch),
                        ['read through the link: %s' % leaked[:2]] * bool(
                            leaked) + ['daemon: %s' % err] * bool(err) +
                        ['canary changed: %s' % ch[:4]] * bool(ch))
            ch = w.changed()
            if ch and len(ch) <= 4:
                w.repair(ch)
            elif ch:
                w.restore()


# The flipper runs as its own process (a thread would share the GIL with
# the requests): renameat2(RENAME_EXCHANGE) swaps the real directory and
# the link to the canary under one name, which never disappears.
FLIPPER = r"""
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = sys.argv[1].encode(), (sys.argv[1] + '.link').encode()
libc.renameat2(-100, a, -100, b, 2)
libc.renameat2(-100, a, -100, b, 2)
sys.stdout.write('go\n')
sys.stdout.flush()
while True:
    libc.renameat2(-100, a, -100, b, 2)
"""


def exchange(a, b):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.renameat2(-100, a.encode(), -100, b.encode(), 2) != 0:
        raise OSError(ctypes.get_errno(), 'renameat2 %s %s' % (a, b))


def start_flipper(flip):
    proc = subprocess.Popen([sys.executable, '-c', FLIPPER, flip],
                            stdout=subprocess.PIPE)
    proc.stdout.readline()      # swapping from now on
    return proc


def stop_flipper(proc):
    proc.kill()
    proc.wait()
