"""paths.py - the catalogue of hostile path arguments per caller (PROTOCOL.md
5.2, 5.4, 6.8), written against the spec, not against any implementation.

    catalogue(w, role) -> [Attack]

An Attack is (cls, path, expect, slots):
  cls     the attack class (used in case names and SECURITY.md)
  path    the argument as sent
  expect  the exact -ERR line where the spec fixes it, ANY_ERR where any
          -ERR will do, or LINK for a planted link as the final component
          (refused, or treated as an opaque name: the link itself may be
          removed/replaced/renamed, its target never touched), or NOCUT
          for a long argument that may work on its whole name but never
          on the 255-byte bait it would be cut to
  slots   the command slots it applies to (SLOTS unless narrower)

Every path form is used where it means something: absolute, address
(user@domain/...) and domain (domain/...).
"""

import collections

ANY_ERR = object()
LINK = object()
NOCUT = object()
SLOTS = ('mk_dir', 'rm_dir', 'list_dir', 'rm_file', 'rename_src',
         'rename_dst', 'write_file', 'read_file', 'stat_file')
DESTROY = ('mk_dir', 'rm_dir', 'rm_file', 'rename_src', 'rename_dst',
           'write_file')

E_DOTDOT = '-ERR 20.1501 Invalid Directory.  .. not allowed in path'
E_PCT = '-ERR 21.1502 Invalid Directory.  % not allowed in path'
E_DOMAIN = '-ERR 11.1507 Not Authorized for domain'
E_USER = '-ERR 12.1508 User does not exist'
E_UNAUTH = {'sa': '-ERR 26.1510 Unauthorized Directory.',
            'qa': '-ERR 26.1511 Unauthorized Directory.',
            'user': '-ERR 26.1512 Unauthorized Directory.'}

Attack = collections.namedtuple('Attack', 'cls path expect slots')


def forms(w, role):
    """Prefixes naming the caller's root in each path form."""
    if role == 'user':
        return ['user1@example.com/', 'example.com/user1/', w.H + '/']
    if role == 'qa':
        return ['example.com/', w.DC + '/']
    return [w.D + '/']


def links(w, role):
    """(link, existing name behind it) planted in the caller's root, each
    reached in every form; plus links of the inner roots reached from
    above."""
    if role == 'user':
        own = [('canlink', 'secret.txt'), ('outlink', 'secret.txt'),
               ('etclink', 'hostname'), ('otherlink', 'secret'),
               ('domlink', 'vpasswd')]
        return [(p + l, n) for p in forms(w, role) for l, n in own]
    if role == 'qa':
        own = [('qcanlink', 'secret.txt'), ('qnetlink', 'vpasswd'),
               ('qaulink', 'ausecret')]
        out = [(p + l, n) for p in forms(w, role) for l, n in own]
        return out + [('user1@example.com/canlink', 'secret.txt'),
                      ('example.com/user1/otherlink', 'secret')]
    own = [('scanlink', 'secret.txt'), ('soutlink', 'secret.txt'),
           ('sxlink', 'secret'), ('setclink', 'hostname')]
    out = [(w.D + '/' + l, n) for l, n in own]
    return out + [('example.com/qcanlink', 'secret.txt'),
                  ('user1@example.com/etclink', 'hostname'),
                  (w.DC + '/qnetlink', 'vpasswd')]


def final_links(w, role):
    out = [l for l, _ in links(w, role)]
    out += [l + '/' for l in out]
    if role == 'user':
        out += [p + n for p in forms(w, role) for n in ('canfile', 'pwlink')]
    elif role == 'qa':
        out += [p + 'qnetpw' for p in forms(w, role)]
        out += ['user1@example.com/canfile']
    else:
        out += ['example.com/user1/canfile', w.DC + '/qnetpw']
    return out


