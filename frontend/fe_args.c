/*
 * fe_args.c - the reference's strtok-based argument rules, reproduced
 * without strtok: a token's terminating separator is consumed with it,
 * which is what makes "login a@b.com  pw" carry the password " pw".
 */
#include <string.h>

#include "fe_args.h"

static int
is_sep(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

void
fe_args_init(struct fe_args *a, char *line, size_t len)
{
	a->p = line;
	a->len = len;
	a->pos = 0;
}

static char *
token(struct fe_args *a, const char *seps)
{
	size_t start;

	while (a->pos < a->len && is_sep(a->p[a->pos], seps))
		a->pos++;
	if (a->pos >= a->len)
		return NULL;
	start = a->pos;
	while (a->pos < a->len && !is_sep(a->p[a->pos], seps))
		a->pos++;
	if (a->pos < a->len)
		a->p[a->pos++] = '\0';
	else
		a->p[a->pos] = '\0';
	return a->p + start;
}

char *
fe_arg_next(struct fe_args *a)
{
	return token(a, " \t\r\n");
}

char *
fe_arg_rest(struct fe_args *a)
{
	return token(a, "\r\n");
}
