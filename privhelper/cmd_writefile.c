/*
 * cmd_writefile.c - write_file in the privhelper (PROTOCOL.md 4.33, 1.7,
 * D1, D5, FS1, FS2, 5.4 items 8-10).
 *
 * The command never answers before its body: whatever the checks of the
 * path find is remembered, the body is always taken to its end, and the
 * end answers exactly one status. When the checks pass, a temporary is
 * created beside the target at once (atomic.h: O_EXCL beneath the
 * parent's fd, the domain's uid:gid when root, mode 0600) and every line
 * is written to it as it arrives with an LF, so no file is ever held in
 * memory. Only the end of the body renames it into place (fsync, rename,
 * fsync of the directory). A refusal found on the way (over the size
 * limit, a .qmail line the program-delivery policy refuses, a write
 * error) removes the temporary at once and the rest of the body is
 * discarded. A session that ends inside the body (EOF, timeout, a
 * frontend refusing an over-long line) leaves nothing: helper.c calls
 * wf_abort through ctx->body_abort.
 *
 * Never written: a protected file or a scope root for a non-SA caller
 * (fsp_unauthorized), a directory, a symbolic link (the rename would
 * replace the link, never write through it, but a link is refused so
 * nobody is surprised), anything else that is not a regular file.
 *
 * Callers: helper.c through cmdtable.c (ph_cmd_write_file).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic.h"
#include "audit.h"
#include "cmd.h"
#include "delivery.h"
#include "fspath.h"
#include "reply.h"
#include "scope.h"
#include "target.h"
#include "util.h"

#define WF_MINOR	2002	/* "-ERR 0.2002 <strerror>" (4.33) */
#define WF_ABORT_MINOR	2003	/* the frontend refused a line */

/* One write_file at a time per session: no other request is admitted
 * while a body is open. */
static struct {
	struct fsp_target	t;
	struct atomic_file	af;
	int			open;		/* af holds a temporary */
	int			resolved;	/* t holds fds */
	int			is_sa;
	int			is_qmail;	/* delivery policy applies */
	int			refused;	/* st is the answer */
	const char		*result;	/* audit: "denied" or "fail" */
	struct vp_status	st;
	unsigned long long	size;
	size_t			blen;
	char			buf[8192];
	char			target[PR_ADDR_MAX];	/* for audit */
} wf;

static int	wf_line(struct ph_ctx *, const char *, size_t);
static int	wf_end(struct ph_ctx *);
static int	wf_abort(struct ph_ctx *, int answer);
static const struct ph_body wf_body = { wf_line, wf_end };

static void
drop_temp(void)
{
	if (wf.open)
		atomic_abort(&wf.af);
	wf.open = 0;
	wf.blen = 0;
}

static void
release(void)
{
	drop_temp();
	if (wf.resolved)
		fsp_close(&wf.t);
	wf.resolved = 0;
}

/* Remembers the first refusal; later lines are discarded. */
static void
refuse(const char *result)
{
	wf.refused = 1;
	wf.result = result;
	drop_temp();
}

static void
refuse_errno(int e)
{
	vp_status_text(&wf.st, WF_MINOR, strerror(e));
	refuse("fail");
}

