/*
 * test_storage_cdb.c - privhelper/cdbmake.c: the cdb layout of STORAGE.md
 * 3 (hash vectors, the 2165-byte worked example of 3.5, the structural
 * check F1 on every file built), users/cdb as qmail-newu (4.2),
 * morercpthosts.cdb as qmail-newmrh (4.3), vpasswd.cdb (6.5), refusal of
 * malformed sources, and byte identity with the indexes the reference
 * tools wrote in tests/fixtures.
 */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cdbmake.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 256];

static char *
p(const char *fmt, ...)
{
	static char buf[4][PATH_MAX];
	static int i;
	char rel[PATH_MAX - 300];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		abort();
	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, rel);
}

static uint32_t
rd32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

/* STORAGE.md 3.2, written out independently of tinycdb */
static uint32_t
djb_hash(const void *k, size_t n)
{
	const unsigned char *s = k;
	uint32_t h = 5381;

	while (n-- > 0)
		h = (h * 33) ^ *s++;
	return h;
}

/* F1: header inside the file, every entry points at a record whose key
 * hashes to it, tables in order, file ends with table 255. */
static int
cdb_sane(const char *path, unsigned *nrec)
{
	size_t len, b, j, end = 2048;
	unsigned char *d = (unsigned char *)ts_slurp(path, 64u << 20, &len);
	int ok = d != NULL && len >= 2048;

	*nrec = 0;
	for (b = 0; ok && b < 256; b++) {
		uint32_t pos = rd32(d + 8 * b), n = rd32(d + 8 * b + 4);

		if (b == 0)
			end = pos;
		ok = pos == end && pos + 8 * (size_t)n <= len;
		for (j = 0; ok && j < n; j++) {
			uint32_t hh = rd32(d + pos + 8 * j);
			uint32_t rp = rd32(d + pos + 8 * j + 4), kl;

			if (rp == 0)
				continue;
			ok = rp >= 2048 && rp + 8 <= len &&
			    (kl = rd32(d + rp)) + rp + 8 <= len &&
			    djb_hash(d + rp + 8, kl) == hh && (hh & 255) == b;
			(*nrec)++;
		}
		end = pos + 8 * (size_t)n;
	}
	ok = ok && end == len;
	free(d);
	return ok;
}

/* The value of key in the cdb at path; -1 when absent. */
static long
cdbget(const char *path, const void *key, size_t kl, char *val, size_t vsz)
{
	unsigned dl;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;
	long out = -1;

	if (fd < 0)
		return -1;
	r = cdb_seek(fd, key, (unsigned)kl, &dl);
	if (r > 0 && dl < vsz && read(fd, val, dl) == (ssize_t)dl) {
		val[dl] = '\0';
		out = (long)dl;
	}
	close(fd);
	return out;
}

