#!/bin/sh
# test_install.sh BUILD - `make install` with DESTDIR and PREFIX installs
# the daemon, the state directory, every man page of docs/ and the contrib/ examples, with the
# right modes, and nothing outside DESTDIR; the installed man pages format
# without warnings when man(1)'s formatter is present.
top=$(cd "$(dirname "$0")/../.." && pwd -P)
build=${1:?usage: test_install.sh BUILD}
T=$(mktemp -d "${TMPDIR:-/tmp}/install.XXXXXX")
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); }
trap 'rm -rf "$T"' EXIT

case $build in
/*) rel=${build#"$top"/} ;;
*) rel=$build ;;
esac
san=0
[ "$rel" = build/san ] && san=1
# -o: the binary this test run is checking is installed as it is, never
# rebuilt from a tree others may be editing
if make -s -C "$top" SANITIZE=$san -o "$rel/vpopmaild" install \
    DESTDIR="$T/dest" PREFIX=/opt/vp >"$T/log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/opt/vp"
else
	bad "make install: $(cat "$T/log")"
fi
d=$T/dest/opt/vp
mode() { stat -c %a "$1" 2>/dev/null; }
if [ -x "$d/sbin/vpopmaild" ] && [ "$(mode "$d/sbin/vpopmaild")" = 755 ] &&
    cmp -s "$d/sbin/vpopmaild" "$top/$rel/vpopmaild"; then
	ok "the daemon in PREFIX/sbin, 0755, the built binary"
else
	bad "sbin/vpopmaild missing, wrong mode or not the build's"
fi
if [ -d "$T/dest/var/lib/vpopmaild" ] &&
    [ "$(mode "$T/dest/var/lib/vpopmaild")" = 700 ]; then
	ok "the state directory (throttling) /var/lib/vpopmaild, 0700"
else
	bad "state directory /var/lib/vpopmaild missing or not 0700"
fi
for p in "$top"/docs/*.8 "$top"/docs/*.5; do
	sec=${p##*.}
	f=$d/share/man/man$sec/$(basename "$p")
	if [ -f "$f" ] && [ "$(mode "$f")" = 644 ] && cmp -s "$p" "$f"; then
		ok "man page $(basename "$p") in MANDIR/man$sec, 0644"
	else
		bad "man page $(basename "$p") not installed as man$sec 0644"
	fi
	if command -v groff >/dev/null 2>&1; then
		w=$(groff -man -Tutf8 -ww -z "$f" 2>&1)
		if [ -z "$w" ]; then
			ok "$(basename "$p") formats without warnings"
		else
			bad "$(basename "$p"): $w"
		fi
	fi
done
command -v groff >/dev/null 2>&1 ||
    echo "skip - man page formatting: groff not installed"
ex=$d/share/doc/vpopmaild/examples
for f in systemd/vpopmaild.socket systemd/vpopmaild@.service \
    systemd/vpopmaild.service README; do
	if [ -f "$ex/$f" ] && cmp -s "$top/contrib/$f" "$ex/$f"; then
		ok "example $f installed"
	else
		bad "example $f missing"
	fi
done
for f in daemontools/run daemontools/log/run; do
	if [ -x "$ex/$f" ] && cmp -s "$top/contrib/$f" "$ex/$f"; then
		ok "example $f installed executable"
	else
		bad "example $f missing or not executable"
	fi
done
extra=$(cd "$T/dest" && find . -type f | grep -v -e '^./opt/vp/sbin/' \
    -e '^./opt/vp/share/man/' -e '^./opt/vp/share/doc/vpopmaild/')
if [ -z "$extra" ]; then
	ok "nothing else installed"
else
	bad "unexpected files: $extra"
fi
echo "install: $passed passed, $failed failed"
[ $failed = 0 ]
