/*
 * cmd_limits.c - the limits commands in the privhelper (PROTOCOL.md
 * 4.12-4.14): get_limits, set_limits, del_limits.
 *
 * get_limits reads without side effects (FS5); an SA reads any domain, a
 * domain administrator its own (alias names resolved first, A7) - a
 * relaxation the spec allows (3.6, A6); everyone else gets the
 * reference's 9.3401, also for unknown domains (no existence oracle).
 * set_limits answers its pre-body checks, sends "+OK " and keeps the
 * body's edit in this file's state; only the end of a body in which
 * every line was good applies it, once, over the limits as they are
 * then, under the domain's limits lock (B5, V5, D5). A refused body
 * changes nothing and gets one "-ERR 35.3504 Could not set limits"; no
 * warning lines are sent (D6). del_limits unlinks the domain file.
 * Every set_limits and del_limits writes one audit record.
 *
 * Callers: helper.c through cmdtable.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cmd.h"
#include "domlimits.h"
#include "domlimits_write.h"
#include "errors.h"
#include "precheck.h"
#include "reply.h"
#include "scope.h"
#include "target.h"
#include "util.h"

#define LIMITS_LOCK_TIMEOUT	18	/* s, like vpopmail's lock files */

/* One set_limits at a time per session: the helper admits no other
 * request while a body is open. */
static struct {
	struct assign_ent	ent;
	struct limits_edit	edit;
	char			target[PR_ADDR_MAX];
} sl;

static int	sl_line(struct ph_ctx *, const char *, size_t);
static int	sl_end(struct ph_ctx *);
static const struct ph_body sl_body = { sl_line, sl_end };

static const char *
arg(const struct pr_cmd *c, unsigned i)
{
	return i < c->nargs ? c->args[i] : NULL;
}

/* The domain argument lower-cased and looked up (aliases to the real
 * domain): 0 found, 1 unknown (or too long to be a domain), -1 error. */
static int
find(struct ph_ctx *ctx, const struct pr_cmd *c, char *name, size_t namesz,
    struct assign_ent *ent)
{
	if (vp_strlcpy(name, arg(c, 0), namesz) >= namesz) {
		name[0] = '\0';
		return 1;
	}
	return ph_domain_find(ctx, name, ent);
}

/* The limits of a found domain, as get_limits and set_limits see them. */
static int
read_limits(struct ph_ctx *ctx, const struct assign_ent *ent,
    struct limits *l)
{
	int domfd, r, e;

	if ((domfd = ph_domain_open(ctx, ent)) < 0)
		return -1;
	r = limits_read(ctx, domfd, l);
	e = errno;
	close(domfd);
	errno = e;
	return r;
}

/* ---- get_limits ---- */

static int
send_limits(struct ph_ctx *ctx, const struct limits *l)
{
	/* the maillist sub-permissions ride in perm_quota's line (K3) */
	int pq = (l->perm_quota & 7) | (l->perm_maillist & 0770);
	size_t i;

	if (ph_ok(ctx, 1) < 0 ||
	    ph_linef(ctx, "max_popaccounts", "%d", (int)l->maxpopaccounts) < 0 ||
	    ph_linef(ctx, "max_aliases", "%d", (int)l->maxaliases) < 0 ||
	    ph_linef(ctx, "max_forwards", "%d", (int)l->maxforwards) < 0 ||
	    ph_linef(ctx, "max_autoresponders", "%d",
	    (int)l->maxautoresponders) < 0 ||
	    ph_linef(ctx, "max_mailinglists", "%d",
	    (int)l->maxmailinglists) < 0 ||
	    ph_linef(ctx, "disk_quota", "%llu",
	    (unsigned long long)l->quota) < 0 ||
	    ph_linef(ctx, "max_msgcount", "%llu",
	    (unsigned long long)l->maxmsgcount) < 0 ||
	    ph_linef(ctx, "default_quota", "%llu",
	    (unsigned long long)l->default_quota) < 0 ||
	    ph_linef(ctx, "default_maxmsgcount", "%llu",
	    (unsigned long long)l->default_maxmsgcount) < 0)
		return -1;
	for (i = 0; i < LIMITS_NFLAGS; i++)
		if (ph_line(ctx, limits_flags[i].keyword,
		    l->flags & limits_flags[i].bit ? "1" : "0") < 0)
			return -1;
	if (ph_linef(ctx, "perm_account", "%d", l->perm_account & 7) < 0 ||
	    ph_linef(ctx, "perm_alias", "%d", l->perm_alias & 7) < 0 ||
	    ph_linef(ctx, "perm_forward", "%d", l->perm_forward & 7) < 0 ||
	    ph_linef(ctx, "perm_autoresponder", "%d",
	    l->perm_autoresponder & 7) < 0 ||
	    ph_linef(ctx, "perm_maillist", "%d", l->perm_maillist & 7) < 0 ||
	    ph_linef(ctx, "perm_quota", "%d", pq) < 0 ||
	    /* twice, as the reference prints it (K2) */
	    ph_linef(ctx, "perm_defaultquota", "%d",
	    l->perm_defaultquota & 7) < 0 ||
	    ph_linef(ctx, "perm_defaultquota", "%d",
	    l->perm_defaultquota & 7) < 0)
		return -1;
	return ph_end(ctx);
}

