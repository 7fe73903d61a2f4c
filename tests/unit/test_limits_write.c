/*
 * test_limits_write.c - privhelper/domlimits_write.c: the file text byte
 * for byte against STORAGE.md 9.5, round trips through the reader of
 * domlimits.c (the reference reader's rules), the maillist
 * sub-permissions kept (Q18 fixed), every set_limits key, range edges
 * and garbage (B5, V5), the crash-safe write (mode, owner, no
 * temporaries, old file kept on failure) and the limits lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "domlimits.h"
#include "domlimits_write.h"
#include "flags.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 256];
static struct ph_ctx ctx;

static const char *
p(const char *rel)
{
	static char buf[2][PATH_MAX];
	static int i;

	i = !i;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, rel);
}

/* STORAGE.md 9.5's example: 11 mailboxes, 2 lists, POP off, 10 MB. */
static const char example[] =
    "maxpopaccounts: 11\nmaxaliases: -1\nmaxforwards: -1\n"
    "maxautoresponders: -1\nmaxmailinglists: 2\nquota: 0\n"
    "maxmsgcount: 0\ndefault_quota: 10485760\ndefault_maxmsgcount: 0\n"
    "disable_pop\nperm_account: 0\nperm_alias: 0\nperm_forward: 0\n"
    "perm_autoresponder: 0\nperm_maillist: 0\nperm_quota: 0\n"
    "perm_defaultquota: 0\n";

static void
test_format(void)
{
	char buf[LIMITS_TEXT_MAX];
	struct limits l, r;
	size_t n, i;

	limits_defaults(&l);
	l.maxpopaccounts = 11;
	l.maxmailinglists = 2;
	l.default_quota = 10485760;
	l.flags = VF_NO_POP;
	n = limits_format(&l, buf, sizeof(buf));
	CHECK(n == strlen(example) && memcmp(buf, example, n) == 0,
	    "STORAGE.md 9.5 example byte for byte");

	limits_defaults(&r);
	limits_parse(example, strlen(example), &r);
	CHECK(memcmp(&l, &r, sizeof(l)) == 0,
	    "the example reads back as the values written");

	/* every flag, in the reference writer's order */
	limits_defaults(&l);
	for (i = 0; i < LIMITS_NFLAGS; i++)
		l.flags |= limits_flags[i].bit;
	n = limits_format(&l, buf, sizeof(buf));
	CHECK(strstr(buf, "default_maxmsgcount: 0\ndisable_pop\ndisable_imap\n"
	    "disable_dialup\ndisable_password_changing\ndisable_webmail\n"
	    "disable_external_relay\ndisable_smtp\ndisable_spamassassin\n"
	    "delete_spam\ndisable_maildrop\nperm_account: 0\n") != NULL,
	    "all ten flag lines in order, between the numbers and perms");
	limits_defaults(&r);
	limits_parse(buf, n, &r);
	CHECK(r.flags == 0x4c86f, "all flags read back (%#x)", r.flags);

	/* extremes round-trip */
	limits_defaults(&l);
	l.maxpopaccounts = INT32_MIN;
	l.maxaliases = INT32_MAX;
	l.quota = l.maxmsgcount = l.default_quota = l.default_maxmsgcount =
	    (uint64_t)INT64_MAX;
	l.perm_account = l.perm_alias = l.perm_forward =
	    l.perm_autoresponder = l.perm_quota = l.perm_defaultquota = 7;
	l.perm_maillist = 0777;
	n = limits_format(&l, buf, sizeof(buf));
	CHECK(n < sizeof(buf) - 1, "longest text fits (%zu)", n);
	CHECK(strstr(buf, "maxpopaccounts: -2147483648\n") != NULL &&
	    strstr(buf, "quota: 9223372036854775807\n") != NULL &&
	    strstr(buf, "perm_maillist: 511\nperm_quota: 7\n") != NULL,
	    "extreme values written in decimal");
	limits_defaults(&r);
	limits_parse(buf, n, &r);
	CHECK(memcmp(&l, &r, sizeof(l)) == 0, "extremes read back exactly");

	/* what vpopmail wrote reads identically (fixture big.example) */
	limits_defaults(&l);
	{
		static const char big[] = "maxpopaccounts: 500\n"
		    "maxaliases: 100\nmaxforwards: 50\nmaxautoresponders: 10\n"
		    "maxmailinglists: 5\nquota: 2048\nmaxmsgcount: 200000\n"
		    "default_quota: 26214400\ndefault_maxmsgcount: 10000\n"
		    "perm_account: 4\nperm_alias: 0\nperm_forward: 0\n"
		    "perm_autoresponder: 0\nperm_maillist: 0\nperm_quota: 15\n"
		    "perm_defaultquota: 0\n";
		static const char ours[] = "maxpopaccounts: 500\n"
		    "maxaliases: 100\nmaxforwards: 50\nmaxautoresponders: 10\n"
		    "maxmailinglists: 5\nquota: 2048\nmaxmsgcount: 200000\n"
		    "default_quota: 26214400\ndefault_maxmsgcount: 10000\n"
		    "perm_account: 4\nperm_alias: 0\nperm_forward: 0\n"
		    "perm_autoresponder: 0\nperm_maillist: 0\nperm_quota: 7\n"
		    "perm_defaultquota: 0\n";

		limits_parse(big, strlen(big), &l);
		n = limits_format(&l, buf, sizeof(buf));
		CHECK(n == strlen(ours) && memcmp(buf, ours, n) == 0,
		    "a vpopmail-written file is rewritten with perm_quota "
		    "as its reader saw it (15 & 7)");
	}
}

