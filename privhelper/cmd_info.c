/*
 * cmd_info.c - the IP map (4.36-4.39), get_lastauth (4.22), get_user_size (4.23), get_domain_size (4.15).
 * PLACEHOLDER: every handler answers "not implemented" until written.
 */
#include "cmd.h"
#include "reply.h"

int
ph_cmd_get_ip_map(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_add_ip_map(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_del_ip_map(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_show_ip_map(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_get_lastauth(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_get_user_size(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_get_domain_size(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}
