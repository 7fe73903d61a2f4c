#!/bin/sh
# test_listener.sh BUILD - the built-in listener (-l): caps, SIGHUP reload,
# SIGTERM drain, IPv6, the connection log, the listener's own confinement.
# The checks are in test_listener.py; this wrapper lets tests/run.sh find it.
here=$(cd "$(dirname "$0")" && pwd -P)
exec python3 "$here/test_listener.py" "${1:?usage: test_listener.sh BUILD}"
