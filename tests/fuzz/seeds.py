#!/usr/bin/env python3
"""seeds.py - writes the committed seed corpora of the fuzz targets
(tests/fuzz/corpus/<target>/) from the protocol and storage examples
below. Run from the top of the tree: python3 tests/fuzz/seeds.py. Files
are named after their content's hash; existing files are kept, so inputs
the fuzzer found (and crash regressions) can live beside them."""
import hashlib
import os
import re
import struct

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(TOP, 'corpus')


def commands():
    """enum vp_cmd: the rows of proto/commands.def in order."""
    path = os.path.join(TOP, '..', '..', 'proto', 'commands.def')
    names = re.findall(r'^X\((\w+),', open(path).read(), re.M)
    return {n: i for i, n in enumerate(names)}


CMD = commands()
T = dict(LOGIN=1, QUIT=2, CMD=3, BODY_LINE=4, BODY_END=5, BODY_ABORT=6,
         AUTH_CHECK=7, SIGN=9, R_STATUS=100, R_LOGIN=101, R_OK=102, R_USER=103,
         R_LINE=104, R_END=105, R_DATA=106, R_AUTH=107,
         R_SIGN=108)


def s(b):
    b = b.encode() if isinstance(b, str) else b
    return struct.pack('<H', len(b)) + b


def frame(t, body=b''):
    return struct.pack('<H', T[t]) + body


def cmd(name, *args):
    return frame('CMD', struct.pack('<HB', CMD[name], len(args)) +
                 b''.join(s(a) for a in args))


def login(addr, pw, mode=0):
    return frame('LOGIN', bytes([mode]) + s(addr) + s(pw))


def body(*lines):
    return [frame('BODY_LINE', s(l)) for l in lines] + [frame('BODY_END')]


def user(name='user1'):
    return b''.join(s(x) for x in (name, 'comment', 'NOQUOTA',
                                   '/home/vpopmail/domains/example.com/' +
                                   name, '$6$x$y', '')) + struct.pack('<I', 0)


