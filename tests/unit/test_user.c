/*
 * test_user.c - privhelper/store_user.c and userdir.c on copies of the
 * reference fixtures (STORAGE.md 14.3): U1-U7, U9, U10, U11, U13, U15,
 * plus refusals that must change nothing, a failure after the directory
 * exists, a planted symlink, and a pw_dir outside the domain. Results are
 * read back independently: the vpasswd text parsed here, vpasswd.cdb
 * through tinycdb's cdb_find, files and modes through stat.
 */
#include <cdb.h>
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ctx.h"
#include "dircontrol.h"
#include "errors.h"
#include "store.h"
#include "util.h"
#include "vpasswd_write.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 512];
static struct vp_config cfg;
static struct ph_ctx ctx;
static int is_root;

/* <top>/home/vpopmail/<fmt...>, four live at a time */
static char *
p(const char *fmt, ...)
{
	static char buf[4][PATH_MAX];
	static int i;
	char rel[PATH_MAX - 600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		abort();
	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/home/vpopmail/%s", top,
	    rel);
}

static void
ent_of(const char *dom, struct assign_ent *e)
{
	struct stat st;

	memset(e, 0, sizeof(*e));
	vp_strlcpy(e->domain, dom, sizeof(e->domain));
	snprintf(e->dir, sizeof(e->dir), "/home/vpopmail/domains/%s", dom);
	if (stat(p("domains/%s", dom), &st) == 0) {
		e->uid = st.st_uid;
		e->gid = st.st_gid;
	}
}

/* The vpasswd line of name (without '\n') from the text file, and how
 * many lines carry that name. */
static int
text_line(const char *dom, const char *name, char *out, size_t osz)
{
	size_t len, nl = strlen(name);
	char *buf = ts_slurp(p("domains/%s/vpasswd", dom), 1u << 22, &len);
	char *s, *e;
	int hits = 0;

	out[0] = '\0';
	if (buf == NULL)
		return -1;
	for (s = buf; s < buf + len; s = e + 1) {
		if ((e = memchr(s, '\n', (size_t)(buf + len - s))) == NULL)
			break;
		if ((size_t)(e - s) > nl && s[nl] == ':' &&
		    memcmp(s, name, nl) == 0) {
			if (hits++ == 0 && (size_t)(e - s) < osz) {
				memcpy(out, s, (size_t)(e - s));
				out[e - s] = '\0';
			}
		}
	}
	free(buf);
	return hits;
}

/* field k (1-based) of a ':' line into out; the number of fields. */
static int
field(const char *line, int k, char *out, size_t osz)
{
	const char *s = line, *e;
	int i = 1, n = 1;

	for (e = line; *e && n < 8; e++)	/* the 8th is the rest */
		n += *e == ':';
	out[0] = '\0';
	while (i < k && (s = strchr(s, ':')) != NULL) {
		s++;
		i++;
	}
	if (s == NULL)
		return n;
	e = strchr(s, ':');
	if (e == NULL || k == 8)
		e = s + strlen(s);
	snprintf(out, osz, "%.*s", (int)(e - s), s);
	return n;
}

/* tinycdb: the value of key in vpasswd.cdb, or -1. */
static int
cdb_value(const char *dom, const char *key, char *out, size_t osz)
{
	struct cdb c;
	unsigned n;
	int fd = open(p("domains/%s/vpasswd.cdb", dom), O_RDONLY), r = -1;

	if (fd < 0)
		return -1;
	if (cdb_init(&c, fd) == 0) {
		if (cdb_find(&c, key, (unsigned)strlen(key)) > 0 &&
		    (n = cdb_datalen(&c)) < osz &&
		    cdb_read(&c, out, n, cdb_datapos(&c)) == 0) {
			out[n] = '\0';
			r = 0;
		}
		cdb_free(&c);
	}
	close(fd);
	return r;
}

/* vpasswd and vpasswd.cdb agree: each line has its record (first hit)
 * and the record count equals the line count (U2). */
