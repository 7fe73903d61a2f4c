/*
 * cmd.h - the privhelper's command handlers, one per row of
 * proto/commands.def that reaches the helper. helper.c looks a request
 * up in ph_cmd_table (cmdtable.c), checks the gate level against the
 * identity it authenticated, and calls the handler.
 *
 * A handler gets the raw argument tokens as the frontend cut them (never
 * trusted: it re-applies policy/ itself) and answers through reply.h.
 * Return values:
 *   0             answered; the next request may come
 *   PH_CMD_BODY   answered "+OK " and set ctx->body: body lines follow
 *   PH_CMD_BAD    the request is malformed (a frontend bug or attack):
 *                 the helper audits it and ends the session
 *   -1            the frontend is gone
 */
#ifndef VP_CMD_H
#define VP_CMD_H

#include "commands.h"
#include "ctx.h"
#include "msg.h"

#define PH_CMD_BODY	1
#define PH_CMD_BAD	2

typedef int ph_cmd_fn(struct ph_ctx *, const struct pr_cmd *);

struct ph_cmd_entry {
	ph_cmd_fn	*fn;
	unsigned	 maxargs;	/* more tokens than this: PH_CMD_BAD */
};

extern const struct ph_cmd_entry ph_cmd_table[CMD_COUNT];

/* domains (cmd_domain.c) */
ph_cmd_fn ph_cmd_add_domain, ph_cmd_del_domain, ph_cmd_add_alias_domain,
    ph_cmd_dom_info, ph_cmd_list_domains, ph_cmd_find_domain,
    ph_cmd_domain_count;
/* users (cmd_user.c) */
ph_cmd_fn ph_cmd_add_user, ph_cmd_del_user, ph_cmd_user_info,
    ph_cmd_list_users, ph_cmd_user_count;
/* mod_user (cmd_moduser.c) */
ph_cmd_fn ph_cmd_mod_user;
/* cmd_limits.c */
ph_cmd_fn ph_cmd_get_limits, ph_cmd_set_limits, ph_cmd_del_limits;
/* cmd_info.c */
ph_cmd_fn ph_cmd_get_ip_map, ph_cmd_add_ip_map, ph_cmd_del_ip_map, ph_cmd_show_ip_map, ph_cmd_get_lastauth, ph_cmd_get_user_size, ph_cmd_get_domain_size;
/* cmd_alias.c */
ph_cmd_fn ph_cmd_add_alias, ph_cmd_remove_alias, ph_cmd_delete_alias, ph_cmd_list_alias, ph_cmd_list_lists, ph_cmd_add_list, ph_cmd_del_list, ph_cmd_mod_list;
/* cmd_fs.c */
ph_cmd_fn ph_cmd_mk_dir, ph_cmd_rm_dir, ph_cmd_list_dir, ph_cmd_rm_file, ph_cmd_rename_file;
/* cmd_file.c */
ph_cmd_fn ph_cmd_write_file, ph_cmd_read_file, ph_cmd_stat_file;

#endif
