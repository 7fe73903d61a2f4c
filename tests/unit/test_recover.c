/*
 * test_recover.c - crash recovery (privhelper/recover.c, sd_recover in
 * store_domain.c, the index refreshes of cdbmake.c), STORAGE.md 13.3
 * and 14.6 K4, on rerooted copies of the reference trees:
 *
 *  - every step boundary of add_domain, add_alias_domain and del_domain
 *    (recover_test_crash_at: the child running the operation SIGKILLs
 *    itself at the n-th boundary, for n = 1, 2, ... until the operation
 *    runs through), with rcpthosts and with morercpthosts, then recovery
 *    and an independent reader (text parsing here, tinycdb's cdb_find):
 *    the qmail files are byte for byte the old or the new ones, users/cdb
 *    and morercpthosts.cdb agree with their text, the domain is in assign
 *    iff in rcpthosts+morercpthosts iff in virtualdomains iff its
 *    directory with vpasswd, vpasswd.cdb and postmaster exists, and no
 *    intent record or temporary file is left;
 *  - 120 operations killed at random times (fork + SIGKILL), the same
 *    checks after each recovery;
 *  - an intent whose owner is alive (lock held) is left alone;
 *  - users/cdb and morercpthosts.cdb older than their text are rebuilt,
 *    current ones keep their inode;
 *  - temporaries of dead processes are swept, a live one's are kept;
 *  - the intent format: round trip and refusals.
 */
#include <cdb.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cdbmake.h"
#include "config.h"
#include "errors.h"
#include "recover.h"
#include "store_domain.h"
#include "util.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 512];
static char build[PATH_MAX];
static struct vp_config cfg;
static struct ph_ctx ctx;

/* ---- fixture (as test_domain.c) ---- */

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
	if (ctx.audit_fd > 0)
		close(ctx.audit_fd);
	ctx.vpop_fd = ctx.qmail_fd = ctx.audit_fd = -1;
	if (top[0] != '\0')
		t_rm_rf(top);
	top[0] = '\0';
}

/* A fresh small tree with a context on it; the audit goes to top/audit. */
static int
setup(void)
{
	teardown();
	if (t_mkdtemp(top, sizeof(top), "recover") < 0 ||
	    run_fixture("small", top) < 0)
		return -1;
	config_defaults(&cfg);
	vp_strlcpy(cfg.vpopmail_dir, p("home/vpopmail"),
	    sizeof(cfg.vpopmail_dir));
	vp_strlcpy(cfg.qmail_dir, p("var/qmail"), sizeof(cfg.qmail_dir));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.vpop_fd = ts_dirfd(cfg.vpopmail_dir);
	ctx.qmail_fd = ts_dirfd(cfg.qmail_dir);
	ctx.audit_fd = open(p("audit"), O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0600);
	return ctx.vpop_fd < 0 || ctx.qmail_fd < 0 || ctx.audit_fd < 0 ?
	    -1 : 0;
}

/* rcpthosts padded to 50 lines: new names go to morercpthosts. */
static int
pad_rcpthosts(void)
{
	char *old = ts_slurp(p("var/qmail/control/rcpthosts"), 1 << 16, NULL);
	char buf[4096];
	size_t n;
	int i, lines = 0;

	if (old == NULL)
		return -1;
	for (i = 0; old[i]; i++)
		lines += old[i] == '\n';
	n = (size_t)snprintf(buf, sizeof(buf), "%s", old);
	for (i = lines; i < 50; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    "pad%02d.invalid\n", i);
	free(old);
	return t_write(p("var/qmail/control/rcpthosts"), buf, n);
}

/* ---- the independent reader ---- */

static char *
slurp(const char *path)
{
	return ts_slurp(path, 4u << 20, NULL);
}

/* 1 when the text at s has a line equal to line. */
static int
text_has(const char *s, const char *line)
{
	size_t n = strlen(line);
	const char *q;

	for (q = s; q != NULL && *q != '\0'; ) {
		const char *nl = strchr(q, '\n');
		size_t len = nl ? (size_t)(nl - q) : strlen(q);

		if (len == n && memcmp(q, line, n) == 0)
			return 1;
		q = nl ? nl + 1 : q + len;
	}
	return 0;
}

static int
file_has(const char *path, const char *line)
{
	char *s = slurp(path);
	int r = s != NULL && text_has(s, line);

	free(s);
	return r;
}

