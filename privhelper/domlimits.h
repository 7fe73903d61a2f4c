/*
 * domlimits.h - a domain's limits as vpopmail reads them (STORAGE.md
 * 9.1-9.4): <domaindir>/.qmailadmin-limits when it can be opened,
 * otherwise <vpopmail-dir>/etc/vlimits.default, parsed over the built-in
 * defaults - no merge of the two files. Reading changes nothing (FS5: no chown, no
 * chmod, unlike the reference).
 *
 * Callers: store_user.c (default quota of a new user), and the limits
 * commands (get_limits; set_limits starts from what this reads).
 * (Not "limits.h": with -Iprivhelper that name would hide the C
 * library's <limits.h> from every file.)
 */
#ifndef VP_DOMLIMITS_H
#define VP_DOMLIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define LIMITS_FILE_MAX	16384	/* bytes; the reference reads ~2 KB */

enum limits_source {
	LIMITS_BUILTIN = 0,	/* not read yet */
	LIMITS_DOMAIN,		/* .qmailadmin-limits */
	LIMITS_DEFAULT		/* vlimits.default */
};

struct limits {
	int32_t		maxpopaccounts;		/* -1 = unlimited */
	int32_t		maxaliases;
	int32_t		maxforwards;
	int32_t		maxautoresponders;
	int32_t		maxmailinglists;
	uint64_t	quota;			/* domain quota, MB */
	uint64_t	maxmsgcount;
	uint64_t	default_quota;		/* new users, bytes */
	uint64_t	default_maxmsgcount;
	uint32_t	flags;			/* VF_* bits of the disable_*
						 * and delete_spam keywords */
	int32_t		perm_account;		/* & 7 */
	int32_t		perm_alias;		/* & 7 */
	int32_t		perm_forward;		/* & 7 */
	int32_t		perm_autoresponder;	/* & 7 */
	int32_t		perm_maillist;		/* & 0777: lists | subscribers
						 * << 3 | moderators << 6 */
	int32_t		perm_quota;		/* & 7 (the reference reader) */
	int32_t		perm_defaultquota;	/* & 7 */
	enum limits_source source;
};

/* The flag keywords, in the order get_limits prints them and the
 * reference writes them (PROTOCOL.md 4.12, STORAGE.md 9.5). */
struct limits_flag {
	const char	*keyword;
	uint32_t	 bit;		/* VF_* of policy/flags.h */
};
#define LIMITS_NFLAGS	10
extern const struct limits_flag limits_flags[LIMITS_NFLAGS];

/* The built-in defaults: every max* -1, everything else 0. */
void	limits_defaults(struct limits *);
/* Parses the text of a limits file over *l (9.2: lines split at \n or
 * \r, '#' comments, keyword up to blank/TAB/':', later lines win,
 * unknown keywords ignored; numbers bounded: ints clamp to 32 bits,
 * quotas to 0..INT64_MAX). Exposed for the tests. */
void	limits_parse(const char *text, size_t n, struct limits *);
/* Reads the limits of the domain whose directory is domfd (9.4). 0, or
 * -1 with errno when neither file can be opened or read (callers print
 * "can't read domain limits"). */
int	limits_read(const struct ph_ctx *, int domfd, struct limits *);
/* The VF_* bits the domain's flag keywords add to its users' effective
 * flags (9.4 mask); 0 for none. */
uint32_t limits_flag_mask(const struct limits *);

#endif
