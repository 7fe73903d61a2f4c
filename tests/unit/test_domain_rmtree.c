/*
 * test_domain_rmtree.c - privhelper/rmtree.c: a nested tree is removed;
 * symlinks inside it (to a directory and to a file outside) are removed
 * as links and their targets survive; a named entry that is itself a
 * symlink loses only the link; plain files, FIFOs; ENOENT and EINVAL;
 * a tree deeper than RMTREE_DEPTH_MAX is refused with ELOOP.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rmtree.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 512];
static int dfd = -1;

static char *
p(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, name);
}

static int
exists(const char *name)
{
	struct stat st;

	return lstat(p(name), &st) == 0;
}

static void
test_tree(void)
{
	int ok = mkdir(p("dom"), 0700) == 0 &&
	    mkdir(p("dom/u1"), 0700) == 0 &&
	    mkdir(p("dom/u1/Maildir"), 0700) == 0 &&
	    mkdir(p("dom/u1/Maildir/new"), 0700) == 0 &&
	    t_write(p("dom/u1/Maildir/new/m1"), "x", 1) == 0 &&
	    t_write(p("dom/vpasswd"), "a\n", 2) == 0 &&
	    mkdir(p("outside"), 0700) == 0 &&
	    t_write(p("outside/keep"), "k", 1) == 0 &&
	    symlink(p("outside"), p("dom/u1/linkdir")) == 0 &&
	    symlink(p("outside/keep"), p("dom/linkfile")) == 0 &&
	    mkfifo(p("dom/fifo"), 0600) == 0;

	if (!CHECK(ok, "setup tree"))
		return;
	/* 0700 directories without write permission for the owner too */
	CHECK(chmod(p("dom/u1/Maildir/new"), 0500) == 0, "setup r-x dir");
	CHECK(rmtree_at(dfd, "dom") == 0, "rmtree_at removes the tree");
	CHECK(!exists("dom"), "dom is gone");
	CHECK(exists("outside/keep") && exists("outside"),
	    "the symlinks' targets survive");
}

static void
test_named_symlink(void)
{
	CHECK(mkdir(p("real"), 0700) == 0 && t_write(p("real/f"), "f", 1) == 0
	    && symlink("real", p("alias")) == 0, "setup named link");
	CHECK(rmtree_at(dfd, "alias") == 0, "a named symlink is removed");
	CHECK(!exists("alias") && exists("real/f"),
	    "only the link went, its target stays");
	CHECK(rmtree_at(dfd, "real") == 0 && !exists("real"), "cleanup real");
}

static void
test_errors(void)
{
	CHECK(t_write(p("plain"), "p", 1) == 0, "setup plain file");
	CHECK(rmtree_at(dfd, "plain") == 0 && !exists("plain"),
	    "a plain file is removed");
	errno = 0;
	CHECK(rmtree_at(dfd, "missing") < 0 && errno == ENOENT,
	    "missing name: -1 ENOENT");
	errno = 0;
	CHECK(rmtree_at(dfd, "..") < 0 && errno == EINVAL, "\"..\": EINVAL");
	errno = 0;
	CHECK(rmtree_at(dfd, ".") < 0 && errno == EINVAL, "\".\": EINVAL");
	errno = 0;
	CHECK(rmtree_at(dfd, "a/b") < 0 && errno == EINVAL, "\"a/b\": EINVAL");
	errno = 0;
	CHECK(rmtree_at(dfd, "") < 0 && errno == EINVAL, "\"\": EINVAL");
}

static void
test_depth(void)
{
	char rel[PATH_MAX];
	size_t n = 0;
	int i, ok = 1;

	rel[0] = '\0';
	for (i = 0; ok && i < RMTREE_DEPTH_MAX + 2; i++) {
		n += (size_t)snprintf(rel + n, sizeof(rel) - n, "%sd",
		    i ? "/" : "");
		ok = mkdir(p(rel), 0700) == 0;
	}
	if (!CHECK(ok, "setup %d levels", RMTREE_DEPTH_MAX + 2))
		return;
	errno = 0;
	CHECK(rmtree_at(dfd, "d") < 0 && errno == ELOOP,
	    "a tree deeper than %d levels: ELOOP", RMTREE_DEPTH_MAX);
	CHECK(exists("d"), "and the top stays");
}

int
main(void)
{
	if (t_mkdtemp(top, sizeof(top), "rmtree") < 0) {
		CHECK(0, "mkdtemp");
		return T_DONE("test_domain_rmtree");
	}
	dfd = ts_dirfd(top);	/* O_PATH, as the helper holds them */
	CHECK(dfd >= 0, "open top O_PATH");
	test_tree();
	test_named_symlink();
	test_errors();
	test_depth();
	close(dfd);
	t_rm_rf(top);
	return T_DONE("test_domain_rmtree");
}
