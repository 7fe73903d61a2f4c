/*
 * cmdtable.c - which handler serves each client command in the helper,
 * and how many argument tokens it takes (a REST argument counts as one).
 * Commands without a row are refused by the helper's permit check.
 */
#include "cmd.h"

const struct ph_cmd_entry ph_cmd_table[CMD_COUNT] = {
	[CMD_user_info]		= { ph_cmd_user_info, 1 },
	[CMD_list_domains]	= { ph_cmd_list_domains, 2 },
	[CMD_find_domain]	= { ph_cmd_find_domain, 2 },
	[CMD_domain_count]	= { ph_cmd_domain_count, 0 },
	[CMD_add_alias_domain]	= { ph_cmd_add_alias_domain, 2 },
	[CMD_add_domain]	= { ph_cmd_add_domain, 2 },
	[CMD_del_domain]	= { ph_cmd_del_domain, 1 },
	[CMD_dom_info]		= { ph_cmd_dom_info, 1 },
	[CMD_add_user]		= { ph_cmd_add_user, 2 },
	[CMD_del_user]		= { ph_cmd_del_user, 1 },
	[CMD_user_count]	= { ph_cmd_user_count, 1 },
	[CMD_list_users]	= { ph_cmd_list_users, 3 },
	[CMD_mod_user]		= { ph_cmd_mod_user, 1 },
};
