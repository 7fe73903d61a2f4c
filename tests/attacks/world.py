"""world.py - the attack suite's fixture: a small reference tree with the
things an attacker wants to reach planted around each caller's root, a
manifest of everything, and restoring the tree after a case changed it.

    w = World(build, tmp)        builds the tree, plants, snapshots
    w.manifest()                 {relpath: (type, mode, uid, gid, size,
                                  sha256 or link target)} of home/, var/
                                  and the canary outside the vpopmail dir
    w.diff(a, b)                 the paths whose entries differ
    w.session(role)              a logged-in client.Session (cached)
    w.drop(role) / w.restore()   forget one session / put the pristine
                                  tree back (every session is closed first:
                                  a daemon keeps fds of the tree it saw)

Roles: 'user' user1@example.com/test, 'qa' postmaster@example.com/test,
'sa' admin@example.com/secret (PROTOCOL.md 3; tests/fixtures/README.md).

What is planted (paths relative to the vpopmail dir V, D = V/domains):
  V/canary/, ROOT/canary/  canaries: secret.txt holds CANARY, never to be
                           read, written or listed by anyone
  D/example.com/user1x     a real user (add_user) whose name extends user1
  D/example.com.au         a real domain (add_domain) extending example.com
  V/domainsX               a directory whose name extends domains
  links in user1's home, example.com and domains/ to the canaries, /etc,
  another user's home, another domain and another domain's vpasswd;
  protected files (.qmailadmin-limits, vpasswd.bak, Maildir/maildirsize);
  a file whose absolute path is exactly 255 bytes (truncation bait).
"""

import hashlib
import os
import shutil
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'interop'))

from client import Session, write_config  # noqa: E402
from harness import Fixtures  # noqa: E402

CANARY = 'CANARY-5d1e'
BAIT = 'truncation bait'
ROLES = {
    'user': ('user1@example.com', 'test'),
    'qa': ('postmaster@example.com', 'test'),
    'sa': ('admin@example.com', 'secret'),
}
NOT_IMPLEMENTED = '-ERR 0.0 not implemented'
TREES = ('home', 'var', 'canary')


class SetupError(Exception):
    pass


