/*
 * paging.c - page arithmetic. The reference computes in int and
 * overflows on huge values; here every value is clamped first.
 */

#include <stddef.h>

#include "paging.h"

#define PAGE_CLAMP	2147483647ULL

uint64_t
pol_atoi(const char *s)
{
	uint64_t v = 0;
	int neg = 0;

	if (s == NULL)
		return 0;
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > PAGE_CLAMP)
			v = PAGE_CLAMP;
	}
	return neg ? 0 : v;
}

void
pol_page_init(struct pol_page *p, const char *page, const char *per_page)
{
	uint64_t pg = pol_atoi(page), pp = pol_atoi(per_page);

	p->all = !(pg > 0 && pp > 0);
	p->start = p->all ? 0 : (pg - 1) * pp;
	p->end = p->all ? 0 : pg * pp;
}

int
pol_page_want(const struct pol_page *p, uint64_t i)
{
	if (p->all)
		return 1;
	if (i < p->start)
		return 0;
	return i < p->end ? 1 : -1;
}

uint64_t
pol_page_of(uint64_t idx, uint64_t per_page)
{
	return per_page > 0 ? idx / per_page + 1 : idx + 1;
}
