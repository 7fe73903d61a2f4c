/*
 * reply.h - what a command handler of the privhelper sends back to the
 * frontend: an error status, "+OK " / "+OK+", typed items, the final ".".
 * Every function returns 0, or -1 when the frontend is gone (the handler
 * then returns -1 and the session ends).
 *
 * Callers: the ph_cmd_* handlers (cmd.h).
 */
#ifndef VP_REPLY_H
#define VP_REPLY_H

#include "ctx.h"
#include "msg.h"

/* "-ERR <major>.<minor> <table text>" */
int	ph_err(struct ph_ctx *, unsigned major, unsigned minor);
/* "-ERR 0.<minor> <text>" (a library or strerror text, PROTOCOL.md 2.4) */
int	ph_err_text(struct ph_ctx *, unsigned minor, const char *text);
/* "+OK " (multi 0) or "+OK+" (multi 1: items and ph_end follow) */
int	ph_ok(struct ph_ctx *, int multi);
int	ph_user(struct ph_ctx *, const struct pr_user *);
/* "key value"; value NULL prints the key alone. */
int	ph_line(struct ph_ctx *, const char *key, const char *value);
int	ph_linef(struct ph_ctx *, const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	ph_end(struct ph_ctx *);

#endif
