/*
 * scope.c - authorisation predicates. The checks test the session flag
 * word, not the level number (PROTOCOL.md 3.2), as the reference does.
 */
#include <string.h>

#include "flags.h"
#include "scope.h"

int
pol_is_sa(const struct pol_actor *a)
{
	return (a->flags & VF_SA_ADMIN) != 0;
}

int
pol_is_admin(const struct pol_actor *a)
{
	return (a->flags & (VF_SA_ADMIN | VF_QA_ADMIN)) != 0;
}

int
pol_has_override(const struct pol_actor *a)
{
	return pol_is_sa(a) ||
	    ((a->flags & VF_QA_ADMIN) && (a->flags & VF_OVERRIDE));
}

int
pol_may_admin_domain(const struct pol_actor *a, const char *real_domain)
{
	if (pol_is_sa(a))
		return 1;
	if (!(a->flags & VF_QA_ADMIN) || a->domain == NULL)
		return 0;
	return strcmp(a->domain, real_domain) == 0;
}

int
pol_may_touch_account(const struct pol_actor *a, uint32_t stored_flags)
{
	return pol_is_sa(a) || !(stored_flags & VF_SA_ADMIN);
}

int
pol_is_self(const struct pol_actor *a, const char *user,
    const char *real_domain)
{
	return a->user != NULL && a->domain != NULL &&
	    strcmp(a->user, user) == 0 && strcmp(a->domain, real_domain) == 0;
}
