#!/usr/bin/env python3
"""vpcheck.py - checks a vpopmail/qmail tree at rest against the
interoperability invariants of STORAGE.md section 14 that can be seen on
disk, independently of the daemon's code (Python stdlib only; the cdb
reader in vpcdb.py is written from STORAGE.md section 3).

Usage:
    vpcheck.py [--owners | --modes] [--foreign] [--interrupted]
               [--no-warnings] ROOT
    vpcheck.py --selftest

ROOT holds home/vpopmail and var/qmail, and the paths inside the data say
ROOT/home/vpopmail... (as tests/tools/fixture.sh reroots them). One line
per violation on stdout ("PATH: what"), warnings as "warning: PATH: what";
exit status 1 when there is a violation, 0 otherwise, 2 on usage errors.

  --modes     also check modes (STORAGE 2.2: domain data 0700/0600, qmail
              data 0644, lock files 0600)
  --owners    modes and owners (domain data owned by the uid:gid of its
              users/assign line, qmail files by root); run as root
  --foreign   lines in rcpthosts/morercpthosts/virtualdomains naming no
              domain of users/assign are warnings instead of violations
  --interrupted  what a killed operation may leave (TOLERABLE below) is a
              warning instead of a violation

What is checked (STORAGE 14, "F"/"D"/"U" numbers):
  - every cdb parses (F1) and the hash vectors hold (F3, --selftest);
  - users/assign: qmail-newu syntax, the `.` line last, every vpopmail
    `+` line well formed, names unique, an alias points at a real domain
    with the same uid/gid/dir; users/cdb has exactly the records
    qmail-newu builds from it, in its order (D2-D4);
  - every assign name is in exactly one of rcpthosts/morercpthosts (D5)
    and has its `name:name` line in virtualdomains (D7), and no line there
    names a domain that is not in assign; morercpthosts.cdb holds exactly
    the morercpthosts names with empty values; no assign name in locals;
  - each real domain: directory, .qmail-default, vpasswd lines well formed
    (7 or 8 fields, <= 510 bytes, no CR/NUL, unique names; unsorted is a
    warning), vpasswd.cdb has one record per line in the same order with
    key = name and value = the rest (U2); every user directory has
    Maildir/{cur,new,tmp} and lastauth; .dir-control and
    .dir_control_free parse;
  - no temporary files (the daemon's ".NAME.tmp.PID.RANDOM" and
    "TIME.PID_NeWmAiLdIrSiZe.HOST", or the reference's names) anywhere; text files end with \\n and hold no CR or
    NUL (F4).
Directories that hold no domain/user of the tables are warnings ("orphan"):
an interrupted add leaves them before anything refers to them.
"""

import os
import re
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpcdb  # noqa: E402

# the daemon's temporaries: atomic.h's ".NAME.tmp.PID.RANDOM" and the
# Maildir++ "TIME.PID_NeWmAiLdIrSiZe.HOST" in a Maildir/tmp (group 1 or 2
# is the pid)
OUR_TMP = re.compile(r'^(?:\..+\.tmp\.(\d+)\.[0-9a-f]+|'
                     r'\d+\.(\d+)_NeWmAiLdIrSiZe\..*)$')
REF_TMP = re.compile(r'^(cdb\.tmp|vpasswd\.bak\..*|morercpthosts\.tmp|'
                     r'(assign|rcpthosts|morercpthosts|virtualdomains|'
                     r'locals)\.\d+|\.dir-control\.\d+)$')
