#!/bin/sh
# test_pool.sh BUILD - the listener's pre-forked sessions (prefork = N):
# idle pairs, hand-off without a fork, descriptors, refill, caps, SIGHUP,
# SIGTERM. The checks are in test_pool.py; this wrapper lets tests/run.sh
# find it.
here=$(cd "$(dirname "$0")" && pwd -P)
exec python3 "$here/test_pool.py" "${1:?usage: test_pool.sh BUILD}"
