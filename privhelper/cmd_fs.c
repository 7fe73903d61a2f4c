/*
 * cmd_fs.c - mk_dir, rm_dir, list_dir, rm_file, rename_file in the
 * privhelper (PROTOCOL.md 4.28-4.32, 5, 6.6 FS3/FS4, S9).
 *
 * Every path goes through fsp_resolve (fspath.h): the command then works
 * on the parent directory fd and the final name it got, never on a path
 * string, and never follows a link (a link as the final component is an
 * entry like a file). Scope roots are never removed or renamed (5.4 item
 * 9); protected files are refused to everyone but an SA (item 8).
 * Mutations, refusals included, leave one audit record each.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "audit.h"
#include "cmd.h"
#include "errors.h"
#include "flags.h"
#include "fs.h"
#include "fspath.h"
#include "reply.h"
#include "target.h"
#include "rmtree.h"

static int
send_status(struct ph_ctx *ctx, const struct vp_status *st)
{
	if (st->major == 0)
		return ph_err_text(ctx, st->minor, st->text);
	return ph_err(ctx, st->major, st->minor);
}

/* "-ERR 0.<minor> <strerror>", audited when op is a mutation. */
static int
sys_fail(struct ph_ctx *ctx, const char *op, const char *target,
    unsigned minor, int e)
{
	if (op != NULL)
		audit(ctx, op, target, "fail", strerror(e));
	return ph_err_text(ctx, minor, strerror(e));
}

static int
denied(struct ph_ctx *ctx, const char *op, const char *target,
    const struct vp_status *st)
{
	if (op != NULL)
		audit(ctx, op, target, "denied", st->major != 0 ?
		    vp_major_text(st->major) : st->text);
	return send_status(ctx, st);
}

/*
 * Resolves the path argument: 0 with t open, or 1 when the answer was
 * sent (*r holds the handler's return). op NULL: not audited (list_dir).
 */
static int
resolve(struct ph_ctx *ctx, const char *op, const char *path,
    unsigned sysminor, struct fsp_target *t, int *r)
{
	struct vp_status st;
	int rr;

	memset(&st, 0, sizeof(st));
	rr = fsp_resolve(ctx, path, t, &st);
	if (rr == 0)
		return 0;
	*r = rr > 0 ? denied(ctx, op, path, &st) :
	    sys_fail(ctx, op, path, sysminor, errno);
	return 1;
}

/* 5.4 items 8 and 9 for a command that changes or removes the target:
 * 1 when refused (answer sent, t closed). */
static int
refuse_target(struct ph_ctx *ctx, const char *op, struct fsp_target *t,
    int no_root, int *r)
{
	struct vp_status st;

	if ((no_root && t->is_root) ||
	    (t->is_protected && ctx->id.level < LEVEL_SA)) {
		fsp_unauthorized(ctx, &st);
		*r = denied(ctx, op, t->shown, &st);
		fsp_close(t);
		return 1;
	}
	return 0;
}

/* mkdirat, then owner and mode on the new directory itself (opened
 * without following anything); a directory that cannot be given its
 * owner is removed again (FS3). 0, or the minor of the failure. */
static unsigned
make_dir(const struct fsp_target *t, int *e)
{
	int fd;

	if (mkdirat(t->parent_fd, t->name, 0700) < 0) {
		*e = errno;
		return 1602;
	}
	fd = fs_open_beneath(t->parent_fd, t->name, O_RDONLY | O_DIRECTORY, 0);
	if (fd >= 0 && fchmod(fd, 0700) == 0 &&
	    atomic_set_owner(fd, t->uid, t->gid) == 0) {
		close(fd);
		return 0;
	}
	*e = errno;
	if (fd >= 0)
		close(fd);
	(void)unlinkat(t->parent_fd, t->name, AT_REMOVEDIR);
	return 1603;
}

int
ph_cmd_mk_dir(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct fsp_target t;
	unsigned minor;
	int r, e = 0;

	if (ph_arg(c, 0) == NULL)
		return ph_err(ctx, VPM_DIRECTORY_REQUIRED, 1601);
	if (resolve(ctx, "mk_dir", c->args[0], 1602, &t, &r) ||
	    refuse_target(ctx, "mk_dir", &t, 0, &r))
		return r;
	if (t.parent_fd < 0) {		/* the root: it exists */
		fsp_close(&t);
		return sys_fail(ctx, "mk_dir", t.shown, 1602, EEXIST);
	}
	minor = make_dir(&t, &e);
	fsp_close(&t);
	if (minor != 0)
		return sys_fail(ctx, "mk_dir", t.shown, minor, e);
	audit(ctx, "mk_dir", t.shown, "ok", NULL);
	return ph_ok(ctx, 0);
}