USER_CHARS = re.compile(rb"^[a-z0-9!#$&'*+\-./=?^_`{|}~]+$")
DOMAIN_CHARS = re.compile(rb'^[a-z0-9.\-]+$')
QUOTA = re.compile(rb'^(NOQUOTA|[0-9]+S|[0-9]+C|[0-9]+S,[0-9]+C)?$')
HASH_PATH = re.compile(r'^[^./](/[^./])*$')    # "0", "0/3" (STORAGE 7)
VPASSWD_MAX = 510
# What a process killed in the middle of an operation may leave behind,
# by the orders of STORAGE 13.3 item 4 (--interrupted tolerates all three):
#   unlisted   a domain of users/assign missing from rcpthosts/morercpthosts
#              or virtualdomains: an add killed after assign, or a delete
#              killed after the control files (mail is refused, not lost);
#   stale-cdb  an index not newer than its text file and different (vpasswd.cdb
#              / vpasswd, users/cdb / users/assign, morercpthosts.cdb /
#              morercpthosts): killed between the two renames (Q6, K3,
#              K4: a restarted daemon must rebuild it). "Not newer", as
#              file times come from a coarse clock: two writes a few ms
#              apart can carry the same mtime;
#   tmp        the daemon's own temporary file of a killed process.
# Never tolerated: a domain of assign without directory or vpasswd, a
# control-file line for a domain not in assign, a torn or unparsable file.
TOLERABLE = ('unlisted', 'stale-cdb', 'tmp')


class Report:
    def __init__(self, root, warnings=True, tolerate=()):
        self.root = root
        self.tolerate = set(tolerate)
        self.errors = []
        self.warnings = []
        self.show_warnings = warnings

    def rel(self, path):
        if path.startswith(self.root + '/'):
            return path[len(self.root) + 1:]
        return path

    def err(self, path, msg):
        self.errors.append('%s: %s' % (self.rel(path), msg))

    def warn(self, path, msg):
        self.warnings.append('warning: %s: %s' % (self.rel(path), msg))

    def soft(self, what, path, msg):
        """A violation that an interrupted operation may leave (see
        TOLERABLE): a warning when tolerated, else an error."""
        if what in self.tolerate:
            self.warn(path, msg + ' (tolerated: %s)' % what)
        else:
            self.err(path, msg)


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except FileNotFoundError:
        return None


def text_lines(rep, path, data):
    """F4 for one text file; returns its lines without the newlines."""
    if data == b'':
        return []
    if not data.endswith(b'\n'):
        rep.err(path, 'does not end with a newline')
    if b'\r' in data:
        rep.err(path, 'contains a CR')
    if b'\0' in data:
        rep.err(path, 'contains a NUL byte')
    lines = data.split(b'\n')
    if lines[-1] == b'':
        lines.pop()
    return lines


def show(b, n=60):
    s = repr(b)
    return s if len(s) <= n else s[:n] + '...'


# ------------------------------------------------------------ users/assign

class Domain:
    def __init__(self, name, real, uid, gid, path):
        self.name, self.real, self.uid, self.gid = name, real, uid, gid
        self.path = path

    @property
    def is_alias(self):
        return self.name != self.real


def newu_records(rep, path, lines):
    """The (key, value) records qmail-newu writes for these assign lines
    (STORAGE 4.2), or None when it would refuse the file."""
    records, wild, ok = [], b'', True
    for n, line in enumerate(lines, 1):
        if line.startswith(b'.'):
            break
        i = line.find(b':')
        if i <= 0 or b'\0' in line or line.count(b':', i + 1) < 6:
            rep.err(path, 'line %d %s: qmail-newu refuses it (bad format)'
                    % (n, show(line)))
            ok = False
            continue
        name = line[1:i].lower()
        if line.startswith(b'+'):
            key = b'!' + name
            if line[i - 1:i] not in wild and i > 1:
                wild += line[i - 1:i]
        else:
            key = b'!' + name + b'\0'
        fields = line[i + 1:].split(b':')
        records.append((key, b'\0'.join(fields[:5]) + b'\0' + fields[5]))
    records.append((b'', wild))
    return records if ok else None


