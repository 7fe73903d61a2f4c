/*
 * target.h - turning a command's raw tokens into what it acts on, inside
 * the privhelper: addresses parsed as the reference does (with the
 * default domain), domains resolved through users/cdb (aliases to their
 * real domain), the domain directory opened beneath vpopmail-dir, and
 * the actor as policy/ sees it - always from the authenticated identity.
 *
 * Callers: the ph_cmd_* handlers.
 */
#ifndef VP_TARGET_H
#define VP_TARGET_H

#include <stddef.h>

#include "assign.h"
#include "ctx.h"
#include "msg.h"
#include "scope.h"
#include "vpasswd.h"

/* PROTOCOL.md 4.0.1; an empty domain becomes the default domain (which
 * may be empty too). 0, or -1 when the token is not an address. */
int	ph_parse_address(const struct ph_ctx *, const char *token,
	    char *user, size_t usz, char *domain, size_t dsz);
/* name lower-cased in place, then looked up: 0 found (ent->domain is the
 * real domain), 1 unknown (also for names that cannot be domains), -1
 * error (errno). */
int	ph_domain_find(const struct ph_ctx *, char *name, struct assign_ent *);
/* The domain directory of ent, O_PATH|O_DIRECTORY beneath vpopmail-dir
 * (never through a symlink), its vpasswd.cdb brought up to date first
 * (ph_domain_refresh). fd, or -1 with errno (EXDEV: the stored directory
 * is not below vpopmail-dir). */
int	ph_domain_open(const struct ph_ctx *, const struct assign_ent *);
/* Rebuilds vpasswd.cdb under .vpasswd.lock when it is missing or older
 * than vpasswd: a writer killed between its two renames (ours or a
 * reference tool's), or a hand edit (STORAGE.md 13.3 item 2, Q6). */
void	ph_domain_refresh(int domfd, const struct assign_ent *);
void	ph_actor(const struct ph_ctx *, struct pol_actor *);
/* What an <address> or <domain> argument names. */
struct ph_target {
	char			user[PR_FIELD_MAX];	/* "" for a domain */
	char			domain[PR_ADDR_MAX];	/* lower case */
	struct assign_ent	ent;
	int			found;		/* the domain exists */
	const char		*real;		/* ent.domain, else domain */
	char			audit[PR_FIELD_MAX];	/* for audit records */
};
/* An <address> token (ph_parse_address, then the domain looked up);
 * audit is "user@real". 0, or -1 when it does not parse. */
int	ph_target_address(const struct ph_ctx *, const char *token,
	    struct ph_target *);
/* A <domain> token, looked up; audit is the real domain. */
void	ph_target_domain(const struct ph_ctx *, const char *token,
	    struct ph_target *);
/* Argument token i of a command, NULL when absent or empty. */
const char *ph_arg(const struct pr_cmd *, unsigned i);
/* policy/precheck.c again, as the frontend's copy is not trusted: 1 when
 * an error was answered (*r holds the handler's return), else 0. */
int	ph_prechecked(struct ph_ctx *, const struct pr_cmd *, int *r);
/* The user record block of a vpasswd entry (stored flag word). */
void	ph_user_block(const struct vpw *, struct pr_user *);

#endif