static void
test_hash(void)
{
	static const struct {
		const char *k;
		uint32_t h;
	} v[] = {
		{ "", 5381 },
		{ "postmaster", 0x54383801 },
		{ "alice", 0x0A20FB27 },
		{ "!example.com-", 0x5ED6E12E },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK(djb_hash(v[i].k, strlen(v[i].k)) == v[i].h &&
		    cdb_hash(v[i].k, (unsigned)strlen(v[i].k)) == v[i].h,
		    "hash(\"%s\") = 0x%08X", v[i].k, (unsigned)v[i].h);
}

static int qfd = -1;

static int
write_assign(const char *text)
{
	return t_write(p("q/users/assign"), text, strlen(text));
}

static void
test_worked_example(void)
{
	static const char data[] = "example.com\00089\00089\0"
	    "/home/vpopmail/domains/example.com\0-";
	unsigned char *d;
	struct stat st;
	unsigned nrec = 0;
	size_t len, b;
	char val[256];
	int ok = 1;

	CHECK(write_assign("+example.com-:example.com:89:89:"
	    "/home/vpopmail/domains/example.com:-::\n.\n") == 0, "setup assign");
	CHECK(cdb_build_users(qfd) == 0, "cdb_build_users: one domain");
	d = (unsigned char *)ts_slurp(p("q/users/cdb"), 1 << 16, &len);
	if (!CHECK(d != NULL && len == 2165, "users/cdb is 2165 bytes (%zu)",
	    d != NULL ? len : 0)) {
		free(d);
		return;
	}
	CHECK(rd32(d + 2048) == 13 && rd32(d + 2052) == 55 &&
	    memcmp(d + 2056, "!example.com-", 13) == 0 &&
	    memcmp(d + 2069, data, 55) == 0, "record 1 at 2048: 13 + 55 bytes");
	CHECK(rd32(d + 2124) == 0 && rd32(d + 2128) == 1 && d[2132] == '-',
	    "record 2 at 2124: empty key, data \"-\"");
	CHECK(rd32(d + 2133) == 0 && rd32(d + 2137) == 0 &&
	    rd32(d + 2141) == 5381 && rd32(d + 2145) == 2124,
	    "table 5 at 2133: (0,0), (5381,2124)");
	CHECK(rd32(d + 2149) == 0 && rd32(d + 2153) == 0 &&
	    rd32(d + 2157) == 1591140654u && rd32(d + 2161) == 2048,
	    "table 46 at 2149: (0,0), (1591140654,2048)");
	for (b = 0; b < 256; b++) {
		uint32_t want = b <= 5 ? 2133 : b <= 46 ? 2149 : 2165;
		uint32_t wlen = (b == 5 || b == 46) ? 2 : 0;

		if (rd32(d + 8 * b) != want || rd32(d + 8 * b + 4) != wlen)
			ok = 0;
	}
	CHECK(ok, "header: slots 0-5 -> 2133, 6-46 -> 2149, 47-255 -> 2165");
	free(d);
	CHECK(cdb_sane(p("q/users/cdb"), &nrec) && nrec == 2, "F1, 2 records");
	CHECK(cdbget(p("q/users/cdb"), "!example.com-", 13, val, sizeof(val))
	    == 55 && memcmp(val, data, 55) == 0, "D2: !example.com- value");
	CHECK(cdbget(p("q/users/cdb"), "", 0, val, sizeof(val)) == 1 &&
	    val[0] == '-', "D3: empty key -> \"-\"");
	CHECK(stat(p("q/users/cdb"), &st) == 0 &&
	    (st.st_mode & 07777) == 0644, "users/cdb mode 0644");
	CHECK(ts_count_temps(p("q/users")) == 0, "no temporary left");
}

static void
test_newu_rules(void)
{
	char val[256];
	unsigned nrec = 0;

	CHECK(write_assign("+Mail.Example.ORG-:mail.example.org:89:89:/d/m:"
	    "-::\n=joe:joe:1000:1000:/home/joe:::\n+x.example.net.:y:1:2:/d/y:"
	    "-:pre:extra:fields\n+example.com-:example.com:89:89:/d/e:-::\n"
	    ".ignored\n+after.dot-:a:1:1:/a:-::\n") == 0, "setup assign 2");
	CHECK(cdb_build_users(qfd) == 0, "build: '+', '=', other wildcard");
	CHECK(cdb_sane(p("q/users/cdb"), &nrec) && nrec == 5,
	    "F1, 5 records (%u)", nrec);
	CHECK(cdbget(p("q/users/cdb"), "!mail.example.org-", 18, val,
	    sizeof(val)) == 30, "'+' key lower-cased, no NUL");
	CHECK(cdbget(p("q/users/cdb"), "!joe", 5, val, sizeof(val)) == 25 &&
	    memcmp(val, "joe\0" "1000\0" "1000\0" "/home/joe\0\0", 25) == 0,
	    "'=' key has a trailing NUL; value cut at the sixth ':'");
	CHECK(cdbget(p("q/users/cdb"), "!joe", 4, val, sizeof(val)) < 0,
	    "'=' key without the NUL is not there");
	CHECK(cdbget(p("q/users/cdb"), "!x.example.net.", 15, val,
	    sizeof(val)) == 16 && memcmp(val, "y\0" "1\0" "2\0" "/d/y\0" "-\0"
	    "pre", 16) == 0, "sixth field kept, text after it dropped");
	CHECK(cdbget(p("q/users/cdb"), "", 0, val, sizeof(val)) == 2 &&
	    memcmp(val, "-.", 2) == 0,
	    "wildcard chars \"-.\" in order of first appearance");
	CHECK(cdbget(p("q/users/cdb"), "!after.dot-", 11, val, sizeof(val)) < 0,
	    "lines after the first '.' line are ignored");

	CHECK(write_assign("=joe:joe:1:1:/h:::\n.") == 0, "setup: no '+'");
	CHECK(cdb_build_users(qfd) == 0 && cdbget(p("q/users/cdb"), "", 0,
	    val, sizeof(val)) == 0, "no '+' lines: empty-key record, empty data");
	CHECK(write_assign(".\n") == 0 && cdb_build_users(qfd) == 0 &&
	    cdb_sane(p("q/users/cdb"), &nrec) && nrec == 1,
	    "assign of only \".\": one record");
}

static void
test_newu_refusals(void)
{
	static const char *bad[] = {
		"",
		"+a.b-:a.b:1:1:/d:-::\n",
		"+a.b-:a.b:1:1:/d:-::",
		"no colon\n.\n",
		":leading:1:1:/d:-::\n.\n",
		"+a.b-:a.b:1:1:/d:-:\n.\n",
		"\n.\n",
		"+a.b-:a.b:1:1:/d:-::\n+c\0d-:c:1:1:/d:-::\n.\n",
	};
	static const size_t badlen[] = { 0, 0, 0, 0, 0, 0, 0, 42 };
	size_t i, n;

	CHECK(write_assign("+keep.example-:keep.example:1:1:/k:-::\n.\n")
	    == 0 && cdb_build_users(qfd) == 0, "setup: a good users/cdb");
	CHECK(ts_copy(p("q/users/cdb"), p("good.cdb")) == 0, "saved");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = badlen[i] ? badlen[i] : strlen(bad[i]);
		t_write(p("q/users/assign"), bad[i], n);
		CHECK(cdb_build_users(qfd) < 0 && errno == EBADMSG &&
		    ts_same_file(p("q/users/cdb"), p("good.cdb")) &&
		    ts_count_temps(p("q/users")) == 0,
		    "bad assign #%zu: EBADMSG, users/cdb unchanged", i);
	}
	unlink(p("q/users/assign"));
	CHECK(cdb_build_users(qfd) < 0 && errno == ENOENT,
	    "missing assign: ENOENT");
	CHECK(symlink("../users/assign.x", p("q/users/assign")) == 0 &&
	    cdb_build_users(qfd) < 0 && errno == ELOOP,
	    "symlinked assign refused (ELOOP)");
	unlink(p("q/users/assign"));
}

