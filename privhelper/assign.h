/*
 * assign.h - the domain map: qmail's users/cdb as vpopmail reads it
 * (STORAGE.md 4.2): key "!<domain>-" -> real domain, uid, gid, directory.
 */
#ifndef VP_ASSIGN_H
#define VP_ASSIGN_H

#include <limits.h>
#include <sys/types.h>

#include "ctx.h"

struct assign_ent {
	char	domain[PR_FIELD_MAX];	/* the real domain */
	uid_t	uid;
	gid_t	gid;
	char	dir[PATH_MAX];		/* absolute, as stored */
};

/* 0 found, 1 no such domain, -1 error (errno). name must be lower case. */
int	assign_lookup(const struct ph_ctx *, const char *name,
	    struct assign_ent *);
/* A uid or gid field of the domain map: decimal digits only, at most
 * 0x7fffffff. 0 or -1. */
int	assign_parse_id(const char *, unsigned long *);
/* Parses a users/cdb value. 0, or -1 when malformed. Exposed for tests. */
int	assign_parse_value(const char *val, size_t n, struct assign_ent *);

#endif