def check_assign(rep, qmail, vhome):
    path = os.path.join(qmail, 'users', 'assign')
    data = read(path)
    if data is None:
        rep.err(path, 'missing')
        return {}
    lines = text_lines(rep, path, data)
    dots = [n for n, line in enumerate(lines) if line.startswith(b'.')]
    if not dots:
        rep.err(path, 'no "." line (qmail-newu refuses the file)')
    elif lines[dots[0]] != b'.' or dots[0] != len(lines) - 1:
        rep.err(path, 'the last line is not "." (line %d of %d starts '
                'with ".")' % (dots[0] + 1, len(lines)))
    active = lines[:dots[0]] if dots else lines
    domains = assign_domains(rep, path, active, vhome)
    check_aliases(rep, path, domains)
    expected = newu_records(rep, path, lines)
    check_index(rep, os.path.join(qmail, 'users', 'cdb'), path, expected,
                'users/assign')
    return domains


def assign_domains(rep, path, lines, vhome):
    """The vpopmail entries of 5.8, each required to be well formed."""
    domains = {}
    prefix = vhome.encode() + b'/domains/'
    for n, line in enumerate(lines, 1):
        key = line.split(b':', 1)[0]
        if not line.startswith(b'+') or b'.' not in key or \
                not key.endswith(b'-'):
            continue
        f = line.split(b':')
        name = key[1:-1]
        if len(f) != 8 or f[5:] != [b'-', b'', b''] or \
                not f[2].isdigit() or not f[3].isdigit() or \
                not DOMAIN_CHARS.match(name) or \
                not DOMAIN_CHARS.match(f[1]):
            rep.err(path, 'line %d %s is not "+name-:real:uid:gid:dir:-::"'
                    % (n, show(line)))
            continue
        if not f[4].startswith(prefix) or b'/../' in f[4] + b'/':
            rep.err(path, 'line %d: directory %s is not under %s'
                    % (n, show(f[4]), prefix.decode()))
            continue
        if name in domains:
            rep.err(path, 'domain %s appears twice' % name.decode())
            continue
        domains[name] = Domain(name, f[1], int(f[2]), int(f[3]),
                               f[4].decode('latin-1'))
    return domains


def check_aliases(rep, path, domains):
    for d in domains.values():
        if not d.is_alias:
            continue
        r = domains.get(d.real)
        if r is None or r.is_alias:
            rep.err(path, 'alias %s points at %s, which is not a real domain'
                    % (d.name.decode(), d.real.decode()))
        elif (r.uid, r.gid, r.path) != (d.uid, d.gid, d.path):
            rep.err(path, 'alias %s has another uid/gid/dir than %s'
                    % (d.name.decode(), d.real.decode()))


def cdb_records(rep, path):
    data = read(path)
    if data is None:
        rep.err(path, 'missing')
        return None
    records, problems = vpcdb.parse(data)
    for p in problems[:5]:
        rep.err(path, 'broken cdb: ' + p)
    if len(problems) > 5:
        rep.err(path, 'broken cdb: %d more problems' % (len(problems) - 5))
    return None if problems else records


def compare_records(rep, path, got, want, what):
    """Reports the first few differences between two record lists."""
    if got == want:
        return
    gk, wk = dict(got), dict(want)
    missing = [k for k, _ in want if k not in gk]
    extra = [k for k, _ in got if k not in wk]
    differ = [k for k, v in want if k in gk and gk[k] != v]
    for k in missing[:3]:
        rep.err(path, 'no record %s (%s has it)' % (show(k), what))
    for k in extra[:3]:
        rep.err(path, 'record %s is not in %s' % (show(k), what))
    for k in differ[:3]:
        rep.err(path, 'record %s: value %s, %s says %s'
                % (show(k), show(gk[k]), what, show(wk[k])))
    if len(got) != len(want):
        rep.err(path, '%d records, %s gives %d' % (len(got), what, len(want)))
    elif not (missing or extra or differ):
        rep.err(path, 'records not in the order of %s' % what)


