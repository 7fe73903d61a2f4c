/*
 * cmd_file.c - read_file and stat_file in the privhelper (PROTOCOL.md
 * 4.34, 4.35, 1.8, S5-S7, S16, 5.4 items 2 and 8). write_file is in
 * cmd_writefile.c.
 *
 * read_file opens the final component beneath its parent's fd without
 * following a link (and without blocking: a FIFO is refused, not waited
 * on), decides everything before "+OK+" - only a regular file is read,
 * a directory answers "Is a directory" (S16) - then streams the file in
 * pieces through readenc.h as PR_R_DATA chunks: no file is ever held in
 * memory. A read error after "+OK+" cannot be told to the client in the
 * protocol; rather than present a cut file as whole, the session ends
 * (audited). Protected files are refused to non-SA callers and the
 * refusal is audited (an attempt on a user table is worth a record);
 * other reads leave no record.
 *
 * stat_file reports the final component itself (lstat semantics): "uid:
 * N" first as in the reference, then gid, mode (octal), size, mtime
 * (seconds since the epoch) and type (list_dir's words), each a
 * "key: value" line with CRLF (S5).
 *
 * Callers: helper.c through cmdtable.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "cmd.h"
#include "fs.h"
#include "fspath.h"
#include "readenc.h"
#include "reply.h"
#include "scope.h"
#include "target.h"

#define RF_MINOR	2102	/* "-ERR 0.2102 <strerror>" (4.34) */
#define SF_MINOR	2202	/* "-ERR 0.2202 <strerror>" (4.35) */

static int
send_status(struct ph_ctx *ctx, const struct vp_status *st)
{
	if (st->major != 0)
		return ph_err(ctx, st->major, st->minor);
	return ph_err_text(ctx, st->minor, st->text);
}

static int
is_sa(const struct ph_ctx *ctx)
{
	struct pol_actor a;

	ph_actor(ctx, &a);
	return pol_is_sa(&a);
}

/*
 * The path checks common to both commands. 0: t is resolved (the caller
 * closes it); 1: answered; -1: the frontend is gone.
 */
static int
resolve(struct ph_ctx *ctx, const struct pr_cmd *c, const char *op,
    unsigned required_minor, unsigned minor, struct fsp_target *t)
{
	struct vp_status st;
	int r;

	if (c->nargs == 0 || c->args[0][0] == '\0')
		return ph_err(ctx, VPM_FILENAME_REQUIRED, required_minor) < 0 ?
		    -1 : 1;
	if ((r = fsp_resolve(ctx, c->args[0], t, &st)) != 0) {
		if (r < 0)
			vp_status_text(&st, minor, strerror(errno));
		return send_status(ctx, &st) < 0 ? -1 : 1;
	}
	if (t->is_protected && !is_sa(ctx)) {
		audit(ctx, op, t->shown, "denied", "protected file");
		fsp_unauthorized(ctx, &st);
		fsp_close(t);
		return send_status(ctx, &st) < 0 ? -1 : 1;
	}
	return 0;
}

static struct pr_buf data_out;

static int
send_chunk(void *arg, const char *p, size_t n)
{
	struct ph_ctx *ctx = arg;

	pr_put_data(&data_out, p, n);
	return pr_send(ctx->fd, &data_out);
}

/* Opens the target for reading: a regular file, or -1 with errno. */
static int
open_regular(const struct fsp_target *t)
{
	struct stat sb;
	int fd, e;

	if (t->is_root) {
		errno = EISDIR;
		return -1;
	}
	/* lstat first: opening a device or FIFO could block or act */
	if (fstatat(t->parent_fd, t->name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISREG(sb.st_mode)) {
		errno = S_ISDIR(sb.st_mode) ? EISDIR :
		    S_ISLNK(sb.st_mode) ? ELOOP : EINVAL;
		return -1;
	}
	fd = fs_open_beneath(t->parent_fd, t->name,
	    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return -1;
	/* it may have been swapped since the lstat */
	if (fstat(fd, &sb) < 0)
		e = errno;
	else if (!S_ISREG(sb.st_mode))
		e = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
	else
		return fd;
	close(fd);
	errno = e;
	return -1;
}

/* After "+OK+": the data and ".". -1 ends the session. */
static int
stream(struct ph_ctx *ctx, int fd, const char *shown)
{
	static struct readenc e;
	static char buf[16384];
	char detail[128];
	ssize_t n;

	readenc_init(&e, send_chunk, ctx);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (readenc_feed(&e, buf, (size_t)n) < 0)
			return -1;
	}
	if (n < 0) {
		snprintf(detail, sizeof(detail), "read: %s; session ended",
		    strerror(errno));
		audit(ctx, "read_file", shown, "fail", detail);
		return -1;
	}
	if (readenc_finish(&e) < 0)
		return -1;
	return ph_end(ctx);
}

int
ph_cmd_read_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct fsp_target t;
	int fd, r;

	if ((r = resolve(ctx, c, "read_file", 2101, RF_MINOR, &t)) != 0)
		return r < 0 ? -1 : 0;
	fd = open_regular(&t);
	if (fd < 0) {
		r = ph_err_text(ctx, RF_MINOR, strerror(errno));
		fsp_close(&t);
		return r;
	}
	r = ph_ok(ctx, 1);
	if (r == 0)
		r = stream(ctx, fd, t.shown);
	close(fd);
	fsp_close(&t);
	return r;
}

int
ph_cmd_stat_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct fsp_target t;
	struct stat sb;
	int r;

	if ((r = resolve(ctx, c, "stat_file", 2201, SF_MINOR, &t)) != 0)
		return r < 0 ? -1 : 0;
	/* a scope root may be looked at, like listed */
	r = t.is_root ? fstat(t.root_fd, &sb) :
	    fstatat(t.parent_fd, t.name, &sb, AT_SYMLINK_NOFOLLOW);
	fsp_close(&t);
	if (r < 0)
		return ph_err_text(ctx, SF_MINOR, strerror(errno));
	if (ph_ok(ctx, 1) < 0 ||
	    ph_linef(ctx, "uid:", "%lu", (unsigned long)sb.st_uid) < 0 ||
	    ph_linef(ctx, "gid:", "%lu", (unsigned long)sb.st_gid) < 0 ||
	    ph_linef(ctx, "mode:", "%04o", (unsigned)(sb.st_mode & 07777)) < 0 ||
	    ph_linef(ctx, "size:", "%lld", (long long)sb.st_size) < 0 ||
	    ph_linef(ctx, "mtime:", "%lld", (long long)sb.st_mtime) < 0 ||
	    ph_line(ctx, "type:", fsp_type_name(sb.st_mode)) < 0)
		return -1;
	return ph_end(ctx);
}
