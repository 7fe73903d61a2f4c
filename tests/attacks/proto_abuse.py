"""proto_abuse.py - abuse of the daemon as a whole (issue 7): format
strings and shell metacharacters in every argument of every command at
every level, oversized and endless bodies, slow clients, brute force
across reconnects, core dumps on live processes. Each run_* takes
(env, tally).
"""

import os
import re
import socket
import time

# (command, argument kinds); a = address, d = domain, p = path, s = any
# string, n = number, i = ip. Bodies: mod_user, set_limits, write_file.
COMMANDS = [
    ('login', 'as'), ('clogin', 'as'), ('slogin', 'as'),
    ('auth_check', 'sas'), ('user_info', 'a'), ('list_domains', 'nn'),
    ('find_domain', 'dn'), ('domain_count', ''), ('add_alias_domain', 'dd'),
    ('add_domain', 'ds'), ('del_domain', 'd'), ('dom_info', 'd'),
    ('get_limits', 'd'), ('set_limits', 'd'), ('del_limits', 'd'),
    ('get_domain_size', 'd'), ('add_user', 'as'), ('del_user', 'a'),
    ('user_count', 'd'), ('list_users', 'dnn'), ('list_lists', 'dnn'),
    ('mod_user', 'a'), ('get_lastauth', 'a'), ('get_user_size', 'a'),
    ('add_alias', 'aa'), ('delete_alias', 'a'), ('list_alias', 'd'),
    ('remove_alias', 'aa'), ('mk_dir', 'p'), ('rm_dir', 'p'),
    ('list_dir', 'p'), ('rm_file', 'p'), ('rename_file', 'pp'),
    ('write_file', 'p'), ('read_file', 'p'), ('stat_file', 'p'),
    ('get_ip_map', 'd'), ('add_ip_map', 'id'), ('del_ip_map', 'id'),
    ('show_ip_map', 'd'), ('add_list', 'ds'), ('del_list', 'ds'),
    ('mod_list', 'ds'), ('help', 's'), ('no_such_command', 's'),
]
BENIGN = {'a': 'user1@example.com', 'd': 'example.com', 'n': '1',
          's': 'x', 'i': '192.0.2.9', 'p': 'user1@example.com/Maildir'}

MARK = 'pwned-vp'


def payloads(tmp):
    """Format strings, shell metacharacters (each would create a marker
    file under tmp if anything ever ran it), in bare, address and path
    shapes. No spaces: one token each."""
    m = os.path.join(tmp, MARK)
    sh = [';touch${IFS}%s1' % m, '$(touch${IFS}%s2)' % m,
          '`touch${IFS}%s3`' % m, '|touch${IFS}%s4' % m,
          '&&touch${IFS}%s5' % m, '>%s6' % m]
    fmt = ['%n%n%n%n', '%s%s%s%s%s%s', '%x%x%x%x%p%p', '%99999999d',
           '%1$n%2$s']
    out = []
    for p in fmt + sh:
        out += [p, p + '@example.com', 'user1@example.com/' + p]
    return out


LEAK = re.compile(r'\(nil\)|\(null\)|0x[0-9a-f]{6,}|[0-9a-f]{12,}')


def _exchange(s, cmd, body):
    """Sends one command (and its body when it has one) and returns the
    replies' statuses and lines."""
    name = cmd.split(' ', 1)[0]
    s.send_line(cmd)
    if name == 'write_file':
        for line in body:
            s.send_line(line)
        s.send_line('.')
        return [s.read_reply()]
    first = s.read_reply()
    if name in ('mod_user', 'set_limits') and first.status == '+OK':
        for line in body:
            s.send_line(line)
        s.send_line('.')
        return [first, s.read_reply()]
    return [first]


