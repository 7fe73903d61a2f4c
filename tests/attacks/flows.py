"""flows.py - multi-step cases: A2 (a domain administrator writing the
user table to become system administrator), body injection through a
refused write_file (6.3 D1), and the Net_Vpopmaild flows that must keep
working (7.3: vacation message, .qmail with an autoresponder, robot,
directories with a trailing '/').

    run_a2(w, t)  run_injection(w, t)  run_client_flows(w, t)

A step whose command the daemon does not implement yet is "pending", and
so is every later step of the same flow (it needs the earlier one).
"""

import os
import stat

from client import Session
from escape import CMD, not_implemented, send
from world import ROLES

AUTORESPOND = '/usr/bin/autorespond'


class Flow:
    """Steps of one flow. A step is pending when its own command or one
    it needs (an earlier step's) answers "not implemented"."""

    def __init__(self, w, t, role, title):
        self.w, self.t, self.role, self.title = w, t, role, title

    def step(self, name, slot, line, body=None, needs=()):
        """Sends; returns the reply, or None when pending."""
        name = '%s: %s' % (self.title, name)
        cmd = CMD.get(slot, slot)
        missing = [c for c in (cmd,) + tuple(needs)
                   if c in self.w.unimplemented]
        if missing:
            self.t.pending(name, ', '.join(missing))
            return None
        s = self.w.session(self.role)
        if slot == 'write_file':
            reply, stepprob = send(s, slot, line, body)
        else:
            reply, stepprob = s.cmd(line), None
        if not_implemented(reply):
            self.w.unimplemented.add(cmd)
            self.t.pending(name, cmd)
            if slot == 'write_file':
                self.w.drop(self.role)
            return None
        if stepprob:
            self.t.fail(name, [stepprob])
            self.w.drop(self.role)
        return reply

    def check(self, name, cond, details=()):
        return self.t.check('%s: %s' % (self.title, name), cond, details)


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return None


def file_lines(data):
    """Lines of stored bytes, LF or CRLF (4.33: SHOULD store LF)."""
    return data.decode('latin-1').replace('\r\n', '\n').split('\n')[:-1]


def owner_checks(f, path, kind, mode):
    try:
        st = os.lstat(path)
    except OSError as e:
        f.check('%s exists' % kind, False, [str(e)])
        return
    f.check('%s mode %o' % (kind, mode), stat.S_IMODE(st.st_mode) == mode,
            ['mode %o' % stat.S_IMODE(st.st_mode)])
    if os.geteuid() != 0:
        f.t.skip('%s: %s owned by the domain 89:89' % (f.title, kind),
                 'not root: the daemon cannot chown')
        return
    f.check('%s owned by the domain 89:89' % kind,
            (st.st_uid, st.st_gid) == (89, 89),
            ['owner %d:%d' % (st.st_uid, st.st_gid)])


def run_client_flows(w, t):
    vacation(w, t)
    robot(w, t)
    w.restore()


