/*
 * test_domain.c - privhelper/store_domain.c on rerooted copies of the
 * reference trees (tests/tools/fixture.sh), against STORAGE.md 14.2:
 * after add_domain the assign line (D1), the users/cdb value (D2), the
 * 50-line switch to morercpthosts and its cdb (D6), virtualdomains and
 * locals (D7, a missing locals stays missing), .qmail-default (D8), the
 * postmaster in vpasswd.cdb (D9), the 100th domain in domains/0 (D12),
 * alias add and delete leaving everything else byte for byte (D13, D15),
 * delete of a real domain with aliases keeping foreign lines (D16, Q12),
 * a symlinked domain directory, Q15, and the rollback of add_domain on
 * injected failures leaving the whole tree as it was (B1).
 */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "errors.h"
#include "qmailsend.h"
#include "store_domain.h"
#include "util.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 512];
static char build[PATH_MAX];
static struct vp_config cfg;
static struct ph_ctx ctx;
static uid_t duid;
static gid_t dgid;

/* ---- fixture ---- */

static char *
p(const char *fmt, ...)
{
	static char buf[8][PATH_MAX];
	static int i;
	char rel[PATH_MAX - 600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		abort();
	i = (i + 1) % 8;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, rel);
}

static int
run_fixture(const char *tree, const char *dest)
{
	pid_t pid;
	int st;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		execlp("sh", "sh", "tests/tools/fixture.sh", tree, dest, build,
		    (char *)NULL);
		_exit(127);
	}
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void
teardown(void)
{
	if (ctx.vpop_fd > 0)
		close(ctx.vpop_fd);
	if (ctx.qmail_fd > 0)
		close(ctx.qmail_fd);
	ctx.vpop_fd = ctx.qmail_fd = -1;
	if (top[0] != '\0')
		t_rm_rf(top);
	top[0] = '\0';
}

/* A fresh rerooted tree and a context on it, as the helper has one. */
static int
setup(const char *tree)
{
	struct stat st;

	teardown();
	if (t_mkdtemp(top, sizeof(top), "domain") < 0 ||
	    run_fixture(tree, top) < 0)
		return -1;
	config_defaults(&cfg);
	vp_strlcpy(cfg.vpopmail_dir, p("home/vpopmail"),
	    sizeof(cfg.vpopmail_dir));
	vp_strlcpy(cfg.qmail_dir, p("var/qmail"), sizeof(cfg.qmail_dir));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.audit_fd = -1;
	ctx.vpop_fd = ts_dirfd(cfg.vpopmail_dir);
	ctx.qmail_fd = ts_dirfd(cfg.qmail_dir);
	if (ctx.vpop_fd < 0 || ctx.qmail_fd < 0 ||
	    stat(p("home/vpopmail/domains"), &st) < 0)
		return -1;
	duid = st.st_uid;
	dgid = st.st_gid;
	return 0;
}

/* ---- reading the results ---- */

static char *
slurp(const char *path)
{
	return ts_slurp(path, 4u << 20, NULL);
}

/* 1 when path has a line exactly equal to line. */
static int
has_line(const char *path, const char *line)
{
	char *s = slurp(path), *q;
	size_t n = strlen(line);
	int found = 0;

	for (q = s; q != NULL && *q != '\0' && !found; ) {
		char *nl = strchr(q, '\n');
		size_t len = nl ? (size_t)(nl - q) : strlen(q);

		found = len == n && memcmp(q, line, n) == 0;
		q = nl ? nl + 1 : q + len;
	}
	free(s);
	return found;
}

static int
count_lines(const char *path)
{
	char *s = slurp(path), *q;
	int n = 0;

	for (q = s; q != NULL && *q; q++)
		n += *q == '\n';
	free(s);
	return s == NULL ? -1 : n;
}

/* The value of key in cdb file path into val (NUL-terminated); its
 * length, or -1 when absent or unreadable. */