def catalogue(w, role):
    out = []
    unauth = E_UNAUTH[role]
    add = lambda cls, path, expect, slots=SLOTS: out.append(  # noqa: E731
        Attack(cls, path, expect, slots))

    for p in forms(w, role):
        for tail in ('../x', 'a..b', 'sub/../../x', '..', '../'):
            add('dotdot', p + tail, E_DOTDOT)
        for tail in ('%2e%2e/x', 'a%b', '%'):
            add('percent', p + tail, E_PCT)
    add('dotdot', 'user1@example.com/../user1x/secret', E_DOTDOT)
    add('dotdot', w.D + '/../domainsX/secret', E_DOTDOT)
    add('dotdot', 'example.com/../example.net/vpasswd', E_DOTDOT)

    # prefix siblings (5.4 item 1)
    if role == 'user':
        add('sibling', w.H + 'x/secret', unauth)
        add('sibling', w.H + 'x/', unauth)
        add('sibling', 'example.com/user1x/secret', unauth)
        add('sibling', 'user1x@example.com/secret', E_USER)
        add('sibling', 'user1x@example.com/', E_USER)
        add('sibling', 'user1@example.com.au/', ANY_ERR)
    elif role == 'qa':
        add('sibling', w.DC + '.au/ausecret', unauth)
        add('sibling', w.DC + '.au/', unauth)
        add('sibling', 'example.com.au/ausecret', unauth)
        add('sibling', 'example.com.au/', unauth)
        add('sibling', 'postmaster@example.com.au/', E_DOMAIN)
        add('sibling', 'postmaster@example.com.au/vpasswd', E_DOMAIN)
    else:
        add('sibling', w.V + '/domainsX/secret', unauth)
        add('sibling', w.V + '/domainsX/', unauth)
        add('sibling', w.V + '/domainsX', unauth)

    # absolute paths outside the root
    outside = ['/etc/hostname', '/etc/', '/', w.root + '/canary/secret.txt',
               w.V + '/canary/secret.txt', w.V + '/canary/',
               w.V + '/etc/vlimits.default', w.Q + '/users/assign',
               w.V + '/', w.V + '/domains.x']
    if role != 'sa':
        outside += [w.D + '/example.net/vpasswd', w.D + '/example.net/']
    if role == 'user':
        outside += [w.DC + '/', w.DC + '/vpasswd', w.DC + '/postmaster/']
    for path in outside:
        add('outside', path, unauth)

    # links as an intermediate component: the target is never reached
    for l, name in links(w, role):
        add('link-mid', l + '/' + name, ANY_ERR)
        add('link-mid', l + '/newname', ANY_ERR)
        add('link-mid', l + '/sub/', ANY_ERR)
    # links as the final component
    for l in final_links(w, role):
        add('link-final', l, LINK)

    # protected files (5.4 item 8): non-SA callers
    if role == 'qa':
        for p in forms(w, role):
            for name in ('vpasswd', 'vpasswd.cdb', 'vpasswd.cdb.tmp',
                         '.vpasswd.lock', 'vpasswd.bak', 'vpasswd.bak.1',
                         '.dir-control', '.qmailadmin-limits'):
                add('protected', p + name, unauth)
            add('protected', p + './vpasswd', ANY_ERR)
            add('protected', p + '/vpasswd', ANY_ERR)
            add('protected', p + 'user1/Maildir/maildirsize', unauth)
        add('protected', 'user1@example.com/Maildir/maildirsize', unauth)
        add('protected', 'postmaster@example.com/Maildir/maildirsize',
            unauth)
        add('protected', 'user1@example.com/Maildir//maildirsize', ANY_ERR)
    elif role == 'user':
        for p in forms(w, role):
            add('protected', p + 'Maildir/maildirsize', unauth)
            add('protected', p + 'Maildir/./maildirsize', ANY_ERR)

    # scope roots (5.4 item 9, 4.29)
    if role == 'user':
        exact = ['user1@example.com/', 'example.com/user1/', w.H, w.H + '/']
        loose = ['user1@example.com/./', 'user1@example.com//',
                 'example.com/user1//']
    elif role == 'qa':
        exact = ['example.com/', w.DC, w.DC + '/']
        loose = ['example.com/./', 'example.com//']
    else:
        exact = [w.D, w.D + '/']
        loose = [w.D + '/.', w.D + '//']
    for path in exact:
        add('root', path, unauth, ('rm_dir',))
        add('root', path, ANY_ERR, ('mk_dir', 'rm_file', 'rename_src',
                                    'rename_dst', 'write_file'))
    for path in loose:
        add('root', path, ANY_ERR, DESTROY)

    # over-long paths (5.4 item 4): an argument over 255 bytes is refused
    # even when it names something that exists; a shorter one whose full
    # path passes 255 bytes is refused or used whole, never cut to the
    # bait (H/bait is exactly 255 bytes)
    p = forms(w, role)[0]
    bait = w.bait_name()
    add('long', p + 'a' * 300, ANY_ERR)
    for pre in ('user1@example.com/', 'example.com/user1/', w.H + '/'):
        add('long>255', pre + w.chain() + '/f', ANY_ERR)
        add('long>255', pre + w.chain() + '/', ANY_ERR)
        for tail in ('U' * 40, '/' + 'U' * 40):
            arg = pre + bait + tail
            add('long-cut', arg, ANY_ERR if len(arg) > 255 else NOCUT)
    add('long-line', p + 'b' * 4200, ANY_ERR)
    return out


def oracle_pairs(w, role):
    """(existing, missing) targets the caller may not reach: A8 says the
    answers must be the same."""
    if role == 'user':
        return [('postmaster@example.com/', 'nobody@example.com/'),
                ('user2@example.net/', 'nobody@example.net/'),
                ('user2@example.net/Maildir/', 'ghost@nonexist.example/'
                 'Maildir/'),
                ('example.net/', 'nonexist.example/'),
                ('example.net/postmaster/', 'nonexist.example/postmaster/')]
    if role == 'qa':
        return [('user2@example.net/', 'nobody@example.net/'),
                ('postmaster@example.com.au/', 'nobody@example.com.au/'),
                ('postmaster@example.net/', 'postmaster@nonexist.example/'),
                ('example.net/', 'nonexist.example/'),
                ('example.net/user2/', 'nonexist.example/user2/')]
    return []
