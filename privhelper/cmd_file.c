/*
 * cmd_file.c - write_file, read_file, stat_file (4.33-4.35).
 * PLACEHOLDER: every handler answers "not implemented" until written.
 */
#include "cmd.h"
#include "reply.h"

int
ph_cmd_write_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_read_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}

int
ph_cmd_stat_file(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err_text(ctx, 0, "not implemented");
}