int
ph_cmd_rm_dir(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct fsp_target t;
	int r, e;

	if (ph_arg(c, 0) == NULL)
		return ph_err(ctx, VPM_DIRECTORY_REQUIRED, 1701);
	if (resolve(ctx, "rm_dir", c->args[0], 1702, &t, &r) ||
	    refuse_target(ctx, "rm_dir", &t, 1, &r))
		return r;
	/* like the reference, a file or a link is simply unlinked */
	r = rmtree_at(t.parent_fd, t.name);
	e = errno;
	fsp_close(&t);
	if (r < 0)
		return sys_fail(ctx, "rm_dir", t.shown, 1702, e);
	audit(ctx, "rm_dir", t.shown, "ok", NULL);
	return ph_ok(ctx, 0);
}

/* Streams the entries of the open directory: one reply per entry as it
 * is read. Vanished entries (S9) and names that would break the framing
 * are skipped. 0, or -1 when the frontend is gone. */
static int
list_entries(struct ph_ctx *ctx, DIR *d)
{
	struct dirent *de;
	struct stat sb;

	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strpbrk(de->d_name, "\r\n") != NULL)
			continue;
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (ph_line(ctx, de->d_name, fsp_type_name(sb.st_mode)) < 0)
			return -1;
	}
	return 0;
}

int
ph_cmd_list_dir(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct fsp_target t;
	DIR *d;
	int r, fd, e;

	if (ph_arg(c, 0) == NULL)
		return ph_err(ctx, VPM_DIRECTORY_REQUIRED, 1801);
	if (resolve(ctx, NULL, c->args[0], 1802, &t, &r) ||
	    refuse_target(ctx, NULL, &t, 0, &r))
		return r;
	fd = t.parent_fd < 0 ?
	    fs_open_beneath(t.root_fd, ".", O_RDONLY | O_DIRECTORY, 0) :
	    fs_open_beneath(t.parent_fd, t.name, O_RDONLY | O_DIRECTORY, 0);
	e = errno;
	fsp_close(&t);
	if (fd < 0)
		return sys_fail(ctx, NULL, NULL, 1802, e);
	if ((d = fdopendir(fd)) == NULL) {
		e = errno;
		close(fd);
		return sys_fail(ctx, NULL, NULL, 1803, e);
	}
	r = ph_ok(ctx, 1) < 0 || list_entries(ctx, d) < 0 ? -1 : ph_end(ctx);
	closedir(d);
	return r;
}

int
ph_cmd_rm_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct fsp_target t;
	int r, e;

	if (ph_arg(c, 0) == NULL)
		return ph_err(ctx, VPM_FILENAME_REQUIRED, 1901);
	if (resolve(ctx, "rm_file", c->args[0], 1902, &t, &r) ||
	    refuse_target(ctx, "rm_file", &t, 1, &r))
		return r;
	r = unlinkat(t.parent_fd, t.name, 0);	/* a link: the link */
	e = errno;
	fsp_close(&t);
	if (r < 0)
		return sys_fail(ctx, "rm_file", t.shown, 1902, e);
	audit(ctx, "rm_file", t.shown, "ok", NULL);
	return ph_ok(ctx, 0);
}

/* rename(2) as the reference does, a file replacing a file silently; a
 * directory never replaces anything (RENAME_NOREPLACE), so an empty
 * directory in the way is not swallowed either. */
static int
move(const struct fsp_target *s, const struct fsp_target *d)
{
	struct stat sb;
	unsigned flags = 0;

	if (fstatat(s->parent_fd, s->name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISDIR(sb.st_mode))
		flags = RENAME_NOREPLACE;
	return renameat2(s->parent_fd, s->name, d->parent_fd, d->name, flags);
}

int
ph_cmd_rename_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct fsp_target s, d;
	char what[2 * PATH_MAX + 8];
	int r, e;

	if (ph_arg(c, 0) == NULL)
		return ph_err(ctx, 28, 3801);
	if (ph_arg(c, 1) == NULL)
		return ph_err(ctx, 29, 3801);
	if (resolve(ctx, "rename_file", c->args[0], 3803, &s, &r) ||
	    refuse_target(ctx, "rename_file", &s, 1, &r))
		return r;
	if (resolve(ctx, "rename_file", c->args[1], 3803, &d, &r) ||
	    refuse_target(ctx, "rename_file", &d, 1, &r)) {
		fsp_close(&s);
		return r;
	}
	snprintf(what, sizeof(what), "%s -> %s", s.shown, d.shown);
	r = move(&s, &d);
	e = errno;
	fsp_close(&s);
	fsp_close(&d);
	if (r < 0)
		return sys_fail(ctx, "rename_file", what, 3803, e);
	audit(ctx, "rename_file", what, "ok", NULL);
	return ph_ok(ctx, 0);
}