/* cdb_find of key in path: 1 with the value in val, 0 absent, -1 bad. */
static int
t_cdbget(const char *path, const void *key, size_t klen, char *val,
    size_t vsz, size_t *vlen)
{
	struct cdb c;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = -1;

	if (fd < 0)
		return -1;
	if (cdb_init(&c, fd) == 0) {
		r = cdb_find(&c, key, (unsigned)klen);
		if (r > 0) {
			*vlen = cdb_datalen(&c);
			r = *vlen < vsz && cdb_read(&c, val, (unsigned)*vlen,
			    cdb_datapos(&c)) == 0 ? 1 : -1;
		}
		cdb_free(&c);
	}
	close(fd);
	return r;
}

static long
cdb_count(const char *path)
{
	struct cdb c;
	unsigned pos;
	long n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (cdb_init(&c, fd) != 0) {
		close(fd);
		return -1;
	}
	cdb_seqinit(&pos, &c);
	while (cdb_seqnext(&pos, &c) > 0)
		n++;
	cdb_free(&c);
	close(fd);
	return n;
}

/* users/cdb holds exactly one record per assign line before "." (all
 * "+name-:" lines here) with qmail-newu's value, and the "" record. */
static int
users_cdb_agrees(char *why, size_t wsz)
{
	char *s = slurp(p("var/qmail/users/assign")), *q, *nl, val[1024];
	char key[512], want[1024];
	long lines = 0;
	size_t vlen, klen, wl, i;
	int ok = s != NULL;

	for (q = s; ok && q && *q && *q != '.'; q = nl + 1) {
		char *colon;
		int colons = 0;

		if ((nl = strchr(q, '\n')) == NULL || (colon = strchr(q, ':'))
		    == NULL || colon > nl || q[0] != '+')
			break;
		lines++;
		klen = (size_t)snprintf(key, sizeof(key), "!%.*s",
		    (int)(colon - q - 1), q + 1);
		for (wl = 0, i = 1; colon + i < nl && colons < 6; i++) {
			if (colon[i] == ':') {
				colons++;
				if (colons == 6)
					break;
				want[wl++] = '\0';
			} else
				want[wl++] = colon[i];
		}
		if (t_cdbget(p("var/qmail/users/cdb"), key, klen, val,
		    sizeof(val), &vlen) != 1 || vlen != wl ||
		    memcmp(val, want, wl) != 0) {
			snprintf(why, wsz, "users/cdb %.200s differs", key);
			ok = 0;
		}
	}
	if (ok && cdb_count(p("var/qmail/users/cdb")) != lines + 1) {
		snprintf(why, wsz, "users/cdb has %ld records, assign %ld lines",
		    cdb_count(p("var/qmail/users/cdb")), lines);
		ok = 0;
	}
	if (ok && (t_cdbget(p("var/qmail/users/cdb"), "", 0, val, sizeof(val),
	    &vlen) != 1 || vlen != 1 || val[0] != '-')) {
		snprintf(why, wsz, "users/cdb lacks the \"\" record");
		ok = 0;
	}
	free(s);
	return ok;
}

/* morercpthosts.cdb has exactly the lines of morercpthosts (or neither
 * exists). */
static int
mrh_cdb_agrees(char *why, size_t wsz)
{
	char *s = slurp(p("var/qmail/control/morercpthosts")), *q, *nl;
	char val[8];
	size_t vlen;
	long n = 0;
	int ok = 1;

	if (s == NULL) {
		if (access(p("var/qmail/control/morercpthosts.cdb"), F_OK) == 0) {
			snprintf(why, wsz, "morercpthosts.cdb without its text");
			return 0;
		}
		return 1;
	}
	for (q = s; ok && *q && (nl = strchr(q, '\n')) != NULL; q = nl + 1) {
		n++;
		if (t_cdbget(p("var/qmail/control/morercpthosts.cdb"), q,
		    (size_t)(nl - q), val, sizeof(val), &vlen) != 1) {
			snprintf(why, wsz, "morercpthosts.cdb lacks %.*s",
			    (int)(nl - q), q);
			ok = 0;
		}
	}
	if (ok && cdb_count(p("var/qmail/control/morercpthosts.cdb")) != n) {
		snprintf(why, wsz, "morercpthosts.cdb: %ld records for %ld lines",
		    cdb_count(p("var/qmail/control/morercpthosts.cdb")), n);
		ok = 0;
	}
	free(s);
	return ok;
}