def check_index(rep, path, text_path, expected, what):
    """A cdb built from a text file holds exactly the expected records
    (or, tolerating stale-cdb, is not newer than the text file)."""
    got = cdb_records(rep, path)
    if got is None or expected is None or got == expected:
        return
    if 'stale-cdb' in rep.tolerate and not_newer(path, text_path):
        rep.warn(path, 'not newer than %s and different: a restarted daemon '
                 'must rebuild it (tolerated: stale-cdb)' % what)
    else:
        compare_records(rep, path, got, expected, what)


# -------------------------------------------------------- control files

def name_lines(rep, path, required=False):
    data = read(path)
    if data is None:
        if required:
            rep.err(path, 'missing')
        return None
    return text_lines(rep, path, data)


def check_control(rep, qmail, domains, foreign):
    ctl = os.path.join(qmail, 'control')
    names = set(domains)
    rcpt = name_lines(rep, os.path.join(ctl, 'rcpthosts'), bool(names)) or []
    more_path = os.path.join(ctl, 'morercpthosts')
    more = name_lines(rep, more_path)
    check_morercpthosts_cdb(rep, more_path, more)
    more = more or []
    for name in sorted(names):
        n = rcpt.count(name) + more.count(name)
        if n != 1:
            rep.soft('unlisted' if n == 0 else None,
                     os.path.join(ctl, 'rcpthosts'), '%s is in rcpthosts + '
                     'morercpthosts %d times, not once' % (name.decode(), n))
    stale = rep.warn if foreign else rep.err
    for fname, lines in (('rcpthosts', rcpt), ('morercpthosts', more)):
        for line in lines:
            if line and not line.startswith(b'#') and line not in names:
                stale(os.path.join(ctl, fname), '%s is not a domain of '
                      'users/assign' % line.decode('latin-1'))
    if more and len(rcpt) > 50:
        rep.warn(os.path.join(ctl, 'rcpthosts'), '%d lines while '
                 'morercpthosts is in use' % len(rcpt))
    vpath = os.path.join(ctl, 'virtualdomains')
    virt = name_lines(rep, vpath, bool(names)) or []
    for name in sorted(names):
        n = virt.count(name + b':' + name)
        if n != 1:
            rep.soft('unlisted' if n == 0 else None, vpath,
                     '"%s:%s" appears %d times, not once'
                     % (name.decode(), name.decode(), n))
    for line in virt:
        left, colon, right = line.partition(b':')
        if colon and left == right and left not in names and \
                DOMAIN_CHARS.match(left):
            stale(vpath, '%s names no domain of users/assign'
                  % line.decode('latin-1'))
    locals_ = name_lines(rep, os.path.join(ctl, 'locals')) or []
    for name in sorted(names & set(locals_)):
        rep.err(os.path.join(ctl, 'locals'), '%s is a virtual domain'
                % name.decode())


def check_morercpthosts_cdb(rep, path, lines):
    cdb = path + '.cdb'
    want = []
    for line in lines or []:
        key = line.lower().rstrip(b' \t')
        if key and not key.startswith(b'#'):
            want.append((key, b''))
    if not os.path.lexists(cdb):
        if want:
            rep.err(cdb, 'missing while morercpthosts names %d domains'
                    % len(want))
        return
    if lines is None:
        got = cdb_records(rep, cdb)
        if got:
            rep.err(cdb, 'exists without morercpthosts (stale: %d names)'
                    % len(got))
        return
    check_index(rep, cdb, path, want, 'morercpthosts')


# -------------------------------------------------------------- domains

def check_dir_control(rep, path, required=False):
    data = read(path)
    if data is None:
        if required:
            rep.warn(path, 'missing')
        return
    lines = text_lines(rep, path, data)
    ok = len(lines) == 8
    try:
        if ok:
            ok = int(lines[0]) >= 0
            int(lines[1]), int(lines[2])
            for i in (3, 4, 5, 6):
                ok = ok and len([int(x) for x in lines[i].split()]) == 3
            ok = ok and (lines[7] == b'' or
                         HASH_PATH.match(lines[7].decode('latin-1')))
    except ValueError:
        ok = False
    if not ok:
        rep.err(path, 'not the 8-line .dir-control format: %s' % show(data))