static void
test_newmrh(void)
{
	static const char text[] = "A.Example\n# comment\n\nb.example  \t\n"
	    "  c.example\nd.example";
	char val[16];
	unsigned nrec = 0;
	struct stat st;

	CHECK(cdb_build_morercpthosts(qfd) < 0 && errno == ENOENT,
	    "no morercpthosts: ENOENT, nothing built");
	CHECK(access(p("q/control/morercpthosts.cdb"), F_OK) < 0,
	    "no morercpthosts.cdb created");
	CHECK(t_write(p("q/control/morercpthosts"), text, sizeof(text) - 1)
	    == 0 && cdb_build_morercpthosts(qfd) == 0, "build morercpthosts");
	CHECK(cdb_sane(p("q/control/morercpthosts.cdb"), &nrec) && nrec == 4,
	    "F1, 4 records (%u)", nrec);
	CHECK(cdbget(p("q/control/morercpthosts.cdb"), "a.example", 9, val,
	    sizeof(val)) == 0, "lower-cased key, empty value");
	CHECK(cdbget(p("q/control/morercpthosts.cdb"), "b.example", 9, val,
	    sizeof(val)) == 0, "trailing blanks stripped");
	CHECK(cdbget(p("q/control/morercpthosts.cdb"), "  c.example", 11, val,
	    sizeof(val)) == 0, "leading blanks kept (as qmail-newmrh)");
	CHECK(cdbget(p("q/control/morercpthosts.cdb"), "d.example", 9, val,
	    sizeof(val)) == 0, "unterminated last line used");
	CHECK(cdbget(p("q/control/morercpthosts.cdb"), "# comment", 9, val,
	    sizeof(val)) < 0, "comment skipped");
	CHECK(stat(p("q/control/morercpthosts.cdb"), &st) == 0 &&
	    (st.st_mode & 07777) == 0644, "mode 0644");
}