static long
cdbget(const char *path, const char *key, size_t klen, char *val,
    size_t vsz)
{
	struct cdb c;
	unsigned len;
	long r = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (cdb_init(&c, fd) == 0) {
		if (cdb_find(&c, key, (unsigned)klen) > 0) {
			len = cdb_datalen(&c);
			if (len < vsz && cdb_read(&c, val, len,
			    cdb_datapos(&c)) == 0) {
				val[len] = '\0';
				r = len;
			}
		}
		cdb_free(&c);
	}
	close(fd);
	return r;
}

/* Every path, type, mode, owner, size and content under the two trees,
 * one line each: equal snapshots mean nothing changed. */
static char *snap;
static size_t snap_len, snap_cap;

static void
snap_add(const char *s)
{
	size_t n = strlen(s);

	if (snap_len + n + 1 > snap_cap) {
		snap_cap = (snap_len + n + 1) * 2;
		snap = realloc(snap, snap_cap);
		if (snap == NULL)
			abort();
	}
	memcpy(snap + snap_len, s, n + 1);
	snap_len += n;
}

static int
snap_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	char line[PATH_MAX + 128];
	unsigned long sum = 5381;
	size_t len = 0, i;
	char *data;

	(void)type;
	(void)f;
	if (S_ISREG(st->st_mode) && (data = ts_slurp(path, 8u << 20,
	    &len)) != NULL) {
		for (i = 0; i < len; i++)
			sum = sum * 33 ^ (unsigned char)data[i];
		free(data);
	}
	snprintf(line, sizeof(line), "%s %o %lu:%lu %lld %lx\n",
	    path + strlen(top), (unsigned)st->st_mode, (unsigned long)st->st_uid,
	    (unsigned long)st->st_gid, (long long)st->st_size, sum);
	snap_add(line);
	return 0;
}

/* Of home/ alone (home_only) or of home/ and var/. */
static char *
snapshot_of(int home_only)
{
	snap = NULL;
	snap_len = snap_cap = 0;
	snap_add("");
	nftw(p("home"), snap_one, 32, FTW_PHYS);
	if (!home_only)
		nftw(p("var"), snap_one, 32, FTW_PHYS);
	return snap;
}

static char *
snapshot(void)
{
	return snapshot_of(0);
}

/* Reports the first differing line of two snapshots. */
static int
same_snapshot(const char *a, const char *b)
{
	const char *x = a, *y = b;

	if (strcmp(a, b) == 0)
		return 1;
	while (*x && *x == *y)
		x++, y++;
	while (x > a && x[-1] != '\n')
		x--;
	T_INFO("snapshots differ at: %.*s", (int)strcspn(x, "\n"), x);
	return 0;
}

static int
vpopmail_file_has(const char *rel, const char *want)
{
	char *s = slurp(p("home/vpopmail/%s", rel));
	int ok = s != NULL && strcmp(s, want) == 0;

	free(s);
	return ok;
}

/* ---- tests ---- */

