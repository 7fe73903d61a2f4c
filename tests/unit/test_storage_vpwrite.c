/*
 * test_storage_vpwrite.c - privhelper/vpasswd_write.c: the line writer
 * (7 and 8 fields, refusal of every injection, the 510-byte limit, the
 * read-back), and insert / replace / delete on the reference fixture's
 * example.com: sorted placement, lookups through vpasswd.cdb, other lines
 * byte-identical, vpasswd.cdb equal to a rebuild from the text, owner
 * and mode, refused changes leaving both files byte-identical, and a
 * writer that waits for a lock held by another process.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cdbmake.h"
#include "vpasswd.h"
#include "vpasswd_write.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

#define H6 "$6$abcdefgh$3rj1vTLX64btReFsM4MQ22otcD40l7vbtw7qCyr0dxc4kxNmgx53x" \
	   "VM8gWiLYbCqTHTbXFaVFU7ZT28pnvdyu0"

static char top[PATH_MAX - 256];
static char dom[PATH_MAX];	/* extracted example.com */
static int dfd = -1;
static uid_t duid;
static gid_t dgid;

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
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", dom, rel);
}

static void
mkpw(struct vpw *pw, const char *name)
{
	memset(pw, 0, sizeof(*pw));
	snprintf(pw->name, sizeof(pw->name), "%s", name);
	snprintf(pw->passwd, sizeof(pw->passwd), "%s", H6);
	pw->uid = 1;
	pw->flags = 0;
	snprintf(pw->gecos, sizeof(pw->gecos), "%s", name);
	snprintf(pw->dir, sizeof(pw->dir), "/home/vpopmail/domains/"
	    "example.com/%s", name);
	snprintf(pw->quota, sizeof(pw->quota), "NOQUOTA");
	snprintf(pw->clear, sizeof(pw->clear), "pw-%s", name);
}

static void b_too_long(struct vpw *);

static void
test_format(void)
{
	char out[VPW_LINE_BUF];
	struct vpw pw;
	int n;

	mkpw(&pw, "alice");
	pw.flags = 4096;
	snprintf(pw.gecos, sizeof(pw.gecos), "Alice Example");
	snprintf(pw.quota, sizeof(pw.quota), "10485760S,1000C");
	n = vpasswd_format_line(&pw, 0, out, sizeof(out));
	CHECK(n > 0 && strcmp(out, "alice:" H6 ":1:4096:Alice Example:"
	    "/home/vpopmail/domains/example.com/alice:10485760S,1000C\n") == 0
	    && (size_t)n == strlen(out), "7-field line (clear off)");
	n = vpasswd_format_line(&pw, 1, out, sizeof(out));
	CHECK(n > 0 && strcmp(out, "alice:" H6 ":1:4096:Alice Example:"
	    "/home/vpopmail/domains/example.com/alice:10485760S,1000C:"
	    "pw-alice\n") == 0, "8-field line (clear on)");
	snprintf(pw.clear, sizeof(pw.clear), "a:b:");
	CHECK(vpasswd_format_line(&pw, 1, out, sizeof(out)) > 0 &&
	    strstr(out, ":10485760S,1000C:a:b:\n") != NULL,
	    "clear text may hold ':' (last field)");
	pw.clear[0] = '\0';
	CHECK(vpasswd_format_line(&pw, 1, out, sizeof(out)) > 0 &&
	    strstr(out, "1000C:\n") != NULL, "empty clear text: 8 fields");
	pw.passwd[0] = '\0';
	pw.quota[0] = '\0';
	pw.dir[0] = '\0';
	pw.gecos[0] = '\0';
	CHECK(vpasswd_format_line(&pw, 0, out, sizeof(out)) > 0 &&
	    strcmp(out, "alice::1:4096:::\n") == 0,
	    "empty hash, gecos, dir, quota allowed");
	mkpw(&pw, "alice");
	CHECK(vpasswd_format_line(&pw, 0, out, 20) < 0 && errno == E2BIG &&
	    out[0] == '\0', "a short buffer: E2BIG, empty output");
	b_too_long(&pw);
	CHECK(vpasswd_format_line(&pw, 1, out, sizeof(out)) < 0 &&
	    errno == E2BIG, "fields each valid, line over 510: E2BIG");
	pw.clear[0] = '\0';
	n = vpasswd_format_line(&pw, 1, out, sizeof(out));
	CHECK(n == 446 && out[n - 1] == '\n', "the same with no clear text: "
	    "%d bytes", n);
}

