/*
 * test_helper_body - regression tests found by tests/fuzz/fuzz_helper: a
 * session that ends inside a body must close and undo the body (helper.c
 * body_gone), whether it ends by EOF, by a PR_QUIT the hostile frontend
 * sends in the middle of the body, or by a protocol violation. (Before
 * the fix a PR_QUIT left the body open, and write_file's temporary
 * would stay in the domain directory.)
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "ctx.h"
#include "flags.h"
#include "helper.h"
#include "msg.h"
#include "util.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_ctx.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 512];
static struct vp_config cfg;
static struct ph_ctx ctx;
static struct pr_buf b;

static void
as_sa(void)
{
	memset(&ctx.id, 0, sizeof(ctx.id));
	ctx.id.logged_in = 1;
	ctx.id.level = LEVEL_SA;
	ctx.id.flags = VF_SA_ADMIN;
	vp_strlcpy(ctx.id.user, "admin", sizeof(ctx.id.user));
	vp_strlcpy(ctx.id.domain, "example.com", sizeof(ctx.id.domain));
	vp_strlcpy(ctx.id.domain_dir, "/home/vpopmail/domains/example.com",
	    sizeof(ctx.id.domain_dir));
	ctx.body = NULL;
	ctx.body_abort = NULL;
}

static int
send_cmd(int fd, enum vp_cmd c, const char *arg)
{
	static struct pr_cmd pc;

	memset(&pc, 0, sizeof(pc));
	pc.cmd = (uint16_t)c;
	pc.nargs = 1;
	vp_strlcpy(pc.args[0], arg, sizeof(pc.args[0]));
	pr_put_cmd(&b, &pc);
	return pr_send(fd, &b);
}

static int
send_line(int fd, const char *line)
{
	pr_put_body_line(&b, line, strlen(line));
	return pr_send(fd, &b);
}

struct bodycmd {
	enum vp_cmd	 cmd;
	const char	*arg, *line, *name;
};

static const struct bodycmd cmds[] = {
	{ CMD_mod_user, "user1@example.com", "comment changed", "mod_user" },
	{ CMD_set_limits, "example.com", "max_popaccounts 5", "set_limits" },
};

/* A body command, one body line, then how the session ends
 * (0 EOF, 1 PR_QUIT, 2 a PR_LOGIN, which is not permitted now).
 * Returns helper_run's status; the temporaries left are counted by the
 * caller. */
static int
session(const struct bodycmd *bc, int end)
{
	int sp[2], r;

	as_sa();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return -1;
	if (send_cmd(sp[1], bc->cmd, bc->arg) < 0 ||
	    send_line(sp[1], bc->line) < 0)
		return -1;
	if (end == 1)
		pr_init(&b, PR_QUIT);
	else if (end == 2)
		pr_init(&b, PR_LOGIN);
	if (end != 0 && pr_send(sp[1], &b) < 0)
		return -1;
	shutdown(sp[1], SHUT_WR);
	r = helper_run(&ctx, sp[0]);
	close(sp[0]);
	close(sp[1]);
	return r;
}

int
main(void)
{
	static const char *const how[] = { "EOF", "PR_QUIT", "a violation" };
	char dom[PATH_MAX], ddir[PATH_MAX], *before;
	size_t i, blen;
	int end, r;

	if (t_mkdtemp(top, sizeof(top), "helperbody") < 0 ||
	    ts_extract("reference-small.tgz", top) < 0 ||
	    tc_open(top, &cfg, &ctx) < 0) {
		printf("SKIP - no fixture tree: not counted\n");
		return T_DONE("test_helper_body");
	}
	cfg.throttle = 0;
	cfg.lastauth_update = 0;
	ts_path(ddir, sizeof(ddir), "%s/home/vpopmail/domains/example.com",
	    top);
	ts_path(dom, sizeof(dom), "%s/vpasswd", ddir);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		for (end = 0; end < 3; end++) {
			before = ts_slurp(dom, 1 << 20, &blen);
			r = session(&cmds[i], end);
			CHECK(r == (end == 2 ? 2 : 0), "%s ended by %s: helper "
			    "status %d", cmds[i].name, how[end], r);
			CHECK(ctx.body == NULL && ctx.body_abort == NULL,
			    "%s ended by %s: no body left open", cmds[i].name,
			    how[end]);
			CHECK(ts_count_temps(ddir) == 0, "%s ended by %s: no "
			    "temporary left in the domain directory",
			    cmds[i].name, how[end]);
			CHECK(before != NULL && ts_file_is(dom, before, blen),
			    "%s ended by %s: vpasswd unchanged", cmds[i].name,
			    how[end]);
			free(before);
		}
	tc_close(&ctx);
	t_rm_rf(top);
	return T_DONE("test_helper_body");
}