def check_free_list(rep, path):
    data = read(path)
    if data is None:
        return
    for n, line in enumerate(text_lines(rep, path, data), 1):
        if not HASH_PATH.match(line.decode('latin-1')):
            rep.err(path, 'line %d %s is not a hash directory'
                    % (n, show(line)))


def check_domain(rep, d):
    path = d.path
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        rep.err(path, 'directory of %s is missing' % d.name.decode())
        return set()
    if not stat.S_ISDIR(st.st_mode):
        rep.err(path, 'directory of %s is not a directory'
                % d.name.decode())
        return set()
    qd = os.path.join(path, '.qmail-default')
    data = read(qd)
    if data is None:
        rep.err(qd, 'missing')
    elif b'vdelivermail' not in data or len(text_lines(rep, qd, data)) != 1:
        rep.err(qd, 'not one vdelivermail line: %s' % show(data))
    users = check_vpasswd(rep, path)
    check_dir_control(rep, os.path.join(path, '.dir-control'),
                      required=bool(users))
    check_free_list(rep, os.path.join(path, '.dir_control_free'))
    dirs = set()
    for name, udir in users:
        if udir:
            check_user_dir(rep, path, name, udir)
            dirs.add(udir)
    return dirs


def check_vpasswd(rep, domdir):
    """Returns [(name, dir)] of the well-formed lines."""
    path = os.path.join(domdir, 'vpasswd')
    data = read(path)
    if data is None:
        rep.err(path, 'missing')
        return []
    lines = text_lines(rep, path, data)
    users, records, seen, prev = [], [], set(), None
    for n, line in enumerate(lines, 1):
        if not vpasswd_line_ok(rep, path, n, line):
            continue
        name, rest = line.split(b':', 1)
        records.append((name, rest))
        if name in seen:
            rep.err(path, 'user %s appears twice' % show(name))
        seen.add(name)
        if prev is not None and name < prev:
            rep.warn(path, 'line %d: %s sorts before %s' % (n, show(name),
                                                             show(prev)))
        prev = name
        users.append((name, line.split(b':')[5].decode('latin-1')))
    if len(records) == len(lines):
        check_index(rep, path + '.cdb', path, records, 'vpasswd')
    return users


def not_newer(path, than):
    try:
        return os.stat(path).st_mtime_ns <= os.stat(than).st_mtime_ns
    except OSError:
        return False


def vpasswd_line_ok(rep, path, n, line):
    f = line.split(b':', 7)
    why = None
    if len(line) > VPASSWD_MAX:
        why = '%d bytes, more than %d' % (len(line), VPASSWD_MAX)
    elif len(f) < 7:
        why = '%d fields, not 7 or 8' % len(f)
    elif not USER_CHARS.match(f[0]):
        why = 'bad user name %s' % show(f[0])
    elif not f[2].isdigit() or not f[3].isdigit():
        why = 'uid/gid fields %s/%s not decimal' % (show(f[2]), show(f[3]))
    elif f[5] and not f[5].startswith(b'/'):
        why = 'directory %s not absolute' % show(f[5])
    elif not QUOTA.match(f[6]):
        why = 'quota %s not in the grammar of 6.11' % show(f[6])
    if why:
        rep.err(path, 'line %d %s: %s' % (n, show(f[0], 30), why))
        return False
    return True


