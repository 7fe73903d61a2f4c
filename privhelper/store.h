/*
 * store.h - the storage interface the command handlers use: domains and
 * users, as vpopmail's vauth_* layer is for its tools. This backend keeps
 * them where vpopmail's cdb module does (users/assign + users/cdb, the
 * control files, <domaindir>/vpasswd + vpasswd.cdb, the directory tree);
 * a SQL backend would implement the same calls.
 *
 * Implementations: store_domain.c (domains), store_user.c (users).
 * Every mutation locks, writes temporaries and renames (atomic.h), and
 * re-validates what it writes (policy/validate.h) whatever the caller
 * checked. Failures come back as enum vp_verr codes (proto/errors.h),
 * which the handlers print as "-ERR 0.<minor> <text>".
 */
#ifndef VP_STORE_H
#define VP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "assign.h"
#include "ctx.h"
#include "vpasswd.h"

/* One entry of the domain map (STORAGE.md 5.8): name is the domain or
 * alias name, ent describes its real domain. */
struct store_dom {
	char			name[PR_FIELD_MAX];
	struct assign_ent	ent;
};

/* Domains --------------------------------------------------------------*/

/* Calls fn for every entry of users/assign in file order, aliases
 * included; fn returning non-zero stops the walk (that value is
 * returned). 0 at the end, -1 when users/assign cannot be read. */
int	store_domain_each(struct ph_ctx *,
	    int (*fn)(void *, const struct store_dom *), void *);
/* A real domain with its postmaster (password pw, gecos "postmaster");
 * on any failure everything is rolled back (B1). 0 or a vp_verr code. */
int	store_domain_add(struct ph_ctx *, const char *name, const char *pw);
/* alias -> real (real may itself be an alias: its real domain is used).
 * 0 or a vp_verr code. */
int	store_domain_add_alias(struct ph_ctx *, const char *real,
	    const char *alias);
/* An alias: only the alias. A real domain: it, its aliases, its users
 * and its directory (STORAGE.md 5.5, control files first). */
int	store_domain_del(struct ph_ctx *, const char *name);

/* Users -----------------------------------------------------------------*/

/* 0 found, 1 no such user, -1 error (errno). */
int	store_user_get(struct ph_ctx *, const struct assign_ent *,
	    const char *name, struct vpw *);
/* Streams the user table in file order (constant memory); fn as for
 * store_domain_each. -1 when the table cannot be read (a missing table
 * is an empty domain). */
int	store_user_each(struct ph_ctx *, const struct assign_ent *,
	    int (*fn)(void *, const struct vpw *), void *);
/* A new user: directory (hashed as vpopmail), Maildir, vpasswd line
 * (SHA-512 hash, clear copy when configured), quota from the domain's
 * limits, lastauth "0.0.0.0". gecos NULL: the user name. 0 or vp_verr. */
int	store_user_add(struct ph_ctx *, const struct assign_ent *,
	    const char *name, const char *pw, const char *gecos);
/* Rewrites the user's line with pw (every field re-validated). */
int	store_user_set(struct ph_ctx *, const struct assign_ent *,
	    const struct vpw *);
/* Removes the user's line, then its directory (STORAGE.md 6.9). */
int	store_user_del(struct ph_ctx *, const struct assign_ent *,
	    const char *name);

#endif