def vacation(w, t):
    f = Flow(w, t, 'user', 'flow user vacation')
    H = w.H
    msg = ['From: user1@example.com', 'Subject: away', '',
           'gone fishing', '..two dots stay', '. dot space is data']
    qmail = ['| %s 86400 3 %s/vacation/message %s/vacation'
             % (AUTORESPOND, H, H), '%s/Maildir/' % H]
    r = f.step('mk_dir with trailing /', 'mk_dir',
               'mk_dir user1@example.com/vacation/')
    if r:
        f.check('mk_dir +OK', r.status == '+OK', [r.status])
        owner_checks(f, H + '/vacation', 'vacation dir', 0o700)
    r = f.step('write vacation/message', 'write_file',
               'write_file user1@example.com/vacation/message', msg,
               needs=('mk_dir',))
    if r:
        f.check('write_file +OK', r.status == '+OK', [r.status])
        data = read(H + '/vacation/message')
        f.check('message stored verbatim', data is not None and
                file_lines(data) == msg, [repr(data)])
        owner_checks(f, H + '/vacation/message', 'message', 0o600)
    r = f.step('read it back', 'read_file',
               'read_file user1@example.com/vacation/message', needs=('write_file',))
    if r:
        f.check('read_file gives the lines', r.status == '+OK+' and
                r.lines == msg, [r.status] + r.lines[:6])
    r = f.step('list vacation/', 'list_dir',
               'list_dir user1@example.com/vacation/', needs=('write_file',))
    if r:
        f.check('list_dir names message as a file',
                r.status == '+OK+' and r.lines == ['message file'],
                [r.status] + r.lines[:6])
    r = f.step('stat it', 'stat_file',
               'stat_file user1@example.com/vacation/message', needs=('write_file',))
    if r:
        st = os.stat(H + '/vacation/message') if read(
            H + '/vacation/message') is not None else None
        f.check('stat_file gives uid', r.status == '+OK+' and st and
                r.lines[:1] == ['uid: %d' % st.st_uid],
                [r.status] + r.lines[:3])
    r = f.step('write .qmail with the autoresponder', 'write_file',
               'write_file user1@example.com/.qmail', qmail)
    if r:
        f.check('.qmail +OK', r.status == '+OK', [r.status])
        data = read(H + '/.qmail')
        f.check('.qmail stored', data is not None and
                file_lines(data) == qmail, [repr(data)])
    r = f.step('read .qmail back', 'read_file',
               'read_file user1@example.com/.qmail', needs=('write_file',))
    if r:
        f.check('.qmail lines', r.lines == qmail, [r.status] + r.lines)
    r = f.step('rename the message', 'rename_file',
               'rename_file user1@example.com/vacation/message '
               'user1@example.com/vacation/message.old', needs=('write_file',))
    if r:
        f.check('rename_file +OK and moved', r.status == '+OK' and
                read(H + '/vacation/message.old') is not None and
                read(H + '/vacation/message') is None, [r.status])
    r = f.step('rm .qmail', 'rm_file', 'rm_file user1@example.com/.qmail',
               needs=('write_file',))
    if r:
        f.check('rm_file +OK and gone', r.status == '+OK' and
                not os.path.lexists(H + '/.qmail'), [r.status])
    r = f.step('rm_dir vacation/', 'rm_dir',
               'rm_dir user1@example.com/vacation/', needs=('mk_dir',))
    if r:
        f.check('rm_dir +OK and gone', r.status == '+OK' and
                not os.path.lexists(H + '/vacation'), [r.status])
    r = f.step('list home', 'list_dir', 'list_dir user1@example.com/',
               needs=('mk_dir', 'rm_dir'))
    if r:
        names = [x.split(' ')[0] for x in r.lines]
        f.check('home listed without vacation, with Maildir',
                r.status == '+OK+' and 'Maildir' in names and
                'vacation' not in names and 'Maildir dir' in r.lines,
                [r.status] + r.lines[:8])
    f2 = Flow(w, t, 'user', 'flow user program line')
    r = f2.step('.qmail running a shell is refused', 'write_file',
                'write_file user1@example.com/.qmail',
                ['|/bin/sh -c "cat /etc/shadow"'])
    if r:
        f2.check('refused and no .qmail', r.status.startswith('-ERR ') and
                 not os.path.lexists(H + '/.qmail'), [r.status])


def robot(w, t):
    f = Flow(w, t, 'qa', 'flow qa robot')
    DC = w.DC
    line = '| %s 10000 5 %s/robot/message %s/robot' % (AUTORESPOND, DC, DC)
    r = f.step('write .qmail-robot', 'write_file',
               'write_file example.com/.qmail-robot', [line])
    if r:
        f.check('+OK and stored', r.status == '+OK' and
                file_lines(read(DC + '/.qmail-robot') or b'') == [line],
                [r.status])
    r = f.step('mk_dir robot/', 'mk_dir', 'mk_dir example.com/robot/')
    if r:
        f.check('+OK', r.status == '+OK', [r.status])
    r = f.step('write robot/message', 'write_file',
               'write_file example.com/robot/message',
               ['Subject: auto', '', 'thanks'], needs=('mk_dir',))
    if r:
        f.check('+OK', r.status == '+OK', [r.status])
    r = f.step('read robot/message', 'read_file',
               'read_file example.com/robot/message', needs=('write_file',))
    if r:
        f.check('lines back', r.lines == ['Subject: auto', '', 'thanks'],
                [r.status] + r.lines)
    r = f.step('list robot/', 'list_dir', 'list_dir example.com/robot/',
               needs=('write_file',))
    if r:
        f.check('message file', r.lines == ['message file'],
                [r.status] + r.lines)
    r = f.step('rm_dir robot/', 'rm_dir', 'rm_dir example.com/robot/',
               needs=('mk_dir',))
    if r:
        f.check('+OK and gone', r.status == '+OK' and
                not os.path.lexists(DC + '/robot'), [r.status])
    r = f.step('rm .qmail-robot', 'rm_file',
               'rm_file example.com/.qmail-robot', needs=('write_file',))
    if r:
        f.check('+OK and gone', r.status == '+OK' and
                not os.path.lexists(DC + '/.qmail-robot'), [r.status])


