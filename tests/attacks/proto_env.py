"""proto_env.py - the protocol attack suite's world: one small fixture tree
(tests/tools/fixture.sh), the daemon started per session with its stderr
collected, configuration variants, and the secrets to look for in the logs.

    e = Env(build, tmp)
    s = e.session(extra=())        a client.Session with greeting read;
                                   extra: config lines for this daemon
    s = e.login(role)              logged in as 'user' | 'qa' | 'sa' | 'net'
    e.vpasswd_lines(domain)        the domain's vpasswd lines
    e.logs()                       every stderr file and the audit log(s)
    e.secrets                      passwords and hashes never to be logged
    e.has_key(key)                 does this build accept config key?
"""

import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'interop'))

from client import Session, write_config  # noqa: E402
from harness import Fixtures  # noqa: E402

ROLES = {
    'user': ('user1@example.com', 'test'),
    'qa': ('postmaster@example.com', 'test'),
    'qa2': ('user2@example.net', 'test'),
    'sa': ('admin@example.com', 'secret'),
}


class Env:
    def __init__(self, build, tmp):
        self.build = build
        self.tmp = tmp
        self.root = Fixtures(build, tmp).copy('small')
        self.V = os.path.join(self.root, 'home', 'vpopmail')
        self.D = os.path.join(self.V, 'domains')
        self.Q = os.path.join(self.root, 'var', 'qmail')
        self.n = 0
        self.secrets = set(p for _, p in ROLES.values())
        self._collect_hashes()
        self.base = []
        self.keys = {}
        if self.has_key('throttle = no'):
            # brute force is its own section; elsewhere a failed login
            # must not slow the next case down
            self.base.append('throttle = no')

    def _collect_hashes(self):
        for path in glob.glob(os.path.join(self.D, '*', 'vpasswd')):
            for line in self._lines(path):
                f = line.split(':')
                if len(f) >= 2 and f[1]:
                    self.secrets.add(f[1])
                if len(f) >= 8 and f[7]:
                    self.secrets.add(f[7])

    @staticmethod
    def _lines(path):
        with open(path, 'rb') as f:
            return f.read().decode('latin-1').splitlines()

    def vpasswd_lines(self, domain):
        return self._lines(os.path.join(self.D, domain, 'vpasswd'))

    def conf(self, extra=()):
        """A config file with the base lines plus extra, own name."""
        self.n += 1
        path = write_config(self.root, list(self.base) + list(extra))
        named = os.path.join(self.root, 'vpopmaild-%d.conf' % self.n)
        os.rename(path, named)
        return named

    def session(self, extra=(), timeout=15.0, greet=True):
        self.n += 1
        err = os.path.join(self.tmp, 'stderr-%d.log' % self.n)
        return Session(self.build, self.conf(extra), timeout=timeout,
                       stderr=err, greet=greet)

    def login(self, role, extra=(), how='slogin'):
        s = self.session(extra)
        addr, pw = ROLES[role]
        r = s.login(how, addr, pw)
        if r.status != '+OK':
            raise RuntimeError('login %s: %s' % (role, r.status))
        return s

    def has_key(self, line):
        """True when a daemon with this config line greets."""
        if line in self.keys:
            return self.keys[line]
        try:
            s = Session(self.build, write_config(self.root, [line]),
                        timeout=5.0)
            ok = s.greeting == '+OK '
            s.close()
        except Exception:
            ok = False
        self.keys[line] = ok
        return ok

    def logs(self):
        out = glob.glob(os.path.join(self.tmp, 'stderr-*.log'))
        out += glob.glob(os.path.join(self.root, '*.log'))
        return out
