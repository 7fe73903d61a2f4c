/*
 * fe_cmd_limits.c - get_limits, set_limits, del_limits (PROTOCOL.md
 * 4.12-4.14). The frontend cuts the tokens and relays; the helper reads
 * and writes the limits files and decides everything.
 */
#include "fe_relay.h"
#include "fe_session.h"

void fe_cmd_get_limits(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_get_limits, 1, 0); }
void fe_cmd_del_limits(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_del_limits, 1, 0); }

void
fe_cmd_set_limits(struct fe_session *s, struct fe_args *a)
{
	if (fe_forward(s, a, CMD_set_limits, 1, 0) == FE_REPLY_OK)
		fe_relay_body(s);
}