struct bad {
	const char	*what;
	void		(*set)(struct vpw *);
	int		 clear;
};

static void b_gecos_colon(struct vpw *w) { strcpy(w->gecos, "a:b"); }
static void b_gecos_nl(struct vpw *w) { strcpy(w->gecos, "a\nb"); }
static void b_gecos_cr(struct vpw *w) { strcpy(w->gecos, "a\rb"); }
static void b_gecos_long(struct vpw *w) { memset(w->gecos, 'g', 65); }
static void b_hash_colon(struct vpw *w)
{ strcpy(w->passwd, "x:1:65536:x:/home/x:NOQUOTA"); }
static void b_hash_nl(struct vpw *w) { strcpy(w->passwd, H6 "\nevil::1:0"); }
static void b_hash_shape(struct vpw *w) { strcpy(w->passwd, "plain"); }
static void b_clear_nl(struct vpw *w) { strcpy(w->clear, "a\nevil::1:0:::"); }
static void b_clear_cr(struct vpw *w) { strcpy(w->clear, "a\r"); }
static void b_clear_long(struct vpw *w) { memset(w->clear, 'c', 129); }
static void b_name_colon(struct vpw *w) { strcpy(w->name, "a:b"); }
static void b_name_upper(struct vpw *w) { strcpy(w->name, "Bob"); }
static void b_name_empty(struct vpw *w) { w->name[0] = '\0'; }
static void b_dir_rel(struct vpw *w) { strcpy(w->dir, "x/y"); }
static void b_dir_dots(struct vpw *w) { strcpy(w->dir, "/home/../etc"); }
static void b_dir_colon(struct vpw *w) { strcpy(w->dir, "/d:1"); }
static void b_quota(struct vpw *w) { strcpy(w->quota, "10M"); }
static void b_quota_colon(struct vpw *w) { strcpy(w->quota, "NOQUOTA:x"); }
static void b_tab(struct vpw *w) { strcpy(w->gecos, "a\tb"); }

static void
b_too_long(struct vpw *w)
{
	/* each field within its limit, the line over 510 */
	memset(w->name, 'n', 64);
	memset(w->gecos, 'g', 64);
	memset(w->clear, 'c', 128);
	memset(w->dir, 'd', 160);
	w->dir[0] = '/';
	memcpy(w->passwd, "$6$", 3);
	memset(w->passwd + 3, 'h', 125);
	strcpy(w->quota, "9999999999999999999S");
}

static const struct bad bads[] = {
	{ "gecos \"a:b\"", b_gecos_colon, 0 },
	{ "gecos \"a\\nb\"", b_gecos_nl, 0 },
	{ "gecos \"a\\rb\"", b_gecos_cr, 0 },
	{ "gecos with a tab", b_tab, 0 },
	{ "gecos of 65", b_gecos_long, 0 },
	{ "hash with ':' (flags injection)", b_hash_colon, 0 },
	{ "hash with '\\n' (account injection)", b_hash_nl, 0 },
	{ "hash not a crypt result", b_hash_shape, 0 },
	{ "clear with '\\n'", b_clear_nl, 1 },
	{ "clear with '\\r'", b_clear_cr, 1 },
	{ "clear of 129", b_clear_long, 1 },
	{ "name with ':'", b_name_colon, 0 },
	{ "name in upper case", b_name_upper, 0 },
	{ "empty name", b_name_empty, 0 },
	{ "relative dir", b_dir_rel, 0 },
	{ "dir with ..", b_dir_dots, 0 },
	{ "dir with ':'", b_dir_colon, 0 },
	{ "quota not stored form", b_quota, 0 },
	{ "quota with ':'", b_quota_colon, 0 },
	{ "line over 510 bytes", b_too_long, 1 },
};

