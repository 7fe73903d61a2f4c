/*
 * test_fs_cmds - the file-system commands through the real daemon (its
 * sandbox included) on trees a transcript cannot build: planted links at
 * the final and inner positions (never followed, a final link is an entry
 * of its own), mk_dir's owner and mode (FS3), names with CR/LF and other
 * types in list_dir, an rm_dir failure reported (FS4).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"
#include "unit/test_domain_daemon.h"

#define HOME1	"home/vpopmail/domains/example.com/user1"

static char *
p(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, name);
}

static int
is_link(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Reads list_dir lines up to "."; 1 when want (a "name type" line) was
 * among them, and every line is one CRLF line without CR/LF inside. */
static int
listing_has(struct daemon *d, const char *want, int *lines)
{
	const char *l;
	int found = 0;

	*lines = 0;
	while ((l = read_line(d)) != NULL && strcmp(l, ".") != 0) {
		(*lines)++;
		if (strcmp(l, want) == 0)
			found = 1;
	}
	return l != NULL && found;
}

static void
plant(void)
{
	CHECK(symlink("/etc", p(HOME1 "/etclink")) == 0 &&
	    symlink("../postmaster", p(HOME1 "/pmlink")) == 0 &&
	    symlink("../postmaster/lastauth", p(HOME1 "/lnkfile")) == 0 &&
	    symlink("nowhere", p(HOME1 "/dangling")) == 0 &&
	    mkdir(p(HOME1 "/sub"), 0700) == 0 &&
	    symlink("../../postmaster", p(HOME1 "/sub/in")) == 0 &&
	    t_write(p(HOME1 "/bad\nname"), "x", 1) == 0 &&
	    t_write(p(HOME1 "/bad\rname"), "x", 1) == 0 &&
	    mkfifo(p(HOME1 "/pipe"), 0600) == 0,
	    "links, a CR/LF name and a fifo planted in user1's home");
}

static void
test_links(struct daemon *d)
{
	int n;

	CHECK(say(d, "list_dir user1@example.com/", "+OK+") &&
	    listing_has(d, "etclink link", &n), "a link is listed as a link");
	CHECK(say(d, "list_dir user1@example.com/", "+OK+") &&
	    listing_has(d, "pipe fifo", &n) && n == 8,
	    "fifo type; the two CR/LF names are skipped (%d entries)", n);
	CHECK(say(d, "list_dir user1@example.com/etclink/",
	    "-ERR 0.1802 Too many levels of symbolic links"),
	    "list_dir never enters a link to /etc");
	CHECK(say(d, "list_dir user1@example.com/pmlink/Maildir/",
	    "-ERR 0.1802 Too many levels of symbolic links"),
	    "nor walks through a link to another mailbox");
	CHECK(say(d, "mk_dir user1@example.com/etclink/x/",
	    "-ERR 0.1602 Too many levels of symbolic links") &&
	    !exists("/etc/x"), "mk_dir through a link: refused");
	CHECK(say(d, "rename_file user1@example.com/etclink/hostname "
	    "user1@example.com/h", "-ERR 0.3803 Too many levels of symbolic "
	    "links") && !exists(p(HOME1 "/h")), "rename out through a link");
	CHECK(say(d, "rm_file user1@example.com/lnkfile", "+OK ") &&
	    !exists(p(HOME1 "/lnkfile")) &&
	    exists(p("home/vpopmail/domains/example.com/postmaster/lastauth")),
	    "rm_file removes the link, not the file it names");
	CHECK(say(d, "rm_dir user1@example.com/pmlink/", "+OK ") &&
	    !exists(p(HOME1 "/pmlink")) &&
	    exists(p("home/vpopmail/domains/example.com/postmaster/Maildir")),
	    "rm_dir of a link (trailing '/'): the link only");
	CHECK(say(d, "rm_dir user1@example.com/sub", "+OK ") &&
	    !exists(p(HOME1 "/sub")) &&
	    exists(p("home/vpopmail/domains/example.com/postmaster/Maildir")),
	    "rm_dir of a tree holding a link: nothing followed");
	CHECK(say(d, "rename_file user1@example.com/dangling "
	    "user1@example.com/Maildir/d2", "+OK ") &&
	    is_link(p(HOME1 "/Maildir/d2")), "rename_file moves a link as is");
}

static void
test_mk_dir_owner(struct daemon *d)
{
	struct stat st;

	if (!CHECK(say(d, "mk_dir user1@example.com/made/", "+OK ") &&
	    stat(p(HOME1 "/made"), &st) == 0, "mk_dir made"))
		return;
	CHECK((st.st_mode & 07777) == 0700, "mode 0700 (got %o)",
	    (unsigned)(st.st_mode & 07777));
	if (geteuid() != 0) {
		T_SKIP("owner not checked: not root (nothing is chowned)");
		return;
	}
	CHECK(st.st_uid == 89 && st.st_gid == 89,
	    "owner is the domain's 89:89 (got %u:%u)", (unsigned)st.st_uid,
	    (unsigned)st.st_gid);
}

/* A tree deeper than rmtree's limit cannot be removed: reported (FS4). */
static void
test_rm_dir_failure(struct daemon *d)
{
	char rel[PATH_MAX];
	size_t len;
	int i;

	len = (size_t)snprintf(rel, sizeof(rel), "%s/deep", HOME1);
	for (i = 0; i < 70 && len + 3 < sizeof(rel); i++) {
		if (mkdir(p(rel), 0700) < 0)
			break;
		memcpy(rel + len, "/d", 3);
		len += 2;
	}
	CHECK(i == 70, "a tree 70 levels deep");
	CHECK(say(d, "rm_dir user1@example.com/deep/",
	    "-ERR 0.1702 Too many levels of symbolic links") &&
	    exists(p(HOME1 "/deep")), "rm_dir reports what it could not "
	    "remove");
}

int
main(void)
{
	struct daemon d;

	signal(SIGPIPE, SIG_IGN);
	if (find_build() < 0 || ts_fixtures() == NULL) {
		CHECK(0, "find the build directory and the fixtures");
		return T_DONE("test_fs_cmds");
	}
	if (!CHECK(setup_tree("small", "fscmds", "") == 0, "small tree"))
		return T_DONE("test_fs_cmds");
	plant();
	if (CHECK(start_daemon(&d, "--timeout=60") == 0, "start daemon")) {
		CHECK(strcmp(read_line(&d) ?: "", "+OK ") == 0, "greeting");
		CHECK(say(&d, "slogin user1@example.com test", "+OK "),
		    "user1 logs in");
		test_links(&d);
		test_mk_dir_owner(&d);
		test_rm_dir_failure(&d);
		CHECK(say(&d, "quit", "+OK "), "quit");
		CHECK(stop_daemon(&d), "the daemon exits 0");
	}
	t_rm_rf(top);
	return T_DONE("test_fs_cmds");
}
