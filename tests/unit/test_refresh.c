/*
 * test_refresh - a vpasswd.cdb older than vpasswd (a writer killed
 * between its two renames, or a hand edit) is rebuilt before the helper
 * trusts it: when a command opens the domain (ph_domain_open) and when a
 * login looks the user up (STORAGE.md 13.3 item 2, 14.6 K3, Q6).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "ctx.h"
#include "target.h"
#include "util.h"
#include "vpasswd.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_ctx.h"
#include "unit/test_storage_util.h"

#define HASH_TEST "$6$abcdefgh$3rj1vTLX64btReFsM4MQ22otcD40l7vbtw7qCy" \
	"r0dxc4kxNmgx53xVM8gWiLYbCqTHTbXFaVFU7ZT28pnvdyu0"

static char top[PATH_MAX - 512];
static struct vp_config cfg;
static struct ph_ctx ctx;

/* Appends a user to example.com/vpasswd the way an administrator's
 * editor would: vpasswd.cdb is left behind, a second older. */
static int
append_user(const char *name)
{
	char path[PATH_MAX], cdb[PATH_MAX], line[512];
	struct timespec ts[2];
	struct stat st;
	int fd, n, ok;

	ts_path(path, sizeof(path),
	    "%s/home/vpopmail/domains/example.com/vpasswd", top);
	ts_path(cdb, sizeof(cdb), "%s.cdb", path);
	n = snprintf(line, sizeof(line), "%s:%s:1:0:%s:/home/vpopmail/"
	    "domains/example.com/%s:NOQUOTA\n", name, HASH_TEST, name, name);
	if ((fd = open(path, O_WRONLY | O_APPEND)) < 0)
		return -1;
	ok = write(fd, line, (size_t)n) == n && fstat(fd, &st) == 0;
	close(fd);
	ts[0] = st.st_mtim;
	ts[1].tv_sec = st.st_mtim.tv_sec - 1;
	ts[1].tv_nsec = st.st_mtim.tv_nsec;
	return ok && utimensat(AT_FDCWD, cdb, ts, 0) == 0 ? 0 : -1;
}

static void
test_command_path(void)
{
	struct assign_ent ent;
	struct vpw pw;
	char dom[] = "example.com";
	struct stat a, b;
	char cdb[PATH_MAX];
	int fd;

	if (!CHECK(append_user("fresh") == 0, "vpasswd edited by hand"))
		return;
	fd = open(ts_path(cdb, sizeof(cdb), "%s/home/vpopmail/domains/"
	    "example.com", top), O_PATH | O_DIRECTORY);
	CHECK(fd >= 0 && vpasswd_lookup(fd, "fresh", &pw) == 1,
	    "control: the stale index does not know the new user");
	if (fd >= 0)
		close(fd);
	CHECK(ph_domain_find(&ctx, dom, &ent) == 0, "example.com found");
	fd = ph_domain_open(&ctx, &ent);
	CHECK(fd >= 0 && vpasswd_lookup(fd, "fresh", &pw) == 0 &&
	    strcmp(pw.passwd, HASH_TEST) == 0,
	    "after ph_domain_open the index has the user");
	if (fd >= 0)
		close(fd);
	ts_path(cdb, sizeof(cdb),
	    "%s/home/vpopmail/domains/example.com/vpasswd.cdb", top);
	stat(cdb, &a);
	fd = ph_domain_open(&ctx, &ent);
	stat(cdb, &b);
	CHECK(fd >= 0 && a.st_ino == b.st_ino,
	    "a current index is left alone (same inode)");
	if (fd >= 0)
		close(fd);
}

static void
test_login_path(void)
{
	static struct pr_login req;
	static struct pr_login_reply reply;
	char why[128] = "";

	if (!CHECK(append_user("later") == 0, "vpasswd edited again"))
		return;
	memset(&req, 0, sizeof(req));
	vp_strlcpy(req.address, "later@example.com", sizeof(req.address));
	vp_strlcpy(req.password, "test", sizeof(req.password));
	CHECK(auth_login(&ctx, &req, &reply, why, sizeof(why)) == 0,
	    "login of a user only the text file knew (%s)", why);
}

/* A planted link is not "repaired": the hostile tests expect the tree as
 * found, and lookups refuse links anyway. */
static void
test_links_left_alone(void)
{
	struct assign_ent ent;
	char dom[] = "example.net", idx[PATH_MAX], real[PATH_MAX];
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat st;
	int fd;

	ts_path(idx, sizeof(idx),
	    "%s/home/vpopmail/domains/example.net/vpasswd.cdb", top);
	ts_path(real, sizeof(real), "%s.real", idx);
	CHECK(rename(idx, real) == 0 && symlink("vpasswd.cdb.real", idx) == 0 &&
	    utimensat(AT_FDCWD, idx, old, AT_SYMLINK_NOFOLLOW) == 0,
	    "example.net/vpasswd.cdb is an old symlink");
	CHECK(ph_domain_find(&ctx, dom, &ent) == 0, "example.net found");
	fd = ph_domain_open(&ctx, &ent);
	CHECK(fd >= 0 && lstat(idx, &st) == 0 && S_ISLNK(st.st_mode),
	    "opening the domain leaves the link in place");
	if (fd >= 0)
		close(fd);
}

int
main(void)
{
	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree)");
		return T_DONE("test_refresh");
	}
	if (t_mkdtemp(top, sizeof(top), "refresh") < 0 ||
	    ts_extract("reference-small.tgz", top) < 0 ||
	    tc_open(top, &cfg, &ctx) < 0) {
		CHECK(0, "extract the small fixture");
		return T_DONE("test_refresh");
	}
	test_command_path();
	test_login_path();
	test_links_left_alone();
	tc_close(&ctx);
	t_rm_rf(top);
	return T_DONE("test_refresh");
}
