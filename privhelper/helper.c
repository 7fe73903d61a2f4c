/*
 * helper.c - dispatch of the frontend's requests. The permit table is
 * keyed by session state: before login only LOGIN (while fewer than
 * PH_MAX_FAILURES attempts failed) and QUIT; after login the commands of
 * cmdtable.c whose gate the authenticated level reaches; while a body is
 * being read only its lines, its end and QUIT.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "auth.h"
#include "authcheck.h"
#include "cmd.h"
#include "helper.h"
#include "lastauth.h"
#include "msg.h"
#include "throttle.h"
#include "plaintext.h"
#include "reply.h"
#include "tls_server.h"
#include "tls_sign.h"

static struct pr_buf in, out;
static struct pr_cmd cmd;
static char body_line[PR_PATH_MAX];

int
helper_permitted(const struct ph_ctx *ctx, unsigned type)
{
	switch (type) {
	case PR_LOGIN:
	case PR_AUTH_CHECK:
		return !ctx->id.logged_in && ctx->failures < PH_MAX_FAILURES;
	case PR_QUIT:
		return 1;
	case PR_TLS:
		return !ctx->id.logged_in && ctx->tls == 0;
	case PR_SIGN:
		return tls_sign_permitted(ctx);
	case PR_CMD:
		return ctx->id.logged_in && ctx->body == NULL;
	case PR_BODY_LINE:
	case PR_BODY_END:
		return ctx->body != NULL;
	case PR_BODY_ABORT:
		return ctx->body != NULL && ctx->body_abort != NULL;
	default:
		return 0;
	}
}

/* The command itself must be one the authenticated level may run. */
int
helper_cmd_permitted(const struct ph_ctx *ctx, unsigned c, unsigned nargs)
{
	const struct vp_command *vc;

	if (c >= CMD_COUNT || ph_cmd_table[c].fn == NULL)
		return 0;
	vc = &vp_commands[c];
	if (vc->flags & CF_HELPONLY || vc->section == SEC_LOGIN)
		return 0;
	return ctx->id.level >= vc->gate && nargs <= ph_cmd_table[c].maxargs;
}

/* The frontend went away inside a body (EOF, timeout, crash) or broke
 * the protocol: nothing of it is applied, and what it left (a temporary
 * file) is removed. */
static void
body_gone(struct ph_ctx *ctx)
{
	int (*undo)(struct ph_ctx *, int) = ctx->body ? ctx->body_abort : NULL;

	ctx->body = NULL;
	ctx->body_abort = NULL;
	if (undo != NULL)
		undo(ctx, 0);
}