def check_user_dir(rep, domdir, name, udir):
    name = name.decode('latin-1')
    rel = udir[len(domdir) + 1:] if udir.startswith(domdir + '/') else None
    parts = rel.split('/') if rel else []
    if not parts or parts[-1] != name or \
            any(len(p) != 1 or p == '.' for p in parts[:-1]):
        rep.err(udir, 'user %s: directory is not <domain dir>/[hash/]%s'
                % (name, name))
        return
    for sub in ('', 'Maildir', 'Maildir/cur', 'Maildir/new', 'Maildir/tmp'):
        p = os.path.join(udir, sub) if sub else udir
        try:
            if not stat.S_ISDIR(os.lstat(p).st_mode):
                rep.err(p, 'user %s: not a directory' % name)
                return
        except FileNotFoundError:
            rep.err(p, 'user %s: missing' % name)
            return
    la = os.path.join(udir, 'lastauth')
    if not os.path.isfile(la) or os.path.islink(la):
        rep.err(la, 'user %s: missing' % name)


def check_orphans(rep, vhome, domains, user_dirs):
    """Directories nothing refers to: warnings only (see the docstring).
    Returns them (their contents are not judged any further)."""
    real = {d.path for d in domains.values() if not d.is_alias}
    top = os.path.join(vhome, 'domains')
    orphans = []
    for sub in list_dirs(top):
        inner = list_dirs(sub) if len(os.path.basename(sub)) == 1 else [sub]
        orphans += [d for d in inner if d not in real]
    for domdir in sorted(real):
        for sub in list_dirs(domdir):
            inner = list_dirs(sub) if len(os.path.basename(sub)) == 1 \
                else [sub]
            orphans += [u for u in inner if u not in user_dirs and
                        len(os.path.basename(u)) != 1]
    for d in orphans:
        rep.warn(d, 'orphan directory: no users/assign or vpasswd line '
                 'names it')
    return set(orphans)


def list_dirs(path):
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return []
    return [os.path.join(path, n) for n in names if not n.startswith('.')
            and stat.S_ISDIR(os.lstat(os.path.join(path, n)).st_mode)]


# ---------------------------------------------------- whole-tree walks

TEXT_NAMES = {'vpasswd', 'assign', 'rcpthosts', 'morercpthosts',
              'virtualdomains', 'locals', '.dir-control', '.dir_control_free',
              '.qmailadmin-limits', 'vlimits.default'}


def walk_tree(rep, top, domains, modes, owners, orphans):
    """Temporary files, F4 for the text files not read above, modes and
    owners (STORAGE 2.2)."""
    owner_of = {d.path: (d.uid, d.gid) for d in domains.values()}
    ids = {(d.uid, d.gid) for d in domains.values()}
    domains_owner = ids.pop() if len(ids) == 1 else None
    qmail = os.path.join(rep.root, 'var', 'qmail')
    vdom = os.path.join(rep.root, 'home', 'vpopmail', 'domains')
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [n for n in dirnames
                       if os.path.join(dirpath, n) not in orphans]
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if OUR_TMP.match(name) or REF_TMP.match(name):
                rep.soft('tmp' if OUR_TMP.match(name) else None, path,
                         'leftover temporary file')
                continue
            if name.startswith('.qmail-') and name != '.qmail-default' and \
                    os.path.isfile(path):
                text_lines(rep, path, read(path))
            if not (modes or owners):
                continue
            if path.startswith(qmail + '/'):
                check_qmail_mode(rep, path, name, owners)
            elif path == vdom or path.startswith(vdom + '/'):
                want = owner_for(path, vdom, owner_of, domains_owner)
                check_domain_mode(rep, path, name, want, owners)


def owner_for(path, vdom, owner_of, default):
    for dpath, ids in owner_of.items():
        if path == dpath or path.startswith(dpath + '/'):
            return ids
    return default


def check_qmail_mode(rep, path, name, owners):
    st = os.lstat(path)
    if stat.S_ISDIR(st.st_mode):
        return
    want = 0o600 if name.endswith('.lock') else 0o644
    if stat.S_IMODE(st.st_mode) != want:
        rep.err(path, 'mode %04o, want %04o' % (stat.S_IMODE(st.st_mode),
                                               want))
    if owners and st.st_uid != 0:
        rep.err(path, 'owner %d, want 0 (root)' % st.st_uid)