static void
edit(struct limits_edit *e, const char *line)
{
	limits_edit_line(e, line, strlen(line));
}

/* One line alone on the defaults: the error, and *out the result. */
static enum limits_edit_err
one(const char *line, struct limits *out)
{
	struct limits_edit e;

	limits_edit_init(&e);
	edit(&e, line);
	limits_defaults(out);
	if (e.err == LE_OK)
		limits_edit_apply(&e, out);
	return e.err;
}

static void
test_keys(void)
{
	static const struct { const char *line; size_t off; int64_t want;
	    int wide; } ints[] = {
#define O(m)	offsetof(struct limits, m)
		{ "max_popaccounts 1", O(maxpopaccounts), 1, 0 },
		{ "max_aliases 2", O(maxaliases), 2, 0 },
		{ "max_forwards 3", O(maxforwards), 3, 0 },
		{ "max_autoresponders 4", O(maxautoresponders), 4, 0 },
		{ "max_mailinglists 5", O(maxmailinglists), 5, 0 },
		{ "disk_quota 6", O(quota), 6, 1 },
		{ "max_msgcount 7", O(maxmsgcount), 7, 1 },
		{ "default_quota 8", O(default_quota), 8, 1 },
		{ "default_maxmsgcount 9", O(default_maxmsgcount), 9, 1 },
		{ "perm_account 1", O(perm_account), 1, 0 },
		{ "perm_alias 2", O(perm_alias), 2, 0 },
		{ "perm_forward 3", O(perm_forward), 3, 0 },
		{ "perm_autoresponder 4", O(perm_autoresponder), 4, 0 },
		{ "perm_maillist 5", O(perm_maillist), 5, 0 },
		{ "perm_quota 6", O(perm_quota), 6, 0 },
		{ "perm_defaultquota 7", O(perm_defaultquota), 7, 0 },
		{ "perm_maillist_users 3", O(perm_maillist), 3 << 3, 0 },
		{ "perm_maillist_moderators 5", O(perm_maillist), 5 << 6, 0 },
#undef O
	};
	struct limits l, d;
	size_t i;
	int64_t got;

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		int32_t i32;
		uint64_t u64;

		CHECK(one(ints[i].line, &l) == LE_OK, "'%s' accepted",
		    ints[i].line);
		if (ints[i].wide) {
			memcpy(&u64, (char *)&l + ints[i].off, sizeof(u64));
			got = (int64_t)u64;
		} else {
			memcpy(&i32, (char *)&l + ints[i].off, sizeof(i32));
			got = i32;
		}
		CHECK(got == ints[i].want, "'%s' sets its field (%lld)",
		    ints[i].line, (long long)got);
		limits_defaults(&d);
		memcpy((char *)&d + ints[i].off, (char *)&l + ints[i].off,
		    ints[i].wide ? 8 : 4);
		CHECK(memcmp(&d, &l, sizeof(l)) == 0,
		    "'%s' changes nothing else", ints[i].line);
	}
	for (i = 0; i < LIMITS_NFLAGS; i++) {
		char line[64];

		snprintf(line, sizeof(line), "%s 1", limits_flags[i].keyword);
		CHECK(one(line, &l) == LE_OK && l.flags == limits_flags[i].bit,
		    "'%s' sets exactly its bit", line);
	}
}

