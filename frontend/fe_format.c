/*
 * fe_format.c - the user record block. Empty values keep their separating
 * space ("comment \r\n"), as clients split at the first space.
 */
#include <string.h>

#include "fe_format.h"
#include "flags.h"

int
fe_text_ok(const char *t)
{
	return strpbrk(t, "\r\n") == NULL;
}

int
fe_put_user(struct fe_io *io, const struct pr_user *u, int compact)
{
	unsigned i;

	if (!fe_text_ok(u->name) || !fe_text_ok(u->comment) ||
	    !fe_text_ok(u->quota) || !fe_text_ok(u->dir) ||
	    !fe_text_ok(u->passwd) || !fe_text_ok(u->clear))
		return -1;

	fe_printf(io, "name %s\r\n", u->name);
	fe_printf(io, "comment %s\r\n", u->comment);
	fe_printf(io, "quota %s\r\n", u->quota);
	fe_printf(io, "user_dir %s\r\n", u->dir);
	fe_printf(io, "encrypted_password %s\r\n", u->passwd);
	fe_printf(io, "clear_text_password %s\r\n", u->clear);
	if (compact) {
		fe_printf(io, "gidflags %u\r\n", (unsigned)u->flags);
		return 0;
	}
	for (i = 0; i < POL_FULL_FLAGS; i++)
		fe_printf(io, "%s %d\r\n", pol_full_flags[i].name,
		    (u->flags & pol_full_flags[i].bit) != 0);
	return 0;
}
