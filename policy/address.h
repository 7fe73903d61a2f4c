/*
 * address.h - parsing of <address> arguments (PROTOCOL.md 4.0.1) and the
 * character rules for user and domain names (STORAGE.md 5.1, 6.1).
 */
#ifndef VP_ADDRESS_H
#define VP_ADDRESS_H

#include <stddef.h>

#define POL_ADDR_CUT	156	/* the reference cuts addresses here */
#define POL_USER_MAX	64
#define POL_DOMAIN_MAX	96

/*
 * Lower-cases and splits an address at the first '@', else '%', else '/'.
 * user and domain receive the parts (domain may come back empty: the
 * caller substitutes the default domain). Returns 0, or -1 when a part
 * holds a character outside the reference's sets or does not fit.
 */
int	pol_parse_address(const char *token, char *user, size_t usz,
	    char *domain, size_t dsz);

/* Reference character rules (existing names). 1 = acceptable. */
int	pol_user_chars_ok(const char *user);
int	pol_domain_chars_ok(const char *domain);

#endif
