/*
 * test_lastauth.c - <home>/lastauth (privhelper/lastauth.c, STORAGE.md
 * 6.12): the peer's IP (0.0.0.0 for anything that is not one), no
 * newline, mtime = now, mode 0600, the domain's owner when root; nothing
 * written with lastauth-update = no; a home that cannot be written gives
 * -1 and an audit record; reading: missing = time 0 / 0.0.0.0, first
 * line only, a FIFO never blocks. A record that already holds the same
 * IP in the same form only gets a new mtime (same inode); anything else
 * (other mode, owner, content, a second link, a FIFO, a symlink) is
 * replaced, and nothing outside the record is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctx.h"
#include "lastauth.h"
#include "t.h"
#include "tdir.h"
#include "util.h"

static char top[256];

static int
content_is(const char *rel, const char *want)
{
	char p[512], buf[256];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strcmp(buf, want) == 0;
}

static void
test_peer_ip(void)
{
	char ip[LASTAUTH_IP_MAX];

	lastauth_peer_ip("192.0.2.7", ip, sizeof(ip));
	CHECK(!strcmp(ip, "192.0.2.7"), "peer IPv4 kept");
	lastauth_peer_ip("2001:db8::7", ip, sizeof(ip));
	CHECK(!strcmp(ip, "2001:db8::7"), "peer IPv6 kept");
	lastauth_peer_ip("unknown", ip, sizeof(ip));
	CHECK(!strcmp(ip, "0.0.0.0"), "peer 'unknown' -> 0.0.0.0");
	lastauth_peer_ip("local", ip, sizeof(ip));
	CHECK(!strcmp(ip, "0.0.0.0"), "peer 'local' -> 0.0.0.0");
	lastauth_peer_ip("192.0.2.7:4000", ip, sizeof(ip));
	CHECK(!strcmp(ip, "0.0.0.0"), "peer ip:port is not an IP -> 0.0.0.0");
	lastauth_peer_ip("", ip, sizeof(ip));
	CHECK(!strcmp(ip, "0.0.0.0"), "empty peer -> 0.0.0.0");
	lastauth_peer_ip(NULL, ip, sizeof(ip));
	CHECK(!strcmp(ip, "0.0.0.0"), "no peer -> 0.0.0.0");
}

static int
audit_has(const char *path, const char *needle)
{
	static char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static void
test_record(int dfd)
{
	static struct vp_config cfg;
	static struct ph_ctx ctx;
	struct assign_ent dom;
	struct vpw pw;
	struct stat st;
	char p[512], alog[512];
	time_t t0 = time(NULL);
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	config_defaults(&cfg);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	snprintf(alog, sizeof(alog), "%s/audit.log", top);
	ctx.audit_fd = open(alog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600);
	vp_strlcpy(ctx.peer, "192.0.2.7", sizeof(ctx.peer));
	memset(&dom, 0, sizeof(dom));
	vp_strlcpy(dom.domain, "a.example", sizeof(dom.domain));
	vp_strlcpy(dom.dir, "/home/vpopmail/domains/a.example",
	    sizeof(dom.dir));
	dom.uid = 4321;
	dom.gid = 4322;
	memset(&pw, 0, sizeof(pw));
	vp_strlcpy(pw.name, "u", sizeof(pw.name));
	vp_strlcpy(pw.dir, "/home/vpopmail/domains/a.example/u",
	    sizeof(pw.dir));
	snprintf(p, sizeof(p), "%s/u/lastauth", top);
	CHECK(t_write(p, "0.0.0.0", 7) == 0 &&
	    utimensat(AT_FDCWD, p, old, 0) == 0, "old record in place");

	cfg.lastauth_update = 0;
	CHECK(lastauth_record(&ctx, dfd, &dom, &pw, "login") == 0,
	    "lastauth-update = no: nothing to do");
	CHECK(content_is("u/lastauth", "0.0.0.0") && stat(p, &st) == 0 &&
	    st.st_mtime == 1000000000, "lastauth-update = no: untouched, mtime too");

	cfg.lastauth_update = 1;
	CHECK(lastauth_record(&ctx, dfd, &dom, &pw, "login") == 0,
	    "recorded");
	CHECK(content_is("u/lastauth", "192.0.2.7"),
	    "content is the peer IP, no newline");
	CHECK(stat(p, &st) == 0 && st.st_mtime >= t0 &&
	    st.st_mtime <= time(NULL) + 1, "mtime is the login time");
	CHECK((st.st_mode & 07777) == 0600 && S_ISREG(st.st_mode),
	    "mode 0600 (%o)", (unsigned)(st.st_mode & 07777));
	if (geteuid() == 0)
		CHECK(st.st_uid == 4321 && st.st_gid == 4322,
		    "owner is the domain's uid:gid");
	else
		T_SKIP("owner check: not root, files are never chowned");

	vp_strlcpy(ctx.peer, "unknown", sizeof(ctx.peer));
	CHECK(lastauth_record(&ctx, dfd, &dom, &pw, "login") == 0 &&
	    content_is("u/lastauth", "0.0.0.0"), "unknown peer: 0.0.0.0");

	/* a missing home: -1 and an audit record, nothing created */
	vp_strlcpy(pw.name, "gone", sizeof(pw.name));
	vp_strlcpy(pw.dir, "/home/vpopmail/domains/a.example/gone",
	    sizeof(pw.dir));
	CHECK(lastauth_record(&ctx, dfd, &dom, &pw, "clogin") < 0 &&
	    errno == ENOENT, "missing home: -1 ENOENT");
	CHECK(audit_has(alog, "\"op\":\"lastauth\",\"target\":\"gone@a.example\","
	    "\"result\":\"fail\",\"detail\":\"clogin: "),
	    "missing home: audited");
	/* a home outside the domain is never written */
	vp_strlcpy(pw.dir, "/home/vpopmail/domains/b.example/u",
	    sizeof(pw.dir));
	CHECK(lastauth_record(&ctx, dfd, &dom, &pw, "login") < 0 &&
	    errno == EXDEV, "home outside the domain: EXDEV");
	/* a planted symlink home is not followed */
	snprintf(p, sizeof(p), "%s/u", top);
	{
		char l[512];

		snprintf(l, sizeof(l), "%s/link", top);
		CHECK(symlink(p, l) == 0, "link -> u");
	}
	vp_strlcpy(pw.dir, "/home/vpopmail/domains/a.example/link",
	    sizeof(pw.dir));
	vp_strlcpy(ctx.peer, "192.0.2.8", sizeof(ctx.peer));
	CHECK(lastauth_record(&ctx, dfd, &dom, &pw, "login") < 0 &&
	    content_is("u/lastauth", "0.0.0.0"),
	    "a symlinked home is not followed");
	close(ctx.audit_fd);
}

