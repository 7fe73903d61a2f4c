/*
 * authcheck.h - the auth_check extension (issue 9): is this password
 * right for this account AND may the account use this mail service,
 * with vchkpw's rules? It is not a login: no identity is set in the
 * context. The user's no_smtp/no_pop/no_imap/no_webmail flags and the
 * domain's disable_smtp/pop/imap/webmail limits refuse (the limits are
 * skipped for an account with override_domain_limits, as vpopmail
 * merges them); a refusal looks like a wrong password to the client, the
 * reason goes to the audit record only.
 *
 * Callers: helper.c (PR_AUTH_CHECK). authcheck_service_name and
 * authcheck_refusal are pure and exposed for the tests.
 */
#ifndef VP_AUTHCHECK_H
#define VP_AUTHCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "msg.h"

/* "smtp", "pop3", "imap", "webmail"; NULL when out of range. */
const char *authcheck_service_name(unsigned service);
/* The service's refusal given the stored flag word and the domain's
 * limit flags (VF_* of policy/flags.h): NULL when allowed, else the
 * reason for the audit record. */
const char *authcheck_refusal(unsigned service, uint32_t user_flags,
	    uint32_t domain_flags);

/* Checks req (mode = enum pr_service). 0 with reply filled (home, relay)
 * and lastauth recorded; -1 with the reason in why. */
int	authcheck_run(struct ph_ctx *, const struct pr_login *req,
	    struct pr_auth_reply *reply, char *why, size_t whylen);

#endif
