/*
 * cmd_user.c - the user commands in the privhelper (PROTOCOL.md 4.4,
 * 4.16-4.19). Not yet implemented: each answers "Invalid Command".
 */
#include "cmd.h"
#include "reply.h"

#define STUB(name) int name(struct ph_ctx *ctx, const struct pr_cmd *c) \
	{ (void)c; return ph_err(ctx, VPM_INVALID_COMMAND, 107); }
STUB(ph_cmd_add_user)
STUB(ph_cmd_del_user)
STUB(ph_cmd_user_info)
STUB(ph_cmd_list_users)
STUB(ph_cmd_user_count)
