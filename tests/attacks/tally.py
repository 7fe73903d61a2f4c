"""tally.py - counting for the attack suite: harness.Tally plus "pending"
cases (a command the daemon still answers "not implemented" for: printed,
counted neither as passed nor as failed) and skipped checks (printed with
the reason, not counted).

    t = Tally('attacks')    t.ok / t.fail / t.check / t.skip (harness.Tally)
                            t.pending(name, command)
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'interop'))

import harness  # noqa: E402


class Tally(harness.Tally):
    def __init__(self, name):
        super().__init__(name)
        self.npending = 0
        self.pending_cmds = set()

    def pending(self, name, command):
        self.npending += 1
        self.pending_cmds.add(command)
        print('pending - %s (%s not implemented)' % (name, command),
              flush=True)

    def summary(self):
        if self.npending:
            self.info('%d cases pending: %s answered "not implemented"'
                      % (self.npending, ', '.join(sorted(self.pending_cmds))))
        return super().summary()