static int
violation(struct ph_ctx *ctx, const char *what)
{
	const char *name = pr_type_name(pr_type(&in));
	char detail[128];

	snprintf(detail, sizeof(detail), "%s (type %u%s%s, %zu bytes)", what,
	    (unsigned)pr_type(&in), name ? " " : "", name ? name : "", in.len);
	audit(ctx, "protocol", "", "violation", detail);
	body_gone(ctx);
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

/* login-plaintext = loopback-only: no password is looked at. Counts as a
 * failed attempt so a client cannot retry without end. A TLS connection
 * is protected (starttls as the frontend reports it: see SECURITY.md). */
static int
plaintext_refused(struct ph_ctx *ctx, const char *op, const char *target)
{
	if (pol_login_plaintext_ok(ctx->cfg->login_plaintext, ctx->peer,
	    ctx->tls != 0))
		return 0;
	ctx->failures++;
	audit(ctx, op, target, "refused", "plaintext login from a "
	    "non-loopback peer (login-plaintext = loopback-only)");
	return 1;
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
	if (plaintext_refused(ctx, ops[req.mode], target))
		r = ph_err_text(ctx, 9003, "Plaintext login refused from a "
		    "non-loopback address");
	else if (auth_login(ctx, &req, &reply, why, sizeof(why)) == 0) {
		audit(ctx, ops[req.mode], target, "ok", "");
		(void)throttle_login(ctx, req.address, 1);
		/* like vchkpw; a failure is audited, never fails the login */
		(void)lastauth_login(ctx, ops[req.mode]);
		pr_put_login_reply(&out, &reply);
		r = pr_send(fd, &out);
	} else {
		ctx->failures++;
		audit(ctx, ops[req.mode], target, "fail", why);
		(void)throttle_login(ctx, req.address, 0);
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

/* auth_check: one status, no session; a failure counts like a failed
 * login, on this connection and across connections. */
static int
do_auth_check(struct ph_ctx *ctx, int fd)
{
	static struct pr_login req;
	static struct pr_auth_reply reply;
	char why[128], target[PR_ADDR_MAX + 1], op[32];
	int r, ok;

	if (pr_get_auth_check(&in, &req) < 0) {
		explicit_bzero(&req, sizeof(req));
		return violation(ctx, "malformed request");
	}
	snprintf(target, sizeof(target), "%.200s", req.address);
	snprintf(op, sizeof(op), "auth_check %s",
	    authcheck_service_name(req.mode));
	why[0] = '\0';
	/* a password in clear like login's: the same refusal */
	if (plaintext_refused(ctx, op, target)) {
		explicit_bzero(&req, sizeof(req));
		return ph_err_text(ctx, 9003, "Plaintext login refused from a "
		    "non-loopback address") < 0 ? 1 : -1;
	}
	ok = authcheck_run(ctx, &req, &reply, why, sizeof(why)) == 0;
	audit(ctx, op, target, ok ? "ok" : "fail", why);
	(void)throttle_login(ctx, req.address, ok);
	if (ok) {
		pr_put_auth_reply(&out, &reply);
		r = pr_send(fd, &out);
	} else {
		if (++ctx->failures >= PH_MAX_FAILURES)
			audit(ctx, "login-limit", target, "closed",
			    "too many failed logins on this connection");
		r = reply_status(fd, VPM_INVALID_LOGIN, 207);
	}
	explicit_bzero(&req, sizeof(req));
	explicit_bzero(&reply, sizeof(reply));
	return r < 0 ? 1 : -1;
}

static int
do_cmd(struct ph_ctx *ctx)
{
	int r;

	if (pr_get_cmd(&in, &cmd) < 0)
		return violation(ctx, "malformed request");
	if (!helper_cmd_permitted(ctx, cmd.cmd, cmd.nargs))
		return violation(ctx, "command not permitted for this login");
	r = ph_cmd_table[cmd.cmd].fn(ctx, &cmd);
	explicit_bzero(&cmd, sizeof(cmd));
	if (r == PH_CMD_BAD) {
		body_gone(ctx);
		return violation(ctx, "malformed command arguments");
	}
	if (r == PH_CMD_BODY && ctx->body == NULL)
		return violation(ctx, "body expected but no reader");
	if (r < 0)
		body_gone(ctx);	/* the frontend is gone */
	return r < 0 ? 1 : -1;
}

static int
do_body(struct ph_ctx *ctx, unsigned type)
{
	const struct ph_body *b = ctx->body;
	int (*undo)(struct ph_ctx *, int) = ctx->body_abort;
	int r;

	if (type == PR_BODY_END || type == PR_BODY_ABORT) {
		if (pr_end(&in) < 0)
			return violation(ctx, "malformed request");
		ctx->body = NULL;
		ctx->body_abort = NULL;
		r = type == PR_BODY_END ? b->end(ctx) : undo(ctx, 1);
	} else {
		if (pr_get_body_line(&in, body_line, sizeof(body_line)) < 0)
			return violation(ctx, "malformed body line");
		r = b->line(ctx, body_line, strlen(body_line));
		explicit_bzero(body_line, sizeof(body_line));
	}
	if (r == PH_CMD_BAD)
		return violation(ctx, "malformed body");
	if (r < 0)
		body_gone(ctx);	/* the frontend is gone */
	return r < 0 ? 1 : -1;
}

int
helper_run(struct ph_ctx *ctx, int fd)
{
	unsigned type;
	int r;

	ctx->fd = fd;
	for (;;) {
		r = pr_recv(fd, &in);
		if (r == 0) {
			body_gone(ctx);
			return 0;
		}
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
		case PR_AUTH_CHECK:
			if ((r = do_auth_check(ctx, fd)) >= 0)
				return r;
			break;
		case PR_QUIT:
			if (pr_end(&in) < 0)
				return violation(ctx, "malformed request");
			body_gone(ctx);	/* a quit inside a body undoes it */
			return 0;
		case PR_CMD:
			if ((r = do_cmd(ctx)) >= 0)
				return r;
			break;
		case PR_TLS:
			if (pr_end(&in) < 0)
				return violation(ctx, "malformed request");
			ctx->tls = TLS_STARTTLS;
			if (ph_ok(ctx, 0) < 0)
				return 1;
			break;
		case PR_SIGN:
			if ((r = tls_sign_do(ctx, &in)) < 0)
				return violation(ctx, "malformed or refused "
				    "signature request");
			if (r > 0)
				return 1;
			break;
		case PR_BODY_LINE:
		case PR_BODY_END:
		case PR_BODY_ABORT:
			if ((r = do_body(ctx, type)) >= 0)
				return r;
			break;
		default:
			return violation(ctx, "unhandled request");
		}
	}
}
