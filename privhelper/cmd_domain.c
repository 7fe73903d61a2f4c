/*
 * cmd_domain.c - the domain commands in the privhelper (PROTOCOL.md
 * 4.5-4.11). Not yet implemented: each answers "Invalid Command".
 */
#include "cmd.h"
#include "reply.h"

#define STUB(name) int name(struct ph_ctx *ctx, const struct pr_cmd *c) \
	{ (void)c; return ph_err(ctx, VPM_INVALID_COMMAND, 107); }
STUB(ph_cmd_add_domain)
STUB(ph_cmd_del_domain)
STUB(ph_cmd_add_alias_domain)
STUB(ph_cmd_dom_info)
STUB(ph_cmd_list_domains)
STUB(ph_cmd_find_domain)
STUB(ph_cmd_domain_count)
