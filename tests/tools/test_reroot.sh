#!/bin/sh
# test_reroot.sh BUILD_DIR - tests for BUILD_DIR/tests/tools/reroot.
#
# For both fixture trees:
#  - "reroot DIR /" (identity) rebuilds users/cdb, morercpthosts.cdb and
#    every vpasswd.cdb byte-identical to what the reference tools wrote
#    (sha256 values from tests/fixtures/README.md), and leaves every other
#    file, owner and mode as it was;
#  - "reroot DIR" makes the data say DIR/home/vpopmail and DIR/var/qmail:
#    the users/cdb lookup of !<domain>- gives the new directory, every
#    vpasswd line is in vpasswd.cdb with the same value, and no text file
#    still says /home/vpopmail or /var/qmail at the start of a path;
#  - a second "reroot DIR" changes nothing.
# Prints "ok - ..." / "FAIL - ..." lines and "reroot: N passed, M failed".
set -u

[ $# -eq 1 ] || { echo "usage: test_reroot.sh BUILD_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd -P)
fixtures=$here/../fixtures
reroot=$(cd "$1" && pwd -P)/tests/tools/reroot
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_reroot.XXXXXX") || exit 1
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { # NAME [DETAILS]: details are shown as at most 5 "#   " lines
	failed=$((failed + 1))
	echo "FAIL - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 5 | sed 's/^/#   /'
	return 0
}
check() { # NAME COMMAND... : ok if COMMAND succeeds
	name=$1; shift
	if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$out"; fi
}

# cdbq FILE KEY: print the data of the first record with KEY (exit 1 if
# none), with tinycdb's cdb(1) when installed, else a reader following
# STORAGE.md 3.4.
if command -v cdb >/dev/null 2>&1; then
	cdbq() { cdb -q "$1" "$2"; }
else
	cdbq() {
		python3 -c '
import struct, sys
f, key = sys.argv[1], sys.argv[2].encode("latin-1")
d = open(f, "rb").read()
h = 5381
for c in key:
    h = ((h * 33) & 0xffffffff) ^ c
pos, n = struct.unpack_from("<II", d, (h & 255) * 8)
for i in range(n):
    hh, p = struct.unpack_from("<II", d, pos + (((h >> 8) + i) % n) * 8)
    if p == 0:
        break
    if hh == h:
        kl, dl = struct.unpack_from("<II", d, p)
        if d[p + 8:p + 8 + kl] == key:
            sys.stdout.buffer.write(d[p + 8 + kl:p + 8 + kl + dl])
            sys.exit(0)
sys.exit(1)' "$1" "$2"
	}
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }

# listing of everything with owner, mode, size and content hash
listing() {
	(cd "$1" && find . -printf '%p %y %m %U %G\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort)
}

extract() { # TREE DIR
	mkdir -p "$2" && tar -C "$2" -xzpf "$fixtures/reference-$1.tgz" \
	    --numeric-owner
}

# vpasswd_in_cdb DOMDIR: every vpasswd line is a key of vpasswd.cdb with
# the rest of the line as its value
vpasswd_in_cdb() {
	n=0
	while IFS= read -r line; do
		name=${line%%:*} rest=${line#*:}
		got=$(cdbq "$1/vpasswd.cdb" "$name") ||
		    { echo "$1: no key $name"; return 1; }
		[ "$got" = "$rest" ] ||
		    { echo "$1: $name: '$got' != '$rest'"; return 1; }
		n=$((n + 1))
	done <"$1/vpasswd"
	[ "$n" -gt 0 ] || { echo "$1: empty vpasswd"; return 1; }
}

all_vpasswd_in_cdb() {
	find "$1/home/vpopmail/domains" -name vpasswd | sort >"$tmp/list"
	[ -s "$tmp/list" ] || { echo "no vpasswd files"; return 1; }
	while IFS= read -r f; do
		vpasswd_in_cdb "${f%/vpasswd}" || return 1
	done <"$tmp/list"
}

# assign_lookup ROOT DOMAIN REALDOMAIN REALDIR: users/cdb maps !DOMAIN-
# to REALDOMAIN 89 89 ROOT/home/vpopmail/domains/REALDIR -
assign_lookup() {
	want="$3|89|89|$1/home/vpopmail/domains/$4|-|"
	got=$(cdbq "$1/var/qmail/users/cdb" "!$2-" | tr '\0' '|') ||
	    { echo "no key !$2-"; return 1; }
	[ "$got" = "$want" ] || { echo "got '$got', want '$want'"; return 1; }
	wild=$(cdbq "$1/var/qmail/users/cdb" "") ||
	    { echo "no wildcard record"; return 1; }
	[ "$wild" = "-" ] || { echo "wildcard record '$wild'"; return 1; }
}

# no_old_paths ROOT: no text file still holds an un-rerooted path
no_old_paths() {
	bad=$(cd "$1" && grep -rlE \
	    '(^|[:[:space:]'\''"&|=])/(home/vpopmail|var/qmail)' \
	    var/qmail/users/assign home/vpopmail/domains \
	    --include=assign --include=vpasswd --include='.qmail*')
	[ -z "$bad" ] || { echo "old paths in: $bad"; return 1; }
	grep -q "$1/home/vpopmail/domains/" "$1/var/qmail/users/assign" ||
	    { echo "assign not rerooted"; return 1; }
}

for tree in small large; do
	case $tree in
	small)	cdb_sha=307fd7cb2e8a459839f323e9d0913154255bd7cb7510c8dcbe7a82f2151cfaec
		dom=example.com ;;
	large)	cdb_sha=30f42b1dde353445b8fe6db88bba766c8653dbd8f4c9aeb99d1088bb3e36e7ef
		mrh_sha=3af3dcda6b6fe8ce00a4c28759e9eca289519c685e714ac7e198e05ecfd239f7
		dom=big.example ;;
	esac

	# identity
	id=$tmp/$tree-id
	if ! extract $tree "$id" || ! extract $tree "$tmp/$tree-orig"; then
		fail "$tree: extract"; continue
	fi
	listing "$tmp/$tree-orig" >"$tmp/$tree-orig.list"
	check "$tree: reroot DIR / runs" "$reroot" "$id" /
	got=$(sha "$id/var/qmail/users/cdb")
	if [ "$got" = "$cdb_sha" ]; then
		ok "$tree: identity users/cdb sha256 $cdb_sha"
	else
		fail "$tree: identity users/cdb sha256" "$got != $cdb_sha"
	fi
	if [ $tree = large ]; then
		got=$(sha "$id/var/qmail/control/morercpthosts.cdb")
		if [ "$got" = "$mrh_sha" ]; then
			ok "$tree: identity morercpthosts.cdb sha256 $mrh_sha"
		else
			fail "$tree: identity morercpthosts.cdb sha256" \
			    "$got != $mrh_sha"
		fi
	fi
	listing "$id" >"$tmp/$tree-id.list"
	check "$tree: identity leaves every file, vpasswd.cdb, owner and mode" \
	    diff "$tmp/$tree-orig.list" "$tmp/$tree-id.list"

	# reroot to the extraction directory itself
	rr=$tmp/$tree-rr
	if ! extract $tree "$rr"; then
		fail "$tree: extract"; continue
	fi
	rr=$(cd "$rr" && pwd -P)
	(cd "$rr" && find . -printf '%p %y %m %U %G\n' | sort) >"$tmp/$tree-m1"
	check "$tree: reroot DIR runs" "$reroot" "$rr"
	(cd "$rr" && find . -printf '%p %y %m %U %G\n' | sort) >"$tmp/$tree-m2"
	check "$tree: reroot keeps the file set, owners and modes" \
	    diff "$tmp/$tree-m1" "$tmp/$tree-m2"
	check "$tree: users/cdb !$dom- has the new path" \
	    assign_lookup "$rr" $dom $dom $dom
	if [ $tree = large ]; then
		check "$tree: users/cdb !alias.example- has the new path" \
		    assign_lookup "$rr" alias.example big.example big.example
		check "$tree: morercpthosts.cdb has d60.example" \
		    cdbq "$rr/var/qmail/control/morercpthosts.cdb" d60.example
	fi
	check "$tree: every vpasswd line is in vpasswd.cdb" \
	    all_vpasswd_in_cdb "$rr"
	check "$tree: no old paths left" no_old_paths "$rr"
	check "$tree: .qmail-default rerooted" grep -qF \
	    "| $rr/home/vpopmail/bin/vdelivermail '' delete" \
	    "$rr/home/vpopmail/domains/$dom/.qmail-default"
	if [ $tree = large ]; then
		check "$tree: .qmail-copy rerooted" grep -qxF \
		    "$rr/home/vpopmail/domains/big.example/u005/Maildir/" \
		    "$rr/home/vpopmail/domains/big.example/.qmail-copy"
	fi
	listing "$rr" >"$tmp/$tree-rr1.list"
	"$reroot" "$rr" >/dev/null 2>&1
	listing "$rr" >"$tmp/$tree-rr2.list"
	check "$tree: a second reroot changes nothing" \
	    diff "$tmp/$tree-rr1.list" "$tmp/$tree-rr2.list"
done

# bad usage and bad input fail cleanly
check "usage error" sh -c "! '$reroot' 2>/dev/null"
mkdir -p "$tmp/bad/home/vpopmail" "$tmp/bad/var/qmail/users"
printf '+x.example-:x.example:89:89:/home/vpopmail/domains/x:-::\n' \
    >"$tmp/bad/var/qmail/users/assign"
check "assign without final . is rejected, no users/cdb written" \
    sh -c "! '$reroot' '$tmp/bad' 2>/dev/null &&
	[ ! -e '$tmp/bad/var/qmail/users/cdb' ]"

if [ $failed -eq 0 ]; then
	rm -rf "$tmp"
else
	echo "# files kept in $tmp"
fi
echo "reroot: $passed passed, $failed failed"
[ $failed -eq 0 ]
