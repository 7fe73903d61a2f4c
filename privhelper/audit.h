/*
 * audit.h - one JSON object per line for every privileged event: time,
 * connection id, peer, principal, operation, target, result, detail.
 * Never a password or a hash: callers pass only names and reasons.
 */
#ifndef VP_AUDIT_H
#define VP_AUDIT_H

#include <stddef.h>

#include "ctx.h"

/* Opens the configured sink (file or syslog) before the sandbox. */
int	audit_open(struct ph_ctx *, char *err, size_t errlen);
void	audit(struct ph_ctx *, const char *op, const char *target,
	    const char *result, const char *detail);
/* Appends s to dst as a JSON string body (escaped), bounded. Exposed for
 * the unit tests. */
void	audit_json_escape(char *dst, size_t dstsz, const char *s);

#endif
