/*
 * vpasswd.h - one domain's user table (STORAGE.md 6.2, 6.5): the text
 * file vpasswd and its index vpasswd.cdb (key = name, value = the rest).
 */
#ifndef VP_VPASSWD_H
#define VP_VPASSWD_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

struct vpw {
	char		name[PR_FIELD_MAX];
	char		passwd[PR_FIELD_MAX];
	uint32_t	uid;		/* field 3, historical */
	uint32_t	flags;		/* field 4 */
	char		gecos[PR_FIELD_MAX];
	char		dir[PR_FIELD_MAX];
	char		quota[PR_FIELD_MAX];
	char		clear[PR_FIELD_MAX];
	int		has_clear;	/* an 8th field was present */
};

/* Parses the part of a line after "name:" (the cdb value). 0 or -1. */
int	vpasswd_parse_value(const char *name, const char *val, size_t n,
	    struct vpw *);
/* Parses a whole line (without its newline). 0 or -1. */
int	vpasswd_parse_line(const char *line, size_t n, struct vpw *);
/* Looks a user up in the domain directory domfd: vpasswd.cdb, or the text
 * file when the index is missing. 0 found, 1 not found, -1 error. */
int	vpasswd_lookup(int domfd, const char *name, struct vpw *);

#endif
