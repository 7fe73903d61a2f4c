/*
 * test_storage_linefile.c - privhelper/linefile.c: the bounded line
 * reader (lines across buffer refills, the unterminated tail, NUL bytes,
 * over-long lines, non-regular files and symlinks refused); the sort key
 * of STORAGE.md 4.7; and the qmail file updates on the reference trees:
 * adding d61.example to the large tree puts every line where the
 * reference tools would and removing it again gives back the reference
 * bytes, the 50-line switch to morercpthosts, foreign lines kept, lines
 * behind assign's "." kept inactive, no file created by a removal.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/wait.h>

#include "cdbmake.h"
#include "linefile.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 64];
static int dfd = -1;

static char *
p(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, name);
}

static void
test_reader_basic(void)
{
	static const char text[] = "one\n\nthr\0ee\nlast";
	struct lf_reader r;
	char line[16];
	size_t n;
	int fd = -1, nl;

	CHECK(t_write(p("a"), text, sizeof(text) - 1) == 0, "setup a");
	if (!CHECK((fd = lf_open(dfd, "a")) >= 0, "lf_open a"))
		return;
	lf_init(&r, fd);
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 1 && n == 3 &&
	    nl == 1 && strcmp(line, "one") == 0, "line 1 \"one\"");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 1 && n == 0 &&
	    nl == 1, "line 2 empty, terminated");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 1 && n == 6 &&
	    memcmp(line, "thr\0ee", 6) == 0, "line 3 keeps its NUL byte");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 1 && n == 4 &&
	    nl == 0 && strcmp(line, "last") == 0, "unterminated tail, nl 0");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 0, "then EOF");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 0, "EOF again");
	close(fd);

	CHECK(t_write(p("e"), "", 0) == 0 && (fd = lf_open(dfd, "e")) >= 0,
	    "empty file");
	lf_init(&r, fd);
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 0, "empty: EOF");
	close(fd);
}

static void
test_reader_bounds(void)
{
	static char text[3 * LF_BUFSZ], line[LF_BUFSZ + 8];
	struct lf_reader r;
	size_t n, i, lines = 0;
	int fd = -1, nl, k, ok = 1;

	/* lines of growing length, crossing every refill boundary */
	for (i = 0, n = 0; n + i + 1 < sizeof(text); i = (i + 7) % 500) {
		memset(text + n, 'a' + (int)(i % 26), i);
		n += i;
		text[n++] = '\n';
		lines++;
	}
	CHECK(t_write(p("b"), text, n) == 0 && (fd = lf_open(dfd, "b")) >= 0,
	    "setup b: %zu lines", lines);
	lf_init(&r, fd);
	for (i = 0; (k = lf_next(&r, line, 500, &n, &nl)) == 1; i++) {
		if (!nl || memchr(line, '\n', n) != NULL)
			ok = 0;
	}
	CHECK(k == 0 && ok && i == lines, "all %zu lines back, none split",
	    i);
	close(fd);

	memset(text, 'x', 600);
	text[600] = '\n';
	CHECK(t_write(p("c"), text, 601) == 0 && (fd = lf_open(dfd, "c")) >= 0,
	    "setup c: a 600-byte line");
	lf_init(&r, fd);
	CHECK(lf_next(&r, line, 600, &n, &nl) < 0 && errno == EFBIG,
	    "max 600 (599 usable): EFBIG");
	close(fd);
	fd = lf_open(dfd, "c");
	lf_init(&r, fd);
	CHECK(lf_next(&r, line, 601, &n, &nl) == 1 && n == 600 && nl,
	    "max 601: the line fits");
	close(fd);
}

static void
test_open(void)
{
	CHECK(lf_open(dfd, "missing") < 0 && errno == ENOENT,
	    "missing: ENOENT");
	CHECK(symlink("a", p("link")) == 0 && lf_open(dfd, "link") < 0 &&
	    errno == ELOOP, "symlink: ELOOP");
	CHECK(mkfifo(p("fifo"), 0600) == 0 && lf_open(dfd, "fifo") < 0 &&
	    errno == EINVAL, "FIFO: EINVAL, without blocking");
	CHECK(mkdir(p("dir"), 0700) == 0 && lf_open(dfd, "dir") < 0,
	    "directory refused");
	CHECK(lf_open(dfd, "../x") < 0 && errno == EXDEV, "../x: EXDEV");
}

