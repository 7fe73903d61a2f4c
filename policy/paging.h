/*
 * paging.h - the optional [page [per_page]] arguments of list_domains,
 * list_users and list_lists, and find_domain's page number
 * (PROTOCOL.md 4.0.3, 4.6), computed in 64 bits.
 */
#ifndef VP_PAGING_H
#define VP_PAGING_H

#include <stdint.h>

/* C atoi as the reference uses it (leading blanks, sign, digits up to
 * the first other byte; none -> 0), clamped to 0..INT32_MAX; NULL -> 0. */
uint64_t pol_atoi(const char *);

struct pol_page {
	int		all;		/* no paging: every item */
	uint64_t	start, end;	/* items start <= i < end */
};

void	pol_page_init(struct pol_page *, const char *page,
	    const char *per_page);
/* For item i (0-based): 1 print it, 0 skip it (before the page),
 * -1 stop (past the page). */
int	pol_page_want(const struct pol_page *, uint64_t i);
/* find_domain: the page holding item idx for per_page (0 means 1). */
uint64_t pol_page_of(uint64_t idx, uint64_t per_page);

#endif