static void
test_refusals_format(void)
{
	char out[VPW_LINE_BUF];
	struct vpw pw;
	size_t i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		mkpw(&pw, "carol");
		bads[i].set(&pw);
		CHECK(vpasswd_format_line(&pw, bads[i].clear, out, sizeof(out))
		    < 0 && (errno == EINVAL || errno == E2BIG) && out[0] == '\0',
		    "format refuses %s", bads[i].what);
	}
	mkpw(&pw, "carol");
	b_clear_nl(&pw);
	CHECK(vpasswd_format_line(&pw, 0, out, sizeof(out)) > 0,
	    "clear text is not looked at when clear is off");
}

/* Saved copies of both files, to prove a refusal changed nothing. */
static void
save(void)
{
	ts_copy(p("vpasswd"), p("../saved.vpasswd"));
	ts_copy(p("vpasswd.cdb"), p("../saved.cdb"));
}

static int
unchanged(void)
{
	return ts_same_file(p("vpasswd"), p("../saved.vpasswd")) &&
	    ts_same_file(p("vpasswd.cdb"), p("../saved.cdb")) &&
	    ts_count_temps(dom) == 0;
}

/* vpasswd.cdb is not older than vpasswd and is exactly what a rebuild
 * from the text gives (U2), both
 * files uid:gid 0600 (U6), the text sorted by name (U4). */
static int
consistent(void)
{
	char *txt, *line, *nl, prev[600] = "";
	struct stat a, b;
	size_t len;
	int ok, sorted = 1;

	ok = cdb_vpasswd_stale(dfd) == 0 &&
	    ts_copy(p("vpasswd.cdb"), p("../written.cdb")) == 0 &&
	    cdb_build_vpasswd(dfd, duid, dgid) == 0 &&
	    ts_same_file(p("vpasswd.cdb"), p("../written.cdb"));
	ok = ok && stat(p("vpasswd"), &a) == 0 && stat(p("vpasswd.cdb"), &b)
	    == 0 && (a.st_mode & 07777) == 0600 && (b.st_mode & 07777) == 0600
	    && a.st_uid == duid && a.st_gid == dgid && b.st_uid == duid &&
	    b.st_gid == dgid;
	if ((txt = ts_slurp(p("vpasswd"), 1 << 20, &len)) == NULL)
		return 0;
	for (line = txt; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		*strchr(line, ':') = '\0';
		if (strcmp(prev, line) > 0)
			sorted = 0;
		snprintf(prev, sizeof(prev), "%s", line);
	}
	free(txt);
	return ok && sorted && ts_count_temps(dom) == 0;
}