/* What is at the target now, never following a link. 0, or refused. */
static int
check_existing(void)
{
	struct stat sb;

	if (fstatat(wf.t.parent_fd, wf.t.name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		refuse_errno(errno);
		return -1;
	}
	if (S_ISREG(sb.st_mode))
		return 0;
	refuse_errno(S_ISDIR(sb.st_mode) ? EISDIR :
	    S_ISLNK(sb.st_mode) ? ELOOP : EINVAL);
	return -1;
}

static int
is_dot_qmail(const char *name)
{
	return strcmp(name, ".qmail") == 0 || strncmp(name, ".qmail-", 7) == 0;
}

/* The checks before the body; a failure only sets wf.refused. */
static void
prepare(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct pol_actor actor;
	int r;

	ph_actor(ctx, &actor);
	wf.is_sa = pol_is_sa(&actor);
	if (c->nargs == 0 || c->args[0][0] == '\0') {
		vp_status_set(&wf.st, VPM_FILENAME_REQUIRED, 2001);
		refuse("fail");
		return;
	}
	snprintf(wf.target, sizeof(wf.target), "%.200s", c->args[0]);
	if ((r = fsp_resolve(ctx, c->args[0], &wf.t, &wf.st)) != 0) {
		if (r < 0)
			refuse_errno(errno);
		else
			refuse("denied");
		return;
	}
	wf.resolved = 1;
	vp_strlcpy(wf.target, wf.t.shown, sizeof(wf.target));
	if (wf.t.is_root || (wf.t.is_protected && !wf.is_sa)) {
		fsp_unauthorized(ctx, &wf.st);
		refuse("denied");
		return;
	}
	if (check_existing() < 0)
		return;
	if (strlen(wf.t.name) > ATOMIC_NAME_MAX) {
		refuse_errno(ENAMETOOLONG);
		return;
	}
	wf.is_qmail = is_dot_qmail(wf.t.name);
	if (atomic_begin(wf.t.parent_fd, wf.t.name, wf.t.uid, wf.t.gid, 0600,
	    &wf.af) < 0) {
		refuse_errno(errno);
		return;
	}
	wf.open = 1;
}

int
ph_cmd_write_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	release();
	memset(&wf, 0, sizeof(wf));
	wf.t.root_fd = wf.t.parent_fd = -1;
	prepare(ctx, c);
	ctx->body = &wf_body;
	ctx->body_abort = wf_abort;
	return PH_CMD_BODY;
}

static void
flush_buf(void)
{
	if (wf.open && wf.blen > 0 && atomic_write(&wf.af, wf.buf, wf.blen) < 0)
		refuse_errno(errno);
	wf.blen = 0;
}

static void
put(const char *p, size_t n)
{
	if (wf.blen + n > sizeof(wf.buf))
		flush_buf();
	if (!wf.open)
		return;
	if (n > sizeof(wf.buf)) {	/* cannot happen: lines are shorter */
		if (atomic_write(&wf.af, p, n) < 0)
			refuse_errno(errno);
		return;
	}
	memcpy(wf.buf + wf.blen, p, n);
	wf.blen += n;
}

/* One body line, without its line end (the frontend removed LF and one
 * CR: FS2). An LF inside is a frontend bug or attack: it would smuggle
 * a second .qmail line past the policy. */
static int
wf_line(struct ph_ctx *ctx, const char *line, size_t n)
{
	if (memchr(line, '\n', n) != NULL)
		return PH_CMD_BAD;
	if (wf.refused)
		return 0;
	if (wf.is_qmail && !pol_delivery_line_ok(&ctx->cfg->delivery,
	    wf.is_sa, ctx->id.domain_dir, line, n)) {
		vp_status_text(&wf.st, WF_MINOR, POL_DELIVERY_REFUSED);
		refuse("denied");
		return 0;
	}
	wf.size += n + 1;
	if (wf.size > ctx->cfg->write_file_max) {
		refuse_errno(EFBIG);
		return 0;
	}
	put(line, n);
	put("\n", 1);
	return 0;
}

static int
answer_refusal(struct ph_ctx *ctx)
{
	audit(ctx, "write_file", wf.target, wf.result, wf.st.major != 0 ?
	    vp_major_text(wf.st.major) : wf.st.text);
	if (wf.st.major != 0)
		return ph_err(ctx, wf.st.major, wf.st.minor);
	return ph_err_text(ctx, wf.st.minor, wf.st.text);
}

static int
wf_end(struct ph_ctx *ctx)
{
	char detail[64];
	int r;

	flush_buf();
	if (!wf.refused && atomic_commit(&wf.af) < 0)
		refuse_errno(errno);	/* the temporary is gone */
	wf.open = 0;
	if (wf.refused)
		r = answer_refusal(ctx);
	else {
		snprintf(detail, sizeof(detail), "%llu bytes", wf.size);
		audit(ctx, "write_file", wf.target, "ok", detail);
		r = ph_ok(ctx, 0);
	}
	release();
	return r;
}

/* The frontend refused the body (answer) or the session ended inside
 * it: nothing is written. */
static int
wf_abort(struct ph_ctx *ctx, int answer)
{
	int r = 0;

	drop_temp();
	if (answer) {
		if (!wf.refused) {
			vp_status_text(&wf.st, WF_ABORT_MINOR,
			    "Line too long or with a NUL byte, nothing written");
			refuse("fail");
		}
		r = answer_refusal(ctx);
	} else
		audit(ctx, "write_file", wf.target, "fail",
		    "session ended inside the body: nothing written");
	release();
	return r;
}
