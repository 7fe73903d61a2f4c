/*
 * cmd_limits.c - limits: get_limits, set_limits, del_limits (PROTOCOL.md 4.12-4.14).
 * PLACEHOLDER: every handler answers "not implemented" until written.
 */
#include "cmd.h"
#include "reply.h"

int
ph_cmd_get_limits(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_set_limits(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_del_limits(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}
