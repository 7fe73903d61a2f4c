/*
 * cmd_fs.c - mk_dir, rm_dir, list_dir, rm_file, rename_file (4.28-4.32).
 * PLACEHOLDER: every handler answers "not implemented" until written.
 */
#include "cmd.h"
#include "reply.h"

int
ph_cmd_mk_dir(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_rm_dir(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_list_dir(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_rm_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_rename_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}