static void
test_sort_key(void)
{
	static const struct {
		enum lf_kind	 kind;
		const char	*line;
		const char	*key;
	} v[] = {
		{ LF_HOSTS, "example.com", "example.com" },
		{ LF_HOSTS, "mail.example.org", "example.org.mail" },
		{ LF_HOSTS, "a.b.example.com", "example.com.a.b" },
		{ LF_HOSTS, "a.b.example.co.uk", "co.uk.a.b.a" },
		{ LF_HOSTS, "localhost", "localhost" },
		{ LF_HOSTS, "a..b", "a.b" },
		{ LF_HOSTS, "..x", "..x" },
		{ LF_HOSTS, "1.2.3.4.5.6.7.8.9.10.11.12", "9.10.1.2.1.2.1.2.1.2" },
		{ LF_VIRTUAL, "mail.example.org:mail.example.org",
		  "example.org.mail" },
		{ LF_VIRTUAL, "example.com:example.com", "example.com" },
		{ LF_ASSIGN, "+mail.example.org-:mail.example.org:89:89:/d:-::",
		  "example.org.mail" },
		{ LF_ASSIGN, "+example.com-:example.com:89:89:/d:-::",
		  "example.com" },
		{ LF_ASSIGN, "=joe:joe:1:1:/h:::", "jo" },
		{ LF_ASSIGN, ".", "" },
	};
	char key[256];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		lf_sort_key(v[i].kind, v[i].line, strlen(v[i].line), key,
		    sizeof(key));
		CHECK(strcmp(key, v[i].key) == 0, "key(%d, \"%s\") = \"%s\"",
		    (int)v[i].kind, v[i].line, key);
	}
}

static char *
q(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/large/var/qmail/%s", top,
	    rel);
}

/* path now holds orig with line inserted as line number at (1-based). */
static int
inserted_at(const char *path, const char *orig, const char *line, int at)
{
	size_t n, ln = strlen(line);
	char *a = ts_slurp(path, 1 << 20, &n), *b = ts_slurp(orig, 1 << 20,
	    NULL), *pa = a, *pb = b;
	int ok = a != NULL && b != NULL, i;

	for (i = 1; ok && i < at; i++) {
		char *ea = strchr(pa, '\n'), *eb = strchr(pb, '\n');

		ok = ea != NULL && eb != NULL && ea - pa == eb - pb &&
		    memcmp(pa, pb, (size_t)(ea - pa)) == 0;
		if (ok) {
			pa = ea + 1;
			pb = eb + 1;
		}
	}
	ok = ok && strncmp(pa, line, ln) == 0 && pa[ln] == '\n' &&
	    strcmp(pa + ln + 1, pb) == 0;
	free(a);
	free(b);
	return ok;
}

static void
save_orig(void)
{
	static const char *f[] = { "users/assign", "users/cdb",
	    "control/rcpthosts", "control/morercpthosts",
	    "control/morercpthosts.cdb", "control/virtualdomains",
	    "control/locals" };
	char dst[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		ts_path(dst, sizeof(dst), "%s/orig-%zu", top, i);
		ts_copy(q(f[i]), dst);
	}
}

static char *
orig(int i)
{
	static char buf[4][PATH_MAX];
	static int k;

	k = (k + 1) % 4;
	return ts_path(buf[k], sizeof(buf[k]), "%s/orig-%d", top, i);
}

static int
mode_is(const char *path, unsigned mode)
{
	struct stat st;

	return stat(path, &st) == 0 && (st.st_mode & 07777) == mode;
}

static long
cdbq(const char *path, const char *key)
{
	unsigned dl;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = cdb_seek(fd, key, (unsigned)strlen(key), &dl);
	close(fd);
	return r > 0 ? (long)dl : -1;
}

