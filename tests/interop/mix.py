"""mix.py - a scripted mix of user and domain adds, changes and deletes
through the daemon in both fixture trees; afterwards each intended effect
is on disk and vpcheck.py finds the whole tree consistent.
"""

import os

import client
import harness
import reads
import vpcheck
from harness import need


def cmd_ok(t, s, line, name=None):
    r = need(s.cmd(line), line.split()[0])
    t.check(name or line, r.status == '+OK', r.status)
    return r


def tree_ok(t, root, what):
    rep = vpcheck.check(root, modes=True, owners=os.geteuid() == 0)
    t.check('vpcheck passes after %s' % what, not rep.errors,
            rep.errors[:8])
    return rep


def run(t, fx):
    small(t, fx)
    large(t, fx)


def names(root, domain):
    return [f[0] for f in harness.vpasswd(root, domain)]


def small(t, fx):
    root = fx.copy('small')
    conf = client.write_config(root)
    s = reads.login_sa(fx.build, conf, 'admin@example.com', 'secret')
    try:
        for i in range(1, 6):
            cmd_ok(t, s, 'add_user new%d@example.com pw%d' % (i, i))
        cmd_ok(t, s, 'add_user Upper@EXAMPLE.NET pwu')
        r = need(s.mod_user('new1@example.com', [
            'comment New One', 'quota 10M', 'clear_text_password changed']),
            'mod_user')
        t.check('mod_user new1@example.com (comment, quota, password)',
                r.status == '+OK', r.status)
        cmd_ok(t, s, 'del_user new2@example.com')
        cmd_ok(t, s, 'del_user user1@example.com')
        cmd_ok(t, s, 'add_domain mix1.example pm1')
        cmd_ok(t, s, 'add_alias_domain mix1.example mixalias.example')
        cmd_ok(t, s, 'add_user a1@mixalias.example pa1')
        cmd_ok(t, s, 'del_domain mixalias.example')
        cmd_ok(t, s, 'add_domain mix2.example pm2')
        cmd_ok(t, s, 'add_alias_domain mix2.example mix2alias.example')
        cmd_ok(t, s, 'del_domain mix2.example')
    finally:
        s.close()
    got = names(root, 'example.com')
    t.check('example.com: new1 new3 new4 new5 added, new2 and user1 gone',
            sorted(got) == ['admin', 'new1', 'new3', 'new4', 'new5',
                            'postmaster'], got)
    t.check('example.net: Upper@EXAMPLE.NET stored as upper',
            'upper' in names(root, 'example.net'), names(root, 'example.net'))
    new1 = [f for f in harness.vpasswd(root, 'example.com')
            if f[0] == 'new1'][0]
    t.check('new1: comment and quota stored',
            new1[4] == 'New One' and new1[6] == '10485760S', new1)
    doms = [e[0] for e in harness.assign_entries(root)]
    t.check('assign: mix1.example kept; mixalias, mix2, mix2alias gone',
            doms == ['example.com', 'example.net', 'mix1.example'], doms)
    t.check('a1 was added to mix1.example through its alias',
            names(root, 'mix1.example') == ['a1', 'postmaster'],
            names(root, 'mix1.example'))
    mix2 = os.path.join(harness.vhome(root), 'domains', 'mix2.example')
    t.check('mix2.example: directory removed', not os.path.exists(mix2))
    for who, pw, want in (('new1@example.com', 'changed', '+OK'),
                          ('new1@example.com', 'pw1', '-ERR 8.207 Invalid '
                           'Login'),
                          ('new3@example.com', 'pw3', '+OK'),
                          ('user1@example.com', 'test', '-ERR 8.207 Invalid '
                           'Login'),
                          ('postmaster@mix1.example', 'pm1', '+OK'),
                          ('a1@mix1.example', 'pa1', '+OK')):
        st = reads.try_login(fx.build, conf, who, pw)
        t.check('after the mix: slogin %s %s -> %s' % (who, pw, want),
                st == want, st)
    tree_ok(t, root, 'the small-tree mix')


def large(t, fx):
    """QA work in big.example (hash-directory reuse, hashed deletes), SA
    domain work across the 50-line rcpthosts rule and the 100th domain."""
    root = fx.copy('large')
    conf = client.write_config(root)
    big = harness.domain_dir(root, 'big.example')
    s = reads.login_sa(fx.build, conf, 'postmaster@big.example', 'test')
    try:
        cmd_ok(t, s, 'add_user n001@big.example p')
        for i in range(2, 11):
            cmd_ok(t, s, 'add_user n%03d@alias.example p' % i)
        cmd_ok(t, s, 'del_user u150@big.example')
        r = need(s.mod_user('u010@big.example', ['quota 20M']), 'mod_user')
        t.check('mod_user u010@big.example quota 20M', r.status == '+OK',
                r.status)
    finally:
        s.close()
    dirs = {f[0]: f[5] for f in harness.vpasswd(root, 'big.example')}
    t.check('n001 reuses the freed hash directory 1/ (U10)',
            dirs.get('n001') == big + '/1/n001', dirs.get('n001'))
    t.check('u150 deleted: directory gone, 0 freed (U10)',
            'u150' not in dirs and not os.path.exists(big + '/0/u150') and
            harness.lines_of(big + '/.dir_control_free') == ['0'],
            harness.lines_of(big + '/.dir_control_free'))
    reads.make_sa(root, 'd01.example', 'postmaster')
    s = reads.login_sa(fx.build, conf, 'postmaster@d01.example', 'test')
    try:
        large_domains(t, s, root)
    finally:
        s.close()
    tree_ok(t, root, 'the large-tree mix')


def dir_control_count(root):
    lines = harness.lines_of(os.path.join(harness.vhome(root), 'domains',
                                          '.dir-control'))
    return int(lines[0])


def large_domains(t, s, root):
    cmd_ok(t, s, 'add_domain new61.example pw')
    more = harness.lines_of(harness.qfile(root, 'control/morercpthosts'))
    t.check('new61.example went into morercpthosts (rcpthosts has 50: D6)',
            'new61.example' in more and len(harness.lines_of(
                harness.qfile(root, 'control/rcpthosts'))) == 50, more)
    cmd_ok(t, s, 'del_domain d55.example')
    cmd_ok(t, s, 'del_domain d05.example')
    cmd_ok(t, s, 'add_alias_domain d20.example d20alias.example')
    cmd_ok(t, s, 'del_domain d20.example')
    doms = [e[0] for e in harness.assign_entries(root)]
    t.check('assign: d55, d05, d20 and its alias gone, new61 there',
            not {'d55.example', 'd05.example', 'd20.example',
                 'd20alias.example'} & set(doms) and 'new61.example' in doms,
            doms)
    placed, n = [], 0
    while dir_control_count(root) < 100 and n < 45:
        n += 1
        name = 'h%02d.example' % n
        cmd_ok(t, s, 'add_domain %s pw' % name)
        placed.append((name, dir_control_count(root),
                       harness.domain_dir(root, name)))
    base = os.path.join(harness.vhome(root), 'domains')
    wrong = [p for p in placed if p[2] != os.path.join(
        base, '0' if p[1] == 100 else '', p[0]).replace('//', '/')]
    t.check('domains 1..99 sit in domains/, the 100th in domains/0/ (D12)',
            placed and placed[-1][1] == 100 and not wrong,
            [str(p) for p in (wrong or placed[-2:])])
