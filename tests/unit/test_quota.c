/*
 * test_quota.c - quota normalisation (policy/quota.h) against every
 * example of PROTOCOL.md 4.21 and STORAGE.md 6.11, plus the refusals;
 * and the rebuild of Maildir/maildirsize (privhelper/maildirsize.h):
 * what is counted, what is skipped, symlinks never followed.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include "maildirsize.h"
#include "quota.h"
#include "t.h"
#include "tdir.h"
#include "validate.h"

static const struct {
	const char *in, *out;
} ok_cases[] = {
	/* PROTOCOL.md 4.21 */
	{ "10M", "10485760S" },
	{ "1000C,10MB", "10485760S,1000C" },
	{ "5000000", "5000000S" },
	{ "noquota", "" },
	{ "abc", "" },
	/* STORAGE.md 6.11 table */
	{ "NOQUOTA", "NOQUOTA" },
	{ "1048576", "1048576S" },
	{ "1M", "1048576S" },
	{ "1MB", "1048576S" },
	{ "1mbs", "1048576S" },
	{ "1024K", "1048576S" },
	{ "1024kb", "1048576S" },
	{ "10M,1000C", "10485760S,1000C" },
	{ "1000C,10MBS", "10485760S,1000C" },
	{ "500C", "500C" },
	{ "0", "" },
	{ "0C", "" },
	{ "1000c", "1000S" },
	/* the rules behind them */
	{ "1048576S", "1048576S" },
	{ "1048576s", "1048576S" },
	{ "10M,20M", "20971520S" },		/* later parts override */
	{ "5C,7C", "7C" },
	{ "10M,0", "" },			/* ... also with 0 */
	{ ",10M,,", "10485760S" },		/* empty parts skipped */
	{ "NoQuota", "" },			/* NOQUOTA is exact */
	{ "NOQUOTA,5C", "5C" },
	{ "", "" },
	{ "1234567890123456789", "1234567890123456789S" },	/* 20 */
};

static const struct {
	const char *in;
	int err;
} bad_cases[] = {
	{ "123456789012345678901", VAL_TOO_LONG },	/* input > 20 */
	{ "12345678901234567890", VAL_TOO_LONG },	/* result 21 */
	{ "99999999999999M", VAL_TOO_LONG },		/* result > 20 */
	{ "99999999999999999999", VAL_TOO_LONG },	/* 2^64 overflow */
	{ "1M,99999999999999999C", VAL_TOO_LONG },	/* combined > 20 */
	{ "10\tM", VAL_BAD_CHAR },
	{ "10M\n", VAL_BAD_CHAR },
	{ "\x7f", VAL_BAD_CHAR },
};

static char top[256];

static void
mk(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		T_INFO("mkdir %s: %s", p, strerror(errno));
}

static void
put(const char *rel, size_t size)
{
	char p[512], buf[4096];

	memset(buf, 'm', sizeof(buf));
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (t_write(p, buf, size < sizeof(buf) ? size : sizeof(buf)) < 0)
		T_INFO("write %s: %s", p, strerror(errno));
}

static int
read_rel(const char *rel, char *buf, size_t n)
{
	char p[512];
	ssize_t k;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	k = read(fd, buf, n - 1);
	close(fd);
	if (k < 0)
		return -1;
	buf[k] = '\0';
	return 0;
}

