/*
 * fe_cmd_admin.c - the domain and user commands (PROTOCOL.md 4.4-4.11,
 * 4.16-4.19, 4.21). The frontend only cuts the tokens, gives the
 * data-free early errors (policy/precheck.c) and relays; every decision
 * that needs the trees or the identity is the privhelper's.
 */
#include <string.h>

#include "fe_relay.h"
#include "fe_session.h"

void fe_cmd_user_info(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_user_info, 1, 0); }
void fe_cmd_list_domains(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_list_domains, 2, 0); }
void fe_cmd_find_domain(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_find_domain, 2, 0); }
void fe_cmd_domain_count(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_domain_count, 0, 0); }
void fe_cmd_add_alias_domain(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_add_alias_domain, 2, 0); }
void fe_cmd_add_domain(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_add_domain, 1, 1); }
void fe_cmd_del_domain(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_del_domain, 1, 0); }
void fe_cmd_dom_info(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_dom_info, 1, 0); }
void fe_cmd_add_user(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_add_user, 1, 1); }
void fe_cmd_del_user(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_del_user, 1, 0); }
void fe_cmd_user_count(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_user_count, 1, 0); }
void fe_cmd_list_users(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_list_users, 3, 0); }

void
fe_cmd_mod_user(struct fe_session *s, struct fe_args *a)
{
	if (fe_forward(s, a, CMD_mod_user, 1, 0) == FE_REPLY_OK)
		fe_relay_body(s);
}
