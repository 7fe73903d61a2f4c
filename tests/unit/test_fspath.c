/*
 * test_fspath - the path resolver of the file-system commands alone
 * (privhelper/fspath.c) on the small fixture tree: the 5.2 examples, the
 * 5.4 fixes (component-wise roots, no links followed, no existence
 * oracle, SA first, protected names, roots flagged, over-long refused).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ctx.h"
#include "flags.h"
#include "fspath.h"
#include "util.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_ctx.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 512];
static struct vp_config cfg;
static struct ph_ctx ctx;

static void
as(unsigned level, const char *user, const char *domain)
{
	memset(&ctx.id, 0, sizeof(ctx.id));
	ctx.id.logged_in = 1;
	ctx.id.level = level;
	vp_strlcpy(ctx.id.user, user, sizeof(ctx.id.user));
	vp_strlcpy(ctx.id.domain, domain, sizeof(ctx.id.domain));
	snprintf(ctx.id.domain_dir, sizeof(ctx.id.domain_dir),
	    "/home/vpopmail/domains/%s", domain);
	ctx.id.uid = 89;
	ctx.id.gid = 89;
}

/* The error line fsp_resolve gives for arg, "" when it resolves, or
 * "-1 <errno>" for a walk failure. */
static const char *
line_of(const char *arg, struct fsp_target *t)
{
	static char line[512];
	struct vp_status st;
	size_t n;
	int r;

	memset(&st, 0, sizeof(st));
	r = fsp_resolve(&ctx, arg, t, &st);
	if (r == 0)
		return "";
	if (r < 0) {
		snprintf(line, sizeof(line), "-1 %s", strerror(errno));
		return line;
	}
	n = vp_status_line(&st, line, sizeof(line));
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static void
expect_err(const char *arg, const char *want)
{
	struct fsp_target t;
	const char *got = line_of(arg, &t);

	if (got[0] == '\0')
		fsp_close(&t);
	CHECK(strcmp(got, want) == 0, "%.60s -> \"%s\" (got \"%s\")", arg,
	    want, got);
}

/* Resolves; is_root / is_protected / shown as given (shown NULL: any). */
static void
expect_ok(const char *arg, int root, int prot, const char *shown)
{
	struct fsp_target t;
	const char *got = line_of(arg, &t);

	if (!CHECK(got[0] == '\0', "%.60s resolves (got \"%s\")", arg, got))
		return;
	CHECK(t.is_root == root && t.is_protected == prot &&
	    (shown == NULL || strcmp(t.shown, shown) == 0) && t.root_fd >= 0 &&
	    (t.parent_fd == -1) == (t.name[0] == '\0') &&
	    (root || t.parent_fd >= 0),
	    "%.60s: root %d protected %d shown %s (got %d %d %s)", arg, root,
	    prot, shown ? shown : "*", t.is_root, t.is_protected, t.shown);
	fsp_close(&t);
}

static void
test_user_table(void)
{
	as(LEVEL_USER, "user1", "example.com");
	expect_ok("user1@example.com/", 1, 0, "domains/example.com/user1");
	expect_ok("example.com/user1/", 1, 0, "domains/example.com/user1");
	expect_ok("/home/vpopmail/domains/example.com/user1", 1, 0, NULL);
	expect_ok("/home/vpopmail//domains/./example.com/user1/", 1, 0, NULL);
	expect_err("postmaster@example.com/", "-ERR 12.1508 User does not exist");
	expect_err("/home/vpopmail/domains/example.com/",
	    "-ERR 26.1512 Unauthorized Directory.");
	expect_ok("user1@EXAMPLE.COM/", 1, 0, NULL);
	expect_err("user1%example.com/",
	    "-ERR 21.1502 Invalid Directory.  % not allowed in path");
	expect_err("example.com",
	    "-ERR 22.1503 Invalid Directory.  Do you need a trailing '/'?");
	expect_err("example.com/x@y",
	    "-ERR 23.1504 Invalid Directory. Found / before @");
	/* 5.4 item 5: the reference answers 25.1506 here - an oracle */
	expect_err("nobody@example.com/", "-ERR 12.1508 User does not exist");
	expect_err("nonexist.com/", "-ERR 11.1509 Not Authorized for domain");
	expect_err("example.net/", "-ERR 11.1509 Not Authorized for domain");
	expect_err("user2@example.net/", "-ERR 12.1508 User does not exist");
	expect_err("nobody@example.net/", "-ERR 12.1508 User does not exist");
	expect_err("nobody@nonexist.com/", "-ERR 12.1508 User does not exist");
	expect_err("a..b/", "-ERR 20.1501 Invalid Directory.  .. not allowed "
	    "in path");
	expect_err("user1@example.com/a..b",
	    "-ERR 20.1501 Invalid Directory.  .. not allowed in path");
	expect_err("user1@example.com/../postmaster/",
	    "-ERR 20.1501 Invalid Directory.  .. not allowed in path");
	expect_err("bad user@example.com/",
	    "-ERR 24.1505 Invalid Directory. Can't parse email address");
	expect_ok("user1@example.com/Maildir/cur", 0, 0,
	    "domains/example.com/user1/Maildir/cur");
	expect_ok("user1@example.com/new-file", 0, 0, NULL);
	expect_ok("user1@example.com/lastauth", 0, 1, NULL);
	expect_ok("user1@example.com/Maildir/maildirsize", 0, 1, NULL);
	expect_err("user1@example.com/missing/x", "-1 No such file or directory");
	expect_err("user1@example.com/lastauth/x", "-1 Not a directory");
}

/* A3: user1x, example.com.au, domainsX are siblings, not children. */
static void
test_prefix_siblings(void)
{
	char p[PATH_MAX];

	CHECK(mkdir(ts_path(p, sizeof(p), "%s/home/vpopmail/domains/"
	    "example.com/user1x", top), 0700) == 0 &&
	    mkdir(ts_path(p, sizeof(p), "%s/home/vpopmail/domains/"
	    "example.com.au", top), 0700) == 0 &&
	    mkdir(ts_path(p, sizeof(p), "%s/home/vpopmail/domainsX", top),
	    0700) == 0, "sibling directories made");
	as(LEVEL_USER, "user1", "example.com");
	expect_err("/home/vpopmail/domains/example.com/user1x/",
	    "-ERR 26.1512 Unauthorized Directory.");
	expect_err("/home/vpopmail/domains/example.com/user1x",
	    "-ERR 26.1512 Unauthorized Directory.");
	expect_err("example.com/user1x/", "-ERR 26.1512 Unauthorized Directory.");
	as(LEVEL_QA, "postmaster", "example.com");
	expect_err("/home/vpopmail/domains/example.com.au/",
	    "-ERR 26.1511 Unauthorized Directory.");
	expect_err("/home/vpopmail/domains/example.com.au",
	    "-ERR 26.1511 Unauthorized Directory.");
	expect_ok("/home/vpopmail/domains/example.com/user1x", 0, 0, NULL);
	as(LEVEL_SA, "admin", "example.com");
	expect_err("/home/vpopmail/domainsX/",
	    "-ERR 26.1510 Unauthorized Directory.");
	expect_err("/home/vpopmail/domainsX",
	    "-ERR 26.1510 Unauthorized Directory.");
}

static void
test_qa(void)
{
	struct fsp_target t;

	as(LEVEL_QA, "postmaster", "example.com");
	expect_err("example.net/", "-ERR 26.1511 Unauthorized Directory.");
	/* A8: an unknown domain answers like another one */
	expect_err("nonexist.com/", "-ERR 26.1511 Unauthorized Directory.");
	expect_err("/etc/x", "-ERR 26.1511 Unauthorized Directory.");
	expect_err("/home/vpopmail/domains/",
	    "-ERR 26.1511 Unauthorized Directory.");
	expect_ok("example.com/", 1, 0, "domains/example.com");
	expect_ok("example.com/user1/", 0, 0, "domains/example.com/user1");
	expect_ok("user1@example.com/", 0, 0, "domains/example.com/user1");
	expect_err("user2@example.net/",
	    "-ERR 11.1507 Not Authorized for domain");
	expect_err("nobody@example.net/",
	    "-ERR 11.1507 Not Authorized for domain");
	expect_err("nobody@nonexist.com/",
	    "-ERR 11.1507 Not Authorized for domain");
	expect_err("nobody@example.com/",
	    "-ERR 25.1506 Invalid Directory. Unknown email address");
	expect_ok("example.com/vpasswd", 0, 1, NULL);
	expect_ok("example.com/vpasswd.cdb", 0, 1, NULL);
	expect_ok("example.com/vpasswd.cdb.tmp", 0, 1, NULL);
	expect_ok("example.com/cdb.tmp", 0, 1, NULL);
	expect_ok("example.com/.vpasswd.lock", 0, 1, NULL);
	expect_ok("example.com/vpasswd.bak.1234", 0, 1, NULL);
	expect_ok("example.com/.dir-control", 0, 1, NULL);
	expect_ok("example.com/.dir_control_free", 0, 1, NULL);
	expect_ok("example.com/.qmailadmin-limits", 0, 1, NULL);
	expect_ok("example.com/.vpasswd.tmp.123.abcdef", 0, 1, NULL);
	expect_ok("example.com/.qmail-default", 0, 0, NULL);
	expect_ok("example.com/.qmail-info", 0, 0, NULL);
	expect_ok("example.com/vpasswdx", 0, 0, NULL);
	expect_ok("example.com/user1/Maildir/tmp/1.2_NeWmAiLdIrSiZe.host", 0,
	    1, NULL);
	CHECK(line_of("example.com/user1/Maildir", &t)[0] == '\0' &&
	    t.uid == 89 && t.gid == 89, "QA: created things get the domain's "
	    "uid:gid");
	fsp_close(&t);
}

static void
test_sa(void)
{
	struct fsp_target t;

	as(LEVEL_SA, "admin", "example.com");
	expect_err("/home/vpopmail/", "-ERR 26.1510 Unauthorized Directory.");
	expect_err("/home/vpopmail/etc/vlimits.default",
	    "-ERR 26.1510 Unauthorized Directory.");
	expect_ok("/home/vpopmail/domains", 1, 0, "domains");
	expect_ok("/home/vpopmail/domains/", 1, 0, "domains");
	/* a domain directory is left to del_domain */
	expect_ok("example.com/", 1, 0, "domains/example.com");
	expect_ok("/home/vpopmail/domains/example.net", 1, 0, NULL);
	expect_ok("example.com/user1", 0, 0, NULL);
	expect_ok("/home/vpopmail/domains/.dir-control", 0, 1, NULL);
	expect_ok("/home/vpopmail/domains/new-file", 0, 0, NULL);
	expect_err("nonexist.com/", "-ERR 11.1509 Not Authorized for domain");
	expect_err("nobody@example.com/",
	    "-ERR 25.1506 Invalid Directory. Unknown email address");
	expect_err("nobody@nonexist.com/",
	    "-ERR 25.1506 Invalid Directory. Unknown email address");
	/* 5.4 item 6: an SA that also has the QA bit is still an SA */
	ctx.id.flags = 0x1000 | 0x10000;
	expect_ok("user2@example.net/", 0, 0, "domains/example.net/user2");
	CHECK(line_of("example.net/user2/Maildir", &t)[0] == '\0' &&
	    t.uid == 89 && t.gid == 89, "SA: owner from the domain map");
	fsp_close(&t);
}

/* Links at every position: never followed; a final one is opaque. */
static void
test_links(void)
{
	char p[PATH_MAX], q[PATH_MAX];
	struct fsp_target t;

	ts_path(p, sizeof(p), "%s/home/vpopmail/domains/example.com/user1",
	    top);
	CHECK(symlink("/etc", ts_path(q, sizeof(q), "%s/etclink", p)) == 0 &&
	    symlink("../postmaster", ts_path(q, sizeof(q), "%s/pmlink", p)) ==
	    0 && symlink("../../example.net/user2", ts_path(q, sizeof(q),
	    "%s/Maildir/otherdom", p)) == 0 && symlink("nowhere",
	    ts_path(q, sizeof(q), "%s/dangling", p)) == 0,
	    "links planted in user1's home");
	as(LEVEL_USER, "user1", "example.com");
	expect_err("user1@example.com/etclink/hostname",
	    "-1 Too many levels of symbolic links");
	/* a trailing '/' does not make the resolver follow a final link */
	expect_ok("user1@example.com/etclink/", 0, 0,
	    "domains/example.com/user1/etclink");
	expect_err("user1@example.com/pmlink/Maildir/new",
	    "-1 Too many levels of symbolic links");
	expect_err("user1@example.com/Maildir/otherdom/lastauth",
	    "-1 Too many levels of symbolic links");
	expect_err("user1@example.com/dangling/x",
	    "-1 Too many levels of symbolic links");
	if (CHECK(line_of("user1@example.com/etclink", &t)[0] == '\0',
	    "a final link resolves as an entry"))
		CHECK(strcmp(t.name, "etclink") == 0 && !t.is_root,
		    "the link itself is the target (name %s)", t.name);
	fsp_close(&t);
	expect_ok("user1@example.com/dangling", 0, 0, NULL);

	/* a link in place of the caller's root itself */
	ts_path(p, sizeof(p), "%s/home/vpopmail/domains/example.net", top);
	ts_path(q, sizeof(q), "%s.real", p);
	CHECK(rename(p, q) == 0 && symlink("example.net.real", p) == 0,
	    "example.net replaced by a link");
	as(LEVEL_QA, "postmaster", "example.net");
	expect_err("example.net/", "-1 Too many levels of symbolic links");
	expect_err("/home/vpopmail/domains/example.net/user2",
	    "-1 Too many levels of symbolic links");
	as(LEVEL_SA, "admin", "example.com");
	expect_err("/home/vpopmail/domains/example.net/user2/",
	    "-1 Too many levels of symbolic links");
	expect_ok("/home/vpopmail/domains/example.net", 0, 0, NULL);
	CHECK(unlink(p) == 0 && rename(q, p) == 0, "example.net restored");
}

static void
test_too_long(void)
{
	char arg[3000], home[PATH_MAX + 64];
	struct fsp_target t;
	size_t base, k;

	as(LEVEL_USER, "user1", "example.com");
	memset(arg, 'a', sizeof(arg));
	memcpy(arg, "user1@example.com/", 18);
	arg[18 + NAME_MAX + 1] = '\0';
	expect_err(arg, "-ERR 0.1513 File name too long");
	/* the candidate is <vpopmail-dir>/domains/example.com/user1/<rest>:
	 * 255 bytes of it are served, 256 refused, never cut */
	snprintf(home, sizeof(home), "%s/domains/example.com/user1/",
	    cfg.vpopmail_dir);
	base = strlen(home);
	if (!CHECK(base < 200, "fixture home short enough (%zu)", base))
		return;
	k = 255 - base;
	arg[18 + k] = '\0';
	CHECK(line_of(arg, &t)[0] == '\0', "a 255-byte candidate resolves");
	fsp_close(&t);
	arg[18 + k] = 'a';
	arg[18 + k + 1] = '\0';
	expect_err(arg, "-ERR 0.1513 File name too long");
	arg[18 + k + 1] = 'a';
	arg[sizeof(arg) - 1] = '\0';
	for (size_t i = 30; i < sizeof(arg) - 1; i += 30)
		arg[i] = '/';
	expect_err(arg, "-ERR 0.1513 File name too long");
	arg[1020] = '\0';
	expect_err(arg, "-ERR 0.1513 File name too long");
}

int
main(void)
{
	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree)");
		return T_DONE("test_fspath");
	}
	if (t_mkdtemp(top, sizeof(top), "fspath") < 0 ||
	    ts_extract("reference-small.tgz", top) < 0 ||
	    tc_open(top, &cfg, &ctx) < 0) {
		CHECK(0, "extract the small fixture");
		return T_DONE("test_fspath");
	}
	test_user_table();
	test_prefix_siblings();
	test_qa();
	test_sa();
	test_links();
	test_too_long();
	tc_close(&ctx);
	t_rm_rf(top);
	return T_DONE("test_fspath");
}
