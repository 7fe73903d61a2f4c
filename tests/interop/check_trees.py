"""check_trees.py - vpcheck.py against the untouched fixture trees and
against deliberately broken copies (each break must be reported).

run(t, fx) is called by interop_test.py with its Tally and Fixtures.
"""

import os
import subprocess
import sys

import harness
import vpcdb

VPCHECK = os.path.join(harness.HERE, 'vpcheck.py')


def vpcheck(root, *opts):
    r = subprocess.run([sys.executable, VPCHECK] + list(opts) + [root],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.returncode, r.stdout.decode('utf-8', 'replace')


def ownership_opts(t, what):
    """--owners as root; as an ordinary user only --modes (and say so)."""
    if os.geteuid() == 0:
        return ['--owners']
    t.skip('%s: owners' % what, 'not root: files belong to the invoking '
           'user, only modes are checked')
    return ['--modes']


BUILD = ['']


def run(t, fx):
    BUILD[0] = fx.build
    bad = vpcdb.selftest()
    t.check('vpcdb: hash vectors (F3), STORAGE 3.5 example, round trip',
            not bad, bad)
    for tree in ('small', 'large'):
        root = fx.copy(tree)
        rc, out = vpcheck(root, *ownership_opts(t, 'vpcheck ' + tree))
        t.check('vpcheck passes on the untouched %s fixture' % tree,
                rc == 0, out)
    for name, tree, breaker, expect in BREAKS:
        root = fx.copy(tree)
        breaker(root)
        rc, out = vpcheck(root, '--modes')
        t.check('vpcheck fails on a broken copy: %s' % name,
                rc == 1 and expect in out,
                ['exit %d, expected a line with %r' % (rc, expect)] +
                out.splitlines())
    if os.geteuid() == 0:
        root = fx.copy('small')
        os.chown(dom(root, 'example.com', 'vpasswd.cdb'), 0, 0)
        rc, out = vpcheck(root, '--owners')
        t.check('vpcheck --owners fails on a root-owned vpasswd.cdb',
                rc == 1 and 'owner 0:0, want 89:89' in out, out)
    else:
        t.skip('vpcheck --owners on a wrong owner', 'not root: cannot chown')


# ----------------------------------------------------------- the breaks

def dom(root, domain, *rest):
    return os.path.join(root, 'home', 'vpopmail', 'domains', domain, *rest)


def rewrite(path, fn):
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(fn(data))


def drop_cdb_record(root):
    path = dom(root, 'example.com', 'vpasswd')
    with open(path, 'rb') as f:
        lines = f.read().splitlines()
    recs = [tuple(line.split(b':', 1)) for line in lines]
    with open(path + '.cdb', 'wb') as f:
        f.write(vpcdb.build(recs[:-1]))


def append_vpasswd(root):
    rewrite(dom(root, 'example.com', 'vpasswd'), lambda d: d + (
        b'eve:$6$abcdefgh$x:1:0:eve:%s:NOQUOTA\n'
        % dom(root, 'example.com', 'user1').encode()))


def drop_rcpthosts(root):
    rewrite(harness.qfile(root, 'control/rcpthosts'),
            lambda d: d.replace(b'example.net\n', b''))


def truncate(rel):
    def breaker(root):
        path = harness.qfile(root, rel) if not rel.startswith('dom:') \
            else dom(root, *rel[4:].split('/'))
        os.truncate(path, os.path.getsize(path) - 9)
    return breaker


def flip_hash(root):
    """A hash-table entry whose hash does not match its record (F1)."""
    path = harness.qfile(root, 'users/cdb')
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    pos, n = vpcdb._u32pair(data, 5 * 8)    # table of the empty key
    for i in range(n):
        if vpcdb._u32pair(data, pos + 8 * i)[1]:
            data[pos + 8 * i] ^= 0x40
    with open(path, 'wb') as f:
        f.write(data)


def unterminated(root):
    rewrite(dom(root, 'example.net', 'vpasswd'), lambda d: d[:-1])


def no_dot(root):
    rewrite(harness.qfile(root, 'users/assign'), lambda d: d[:-2])


def assign_without_newu(root):
    rewrite(harness.qfile(root, 'users/assign'), lambda d: d.replace(
        b'\n.\n', b'\n+example.org-:example.com:89:89:%s:-::\n.\n'
        % dom(root, 'example.com').encode()))


def leftover_tmp(root):
    open(dom(root, 'example.com', '.vpasswd.tmp.4242.00c0ffee00c0ffee'),
         'wb').close()


def reroot(root):
    """Rebuilds every index from the text files (tests/tools/reroot)."""
    subprocess.run([os.path.join(BUILD[0], 'tests', 'tools', 'reroot'),
                    root], check=True)


def stale_mrh(root):
    """d55.example deleted everywhere but morercpthosts.cdb (Q11)."""
    with open(harness.qfile(root, 'control/morercpthosts.cdb'), 'rb') as f:
        old = f.read()
    rewrite(harness.qfile(root, 'control/morercpthosts'),
            lambda d: d.replace(b'd55.example\n', b''))
    rewrite(harness.qfile(root, 'users/assign'), lambda d: b''.join(
        line for line in d.splitlines(True) if b'+d55.example-' not in line))
    rewrite(harness.qfile(root, 'control/virtualdomains'),
            lambda d: d.replace(b'd55.example:d55.example\n', b''))
    reroot(root)
    rewrite(harness.qfile(root, 'control/morercpthosts.cdb'), lambda d: old)


def half_deleted_alias(root):
    rewrite(harness.qfile(root, 'users/assign'), lambda d: b''.join(
        line for line in d.splitlines(True) if b'+alias.example-' not in line))
    reroot(root)


def no_maildir(root):
    os.rmdir(dom(root, 'big.example', '2', 'u350', 'Maildir', 'new'))


def injected_line(root):
    rewrite(dom(root, 'example.com', 'vpasswd'),
            lambda d: d + b'mallory:x:1:65536\n')


def lost_domain_dir(root):
    os.rename(dom(root, 'example.net'), dom(root, 'example.net.gone'))


def loose_mode(root):
    os.chmod(harness.qfile(root, 'users/cdb'), 0o666)


BREAKS = [
    ('vpasswd.cdb lost a record', 'small', drop_cdb_record,
     "vpasswd.cdb: no record b'user1'"),
    ('a vpasswd line without its cdb record', 'small', append_vpasswd,
     "vpasswd.cdb: no record b'eve'"),
    ('a domain missing from rcpthosts', 'small', drop_rcpthosts,
     'example.net is in rcpthosts + morercpthosts 0 times'),
    ('torn users/cdb', 'small', truncate('users/cdb'), 'users/cdb: broken'),
    ('torn vpasswd.cdb', 'large', truncate('dom:big.example/vpasswd.cdb'),
     'vpasswd.cdb: broken'),
    ('torn morercpthosts.cdb', 'large', truncate('control/morercpthosts.cdb'),
     'morercpthosts.cdb: broken'),
    ('a cdb hash entry that does not match its key', 'small', flip_hash,
     'does not hash to'),
    ('vpasswd without a final newline', 'small', unterminated,
     'does not end with a newline'),
    ('users/assign without its "." line', 'small', no_dot, 'no "." line'),
    ('users/assign changed without qmail-newu', 'small', assign_without_newu,
     "users/cdb: no record b'!example.org-'"),
    ('a leftover temporary file', 'small', leftover_tmp,
     'leftover temporary file'),
    ('morercpthosts.cdb not rebuilt', 'large', stale_mrh,
     "morercpthosts.cdb: record b'd55.example' is not in morercpthosts"),
    ('an alias domain left in the control files', 'large',
     half_deleted_alias, 'alias.example is not a domain of users/assign'),
    ('a user without Maildir/new', 'large', no_maildir, 'u350: missing'),
    ('a vpasswd line of 4 fields', 'small', injected_line,
     '4 fields, not 7 or 8'),
    ('a domain directory missing', 'small', lost_domain_dir,
     'directory of example.net is missing'),
    ('a qmail file with mode 0666', 'small', loose_mode,
     'users/cdb: mode 0666, want 0644'),
]
