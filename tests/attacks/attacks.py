#!/usr/bin/env python3
"""attacks.py BUILD - the file-system escape suite (PROTOCOL.md 5, 4.28-4.35,
6.3, 6.7, 6.8, 7.3) against the real daemon BUILD/vpopmaild: one fresh
fixture tree (world.py), the attack catalogue through every file command
for a user, a domain administrator and the system administrator
(escape.py), A2, body injection and the client flows (flows.py).

Prints one line per case ("ok", "not ok", "pending" for a command the
daemon answers "not implemented" for, "skip" with a reason) and ends with
"attacks: N passed, M failed".
"""

import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'interop'))

import escape  # noqa: E402
import flows  # noqa: E402
from tally import Tally  # noqa: E402
from world import SetupError, World  # noqa: E402


def main():
    if len(sys.argv) != 2:
        print('usage: attacks.py BUILD', file=sys.stderr)
        return 2
    build = os.path.realpath(sys.argv[1])
    t = Tally('attacks')
    tmp = tempfile.mkdtemp(prefix='vp-attacks.')
    os.chmod(tmp, 0o755)
    start = time.monotonic()
    try:
        try:
            w = World(build, tmp)
        except (SetupError, OSError, RuntimeError) as e:
            t.fail('fixture with siblings, links and canaries', [str(e)])
            return t.summary()
        for section in (escape.run_catalogue, escape.run_oracle,
                        escape.run_swap, escape.run_flip, flows.run_a2,
                        flows.run_injection, flows.run_client_flows):
            t0, r0 = time.monotonic(), w.restores
            section(w, t)
            w.close_all()
            t.info('%s: %.1f s, %d restores' % (
                section.__name__, time.monotonic() - t0, w.restores - r0))
        t.info('%.1f s' % (time.monotonic() - start))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return t.summary()


if __name__ == '__main__':
    sys.exit(main())