static void
test_large_d61(int qfd)
{
	static const char a61[] = "+d61.example-:d61.example:89:89:"
	    "/home/vpopmail/domains/d61.example:-::";
	const char *names[] = { "d61.example" }, *alines[] = { a61 };
	char line[512];

	save_orig();
	CHECK(lf_assign_line("d61.example", "d61.example", 89, 89,
	    "/home/vpopmail/domains/d61.example", line, sizeof(line)) == 0 &&
	    strcmp(line, a61) == 0, "lf_assign_line");
	CHECK(lf_assign_add(qfd, line) == 0, "assign: add d61.example");
	CHECK(inserted_at(q("users/assign"), orig(0), a61, 63),
	    "assign: line 63, after d60, before \".\"");
	CHECK(cdbq(q("users/cdb"), "!d61.example-") == 55,
	    "users/cdb rebuilt under the lock: !d61.example- (55 bytes)");
	CHECK(mode_is(q("users/assign"), 0644) && mode_is(q("users/cdb"),
	    0644), "assign and cdb 0644");
	CHECK(lf_hosts_add(qfd, "d61.example") == 1,
	    "hosts: rcpthosts has 50 lines -> morercpthosts");
	CHECK(ts_same_file(q("control/rcpthosts"), orig(2)),
	    "rcpthosts untouched");
	CHECK(inserted_at(q("control/morercpthosts"), orig(3), "d61.example",
	    13), "morercpthosts: line 13, after d60.example");
	CHECK(cdbq(q("control/morercpthosts.cdb"), "d61.example") == 0,
	    "morercpthosts.cdb rebuilt with d61.example");
	CHECK(lf_virtual_add(qfd, "d61.example") == 0 &&
	    inserted_at(q("control/virtualdomains"), orig(5),
	    "d61.example:d61.example", 63), "virtualdomains: line 63");
	CHECK(mode_is(q("control/morercpthosts"), 0644) &&
	    mode_is(q("control/virtualdomains"), 0644), "control files 0644");

	CHECK(lf_assign_add(qfd, a61) < 0 && errno == EEXIST,
	    "assign: the same name again is EEXIST");
	CHECK(lf_hosts_add(qfd, "d61.example") < 0 && errno == EEXIST,
	    "hosts: EEXIST");
	CHECK(lf_hosts_add(qfd, "d01.example") < 0 && errno == EEXIST,
	    "hosts: a name in rcpthosts is EEXIST too");
	CHECK(lf_virtual_add(qfd, "d61.example") < 0 && errno == EEXIST,
	    "virtualdomains: EEXIST");

	CHECK(lf_assign_remove(qfd, alines, 1) == 1, "assign: remove d61");
	CHECK(lf_hosts_remove(qfd, names, 1) == 1, "hosts: remove d61");
	CHECK(lf_virtual_remove(qfd, names, 1) == 1, "virtual: remove d61");
	CHECK(ts_same_file(q("users/assign"), orig(0)) &&
	    ts_same_file(q("users/cdb"), orig(1)),
	    "assign and users/cdb are the reference bytes again");
	CHECK(ts_same_file(q("control/morercpthosts"), orig(3)) &&
	    ts_same_file(q("control/morercpthosts.cdb"), orig(4)),
	    "morercpthosts and its cdb are the reference bytes again");
	CHECK(ts_same_file(q("control/virtualdomains"), orig(5)),
	    "virtualdomains is the reference bytes again");
	CHECK(lf_virtual_remove(qfd, names, 1) == 0 &&
	    ts_same_file(q("control/virtualdomains"), orig(5)),
	    "removing it again: 0 removed, unchanged");
}

static void
test_large_order(int qfd)
{
	char line[512];
	size_t n;
	char *t = NULL;

	CHECK(lf_assign_line("aaa.example", "aaa.example", 89, 89, "/d/aaa",
	    line, sizeof(line)) == 0 && lf_assign_add(qfd, line) == 0 &&
	    (t = ts_slurp(q("users/assign"), 1 << 16, &n)) != NULL &&
	    strncmp(t, "+aaa.example-:", 14) == 0, "aaa.example goes first");
	free(t);
	CHECK(lf_assign_line("mail.alias.example", "big.example", 89, 89,
	    "/d/big", line, sizeof(line)) == 0 && lf_assign_add(qfd, line) == 0,
	    "mail.alias.example added");
	t = ts_slurp(q("users/assign"), 1 << 16, &n);
	CHECK(t != NULL && strstr(t, "+alias.example-:") < strstr(t,
	    "+mail.alias.example-:") && strstr(t, "+mail.alias.example-:") <
	    strstr(t, "+big.example-:"),
	    "key alias.example.mail sorts between alias and big");
	free(t);
	CHECK(lf_hosts_add(qfd, "bad\nname.example") < 0 && errno == EINVAL,
	    "hosts: a name with a newline is EINVAL");
	CHECK(lf_virtual_add(qfd, "a:b.example") < 0 && errno == EINVAL,
	    "virtual: a name with ':' is EINVAL");
	CHECK(lf_assign_line("x.example", "x.example", 1, 1, "/d:1:1", line,
	    sizeof(line)) < 0 && errno == EINVAL, "assign line: dir with ':'");
	CHECK(lf_assign_line("x.example", "x.example", 1, 1, "rel", line,
	    sizeof(line)) < 0 && errno == EINVAL, "assign line: relative dir");
}

static char *
s(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/small/var/qmail/%s", top,
	    rel);
}