/* Temporaries left where the domain operations write. */
static int
temps_left(void)
{
	return ts_count_temps(p("var/qmail/users")) +
	    ts_count_temps(p("var/qmail/control")) +
	    ts_count_temps(p("home/vpopmail/domains")) +
	    ts_count_temps(p("home/vpopmail/etc"));
}

static int
intents_left(void)
{
	struct dirent *de;
	DIR *d = opendir(p("home/vpopmail/etc"));
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, RC_PREFIX, strlen(RC_PREFIX)) == 0;
	closedir(d);
	return n;
}

/* 1 when some line of s starts with prefix. */
static int
text_has_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *q;

	for (q = s; q != NULL && *q != '\0'; q = strchr(q, '\n'),
	    q = q ? q + 1 : NULL)
		if (strncmp(q, prefix, n) == 0)
			return 1;
	return 0;
}

/* The directory of a real domain is complete: vpasswd with postmaster,
 * vpasswd.cdb that finds it, its Maildir. */
static int
dir_complete(const char *dir)
{
	char *vp = slurp(p("%s/vpasswd", dir)), v[512];
	size_t vlen;
	int ok;

	ok = vp != NULL && text_has_prefix(vp, "postmaster:") &&
	    t_cdbget(p("%s/vpasswd.cdb", dir), "postmaster", 10, v, sizeof(v),
	    &vlen) == 1 && access(p("%s/postmaster/Maildir/new", dir),
	    F_OK) == 0;
	free(vp);
	return ok;
}

/* Where name lives as far as the files say: -1 inconsistent (why), 0
 * nowhere, 1 everywhere. dir: the real domain's directory relative to
 * top, or NULL for an alias. */
static int
where(const char *name, const char *dir, char *why, size_t wsz)
{
	char line[512], *assign = slurp(p("var/qmail/users/assign"));
	int a, h, vd, d = -1;

	snprintf(line, sizeof(line), "+%s-:", name);
	a = assign != NULL && text_has_prefix(assign, line);
	free(assign);
	h = file_has(p("var/qmail/control/rcpthosts"), name) +
	    file_has(p("var/qmail/control/morercpthosts"), name);
	snprintf(line, sizeof(line), "%s:%s", name, name);
	vd = file_has(p("var/qmail/control/virtualdomains"), line);
	if (dir != NULL) {
		d = access(p("%s", dir), F_OK) == 0;
		if (d && !dir_complete(dir))
			d = 2;		/* there, but not whole */
	}
	if (a == h && a == vd && (dir == NULL || a == d))
		return a;
	snprintf(why, wsz, "%s: assign %d, rcpthosts+more %d, virtualdomains "
	    "%d, directory %d", name, a, h, vd, d);
	return -1;
}

/* Appends s to out[0..n) with every occurrence of top (which differs
 * from one fresh tree to the next) written as "@T@". */
static size_t
untop(char *out, size_t n, size_t cap, const char *s)
{
	size_t tl = strlen(top);
	const char *hit;

	while ((hit = strstr(s, top)) != NULL) {
		n += (size_t)snprintf(out + n, cap - n, "%.*s@T@",
		    (int)(hit - s), s);
		s = hit + tl;
		if (n >= cap)
			abort();
	}
	return n + (size_t)snprintf(out + n, cap - n, "%s", s);
}

/* The qmail text files, one string (old/new comparison). */
static char *
qmail_texts(void)
{
	static const char *const f[] = { "users/assign", "control/rcpthosts",
	    "control/morercpthosts", "control/virtualdomains",
	    "control/locals" };
	size_t i, n = 0, cap = 1 << 16;
	char *out = malloc(cap), *s;

	if (out == NULL)
		abort();
	out[0] = '\0';
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		s = slurp(p("var/qmail/%s", f[i]));
		n += (size_t)snprintf(out + n, cap - n, "== %s\n", f[i]);
		n = untop(out, n, cap, s ? s : "(none)\n");
		free(s);
		if (n >= cap)
			abort();
	}
	return out;
}

/* ---- the operations, run in a child ---- */

enum op { OP_ADD, OP_ALIAS, OP_DEL, OP_DEL_ALIAS };

