/*
 * test_limits.c - privhelper/domlimits.c: the large fixture's
 * big.example/.qmailadmin-limits and the stock vlimits.default read as
 * vpopmail reads them, no merge, reading changes nothing (FS5), the
 * loose syntax of STORAGE.md 9.2, bounded numbers, the flag mask, and
 * files that must not be followed or waited on.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "domlimits.h"
#include "flags.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 256];
static struct ph_ctx ctx;

static const char *
p(const char *rel)
{
	static char buf[2][PATH_MAX];	/* two may be live in one call */
	static int i;

	i = !i;
	return ts_path(buf[i], sizeof(buf[i]), "%s/home/vpopmail/%s", top,
	    rel);
}

static int
dom(const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "domains/%s", name);
	return ts_dirfd(p(rel));
}

static void
test_big(void)
{
	struct limits l;
	struct stat a, b;
	int fd = dom("big.example");

	CHECK(stat(p("domains/big.example/.qmailadmin-limits"), &a) == 0,
	    "fixture has big.example limits");
	CHECK(chmod(p("domains/big.example/.qmailadmin-limits"), 0640) == 0,
	    "limits file made 0640");
	CHECK(stat(p("domains/big.example/.qmailadmin-limits"), &a) == 0,
	    "stat before");
	CHECK(limits_read(&ctx, fd, &l) == 0, "big.example limits read");
	CHECK(l.source == LIMITS_DOMAIN, "from .qmailadmin-limits");
	CHECK(l.maxpopaccounts == 500 && l.maxaliases == 100 &&
	    l.maxforwards == 50 && l.maxautoresponders == 10 &&
	    l.maxmailinglists == 5, "max* 500 100 50 10 5");
	CHECK(l.quota == 2048 && l.maxmsgcount == 200000,
	    "domain quota 2048 MB, 200000 messages");
	CHECK(l.default_quota == 26214400 && l.default_maxmsgcount == 10000,
	    "default quota 26214400, count 10000");
	CHECK(l.perm_account == 4 && l.perm_alias == 0 &&
	    l.perm_forward == 0 && l.perm_autoresponder == 0 &&
	    l.perm_maillist == 0 && l.perm_defaultquota == 0,
	    "perm_* as in the file");
	CHECK(l.perm_quota == 7, "perm_quota 15 reads as 15 & 7 (%d)",
	    l.perm_quota);
	CHECK(l.flags == 0 && limits_flag_mask(&l) == 0, "no flag keywords");
	CHECK(stat(p("domains/big.example/.qmailadmin-limits"), &b) == 0 &&
	    a.st_mode == b.st_mode && a.st_uid == b.st_uid &&
	    a.st_gid == b.st_gid && a.st_ctim.tv_sec == b.st_ctim.tv_sec &&
	    a.st_ctim.tv_nsec == b.st_ctim.tv_nsec,
	    "reading changed neither mode, owner nor ctime (FS5)");
	close(fd);
}

static void
test_default(void)
{
	struct limits l, d;
	int fd = dom("d01.example");

	limits_defaults(&d);
	CHECK(limits_read(&ctx, fd, &l) == 0, "d01.example limits read");
	CHECK(l.source == LIMITS_DEFAULT, "from vlimits.default");
	d.source = LIMITS_DEFAULT;
	CHECK(memcmp(&l, &d, sizeof(l)) == 0,
	    "stock vlimits.default equals the built-in defaults");
	CHECK(l.maxpopaccounts == -1 && l.maxmailinglists == -1 &&
	    l.default_quota == 0, "max* -1, quotas 0");

	/* no merge: a domain file with one key leaves the rest built-in,
	 * even when vlimits.default says otherwise */
	CHECK(rename(p("etc/vlimits.default"), p("etc/vl.saved")) == 0 &&
	    t_write(p("etc/vlimits.default"), "maxaliases 7\n"
	    "default_quota 5\n", 29) == 0, "vlimits.default with values");
	CHECK(limits_read(&ctx, fd, &l) == 0 && l.maxaliases == 7 &&
	    l.default_quota == 5, "the default file is read");
	CHECK(t_write(p("domains/d01.example/.qmailadmin-limits"),
	    "maxforwards: 3\n", 15) == 0, "domain file with one key");
	CHECK(limits_read(&ctx, fd, &l) == 0 && l.source == LIMITS_DOMAIN &&
	    l.maxforwards == 3 && l.maxaliases == -1 && l.default_quota == 0,
	    "domain file over built-ins, vlimits.default ignored");

	/* a symlink is not followed: the default file is used instead */
	unlink(p("domains/d01.example/.qmailadmin-limits"));
	CHECK(symlink(p("domains/big.example/.qmailadmin-limits"),
	    p("domains/d01.example/.qmailadmin-limits")) == 0, "symlink");
	CHECK(limits_read(&ctx, fd, &l) == 0 && l.source == LIMITS_DEFAULT &&
	    l.maxaliases == 7, "symlinked limits not followed");
	unlink(p("domains/d01.example/.qmailadmin-limits"));

	/* a FIFO does not block the reader */
	CHECK(mkfifo(p("domains/d01.example/.qmailadmin-limits"), 0600) == 0,
	    "fifo");
	CHECK(limits_read(&ctx, fd, &l) == 0 && l.source == LIMITS_DEFAULT,
	    "FIFO skipped without blocking");
	unlink(p("domains/d01.example/.qmailadmin-limits"));

	/* neither file: error */
	unlink(p("etc/vlimits.default"));
	errno = 0;
	CHECK(limits_read(&ctx, fd, &l) < 0, "no file at all: error");
	CHECK(rename(p("etc/vl.saved"), p("etc/vlimits.default")) == 0,
	    "restored");
	close(fd);
}