int
ph_cmd_get_limits(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	char name[PR_ADDR_MAX];
	struct assign_ent ent;
	struct vp_status st;
	struct pol_actor a;
	struct limits l;
	int r;

	if (pol_precheck(CMD_get_limits, arg(c, 0), &st))
		return ph_err(ctx, st.major, st.minor);
	ph_actor(ctx, &a);
	if (!pol_is_admin(&a))
		return ph_err(ctx, VPM_NOT_AUTHORIZED, 3401);
	r = find(ctx, c, name, sizeof(name), &ent);
	/* a domain administrator learns nothing about other domains */
	if (!pol_is_sa(&a) && (r != 0 || !pol_may_admin_domain(&a,
	    ent.domain)))
		return ph_err(ctx, VPM_NOT_AUTHORIZED, 3401);
	if (r != 0 || read_limits(ctx, &ent, &l) < 0)
		return ph_err(ctx, VPM_GET_LIMITS, 3403);
	return send_limits(ctx, &l);
}

/* ---- set_limits ---- */

static int
sl_refuse(struct ph_ctx *ctx, unsigned major, unsigned minor,
    const char *why)
{
	audit(ctx, "set_limits", sl.target, "denied", why);
	return ph_err(ctx, major, minor);
}

int
ph_cmd_set_limits(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	char name[PR_ADDR_MAX];
	struct vp_status st;
	struct pol_actor a;
	struct limits l;
	int r;

	memset(&sl, 0, sizeof(sl));
	if (pol_precheck(CMD_set_limits, arg(c, 0), &st))
		return sl_refuse(ctx, st.major, st.minor, "domain required");
	vp_strlcpy(sl.target, arg(c, 0), sizeof(sl.target));
	ph_actor(ctx, &a);
	if (!pol_is_sa(&a))
		return sl_refuse(ctx, VPM_NOT_AUTHORIZED, 3501,
		    "not a system administrator");
	r = find(ctx, c, name, sizeof(name), &sl.ent);
	if (r == 0)
		vp_strlcpy(sl.target, sl.ent.domain, sizeof(sl.target));
	if (r != 0)
		return sl_refuse(ctx, VPM_GET_LIMITS, 3505, r > 0 ?
		    "no such domain" : "users/assign unreadable");
	if (read_limits(ctx, &sl.ent, &l) < 0)
		return sl_refuse(ctx, VPM_GET_LIMITS, 3505, strerror(errno));
	limits_edit_init(&sl.edit);
	if (ph_ok(ctx, 0) < 0)
		return -1;
	ctx->body = &sl_body;
	return PH_CMD_BODY;
}

static int
sl_line(struct ph_ctx *ctx, const char *line, size_t n)
{
	(void)ctx;
	limits_edit_line(&sl.edit, line, n);
	return 0;
}

/* Reads the limits as they are now, applies the edit and replaces the
 * domain file, all under the domain's limits lock so that two sessions'
 * edits of different keys both survive. 0, or -1 with errno. */
