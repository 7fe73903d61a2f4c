/*
 * fe_format.h - reply blocks shared by several commands.
 */
#ifndef VP_FE_FORMAT_H
#define VP_FE_FORMAT_H

#include "fe_io.h"
#include "msg.h"

/* 1 when t can be printed inside one reply line: no CR, no LF. Stored
 * data never holds them (the writers refuse them), so a value that does
 * would let a foreign file forge protocol lines: callers end the
 * session instead of printing it. */
int	fe_text_ok(const char *t);
/* The user record block of PROTOCOL.md 4.0.2 (no status, no terminator):
 * compact sessions get one gidflags line, full ones the 18 flag lines.
 * -1, printing nothing, when a field fails fe_text_ok. */
int	fe_put_user(struct fe_io *, const struct pr_user *, int compact);

#endif