static int
table_agrees(const char *dom)
{
	size_t len;
	char *buf = ts_slurp(p("domains/%s/vpasswd", dom), 1u << 22, &len);
	char *s, *e, *c, val[600];
	unsigned lines = 0, recs = 0, pos;
	struct cdb cdb;
	int fd, ok = buf != NULL;

	for (s = buf; ok && s < buf + len; s = e + 1) {
		e = memchr(s, '\n', (size_t)(buf + len - s));
		c = memchr(s, ':', (size_t)(e - s));
		*e = '\0';
		*c = '\0';
		lines++;
		ok = cdb_value(dom, s, val, sizeof(val)) == 0 &&
		    strcmp(val, c + 1) == 0;
	}
	free(buf);
	if (!ok || (fd = open(p("domains/%s/vpasswd.cdb", dom), O_RDONLY)) < 0)
		return 0;
	cdb_init(&cdb, fd);
	cdb_seqinit(&pos, &cdb);
	while (cdb_seqnext(&pos, &cdb) > 0)
		recs++;
	cdb_free(&cdb);
	close(fd);
	return recs == lines;
}

static int
is_dir_0700(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;

	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    (st.st_mode & 07777) != 0700)
		return 0;
	return !is_root || (st.st_uid == uid && st.st_gid == gid);
}

static int
is_file_0600(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;

	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 07777) != 0600)
		return 0;
	return !is_root || (st.st_uid == uid && st.st_gid == gid);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static unsigned long
dc_count(const char *dom)
{
	char *s = ts_slurp(p("domains/%s/.dir-control", dom), 4096, NULL);
	unsigned long n = s != NULL ? strtoul(s, NULL, 10) : 0;

	free(s);
	return n;
}

/* U1, U2, U3, U5, U6: one new user in example.com, 7-field mode. */
static void
test_add_basic(void)
{
	struct assign_ent e;
	char line[600], f[300], val[600];
	const char *D = "/home/vpopmail/domains/example.com";

	ent_of("example.com", &e);
	CHECK(store_user_add(&ctx, &e, "alice", "pw", NULL) == 0,
	    "add alice@example.com");
	CHECK(text_line("example.com", "alice", line, sizeof(line)) == 1,
	    "U1 exactly one alice line");
	CHECK(field(line, 1, f, sizeof(f)) == 7, "U1 7 fields: %s", line);
	CHECK(field(line, 3, f, sizeof(f)) && strcmp(f, "1") == 0,
	    "U1 field 3 = 1");
	CHECK(field(line, 4, f, sizeof(f)) && strcmp(f, "0") == 0,
	    "U1 field 4 = 0");
	CHECK(field(line, 5, f, sizeof(f)) && strcmp(f, "alice") == 0,
	    "U1 gecos = name");
	field(line, 6, f, sizeof(f));
	CHECK(strcmp(f, "/home/vpopmail/domains/example.com/alice") == 0,
	    "U1 dir D/alice (%s)", f);
	CHECK(field(line, 7, f, sizeof(f)) && strcmp(f, "NOQUOTA") == 0,
	    "U1 NOQUOTA");
	CHECK(cdb_value("example.com", "alice", val, sizeof(val)) == 0 &&
	    strcmp(val, line + 6) == 0, "U2 cdb record = line after 'alice:'");
	CHECK(table_agrees("example.com"), "U2 vpasswd and vpasswd.cdb agree");
	field(line, 2, f, sizeof(f));
	{
		struct crypt_data cd;
		const char *h;
		size_t i, ok = strncmp(f, "$6$", 3) == 0 && strlen(f) == 106 &&
		    f[19] == '$';

		for (i = 3; ok && i < 19; i++)
			ok = strchr("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz", f[i]) != NULL;
		CHECK(ok, "U3 $6$ + 16-char salt + 86 chars");
		memset(&cd, 0, sizeof(cd));
		h = crypt_r("pw", f, &cd);
		CHECK(h != NULL && strcmp(h, f) == 0, "U3 crypt(pw, hash) == "
		    "hash");
	}
	CHECK(is_dir_0700(p("domains/example.com/alice"), e.uid, e.gid) &&
	    is_dir_0700(p("domains/example.com/alice/Maildir"), e.uid,
	    e.gid) &&
	    is_dir_0700(p("domains/example.com/alice/Maildir/cur"), e.uid,
	    e.gid) &&
	    is_dir_0700(p("domains/example.com/alice/Maildir/new"), e.uid,
	    e.gid) &&
	    is_dir_0700(p("domains/example.com/alice/Maildir/tmp"), e.uid,
	    e.gid), "U5 pw_dir, Maildir, cur/new/tmp: 0700%s",
	    is_root ? " owned U:G" : " (owners not checked: not root)");
	CHECK(ts_file_is(p("domains/example.com/alice/lastauth"), "0.0.0.0",
	    7) && is_file_0600(p("domains/example.com/alice/lastauth"),
	    e.uid, e.gid), "U5 lastauth = 0.0.0.0, 0600");
	CHECK(!exists(p("domains/example.com/alice/Maildir/maildirsize")),
	    "no maildirsize for NOQUOTA");
	CHECK(is_file_0600(p("domains/example.com/vpasswd"), e.uid, e.gid) &&
	    is_file_0600(p("domains/example.com/vpasswd.cdb"), e.uid, e.gid) &&
	    is_file_0600(p("domains/example.com/.vpasswd.lock"), e.uid, e.gid),
	    "U6 vpasswd, vpasswd.cdb, .vpasswd.lock 0600%s",
	    is_root ? " U:G" : "");
	CHECK(!exists(p("domains/example.com/.dir_control_free.lock")),
	    "no free-list lock made where there is no free list");
	CHECK(dc_count("example.com") == 4, ".dir-control count 3 -> 4");
	CHECK(ts_count_temps(p("domains/example.com")) == 0, "no temporaries");
	(void)D;
}

