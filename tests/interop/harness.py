"""harness.py - counting, fixture copies and small file readers shared by
the interop test sections (interop_test.py) and the benchmark.

    t = Tally('test_interop')  t.ok(name) / t.fail(name, details) /
                               t.check(name, cond, details) / t.skip(name,
                               why) / t.summary() -> exit status
    Fixtures(build, tmp)       .copy('small'|'large') -> a fresh tree
    NotLanded                  raised by need() when a command still
                               answers -ERR 4.107 (not implemented yet)
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


class NotLanded(Exception):
    """A command answers "-ERR 4.107 Invalid Command": not implemented."""


def need(reply, command):
    if reply.status.startswith('-ERR 4.107'):
        raise NotLanded(command)
    return reply


class Tally:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def ok(self, name):
        self.passed += 1
        print('ok - ' + name, flush=True)

    def fail(self, name, details=()):
        self.failed += 1
        print('not ok - ' + name)
        if isinstance(details, str):
            details = details.splitlines()
        for line in list(details)[:8]:
            print('#   ' + line)
        sys.stdout.flush()

    def check(self, name, cond, details=()):
        if cond:
            self.ok(name)
        else:
            self.fail(name, details() if callable(details) else details)
        return cond

    def skip(self, name, why):
        self.skipped += 1
        print('skip - %s: %s' % (name, why), flush=True)

    def info(self, text):
        print('# ' + text, flush=True)

    def summary(self):
        print('%s: %d passed, %d failed' % (self.name, self.passed,
                                           self.failed))
        return 1 if self.failed else 0


class Fixtures:
    """Fresh fixture trees under tmp, each from tests/tools/fixture.sh
    (the data names the tree's own path, so trees cannot be copied)."""

    def __init__(self, build, tmp):
        self.build = build
        self.tmp = tmp
        self.n = 0

    def copy(self, tree):
        self.n += 1
        dest = os.path.join(self.tmp, '%s-%d' % (tree, self.n))
        r = subprocess.run(['sh', os.path.join(TOP, 'tests', 'tools',
                                               'fixture.sh'),
                            tree, dest, self.build],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise RuntimeError('fixture.sh %s: %s' % (tree, r.stdout))
        return os.path.realpath(dest)


# --------------------------------------------------------------- readers

def vhome(root):
    return os.path.join(root, 'home', 'vpopmail')


def qfile(root, rel):
    return os.path.join(root, 'var', 'qmail', rel)


def lines_of(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('latin-1').splitlines()
    except FileNotFoundError:
        return None


def assign_entries(root):
    """[(name, real, uid, gid, dir)] of the vpopmail lines (STORAGE 5.8)."""
    out = []
    for line in lines_of(qfile(root, 'users/assign')) or []:
        if line.startswith('.'):
            break
        f = line.split(':')
        if line.startswith('+') and '.' in f[0] and f[0].endswith('-') \
                and len(f) >= 5:
            out.append((f[0][1:-1], f[1], f[2], f[3], f[4]))
    return out


def domain_dir(root, domain):
    for name, _real, _uid, _gid, path in assign_entries(root):
        if name == domain:
            return path
    return None


def vpasswd(root, domain):
    """[fields] of each vpasswd line of a domain (8 fields padded)."""
    d = domain_dir(root, domain)
    out = []
    for line in lines_of(os.path.join(d, 'vpasswd')) if d else []:
        f = line.split(':', 7)
        out.append(f + [''] * (8 - len(f)))
    return out