static void
test_small(int qfd)
{
	static const char assign[] = "=joe:joe:1000:1000:/home/joe:::\n"
	    "+example.com-:example.com:89:89:/d/com:-::\n.\n"
	    "+behind.example-:behind.example:1:1:/d/b:-::\n";
	static const char want[] = "=joe:joe:1000:1000:/home/joe:::\n"
	    "+example.com-:example.com:89:89:/d/com:-::\n"
	    "+zz.example-:zz.example:89:89:/d/zz:-::\n.\n"
	    "+behind.example-:behind.example:1:1:/d/b:-::\n";
	const char *names[] = { "new.example" }, *locals[] = { "x" };
	char line[512];
	int dirfd;

	CHECK(lf_hosts_add(qfd, "new.example") == 0 &&
	    ts_file_is(s("control/rcpthosts"),
	    "example.com\nexample.net\nnew.example\n", 36),
	    "small: 2 lines in rcpthosts -> rcpthosts");
	CHECK(access(s("control/morercpthosts"), F_OK) < 0,
	    "no morercpthosts created");
	CHECK(lf_hosts_remove(qfd, names, 1) == 1 &&
	    ts_file_is(s("control/rcpthosts"), "example.com\nexample.net\n",
	    24), "removed again");
	CHECK(access(s("control/morercpthosts"), F_OK) < 0,
	    "removal creates no morercpthosts");
	dirfd = ts_dirfd(s("control"));
	CHECK(unlink(s("control/locals")) == 0 &&
	    lf_remove(dirfd, "locals", locals, 1) == 0 &&
	    access(s("control/locals"), F_OK) < 0,
	    "lf_remove on a missing locals leaves it missing (Q10)");
	CHECK(lf_count(dirfd, "rcpthosts") == 2 &&
	    lf_count(dirfd, "locals") == 0, "lf_count");
	close(dirfd);

	CHECK(t_write(s("users/assign"), assign, sizeof(assign) - 1) == 0,
	    "setup: foreign '=' line and a line behind \".\"");
	CHECK(lf_assign_line("zz.example", "zz.example", 89, 89, "/d/zz", line,
	    sizeof(line)) == 0 && lf_assign_add(qfd, line) == 0 &&
	    ts_file_is(s("users/assign"), want, sizeof(want) - 1),
	    "insert keeps '=' line, places before \".\", keeps the tail");
	CHECK(cdbq(s("users/cdb"), "!behind.example-") < 0 &&
	    cdbq(s("users/cdb"), "!zz.example-") > 0,
	    "users/cdb: the tail line stays inactive");
	CHECK(t_write(s("users/assign"), "+a.example-:a.example:1:1:/a:-::\n",
	    33) == 0 && lf_assign_line("b.example", "b.example", 1, 1, "/b",
	    line, sizeof(line)) == 0 && lf_assign_add(qfd, line) == 0 &&
	    ts_file_is(s("users/assign"), "+a.example-:a.example:1:1:/a:-::\n"
	    "+b.example-:b.example:1:1:/b:-::\n.\n", 68),
	    "an assign without \".\" gets one");
	CHECK(unlink(s("users/assign")) == 0 && lf_assign_add(qfd, line) == 0
	    && ts_file_is(s("users/assign"), "+b.example-:b.example:1:1:/b:-::"
	    "\n.\n", 35), "a missing assign is created with \".\"");
}

static void
test_mrh_empty(int qfd)
{
	const char *names[] = { "only.example" };

	CHECK(t_write(s("control/morercpthosts"), "only.example\n", 13) == 0,
	    "setup: morercpthosts with one name");
	CHECK(lf_hosts_remove(qfd, names, 1) == 1 &&
	    access(s("control/morercpthosts"), F_OK) < 0 &&
	    access(s("control/morercpthosts.cdb"), F_OK) < 0,
	    "last name removed: morercpthosts and its cdb both gone");
}

static void
test_fixture_updates(void)
{
	int qfd;

	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree or "
		    "set VP_FIXTURES)");
		return;
	}
	CHECK(mkdir(p("large"), 0700) == 0 && ts_extract("reference-large.tgz",
	    p("large")) == 0, "reference-large extracted");
	CHECK(mkdir(p("small"), 0700) == 0 && ts_extract("reference-small.tgz",
	    p("small")) == 0, "reference-small extracted");
	if ((qfd = ts_dirfd(p("large/var/qmail"))) >= 0) {
		test_large_d61(qfd);
		test_large_order(qfd);
		close(qfd);
	}
	if ((qfd = ts_dirfd(p("small/var/qmail"))) >= 0) {
		test_small(qfd);
		test_mrh_empty(qfd);
		close(qfd);
	}
}

int
main(void)
{
	if (!CHECK(t_mkdtemp(top, sizeof(top), "linefile") == 0 &&
	    (dfd = ts_dirfd(top)) >= 0, "temporary directory %s", top))
		return T_DONE("test_storage_linefile");
	test_reader_basic();
	test_reader_bounds();
	test_open();
	test_sort_key();
	test_fixture_updates();
	close(dfd);
	t_rm_rf(top);
	return T_DONE("test_storage_linefile");
}