/* 8 fields with clear-passwords on; BOB stored as bob; gecos given. */
static void
test_add_clear(void)
{
	struct assign_ent e;
	char line[600], f[300];

	ent_of("example.com", &e);
	cfg.clear_passwords = 1;
	CHECK(store_user_add(&ctx, &e, "BOB", "s3cret: x", "Bob B") == 0,
	    "add BOB with clear-passwords on");
	cfg.clear_passwords = 0;
	CHECK(text_line("example.com", "bob", line, sizeof(line)) == 1 &&
	    text_line("example.com", "BOB", f, sizeof(f)) == 0,
	    "U7 BOB is stored as bob");
	CHECK(field(line, 8, f, sizeof(f)) == 8 &&
	    strcmp(f, "s3cret: x") == 0, "8 fields, clear text last: %s",
	    line);
	CHECK(field(line, 5, f, sizeof(f)) && strcmp(f, "Bob B") == 0,
	    "given gecos kept");
	CHECK(table_agrees("example.com"), "U2 still agree");
}

/* U4: random order in, sorted file out. */
static void
test_sorted(void)
{
	static const char *names[] = { "zed", "mike", "adam", "carl", "xena",
	    "nina" };
	struct assign_ent e;
	size_t i, len;
	char *buf, *s, *prev = NULL;
	int sorted = 1;

	ent_of("example.net", &e);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK(store_user_add(&ctx, &e, names[i], "x", NULL) == 0,
		    "add %s@example.net", names[i]);
	buf = ts_slurp(p("domains/example.net/vpasswd"), 1 << 20, &len);
	for (s = strtok(buf, "\n"); s != NULL; s = strtok(NULL, "\n")) {
		*strchr(s, ':') = '\0';
		if (prev != NULL && strcmp(prev, s) >= 0)
			sorted = 0;
		prev = s;
	}
	CHECK(buf != NULL && sorted, "U4 vpasswd stays sorted by name");
	free(buf);
}

