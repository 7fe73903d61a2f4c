/*
 * scope.h - who may act on which domain and account (PROTOCOL.md 3.2-3.4,
 * 6.8). Pure functions over the actor's session flag word, so the
 * frontend (early errors) and the privhelper (authoritative, from the
 * identity it authenticated) decide alike.
 */
#ifndef VP_SCOPE_H
#define VP_SCOPE_H

#include <stdint.h>

struct pol_actor {
	uint32_t	 flags;		/* the session copy (postmaster: +QA) */
	const char	*user;		/* lower case */
	const char	*domain;	/* own real domain, lower case */
};

int	pol_is_sa(const struct pol_actor *);
/* Domain administrator or system administrator. */
int	pol_is_admin(const struct pol_actor *);
/* SA, or QA whose own word has V_OVERRIDE (3.3 "override"). */
int	pol_has_override(const struct pol_actor *);
/* May administer the users of real_domain: SA always, QA its own domain
 * (compared after alias resolution: A7, V10). */
int	pol_may_admin_domain(const struct pol_actor *, const char *real_domain);
/* A1: an account carrying SA_ADMIN is changed or deleted by SAs only. */
int	pol_may_touch_account(const struct pol_actor *, uint32_t stored_flags);
/* The account user@real_domain is the actor's own. */
int	pol_is_self(const struct pol_actor *, const char *user,
	    const char *real_domain);

#endif