/* The text of vpasswd without the line(s) of name. */
static char *
without(const char *name, size_t *len)
{
	char *txt = ts_slurp(p("vpasswd"), 1 << 20, len), *o, *line, *nl;
	size_t k = strlen(name);

	if (txt == NULL)
		return NULL;
	for (o = line = txt; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		if (strncmp(line, name, k) != 0 || line[k] != ':') {
			memmove(o, line, (size_t)(nl - line) + 1);
			o += nl - line + 1;
		}
	*o = '\0';
	*len = (size_t)(o - txt);
	return txt;
}

static int
others_same(const char *name, const char *before, size_t blen)
{
	size_t len;
	char *now = without(name, &len);
	int ok = now != NULL && len == blen && memcmp(now, before, len) == 0;

	free(now);
	return ok;
}

static void
test_insert(void)
{
	struct vpw pw, got;
	size_t blen;
	char *before = without("bob", &blen), *txt = NULL;

	mkpw(&pw, "bob");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 1) == 0, "insert bob");
	CHECK(vpasswd_lookup(dfd, "bob", &got) == 0 &&
	    strcmp(got.passwd, H6) == 0 && got.uid == 1 && got.flags == 0 &&
	    strcmp(got.gecos, "bob") == 0 && strcmp(got.dir, pw.dir) == 0 &&
	    strcmp(got.quota, "NOQUOTA") == 0 && got.has_clear &&
	    strcmp(got.clear, "pw-bob") == 0, "bob found through vpasswd.cdb");
	CHECK(others_same("bob", before, blen), "every other line unchanged");
	CHECK(consistent(), "sorted; vpasswd.cdb = rebuild; uid:gid 0600");
	txt = ts_slurp(p("vpasswd"), 1 << 16, NULL);
	CHECK(txt != NULL && strstr(txt, "\nbob:") != NULL &&
	    strstr(txt, "admin:") < strstr(txt, "bob:") &&
	    strstr(txt, "bob:") < strstr(txt, "postmaster:"),
	    "bob between admin and postmaster");
	free(txt);
	free(before);

	mkpw(&pw, "aaa");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 0) == 0 &&
	    (txt = ts_slurp(p("vpasswd"), 1 << 16, NULL)) != NULL &&
	    strncmp(txt, "aaa:", 4) == 0, "aaa becomes the first line");
	CHECK(txt != NULL && strstr(txt, "NOQUOTA\nadmin:") != NULL,
	    "clear off: aaa written with 7 fields");
	free(txt);
	mkpw(&pw, "zzz");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 1) == 0 &&
	    (txt = ts_slurp(p("vpasswd"), 1 << 16, NULL)) != NULL &&
	    strlen(txt) > 30 && strcmp(txt + strlen(txt) -
	    strlen(":pw-zzz\n"), ":pw-zzz\n") == 0, "zzz becomes the last line");
	free(txt);
	mkpw(&pw, "postmaste");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 1) == 0 && consistent(),
	    "a prefix of an existing name sorts before it");
	CHECK(consistent(), "still consistent");
}

static void
test_insert_refusals(void)
{
	struct vpw pw;
	size_t i;

	save();
	mkpw(&pw, "bob");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 1) < 0 && errno == EEXIST &&
	    unchanged(), "insert of an existing name: EEXIST, unchanged");
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		mkpw(&pw, "mallory");
		bads[i].set(&pw);
		CHECK(vpasswd_insert(dfd, duid, dgid, &pw, bads[i].clear) < 0 &&
		    unchanged(), "insert with %s refused, files byte-identical",
		    bads[i].what);
	}
	mkpw(&pw, ".hidden");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 0) < 0 && errno == EINVAL &&
	    unchanged(), "insert of \".hidden\" refused");
	mkpw(&pw, "x");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 0) < 0 && errno == EINVAL &&
	    unchanged(), "insert of a 1-character name refused (big-dir)");
	mkpw(&pw, "vpasswd");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 0) < 0 && unchanged(),
	    "insert of \"vpasswd\" refused");
}