static int
no_temporaries(void)
{
	char p[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(p, sizeof(p), "%s/home/Maildir/tmp", top);
	if ((d = opendir(p)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, "NeWmAiLdIrSiZe") != NULL)
			n++;
	closedir(d);
	return n == 0;
}

static void
test_maildirsize(void)
{
	char buf[256], p[512], outside[512];
	struct stat st;
	int homefd;

	if (t_mkdtemp(top, sizeof(top), "mds") < 0) {
		CHECK(0, "temporary directory: %s", strerror(errno));
		return;
	}
	mk("home");
	mk("home/Maildir");
	mk("home/Maildir/new");
	mk("home/Maildir/cur");
	mk("home/Maildir/tmp");
	mk("home/Maildir/.Sent");
	mk("home/Maildir/.Sent/cur");
	mk("home/Maildir/.Trash");
	mk("home/Maildir/.Trash/cur");
	mk("home/Maildir/.Empty");		/* no new/ or cur/ */
	mk("home/Maildir/notafolder");
	mk("home/Maildir/notafolder/cur");
	put("home/Maildir/new/1.a.host", 100);			/* stat */
	put("home/Maildir/new/2.b.host,S=5000", 10);		/* name */
	put("home/Maildir/cur/3.c.host,S=700:2,S", 1);
	put("home/Maildir/cur/4.d.host,S=900:2,ST", 1);	/* trashed */
	put("home/Maildir/cur/.hidden", 50);			/* dot */
	put("home/Maildir/cur/5.e.host:2,", 33);		/* stat */
	put("home/Maildir/.Sent/cur/6.f.host,S=11:2,S", 1);
	put("home/Maildir/.Trash/cur/7.g.host,S=100000:2,S", 1);
	put("home/Maildir/notafolder/cur/8.h.host,S=100000", 1);
	put("home/Maildir/tmp/9.i.host,S=100000", 1);		/* tmp/ */
	put("outside", 4000);
	/* a planted link must be neither followed nor counted */
	snprintf(outside, sizeof(outside), "%s/outside", top);
	snprintf(p, sizeof(p), "%s/home/Maildir/cur/10.j.host", top);
	if (symlink(outside, p) < 0)
		T_INFO("symlink: %s", strerror(errno));
	snprintf(p, sizeof(p), "%s/home/Maildir/.Link", top);
	if (symlink(top, p) < 0)
		T_INFO("symlink: %s", strerror(errno));
	put("home/Maildir/maildirsize", 3);

	snprintf(p, sizeof(p), "%s/home", top);
	homefd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(mds_rebuild(homefd, "10485760S", (uid_t)-1, (gid_t)-1) == 0,
	    "rebuild: %s", strerror(errno));
	/* read before CHECK: its arguments are evaluated in no set order */
	if (read_rel("home/Maildir/maildirsize", buf, sizeof(buf)) != 0)
		buf[0] = '\0';
	CHECK(strcmp(buf, "10485760S\n5844 5\n") == 0,
	    "maildirsize = quota + '5844 5' (got %zu bytes)", strlen(buf));
	snprintf(p, sizeof(p), "%s/home/Maildir/maildirsize", top);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0600 &&
	    S_ISREG(st.st_mode), "maildirsize is a 0600 file");
	CHECK(no_temporaries(), "no temporary left behind in Maildir/tmp");
	CHECK(mds_rebuild(homefd, "10M,5C", (uid_t)-1, (gid_t)-1) == 0 &&
	    read_rel("home/Maildir/maildirsize", buf, sizeof(buf)) == 0 &&
	    strncmp(buf, "10M,5C\n", 7) == 0, "line 1 is the quota as given");
	CHECK(mds_rebuild(homefd, "NOQUOTA", (uid_t)-1, (gid_t)-1) == 0 &&
	    stat(p, &st) < 0 && errno == ENOENT,
	    "NOQUOTA removes maildirsize");
	put("home/Maildir/maildirsize", 3);
	CHECK(mds_rebuild(homefd, "", (uid_t)-1, (gid_t)-1) == 0 &&
	    stat(p, &st) < 0 && errno == ENOENT,
	    "an empty quota removes maildirsize");
	CHECK(mds_rebuild(homefd, "", (uid_t)-1, (gid_t)-1) == 0,
	    "nothing to remove is fine");
	close(homefd);

	/* a Maildir that is a symlink is not entered */
	mk("home2");
	snprintf(p, sizeof(p), "%s/home2/Maildir", top);
	snprintf(outside, sizeof(outside), "%s/home/Maildir", top);
	if (symlink(outside, p) < 0)
		T_INFO("symlink: %s", strerror(errno));
	snprintf(p, sizeof(p), "%s/home2", top);
	homefd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(mds_rebuild(homefd, "1S", (uid_t)-1, (gid_t)-1) < 0 &&
	    errno == ELOOP, "a symlinked Maildir is refused (ELOOP)");
	snprintf(p, sizeof(p), "%s/home/Maildir/maildirsize", top);
	CHECK(stat(p, &st) < 0, "and nothing was written through it");
	close(homefd);
	/* no Maildir at all: nothing to do */
	mk("home3");
	snprintf(p, sizeof(p), "%s/home3", top);
	homefd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(mds_rebuild(homefd, "1S", (uid_t)-1, (gid_t)-1) == 0,
	    "a home without Maildir is left alone");
	close(homefd);
	t_rm_rf(top);
}

int
main(void)
{
	char out[64];
	size_t i;
	int r;

	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		r = pol_quota_normalise(ok_cases[i].in, out, sizeof(out));
		CHECK(r == VAL_OK && strcmp(out, ok_cases[i].out) == 0,
		    "quota '%s' -> '%s' (got %d '%s')", ok_cases[i].in,
		    ok_cases[i].out, r, r == VAL_OK ? out : "");
		if (r == VAL_OK)
			CHECK(val_quota(out) == VAL_OK,
			    "result '%s' passes val_quota", out);
	}
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		r = pol_quota_normalise(bad_cases[i].in, out, sizeof(out));
		CHECK(r == bad_cases[i].err && out[0] == '\0',
		    "quota case %zu refused with %d (got %d)", i,
		    bad_cases[i].err, r);
	}
	r = pol_quota_normalise("10M", out, 5);
	CHECK(r == VAL_TOO_LONG && out[0] == '\0',
	    "a result that does not fit the buffer is refused, not cut");
	CHECK(pol_quota_is_none("") && pol_quota_is_none("NOQUOTA") &&
	    !pol_quota_is_none("10S") && !pol_quota_is_none("noquota"),
	    "pol_quota_is_none");
	test_maildirsize();
	return T_DONE("test_quota");
}