static void
test_add_large(void)
{
	char want[PATH_MAX + 256], val[PATH_MAX + 64], *vp, dir[PATH_MAX + 64];
	struct stat st;
	long n;
	int r;

	if (!CHECK(setup("large") == 0, "large tree"))
		return;
	CHECK(unlink(p("var/qmail/control/locals")) == 0, "locals removed");
	r = store_domain_add(&ctx, "New1.Example", "Secret1");
	CHECK(r == 0, "add_domain New1.Example: %d", r);
	snprintf(dir, sizeof(dir), "%s/domains/new1.example",
	    cfg.vpopmail_dir);
	snprintf(want, sizeof(want), "+new1.example-:new1.example:%lu:%lu:"
	    "%s:-::", (unsigned long)duid, (unsigned long)dgid, dir);
	CHECK(has_line(p("var/qmail/users/assign"), want),
	    "D1: assign line %s", want);
	vp = slurp(p("var/qmail/users/assign"));
	CHECK(vp != NULL && strlen(vp) >= 2 &&
	    strcmp(vp + strlen(vp) - 2, ".\n") == 0, "D1: assign ends in .");
	free(vp);
	CHECK(stat(p("var/qmail/users/assign"), &st) == 0 &&
	    (st.st_mode & 07777) == 0644, "D1: assign 0644");
	n = cdbget(p("var/qmail/users/cdb"), "!new1.example-", 14, val,
	    sizeof(val));
	snprintf(want, sizeof(want), "new1.example%c%lu%c%lu%c%s%c-%c", 0,
	    (unsigned long)duid, 0, (unsigned long)dgid, 0, dir, 0, 0);
	CHECK(n > 0 && (size_t)n == 12 + 1 + strlen(dir) + 3 +
	    (size_t)snprintf(NULL, 0, "%lu%lu", (unsigned long)duid,
	    (unsigned long)dgid) + 2 && memcmp(val, want, (size_t)n) == 0,
	    "D2: users/cdb !new1.example- value (%ld bytes)", n);
	CHECK(cdbget(p("var/qmail/users/cdb"), "", 0, val, sizeof(val)) == 1
	    && val[0] == '-', "D3: the wildcard record is \"-\"");
	CHECK(count_lines(p("var/qmail/control/rcpthosts")) == 50 &&
	    !has_line(p("var/qmail/control/rcpthosts"), "new1.example"),
	    "D6: rcpthosts keeps its 50 lines");
	CHECK(has_line(p("var/qmail/control/morercpthosts"), "new1.example"),
	    "D6: new1.example in morercpthosts");
	CHECK(cdbget(p("var/qmail/control/morercpthosts.cdb"),
	    "new1.example", 12, val, sizeof(val)) == 0,
	    "D5: morercpthosts.cdb has new1.example with an empty value");
	CHECK(has_line(p("var/qmail/control/virtualdomains"),
	    "new1.example:new1.example"), "D7: virtualdomains line");
	CHECK(access(p("var/qmail/control/locals"), F_OK) < 0 &&
	    errno == ENOENT, "D7: a missing locals stays missing");
	snprintf(want, sizeof(want), "| %s/bin/vdelivermail '' delete\n",
	    cfg.vpopmail_dir);
	CHECK(vpopmail_file_has("domains/new1.example/.qmail-default", want),
	    "D8: .qmail-default is exactly the vdelivermail line");
	CHECK(stat(p("home/vpopmail/domains/new1.example/.qmail-default"),
	    &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_uid == duid &&
	    st.st_gid == dgid, "D8: .qmail-default 0600 owned by the domain");
	CHECK(stat(p("home/vpopmail/domains/new1.example"), &st) == 0 &&
	    S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700 &&
	    st.st_uid == duid && st.st_gid == dgid,
	    "D8: domain directory 0700 owned by the domain");
	n = cdbget(p("home/vpopmail/domains/new1.example/vpasswd.cdb"),
	    "postmaster", 10, val, sizeof(val));
	CHECK(n > 0, "D9: postmaster in vpasswd.cdb");
	if (n > 0) {
		char *colon = strchr(val, ':');

		if (colon != NULL)
			*colon = '\0';
		CHECK(auth_verify("Secret1", val) == 1,
		    "D9: its hash verifies Secret1");
		CHECK(strstr(colon ? colon + 1 : "", "/domains/new1.example/"
		    "postmaster:") != NULL, "D9: its home is D/postmaster");
	}
	CHECK(access(p("home/vpopmail/domains/new1.example/postmaster/"
	    "Maildir/new"), F_OK) == 0, "D9: its Maildir exists");
	CHECK(vpopmail_file_has("domains/.dir-control",
	    "62\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n\n"),
	    "domain allocator count 62");
}

static void
test_locals(void)
{
	if (!CHECK(setup("small") == 0, "small tree"))
		return;
	CHECK(t_write(p("var/qmail/control/locals"),
	    "localhost\nnew2.example\nother\n", 29) == 0, "setup locals");
	CHECK(store_domain_add(&ctx, "new2.example", "pw") == 0,
	    "add new2.example to the small tree");
	CHECK(ts_file_is(p("var/qmail/control/locals"), "localhost\nother\n",
	    16), "D7: the name's line left locals, the others stayed");
	CHECK(has_line(p("var/qmail/control/rcpthosts"), "new2.example") &&
	    count_lines(p("var/qmail/control/rcpthosts")) == 3 &&
	    access(p("var/qmail/control/morercpthosts"), F_OK) < 0,
	    "D6: with 2 lines, the name goes into rcpthosts");
}

static void
test_hundredth(void)
{
	char name[64], want[PATH_MAX + 128];
	int i, ok = 1;

	if (!CHECK(setup("large") == 0, "large tree"))
		return;
	for (i = 1; ok && i <= 39; i++) {
		snprintf(name, sizeof(name), "h%02d.example", i);
		ok = store_domain_add(&ctx, name, "pw") == 0;
	}
	CHECK(ok, "38 more domains and a 39th");
	CHECK(access(p("home/vpopmail/domains/h38.example"), F_OK) == 0,
	    "the 99th domain is directly in domains/");
	CHECK(access(p("home/vpopmail/domains/0/h39.example/.qmail-default"),
	    F_OK) == 0, "D12: the 100th domain is in domains/0/");
	snprintf(want, sizeof(want), "+h39.example-:h39.example:%lu:%lu:%s/"
	    "domains/0/h39.example:-::", (unsigned long)duid,
	    (unsigned long)dgid, cfg.vpopmail_dir);
	CHECK(has_line(p("var/qmail/users/assign"), want),
	    "D12: its assign line carries domains/0");
	CHECK(vpopmail_file_has("domains/.dir-control",
	    "100\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n0\n"),
	    "D12: .dir-control line 1 = 100, line 8 = 0");
	CHECK(store_domain_del(&ctx, "h39.example") == 0 &&
	    access(p("home/vpopmail/domains/0/h39.example"), F_OK) < 0 &&
	    access(p("home/vpopmail/domains/0"), F_OK) == 0,
	    "del of a hashed domain keeps the hash directory");
	CHECK(vpopmail_file_has("domains/.dir-control",
	    "99\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n0\n"),
	    "and takes the allocator back to 99");
}

static const char *const qfiles[] = {
	"var/qmail/users/assign", "var/qmail/users/cdb",
	"var/qmail/control/rcpthosts", "var/qmail/control/morercpthosts",
	"var/qmail/control/morercpthosts.cdb",
	"var/qmail/control/virtualdomains", "var/qmail/control/locals",
};
#define NQ (sizeof(qfiles) / sizeof(qfiles[0]))

/* PROTOCOL.md 4.8: the reference answers "+OK " when a qmail file cannot
 * be updated; we answer "Could not update file" and leave no part of
 * the alias behind. */
static void
test_alias_update_fails(void)
{
	char *before[NQ], *after, val[512];
	size_t i;
	int same = 1;

	CHECK(rename(p("var/qmail/control/virtualdomains"),
	    p("var/qmail/control/vd.saved")) == 0 &&
	    mkdir(p("var/qmail/control/virtualdomains"), 0700) == 0,
	    "plant a directory at control/virtualdomains");
	for (i = 0; i < NQ; i++)
		before[i] = slurp(p("%s", qfiles[i]));
	CHECK(store_domain_add_alias(&ctx, "big.example", "al4.example") ==
	    VERR_UPDATE_FILE, "add_alias_domain: Could not update file");
	for (i = 0; i < NQ; i++) {
		after = slurp(p("%s", qfiles[i]));
		if (!((before[i] == NULL && after == NULL) || (before[i] &&
		    after && strcmp(before[i], after) == 0))) {
			T_INFO("%s differs", qfiles[i]);
			same = 0;
		}
		free(after);
		free(before[i]);
	}
	CHECK(same && cdbget(p("var/qmail/users/cdb"), "!al4.example-", 13,
	    val, sizeof(val)) < 0,
	    "no line of the alias is left in any qmail file or users/cdb");
	CHECK(rmdir(p("var/qmail/control/virtualdomains")) == 0 &&
	    rename(p("var/qmail/control/vd.saved"),
	    p("var/qmail/control/virtualdomains")) == 0, "put it back");
}

static void
test_alias(void)
{
	char *before[NQ], *after, *home, val[PATH_MAX + 64], val2[sizeof(val)];
	char want[PATH_MAX + 128];
	long a, b;
	size_t i;
	int same = 1;

	if (!CHECK(setup("large") == 0, "large tree"))
		return;
	for (i = 0; i < NQ; i++)
		before[i] = slurp(p("%s", qfiles[i]));
	home = snapshot_of(1);
	/* via an alias: alias.example is big.example's */
	CHECK(store_domain_add_alias(&ctx, "ALIAS.example", "Al2.Example") == 0,
	    "add_alias_domain alias.example al2.example");
	/* the real domain's uid:gid as users/assign records them */
	snprintf(want, sizeof(want), "+al2.example-:big.example:89:89:%s/"
	    "domains/big.example:-::", cfg.vpopmail_dir);
	CHECK(has_line(p("var/qmail/users/assign"), want), "D13: assign line");
	a = cdbget(p("var/qmail/users/cdb"), "!al2.example-", 13, val,
	    sizeof(val));
	b = cdbget(p("var/qmail/users/cdb"), "!big.example-", 13, val2,
	    sizeof(val2));
	CHECK(a > 0 && a == b && memcmp(val, val2, (size_t)a) == 0,
	    "D13: its users/cdb value is big.example's");
	CHECK(has_line(p("var/qmail/control/morercpthosts"), "al2.example") &&
	    cdbget(p("var/qmail/control/morercpthosts.cdb"), "al2.example",
	    11, val, sizeof(val)) == 0, "D13: morercpthosts and its cdb");
	CHECK(has_line(p("var/qmail/control/virtualdomains"),
	    "al2.example:al2.example"), "D13: virtualdomains");
	snapshot_of(1);
	CHECK(same_snapshot(home, snap), "D13: nothing under vpopmail-dir "
	    "changed");
	free(snap);
	CHECK(store_domain_add_alias(&ctx, "big.example", "al2.example") ==
	    VERR_DOMAIN_EXISTS, "the same alias again: Domain already exists");
	CHECK(store_domain_add_alias(&ctx, "big.example", "big.example") ==
	    VERR_DOMAIN_EXISTS, "alias = real: Domain already exists");
	CHECK(store_domain_add_alias(&ctx, "nope.example", "al3.example") ==
	    VERR_NO_DOMAIN, "unknown real domain: Domain does not exist");
	CHECK(store_domain_add_alias(&ctx, "big.example", "al3.exa_mple") ==
	    VERR_INVALID_DOMAIN, "bad alias: Invalid domain name");
	CHECK(store_domain_add_alias(&ctx, "big.example", "-al3.example") ==
	    VERR_INVALID_DOMAIN, "alias gets the full rules (leading -)");
	CHECK(store_domain_del(&ctx, "AL2.example") == 0,
	    "D15: del_domain of the alias");
	for (i = 0; i < NQ; i++) {
		after = slurp(p("%s", qfiles[i]));
		if (!((before[i] == NULL && after == NULL) || (before[i] &&
		    after && strcmp(before[i], after) == 0))) {
			T_INFO("%s differs", qfiles[i]);
			same = 0;
		}
		free(after);
		free(before[i]);
	}
	CHECK(same, "D15: every qmail file is byte for byte as before");
	snapshot_of(1);
	CHECK(same_snapshot(home, snap), "D15: the real domain is untouched");
	free(snap);
	free(home);
	test_alias_update_fails();
}

/* Appends text to a file (fixture preparation). */
static int
append(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The text of path without the lines that contain any of drop[]. */
static char *
without(const char *path, const char *const *drop, size_t nd)
{
	char *s = slurp(path), *out, *q, *o;
	size_t i;

	if (s == NULL)
		return NULL;
	out = calloc(1, strlen(s) + 1);
	for (q = s, o = out; out != NULL && *q; ) {
		size_t len = strcspn(q, "\n") + (q[strcspn(q, "\n")] == '\n');
		int keep = 1;

		for (i = 0; i < nd; i++)
			if (memmem(q, len, drop[i], strlen(drop[i])) != NULL)
				keep = 0;
		if (keep) {
			memcpy(o, q, len);
			o += len;
		}
		q += len;
	}
	free(s);
	return out;
}

static int
file_is_text(const char *path, const char *want)
{
	char *s = slurp(path);
	int ok = s != NULL && want != NULL && strcmp(s, want) == 0;

	free(s);
	return ok;
}

static void
test_del_real(void)
{
	static const char *const drop_assign[] = { "+big.example-:",
	    "+alias.example-:", "+weird.example-:" };
	static const char *const drop_hosts[] = { "big.example",
	    "alias.example", "weird.example" };
	char *assign, *mrh, *vd, *assign_raw, val[PATH_MAX + 64], *line;
	size_t at, lsz;
	int r;

	if (!CHECK(setup("large") == 0, "large tree"))
		return;
	/* foreign lines everywhere, and a Q12 alias line whose dir field
	 * differs from big.example's */
	assign_raw = slurp(p("var/qmail/users/assign"));
	if (!CHECK(assign_raw != NULL, "read assign"))
		return;
	at = strlen(assign_raw) - 2;	/* before ".\n" */
	assign_raw[at] = '\0';
	lsz = strlen(assign_raw) + 256;
	if ((line = malloc(lsz)) == NULL)
		abort();
	snprintf(line, lsz, "%s=root:root:0:0:/root:::\n"
	    "+weird.example-:big.example:89:89:/elsewhere:-::\n.\n",
	    assign_raw);
	free(assign_raw);
	r = t_write(p("var/qmail/users/assign"), line, strlen(line));
	free(line);
	CHECK(r == 0 &&
	    append(p("var/qmail/control/morercpthosts"), "# foreign\n"
	    "weird.example\n") == 0 &&
	    append(p("var/qmail/control/virtualdomains"), ".foreign.example:"
	    "x\nweird.example:weird.example\n") == 0,
	    "setup foreign lines");
	assign = without(p("var/qmail/users/assign"), drop_assign, 3);
	mrh = without(p("var/qmail/control/morercpthosts"), drop_hosts, 3);
	vd = without(p("var/qmail/control/virtualdomains"), drop_hosts, 3);
	r = store_domain_del(&ctx, "Big.Example");
	CHECK(r == 0, "D16: del_domain big.example: %d", r);
	CHECK(file_is_text(p("var/qmail/users/assign"), assign),
	    "D16: assign lost exactly its three lines (Q12 included)");
	CHECK(file_is_text(p("var/qmail/control/morercpthosts"), mrh),
	    "D16: morercpthosts lost exactly its names");
	CHECK(file_is_text(p("var/qmail/control/virtualdomains"), vd),
	    "D16: virtualdomains lost exactly its lines");
	CHECK(cdbget(p("var/qmail/users/cdb"), "!big.example-", 13, val,
	    sizeof(val)) < 0 && cdbget(p("var/qmail/users/cdb"),
	    "!alias.example-", 15, val, sizeof(val)) < 0 &&
	    cdbget(p("var/qmail/users/cdb"), "!d01.example-", 13, val,
	    sizeof(val)) > 0, "D16: users/cdb lost both keys, not others");
	CHECK(cdbget(p("var/qmail/control/morercpthosts.cdb"), "big.example",
	    11, val, sizeof(val)) < 0 && cdbget(
	    p("var/qmail/control/morercpthosts.cdb"), "alias.example", 13,
	    val, sizeof(val)) < 0 && cdbget(
	    p("var/qmail/control/morercpthosts.cdb"), "d51.example", 11, val,
	    sizeof(val)) == 0, "D16: morercpthosts.cdb lost both names");
	CHECK(access(p("home/vpopmail/domains/big.example"), F_OK) < 0 &&
	    errno == ENOENT, "D16: the domain directory is gone");
	CHECK(vpopmail_file_has("domains/.dir-control",
	    "60\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n\n"),
	    "D16: domains/.dir-control line 1 is 60");
	CHECK(store_domain_del(&ctx, "big.example") == VERR_NO_DOMAIN,
	    "a second delete: Domain does not exist");
	free(assign);
	free(mrh);
	free(vd);
}

static void
test_del_symlink(void)
{
	if (!CHECK(setup("small") == 0, "small tree"))
		return;
	CHECK(rename(p("home/vpopmail/domains/example.net"),
	    p("moved")) == 0 && symlink(p("moved"),
	    p("home/vpopmail/domains/example.net")) == 0,
	    "example.net's directory becomes a symlink");
	CHECK(store_domain_del(&ctx, "example.net") == 0,
	    "del_domain example.net");
	CHECK(access(p("home/vpopmail/domains/example.net"), F_OK) < 0 &&
	    access(p("moved/vpasswd"), F_OK) == 0,
	    "only the link went; what it pointed to is untouched");
}

/* add_domain refused or failing at step s leaves every file as it was. */
static void
rollback_case(const char *what, const char *name, const char *pw,
    int want, enum sd_stage want_stage)
{
	enum sd_stage stage;
	char *before, *after;
	int r;

	before = snapshot();
	r = store_domain_add_stage(&ctx, name, pw, &stage);
	CHECK(r == want && stage == want_stage, "%s: %d (%s), stage %d", what,
	    r, vp_verror_text(r), (int)stage);
	after = snapshot();
	CHECK(same_snapshot(before, after), "%s: no residue", what);
	free(before);
	free(after);
}

static void
test_rollback(void)
{
	char big[200];

	if (!CHECK(setup("large") == 0, "large tree"))
		return;
	memset(big, 'a', 129);
	big[129] = '\0';
	rollback_case("B1: over-long password", "new3.example", big,
	    VERR_PASSWD_TOO_LONG, SD_STAGE_POSTMASTER);
	rollback_case("B1: password with LF", "new3.example", "a\nb",
	    VERR_BAD_CHAR, SD_STAGE_POSTMASTER);
	rollback_case("D11: existing domain", "D01.example", "pw",
	    VERR_DOMAIN_EXISTS, SD_STAGE_DOMAIN);
	rollback_case("D11: existing alias", "alias.example", "pw",
	    VERR_DOMAIN_EXISTS, SD_STAGE_DOMAIN);
	rollback_case("D11: ab", "ab", "pw", VERR_INVALID_DOMAIN,
	    SD_STAGE_DOMAIN);
	rollback_case("D11: exa..mple.com", "exa..mple.com", "pw",
	    VERR_INVALID_DOMAIN, SD_STAGE_DOMAIN);

	/* a file planted where the directory would go (Q15 too) */
	CHECK(t_write(p("home/vpopmail/domains/new3.example"), "x", 1) == 0,
	    "plant a file at domains/new3.example");
	rollback_case("B1: planted file", "new3.example", "pw",
	    VERR_MAKE_DOMAIN_DIR, SD_STAGE_DOMAIN);
	CHECK(unlink(p("home/vpopmail/domains/new3.example")) == 0 &&
	    mkdir(p("home/vpopmail/domains/new3.example"), 0700) == 0 &&
	    t_write(p("home/vpopmail/domains/new3.example/vpasswd"),
	    "old:x:1:0:old:/old:NOQUOTA\n", 27) == 0,
	    "plant a non-empty directory instead");
	rollback_case("Q15: non-empty directory", "new3.example", "pw",
	    VERR_MAKE_DOMAIN_DIR, SD_STAGE_DOMAIN);
	CHECK(t_rm_rf(p("home/vpopmail/domains/new3.example")) == 0,
	    "remove it");

	/* a directory where virtualdomains is: assign and morercpthosts
	 * are done by then, and must be undone */
	CHECK(rename(p("var/qmail/control/virtualdomains"),
	    p("var/qmail/control/vd.saved")) == 0 &&
	    mkdir(p("var/qmail/control/virtualdomains"), 0700) == 0,
	    "plant a directory at control/virtualdomains");
	rollback_case("B1: virtualdomains cannot be written", "new3.example",
	    "pw", VERR_UPDATE_FILE, SD_STAGE_DOMAIN);
	CHECK(rmdir(p("var/qmail/control/virtualdomains")) == 0 &&
	    rename(p("var/qmail/control/vd.saved"),
	    p("var/qmail/control/virtualdomains")) == 0, "put it back");

	/* a line qmail-newu refuses: users/cdb cannot be rebuilt */
	CHECK(t_write(p("var/qmail/users/assign"), "bogus\n.\n", 8) == 0,
	    "an assign file qmail-newu would refuse");
	rollback_case("B1: users/cdb cannot be rebuilt", "new3.example", "pw",
	    VERR_UPDATE_FILE, SD_STAGE_DOMAIN);
}

static void
test_fresh_install(void)
{
	struct stat st;

	if (!CHECK(setup("small") == 0, "small tree"))
		return;
	CHECK(t_rm_rf(p("home/vpopmail/domains")) == 0 &&
	    unlink(p("var/qmail/users/assign")) == 0 &&
	    unlink(p("var/qmail/users/cdb")) == 0,
	    "no domains/, no users/assign, no users/cdb");
	CHECK(store_domain_add(&ctx, "first.example", "pw") == 0,
	    "add_domain on a fresh install");
	CHECK(stat(p("home/vpopmail/domains"), &st) == 0 &&
	    (st.st_mode & 07777) == 0700, "domains/ created 0700");
	CHECK(vpopmail_file_has("domains/.dir-control",
	    "1\n0\n3\n0 0 0\n61 61 61\n0 2 4\n0 0 0\n\n"),
	    "a fresh allocator written as the reference writes it");
	CHECK(has_line(p("var/qmail/users/assign"), ".") &&
	    count_lines(p("var/qmail/users/assign")) == 2,
	    "assign created with the line and the \".\"");
}

/* The build directory: this binary is BUILD/tests/unit/test_domain. */
static int
find_build(void)
{
	ssize_t n = readlink("/proc/self/exe", build, sizeof(build) - 1);
	int i;
	char *s;

	if (n <= 0)
		return -1;
	build[n] = '\0';
	for (i = 0; i < 3; i++) {
		if ((s = strrchr(build, '/')) == NULL)
			return -1;
		*s = '\0';
	}
	return 0;
}

int
main(void)
{
	char reroot[PATH_MAX + 32];

	if (find_build() < 0 || ts_fixtures() == NULL) {
		CHECK(0, "find the build directory and the fixtures");
		return T_DONE("test_domain");
	}
	snprintf(reroot, sizeof(reroot), "%s/tests/tools/reroot", build);
	if (access(reroot, X_OK) < 0) {
		T_SKIP("no %s (make tests builds it)", reroot);
		return T_DONE("test_domain");
	}
	qmailsend_prepare(0, "/proc");
	test_add_large();
	test_locals();
	test_hundredth();
	test_alias();
	test_del_real();
	test_del_symlink();
	test_rollback();
	test_fresh_install();
	teardown();
	return T_DONE("test_domain");
}
