#!/bin/sh
# fixture.sh small|large DEST BUILD
#
# Extract tests/fixtures/reference-<small|large>.tgz into DEST (which must
# not exist or be empty) and reroot it with BUILD/tests/tools/reroot, so
# that the data says DEST/home/vpopmail and DEST/var/qmail. Also creates
# DEST/empty (0755, the frontend's chroot when run as root) and DEST/run
# (0700, scratch). Prints nothing on success.
set -eu

die() { echo "fixture.sh: $*" >&2; exit 1; }

[ $# -eq 3 ] || die "usage: fixture.sh small|large DEST BUILD"
tree=$1 dest=$2 build=$3
case $tree in
small|large) ;;
*) die "unknown tree '$tree' (small or large)" ;;
esac

here=$(cd "$(dirname "$0")" && pwd -P)
tgz=$here/../fixtures/reference-$tree.tgz
[ -f "$tgz" ] || die "missing $tgz"
reroot=$(cd "$build" 2>/dev/null && pwd -P)/tests/tools/reroot ||
    die "no build dir $build"
[ -x "$reroot" ] || die "missing $reroot (run make tests)"

if [ -e "$dest" ]; then
	[ -d "$dest" ] || die "$dest exists and is not a directory"
	[ -z "$(ls -A "$dest")" ] || die "$dest is not empty"
else
	mkdir -p "$dest"
fi
dest=$(cd "$dest" && pwd -P)

tar -C "$dest" -xzpf "$tgz" --numeric-owner ||
    die "extracting $tgz failed"
if [ "$(id -u)" != 0 ]; then
	# owners became the invoking user; make sure it can use everything
	chmod -R u+rwX "$dest" || die "chmod failed"
fi
"$reroot" "$dest" || die "reroot $dest failed"
mkdir -m 0755 "$dest/empty" && mkdir -m 0700 "$dest/run" ||
    die "cannot create $dest/empty or $dest/run"
chmod 0755 "$dest/empty" && chmod 0700 "$dest/run"
