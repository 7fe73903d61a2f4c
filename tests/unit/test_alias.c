/*
 * test_alias.c - the dot-qmail files (privhelper/qmailfile.h): name
 * encoding, the append/remove rewrite (whole lines, stored CR ignored,
 * empty file deleted, mode 0600), links never written through and read
 * only inside the domain directory, the sorted scan.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qmailfile.h"
#include "unit/t.h"
#include "unit/tdir.h"

static char top[PATH_MAX / 2], dom[PATH_MAX];
static int domfd = -1;

/* The whole content of dom/name into buf; length or -1. */
static ssize_t
slurp(const char *name, char *buf, size_t max)
{
	char p[PATH_MAX * 2];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dom, name);
	if ((fd = open(p, O_RDONLY | O_NOFOLLOW)) < 0)
		return -1;
	n = read(fd, buf, max - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static int
is_content(const char *name, const char *want)
{
	char buf[4096];

	return slurp(name, buf, sizeof(buf)) == (ssize_t)strlen(want) &&
	    strcmp(buf, want) == 0;
}

static int
put(const char *name, const char *content)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s/%s", dom, name);
	return t_write(p, content, strlen(content));
}

static int
exists(const char *name)
{
	struct stat st;

	return fstatat(domfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void
test_names(void)
{
	char out[QF_NAME_MAX], alias[QF_NAME_MAX];
	char long64[65], long65[66];

	memset(long64, 'a', 64);
	long64[64] = '\0';
	memset(long65, 'a', 65);
	long65[65] = '\0';
	CHECK(qf_file_name("info", out, sizeof(out)) == 0 &&
	    strcmp(out, ".qmail-info") == 0, "info -> .qmail-info");
	CHECK(qf_file_name("first.last", out, sizeof(out)) == 0 &&
	    strcmp(out, ".qmail-first:last") == 0,
	    "first.last -> .qmail-first:last");
	CHECK(qf_file_name(".x.", out, sizeof(out)) == 0 &&
	    strcmp(out, ".qmail-:x:") == 0, "leading/trailing dots encoded");
	CHECK(qf_file_name("sales-default", out, sizeof(out)) == 0,
	    "a -default wildcard name is an alias name");
	CHECK(qf_file_name(long64, out, sizeof(out)) == 0, "64 bytes ok");
	CHECK(qf_file_name(long65, out, sizeof(out)) < 0, "65 bytes refused");
	CHECK(qf_file_name("", out, sizeof(out)) < 0, "empty refused");
	CHECK(qf_file_name("default", out, sizeof(out)) < 0,
	    "default (the catch-all) refused");
	CHECK(qf_file_name("a/b", out, sizeof(out)) < 0, "'/' refused");
	CHECK(qf_file_name("../x", out, sizeof(out)) < 0, "../x refused");
	CHECK(qf_file_name("a:b", out, sizeof(out)) < 0,
	    "':' refused (it would decode as '.')");
	CHECK(qf_file_name("a b", out, sizeof(out)) < 0 &&
	    qf_file_name("a\tb", out, sizeof(out)) < 0 &&
	    qf_file_name("a\x7f", out, sizeof(out)) < 0,
	    "blank and control bytes refused");
	qf_alias_of(".qmail-first:last", alias, sizeof(alias));
	CHECK(strcmp(alias, "first.last") == 0, "decoded back: %s", alias);
	CHECK(qf_line_ok("&a@b.example") && !qf_line_ok("") &&
	    !qf_line_ok("   ") && !qf_line_ok("a\rb") && !qf_line_ok("a\nb"),
	    "line rule: control bytes and blank lines refused");
}

static void
test_rewrite(void)
{
	struct stat st;

	CHECK(qf_append(domfd, ".qmail-info", "&a@x.example", (uid_t)-1,
	    (gid_t)-1) == 0 && is_content(".qmail-info", "&a@x.example\n"),
	    "append creates the file");
	/* stat before CHECK: its arguments are evaluated in no set order */
	if (fstatat(domfd, ".qmail-info", &st, 0) < 0)
		memset(&st, 0, sizeof(st));
	CHECK((st.st_mode & 07777) == 0600, "mode 0600 (%o)",
	    (unsigned)(st.st_mode & 07777));
	if (geteuid() == 0) {
		CHECK(qf_append(domfd, ".qmail-own", "&o@x.example", 4321, 4322)
		    == 0 && fstatat(domfd, ".qmail-own", &st, 0) == 0 &&
		    st.st_uid == 4321 && st.st_gid == 4322,
		    "as root the file belongs to the domain's uid:gid");
		CHECK(unlinkat(domfd, ".qmail-own", 0) == 0, "cleanup");
	} else
		T_SKIP("owner: not root, files are never chowned");
	/* a file written by a CRLF client, without a final newline */
	CHECK(put(".qmail-crlf", "&a@x.example\r\n&a@x.example.uk\r\n"
	    "&b@x.example") == 0, "fixture .qmail-crlf");
	CHECK(qf_append(domfd, ".qmail-crlf", "&c@x.example", (uid_t)-1,
	    (gid_t)-1) == 0 && is_content(".qmail-crlf", "&a@x.example\r\n"
	    "&a@x.example.uk\r\n&b@x.example\n&c@x.example\n"),
	    "append keeps old lines byte for byte and ends the last one");
	CHECK(qf_remove_line(domfd, ".qmail-crlf", "&a@x.example", (uid_t)-1,
	    (gid_t)-1) == 1 && is_content(".qmail-crlf", "&a@x.example.uk\r\n"
	    "&b@x.example\n&c@x.example\n"),
	    "remove: a stored CR ignored, a longer line kept (V7)");
	CHECK(qf_remove_line(domfd, ".qmail-crlf", "&a@x", (uid_t)-1,
	    (gid_t)-1) == 0 && is_content(".qmail-crlf", "&a@x.example.uk\r\n"
	    "&b@x.example\n&c@x.example\n"), "a prefix removes nothing");
	CHECK(put(".qmail-dup", "&d@x.example\n&e@x.example\n&d@x.example\n")
	    == 0 && qf_remove_line(domfd, ".qmail-dup", "&d@x.example",
	    (uid_t)-1, (gid_t)-1) == 2 && is_content(".qmail-dup",
	    "&e@x.example\n"), "every equal line goes");
	CHECK(qf_remove_line(domfd, ".qmail-dup", "&e@x.example", (uid_t)-1,
	    (gid_t)-1) == 1 && !exists(".qmail-dup"),
	    "the file is deleted when no line remains");
	errno = 0;
	CHECK(qf_remove_line(domfd, ".qmail-none", "&e@x.example", (uid_t)-1,
	    (gid_t)-1) < 0 && errno == ENOENT, "remove from a missing file: "
	    "ENOENT");
}

static void
test_links(void)
{
	char buf[256], p[PATH_MAX * 2], outside[PATH_MAX * 2];
	int fd;
	ssize_t n;

	snprintf(outside, sizeof(outside), "%s/outside", top);
	CHECK(t_write(outside, "secret\n", 7) == 0, "fixture: a file outside");
	snprintf(p, sizeof(p), "%s/.qmail-evil", dom);
	CHECK(symlink(outside, p) == 0, "fixture: link to outside");
	errno = 0;
	CHECK(qf_append(domfd, ".qmail-evil", "&x@y.example", (uid_t)-1,
	    (gid_t)-1) < 0 && errno == ELOOP, "append refuses a link");
	CHECK(qf_remove_line(domfd, ".qmail-evil", "secret", (uid_t)-1,
	    (gid_t)-1) < 0, "remove refuses a link");
	fd = open(outside, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	CHECK(n == 7 && memcmp(buf, "secret\n", 7) == 0,
	    "the link target is unchanged");
	CHECK(qf_open_entry(domfd, dom, ".qmail-evil") < 0,
	    "a link outside the domain is not read");
	/* ezmlm-make: .qmail-list -> <domain>/list/editor */
	snprintf(p, sizeof(p), "%s/list", dom);
	CHECK(mkdir(p, 0700) == 0, "fixture: list dir");
	CHECK(put("list/editor", "|/usr/bin/ezmlm-reject 'x'\n") == 0,
	    "fixture: editor");
	snprintf(p, sizeof(p), "%s/.qmail-list", dom);
	snprintf(outside, sizeof(outside), "%s/list/editor", dom);
	CHECK(symlink(outside, p) == 0, "fixture: absolute link inside");
	snprintf(p, sizeof(p), "%s/.qmail-list-owner", dom);
	CHECK(symlink("list/editor", p) == 0, "fixture: relative link inside");
	fd = qf_open_entry(domfd, dom, ".qmail-list");
	n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	CHECK(n == 27 && memcmp(buf, "|/usr/bin/ezmlm-reject", 22) == 0,
	    "an absolute link inside the domain is read");
	fd = qf_open_entry(domfd, dom, ".qmail-list-owner");
	CHECK(fd >= 0, "a relative link inside the domain is read");
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof(p), "%s/.qmail-up", dom);
	CHECK(symlink("../outside", p) == 0 &&
	    qf_open_entry(domfd, dom, ".qmail-up") < 0,
	    "a relative link climbing out is not read");
}

static void
test_scan(void)
{
	struct qf_scan s;
	size_t i;
	char p[PATH_MAX * 2];
	int sorted = 1, has_dir = 0, links = 0;

	snprintf(p, sizeof(p), "%s/.qmail-adir", dom);
	CHECK(mkdir(p, 0700) == 0, "fixture: a directory named .qmail-adir");
	CHECK(put(".qmail-Big", "&b@x.example\n") == 0 &&
	    put(".qmail-apple", "&a@x.example\n") == 0 &&
	    put("not-qmail", "x\n") == 0, "fixtures");
	CHECK(qf_scan(domfd, &s) == 0, "scan");
	for (i = 0; i < s.n; i++) {
		if (i > 0 && strcasecmp(s.e[i - 1].name, s.e[i].name) > 0)
			sorted = 0;
		if (strcmp(s.e[i].name, ".qmail-adir") == 0)
			has_dir = 1;
		links += s.e[i].is_link;
		CHECK(strncmp(s.e[i].name, ".qmail-", 7) == 0, "entry %s",
		    s.e[i].name);
	}
	CHECK(sorted, "sorted case-insensitively");
	CHECK(!has_dir, "a directory is not an entry");
	CHECK(links == 4, "links are entries, marked (%d)", links);
	CHECK(s.n == 8, "8 entries (%zu)", s.n);
	qf_scan_free(&s);
}

static void
test_lock(void)
{
	int a, b;

	a = qf_lock(domfd, 0);
	CHECK(a >= 0, "lock taken");
	b = qf_lock(domfd, 0);
	CHECK(b < 0 && errno == ETIMEDOUT, "a second lock times out");
	qf_unlock(a);
	b = qf_lock(domfd, 0);
	CHECK(b >= 0, "free again after unlock");
	qf_unlock(b);
}

int
main(void)
{
	if (t_mkdtemp(top, sizeof(top), "alias") < 0) {
		CHECK(0, "temporary directory");
		return T_DONE("test_alias");
	}
	snprintf(dom, sizeof(dom), "%s/example.com", top);
	if (mkdir(dom, 0700) < 0 ||
	    (domfd = open(dom, O_PATH | O_DIRECTORY)) < 0) {
		CHECK(0, "domain directory");
		return T_DONE("test_alias");
	}
	test_names();
	test_rewrite();
	test_links();
	test_scan();
	test_lock();
	close(domfd);
	t_rm_rf(top);
	return T_DONE("test_alias");
}