/* U7: refused names and gecos change nothing at all. */
static void
test_refusals(void)
{
	static const struct { const char *name, *gecos; int err; } bad[] = {
		{ "x", NULL, VERR_ILLEGAL_USERNAME },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaa", NULL, VERR_USER_TOO_LONG },
		{ "vpasswd", NULL, VERR_ILLEGAL_USERNAME },
		{ "vpasswd.cdb", NULL, VERR_ILLEGAL_USERNAME },
		{ "a:b", NULL, VERR_ILLEGAL_USERNAME },
		{ "a@b", NULL, VERR_ILLEGAL_USERNAME },
		{ "a%b", NULL, VERR_ILLEGAL_USERNAME },
		{ "a b", NULL, VERR_ILLEGAL_USERNAME },
		{ "a/b", NULL, VERR_ILLEGAL_USERNAME },
		{ "../evil", NULL, VERR_ILLEGAL_USERNAME },
		{ "..", NULL, VERR_ILLEGAL_USERNAME },
		{ ".hidden", NULL, VERR_ILLEGAL_USERNAME },
		{ "", NULL, VERR_ILLEGAL_USERNAME },
		{ "user1", NULL, VERR_USER_EXISTS },
		{ "USER1", NULL, VERR_USER_EXISTS },
		{ "gina", "a:b", VERR_BAD_CHAR },
		{ "gina", "a\nb", VERR_BAD_CHAR },
		{ "gina", "a\rb", VERR_BAD_CHAR },
		{ "gina", "gggggggggggggggggggggggggggggggggggggggggggggggggggg"
		  "ggggggggggggg", VERR_GECOS_TOO_LONG },
	};
	struct assign_ent e;
	char before[PATH_MAX], pw[140];
	size_t i;
	int r;

	ent_of("example.com", &e);
	ts_path(before, sizeof(before), "%s/before.vpasswd", top);
	ts_copy(p("domains/example.com/vpasswd"), before);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = store_user_add(&ctx, &e, bad[i].name, "pw", bad[i].gecos);
		CHECK(r == bad[i].err, "U7 refusal %zu (name '%s'): %s", i,
		    bad[i].name, vp_verror_text(r));
	}
	memset(pw, 'p', sizeof(pw));
	pw[129] = '\0';
	CHECK(store_user_add(&ctx, &e, "gina", pw, NULL) ==
	    VERR_PASSWD_TOO_LONG, "129-byte password refused");
	CHECK(store_user_add(&ctx, &e, "gina", "a\nb", NULL) == VERR_BAD_CHAR,
	    "password with LF refused");
	CHECK(ts_same_file(before, p("domains/example.com/vpasswd")),
	    "vpasswd unchanged by every refusal");
	CHECK(!exists(p("domains/evil")) && !exists(p("domains/example.com/"
	    "gina")) && !exists(p("domains/example.com/x")),
	    "no directory made by a refusal");
	CHECK(dc_count("example.com") == 5, ".dir-control untouched (5)");
}

/* U13, limits errors. */
static void
test_limits(void)
{
	struct assign_ent e;
	char line[600], f[64];

	ent_of("big.example", &e);
	CHECK(store_user_add(&ctx, &e, "quota1", "pw", NULL) == 0,
	    "add quota1@big.example");
	text_line("big.example", "quota1", line, sizeof(line));
	field(line, 7, f, sizeof(f));
	CHECK(strcmp(f, "26214400S,10000C") == 0,
	    "U13 default quota and count: %s", f);
	field(line, 6, f, sizeof(f));
	CHECK(strcmp(f, "/home/vpopmail/domains/big.example/1/quota1") == 0,
	    "U10 backfill: the freed 1/ is reused (%s)", f);
	CHECK(ts_file_is(p("domains/big.example/1/quota1/Maildir/"
	    "maildirsize"), "26214400S,10000C\n0 0\n", 21),
	    "maildirsize: quota line, then 0 0");
	CHECK(ts_file_is(p("domains/big.example/.dir_control_free"), "", 0),
	    "the free line was taken");
	CHECK(dc_count("big.example") == 351, "count 350 -> 351");

	t_write(p("domains/d03.example/.qmailadmin-limits"),
	    "default_quota 1048576\n", 22);
	ent_of("d03.example", &e);
	CHECK(store_user_add(&ctx, &e, "q2", "pw", NULL) == 0 &&
	    text_line("d03.example", "q2", line, sizeof(line)) == 1 &&
	    field(line, 7, f, sizeof(f)) && strcmp(f, "1048576S") == 0,
	    "only default_quota: <q>S");
	t_write(p("domains/d03.example/.qmailadmin-limits"),
	    "default_maxmsgcount 5\n", 22);
	CHECK(store_user_add(&ctx, &e, "q3", "pw", NULL) == 0 &&
	    text_line("d03.example", "q3", line, sizeof(line)) == 1 &&
	    field(line, 7, f, sizeof(f)) && strcmp(f, "5C") == 0,
	    "only default_maxmsgcount: <c>C");

	ent_of("d04.example", &e);
	rename(p("etc/vlimits.default"), p("etc/vl.saved"));
	CHECK(store_user_add(&ctx, &e, "nolim", "pw", NULL) == VERR_NO_LIMITS,
	    "no limits readable: %s", vp_verror_text(VERR_NO_LIMITS));
	CHECK(!exists(p("domains/d04.example/nolim")) &&
	    text_line("d04.example", "nolim", line, sizeof(line)) == 0,
	    "nothing made");
	rename(p("etc/vl.saved"), p("etc/vlimits.default"));
}

