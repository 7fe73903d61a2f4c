/*
 * helper.c - dispatch of the frontend's requests. The permit table is
 * keyed by session state: before login only LOGIN (while fewer than
 * PH_MAX_FAILURES attempts failed) and QUIT; after login no LOGIN.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "auth.h"
#include "helper.h"
#include "msg.h"

static struct pr_buf in, out;

int
helper_permitted(const struct ph_ctx *ctx, unsigned type)
{
	switch (type) {
	case PR_LOGIN:
		return !ctx->id.logged_in && ctx->failures < PH_MAX_FAILURES;
	case PR_QUIT:
		return 1;
	default:
		return 0;
	}
}

static int
violation(struct ph_ctx *ctx, const char *what)
{
	const char *name = pr_type_name(pr_type(&in));
	char detail[128];

	snprintf(detail, sizeof(detail), "%s (type %u%s%s, %zu bytes)", what,
	    (unsigned)pr_type(&in), name ? " " : "", name ? name : "", in.len);
	audit(ctx, "protocol", "", "violation", detail);
	if (ctx->frontend_pid > 0)
		kill(ctx->frontend_pid, SIGKILL);
	return 2;
}

static int
reply_status(int fd, unsigned major, unsigned minor)
{
	struct vp_status st;

	vp_status_set(&st, major, minor);
	pr_put_status(&out, &st);
	return pr_send(fd, &out);
}

static int
do_login(struct ph_ctx *ctx, int fd)
{
	static const char *const ops[] = { "login", "clogin", "slogin" };
	static struct pr_login req;
	static struct pr_login_reply reply;
	char why[128], target[PR_ADDR_MAX + 1];
	int r;

	if (pr_get_login(&in, &req) < 0) {
		explicit_bzero(&req, sizeof(req));
		return violation(ctx, "malformed request");
	}
	snprintf(target, sizeof(target), "%.200s", req.address);
	why[0] = '\0';
	if (auth_login(ctx, &req, &reply, why, sizeof(why)) == 0) {
		audit(ctx, ops[req.mode], target, "ok", "");
		pr_put_login_reply(&out, &reply);
		r = pr_send(fd, &out);
	} else {
		ctx->failures++;
		audit(ctx, ops[req.mode], target, "fail", why);
		if (ctx->failures >= PH_MAX_FAILURES)
			audit(ctx, "login-limit", target, "closed",
			    "too many failed logins on this connection");
		/* The same answer whatever the reason (DESIGN.md). */
		r = reply_status(fd, VPM_INVALID_LOGIN, 207);
	}
	explicit_bzero(&req, sizeof(req));
	explicit_bzero(&reply, sizeof(reply));
	return r < 0 ? 1 : -1;
}

int
helper_run(struct ph_ctx *ctx, int fd)
{
	unsigned type;
	int r;

	for (;;) {
		r = pr_recv(fd, &in);
		if (r == 0)
			return 0;
		if (r < 0)
			return violation(ctx, "unreadable frame");
		type = pr_type(&in);
		if (pr_type_name(type) == NULL)
			return violation(ctx, "unknown request type");
		if (!helper_permitted(ctx, type))
			return violation(ctx, "request not permitted now");
		switch (type) {
		case PR_LOGIN:
			if ((r = do_login(ctx, fd)) >= 0)
				return r;
			break;
		case PR_QUIT:
			if (pr_end(&in) < 0)
				return violation(ctx, "malformed request");
			return 0;
		default:
			return violation(ctx, "unhandled request");
		}
	}
}
