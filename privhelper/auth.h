/*
 * auth.h - password login, decided by the privhelper alone.
 */
#ifndef VP_AUTH_H
#define VP_AUTH_H

#include <stddef.h>

#include "ctx.h"
#include "msg.h"

/* 1 when clear matches stored (a crypt(3) hash, optional {SCHEME}
 * prefix), 0 otherwise. An empty or malformed stored hash never matches,
 * but the same crypt work is done so timing does not tell. */
int	auth_verify(const char *clear, const char *stored);
/* 1 when stored looks like a hash this daemon accepts. */
int	auth_hash_wellformed(const char *stored);

/* Authenticates a login request. On success fills reply, records the
 * identity in ctx and returns 0; otherwise returns -1 and puts the real
 * reason (for the audit trail only) in why. */
int	auth_login(struct ph_ctx *, const struct pr_login *,
	    struct pr_login_reply *, char *why, size_t whylen);

#endif