/* Q6: a vpasswd edited behind our back is noticed and indexed. */
static void
test_stale(int dfd)
{
	struct timespec ts[2];
	char val[128];

	CHECK(cdb_vpasswd_stale(dfd) == 0, "fresh index: not stale");
	CHECK(cdb_vpasswd_refresh(dfd, (uid_t)-1, (gid_t)-1) == 0,
	    "refresh of a fresh index does nothing");
	t_write(p("dom/vpasswd"), "edit:x:1:0:e:/d/e:NOQUOTA\n", 26);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[1] = ts[0];
	ts[1].tv_sec += 10;	/* the edit is newer than the index */
	CHECK(utimensat(AT_FDCWD, p("dom/vpasswd"), ts, 0) == 0 &&
	    cdb_vpasswd_stale(dfd) == 1, "vpasswd newer than the index: stale");
	CHECK(cdb_vpasswd_refresh(dfd, (uid_t)-1, (gid_t)-1) == 1 &&
	    cdbget(p("dom/vpasswd.cdb"), "edit", 4, val, sizeof(val)) > 0,
	    "refresh rebuilt it: the edited user is found");
	ts[1].tv_sec -= 20;
	CHECK(utimensat(AT_FDCWD, p("dom/vpasswd"), ts, 0) == 0 &&
	    cdb_vpasswd_stale(dfd) == 0, "index newer than vpasswd: current");
	CHECK(unlink(p("dom/vpasswd.cdb")) == 0 && cdb_vpasswd_stale(dfd) == 1
	    && cdb_vpasswd_refresh(dfd, (uid_t)-1, (gid_t)-1) == 1 &&
	    access(p("dom/vpasswd.cdb"), F_OK) == 0, "missing index: rebuilt");
	CHECK(unlink(p("dom/vpasswd")) == 0 && cdb_vpasswd_stale(dfd) == 0,
	    "no vpasswd: nothing to do");
}

static void
test_vpasswd_cdb(void)
{
	static const char text[] = "alice:$1$x$y:1:0:Alice:/d/alice:NOQUOTA\n"
	    "bob:h:1:4096:bob:/d/0/bob:10S:clear:text\n";
	char val[600], big[600];
	unsigned nrec = 0;
	struct stat st;
	int dfd = -1;

	CHECK(mkdir(p("dom"), 0700) == 0 && (dfd = ts_dirfd(p("dom"))) >= 0,
	    "domain dir");
	CHECK(cdb_build_vpasswd(dfd, (uid_t)-1, (gid_t)-1) < 0 &&
	    errno == ENOENT, "no vpasswd: ENOENT");
	CHECK(t_write(p("dom/vpasswd"), text, sizeof(text) - 1) == 0 &&
	    cdb_build_vpasswd(dfd, (uid_t)-1, (gid_t)-1) == 0,
	    "build vpasswd.cdb");
	CHECK(cdb_sane(p("dom/vpasswd.cdb"), &nrec) && nrec == 2, "F1, 2 records");
	CHECK(cdbget(p("dom/vpasswd.cdb"), "alice", 5, val, sizeof(val)) > 0 &&
	    strcmp(val, "$1$x$y:1:0:Alice:/d/alice:NOQUOTA") == 0,
	    "alice -> rest of the line");
	CHECK(cdbget(p("dom/vpasswd.cdb"), "bob", 3, val, sizeof(val)) > 0 &&
	    strcmp(val, "h:1:4096:bob:/d/0/bob:10S:clear:text") == 0,
	    "8-field line: the clear text whole");
	CHECK(stat(p("dom/vpasswd.cdb"), &st) == 0 &&
	    (st.st_mode & 07777) == 0600, "vpasswd.cdb mode 0600");
	CHECK(stat(p("dom/.vpasswd.lock"), &st) == 0 &&
	    (st.st_mode & 07777) == 0600, ".vpasswd.lock exists, 0600");
	CHECK(ts_copy(p("dom/vpasswd.cdb"), p("good.cdb")) == 0, "saved");

	t_write(p("dom/vpasswd"), "alice:x:1:0:a:/d:q", 18);
	CHECK(cdb_build_vpasswd(dfd, (uid_t)-1, (gid_t)-1) < 0 &&
	    errno == EBADMSG, "unterminated last line: EBADMSG");
	t_write(p("dom/vpasswd"), "alice:x:1:0:a:/d:q\nnocolon\n", 27);
	CHECK(cdb_build_vpasswd(dfd, (uid_t)-1, (gid_t)-1) < 0 &&
	    errno == EBADMSG, "line without ':': EBADMSG");
	t_write(p("dom/vpasswd"), ":x:1:0:a:/d:q\n", 14);
	CHECK(cdb_build_vpasswd(dfd, (uid_t)-1, (gid_t)-1) < 0 &&
	    errno == EBADMSG, "empty name: EBADMSG");
	memset(big, 'a', sizeof(big));
	memcpy(big, "long:", 5);
	big[511] = '\n';
	t_write(p("dom/vpasswd"), big, 512);
	CHECK(cdb_build_vpasswd(dfd, (uid_t)-1, (gid_t)-1) < 0 &&
	    errno == EBADMSG, "511-byte line: EBADMSG");
	big[510] = '\n';
	t_write(p("dom/vpasswd"), big, 511);
	CHECK(ts_same_file(p("dom/vpasswd.cdb"), p("good.cdb")) &&
	    ts_count_temps(p("dom")) == 0,
	    "after the refusals vpasswd.cdb is unchanged, no temporary");
	CHECK(cdb_build_vpasswd(dfd, (uid_t)-1, (gid_t)-1) == 0 &&
	    cdbget(p("dom/vpasswd.cdb"), "long", 4, val, sizeof(val)) == 505,
	    "510-byte line accepted");
	t_write(p("dom/vpasswd"), "", 0);
	CHECK(cdb_build_vpasswd(dfd, (uid_t)-1, (gid_t)-1) == 0 &&
	    cdb_sane(p("dom/vpasswd.cdb"), &nrec) && nrec == 0,
	    "empty vpasswd: an empty index");
	test_stale(dfd);
	close(dfd);
}

