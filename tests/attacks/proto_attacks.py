#!/usr/bin/env python3
"""proto_attacks.py BUILD - the protocol attack suite (issue 7): every
non-path attack of PROTOCOL.md 5.4, 6.7 and 6.8 (proto_cases.py) and the
abuse of the daemon as a whole (proto_abuse.py) against the real daemon
BUILD/vpopmaild on a fresh small fixture tree; at the end every stderr
and audit log of the whole run is searched for every password and hash
the run knows. Path escapes are tests/attacks/attacks.py (run.sh).

Prints one line per case ("ok", "not ok", "skip" with a reason) and ends
with "attacks-proto: N passed, M failed".
"""

import os
import re
import shutil
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'interop'))

import proto_abuse  # noqa: E402
import proto_cases  # noqa: E402
from harness import Tally  # noqa: E402
from proto_env import Env  # noqa: E402

SANITIZER = re.compile(r'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer'
                       r'|runtime error: ')
# passwords this suite sends on purpose (beyond the fixtures')
SENT = ['Pw-v11-Original', 'Pw-a5-self', 'Brute-0-x', 'Brute-7-x',
        'Pw-v3']


def secret_re(secret):
    """A short word such as "test" matches only as a whole token (paths
    hold "tests"); a long secret (a hash) anywhere."""
    if len(secret) >= 12:
        return re.compile(re.escape(secret))
    return re.compile(r'(?<![A-Za-z0-9_./-])%s(?![A-Za-z0-9_./-])'
                      % re.escape(secret))


def check_logs(env, t):
    # the search itself must find what it looks for
    t.check('secrets: the log search finds a planted password and hash',
            secret_re('test').search('"detail":"password test"') and
            not secret_re('test').search('/tmp/tests/x') and
            secret_re('$6$abcdefgh$xyz0123456789').search(
                'x $6$abcdefgh$xyz0123456789 y'))
    logs = env.logs()
    secrets = sorted(env.secrets | set(SENT))
    hits, san = [], []
    total = 0
    for path in logs:
        with open(path, 'rb') as f:
            text = f.read().decode('latin-1')
        total += len(text)
        for sec in secrets:
            if secret_re(sec).search(text):
                hits.append('%s in %s' % (sec[:16], os.path.basename(path)))
        if SANITIZER.search(text):
            san.append(os.path.basename(path))
    t.check('secrets: none of %d passwords and hashes appears in the %d '
            'stderr and audit logs of the whole run (%d bytes)' % (
                len(secrets), len(logs), total), not hits and total > 0,
            hits[:8])
    t.check('no sanitizer report in any daemon stderr', not san, san[:4])


def main():
    if len(sys.argv) != 2:
        print('usage: proto_attacks.py BUILD', file=sys.stderr)
        return 2
    build = os.path.realpath(sys.argv[1])
    t = Tally('attacks-proto')
    tmp = tempfile.mkdtemp(prefix='vp-proto.')
    os.chmod(tmp, 0o755)
    try:
        try:
            env = Env(build, tmp)
        except Exception as e:
            t.fail('fixture', [str(e)])
            return t.summary()
        for section in (proto_cases.run_5_4, proto_cases.run_6_7,
                        proto_cases.run_6_8, proto_abuse.run_cores,
                        proto_abuse.run_brute, proto_abuse.run_slow,
                        proto_abuse.run_bodies, proto_abuse.run_fuzz_args):
            t0 = time.monotonic()
            try:
                section(env, t)
            except Exception:
                t.fail('%s raised' % section.__name__,
                       traceback.format_exc().splitlines()[-6:])
            t.info('%s: %.1f s' % (section.__name__, time.monotonic() - t0))
        check_logs(env, t)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.summary()


if __name__ == '__main__':
    sys.exit(main())