def run_fuzz_args(env, t):
    pl = payloads(env.tmp)
    for role in ('user', 'qa', 'sa'):
        s = env.login(role)
        bad, n = [], 0
        for name, kinds in COMMANDS:
            if name in ('login', 'clogin', 'slogin', 'auth_check'):
                continue          # after login: a second login; see below
            for pos in range(max(1, len(kinds))):
                for p in pl:
                    args = [BENIGN[k] for k in kinds]
                    if args:
                        args[pos] = p
                    else:
                        args = [p]
                    cmd = ' '.join([name] + args)
                    body = [p, 'comment ' + p, 'max_popaccounts ' + p]
                    try:
                        replies = _exchange(s, cmd, body)
                    except Exception as e:  # EOF, timeout, framing
                        bad.append('%s: %s' % (cmd, e))
                        s.close(quit=False)
                        s = env.login(role)
                        continue
                    n += 1
                    for r in replies:
                        text = r.status + ' ' + ' '.join(r.lines)
                        if name not in ('read_file', 'list_dir') and \
                                LEAK.search(r.status):
                            bad.append('%s: %s' % (cmd, text[:120]))
        alive = s.cmd('list_dir user1@example.com/' if role == 'user'
                      else 'user_info postmaster@example.com')
        st = s.close()
        t.check('%s: %d command lines with format strings and shell '
                'metacharacters in every argument and body: each answered, '
                'nothing leaked, session alive, helper exits 0' % (role, n),
                not bad and alive.ok and st == 0,
                bad[:6] + [alive.status, 'exit %r' % st])
    # before login, as the network attacker
    bad = []
    for name in ('login', 'clogin', 'slogin', 'auth_check'):
        for i in range(0, len(pl), 3):
            s = env.session()
            for p in pl[i:i + 3]:
                args = {'auth_check': ['smtp', p, p]}.get(name, [p, p])
                r = s.cmd(' '.join([name] + args))
                if not r.status.startswith('-ERR'):
                    bad.append('%s %s: %s' % (name, p, r.status))
            s.close()
    t.check('pre-login: login, clogin, slogin, auth_check with every '
            'payload as address and password: refused', not bad, bad[:6])
    made = [f for f in os.listdir(env.tmp) if f.startswith(MARK)]
    made += [f for f in os.listdir('/tmp') if f.startswith(MARK)]
    t.check('no shell ever ran: no marker file %s* exists' % MARK,
            not made, made)
    for d in os.listdir(env.D):
        if os.path.isfile(os.path.join(env.D, d, 'vpasswd')):
            lines = env.vpasswd_lines(d)
            t.check('vpasswd of %s: every line has 7 or 8 fields after the '
                    'payloads' % d, all(len(l.split(':')) in (7, 8)
                                        for l in lines), lines[:4])


# --------------------------------------------------------------- bodies

