/*
 * fe_cmd_file.c - write_file, read_file, stat_file (PROTOCOL.md
 * 4.33-4.35).
 */
#include "fe_relay.h"
#include "fe_session.h"

void fe_cmd_read_file(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_read_file, 1, 0); }
void fe_cmd_stat_file(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_stat_file, 1, 0); }
/* Placeholder until the body relay exists: answered by the helper. */
void fe_cmd_write_file(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_write_file, 1, 0); }
