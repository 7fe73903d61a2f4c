/*
 * fuzz_fspath.c - libFuzzer target: the path resolver of the file-system
 * commands (privhelper/fspath.c fsp_resolve) on the small fixture tree
 * with planted symbolic links (to /etc, to a sibling user, to the domain
 * above, a loop). Byte 0 picks the caller (0 the SA admin@example.com,
 * 1 the domain admin postmaster@example.com, 2 user1@example.com), the
 * rest is the path argument.
 *
 * Oracles: a resolved target's directory lies inside the caller's root
 * (the vpopmail tree for the SA, the domain for its admin, the home for
 * a user), checked on the real fd through /proc/self/fd; its name is one
 * component, never "." or ".."; an error is one of the 5.2 lines; fds
 * do not pile up.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "ctx.h"
#include "flags.h"
#include "fspath.h"
#include "util.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[PATH_MAX - 128];
static struct vp_config cfg;
static struct ph_ctx ctx;

static void
setup(void)
{
	const char *fx = getenv("VP_FIXTURES");
	char tgz[PATH_MAX], d[PATH_MAX], p[PATH_MAX];
	pid_t pid;
	int st, fd;

	if (fx == NULL || *fx == '\0')
		fx = "tests/fixtures";
	snprintf(tgz, sizeof(tgz), "%s/reference-small.tgz", fx);
	if ((fd = fz_tmpdir_path("fspath", top, sizeof(top))) < 0)
		abort();
	close(fd);
	if ((pid = fork()) == 0) {
		execlp("tar", "tar", "-C", top, "-xzf", tgz, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		fprintf(stderr, "fuzz_fspath: cannot extract %s\n", tgz);
		abort();
	}
	snprintf(d, sizeof(d), "%s/home/vpopmail/domains/example.com", top);
#define LINK(target, name) do {						\
	snprintf(p, sizeof(p), "%s/%s", d, name);			\
	if (symlink(target, p) < 0 && errno != EEXIST)			\
		abort();						\
} while (0)
	LINK("/etc", "link");
	LINK("user1", "dirlink");
	LINK("../postmaster", "user1/up");
	LINK("/etc/passwd", "user1/Maildir/passwd");
	LINK("..", "user1/Maildir/dotdot");
	LINK("loop", "user1/loop");
	LINK(".", "user1/here");
	snprintf(p, sizeof(p), "%s/user1/sub", d);
	(void)mkdir(p, 0700);
	config_defaults(&cfg);
	vp_strlcpy(cfg.vpopmail_dir, "/home/vpopmail", sizeof(cfg.vpopmail_dir));
	ctx.cfg = &cfg;
	ctx.audit_fd = -1;
	snprintf(p, sizeof(p), "%s/home/vpopmail", top);
	ctx.vpop_fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(p, sizeof(p), "%s/var/qmail", top);
	ctx.qmail_fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx.vpop_fd < 0 || ctx.qmail_fd < 0)
		abort();
}

/* The caller's root below top, for the oracle. */
static const char *
as(unsigned who)
{
	static const struct { unsigned level; const char *user, *root; } ids[] = {
		{ LEVEL_SA, "admin", "/home/vpopmail" },
		{ LEVEL_QA, "postmaster", "/home/vpopmail/domains/example.com" },
		{ LEVEL_USER, "user1",
		    "/home/vpopmail/domains/example.com/user1" },
	};

	who %= 3;
	memset(&ctx.id, 0, sizeof(ctx.id));
	ctx.id.logged_in = 1;
	ctx.id.level = ids[who].level;
	ctx.id.flags = ids[who].level == LEVEL_SA ? VF_SA_ADMIN : 0;
	vp_strlcpy(ctx.id.user, ids[who].user, sizeof(ctx.id.user));
	vp_strlcpy(ctx.id.domain, "example.com", sizeof(ctx.id.domain));
	vp_strlcpy(ctx.id.domain_dir, "/home/vpopmail/domains/example.com",
	    sizeof(ctx.id.domain_dir));
	ctx.id.uid = 89;
	ctx.id.gid = 89;
	return ids[who].root;
}

/* Whether fd's directory is root (below top) or inside it. */
static int
inside(int fd, const char *root)
{
	char proc[64], real[PATH_MAX], want[PATH_MAX];
	ssize_t n;
	size_t w;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((n = readlink(proc, real, sizeof(real) - 1)) < 0)
		abort();
	real[n] = '\0';
	w = (size_t)snprintf(want, sizeof(want), "%s%s", top, root);
	return strncmp(real, want, w) == 0 &&
	    (real[w] == '\0' || real[w] == '/');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char arg[4096];
	static int ready, fds_before;
	struct fsp_target t;
	struct vp_status st;
	const char *root;
	int r, probe;

	if (!ready) {
		setup();
		ready = 1;
		fds_before = dup(0);
		close(fds_before);
	}
	if (size < 1 || size > sizeof(arg))
		return 0;
	root = as(data[0]);
	memcpy(arg, data + 1, size - 1);
	arg[size - 1] = '\0';
	memset(&st, 0, sizeof(st));
	r = fsp_resolve(&ctx, arg, &t, &st);
	if (r == 0) {
		if (!inside(t.root_fd, root) ||
		    (t.parent_fd >= 0 && !inside(t.parent_fd, root)) ||
		    (t.parent_fd < 0) != (t.name[0] == '\0') ||
		    strchr(t.name, '/') != NULL || !strcmp(t.name, ".") ||
		    !strcmp(t.name, ".."))
			abort();
		fsp_close(&t);
	} else if (r == 1) {
		if (st.major == 0 && st.text[0] == '\0')
			abort();
	} else if (r != -1)
		abort();
	/* every fd the resolver opened was closed again: a few may be
	 * cached by lookups (opened once), a leak grows without end */
	probe = dup(0);
	close(probe);
	if (probe > fds_before + 16)
		abort();
	return 0;
}