static void
test_body(void)
{
	struct limits_edit e;
	struct limits l;

	/* separators: SP = : CR LF, not HT; empty lines skipped */
	limits_edit_init(&e);
	edit(&e, "max_aliases=5");
	edit(&e, "max_forwards: 6");
	edit(&e, "max_autoresponders = 7");
	edit(&e, "");
	edit(&e, " : = ");
	edit(&e, "max_mailinglists 8\r");
	edit(&e, "max_aliases 9");		/* later wins */
	edit(&e, "disable_pop 1");
	edit(&e, "disable_pop 0");
	CHECK(e.err == LE_OK && e.lines == 9, "all forms accepted");
	limits_defaults(&l);
	l.flags = VF_NO_POP | VF_NO_IMAP;
	limits_edit_apply(&e, &l);
	CHECK(l.maxaliases == 9 && l.maxforwards == 6 &&
	    l.maxautoresponders == 7 && l.maxmailinglists == 8,
	    "values applied, the later line wins");
	CHECK(l.flags == VF_NO_IMAP, "disable_pop 0 clears, others kept");
	CHECK(l.maxpopaccounts == -1, "keys not given keep their value");
	{
		char names[200];

		limits_edit_names(&e, names, sizeof(names));
		CHECK(strcmp(names, "max_aliases=9 max_forwards=6 "
		    "max_autoresponders=7 max_mailinglists=8 disable_pop=0")
		    == 0, "names for the audit: %s", names);
	}

	/* B5: the first bad line is kept, later lines only counted */
	limits_edit_init(&e);
	edit(&e, "max_aliases 1");
	edit(&e, "no_pop 1");
	edit(&e, "max_forwards 2");
	CHECK(e.err == LE_UNKNOWN_KEY && e.err_line == 2 &&
	    strcmp(e.err_key, "no_pop") == 0 && e.lines == 3,
	    "unknown key refused on line 2");
	CHECK(e.set == 1u << 1, "only the line before the refusal "
	    "recorded (%#x)", e.set);

	limits_defaults(&l);
	CHECK(one("max_aliases", &l) == LE_NO_VALUE, "no value");
	CHECK(one("max_aliases:", &l) == LE_NO_VALUE, "no value after ':'");
	CHECK(one("max_aliases\t5", &l) == LE_UNKNOWN_KEY,
	    "HT is not a separator");
	CHECK(one("MAX_ALIASES 5", &l) == LE_UNKNOWN_KEY, "case matters");
	CHECK(one("maxaliases 5", &l) == LE_UNKNOWN_KEY,
	    "file keyword is not a body key");
	CHECK(one("max_aliases 5 6", &l) == LE_BAD_VALUE, "two values");
	CHECK(one("max_aliases 12abc", &l) == LE_BAD_VALUE, "trailing junk");
	CHECK(one("max_aliases abc", &l) == LE_BAD_VALUE, "no digits");
	CHECK(one("max_aliases -", &l) == LE_BAD_VALUE, "sign alone");
	CHECK(one("max_aliases 0x10", &l) == LE_BAD_VALUE, "no hex");
	CHECK(one("max_aliases +5", &l) == LE_OK && l.maxaliases == 5,
	    "a plus sign is fine");
}

