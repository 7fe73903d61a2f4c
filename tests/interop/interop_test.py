#!/usr/bin/env python3
"""interop_test.py BUILD - the interoperability suite (run by
tests/tools/test_interop.sh): on fresh fixture trees under a temporary
directory,

  1. vpcheck.py on both fixture trees, and on broken copies (check_trees);
  2. the fixture data read through the daemon: every account logs in,
     user_info/list_users/user_count of hashed users, dom_info,
     list_domains, domain_count, find_domain (reads.py);
  3. a scripted mix of adds and deletes of users and domains in both
     trees, then vpcheck (mix.py);
  4. two sessions adding 1,000 users each to one domain at once
     (concurrency.py);
  5. SIGKILL of the helper at random points of add/mod/del sessions
     (crash.py).

Sections 2-5 are skipped (with the reason) while a command they need still
answers -ERR 4.107. Prints "ok - " / "not ok - " / "skip - " lines and
"test_interop: N passed, M failed". Environment: INTEROP_ONLY=a,b runs only
the named sections (checks, reads, mix, concurrency, crash);
INTEROP_KEEP=1 keeps the temporary trees.
"""

import os
import shutil
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import check_trees  # noqa: E402
import reads  # noqa: E402
import mix  # noqa: E402
import concurrency  # noqa: E402
import crash  # noqa: E402

SECTIONS = [('checks', check_trees), ('reads', reads), ('mix', mix),
            ('concurrency', concurrency), ('crash', crash)]


def main(argv):
    if len(argv) != 1:
        sys.stderr.write('usage: interop_test.py BUILD\n')
        return 2
    build = os.path.realpath(argv[0])
    t = harness.Tally('test_interop')
    if not os.access(os.path.join(build, 'vpopmaild'), os.X_OK):
        t.fail('%s/vpopmaild exists' % build)
        return t.summary()
    only = set(filter(None, os.environ.get('INTEROP_ONLY', '').split(',')))
    tmp = tempfile.mkdtemp(prefix='test_interop.')
    os.chmod(tmp, 0o755)    # the frontend user walks to its empty dir
    fx = harness.Fixtures(build, tmp)
    try:
        for name, module in SECTIONS:
            if only and name not in only:
                continue
            start = time.monotonic()
            try:
                module.run(t, fx)
            except harness.NotLanded as e:
                t.skip('section ' + name, 'command %s still answers -ERR '
                       '4.107 (not implemented yet)' % e.args[0])
            except Exception:
                t.fail('section %s ran to its end' % name,
                       traceback.format_exc().splitlines()[-8:])
            t.info('section %s: %.1fs' % (name, time.monotonic() - start))
    finally:
        if os.environ.get('INTEROP_KEEP') == '1':
            t.info('trees kept in ' + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return t.summary()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