static int
save(struct ph_ctx *ctx)
{
	struct assign_ent now;
	struct limits l;
	int domfd, lockfd, r = -1, e;

	/* the domain may have gone (or moved) while the body was read */
	if (ph_domain_find(ctx, sl.target, &now) != 0 ||
	    strcmp(now.dir, sl.ent.dir) != 0) {
		errno = ENOENT;
		return -1;
	}
	if ((domfd = ph_domain_open(ctx, &now)) < 0)
		return -1;
	if ((lockfd = limits_lock(domfd, LIMITS_LOCK_TIMEOUT)) >= 0) {
		if (limits_read(ctx, domfd, &l) == 0) {
			limits_edit_apply(&sl.edit, &l);
			r = limits_write(domfd, LIMITS_FILE, &l, now.uid,
			    now.gid, 0600);
		}
		e = errno;
		limits_unlock(lockfd);
		errno = e;
	}
	e = errno;
	close(domfd);
	errno = e;
	return r;
}

static int
sl_end(struct ph_ctx *ctx)
{
	const struct limits_edit *e = &sl.edit;
	char keys[600], detail[700];

	if (e->err != LE_OK) {
		snprintf(detail, sizeof(detail), "refused: line %u: %s: %s",
		    e->err_line, e->err_key, limits_edit_errtext(e->err));
		audit(ctx, "set_limits", sl.target, "fail", detail);
		return ph_err(ctx, VPM_SET_LIMITS, 3504);
	}
	if (e->set == 0) {
		audit(ctx, "set_limits", sl.target, "ok", "nothing applied");
		return ph_ok(ctx, 0);
	}
	limits_edit_names(e, keys, sizeof(keys));
	if (save(ctx) < 0) {
		snprintf(detail, sizeof(detail), "%s: %s", keys,
		    strerror(errno));
		audit(ctx, "set_limits", sl.target, "fail", detail);
		return ph_err(ctx, VPM_SET_LIMITS, 3504);
	}
	audit(ctx, "set_limits", sl.target, "ok", keys);
	return ph_ok(ctx, 0);
}

/* ---- del_limits ---- */

static int
del_answer(struct ph_ctx *ctx, const char *target, int err,
    const char *text)
{
	audit(ctx, "del_limits", target, err ? "fail" : "ok",
	    err ? text : "");
	return err ? ph_err_text(ctx, 3603, text) : ph_ok(ctx, 0);
}

/* Unlinks the domain file under the limits lock; a missing file is
 * success (STORAGE.md 9.6). 0, or -1 with errno. */
static int
unlink_limits(struct ph_ctx *ctx, const struct assign_ent *ent)
{
	int domfd, lockfd, r = -1, e;

	if ((domfd = ph_domain_open(ctx, ent)) < 0)
		return -1;
	if ((lockfd = limits_lock(domfd, LIMITS_LOCK_TIMEOUT)) >= 0) {
		r = unlinkat(domfd, LIMITS_FILE, 0);
		if (r < 0 && errno == ENOENT)
			r = 0;
		else if (r == 0)
			(void)fsync(lockfd);	/* the directory */
		e = errno;
		limits_unlock(lockfd);
		errno = e;
	}
	e = errno;
	close(domfd);
	errno = e;
	return r;
}

int
ph_cmd_del_limits(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	char name[PR_ADDR_MAX];
	struct assign_ent ent;
	struct vp_status st;
	struct pol_actor a;
	int r;

	if (pol_precheck(CMD_del_limits, arg(c, 0), &st)) {
		audit(ctx, "del_limits", "", "denied", "domain required");
		return ph_err(ctx, st.major, st.minor);
	}
	ph_actor(ctx, &a);
	if (!pol_is_sa(&a)) {
		audit(ctx, "del_limits", arg(c, 0), "denied",
		    "not a system administrator");
		return ph_err(ctx, VPM_NOT_AUTHORIZED, 3601);
	}
	r = find(ctx, c, name, sizeof(name), &ent);
	if (r > 0 || (r < 0 && errno == ENOENT))
		return del_answer(ctx, name[0] ? name : arg(c, 0), 1,
		    vp_verror_text(VERR_NO_DOMAIN));
	if (r < 0)
		return del_answer(ctx, name, 1, strerror(errno));
	if (unlink_limits(ctx, &ent) < 0)
		return del_answer(ctx, ent.domain, 1, strerror(errno));
	return del_answer(ctx, ent.domain, 0, NULL);
}
