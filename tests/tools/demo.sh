#!/bin/sh
# demo.sh BUILD - used by "make demo".
#
# (Re)creates build/demo (under the top of this checkout) from the small
# reference fixture, writes build/demo/vpopmaild.conf, prints the demo
# accounts and runs ./vpopmaild in the foreground on 127.0.0.1:8900
# (override with DEMO_LISTEN=addr:port).
set -eu

die() { echo "demo.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: demo.sh BUILD"
top=$(cd "$(dirname "$0")/../.." && pwd -P)
build=$(cd "$1" 2>/dev/null && pwd -P) || die "no build dir $1"
listen=${DEMO_LISTEN:-127.0.0.1:8900}
demo=$top/build/demo
daemon=$top/vpopmaild
[ -x "$daemon" ] || die "missing $daemon (run make)"

rm -rf "$demo"
sh "$top/tests/tools/fixture.sh" small "$demo" "$build"
chmod 0755 "$demo"

conf=$demo/vpopmaild.conf
{
	echo "vpopmail-dir = $demo/home/vpopmail"
	echo "qmail-dir = $demo/var/qmail"
	echo "audit-log = $demo/audit.log"
	echo "timeout = 60"
	if [ "$(id -u)" = 0 ]; then
		echo "frontend-user = nobody"
		echo "empty-dir = $demo/empty"
	fi
} >"$conf"

host=${listen%:*} port=${listen##*:}
cat <<EOF
vpopmaild demo
  tree:     $demo/home/vpopmail and $demo/var/qmail
  config:   $conf
  audit:    $demo/audit.log
  accounts (address / password):
    postmaster@example.com / test    domain admin (postmaster)
    admin@example.com      / secret  system admin (SA_ADMIN)
    user1@example.com      / test    user
    postmaster@example.net / test    domain admin (postmaster)
    user2@example.net      / test    domain admin (QA_ADMIN flag)
  connect with: nc $host $port   (or: telnet $host $port)
  e.g.  login admin@example.com secret
  stop with Ctrl-C; "make demo" starts again from a fresh tree.

EOF
cd "$top"
exec ./vpopmaild -f "$conf" -l "$listen"
