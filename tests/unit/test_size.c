/*
 * test_size.c - a user's mailbox size (privhelper/mailsize.c over
 * mds_usage; PROTOCOL.md 4.15/4.23, STORAGE.md 6.11): new+cur and the
 * Maildir++ folders except .Trash, 'T'-flagged and dot entries skipped,
 * ",S=" size else the file size, symlinks neither followed nor counted,
 * a missing home or Maildir empty, a home outside its domain refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailsize.h"
#include "t.h"
#include "tdir.h"
#include "util.h"

static char top[256];

static void
mk(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (mkdir(p, 0700) < 0)
		T_INFO("mkdir %s: %s", p, strerror(errno));
}

/* A message of n bytes at rel. */
static void
msg(const char *rel, size_t n)
{
	static char body[4096];
	char p[512];

	memset(body, 'm', sizeof(body));
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (t_write(p, body, n) < 0)
		T_INFO("write %s: %s", p, strerror(errno));
}

static int
measure(int domfd, const char *home, struct mds_usage *u)
{
	struct assign_ent dom;
	struct vpw pw;

	memset(&dom, 0, sizeof(dom));
	memset(&pw, 0, sizeof(pw));
	vp_strlcpy(dom.domain, "a.example", sizeof(dom.domain));
	vp_strlcpy(dom.dir, "/home/vpopmail/domains/a.example",
	    sizeof(dom.dir));
	vp_strlcpy(pw.name, "u", sizeof(pw.name));
	vp_strlcpy(pw.dir, home, sizeof(pw.dir));
	return mailsize_user(domfd, &dom, &pw, u);
}

int
main(void)
{
	struct mds_usage u;
	char p[512], q[512];
	int dfd;

	if (t_mkdtemp(top, sizeof(top), "size") < 0)
		return 1;
	mk("u");
	mk("u/Maildir");
	mk("u/Maildir/new");
	mk("u/Maildir/cur");
	mk("u/Maildir/tmp");
	mk("u/Maildir/.Sent");
	mk("u/Maildir/.Sent/cur");
	mk("u/Maildir/.Sent/new");
	mk("u/Maildir/.Trash");
	mk("u/Maildir/.Trash/cur");
	mk("u/Maildir/Plain");		/* not a Maildir++ folder name */
	mk("u/Maildir/Plain/cur");
	msg("u/Maildir/new/1.a.host", 10);			/* 10 */
	msg("u/Maildir/new/2.b.host,S=1000", 3);		/* 1000 */
	msg("u/Maildir/cur/3.c.host,S=200:2,S", 5);		/* 200 */
	msg("u/Maildir/cur/4.d.host,S=700:2,ST", 5);		/* deleted */
	msg("u/Maildir/cur/5.e.host:2,T", 50);			/* deleted */
	msg("u/Maildir/cur/.hidden", 40);			/* dot: no */
	msg("u/Maildir/tmp/6.f.host", 60);			/* tmp: no */
	msg("u/Maildir/.Sent/cur/7.g.host,S=30:2,S", 1);	/* 30 */
	msg("u/Maildir/.Sent/new/8.h.host", 7);			/* 7 */
	msg("u/Maildir/.Trash/cur/9.i.host,S=5000:2,S", 1);	/* Trash */
	msg("u/Maildir/Plain/cur/10.j.host", 80);		/* no */
	msg("outside", 4000);
	snprintf(p, sizeof(p), "%s/outside", top);
	snprintf(q, sizeof(q), "%s/u/Maildir/cur/11.k.host:2,S", top);
	CHECK(symlink(p, q) == 0, "a symlink among the messages");
	if ((dfd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 1;

	CHECK(measure(dfd, "/home/vpopmail/domains/a.example/u", &u) == 0,
	    "measured");
	CHECK(u.bytes == 10 + 1000 + 200 + 30 + 7 && u.count == 5,
	    "size %llu count %llu (want 1247 / 5)",
	    (unsigned long long)u.bytes, (unsigned long long)u.count);

	CHECK(measure(dfd, "/home/vpopmail/domains/a.example/nohome", &u) ==
	    0 && u.bytes == 0 && u.count == 0, "a missing home holds nothing");
	mk("v");
	CHECK(measure(dfd, "/home/vpopmail/domains/a.example/v", &u) == 0 &&
	    u.bytes == 0 && u.count == 0, "a home without Maildir: nothing");
	u.bytes = 99;
	CHECK(measure(dfd, "/home/vpopmail/domains/b.example/u", &u) < 0 &&
	    errno == EXDEV && u.bytes == 0, "a home outside the domain: EXDEV");
	CHECK(measure(dfd, "/home/vpopmail/domains/a.example/../x", &u) < 0,
	    "a home with .. is refused");

	/* a Maildir that is a link to another mailbox is not followed */
	mk("w");
	snprintf(p, sizeof(p), "%s/u/Maildir", top);
	snprintf(q, sizeof(q), "%s/w/Maildir", top);
	CHECK(symlink(p, q) == 0, "w/Maildir -> u/Maildir");
	CHECK(measure(dfd, "/home/vpopmail/domains/a.example/w", &u) < 0 &&
	    u.count == 0, "a symlinked Maildir is refused, nothing counted");
	/* a symlinked folder is skipped */
	snprintf(q, sizeof(q), "%s/u/Maildir/.Link", top);
	snprintf(p, sizeof(p), "%s/u/Maildir/.Sent", top);
	CHECK(symlink(p, q) == 0, ".Link -> .Sent");
	CHECK(measure(dfd, "/home/vpopmail/domains/a.example/u", &u) == 0 &&
	    u.bytes == 1247 && u.count == 5, "a symlinked folder is not counted");
	close(dfd);
	t_rm_rf(top);
	return T_DONE("test_size");
}
