/*
 * cmd_alias.c - aliases and forwards (4.24-4.27), list_lists and the list commands (4.20, 4.40).
 * PLACEHOLDER: every handler answers "not implemented" until written.
 */
#include "cmd.h"
#include "reply.h"

int
ph_cmd_add_alias(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_remove_alias(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_delete_alias(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_list_alias(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_list_lists(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_add_list(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_del_list(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_mod_list(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}