UMASK_FILES = {'vpasswd', '.dir-control', 'lastauth'}


def check_domain_mode(rep, path, name, want, owners):
    st = os.lstat(path)
    mode = stat.S_IMODE(st.st_mode)
    if stat.S_ISLNK(st.st_mode):
        rep.warn(path, 'symbolic link')
        return
    ok_modes = {0o700} if stat.S_ISDIR(st.st_mode) else {0o600}
    ok_ids = {want} if want else None
    if name in ('.dir_control_free', '.dir_control_free.lock'):
        # written by the reference's vdeluser as root (fixtures README)
        if name == '.dir_control_free':
            ok_modes = {0o600, 0o644}
        if ok_ids:
            ok_ids = ok_ids | {(0, 0)}
    if mode not in ok_modes and name in UMASK_FILES and mode == 0o644:
        # "†" in STORAGE 2.2: the reference tools leave the caller's umask
        # (the small fixture's example.net/vpasswd is 0644)
        rep.warn(path, 'mode 0644 (reference umask), 0600 expected')
    elif mode not in ok_modes:
        rep.err(path, 'mode %04o, want %s' % (mode, ' or '.join(
            '%04o' % m for m in sorted(ok_modes))))
    if owners and ok_ids and (st.st_uid, st.st_gid) not in ok_ids:
        rep.err(path, 'owner %d:%d, want %s' % (st.st_uid, st.st_gid,
                ' or '.join('%d:%d' % i for i in sorted(ok_ids))))


# ------------------------------------------------------------------ main

def check(root, modes=False, owners=False, foreign=False, warnings=True,
          tolerate=()):
    """Runs every check; returns the Report (errors, warnings).
    tolerate: names from TOLERABLE reported as warnings."""
    root = os.path.realpath(root)
    rep = Report(root, warnings, tolerate)
    vhome = os.path.join(root, 'home', 'vpopmail')
    qmail = os.path.join(root, 'var', 'qmail')
    for p in (vhome, qmail):
        if not os.path.isdir(p):
            rep.err(p, 'missing')
            return rep
    domains = check_assign(rep, qmail, vhome)
    check_control(rep, qmail, domains, foreign)
    check_dir_control(rep, os.path.join(vhome, 'domains', '.dir-control'),
                      required=bool(domains))
    user_dirs = set()
    for d in domains.values():
        if not d.is_alias:
            user_dirs |= check_domain(rep, d)
    orphans = check_orphans(rep, vhome, domains, user_dirs)
    for top in (os.path.join(vhome, 'domains'), os.path.join(vhome, 'etc'),
                qmail):
        walk_tree(rep, top, domains, modes, owners, orphans)
    return rep


def main(argv):
    opts = {'modes': False, 'owners': False, 'foreign': False,
            'warnings': True}
    args = []
    for a in argv:
        if a == '--selftest':
            bad = vpcdb.selftest()
            for b in bad:
                print('selftest: ' + b)
            print('vpcheck selftest: %s' % ('FAILED' if bad else 'ok'))
            return 1 if bad else 0
        elif a in ('--modes', '--owners', '--foreign'):
            opts[a[2:]] = True
        elif a == '--interrupted':
            opts['tolerate'] = TOLERABLE
        elif a == '--no-warnings':
            opts['warnings'] = False
        elif a.startswith('-'):
            args = []
            break
        else:
            args.append(a)
    if len(args) != 1:
        sys.stderr.write('usage: vpcheck.py [--modes|--owners] [--foreign] '
                         '[--interrupted] [--no-warnings] ROOT | '
                         '--selftest\n')
        return 2
    rep = check(args[0], **opts)
    for line in rep.errors:
        print(line)
    if rep.show_warnings:
        for line in rep.warnings:
            print(line)
    return 1 if rep.errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