/* Rebuilds one index in an extracted tree and compares with the original
 * bytes the reference tools wrote. */
static void
same_after(const char *what, const char *path, int (*build)(int), int fd)
{
	CHECK(ts_copy(path, p("orig")) == 0, "%s: original saved", what);
	CHECK(unlink(path) == 0, "%s: original removed", what);
	CHECK(build(fd) == 0, "%s: rebuilt", what);
	CHECK(ts_same_file(path, p("orig")), "%s: byte-identical to the "
	    "reference", what);
}

static void
vpasswd_same(const char *tree, const char *dom)
{
	struct stat st;
	char d[PATH_MAX];
	int dfd = -1;

	ts_path(d, sizeof(d), "%s/home/vpopmail/domains/%s", tree, dom);
	if (!CHECK((dfd = ts_dirfd(d)) >= 0 && stat(d, &st) == 0,
	    "%s: domain dir", dom))
		return;
	CHECK(ts_copy(p("%s/vpasswd.cdb", d + strlen(top) + 1), p("orig"))
	    == 0, "%s: vpasswd.cdb saved", dom);
	CHECK(cdb_build_vpasswd(dfd, st.st_uid, st.st_gid) == 0,
	    "%s: vpasswd.cdb rebuilt", dom);
	CHECK(ts_same_file(p("%s/vpasswd.cdb", d + strlen(top) + 1),
	    p("orig")), "%s: vpasswd.cdb byte-identical", dom);
	close(dfd);
}

static void
test_fixtures(void)
{
	int fd;

	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree or "
		    "set VP_FIXTURES)");
		return;
	}
	CHECK(mkdir(p("small"), 0700) == 0 && ts_extract("reference-small.tgz",
	    p("small")) == 0, "reference-small extracted");
	CHECK(mkdir(p("large"), 0700) == 0 && ts_extract("reference-large.tgz",
	    p("large")) == 0, "reference-large extracted");
	if ((fd = ts_dirfd(p("small/var/qmail"))) >= 0) {
		same_after("small users/cdb", p("small/var/qmail/users/cdb"),
		    cdb_build_users, fd);
		close(fd);
	}
	vpasswd_same(p("small"), "example.com");
	vpasswd_same(p("small"), "example.net");
	if ((fd = ts_dirfd(p("large/var/qmail"))) >= 0) {
		same_after("large users/cdb", p("large/var/qmail/users/cdb"),
		    cdb_build_users, fd);
		same_after("large morercpthosts.cdb",
		    p("large/var/qmail/control/morercpthosts.cdb"),
		    cdb_build_morercpthosts, fd);
		close(fd);
	}
	vpasswd_same(p("large"), "big.example");
	vpasswd_same(p("large"), "d01.example");
}

int
main(void)
{
	umask(022);
	if (!CHECK(t_mkdtemp(top, sizeof(top), "cdb") == 0 &&
	    mkdir(p("q"), 0755) == 0 && mkdir(p("q/users"), 0755) == 0 &&
	    mkdir(p("q/control"), 0755) == 0 &&
	    (qfd = ts_dirfd(p("q"))) >= 0, "temporary tree %s", top))
		return T_DONE("test_storage_cdb");
	test_hash();
	test_worked_example();
	test_newu_rules();
	test_newu_refusals();
	test_newmrh();
	test_vpasswd_cdb();
	test_fixtures();
	close(qfd);
	t_rm_rf(top);
	return T_DONE("test_storage_cdb");
}