def put(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = 'seed-' + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def seq(who, frames):
    """fuzz_helper input: identity byte, then u16-length frames."""
    return bytes([who]) + b''.join(struct.pack('<H', len(f)) + f
                                   for f in frames)


def helper_seeds():
    A = 'admin@example.com'
    sessions = [
        (0, [login(A, 'secret'), cmd('user_info', 'user1@example.com')]),
        (0, [login('user1@example.com', 'test', 1), cmd('list_dir', '/')]),
        (0, [login('nobody@example.com', 'x')] * 5),
        (0, [frame('AUTH_CHECK', b'\x01' + s('user1@example.com') +
                   s('test'))]),
        (1, [cmd('list_domains'), cmd('domain_count'),
             cmd('dom_info', 'example.com'), cmd('find_domain', 'example')]),
        (1, [cmd('add_domain', 'new.example', 'pw1234'),
             cmd('add_alias_domain', 'new.example', 'alias.example'),
             cmd('del_domain', 'new.example')]),
        (1, [cmd('add_user', 'bob@example.com', 'pw'),
             cmd('mod_user', 'bob@example.com')] +
         body('comment Bob', 'quota 1000000', 'clear_text_password x',
              'no_pop 1') + [cmd('del_user', 'bob@example.com')]),
        (1, [cmd('list_users', 'example.com', '0', '2'),
             cmd('user_count', 'example.com')]),
        (1, [cmd('set_limits', 'example.com')] +
         body('max_popaccounts 10', 'disable_pop 1', 'perm_account 7',
              'default_quota 1000') +
         [cmd('get_limits', 'example.com'), cmd('del_limits', 'example.com')]),
        (1, [cmd('add_ip_map', '10.0.0.1', 'example.com'),
             cmd('get_ip_map', '10.0.0.1'), cmd('show_ip_map'),
             cmd('del_ip_map', '10.0.0.1', 'example.com')]),
        (1, [cmd('get_lastauth', 'user1@example.com'),
             cmd('get_user_size', 'user1@example.com'),
             cmd('get_domain_size', 'example.com')]),
        (2, [cmd('add_alias', 'info@example.com', 'user1@example.com'),
             cmd('add_alias', 'prog@example.com', '|/usr/bin/true'),
             cmd('list_alias', 'example.com'), cmd('list_lists', 'example.com'),
             cmd('remove_alias', 'info@example.com', 'user1@example.com'),
             cmd('delete_alias', 'prog@example.com')]),
        (2, [cmd('mk_dir', 'example.com/sub/'),
             cmd('write_file', 'example.com/sub/f')] +
         body('line one', '..dot', 'three') +
         [cmd('read_file', 'example.com/sub/f'),
          cmd('stat_file', 'example.com/sub/f'),
          cmd('rename_file', 'example.com/sub/f', 'example.com/sub/g'),
          cmd('rm_file', 'example.com/sub/g'),
          cmd('rm_dir', 'example.com/sub/')]),
        (3, [cmd('list_dir', 'user1@example.com/'),
             cmd('list_dir', '/home/vpopmail/domains/example.com/user1/'),
             cmd('read_file', 'user1@example.com/../postmaster/lastauth'),
             cmd('mod_user', 'user1@example.com')] +
         body('clear_text_password new') + [frame('QUIT')]),
        (3, [cmd('write_file', 'user1@example.com/x')] + body('a') +
         [cmd('write_file', 'user1@example.com/y'), frame('BODY_LINE', s('z')),
          frame('BODY_ABORT')]),
        (1, [frame('R_OK', b'\x00')]),
        (1, [cmd('write_file', 'example.com/.qmail-x'),
             frame('BODY_LINE', s('|/bin/sh')), frame('QUIT')]),
    ]
    for who, frames in sessions:
        put('fuzz_helper', seq(who, frames))


def proto_seeds():
    frames = [
        login('admin@example.com', 'secret', 2),
        frame('AUTH_CHECK', b'\x00' + s('a@b') + s('p')),
        frame('QUIT'), frame('BODY_END'), frame('BODY_ABORT'),
        frame('BODY_LINE', s('comment x')),
        cmd('mod_user', 'user1@example.com'),
        cmd('list_users', 'example.com', '1', '10'),
        frame('R_STATUS', struct.pack('<HH', 0, 1513) +
              s('File name too long')),
        frame('R_STATUS', struct.pack('<HH', 8, 207) + s('')),
        frame('R_LOGIN', b'\x03' + struct.pack('<II', 89, 89) +
              s('example.com') + s('/home/vpopmail') +
              s('/home/vpopmail/domains/example.com') + user('admin')),
        frame('R_OK', b'\x01'), frame('R_USER', user()),
        frame('R_LINE', s('name') + b'\x01' + s('example.com')),
        frame('R_LINE', s('key') + b'\x00' + s('')),
        frame('R_END'), frame('R_DATA', b'data\r\n..\r\n'),
        frame('R_AUTH', b'\x01' + s('/home/vpopmail/domains/x/y')),
        frame('SIGN', b'\x00' + s('00' * 255 + '01')),
        frame('SIGN', b'\x02' + s('AbCdEf0123456789' * 4)),
        frame('R_SIGN', s('3045' + '11' * 69)),
    ]
    for f in frames:
        put('fuzz_proto', f)


def frontend_seeds():
    sessions = [
        b'\x00\x22\x22\x22+OK\r\n',
        b'\x00\x22\x22\x22login admin@example.com secret\r\n'
        b'mod_user user1@example.com\r\ncomment x\r\nquota 100\r\n.\r\n'
        b'list_users example.com\r\nquit\r\n',
        b'\x01\x22\x22\x22clogin postmaster@example.com test\r\n'
        b'set_limits example.com\r\nmax_popaccounts 5\r\n.\r\nhelp\r\n',
        b'\x02\x24\x35\x42slogin user1@example.com test\r\n'
        b'write_file user1@example.com/f\r\nline\r\n..dot\r\n.\r\n'
        b'read_file user1@example.com/f\r\nlist_dir user1@example.com/\r\n',
        b'\x00\x33\x33\x33login a@b c\r\n' + b'x' * 1100 + b'\r\nq\r\n',
        b'\x00\x11\x11\x11login a@b wrong\r\nlogin a@b wrong\r\n'
        b'login a@b wrong\r\nlogin a@b wrong\r\n',
        b'\x00\x22\x22\x22auth_check smtp user1@example.com test\r\n',
        b'\x00\x42\x42\x42login admin@example.com secret\r\n'
        b'list_domains 0 5\r\nfind_domain exa\r\ndom_info example.com\r\n'
        b'add_user bob@example.com pw with spaces\r\n'
        b'rename_file a@example.com/x a@example.com/y\r\n\r\n \t\r\n'
        b'user_info\x00x\r\nexit\r\n',
    ]
    for d in sessions:
        put('fuzz_frontend', d)


def vpasswd_seeds():
    fx = [
        b'admin:$6$abc$def:1:65536:Admin:/home/vpopmail/domains/example.com'
        b'/admin:NOQUOTA:secret\n'
        b'postmaster:$1$x$y:1:0:Postmaster:/home/vpopmail/domains/example.com'
        b'/postmaster:NOQUOTA\n'
        b'user1:$6$a$b:1:0:User One:/home/vpopmail/domains/example.com/user1'
        b':1000000S,1000C:test\n',
        b'u:p:1:2:g:/d:q:clear:with:colons\n',
        b'short:x:1\n',
        b'x::::::\n',
    ]
    for d in fx:
        put('fuzz_vpasswd', d)


def limits_seeds():
    put('fuzz_limits',
        b'maxpopaccounts: 10\nmaxaliases: -1\nmaxforwards: 5\n'
        b'maxautoresponders: 1\nmaxmailinglists: 0\nquota: 100\n'
        b'maxmsgcount: 1000\ndefault_quota: 5000000\n'
        b'default_maxmsgcount: 100\ndisable_pop\ndisable_imap\n'
        b'disable_dialup\ndisable_password_changing\ndisable_webmail\n'
        b'disable_external_relay\ndisable_smtp\ndisable_spamassassin\n'
        b'delete_spam\ndisable_maildrop\nperm_account: 7\nperm_alias: 3\n'
        b'perm_forward: 1\nperm_autoresponder: 0\nperm_maillist: 511\n'
        b'perm_quota: 7\nperm_defaultquota: 7\n')
    put('fuzz_limits', b'# comment\r\nmaxpopaccounts 99999999999\r'
        b'quota -5\n\tdisable_pop\nperm_maillist: 4294967296\n')
    put('fuzz_limits', b'max_popaccounts 10\nmax_aliases 5\n'
        b'disable_pop 1\nperm_account 7\nperm_quota 511\n'
        b'default_quota 1000\n')


def qmail_seeds():
    """fuzz_qmail: byte 0 mode/level, then .qmail file lines."""
    put('fuzz_qmail', b'\x00user1@example.com\n&bob@example.net\n'
        b'# comment\n./Maildir/\n/home/vpopmail/domains/example.com/x/Maildir/\n')
    put('fuzz_qmail', b'\x01|/usr/bin/preline /usr/bin/ezmlm-send '
        b'/home/vpopmail/domains/example.com/list\n|/bin/sh -c "id"\n')
    put('fuzz_qmail', b'\x02|preline /usr/bin/maildrop "a b" x=1\n'
        b'/home/vpopmail/domains/example.com/../x\n./../../etc\n\r\n')
    put('fuzz_qmail', b'\x05| /usr/local/bin/autorespond 86400 3 '
        b'/home/vpopmail/domains/example.com/user1/vacation/message '
        b'/home/vpopmail/domains/example.com/user1/vacation\n')


def fspath_seeds():
    """fuzz_fspath: byte 0 identity, then the path argument."""
    for who, path in [
            (0, b'/'), (0, b'/home/vpopmail/domains/example.com/'),
            (0, b'example.com/link/x'), (0, b'example.com/dirlink/'),
            (1, b'example.com/postmaster/Maildir/'),
            (1, b'example.com/vpasswd'), (1, b'/home/vpopmail//domains/./x/'),
            (2, b'user1@example.com/'), (2, b'user1@example.com/../..'),
            (2, b'example.com/user1/sub/../x'), (2, b'user1%example.com/'),
            (1, b'a' * 300 + b'/'), (0, b'example.net/.qmail-default'),
            (2, b'user1@EXAMPLE.COM/Maildir/new')]:
        put('fuzz_fspath', bytes([who]) + path)


if __name__ == '__main__':
    helper_seeds()
    proto_seeds()
    frontend_seeds()
    vpasswd_seeds()
    limits_seeds()
    qmail_seeds()
    fspath_seeds()