def run_injection(w, t):
    """6.3 D1: a refused write_file consumes its body; none of the
    command lines in it runs; exactly one status line."""
    body = ['del_user user1x@example.com', 'add_domain evil.example test',
            'del_domain example.net', 'quit']
    cases = [('sa', '/etc/motd', '-ERR 26.1510 Unauthorized Directory.'),
             ('sa', w.D + '/../x', None),
             ('sa', w.V + '/domainsX/x', '-ERR 26.1510 Unauthorized '
              'Directory.'),
             ('qa', 'example.com/vpasswd', '-ERR 26.1511 Unauthorized '
              'Directory.'),
             ('user', 'example.net/x', None)]
    for role, path, exact in cases:
        name = 'injection %s write_file %s' % (role, path.replace(w.root,
                                                                 '$ROOT'))
        if 'write_file' in w.unimplemented:
            t.pending(name, 'write_file')
            continue
        s = w.session(role)
        reply, step = send(s, 'write_file', 'write_file ' + path, body)
        if not_implemented(reply):
            t.pending(name, 'write_file')
            w.restore()
            continue
        changed = w.changed()
        probs = []
        if not reply.status.startswith('-ERR '):
            probs.append('not refused')
        elif exact and reply.status != exact:
            probs.append('expected %r' % exact)
        if step:
            probs.append(step)
        if changed:
            probs.append('tree changed: %s' % changed[:4])
        t.check(name, not probs, ['reply: %s' % reply.status] + probs)
        w.restore()
    # an accepted path: the command lines are stored, not run
    name = 'injection sa write_file accepted: lines stored, not run'
    if 'write_file' in w.unimplemented:
        t.pending(name, 'write_file')
        return
    s = w.session('sa')
    reply, step = send(s, 'write_file', 'write_file example.com/inj.txt',
                       body)
    if not_implemented(reply):
        t.pending(name, 'write_file')
    else:
        data = read(w.DC + '/inj.txt')
        changed = [c for c in w.changed() if not c.endswith('/inj.txt')]
        t.check(name, reply.status == '+OK' and not step and not changed
                and data is not None and file_lines(data) == body,
                ['reply: %s' % reply.status, 'step: %s' % step,
                 'changed: %s' % changed[:4], 'stored: %r' % data])
    w.restore()


def run_a2(w, t):
    """6.8 A2: the domain administrator writes vpasswd (directly, through
    rename, through '..'), a mod_user rebuilds the table, and the next
    login is still not a system administrator."""
    f = Flow(w, t, 'qa', 'A2')
    vp = w.DC + '/vpasswd'
    old = read(vp)
    lines = []
    for line in old.decode('latin-1').splitlines():
        fl = line.split(':')
        if fl[0] == 'postmaster':
            fl[3] = '65536'
        lines.append(':'.join(fl))
    E = '-ERR 26.1511 Unauthorized Directory.'
    for how, path, exact in (('domain form', 'example.com/vpasswd', E),
                             ('absolute', vp, E),
                             ('address ..', 'postmaster@example.com/'
                              '../vpasswd', None)):
        r = f.step('write_file vpasswd, ' + how, 'write_file',
                   'write_file ' + path, lines)
        if r:
            f.check('write_file vpasswd %s refused' % how,
                    r.status == exact if exact else
                    r.status.startswith('-ERR '), [r.status])
    r = f.step('write a payload file', 'write_file',
               'write_file example.com/payload', lines)
    if r and r.ok:
        r = f.step('rename payload onto vpasswd', 'rename_file',
                   'rename_file example.com/payload example.com/vpasswd',
                   needs=('write_file',))
        if r:
            f.check('rename onto vpasswd refused', r.status == E,
                    [r.status])
    f.check('vpasswd unchanged', read(vp) == old, [])
    r = w.session('qa').mod_user('postmaster@example.com',
                                 ['comment rebuild'])
    f.check('mod_user (table rebuild) +OK', r.status == '+OK', [r.status])
    w.close_all()
    s = Session(w.build, w.conf, timeout=10.0)
    try:
        who, pw = ROLES['qa']
        r = s.login('clogin', who, pw)
        flags = int(r.fields().get('gidflags', '0') or 0) if r.ok else None
        f.check('postmaster logs in without the SA flag',
                r.ok and flags is not None and not flags & 65536,
                [r.status, 'gidflags %s' % flags])
        r = s.cmd('add_domain a2.example test')
        f.check('postmaster still cannot add_domain',
                r.status.startswith('-ERR ') and
                not os.path.lexists(w.D + '/a2.example'), [r.status])
    finally:
        s.close()
    w.restore()