/* U9: users 2..99 directly in D, the 100th in D/0. */
static void
test_hashing(void)
{
	struct assign_ent e;
	char name[16], line[600], f[300];
	int i, ok = 1;

	ent_of("d01.example", &e);
	for (i = 2; i <= 100 && ok; i++) {
		snprintf(name, sizeof(name), "n%03d", i);
		ok = store_user_add(&ctx, &e, name, "", NULL) == 0;
	}
	CHECK(ok, "99 users added to d01.example");
	text_line("d01.example", "n099", line, sizeof(line));
	field(line, 6, f, sizeof(f));
	CHECK(strcmp(f, "/home/vpopmail/domains/d01.example/n099") == 0,
	    "U9 the 99th user in D (%s)", f);
	text_line("d01.example", "n100", line, sizeof(line));
	field(line, 6, f, sizeof(f));
	CHECK(strcmp(f, "/home/vpopmail/domains/d01.example/0/n100") == 0,
	    "U9 the 100th user in D/0 (%s)", f);
	CHECK(is_dir_0700(p("domains/d01.example/0"), e.uid, e.gid),
	    "hash dir 0700");
	CHECK(dc_count("d01.example") == 100, "U9 .dir-control count 100");
	field(line, 2, f, sizeof(f));
	CHECK(f[0] == '\0', "an empty password stores an empty hash");
	CHECK(table_agrees("d01.example"), "U2 d01 agrees");
}

/* U10 (delete half), U11. */
static void
test_delete(void)
{
	struct assign_ent e;
	char line[600], val[600], f[300];
	unsigned long before;

	ent_of("big.example", &e);
	before = dc_count("big.example");
	CHECK(store_user_del(&ctx, &e, "u150") == 0, "del u150@big.example");
	CHECK(text_line("big.example", "u150", line, sizeof(line)) == 0 &&
	    cdb_value("big.example", "u150", val, sizeof(val)) < 0,
	    "U10 no u150 line, no cdb key");
	CHECK(!exists(p("domains/big.example/0/u150")), "U10 pw_dir removed");
	CHECK(dc_count("big.example") == before - 1, "U10 count - 1");
	CHECK(ts_file_is(p("domains/big.example/.dir_control_free"), "0\n", 2),
	    "U10 .dir_control_free gained 0");
	CHECK(store_user_add(&ctx, &e, "reuse", "pw", NULL) == 0 &&
	    text_line("big.example", "reuse", line, sizeof(line)) == 1 &&
	    field(line, 6, f, sizeof(f)) &&
	    strcmp(f, "/home/vpopmail/domains/big.example/0/reuse") == 0,
	    "U10 the next add reuses 0/ (%s)", f);
	CHECK(table_agrees("big.example"), "U2 big agrees");
	CHECK(store_user_del(&ctx, &e, "u001") == 0 &&
	    !exists(p("domains/big.example/u001")) &&
	    ts_file_is(p("domains/big.example/.dir_control_free"), "", 0),
	    "unhashed user: no free line");
	CHECK(store_user_del(&ctx, &e, "u001") == VERR_NO_USER,
	    "again: User does not exist");
	CHECK(store_user_del(&ctx, &e, "") == VERR_ILLEGAL_USERNAME,
	    "empty name: Illegal username");

	/* U11 */
	ent_of("example.com", &e);
	ts_copy(p("domains/example.com/vpasswd"), p("../../vp.before"));
	t_write(p("domains/example.com/.qmail-default"),
	    "| /home/vpopmail/bin/vdelivermail '' "
	    "/home/vpopmail/domains/example.com/user1\n", 79);
	CHECK(store_user_del(&ctx, &e, "user1") == VERR_CATCHALL,
	    "U11 catch-all (path form) refused");
	t_write(p("domains/example.com/.qmail-default"),
	    "| /home/vpopmail/bin/vdelivermail '' user1@example.com\n", 54);
	CHECK(store_user_del(&ctx, &e, "user1") == VERR_CATCHALL,
	    "U11 catch-all (address form) refused");
	t_write(p("domains/example.com/.qmail-default"),
	    "| /home/vpopmail/bin/vdelivermail '' "
	    "/home/vpopmail/domains/example.com/user1/Maildir/\n", 88);
	CHECK(store_user_del(&ctx, &e, "user1") == VERR_CATCHALL,
	    "U11 catch-all (its Maildir) refused");
	CHECK(ts_same_file(p("domains/example.com/vpasswd"),
	    p("../../vp.before")) && exists(p("domains/example.com/user1")),
	    "U11 nothing changed");
	t_write(p("domains/example.com/.qmail-default"),
	    "| /home/vpopmail/bin/vdelivermail '' user10@example.com\n", 55);
	CHECK(store_user_del(&ctx, &e, "user1") == 0 &&
	    !exists(p("domains/example.com/user1")),
	    "another user's catch-all does not protect user1");
}