static const char *const op_text[] = { "add_domain", "add_alias_domain",
	"del_domain", "del_domain (alias)" };

static int
run_op(enum op op, const char *name, const char *real)
{
	switch (op) {
	case OP_ADD:
		return store_domain_add(&ctx, name, "pw");
	case OP_ALIAS:
		return store_domain_add_alias(&ctx, real, name);
	default:
		return store_domain_del(&ctx, name);
	}
}

/* Forks the operation; crash_at > 0: it kills itself at that boundary;
 * kill_after_us > 0: the parent kills it then. Returns 1 when it was
 * killed, 0 when it ran through with success, -1 otherwise. */
static int
fork_op(enum op op, const char *name, const char *real, int crash_at,
    long kill_after_us)
{
	struct timespec ts;
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		recover_test_crash_at = crash_at;
		_exit(run_op(op, name, real) == 0 ? 0 : 1);
	}
	if (kill_after_us > 0) {
		ts.tv_sec = kill_after_us / 1000000;
		ts.tv_nsec = (kill_after_us % 1000000) * 1000;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		return 1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* ---- step boundaries ---- */

struct bcase {
	const char	*what;
	enum op		 op;
	const char	*name, *real;
	const char	*dir;		/* the real domain's, below top */
	int		 mrh;		/* rcpthosts padded to 50 lines */
	int		 prep;		/* add name (+ alias) first */
};

/* The tree a case starts from. */
static int
prepare(const struct bcase *c)
{
	if (setup() < 0 || (c->mrh && pad_rcpthosts() < 0))
		return -1;
	if (c->prep && (store_domain_add(&ctx, "kd.example", "pw") != 0 ||
	    store_domain_add_alias(&ctx, "kd.example", "ka.example") != 0))
		return -1;
	return 0;
}

/* After a kill and a recovery: wholly old or wholly new. */
static int
judge(const struct bcase *c, const char *old, const char *new, int k,
    int *olds, int *news)
{
	char why[512] = "";
	char *now = qmail_texts();
	int w1, w2 = 0, ok;

	w1 = where(c->name, c->op == OP_ALIAS || c->op == OP_DEL_ALIAS ?
	    NULL : c->dir, why, sizeof(why));
	if (c->prep && c->op == OP_DEL && w1 >= 0)
		w2 = where("ka.example", NULL, why, sizeof(why));
	ok = w1 >= 0 && w2 >= 0 && w2 == (c->prep && c->op == OP_DEL ? w1 :
	    0) && users_cdb_agrees(why, sizeof(why)) &&
	    mrh_cdb_agrees(why, sizeof(why));
	if (ok && strcmp(now, old) == 0)
		(*olds)++;
	else if (ok && strcmp(now, new) == 0)
		(*news)++;
	else if (ok) {
		snprintf(why, sizeof(why), "qmail files neither old nor new");
		ok = 0;
	}
	if (ok && intents_left() != 0) {
		snprintf(why, sizeof(why), "%d intent record(s) left",
		    intents_left());
		ok = 0;
	}
	if (ok && temps_left() != 0) {
		snprintf(why, sizeof(why), "%d temporary file(s) left",
		    temps_left());
		ok = 0;
	}
	if (!ok)
		CHECK(0, "%s killed at boundary %d, recovered: %s", c->what, k,
		    why);
	free(now);
	return ok;
}

static void
boundaries(const struct bcase *c)
{
	char *old, *new;
	int k, r, olds = 0, news = 0, bad = 0;

	if (!CHECK(prepare(c) == 0, "%s: tree", c->what))
		return;
	old = qmail_texts();
	CHECK(fork_op(c->op, c->name, c->real, 0, 0) == 0, "%s runs through",
	    c->what);
	new = qmail_texts();
	for (k = 1; k < 100; k++) {
		if (prepare(c) < 0)
			break;
		if ((r = fork_op(c->op, c->name, c->real, k, 0)) != 1)
			break;
		if (recover_run(&ctx) < 0)
			T_INFO("recovery reported a failure at %d", k);
		bad += !judge(c, old, new, k, &olds, &news);
	}
	CHECK(r == 0, "%s: after the last of its %d boundaries it ran "
	    "through", c->what, k - 1);
	/* an add is finished or undone by where it was; a delete is
	 * always finished */
	CHECK(bad == 0 && (c->op == OP_ADD || c->op == OP_ALIAS ? olds > 0 &&
	    news > 0 : olds == 0 && news == k - 1), "%s: killed at each of %d "
	    "boundaries and recovered: %d wholly old, %d wholly new", c->what,
	    k - 1, olds, news);
	free(old);
	free(new);
}

static void
test_boundaries(void)
{
	static const struct bcase cases[] = {
		{ "add_domain", OP_ADD, "kd.example", NULL,
		    "home/vpopmail/domains/kd.example", 0, 0 },
		{ "add_domain (morercpthosts)", OP_ADD, "kd.example", NULL,
		    "home/vpopmail/domains/kd.example", 1, 0 },
		{ "add_alias_domain", OP_ALIAS, "ka2.example", "example.com",
		    NULL, 0, 0 },
		{ "add_alias_domain (morercpthosts)", OP_ALIAS, "ka2.example",
		    "example.com", NULL, 1, 0 },
		{ "del_domain with an alias", OP_DEL, "kd.example", NULL,
		    "home/vpopmail/domains/kd.example", 0, 1 },
		{ "del_domain with an alias (morercpthosts emptied)", OP_DEL,
		    "kd.example", NULL, "home/vpopmail/domains/kd.example", 1,
		    1 },
		{ "del_domain of an alias", OP_DEL_ALIAS, "ka.example", NULL,
		    NULL, 0, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		boundaries(&cases[i]);
}

/* ---- random kills ---- */

static long
elapsed_us(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000000L + (b.tv_nsec - a->tv_nsec) /
	    1000;
}

/* One killed-at-random operation and its recovery; 0 when consistent. */
static int
random_one(enum op op, const char *name, const char *real, const char *dir,
    long span_us, int *killed)
{
	char why[512] = "";
	long delay = 1 + (long)(random() % span_us);
	int r = fork_op(op, name, real, 0, delay);

	/* r < 0: refused, e.g. an alias of a domain whose add was undone */
	*killed += r == 1;
	if (recover_run(&ctx) < 0)
		T_INFO("recovery reported a failure");
	if (where(name, dir, why, sizeof(why)) < 0 ||
	    !users_cdb_agrees(why, sizeof(why)) ||
	    !mrh_cdb_agrees(why, sizeof(why)) || intents_left() != 0 ||
	    temps_left() != 0) {
		if (why[0] == '\0')
			snprintf(why, sizeof(why), "intent records or "
			    "temporaries left");
		CHECK(0, "%s %s killed after %ld us: %s", op_text[op], name,
		    delay, why);
		return -1;
	}
	return 0;
}

static void
test_random(void)
{
	char name[64], alias[64], dir[128];
	struct timespec t0;
	long span;
	int i, bad = 0, killed = 0, n = 0;

	if (!CHECK(setup() == 0 && pad_rcpthosts() == 0, "random: tree"))
		return;
	srandom(4242);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(fork_op(OP_ADD, "timing.example", NULL, 0, 0) == 0 &&
	    fork_op(OP_DEL, "timing.example", NULL, 0, 0) == 0,
	    "random: an add and a delete run through");
	span = elapsed_us(&t0) * 6 / 10 + 1;
	for (i = 0; i < 40 && bad < 3; i++) {
		snprintf(name, sizeof(name), "r%d.example", i);
		snprintf(alias, sizeof(alias), "ra%d.example", i);
		snprintf(dir, sizeof(dir), "home/vpopmail/domains/%s", name);
		bad += random_one(OP_ADD, name, NULL, dir, span, &killed) < 0;
		bad += random_one(OP_ALIAS, alias, name, NULL, span,
		    &killed) < 0;
		bad += random_one(OP_DEL, name, NULL, dir, span, &killed) < 0;
		n += 3;
	}
	CHECK(bad == 0 && killed >= n / 10, "random: %d operations, %d "
	    "killed mid-way, each recovered to a consistent tree", n,
	    killed);
}

/* ---- a live intent ---- */

static void
test_live_intent(void)
{
	struct rc_intent in;
	char c;
	pid_t pid;
	int fds[2], st, left;

	if (!CHECK(setup() == 0 && pipe(fds) == 0, "live: tree"))
		return;
	CHECK(mkdir(p("home/vpopmail/domains/live.example"), 0700) == 0 &&
	    t_write(p("home/vpopmail/domains/live.example/x"), "x", 1) == 0,
	    "live: the directory an add has made so far");
	fflush(stdout);
	if ((pid = fork()) == 0) {
		rc_init(&in, RC_ADD_DOMAIN);
		vp_strlcpy(in.name, "live.example", sizeof(in.name));
		vp_strlcpy(in.real, "live.example", sizeof(in.real));
		vp_strlcpy(in.dir, p("home/vpopmail/domains/live.example"),
		    sizeof(in.dir));
		in.uid = in.gid = 89;
		c = rc_begin(&ctx, &in) == 0 ? 'y' : 'n';
		(void)!write(fds[1], &c, 1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	if (!CHECK(pid > 0 && read(fds[0], &c, 1) == 1 && c == 'y',
	    "live: a child wrote its intent and holds it")) {
		if (pid > 0)
			kill(pid, SIGKILL);
		return;
	}
	CHECK(recover_run(&ctx) == 0, "live: recovery ran");
	left = intents_left();
	CHECK(left == 1 && access(p("home/vpopmail/domains/live.example/x"),
	    F_OK) == 0, "live: the held intent and its directory are left "
	    "alone (%d record)", left);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(fds[0]);
	CHECK(recover_run(&ctx) == 1, "live: once its owner is dead it is "
	    "recovered");
	CHECK(intents_left() == 0 && access(p("home/vpopmail/domains/"
	    "live.example"), F_OK) < 0, "live: rolled back: record and "
	    "directory gone");
	{
		char *au = slurp(p("audit"));

		CHECK(au != NULL && strstr(au, "\"recover\"") != NULL &&
		    strstr(au, "\"back\"") != NULL && strstr(au,
		    "live.example") != NULL, "live: one audit record says "
		    "what was recovered and how");
		free(au);
	}
}

/* ---- stale indexes ---- */

static int
set_old(const char *path)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

static ino_t
inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_ino : 0;
}

static void
test_stale(void)
{
	char why[256] = "", val[16], ucdb[PATH_MAX], mcdb[PATH_MAX];
	size_t vlen;
	ino_t ino;

	if (!CHECK(setup() == 0, "stale: tree"))
		return;
	vp_strlcpy(ucdb, p("var/qmail/users/cdb"), sizeof(ucdb));
	ino = inode(ucdb);
	CHECK(cdb_users_stale(ctx.qmail_fd) == 0 && cdb_users_refresh(
	    ctx.qmail_fd) == 0 && inode(p("var/qmail/users/cdb")) == ino,
	    "users/cdb current: untouched (same inode)");
	/* a line added by hand (as a crash after the rename would leave
	 * it): users/cdb is older and lacks it */
	{
		char *s = slurp(p("var/qmail/users/assign")), buf[8192];
		int n = snprintf(buf, sizeof(buf), "+hand.example-:example.com:"
		    "89:89:%s/domains/example.com:-::\n%s", cfg.vpopmail_dir,
		    s);

		CHECK(s != NULL && n > 0 && (size_t)n < sizeof(buf) &&
		    t_write(p("var/qmail/users/assign"), buf, (size_t)n) == 0 &&
		    set_old(p("var/qmail/users/cdb")) == 0,
		    "stale: assign edited, users/cdb made older");
		free(s);
	}
	CHECK(cdb_users_stale(ctx.qmail_fd) == 1, "users/cdb older than "
	    "users/assign: stale");
	CHECK(recover_run(&ctx) == 0, "stale: recovery ran");
	CHECK(t_cdbget(p("var/qmail/users/cdb"), "!hand.example-", 14, val,
	    sizeof(val) - 1, &vlen) != 0 && users_cdb_agrees(why, sizeof(why)),
	    "users/cdb rebuilt: it has the new line and agrees %s", why);
	CHECK(cdb_users_stale(ctx.qmail_fd) == 0, "and is current now");
	CHECK(unlink(p("var/qmail/users/cdb")) == 0 &&
	    cdb_users_refresh(ctx.qmail_fd) == 1 &&
	    users_cdb_agrees(why, sizeof(why)), "a missing users/cdb is built");

	/* the order of the two mtimes must not hang on the clock: with
	 * users/cdb a minute in the future, an alias add killed between
	 * the assign and the cdb renames still leaves the index older */
	{
		struct timespec ts[2];
		char w2[256] = "";

		clock_gettime(CLOCK_REALTIME, &ts[1]);
		ts[1].tv_sec += 60;
		ts[0] = ts[1];
		CHECK(utimensat(AT_FDCWD, ucdb, ts, 0) == 0 &&
		    fork_op(OP_ALIAS, "tick.example", "example.com", 2, 0) == 1,
		    "stale: alias add killed after the assign rename, users/cdb "
		    "dated in the future");
		CHECK(cdb_users_stale(ctx.qmail_fd) == 1, "users/cdb older all "
		    "the same: stale");
		CHECK(recover_run(&ctx) >= 0 && cdb_users_stale(ctx.qmail_fd) ==
		    0 && users_cdb_agrees(why, sizeof(why)) &&
		    where("tick.example", NULL, w2, sizeof(w2)) == 1,
		    "recovered: users/cdb rebuilt and the alias finished %s%s",
		    why, w2);
	}

	/* morercpthosts */
	vp_strlcpy(mcdb, p("var/qmail/control/morercpthosts.cdb"),
	    sizeof(mcdb));
	CHECK(pad_rcpthosts() == 0 && store_domain_add(&ctx, "m1.example",
	    "pw") == 0 && access(mcdb, F_OK) == 0,
	    "stale: a domain in morercpthosts");
	ino = inode(mcdb);
	CHECK(cdb_mrh_refresh(ctx.qmail_fd) == 0 && inode(mcdb) == ino,
	    "morercpthosts.cdb current: untouched (same inode)");
	CHECK(t_write(p("var/qmail/control/morercpthosts"), "m1.example\n"
	    "m2.example\n", 22) == 0 && set_old(mcdb) == 0 &&
	    cdb_mrh_stale(ctx.qmail_fd) == 1, "morercpthosts.cdb older: "
	    "stale");
	CHECK(cdb_mrh_refresh(ctx.qmail_fd) == 1 && mrh_cdb_agrees(why,
	    sizeof(why)), "morercpthosts.cdb rebuilt %s", why);
	CHECK(t_write(p("var/qmail/control/morercpthosts"), "", 0) == 0 &&
	    unlink(mcdb) == 0 && cdb_mrh_refresh(ctx.qmail_fd) == 1 &&
	    access(p("var/qmail/control/morercpthosts"), F_OK) < 0,
	    "an emptied morercpthosts without its index: removal finished");
	CHECK(cdb_mrh_stale(ctx.qmail_fd) == 0, "no morercpthosts: current");
}

/* ---- temporaries of killed processes (13.3 item 6) ---- */

static void
test_sweep(void)
{
	char dead[PATH_MAX], live[PATH_MAX], ctl[PATH_MAX], other[PATH_MAX];
	pid_t pid;
	int st;

	if (!CHECK(setup() == 0, "sweep: tree"))
		return;
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, &st, 0);
	snprintf(dead, sizeof(dead), "%s/.assign.tmp.%ld.0123456789abcdef",
	    p("var/qmail/users"), (long)pid);
	snprintf(ctl, sizeof(ctl), "%s/.rcpthosts.tmp.%ld.0123456789abcdef",
	    p("var/qmail/control"), (long)pid);
	snprintf(live, sizeof(live), "%s/.assign.tmp.%ld.0123456789abcdef",
	    p("var/qmail/users"), (long)getppid());
	snprintf(other, sizeof(other), "%s/assign.tmp.%ld.0123456789abcdef",
	    p("var/qmail/users"), (long)pid);
	CHECK(t_write(dead, "x", 1) == 0 && t_write(ctl, "x", 1) == 0 &&
	    t_write(live, "x", 1) == 0 && t_write(other, "x", 1) == 0,
	    "sweep: temporaries of a dead and of a live process planted");
	CHECK(recover_run(&ctx) == 0, "sweep: recovery ran");
	CHECK(access(dead, F_OK) < 0 && access(ctl, F_OK) < 0,
	    "sweep: the dead process's temporaries are gone");
	CHECK(access(live, F_OK) == 0 && access(other, F_OK) == 0,
	    "sweep: a live process's and a name not ours are kept");
	snprintf(dead, sizeof(dead), "%s/.vpasswd.tmp.%ld.0123456789abcdef",
	    p("home/vpopmail/domains/example.com"), (long)pid);
	CHECK(t_write(dead, "x", 1) == 0 && recover_sweep(ctx.vpop_fd,
	    "domains/example.com") == 1 && access(dead, F_OK) < 0,
	    "sweep: a domain directory on request");
}

/* ---- the record format ---- */

static void
test_format(void)
{
	struct rc_intent in, out;
	char text[1024];
	int n;

	rc_init(&in, RC_DEL_DOMAIN);
	vp_strlcpy(in.name, "example.com", sizeof(in.name));
	vp_strlcpy(in.real, "example.com", sizeof(in.real));
	vp_strlcpy(in.dir, "/home/vpopmail/domains/0/example.com",
	    sizeof(in.dir));
	in.uid = 89;
	in.gid = 89;
	CHECK(rc_add_alias(&in, "example.net") == 0 && rc_add_alias(&in,
	    "a-b.example.org") == 0, "format: two aliases");
	n = rc_format(&in, text, sizeof(text));
	CHECK(n > 0 && strcmp(text, "del_domain:example.com:example.com:89:89:"
	    "/home/vpopmail/domains/0/example.com:example.net:a-b.example.org\n")
	    == 0, "format: one line: %s", text);
	CHECK(rc_parse(text, (size_t)n, &out) == 0 && out.op == RC_DEL_DOMAIN &&
	    strcmp(out.dir, in.dir) == 0 && out.naliases == 2 &&
	    strcmp(out.aliases[1], "a-b.example.org") == 0 && out.uid == 89,
	    "format: parsed back");
	rc_free(&out);
	CHECK(rc_add_alias(&in, "bad:name") < 0 && rc_add_alias(&in,
	    "x\nadd_domain") < 0, "format: an alias with ':' or LF refused");
	vp_strlcpy(in.dir, "/home/vpopmail/domains/a:b", sizeof(in.dir));
	CHECK(rc_format(&in, text, sizeof(text)) < 0, "format: dir with ':' "
	    "refused");
	vp_strlcpy(in.dir, "/home/vpopmail/../etc", sizeof(in.dir));
	CHECK(rc_format(&in, text, sizeof(text)) < 0, "format: dir with '..' "
	    "refused");
	rc_free(&in);
	rc_init(&in, RC_ADD_DOMAIN);
	vp_strlcpy(in.name, "new.example", sizeof(in.name));
	vp_strlcpy(in.real, "other.example", sizeof(in.real));
	vp_strlcpy(in.dir, "/x/new.example", sizeof(in.dir));
	CHECK(rc_format(&in, text, sizeof(text)) < 0, "format: add_domain "
	    "with name != real refused");
#define BAD(s) CHECK(rc_parse(s, strlen(s), &out) < 0, "parse refuses %s", \
	    #s)
	BAD("add_domain:a.example:a.example:89:89:/x/a.example");
	BAD("add_domain:a.example:a.example:89:89:/x/a.example\n\n");
	BAD("add_domain:a.example:a.example:8x9:89:/x/a.example\n");
	BAD("add_domain:A.example:A.example:89:89:/x/a.example\n");
	BAD("add_domain:a.example:a.example:89:89:x/a.example\n");
	BAD("add_domain:a.example:a.example:89:89\n");
	BAD("rm_rf:a.example:a.example:89:89:/x/a.example\n");
	BAD("add_domain:a.example:a.example:89:89:/x/a.example:b.example\n");
	BAD("add_alias_domain:a.example:a.example:89:89:/x/a.example\n");
#undef BAD
	CHECK(rc_parse("add_alias_domain:b.example:a.example:89:89:/x/a\n", 48,
	    &out) == 0 && out.op == RC_ADD_ALIAS, "parse: an alias intent");
	rc_free(&out);
}

/* The build directory: this binary is BUILD/tests/unit/test_recover. */
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

	ctx.vpop_fd = ctx.qmail_fd = ctx.audit_fd = -1;
	test_format();
	if (find_build() < 0 || ts_fixtures() == NULL) {
		CHECK(0, "find the build directory and the fixtures");
		return T_DONE("test_recover");
	}
	snprintf(reroot, sizeof(reroot), "%s/tests/tools/reroot", build);
	if (access(reroot, X_OK) < 0) {
		T_SKIP("no %s (make tests builds it)", reroot);
		return T_DONE("test_recover");
	}
	test_stale();
	test_sweep();
	test_live_intent();
	test_boundaries();
	test_random();
	teardown();
	return T_DONE("test_recover");
}
