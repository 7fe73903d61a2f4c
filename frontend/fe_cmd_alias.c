/*
 * fe_cmd_alias.c - aliases and forwards (PROTOCOL.md 4.24-4.27) and the
 * mailing-list commands (4.20, 4.40): relayed as cut.
 */
#include "fe_relay.h"
#include "fe_session.h"

void fe_cmd_add_alias(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_add_alias, 2, 0); }
void fe_cmd_remove_alias(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_remove_alias, 2, 0); }
void fe_cmd_delete_alias(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_delete_alias, 1, 0); }
void fe_cmd_list_alias(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_list_alias, 1, 0); }
void fe_cmd_list_lists(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_list_lists, 3, 0); }
void fe_cmd_add_list(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_add_list, 0, 0); }
void fe_cmd_del_list(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_del_list, 0, 0); }
void fe_cmd_mod_list(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_mod_list, 0, 0); }