static void
set_old(const char *p)
{
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	(void)utimensat(AT_FDCWD, p, old, AT_SYMLINK_NOFOLLOW);
}

/* Records ctx's peer for u; st is the record afterwards. */
static int
record_u(struct ph_ctx *ctx, int dfd, struct stat *st)
{
	static struct assign_ent dom;
	static struct vpw pw;
	char p[512];

	memset(&dom, 0, sizeof(dom));
	vp_strlcpy(dom.domain, "a.example", sizeof(dom.domain));
	vp_strlcpy(dom.dir, "/home/vpopmail/domains/a.example",
	    sizeof(dom.dir));
	dom.uid = 4321;
	dom.gid = 4322;
	memset(&pw, 0, sizeof(pw));
	vp_strlcpy(pw.name, "u", sizeof(pw.name));
	vp_strlcpy(pw.dir, "/home/vpopmail/domains/a.example/u",
	    sizeof(pw.dir));
	snprintf(p, sizeof(p), "%s/u/lastauth", top);
	if (lastauth_record(ctx, dfd, &dom, &pw, "login") < 0)
		return -1;
	return lstat(p, st);
}

static void
test_same_ip(int dfd)
{
	static struct vp_config cfg;
	static struct ph_ctx ctx;
	struct stat a, b, o;
	char p[512], other[512];
	time_t t0 = time(NULL);

	config_defaults(&cfg);
	cfg.lastauth_update = 1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.audit_fd = -1;
	vp_strlcpy(ctx.peer, "192.0.2.9", sizeof(ctx.peer));
	snprintf(p, sizeof(p), "%s/u/lastauth", top);
	snprintf(other, sizeof(other), "%s/u/other", top);

	CHECK(record_u(&ctx, dfd, &a) == 0, "first login from .9 recorded");
	set_old(p);
	CHECK(record_u(&ctx, dfd, &b) == 0 && b.st_ino == a.st_ino &&
	    b.st_mtime >= t0 && content_is("u/lastauth", "192.0.2.9"),
	    "same IP again: same inode, new mtime, same content");

	CHECK(chmod(p, 0644) == 0 && record_u(&ctx, dfd, &b) == 0 &&
	    (b.st_mode & 07777) == 0600 && b.st_ino != a.st_ino,
	    "same IP, mode 0644: rewritten 0600");

	CHECK(t_write(p, "192.0.2.9\n", 10) == 0 &&
	    record_u(&ctx, dfd, &b) == 0 &&
	    content_is("u/lastauth", "192.0.2.9"),
	    "same IP with a newline: rewritten without it");

	/* a second name for the record is never touched through it */
	CHECK(unlink(other) < 0 && link(p, other) == 0, "record hard-linked");
	set_old(other);
	CHECK(record_u(&ctx, dfd, &b) == 0 && stat(other, &o) == 0 &&
	    o.st_mtime == 1000000000 && b.st_nlink == 1 && b.st_mtime >= t0,
	    "hard link: the record is replaced, the other name untouched");
	unlink(other);

	/* a symlink named lastauth is replaced, its target untouched */
	CHECK(t_write(other, "192.0.2.9", 9) == 0 && chmod(other, 0600) == 0 &&
	    unlink(p) == 0 && symlink("other", p) == 0, "lastauth -> other");
	set_old(other);
	CHECK(record_u(&ctx, dfd, &b) == 0 && S_ISREG(b.st_mode) &&
	    stat(other, &o) == 0 && o.st_mtime == 1000000000,
	    "symlink: replaced by a regular record, target untouched");
	unlink(other);

	CHECK(unlink(p) == 0 && mkfifo(p, 0600) == 0, "a FIFO as lastauth");
	CHECK(record_u(&ctx, dfd, &b) == 0 && S_ISREG(b.st_mode) &&
	    content_is("u/lastauth", "192.0.2.9"),
	    "FIFO: replaced without blocking");

	if (geteuid() == 0) {
		CHECK(chown(p, 1, 1) == 0 && record_u(&ctx, dfd, &b) == 0 &&
		    b.st_uid == 4321 && b.st_gid == 4322,
		    "same IP, other owner: rewritten with the domain's owner");
	} else
		T_SKIP("owner rewrite: not root, files are never chowned");

	vp_strlcpy(ctx.peer, "192.0.2.10", sizeof(ctx.peer));
	CHECK(record_u(&ctx, dfd, &b) == 0 &&
	    content_is("u/lastauth", "192.0.2.10") && b.st_mtime >= t0,
	    "another IP: rewritten");
}

