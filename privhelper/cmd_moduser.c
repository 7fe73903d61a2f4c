/*
 * cmd_moduser.c - mod_user in the privhelper (PROTOCOL.md 4.21). Not yet
 * implemented: answers "Invalid Command".
 */
#include "cmd.h"
#include "reply.h"

int
ph_cmd_mod_user(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err(ctx, VPM_INVALID_COMMAND, 107);
}
