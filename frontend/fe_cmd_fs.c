/*
 * fe_cmd_fs.c - mk_dir, rm_dir, list_dir, rm_file, rename_file
 * (PROTOCOL.md 4.28-4.32): relayed as cut; the helper resolves the paths.
 */
#include "fe_relay.h"
#include "fe_session.h"

void fe_cmd_mk_dir(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_mk_dir, 1, 0); }
void fe_cmd_rm_dir(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_rm_dir, 1, 0); }
void fe_cmd_list_dir(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_list_dir, 1, 0); }
void fe_cmd_rm_file(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_rm_file, 1, 0); }
void fe_cmd_rename_file(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_rename_file, 2, 0); }