/* A failure after the directory exists removes it again; a planted
 * symlink is never followed; a pw_dir outside the domain is kept. */
static void
test_failures(void)
{
	struct assign_ent e;
	char outside[PATH_MAX], line[600];
	unsigned long before;
	struct vpw pw;
	int fd;

	/* vpasswd the writer refuses (a line without ':'), cdb still fine */
	ent_of("d05.example", &e);
	fd = open(p("domains/d05.example/vpasswd"), O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "garbage\n", 8) == 8, "vpasswd spoiled");
	close(fd);
	before = dc_count("d05.example");
	CHECK(store_user_add(&ctx, &e, "late", "pw", NULL) == VERR_NO_AUTH_DB,
	    "insert fails after the directory was made");
	CHECK(!exists(p("domains/d05.example/late")),
	    "the new directory was removed again");
	CHECK(dc_count("d05.example") == before, "the allocation given back");

	/* a freed hash that is now a symlink out of the tree */
	ent_of("d06.example", &e);
	ts_path(outside, sizeof(outside), "%s/outside", top);
	mkdir(outside, 0700);
	fd = ts_dirfd(p("domains/d06.example"));
	CHECK(dc_free_push(fd, e.uid, e.gid, "5") == 0, "free hash 5 pushed");
	close(fd);
	CHECK(symlink(outside, p("domains/d06.example/5")) == 0,
	    "D/5 -> outside");
	CHECK(store_user_add(&ctx, &e, "sneaky", "pw", NULL) ==
	    VERR_USER_DIR_EXISTS, "add through the symlink refused");
	CHECK(!exists(p("../../outside/sneaky")), "nothing made outside");
	CHECK(ts_file_is(p("domains/d06.example/.dir_control_free"), "5\n", 2),
	    "the hash went back on the free list");

	/* 23 + 90 + 1 + 64 bytes of pw_dir: over 160 */
	{
		char dom[91], name[65];

		memset(dom, 'd', 86);
		memcpy(dom + 86, ".com", 5);
		memset(name, 'n', 64);
		name[64] = '\0';
		mkdir(p("domains/%s", dom), 0700);
		ent_of(dom, &e);
		CHECK(store_user_add(&ctx, &e, name, "pw", NULL) ==
		    VERR_DIR_TOO_LONG, "pw_dir over 160: %s",
		    vp_verror_text(VERR_DIR_TOO_LONG));
		CHECK(!exists(p("domains/%s/%s", dom, name)) &&
		    !exists(p("domains/%s/vpasswd", dom)) &&
		    dc_count(dom) == 0, "nothing made, the count given back");
		name[40] = '\0';
		CHECK(store_user_add(&ctx, &e, name, "pw", NULL) == 0,
		    "a shorter name fits");
	}

	/* del_user removes links inside the tree, not what they point at */
	ent_of("d09.example", &e);
	t_write(p("../../outside/keep"), "k", 1);
	CHECK(symlink(p("../../outside"),
	    p("domains/d09.example/postmaster/Maildir/link")) == 0 &&
	    symlink(p("../../outside/keep"),
	    p("domains/d09.example/postmaster/keep")) == 0, "links planted");
	CHECK(store_user_del(&ctx, &e, "postmaster") == 0 &&
	    !exists(p("domains/d09.example/postmaster")) &&
	    ts_file_is(p("../../outside/keep"), "k", 1),
	    "tree removed, the link targets kept");

	/* a line whose pw_dir is another domain's directory */
	ent_of("d07.example", &e);
	memset(&pw, 0, sizeof(pw));
	snprintf(pw.name, sizeof(pw.name), "evil");
	pw.uid = 1;
	snprintf(pw.gecos, sizeof(pw.gecos), "evil");
	snprintf(pw.dir, sizeof(pw.dir),
	    "/home/vpopmail/domains/d08.example/postmaster");
	snprintf(pw.quota, sizeof(pw.quota), "NOQUOTA");
	fd = ts_dirfd(p("domains/d07.example"));
	CHECK(vpasswd_insert(fd, e.uid, e.gid, &pw, 0) == 0,
	    "planted a line pointing at d08's postmaster");
	close(fd);
	CHECK(store_user_del(&ctx, &e, "evil") == VERR_CHDIR_VPOPMAIL,
	    "delete reports the directory it would not remove");
	CHECK(exists(p("domains/d08.example/postmaster/Maildir")) &&
	    text_line("d07.example", "evil", line, sizeof(line)) == 0,
	    "the line is gone, d08's postmaster untouched");
}

