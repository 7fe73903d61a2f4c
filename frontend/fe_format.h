/*
 * fe_format.h - reply blocks shared by several commands.
 */
#ifndef VP_FE_FORMAT_H
#define VP_FE_FORMAT_H

#include "fe_io.h"
#include "msg.h"

/* The user record block of PROTOCOL.md 4.0.2 (no status, no terminator):
 * compact sessions get one gidflags line, full ones the 18 flag lines. */
void	fe_put_user(struct fe_io *, const struct pr_user *, int compact);

#endif