static void
test_replace_delete(void)
{
	struct vpw pw, got;
	size_t blen;
	char *before = without("user1", &blen);

	CHECK(vpasswd_lookup(dfd, "user1", &pw) == 0, "user1 read");
	snprintf(pw.gecos, sizeof(pw.gecos), "User One");
	pw.flags = 4096;
	CHECK(vpasswd_replace(dfd, duid, dgid, &pw, pw.has_clear) == 0,
	    "replace user1 (gecos, flags)");
	CHECK(vpasswd_lookup(dfd, "user1", &got) == 0 &&
	    strcmp(got.gecos, "User One") == 0 && got.flags == 4096 &&
	    strcmp(got.passwd, pw.passwd) == 0 && got.has_clear &&
	    strcmp(got.clear, "test") == 0, "user1 changed, clear kept");
	CHECK(others_same("user1", before, blen), "other lines unchanged");
	CHECK(consistent(), "consistent after replace");
	free(before);

	save();
	snprintf(pw.gecos, sizeof(pw.gecos), "a:b");
	CHECK(vpasswd_replace(dfd, duid, dgid, &pw, 1) < 0 && unchanged(),
	    "replace with gecos \"a:b\" refused, unchanged");
	mkpw(&pw, "nobody-here");
	CHECK(vpasswd_replace(dfd, duid, dgid, &pw, 1) < 0 && errno == ENOENT &&
	    unchanged(), "replace of a missing user: ENOENT, unchanged");
	CHECK(vpasswd_delete(dfd, duid, dgid, "nobody-here") < 0 &&
	    errno == ENOENT && unchanged(), "delete missing: ENOENT");
	CHECK(vpasswd_delete(dfd, duid, dgid, "a:b") < 0 && errno == EINVAL &&
	    unchanged(), "delete of an invalid name: EINVAL");

	before = without("bob", &blen);
	CHECK(vpasswd_delete(dfd, duid, dgid, "bob") == 0, "delete bob");
	CHECK(vpasswd_lookup(dfd, "bob", &got) == 1, "bob gone from the cdb");
	CHECK(others_same("bob", before, blen), "other lines unchanged");
	CHECK(consistent(), "consistent after delete");
	free(before);
}

/* Foreign duplicates: replace rewrites all, delete removes all. */
static void
test_duplicates(void)
{
	static const char text[] =
	    "dup:" H6 ":1:0:first:/d/dup:NOQUOTA\n"
	    "keep:" H6 ":1:0:keep:/d/keep:NOQUOTA\n"
	    "dup:" H6 ":1:0:second:/d/dup:NOQUOTA:old\n";
	struct vpw pw, got;
	char *txt = NULL;

	CHECK(t_write(p("vpasswd"), text, sizeof(text) - 1) == 0 &&
	    cdb_build_vpasswd(dfd, duid, dgid) == 0, "setup: duplicates");
	mkpw(&pw, "dup");
	snprintf(pw.gecos, sizeof(pw.gecos), "new");
	CHECK(vpasswd_replace(dfd, duid, dgid, &pw, 0) == 0 &&
	    (txt = ts_slurp(p("vpasswd"), 4096, NULL)) != NULL, "replace dup");
	CHECK(txt != NULL && strstr(txt, "first") == NULL &&
	    strstr(txt, "second") == NULL && strstr(strstr(txt, ":new:") + 1,
	    ":new:") != NULL, "both dup lines rewritten");
	free(txt);
	CHECK(vpasswd_delete(dfd, duid, dgid, "dup") == 0 &&
	    (txt = ts_slurp(p("vpasswd"), 4096, NULL)) != NULL &&
	    strcmp(txt, "keep:" H6 ":1:0:keep:/d/keep:NOQUOTA\n") == 0,
	    "delete removes both dup lines");
	free(txt);
	CHECK(vpasswd_lookup(dfd, "dup", &got) == 1, "dup gone from the cdb");
	CHECK(vpasswd_delete(dfd, duid, dgid, "keep") == 0 &&
	    ts_file_is(p("vpasswd"), "", 0) && vpasswd_lookup(dfd, "keep",
	    &got) == 1, "deleting the last user leaves an empty table");
	CHECK(unlink(p("vpasswd")) == 0 && unlink(p("vpasswd.cdb")) == 0,
	    "setup: no vpasswd at all");
	mkpw(&pw, "first");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 0) == 0 &&
	    vpasswd_lookup(dfd, "first", &got) == 0 && consistent(),
	    "insert into a missing vpasswd creates both files");
}

static void
test_corrupt(void)
{
	static const char *bad[] = {
		"nocolon\n",
		"a:" H6 ":1:0:a:/d/a:NOQUOTA",		/* unterminated */
		":" H6 ":1:0:a:/d/a:NOQUOTA\n",		/* empty name */
	};
	struct vpw pw;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t_write(p("vpasswd"), bad[i], strlen(bad[i]));
		save();
		mkpw(&pw, "zed");
		CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 0) < 0 &&
		    errno == EBADMSG && unchanged(),
		    "malformed vpasswd #%zu: EBADMSG, nothing changed", i);
	}
	t_write(p("vpasswd"), "", 0);
}