/* U15: lines written by the reference, read and rewritten. */
static void
test_reference_lines(void)
{
	struct assign_ent e;
	struct vpw pw;
	char line[600], f[300];

	ent_of("big.example", &e);
	CHECK(store_user_get(&ctx, &e, "u020", &pw) == 0 && pw.flags == 2178 &&
	    pw.has_clear && strcmp(pw.clear, "u020") == 0,
	    "U15 u020 read: flags 2178, 8th field");
	CHECK(store_user_get(&ctx, &e, "u200", &pw) == 1, "u200 is gone");
	CHECK(store_user_get(&ctx, &e, "../x", &pw) == 1, "odd name: none");
	store_user_get(&ctx, &e, "u020", &pw);
	snprintf(pw.gecos, sizeof(pw.gecos), "changed");
	CHECK(store_user_set(&ctx, &e, &pw) == 0, "set with clear off");
	text_line("big.example", "u020", line, sizeof(line));
	CHECK(field(line, 8, f, sizeof(f)) == 8 && strcmp(f, "u020") == 0,
	    "U15 the foreign 8th field is kept: %s", line);
	snprintf(pw.gecos, sizeof(pw.gecos), "a:b");
	CHECK(store_user_set(&ctx, &e, &pw) == VERR_BAD_CHAR,
	    "set refuses ':'");
	snprintf(pw.name, sizeof(pw.name), "nobody-here");
	snprintf(pw.gecos, sizeof(pw.gecos), "x");
	CHECK(store_user_set(&ctx, &e, &pw) == VERR_NO_USER, "set unknown");
}

static int
count_fn(void *arg, const struct vpw *pw)
{
	(*(int *)arg)++;
	return pw->name[0] == '\0';
}

static int
stop_fn(void *arg, const struct vpw *pw)
{
	(void)pw;
	return ++(*(int *)arg) == 3 ? 7 : 0;
}

static void
test_each(void)
{
	struct assign_ent e;
	int n = 0;

	ent_of("example.net", &e);
	CHECK(store_user_each(&ctx, &e, count_fn, &n) == 0 && n == 8,
	    "each: example.net has 8 users (%d)", n);
	n = 0;
	CHECK(store_user_each(&ctx, &e, stop_fn, &n) == 7 && n == 3,
	    "each: fn's non-zero stops the walk and is returned");
	mkdir(p("domains/empty.example"), 0700);
	ent_of("empty.example", &e);
	n = 0;
	CHECK(store_user_each(&ctx, &e, count_fn, &n) == 0 && n == 0,
	    "each: no vpasswd is an empty domain");
}

int
main(void)
{
	char vp[PATH_MAX];

	is_root = geteuid() == 0;
	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree)");
		return T_DONE("test_user");
	}
	if (t_mkdtemp(top, sizeof(top), "user") < 0 ||
	    ts_extract("reference-small.tgz", top) < 0 ||
	    ts_extract("reference-large.tgz", top) < 0) {
		CHECK(0, "extract the fixtures");
		return T_DONE("test_user");
	}
	config_defaults(&cfg);
	vp_strlcpy(cfg.vpopmail_dir, "/home/vpopmail", sizeof(cfg.vpopmail_dir));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ts_path(vp, sizeof(vp), "%s/home/vpopmail", top);
	ctx.vpop_fd = ts_dirfd(vp);
	if (!is_root)
		T_INFO("not root: owner checks are skipped");
	test_add_basic();
	test_add_clear();
	test_sorted();
	test_refusals();
	test_limits();
	test_hashing();
	test_delete();
	test_failures();
	test_reference_lines();
	test_each();
	close(ctx.vpop_fd);
	t_rm_rf(top);
	return T_DONE("test_user");
}
