"""reads.py - the fixture data as the reference tools wrote it, read
through the daemon: every account logs in with slogin (passwords are the
clear-text 8th vpasswd field of the fixtures), and the domain and user
listings agree with users/assign and vpasswd.
"""

import os

import client
import harness
from harness import need


def run(t, fx):
    for tree, expect in (('small', 5), ('large', 410)):
        root = fx.copy(tree)
        conf = client.write_config(root)
        logins(t, fx.build, conf, root, tree, expect)
        if tree == 'large':
            large_reads(t, fx.build, conf, root)


def accounts(root):
    """[(address, password)] from every real domain's vpasswd."""
    out = []
    for name, real, _u, _g, _d in harness.assign_entries(root):
        if name == real:
            out += [('%s@%s' % (f[0], name), f[7])
                    for f in harness.vpasswd(root, name)]
    return out


def try_login(build, conf, address, password):
    s = client.Session(build, conf)
    try:
        return s.login('slogin', address, password).status
    finally:
        s.close()


def logins(t, build, conf, root, tree, expect):
    accts = accounts(root)
    if tree == 'large':
        accts.append(('u001@alias.example', 'u001'))
        expect += 1
    bad = ['%s: %s' % (a, st) for a, pw in accts
           for st in [try_login(build, conf, a, pw)] if st != '+OK']
    t.check('every account of the %s tree (%d) logs in with slogin'
            % (tree, len(accts)), not bad and len(accts) == expect,
            ['%d accounts, %d expected' % (len(accts), expect)] + bad)
    wrong = [(accts[0][0], accts[0][1] + 'x')]
    if tree == 'large':
        wrong.append(('u200@big.example', 'u200'))   # deleted by vdeluser
    for a, pw in wrong:
        st = try_login(build, conf, a, pw)
        t.check('%s tree: slogin %s %s is refused' % (tree, a, pw),
                st == '-ERR 8.207 Invalid Login', st)


def login_sa(build, conf, address, password):
    s = client.Session(build, conf)
    r = s.login('slogin', address, password)
    if r.status != '+OK':
        s.close()
        raise AssertionError('slogin %s: %s' % (address, r.status))
    return s


def make_sa(root, domain, user):
    """Gives user@domain SA_ADMIN in this copy of the tree (the large tree
    has no SA): vpasswd edited, vpasswd.cdb rebuilt with vpcdb.py."""
    import vpcdb
    d = harness.domain_dir(root, domain)
    path = os.path.join(d, 'vpasswd')
    with open(path, 'rb') as f:
        lines = f.read().splitlines()
    out = []
    for line in lines:
        f = line.split(b':')
        if f[0] == user.encode():
            f[3] = b'65536'
        out.append(b':'.join(f))
    with open(path, 'wb') as f:
        f.write(b''.join(line + b'\n' for line in out))
    with open(path + '.cdb', 'wb') as f:
        f.write(vpcdb.build([tuple(x.split(b':', 1)) for x in out]))
    st = os.stat(path)
    os.utime(path + '.cdb', ns=(st.st_atime_ns, st.st_mtime_ns + 1))


def user_block(fields):
    """The compact user block the daemon should send for a vpasswd line."""
    return {'name': fields[0], 'comment': fields[4], 'quota': fields[6],
            'user_dir': fields[5], 'encrypted_password': fields[1],
            'clear_text_password': fields[7], 'gidflags': fields[3]}


def blocks(reply):
    """list_users output split at the empty lines into dicts."""
    out, cur = [], {}
    for line in reply.lines:
        if line == '':
            if cur:
                out.append(cur)
            cur = {}
            continue
        k, _, v = line.partition(' ')
        cur[k] = v
    if cur:
        out.append(cur)
    return out


def large_reads(t, build, conf, root):
    make_sa(root, 'd01.example', 'postmaster')
    s = login_sa(build, conf, 'postmaster@d01.example', 'test')
    try:
        user_reads(t, s, root)
        domain_reads(t, s, root)
    finally:
        s.close()


def user_reads(t, s, root):
    users = harness.vpasswd(root, 'big.example')
    by_name = {f[0]: f for f in users}
    for who in ('u010', 'u020', 'u098', 'u099', 'u150', 'u250', 'u299',
                'u350'):
        for dom in ('big.example', 'alias.example'):
            r = need(s.cmd('user_info %s@%s' % (who, dom)), 'user_info')
            want = user_block(by_name[who])
            t.check('user_info %s@%s equals its vpasswd line' % (who, dom),
                    r.status == '+OK+' and r.fields() == want,
                    [r.status, 'got  %r' % r.fields(), 'want %r' % want])
    r = need(s.cmd('user_info u200@big.example'), 'user_info')
    t.check('user_info of the deleted u200', r.status ==
            '-ERR 12.605 User does not exist', r.status)
    r = need(s.cmd('list_users big.example'), 'list_users')
    got = [(b.get('name'), b.get('user_dir')) for b in blocks(r)]
    want = [(f[0], f[5]) for f in users]
    t.check('list_users big.example: 350 users in vpasswd order with their '
            'directories', r.status == '+OK+' and got == want,
            ['%d listed, %d in vpasswd' % (len(got), len(want))] +
            [str(x) for x in zip(got, want) if x[0] != x[1]][:3])
    r = need(s.cmd('list_users big.example 2 100'), 'list_users')
    got = [b.get('name') for b in blocks(r)]
    t.check('list_users big.example 2 100 lists users 100..199',
            got == [f[0] for f in users[100:200]], got[:3] + got[-3:])
    r = need(s.cmd('user_count big.example'), 'user_count')
    t.check('user_count big.example is 350',
            r.status == '+OK+' and r.lines == ['count 350'], r.text)


def domain_reads(t, s, root):
    entries = harness.assign_entries(root)
    r = need(s.cmd('list_domains'), 'list_domains')
    want = ['%s %s' % (real, name) for name, real, _u, _g, _d in entries]
    t.check('list_domains equals the 62 entries of users/assign, aliases '
            'included, in file order', r.status == '+OK+' and
            r.lines == want and len(want) == 62, r.lines[:4])
    r = need(s.cmd('domain_count'), 'domain_count')
    t.check('domain_count is 62', r.lines == ['count 62'], r.text)
    idx = [e[0] for e in entries].index('d55.example')
    r = need(s.cmd('find_domain d55.example 10'), 'find_domain')
    t.check('find_domain d55.example 10 gives page %d' % (idx // 10 + 1),
            r.lines == ['page %d' % (idx // 10 + 1)], r.text)
    big = harness.domain_dir(root, 'big.example')
    for dom in ('big.example', 'alias.example', 'ALIAS.example'):
        r = need(s.cmd('dom_info ' + dom), 'dom_info')
        want = ['domain big.example', 'path ' + big, 'uid 89', 'gid 89',
                'alias alias.example']
        t.check('dom_info %s describes big.example and its alias' % dom,
                r.lines == want, r.text)
    for dom in ('d55.example', 'd60.example', 'd01.example'):
        r = need(s.cmd('dom_info ' + dom), 'dom_info')
        t.check('dom_info %s (%s)' % (dom, 'morercpthosts' if dom > 'd50'
                                      else 'rcpthosts'),
                r.lines == ['domain ' + dom, 'path ' +
                            harness.domain_dir(root, dom), 'uid 89',
                            'gid 89'], r.text)