static void
test_big_file(void)
{
	struct limits l;
	char *big = malloc(LIMITS_FILE_MAX + 10);
	int fd = dom("d02.example");

	memset(big, '#', LIMITS_FILE_MAX + 10);
	CHECK(t_write(p("domains/d02.example/.qmailadmin-limits"), big,
	    LIMITS_FILE_MAX + 10) == 0, "oversized limits file");
	CHECK(limits_read(&ctx, fd, &l) < 0 && errno == EFBIG,
	    "oversized file refused, not cut");
	free(big);
	close(fd);
}

static void
test_syntax(void)
{
	struct limits l;
	const char *t;

	limits_defaults(&l);
	t = "maxpopaccounts 10\rmaxaliases: 11\nmaxforwards:12\n"
	    "maxautoresponders\t\t13\n#maxmailinglists 14\n"
	    " maxmailinglists 15\nnosuchkey 1\nquota\n";
	limits_parse(t, strlen(t), &l);
	CHECK(l.maxpopaccounts == 10 && l.maxaliases == 11 &&
	    l.maxforwards == 12 && l.maxautoresponders == 13,
	    "blank, ': ', ':' and tabs all separate; CR ends a line");
	CHECK(l.maxmailinglists == -1, "comment and leading-blank lines "
	    "ignored");
	CHECK(l.quota == 0, "a keyword without value is ignored");

	limits_defaults(&l);
	t = "maxaliases 1\nmaxaliases 2\ndisable_pop 0\ndisable_smtp\n"
	    "disable_imap\ndisable_external_relay\ndisable_webmail\n"
	    "disable_password_changing\ndisable_dialup\n"
	    "disable_spamassassin\ndelete_spam\ndisable_maildrop\n";
	limits_parse(t, strlen(t), &l);
	CHECK(l.maxaliases == 2, "later lines win");
	CHECK(limits_flag_mask(&l) == 0x4c86f,
	    "all ten flags give mask 0x4c86f (%#x)", limits_flag_mask(&l));
	limits_defaults(&l);
	limits_parse("disable_pop 0\n", 14, &l);
	CHECK(limits_flag_mask(&l) == VF_NO_POP, "disable_pop 0 still "
	    "disables POP");

	limits_defaults(&l);
	t = "maxpopaccounts 99999999999\ndefault_quota -5\n"
	    "quota 99999999999999999999999\nperm_account -1\n"
	    "perm_maillist 511\nperm_quota 8\nmaxaliases 12abc\n"
	    "default_maxmsgcount x\n";
	limits_parse(t, strlen(t), &l);
	CHECK(l.maxpopaccounts == INT32_MAX, "int clamps to INT32_MAX");
	CHECK(l.default_quota == 0, "negative quota is no quota");
	CHECK(l.quota == (uint64_t)INT64_MAX, "huge quota saturates");
	CHECK(l.perm_account == 7, "perm -1 & 7 = 7");
	CHECK(l.perm_maillist == 511, "perm_maillist keeps 9 bits");
	CHECK(l.perm_quota == 0, "perm_quota 8 & 7 = 0");
	CHECK(l.maxaliases == 12, "leading digits only");
	CHECK(l.default_maxmsgcount == 0, "no digits: 0");
}

int
main(void)
{
	char ctxdir[PATH_MAX];

	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree)");
		return T_DONE("test_limits");
	}
	if (t_mkdtemp(top, sizeof(top), "limits") < 0 ||
	    ts_extract("reference-large.tgz", top) < 0) {
		CHECK(0, "extract the large fixture");
		return T_DONE("test_limits");
	}
	memset(&ctx, 0, sizeof(ctx));
	ts_path(ctxdir, sizeof(ctxdir), "%s/home/vpopmail", top);
	ctx.vpop_fd = ts_dirfd(ctxdir);
	test_big();
	test_default();
	test_big_file();
	test_syntax();
	close(ctx.vpop_fd);
	t_rm_rf(top);
	return T_DONE("test_limits");
}
