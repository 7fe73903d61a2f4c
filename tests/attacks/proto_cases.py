"""proto_cases.py - the protocol-level attacks of PROTOCOL.md 5.4 (those
that are not path escapes: item 5 through non-file commands, item 10
through add_alias and write_file, item 11), 6.7 (V1-V11) and 6.8 (A1-A14)
against the real daemon, each asserting the fixed behaviour on the wire
AND in the files. The path escapes themselves are tests/attacks/attacks.py.

Each run_* takes (env, tally).
"""

import os
import time

ERR = '-ERR'


def _err(r):
    return r.status.startswith(ERR)


def _read(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return None


def _vp_line(env, domain, user):
    for line in env.vpasswd_lines(domain):
        if line.split(':')[0] == user:
            return line
    return None


def _fields_ok(env, domain):
    """Every vpasswd line has 7 or 8 fields (no injected ':')."""
    return all(len(l.split(':')) in (7, 8) for l in env.vpasswd_lines(domain))


# ----------------------------------------------------------- 5.4 (non-path)

def run_5_4(env, t):
    dc = os.path.join(env.D, 'example.com')
    qa = env.login('qa')
    # item 10 / V6 / A14: a domain administrator stores no program or file
    # delivery through add_alias (default program-delivery = allowlist)
    for dest in ('|/bin/sh', '|/usr/bin/touch', '/etc/passwd',
                 '|preline', '/tmp/mbox', '|%n%s'):
        r = qa.cmd('add_alias evil@example.com %s' % dest)
        t.check('5.4 #10 / V6: QA add_alias evil@example.com %s refused'
                % dest, _err(r) and not os.path.exists(
                    os.path.join(dc, '.qmail-evil')), [r.status])
    # ... nor through write_file of a .qmail file (USER)
    u = env.login('user')
    u.send_line('write_file user1@example.com/.qmail')
    u.send_line('|/bin/sh -c "touch /tmp/pwned"')
    u.send_line('.')
    r = u.read_reply()
    t.check('5.4 #10 / A14: USER write_file .qmail with a |command line '
            'refused, nothing written', _err(r) and not os.path.exists(
                os.path.join(dc, 'user1', '.qmail')), [r.status])
    # item 5 / A8 through non-file commands: another domain's existing
    # and missing users answer the same for a domain administrator
    for cmd in ('user_info', 'get_lastauth', 'get_user_size', 'del_user'):
        a = qa.cmd('%s postmaster@example.net' % cmd)
        b = qa.cmd('%s nosuchuser@example.net' % cmd)
        t.check('5.4 #5 / A8: QA %s of another domain: existing and '
                'missing users answer alike' % cmd,
                a.status == b.status and _err(a), [a.status, b.status])
    a = u.cmd('user_info user1x@example.com')
    b = u.cmd('user_info nosuchuser@example.com')
    t.check('5.4 #5 / A8: USER user_info of another account: existing and '
            'missing answer alike', a.status == b.status and _err(a),
            [a.status, b.status])
    # item 11: a file written by write_file belongs to the domain
    u.send_line('write_file user1@example.com/note.txt')
    u.send_line('hello')
    u.send_line('.')
    r = u.read_reply()
    p = os.path.join(dc, 'user1', 'note.txt')
    if os.geteuid() != 0:
        t.skip('5.4 #11: written file owned by the domain uid',
               'not root: files are never chowned')
    else:
        st = os.stat(p) if os.path.exists(p) else None
        t.check('5.4 #11: write_file creates a file owned by the domain '
                '(89:89), mode 0600', r.ok and st is not None and
                (st.st_uid, st.st_gid) == (89, 89) and
                (st.st_mode & 0o777) == 0o600, [r.status, repr(st)])
    u.cmd('rm_file user1@example.com/note.txt')
    qa.close()
    u.close()


# ------------------------------------------------------------------ 6.7

def run_6_7(env, t):
    u = env.login('user')
    before = _vp_line(env, 'example.com', 'user1')
    # V1: ':' injection through encrypted_password made a user an SA;
    # a user's encrypted_password is ignored (086), never stored
    r = u.mod_user('user1@example.com',
                   ['encrypted_password $6$x$y:1:65536'])
    t.check('V1: USER encrypted_password "$6$x$y:1:65536" changes nothing '
            '(%s)' % r.status, _vp_line(env, 'example.com', 'user1') ==
            before, [r.status])
    u.close()
    sa = env.login('sa')
    for value in ('$6$x$y:1:65536', 'plain:text', '$6$a\x01b'):
        r = sa.mod_user('user1@example.com', ['encrypted_password ' + value])
        t.check('V1: even SA cannot store encrypted_password %r' % value,
                _err(r) and _vp_line(env, 'example.com', 'user1') == before,
                [r.status])
    r = sa.cmd('user_info user1@example.com')
    flags = r.fields().get('gidflags')
    t.check('V1: after the attempts user1 is not an administrator '
            '(gidflags %s)' % flags, r.ok and flags is not None and
            int(flags) & (65536 | 4096) == 0, [r.text])
    # V2: a comment with ':' is refused, not mangled
    r = sa.mod_user('user1@example.com', ['comment Hello: World'])
    t.check('V2: comment "Hello: World" refused, fields intact',
            _err(r) and _fields_ok(env, 'example.com') and
            _vp_line(env, 'example.com', 'user1') == before, [r.status])
    # V3: user names that leave the domain directory
    for name in ('../evil', '.hidden', 'a/b', '..', 'x\\y'):
        r = sa.cmd('add_user %s@example.com Pw-v3' % name)
        t.check('V3: add_user %s@example.com refused' % name, _err(r) and
                not os.path.exists(os.path.join(env.D, 'evil')) and
                _vp_line(env, 'example.com', name) is None, [r.status])
    # V4: separators around a value are skipped ("no_smtp = 1" sets
    # NO_SMTP); flag values other than 0/1 ("2", "yes") change nothing
    r = sa.mod_user('user1@example.com', ['no_pop 2', 'no_imap yes',
                                          'no_smtp = 1'])
    after = _vp_line(env, 'example.com', 'user1')
    t.check('V4: "no_pop 2" and "no_imap yes" ignored, "no_smtp = 1" sets '
            'NO_SMTP only', int(after.split(':')[3]) ==
            int(before.split(':')[3]) | 0x800, [r.status, before, after])
    sa.mod_user('user1@example.com', ['no_smtp 0'])
    # V5: set_limits numbers are range-checked, nothing saved on error
    lim = os.path.join(env.D, 'example.com', '.qmailadmin-limits')
    for line in ('max_popaccounts 99999999999999999999',
                 'max_popaccounts -99999999999999999999',
                 'max_popaccounts 12abc', 'max_popaccounts %n',
                 'max_popaccounts 1\x01', 'no_such_key 1'):
        old = _read(lim)
        sa.send_line('set_limits example.com')
        first = sa.read_reply()
        if first.status == '+OK':
            sa.send_line(line)
            sa.send_line('.')
            r = sa.read_reply()
        else:
            r = first
        t.check('V5: set_limits "%s" refused, limits file unchanged' % line,
                _err(r) and _read(lim) == old, [first.status, r.status])
    # V6: control bytes in a destination; SA may store a program line
    r = sa.cmd('add_alias ctl@example.com a\x01b@example.net')
    t.check('V6: add_alias with a control byte refused', _err(r) and
            not os.path.exists(os.path.join(env.D, 'example.com',
                                            '.qmail-ctl')), [r.status])
    # V7: remove_alias matches whole lines only
    qm = os.path.join(env.D, 'example.com', '.qmail-v7')
    sa.cmd('add_alias v7@example.com b@example.net')
    sa.cmd('add_alias v7@example.com bb@example.net')
    r = sa.cmd('remove_alias v7@example.com b@example.ne')
    body = (_read(qm) or b'').decode('latin-1').split('\n')
    t.check('V7: remove_alias of a prefix removes no destination',
            'b@example.net' in body and 'bb@example.net' in body,
            [r.status, repr(body)])
    sa.cmd('remove_alias v7@example.com b@example.net')
    body = (_read(qm) or b'').decode('latin-1').split('\n')
    t.check('V7: remove_alias of a whole line removes only that line',
            'b@example.net' not in body and 'bb@example.net' in body,
            [repr(body)])
    sa.cmd('delete_alias v7@example.com')
    # V8: ip map syntax and '%' never a format
    ipmap = os.path.join(env.V, 'etc', 'ip_alias_map')
    old = _read(ipmap)
    for ip in ('999.1.1.1', '1.2.3.4%n', '%s%s%s', '1.2.3', '::g'):
        r = sa.cmd('add_ip_map %s example.com' % ip)
        t.check('V8: add_ip_map %s refused, map unchanged' % ip,
                _err(r) and _read(ipmap) == old, [r.status])
    # V9: the password policy applies to mod_user too: an empty password
    # is never stored
    r = sa.mod_user('user1@example.com', ['clear_text_password'])
    line = _vp_line(env, 'example.com', 'user1')
    t.check('V9: clear_text_password with no value leaves a real hash',
            line.split(':')[1] == before.split(':')[1], [r.status, line])
    # V10: case
    r = sa.cmd('find_domain EXAMPLE.COM')
    t.check('V10: find_domain EXAMPLE.COM finds example.com',
            r.ok, [r.text])
    qa = env.login('qa')
    r = qa.cmd('user_info USER1@EXAMPLE.COM')
    t.check('V10: QA user_info USER1@EXAMPLE.COM is its own domain',
            r.ok, [r.status])
    qa.close()
    sa.close()
    _v11(env, t)


def _v11(env, t):
    """An empty or invalid stored hash never authenticates."""
    sa = env.login('sa')
    r = sa.cmd('add_user v11@example.com Pw-v11-Original')
    sa.close()
    if not r.ok:
        t.fail('V11: add_user v11@example.com', [r.status])
        return
    path = os.path.join(env.D, 'example.com', 'vpasswd')
    for bad in ('', '*', '!', 'x'):
        lines = env.vpasswd_lines('example.com')
        out = []
        for line in lines:
            f = line.split(':')
            if f[0] == 'v11':
                f[1] = bad
                if len(f) >= 8:
                    f[7] = ''
            out.append(':'.join(f))
        with open(path, 'w') as fh:
            fh.write('\n'.join(out) + '\n')
        future = time.time() + 5      # newer than its index: rebuilt
        os.utime(path, (future, future))
        results = []
        for pw in ('x', bad or 'a', 'Pw-v11-Original'):
            s = env.session()
            results.append(s.login('slogin', 'v11@example.com', pw).status)
            s.close()
        t.check('V11: stored hash %r authenticates no password' % bad,
                all(x == '-ERR 8.207 Invalid Login' for x in results),
                results)
    sa = env.login('sa')
    sa.cmd('del_user v11@example.com')
    sa.close()


# ------------------------------------------------------------------ 6.8

def run_6_8(env, t):
    qa = env.login('qa')
    admin = _vp_line(env, 'example.com', 'admin')
    # A1
    r = qa.cmd('mod_user admin@example.com')
    t.check('A1: QA mod_user of the SA of its domain: 11.503 before the '
            'body', r.status.startswith('-ERR 11.503'), [r.status])
    r = qa.cmd('del_user admin@example.com')
    t.check('A1: QA del_user of the SA of its domain: 9.404',
            r.status.startswith('-ERR 9.404') and
            _vp_line(env, 'example.com', 'admin') == admin, [r.status])
    # A2
    for path in ('example.com/vpasswd', 'example.com/vpasswd.cdb',
                 'example.com/.qmailadmin-limits'):
        r = qa.cmd('read_file %s' % path)
        t.check('A2: QA read_file %s refused' % path, _err(r), [r.status])
    # A6: get_limits of the own domain only
    r = qa.cmd('get_limits example.com')
    t.check('A6: QA get_limits of its own domain answers', r.ok, [r.status])
    r = qa.cmd('get_limits example.net')
    t.check('A6: QA get_limits of another domain refused', _err(r),
            [r.status])
    qa.close()
    u = env.login('user')
    r = u.cmd('get_limits example.com')
    t.check('A6: USER get_limits refused', _err(r), [r.status])
    u.close()
    # A9: secrets stay on the wire for clients (keys exist)
    sa = env.login('sa')
    r = sa.cmd('user_info user1@example.com')
    t.check('A9: user_info keeps the encrypted_password key',
            'encrypted_password' in r.fields(), [r.text])
    sa.close()
    # A5: NO_PASSWD_CHNG binds the user itself, not the administrators
    sa = env.login('sa')
    r = sa.mod_user('user1@example.com', ['no_password_change 1'])
    before = _vp_line(env, 'example.com', 'user1')
    u = env.login('user')
    r1 = u.mod_user('user1@example.com', ['clear_text_password Pw-a5-self'])
    u.close()
    same = _vp_line(env, 'example.com', 'user1').split(':')[1] == \
        before.split(':')[1]
    t.check('A5: a user with no_password_change cannot change its '
            'password', r.ok and same, [r.status, r1.status])
    r2 = sa.mod_user('user1@example.com', ['clear_text_password test',
                                           'no_password_change 0'])
    changed = _vp_line(env, 'example.com', 'user1').split(':')[1] != \
        before.split(':')[1]
    t.check('A5: the SA may still set that user\'s password', r2.ok and
            changed, [r2.status])
    # A7: a domain administrator acts through its alias domains
    r = sa.cmd('add_alias_domain example.com alias-a7.test')
    sa.close()
    if not r.ok:
        t.fail('A7: add_alias_domain example.com alias-a7.test', [r.status])
        return
    qa = env.login('qa')
    r = qa.cmd('user_info user1@alias-a7.test')
    t.check('A7: QA user_info through its alias domain', r.ok, [r.status])
    r = qa.cmd('user_info user2@example.net')
    t.check('A7: ... but not another real domain', _err(r), [r.status])
    qa.close()
    # the gate: a USER may not use domain commands (a QA no SA ones)
    u = env.login('user')
    for cmd in ('add_domain evil.test Pw', 'del_domain example.net',
                'list_domains', 'add_user x@example.com Pw',
                'del_user user1x@example.com', 'show_ip_map'):
        r = u.cmd(cmd)
        t.check('gate: USER "%s" refused' % cmd.split()[0], _err(r),
                [r.status])
    u.close()
    qa = env.login('qa')
    for cmd in ('add_domain evil.test Pw', 'del_domain example.net',
                'add_user x@example.net Pw', 'set_limits example.com'):
        r = qa.cmd(cmd)
        t.check('gate: QA "%s" refused' % cmd, _err(r), [r.status])
    qa.close()
    t.check('gate: example.net still exists',
            os.path.isdir(os.path.join(env.D, 'example.net')))
