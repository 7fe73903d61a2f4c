/*
 * test_store_errors - storage failures must reach the client as
 * failures, and the text/index pair must stay orderable by time:
 *  - a vpasswd the rewriter refuses makes del_user fail and keeps the
 *    user (a failure code of 0 once read as success);
 *  - after every rewrite vpasswd.cdb is strictly newer than vpasswd,
 *    and vpasswd strictly newer than the index it replaced, even within
 *    one clock tick (so a kill between the renames is always detected);
 *  - a rewrite sweeps temporaries of dead writers, never a live one's.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "ctx.h"
#include "store.h"
#include "target.h"
#include "util.h"
#include "vpasswd.h"
#include "vpasswd_write.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_ctx.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 512];
static struct vp_config cfg;
static struct ph_ctx ctx;

static char *
dompath(char *buf, size_t sz, const char *dom, const char *name)
{
	return ts_path(buf, sz, "%s/home/vpopmail/domains/%s/%s", top, dom,
	    name);
}

static int
later(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static void
test_failure_is_failure(void)
{
	struct assign_ent ent;
	char dom[] = "example.net", path[PATH_MAX], line[700];
	struct vpw pw;
	int fd, r, domfd;

	memset(line, 'x', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	dompath(path, sizeof(path), "example.net", "vpasswd");
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, line, sizeof(line)) == (ssize_t)sizeof(line),
	    "a 699-byte line appended to example.net/vpasswd");
	if (fd >= 0)
		close(fd);
	if (!CHECK(ph_domain_find(&ctx, dom, &ent) == 0, "example.net found"))
		return;
	r = store_user_del(&ctx, &ent, "user2");
	CHECK(r != 0, "del_user on a vpasswd the rewriter refuses fails (%d)",
	    r);
	domfd = ph_domain_open(&ctx, &ent);
	CHECK(domfd >= 0 && vpasswd_lookup(domfd, "user2", &pw) == 0,
	    "and user2 is still there");
	if (domfd >= 0)
		close(domfd);
}

static void
test_time_order(void)
{
	struct assign_ent ent;
	char dom[] = "example.com", p1[PATH_MAX], p2[PATH_MAX];
	struct stat before, txt, idx;
	struct vpw pw;
	int domfd, i, ordered = 1;

	if (!CHECK(ph_domain_find(&ctx, dom, &ent) == 0, "example.com found"))
		return;
	domfd = ph_domain_open(&ctx, &ent);
	dompath(p1, sizeof(p1), "example.com", "vpasswd");
	dompath(p2, sizeof(p2), "example.com", "vpasswd.cdb");
	for (i = 0; i < 30 && domfd >= 0; i++) {
		memset(&pw, 0, sizeof(pw));
		snprintf(pw.name, sizeof(pw.name), "tick%02d", i);
		pw.uid = 1;
		snprintf(pw.gecos, sizeof(pw.gecos), "%s", pw.name);
		snprintf(pw.quota, sizeof(pw.quota), "NOQUOTA");
		stat(p2, &before);
		if (vpasswd_insert(domfd, (uid_t)-1, (gid_t)-1, &pw, 0) < 0 ||
		    stat(p1, &txt) < 0 || stat(p2, &idx) < 0) {
			ordered = 0;
			break;
		}
		if (!later(&idx.st_mtim, &txt.st_mtim) ||
		    !later(&txt.st_mtim, &before.st_mtim))
			ordered = 0;
	}
	CHECK(ordered, "30 quick rewrites: every new vpasswd is later than "
	    "the index it replaced and every index later than its vpasswd");
	if (domfd >= 0)
		close(domfd);
}

static void
test_sweep(void)
{
	struct assign_ent ent;
	char dom[] = "example.com", dead[PATH_MAX], live[PATH_MAX], n[128];
	struct vpw pw;
	pid_t child;
	int domfd;

	if ((child = fork()) == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	snprintf(n, sizeof(n), ".vpasswd.tmp.%ld.0123456789abcdef",
	    (long)child);
	t_write(dompath(dead, sizeof(dead), "example.com", n), "x", 1);
	snprintf(n, sizeof(n), ".vpasswd.tmp.%ld.0123456789abcdef",
	    (long)getpid());
	t_write(dompath(live, sizeof(live), "example.com", n), "x", 1);
	if (!CHECK(ph_domain_find(&ctx, dom, &ent) == 0, "example.com found"))
		return;
	domfd = ph_domain_open(&ctx, &ent);
	memset(&pw, 0, sizeof(pw));
	snprintf(pw.name, sizeof(pw.name), "sweeper");
	pw.uid = 1;
	snprintf(pw.gecos, sizeof(pw.gecos), "sweeper");
	snprintf(pw.quota, sizeof(pw.quota), "NOQUOTA");
	CHECK(domfd >= 0 && vpasswd_insert(domfd, (uid_t)-1, (gid_t)-1, &pw,
	    0) == 0, "a rewrite of example.com/vpasswd");
	CHECK(access(dead, F_OK) != 0, "a dead writer's temporary is swept");
	CHECK(access(live, F_OK) == 0, "a live process's temporary is kept");
	if (domfd >= 0)
		close(domfd);
}

int
main(void)
{
	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree)");
		return T_DONE("test_store_errors");
	}
	if (t_mkdtemp(top, sizeof(top), "storeerr") < 0 ||
	    ts_extract("reference-small.tgz", top) < 0 ||
	    tc_open(top, &cfg, &ctx) < 0) {
		CHECK(0, "extract the small fixture");
		return T_DONE("test_store_errors");
	}
	test_failure_is_failure();
	test_time_order();
	test_sweep();
	tc_close(&ctx);
	t_rm_rf(top);
	return T_DONE("test_store_errors");
}