def _rss_kb(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _body(env, t, cmd, line, count, label, extra=()):
    s = env.login('sa', extra)
    helper, fe = s.pid, s.frontend_pid()
    h0, f0 = _rss_kb(helper), _rss_kb(fe)
    s.send_line(cmd)
    if not cmd.startswith('write_file'):
        first = s.read_reply()
        if first.status != '+OK':
            t.fail('%s: %s answers +OK before the body' % (label, cmd),
                   [first.status])
            s.close()
            return
    chunk = (line + '\r\n').encode() * 1000
    sent = 0
    try:
        while sent < count:
            s.send(chunk)
            sent += 1000
    except OSError as e:
        t.info('%s: the daemon stopped reading after %d lines (%s)'
               % (label, sent, e))
    h1, f1 = _rss_kb(helper), _rss_kb(fe)
    try:
        s.send_line('.')
        r = s.read_reply()
        status = r.status
    except Exception as e:
        status = 'no answer: %s' % e
    grow = max((h1 or 0) - (h0 or 0), (f1 or 0) - (f0 or 0))
    t.check('%s: %d body lines: memory bounded (grew %d kB), one status '
            '(%s)' % (label, sent, grow, status),
            grow < 16 * 1024 and (status.startswith('-ERR') or
                                  status == '+OK' or 'no answer' in status
                                  and sent < count),
            ['helper %s->%s kB, frontend %s->%s kB' % (h0, h1, f0, f1)])
    s.close(quit=False)


def run_bodies(env, t):
    n = 200000
    _body(env, t, 'mod_user postmaster@example.net', 'comment ' + 'x' * 200, n,
          'oversized mod_user body')
    _body(env, t, 'set_limits example.com', 'max_popaccounts 5', n,
          'oversized set_limits body')
    _body(env, t, 'write_file user1@example.com/big.txt', 'y' * 1000, n,
          'oversized write_file body')
    big = os.path.join(env.D, 'example.com', 'user1', 'big.txt')
    t.check('oversized write_file left no file (write-file-max)',
            not os.path.exists(big) or os.path.getsize(big) < 2 << 20,
            [big])
    # endless: a body that never ends holds no more than write-file-max
    # on disk and bounded memory, and leaves nothing when it is cut off
    s = env.login('sa', ['write-file-max = 65536'])
    home = os.path.join(env.D, 'example.com', 'user1')
    s.send_line('write_file user1@example.com/endless.txt')
    t0, biggest = time.monotonic(), 0
    while time.monotonic() - t0 < 4:
        s.send((('z' * 100) + '\r\n').encode() * 100)
        for f in os.listdir(home):
            if 'endless' in f:
                try:
                    biggest = max(biggest, os.path.getsize(
                        os.path.join(home, f)))
                except OSError:
                    pass
        time.sleep(0.01)
    rss = max(_rss_kb(s.pid) or 0, _rss_kb(s.frontend_pid() or 0) or 0)
    s.send_line('.')
    r = s.read_reply()
    left = [f for f in os.listdir(home) if 'endless' in f]
    t.check('endless write_file body (4 s of lines, write-file-max 65536): '
            'at most 65536 bytes ever on disk (%d), refused at its end '
            '(%s), nothing left' % (biggest, r.status),
            biggest <= 65536 and r.status.startswith('-ERR') and not left,
            left + ['rss %d kB' % rss])
    s.close()
    s = env.login('sa')
    s.send_line('write_file user1@example.com/cut.txt')
    s.send(b'half a body\r\n' * 1000)
    st = s.close(quit=False)
    left = [f for f in os.listdir(home) if 'cut' in f]
    t.check('a write_file body cut off by EOF leaves nothing (exit %r)' % st,
            not left, left)


# ---------------------------------------------------------- slow clients

def run_slow(env, t):
    """One byte per 100 ms: with timeout = 2 the session ends in bounded
    time, whether the bytes form no line or an unending one."""
    for label, data in (('a line that never ends', b'x' * 1000),
                        ('an endless mod_user body',
                         None)):
        s = env.login('sa', ['timeout = 2']) if data is None else \
            env.session(['timeout = 2'])
        if data is None:
            s.send_line('mod_user postmaster@example.net')
            s.read_reply()
            data = b'comment ' + b'q' * 2000
        t0 = time.monotonic()
        closed = False
        try:
            for b in data:
                s.send(bytes([b]))
                time.sleep(0.1)
                if time.monotonic() - t0 > 30:
                    break
                r, _, _ = __import__('select').select([s.sock], [], [], 0)
                if r and not s.sock.recv(4096, socket.MSG_PEEK):
                    closed = True
                    break
        except OSError:
            closed = True
        took = time.monotonic() - t0
        st = s.close(quit=False, wait=5)
        t.check('slow client, %s (1 byte / 100 ms, timeout 2): the session '
                'ends (%s after %.1f s, exit %r)' % (
                    label, 'closed' if closed else 'still open', took, st),
                closed and took < 30, [])


# ------------------------------------------------------------ brute force

def run_brute(env, t):
    extra = ['state-dir = %s' % env.root, 'throttle = yes',
             'throttle-base-delay = 100', 'throttle-max-delay = 2']
    if not env.has_key('throttle-base-delay = 100'):
        t.skip('brute force across reconnects', 'login throttling is not '
               'in this build (issue 6, H7)')
        return
    times = []
    for i in range(8):
        s = env.session(extra)
        t0 = time.monotonic()
        r = s.login('login', 'user1@example.com', 'Brute-%d-x' % i)
        times.append(time.monotonic() - t0)
        s.close()
        if r.status != '-ERR 8.207 Invalid Login':
            t.fail('brute force: attempt %d answered %s' % (i, r.status))
            return
    t.info('brute force delays: %s' % ', '.join('%.2f' % x for x in times))
    t.check('brute force across 8 reconnects: later attempts are slowed '
            '(attempt 8 %.2f s > attempt 1 %.2f s + 0.3 s)' % (
                times[-1], times[0]), times[-1] > times[0] + 0.3, [])
    s = env.session(extra)
    t0 = time.monotonic()
    r = s.login('login', 'user1@example.com', 'test')
    took = time.monotonic() - t0
    s.close()
    t.check('brute force: the right password after the failures is not '
            'answered faster than a failure would be (%.2f s)' % took,
            r.ok and took >= times[-1] * 0.5, [r.status])


# ---------------------------------------------------------- core dumps

def _core_limit(pid):
    with open('/proc/%d/limits' % pid) as f:
        for line in f:
            if line.startswith('Max core file size'):
                return line.split()[4]
    return None


def run_cores(env, t):
    s = env.login('user')
    pids = {'helper': s.pid, 'frontend': s.frontend_pid()}
    for who, pid in pids.items():
        if pid is None:
            t.fail('%s process found' % who)
            continue
        t.check('%s (tcpserver mode, pid %d): RLIMIT_CORE is 0' % (who, pid),
                _core_limit(pid) == '0', [_core_limit(pid)])
        euid = os.stat('/proc/%d' % pid).st_uid
        if euid == 0:
            t.skip('%s: not dumpable' % who, 'euid 0: /proc/PID/mem is '
                   'root\'s either way')
        else:
            t.check('%s: not dumpable (/proc/%d/mem owned by root, euid %d)'
                    % (who, pid, euid),
                    os.stat('/proc/%d/mem' % pid).st_uid == 0, [])
    s.close()
    try:
        with open('/proc/sys/kernel/core_pattern') as f:
            t.info('core_pattern: %s' % f.read().strip())
    except OSError:
        pass
