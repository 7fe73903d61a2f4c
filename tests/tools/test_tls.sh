#!/bin/sh
# test_tls.sh BUILD - TLS (implicit and starttls), version floor,
# login-plaintext over TLS, STARTTLS injection, SIGHUP certificate reload.
# The checks are in test_tls.py; this wrapper lets tests/run.sh find it.
here=$(cd "$(dirname "$0")" && pwd -P)
exec python3 "$here/test_tls.py" "${1:?usage: test_tls.sh BUILD}"