static void
test_ranges(void)
{
	static const struct { const char *line; int ok; } r[] = {
		{ "max_popaccounts 2147483647", 1 },
		{ "max_popaccounts 2147483648", 0 },
		{ "max_popaccounts -1", 1 },
		{ "max_popaccounts -2147483648", 1 },
		{ "max_popaccounts -2147483649", 0 },
		{ "disk_quota 0", 1 },
		{ "disk_quota 9223372036854775807", 1 },
		{ "disk_quota 9223372036854775808", 0 },
		{ "disk_quota 99999999999999999999999", 0 },
		{ "disk_quota -1", 0 },
		{ "default_quota -9223372036854775808", 0 },
		{ "default_quota -9223372036854775809", 0 },
		{ "max_msgcount -0", 1 },
		{ "disable_pop 1", 1 },
		{ "disable_pop 0", 1 },
		{ "disable_pop 2", 0 },
		{ "disable_pop -1", 0 },
		{ "perm_account 7", 1 },
		{ "perm_account 8", 0 },
		{ "perm_account -1", 0 },
		{ "perm_maillist 8", 0 },
		{ "perm_maillist_users 7", 1 },
		{ "perm_maillist_users 8", 0 },
		{ "perm_maillist_moderators 8", 0 },
		{ "perm_quota 511", 1 },
		{ "perm_quota 512", 0 },
	};
	struct limits l;
	size_t i;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		enum limits_edit_err e = one(r[i].line, &l);

		CHECK(r[i].ok ? e == LE_OK : e == LE_RANGE,
		    "'%s' %s (%s)", r[i].line, r[i].ok ? "accepted" :
		    "out of range", limits_edit_errtext(e));
	}
	CHECK(one("max_popaccounts -2147483648", &l) == LE_OK &&
	    l.maxpopaccounts == INT32_MIN, "INT32_MIN stored");
	CHECK(one("disk_quota 9223372036854775807", &l) == LE_OK &&
	    l.quota == (uint64_t)INT64_MAX, "INT64_MAX stored");
	/* the packed perm_quota get_limits prints is accepted back; its
	 * sub-permission bits are left to their own keys */
	CHECK(one("perm_quota 13", &l) == LE_OK && l.perm_quota == 5 &&
	    l.perm_maillist == 0, "perm_quota 13 (015) keeps quota bits 5");
}

/* Sub-permissions written where vpopmail's reader finds them. */
static void
test_subperms(void)
{
	struct limits_edit e;
	struct limits l, r;
	char buf[LIMITS_TEXT_MAX];
	size_t n;

	limits_edit_init(&e);
	edit(&e, "perm_maillist 3");
	edit(&e, "perm_maillist_users 1");
	edit(&e, "perm_maillist_moderators 2");
	edit(&e, "perm_quota 4");
	limits_defaults(&l);
	limits_edit_apply(&e, &l);
	CHECK(l.perm_maillist == (3 | 1 << 3 | 2 << 6) && l.perm_quota == 4,
	    "packed in memory as the reader keeps it (%d)", l.perm_maillist);
	n = limits_format(&l, buf, sizeof(buf));
	CHECK(strstr(buf, "perm_maillist: 139\nperm_quota: 4\n") != NULL,
	    "file: perm_maillist 139, perm_quota 4");
	limits_defaults(&r);
	limits_parse(buf, n, &r);
	CHECK(r.perm_maillist == 139 && r.perm_quota == 4,
	    "read back: sub-permissions survive");

	/* a later set of one sub-permission keeps the others */
	limits_edit_init(&e);
	edit(&e, "perm_maillist_users 0");
	limits_edit_apply(&e, &r);
	CHECK(r.perm_maillist == (3 | 2 << 6), "only the users bits "
	    "cleared (%d)", r.perm_maillist);
	limits_edit_init(&e);
	edit(&e, "perm_maillist 0");
	limits_edit_apply(&e, &r);
	CHECK(r.perm_maillist == 2 << 6, "perm_maillist sets the list bits "
	    "only (%d)", r.perm_maillist);
}