static void
test_read(int dfd)
{
	char ip[LASTAUTH_IP_MAX], p[512];
	int64_t when = 5;
	int hfd;

	if ((hfd = openat(dfd, "u", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	snprintf(p, sizeof(p), "%s/u/lastauth", top);
	CHECK(t_write(p, "2001:db8::1\r\nmore\n", 18) == 0, "two lines");
	CHECK(lastauth_read(hfd, &when, ip, sizeof(ip)) == 0 &&
	    !strcmp(ip, "2001:db8::1") && when > 0,
	    "read: first line, no CR");
	unlink(p);
	CHECK(lastauth_read(hfd, &when, ip, sizeof(ip)) == 0 && when == 0 &&
	    !strcmp(ip, "0.0.0.0"), "read: missing = time 0, 0.0.0.0");
	CHECK(t_write(p, "", 0) == 0 && lastauth_read(hfd, &when, ip,
	    sizeof(ip)) == 0 && !strcmp(ip, "0.0.0.0"), "read: empty = 0.0.0.0");
	unlink(p);
	CHECK(mkfifo(p, 0600) == 0, "a FIFO planted as lastauth");
	CHECK(lastauth_read(hfd, &when, ip, sizeof(ip)) < 0 && when == 0 &&
	    !strcmp(ip, "0.0.0.0"), "read: a FIFO is refused without blocking");
	close(hfd);
}

int
main(void)
{
	char p[512];
	int dfd;

	if (t_mkdtemp(top, sizeof(top), "lastauth") < 0)
		return 1;
	snprintf(p, sizeof(p), "%s/u", top);
	if (mkdir(p, 0700) < 0 ||
	    (dfd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 1;
	test_peer_ip();
	test_record(dfd);
	test_same_ip(dfd);
	test_read(dfd);
	close(dfd);
	t_rm_rf(top);
	return T_DONE("test_lastauth");
}