class World:
    def __init__(self, build, tmp):
        self.build = build
        self.root = Fixtures(build, tmp).copy('small')
        self.V = os.path.join(self.root, 'home', 'vpopmail')
        self.D = os.path.join(self.V, 'domains')
        self.Q = os.path.join(self.root, 'var', 'qmail')
        self.H = os.path.join(self.D, 'example.com', 'user1')
        self.DC = os.path.join(self.D, 'example.com')
        self.conf = write_config(self.root)
        self.sessions = {}
        self.restores = 0
        self.unimplemented = set()   # commands answering "not implemented"
        self._add_accounts()
        self._plant()
        for role in ROLES:          # login may write lastauth: settle it
            self.session(role)
        self.close_all()
        self.pristine = os.path.join(tmp, 'pristine')
        os.mkdir(self.pristine)
        for top in TREES:
            subprocess.run(['cp', '-a', os.path.join(self.root, top),
                            self.pristine], check=True)
        self.baseline = self.manifest()

    # ------------------------------------------------------------ setup

    def _add_accounts(self):
        s = self.session('sa')
        for line in ('add_user user1x@example.com test',
                     'add_domain example.com.au test'):
            r = s.cmd(line)
            if not r.ok:
                raise SetupError('%s: %s' % (line, r.status))
        self.close_all()

    def _file(self, path, data, mode=0o600):
        with open(path, 'w') as f:
            f.write(data)
        os.chmod(path, mode)
        self._own(path)

    def _dir(self, path, mode=0o700):
        os.mkdir(path, mode)
        os.chmod(path, mode)
        self._own(path)

    def _own(self, path):
        if os.geteuid() == 0:
            os.lchown(path, 89, 89)

    def _link(self, target, path):
        os.symlink(target, path)
        self._own(path)

    def _canary(self, where):
        """Files of mode 0604, which nothing else has: a stat_file through
        a link would show it."""
        os.mkdir(where, 0o755)
        os.mkdir(os.path.join(where, 'sub'), 0o755)
        for rel, text in (('secret.txt', ' secret\n'),
                          ('sub/inner.txt', ' inner\n')):
            with open(os.path.join(where, rel), 'w') as f:
                f.write(CANARY + text)
            os.chmod(os.path.join(where, rel), 0o604)

    def _plant(self):
        V, D, H, DC = self.V, self.D, self.H, self.DC
        self._canary(os.path.join(self.root, 'canary'))
        self._canary(os.path.join(V, 'canary'))
        self._dir(os.path.join(V, 'domainsX'))
        self._file(os.path.join(V, 'domainsX', 'secret'), 'domainsX\n')
        self._file(os.path.join(DC, 'user1x', 'secret'), 'user1x\n')
        self._file(os.path.join(D, 'example.com.au', 'ausecret'), 'au\n')
        # user1's home
        self._file(os.path.join(H, 'afile'), 'user1 file\n')
        for name in ('swapdir', 'flip.dir'):
            self._dir(os.path.join(H, name))
            self._file(os.path.join(H, name, 'secret.txt'), 'INSIDE\n')
            self._dir(os.path.join(H, name, 'sub'))
        self._link(os.path.join(V, 'canary'), os.path.join(H, 'canlink'))
        self._link(os.path.join(V, 'canary'), os.path.join(H, 'flip.link'))
        self._link(os.path.join(self.root, 'canary'),
                   os.path.join(H, 'outlink'))
        self._link('/etc', os.path.join(H, 'etclink'))
        self._link('../user1x', os.path.join(H, 'otherlink'))
        self._link('../../example.net', os.path.join(H, 'domlink'))
        self._link(os.path.join(V, 'canary', 'secret.txt'),
                   os.path.join(H, 'canfile'))
        self._link('../vpasswd', os.path.join(H, 'pwlink'))
        self._file(os.path.join(H, 'Maildir', 'maildirsize'),
                   '1000000S\n0 0\n')
        self._file(os.path.join(H, self.bait_name()), BAIT + '\n')
        d = H
        for part in self.chain().split('/'):
            d = os.path.join(d, part)
            self._dir(d)
        self._file(os.path.join(d, 'f'), 'deep\n')
        # example.com (the domain administrator's root)
        self._file(os.path.join(DC, 'qafile'), 'qa file\n')
        self._file(os.path.join(DC, '.qmailadmin-limits'),
                   'maxpopaccounts: 500\n')
        self._file(os.path.join(DC, 'vpasswd.bak'), 'old table\n')
        for name in ('qswap', 'qflip.dir'):
            self._dir(os.path.join(DC, name))
            self._file(os.path.join(DC, name, 'secret.txt'), 'INSIDE\n')
            self._dir(os.path.join(DC, name, 'sub'))
        self._link(os.path.join(V, 'canary'), os.path.join(DC, 'qcanlink'))
        self._link(os.path.join(V, 'canary'), os.path.join(DC, 'qflip.link'))
        self._link('../example.net', os.path.join(DC, 'qnetlink'))
        self._link('../example.com.au', os.path.join(DC, 'qaulink'))
        self._link('../example.net/vpasswd', os.path.join(DC, 'qnetpw'))
        # domains/ (the system administrator's root)
        for name in ('sswap', 'sflip.dir'):
            self._dir(os.path.join(D, name))
            self._file(os.path.join(D, name, 'secret.txt'), 'INSIDE\n')
            self._dir(os.path.join(D, name, 'sub'))
        self._link(os.path.join(V, 'canary'), os.path.join(D, 'scanlink'))
        self._link(os.path.join(V, 'canary'), os.path.join(D, 'sflip.link'))
        self._link(os.path.join(self.root, 'canary'),
                   os.path.join(D, 'soutlink'))
        self._link('../domainsX', os.path.join(D, 'sxlink'))
        self._link('/etc', os.path.join(D, 'setclink'))

    def bait_name(self):
        """A name that makes H/name exactly 255 bytes: a daemon cutting a
        longer candidate at 255 would reach it (5.4 item 4)."""
        n = 255 - len(self.H) - 1
        if not 1 <= n <= 255:
            raise SetupError('fixture path too long for the bait: %s' % self.H)
        return 'T' * n

    def chain(self):
        """Three nested 100-byte names in user1's home (an argument
        naming them is over 255 bytes); f inside the last."""
        return '/'.join(['L' * 100] * 3)

    # --------------------------------------------------------- manifest

    def manifest(self):
        out = {}
        for top in TREES:
            out[top] = entry(os.path.join(self.root, top))
            walk(os.path.join(self.root, top), top, out)
        return out

    @staticmethod
    def diff(a, b):
        return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))

    def changed(self):
        """Paths that differ from the pristine tree."""
        return self.diff(self.baseline, self.manifest())

    # --------------------------------------------------------- sessions

    def session(self, role):
        s = self.sessions.get(role)
        if s is None:
            s = Session(self.build, self.conf, timeout=10.0)
            if not s.greeting.startswith('+OK'):
                raise SetupError('greeting %r' % s.greeting)
            who, pw = ROLES[role]
            r = s.login('login', who, pw)
            if not r.ok:
                raise SetupError('login %s: %s' % (who, r.status))
            self.sessions[role] = s
        return s

    def drop(self, role):
        s = self.sessions.pop(role, None)
        if s is not None:
            s.close()

    def close_all(self):
        for role in list(self.sessions):
            self.drop(role)

    def repair(self, changed):
        """Puts back a few changed entries from the pristine copy without
        touching the directories the daemon holds; falls back to restore()
        when that does not give the pristine manifest."""
        try:
            for rel in sorted(changed, key=len, reverse=True):
                if rel.split('/')[0] not in TREES or rel in TREES:
                    raise OSError('not a repairable entry: ' + rel)
                here = os.path.join(self.root, rel)
                if os.path.isdir(here) and not os.path.islink(here):
                    shutil.rmtree(here)
                elif os.path.lexists(here):
                    os.unlink(here)
            for rel in sorted(changed, key=len):
                src = os.path.join(self.pristine, rel)
                if os.path.lexists(src) and not os.path.lexists(
                        os.path.join(self.root, rel)):
                    subprocess.run(['cp', '-a', src, os.path.join(
                        self.root, rel)], check=True)
        except (OSError, subprocess.CalledProcessError):
            pass
        if self.changed():
            self.restore()

    def restore(self):
        self.close_all()
        self.restores += 1
        changed = {c.split('/')[0] for c in self.changed()}
        for top in TREES:
            if top not in changed:
                continue
            shutil.rmtree(os.path.join(self.root, top))
            subprocess.run(['cp', '-a', os.path.join(self.pristine, top),
                            self.root], check=True)


_sums = {}


def walk(path, rel, out):
    with os.scandir(path) as it:
        for e in it:
            r = rel + '/' + e.name
            out[r] = entry(e.path)
            if out[r][0] == stat.S_IFDIR:
                walk(e.path, r, out)


def entry(p):
    st = os.lstat(p)
    if stat.S_ISLNK(st.st_mode):
        extra = os.readlink(p)
    elif stat.S_ISREG(st.st_mode):
        # ctime cannot be set from user space: same key, same bytes
        key = (p, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns,
               st.st_ctime_ns)
        extra = _sums.get(key)
        if extra is None:
            with open(p, 'rb') as f:
                extra = hashlib.sha256(f.read()).hexdigest()
            _sums[key] = extra
    else:
        extra = ''
    return (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid,
            st.st_gid, st.st_size if not stat.S_ISDIR(st.st_mode) else 0,
            extra)