static void
test_write(void)
{
	struct limits l, r;
	struct stat st;
	int domfd, etcfd, lk, lk2;
	uid_t uid = geteuid();

	domfd = ts_dirfd(p("vp/domains/x.example"));
	limits_defaults(&l);
	l.maxpopaccounts = 11;
	l.maxmailinglists = 2;
	l.default_quota = 10485760;
	l.flags = VF_NO_POP;
	CHECK(limits_write(domfd, LIMITS_FILE, &l, 1234, 1234, 0600) == 0,
	    "written");
	CHECK(ts_file_is(p("vp/domains/x.example/.qmailadmin-limits"),
	    example, strlen(example)), "file bytes are the 9.5 example");
	/* stat before CHECK: its arguments are evaluated in no set order */
	if (stat(p("vp/domains/x.example/.qmailadmin-limits"), &st) < 0)
		memset(&st, 0, sizeof(st));
	CHECK((st.st_mode & 07777) == 0600, "mode 0600 (%o)",
	    st.st_mode & 07777);
	if (uid == 0)
		CHECK(st.st_uid == 1234 && st.st_gid == 1234,
		    "owner 1234:1234 as root");
	else
		T_SKIP("owner not checked: not root (files are never "
		    "chowned then)");
	CHECK(ts_count_temps(p("vp/domains/x.example")) == 0,
	    "no temporary left");
	CHECK(limits_read(&ctx, domfd, &r) == 0 &&
	    r.source == LIMITS_DOMAIN && r.maxpopaccounts == 11 &&
	    r.flags == VF_NO_POP, "limits_read gets it back");

	/* the global defaults file in the same format */
	etcfd = ts_dirfd(p("vp/etc"));
	limits_defaults(&l);
	l.maxaliases = 3;
	CHECK(limits_write(etcfd, "vlimits.default", &l, (uid_t)-1,
	    (gid_t)-1, 0644) == 0 && stat(p("vp/etc/vlimits.default"),
	    &st) == 0 && (st.st_mode & 07777) == 0644,
	    "vlimits.default written 0644");
	CHECK(unlink(p("vp/domains/x.example/.qmailadmin-limits")) == 0 &&
	    limits_read(&ctx, domfd, &r) == 0 && r.source == LIMITS_DEFAULT &&
	    r.maxaliases == 3 && r.maxpopaccounts == -1,
	    "vlimits.default read back");

	/* a failed write leaves the old file */
	CHECK(t_write(p("vp/domains/x.example/.qmailadmin-limits"),
	    "maxaliases: 1\n", 14) == 0, "old file");
	{
		/* a file-size limit makes the write of the temporary fail,
		 * for root too */
		struct rlimit rl, small;

		signal(SIGXFSZ, SIG_IGN);
		getrlimit(RLIMIT_FSIZE, &rl);
		small = rl;
		small.rlim_cur = 100;
		setrlimit(RLIMIT_FSIZE, &small);
		errno = 0;
		CHECK(limits_write(domfd, LIMITS_FILE, &l, (uid_t)-1,
		    (gid_t)-1, 0600) < 0 && errno == EFBIG,
		    "a write that fails (EFBIG) is reported");
		setrlimit(RLIMIT_FSIZE, &rl);
		signal(SIGXFSZ, SIG_DFL);
		CHECK(ts_file_is(p("vp/domains/x.example/.qmailadmin-limits"),
		    "maxaliases: 1\n", 14), "old file unchanged");
		CHECK(ts_count_temps(p("vp/domains/x.example")) == 0,
		    "the failed temporary is removed");
	}
	CHECK(limits_write(domfd, "../x", &l, (uid_t)-1, (gid_t)-1, 0600) < 0,
	    "a name with '/' refused");

	/* the lock: a second holder waits and times out */
	lk = limits_lock(domfd, 0);
	CHECK(lk >= 0, "lock taken");
	errno = 0;
	lk2 = limits_lock(domfd, 0);
	CHECK(lk2 < 0 && errno == ETIMEDOUT, "second lock times out");
	limits_unlock(lk);
	lk2 = limits_lock(domfd, 0);
	CHECK(lk2 >= 0, "free again after unlock");
	limits_unlock(lk2);
	CHECK(ts_count_temps(p("vp/domains/x.example")) == 0 &&
	    access(p("vp/domains/x.example/.qmailadmin-limits.lock"), F_OK) < 0,
	    "the lock leaves no file behind");
	close(etcfd);
	close(domfd);
}

int
main(void)
{
	static const char stock[] = "# defaults\nmaxpopaccounts\t-1\n"
	    "maxforwards\t-1\nmaxautoresponders\t-1\nmaxmailinglists\t-1\n"
	    "perm_account\t0\n";

	if (t_mkdtemp(top, sizeof(top), "limitsw") < 0 ||
	    mkdir(p("vp"), 0700) < 0 || mkdir(p("vp/etc"), 0700) < 0 ||
	    mkdir(p("vp/domains"), 0700) < 0 ||
	    mkdir(p("vp/domains/x.example"), 0700) < 0 ||
	    t_write(p("vp/etc/vlimits.default"), stock, strlen(stock)) < 0) {
		CHECK(0, "temporary tree");
		return T_DONE("test_limits_write");
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.vpop_fd = ts_dirfd(p("vp"));
	test_format();
	test_keys();
	test_body();
	test_ranges();
	test_subperms();
	test_write();
	close(ctx.vpop_fd);
	t_rm_rf(top);
	return T_DONE("test_limits_write");
}
