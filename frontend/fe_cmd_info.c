/*
 * fe_cmd_info.c - the IP map (PROTOCOL.md 4.36-4.39), get_lastauth,
 * get_user_size and get_domain_size (4.22, 4.23, 4.15): relayed as cut.
 */
#include "fe_relay.h"
#include "fe_session.h"

void fe_cmd_get_ip_map(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_get_ip_map, 1, 0); }
void fe_cmd_add_ip_map(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_add_ip_map, 2, 0); }
void fe_cmd_del_ip_map(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_del_ip_map, 2, 0); }
void fe_cmd_show_ip_map(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_show_ip_map, 0, 0); }
void fe_cmd_get_lastauth(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_get_lastauth, 1, 0); }
void fe_cmd_get_user_size(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_get_user_size, 1, 0); }
void fe_cmd_get_domain_size(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_get_domain_size, 1, 0); }
