/*
 * reply.c - the typed replies of the privhelper's command handlers. One
 * buffer is enough: a reply is sent before the next one is built.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "reply.h"
#include "util.h"

static struct pr_buf out;

static int
send_out(struct ph_ctx *ctx)
{
	int r = pr_send(ctx->fd, &out);

	explicit_bzero(out.data, out.len);
	return r;
}

int
ph_err(struct ph_ctx *ctx, unsigned major, unsigned minor)
{
	struct vp_status st;

	vp_status_set(&st, major, minor);
	pr_put_status(&out, &st);
	return send_out(ctx);
}

int
ph_err_text(struct ph_ctx *ctx, unsigned minor, const char *text)
{
	struct vp_status st;

	vp_status_text(&st, minor, text);
	pr_put_status(&out, &st);
	return send_out(ctx);
}

int
ph_ok(struct ph_ctx *ctx, int multi)
{
	pr_put_ok(&out, multi);
	return send_out(ctx);
}

int
ph_user(struct ph_ctx *ctx, const struct pr_user *u)
{
	pr_put_user_reply(&out, u);
	return send_out(ctx);
}

int
ph_line(struct ph_ctx *ctx, const char *key, const char *value)
{
	static struct pr_line l;

	vp_strlcpy(l.key, key, sizeof(l.key));
	l.has_value = value != NULL;
	vp_strlcpy(l.value, value ? value : "", sizeof(l.value));
	pr_put_line(&out, &l);
	return send_out(ctx);
}

int
ph_linef(struct ph_ctx *ctx, const char *key, const char *fmt, ...)
{
	char v[PR_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	return ph_line(ctx, key, v);
}

int
ph_end(struct ph_ctx *ctx)
{
	pr_init(&out, PR_R_END);
	return send_out(ctx);
}