/* A reference tool holding .vpasswd.lock for a second: we wait (K1). */
static void
test_lock_wait(void)
{
	struct lockfile lk;
	struct timespec t0, t1;
	struct vpw pw;
	int pfd[2], st;
	pid_t pid;
	char c;

	if (pipe(pfd) < 0 || (pid = fork()) < 0)
		return;
	if (pid == 0) {
		if (lockfile_acquire(dfd, ".vpasswd.lock", 0, &lk) < 0)
			_exit(1);
		if (write(pfd[1], "L", 1) != 1)
			_exit(1);
		sleep(1);
		_exit(0);
	}
	close(pfd[1]);
	CHECK(read(pfd[0], &c, 1) == 1, "child holds .vpasswd.lock");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mkpw(&pw, "waiter");
	CHECK(vpasswd_insert(dfd, duid, dgid, &pw, 0) == 0, "insert waited "
	    "for the lock and succeeded");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec -
	    t0.tv_nsec) / 1e9 >= 0.5, "it did wait for the other process");
	waitpid(pid, &st, 0);
	close(pfd[0]);
}

/* vpasswd_insert_also: the extra temporary is renamed with the two files
 * (one commit); on a refusal it is left to the caller, not renamed. */
static void
test_insert_also(void)
{
	struct atomic_file af;
	struct vpw pw;

	mkpw(&pw, "carol");
	CHECK(atomic_begin(dfd, "also.txt", duid, dgid, 0600, &af) == 0 &&
	    atomic_write(&af, "new\n", 4) == 0 &&
	    vpasswd_insert_also(dfd, duid, dgid, &pw, 1, &af) == 0 &&
	    ts_file_is(p("also.txt"), "new\n", 4) && consistent() &&
	    vpasswd_lookup(dfd, "carol", &pw) == 0,
	    "insert_also: carol added and also.txt renamed in place");
	save();
	mkpw(&pw, "carol");
	CHECK(atomic_begin(dfd, "also.txt", duid, dgid, 0600, &af) == 0 &&
	    atomic_write(&af, "newer\n", 6) == 0 &&
	    vpasswd_insert_also(dfd, duid, dgid, &pw, 1, &af) < 0 &&
	    errno == EEXIST && ts_file_is(p("also.txt"), "new\n", 4),
	    "insert_also of an existing name: EEXIST, also.txt not renamed");
	atomic_abort(&af);
	CHECK(unchanged(), "after the caller's abort: nothing changed, "
	    "no temporary left");
	CHECK(unlink(p("also.txt")) == 0, "also.txt removed");
}

int
main(void)
{
	struct stat st;
	char tree[PATH_MAX];

	umask(022);
	test_format();
	test_refusals_format();
	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree or "
		    "set VP_FIXTURES)");
		return T_DONE("test_storage_vpwrite");
	}
	if (!CHECK(t_mkdtemp(top, sizeof(top), "vpwrite") == 0 &&
	    ts_extract("reference-small.tgz", top) == 0, "small fixture in %s",
	    top))
		return T_DONE("test_storage_vpwrite");
	ts_path(tree, sizeof(tree), "%s/home/vpopmail/domains", top);
	ts_path(dom, sizeof(dom), "%s/example.com", tree);
	if (!CHECK((dfd = ts_dirfd(dom)) >= 0 && stat(dom, &st) == 0,
	    "example.com"))
		return T_DONE("test_storage_vpwrite");
	duid = st.st_uid;
	dgid = st.st_gid;
	T_INFO("domain owner %u:%u", (unsigned)duid, (unsigned)dgid);
	test_insert();
	test_insert_refusals();
	test_insert_also();
	test_replace_delete();
	test_duplicates();
	test_corrupt();
	test_lock_wait();
	close(dfd);
	t_rm_rf(top);
	return T_DONE("test_storage_vpwrite");
}
