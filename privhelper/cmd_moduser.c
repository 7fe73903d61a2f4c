/*
 * cmd_moduser.c - mod_user in the privhelper (PROTOCOL.md 4.21, 1.7).
 *
 * The command answers the pre-body checks itself; when they pass it
 * sends "+OK ", keeps the account in this file's state and installs
 * the body reader. Body lines edit an in-memory copy (policy/moduser.h);
 * only the end of the body saves it, once, with store_user_set - so a
 * refused value, or a client that vanishes mid-body (the helper then
 * sees EOF and never gets here), changes nothing (D5). After a saved
 * quota change Maildir/maildirsize is rebuilt (maildirsize.h).
 *
 * Callers: helper.c through cmdtable.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cmd.h"
#include "domlimits.h"
#include "flags.h"
#include "fs.h"
#include "maildirsize.h"
#include "moduser.h"
#include "passwd.h"
#include "precheck.h"
#include "reply.h"
#include "store.h"
#include "target.h"
#include "util.h"

/* One mod_user at a time per session: the helper admits no other
 * request while a body is open. */
static struct {
	struct assign_ent	ent;
	struct vpw		pw;
	struct pol_mu_edit	edit;
	struct pol_actor	actor;
	char			target[PR_FIELD_MAX * 2 + 2];
} mu;

static int	mu_line(struct ph_ctx *, const char *, size_t);
static int	mu_end(struct ph_ctx *);
static const struct ph_body mu_body = { mu_line, mu_end };

static int
internal_error(struct ph_ctx *ctx, const char *what)
{
	char detail[128];

	snprintf(detail, sizeof(detail), "%s: %s", what, strerror(errno));
	audit(ctx, "mod_user", mu.target, "fail", detail);
	return ph_err_text(ctx, 507, vp_verror_text(VERR_UNKNOWN));
}

/* The target's effective flags (PROTOCOL.md 3.5): its stored word, plus
 * its domain's limit flags unless it has V_OVERRIDE. Limits that cannot
 * be read add nothing. */
static uint32_t
effective_flags(const struct ph_ctx *ctx)
{
	struct limits lim;
	uint32_t f = mu.pw.flags;
	int domfd;

	if (f & VF_OVERRIDE)
		return f;
	if ((domfd = ph_domain_open(ctx, &mu.ent)) < 0)
		return f;
	if (limits_read(ctx, domfd, &lim) == 0)
		f |= limits_flag_mask(&lim);
	close(domfd);
	return f;
}

/*
 * Steps 3-5 of the 4.21 table and A1, on the resolved real domain (A7).
 * 0: the account is in mu.pw; 1: an error was answered; -1 frontend gone.
 */
static int
find_target(struct ph_ctx *ctx, char *user, char *domain)
{
	const struct pol_actor *a = &mu.actor;
	int found, r;

	if ((r = ph_domain_find(ctx, domain, &mu.ent)) < 0)
		return internal_error(ctx, "users/assign") < 0 ? -1 : 1;
	found = r == 0;
	snprintf(mu.target, sizeof(mu.target), "%s@%s", user,
	    found ? mu.ent.domain : domain);
	if (!pol_is_sa(a) && pol_is_admin(a) &&
	    (!found || !pol_may_admin_domain(a, mu.ent.domain)))
		return ph_err(ctx, VPM_NOT_AUTH_DOMAIN, 503) < 0 ? -1 : 1;
	if (!pol_is_admin(a) && (!found || !pol_is_self(a, user,
	    mu.ent.domain)))
		return ph_err(ctx, VPM_NOT_AUTH_DOMAIN, 504) < 0 ? -1 : 1;
	r = found ? store_user_get(ctx, &mu.ent, user, &mu.pw) : 1;
	if (r < 0)
		return internal_error(ctx, "vpasswd") < 0 ? -1 : 1;
	/* D2: answered at once, and no body is read */
	if (r == 1)
		return ph_err(ctx, VPM_NO_USER, 505) < 0 ? -1 : 1;
	if (!pol_may_touch_account(a, mu.pw.flags)) {
		audit(ctx, "mod_user", mu.target, "denied",
		    "target is a system administrator");
		return ph_err(ctx, VPM_NOT_AUTH_DOMAIN, 503) < 0 ? -1 : 1;
	}
	return 0;
}

int
ph_cmd_mod_user(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	char user[PR_FIELD_MAX], domain[PR_FIELD_MAX];
	struct vp_status st;
	int r;

	explicit_bzero(&mu, sizeof(mu));
	if (pol_precheck(CMD_mod_user, c->nargs > 0 ? c->args[0] : NULL,
	    &st))
		return ph_err(ctx, st.major, st.minor);
	if (ph_parse_address(ctx, c->args[0], user, sizeof(user), domain,
	    sizeof(domain)) < 0)
		return ph_err(ctx, VPM_INVALID_EMAIL, 502);
	ph_actor(ctx, &mu.actor);
	if ((r = find_target(ctx, user, domain)) != 0) {
		explicit_bzero(&mu, sizeof(mu));	/* the stored hash */
		return r < 0 ? -1 : 0;
	}
	mu.edit.flags = mu.pw.flags;
	mu.edit.pw_locked = !pol_is_admin(&mu.actor) &&
	    pol_mu_pw_locked(&mu.actor, effective_flags(ctx));
	if (ph_ok(ctx, 0) < 0)
		return -1;
	ctx->body = &mu_body;
	return PH_CMD_BODY;
}

/* One body line; a new clear password is checked and hashed at once so
 * that later lines still override it in order. */
static int
mu_line(struct ph_ctx *ctx, const char *line, size_t n)
{
	struct pol_mu_edit *e = &mu.edit;
	int r;

	pol_mu_apply(e, &mu.actor, line, n);
	if (!e->clear_pending)
		return 0;
	e->clear_pending = 0;
	if ((r = passwd_policy(e->clear)) != 0)
		e->err = r;
	else if (passwd_hash(e->clear, e->hash, sizeof(e->hash)) < 0)
		e->err = VERR_UNKNOWN;
	/* Q25 keeps a foreign 8th field when clear text is not configured,
	 * but never a stale one: the old password must not stay usable
	 * through it (APOP/CRAM-MD5 read field 8). */
	if (e->err == 0 && !ctx->cfg->clear_passwords)
		e->clear[0] = '\0';
	return 0;
}

/* Maildir/maildirsize after a saved quota change; the home must lie
 * inside the domain directory. "" or a reason for the audit record. */
static const char *
rebuild_maildirsize(struct ph_ctx *ctx)
{
	char rel[PATH_MAX];
	int domfd, homefd, r;

	if (mu.pw.dir[0] == '\0')
		return "";	/* not allocated yet: no mailbox */
	if (fs_relative(mu.ent.dir, mu.pw.dir, rel, sizeof(rel)) < 0)
		return "maildirsize: home outside the domain directory";
	if ((domfd = ph_domain_open(ctx, &mu.ent)) < 0)
		return "maildirsize: domain directory";
	homefd = fs_open_beneath(domfd, rel, O_PATH | O_DIRECTORY, 0);
	close(domfd);
	if (homefd < 0)
		return errno == ENOENT ? "" : "maildirsize: home directory";
	r = mds_rebuild(homefd, mu.pw.quota, mu.ent.uid, mu.ent.gid);
	close(homefd);
	return r < 0 ? "maildirsize: not rebuilt" : "";
}

static int
finish(struct ph_ctx *ctx, int verr, const char *detail)
{
	int r;

	audit(ctx, "mod_user", mu.target, verr ? "fail" : "ok", detail);
	r = verr ? ph_err_text(ctx, 507, vp_verror_text(verr)) :
	    ph_ok(ctx, 0);
	explicit_bzero(&mu, sizeof(mu));
	return r;
}

static int
mu_end(struct ph_ctx *ctx)
{
	struct pol_mu_edit *e = &mu.edit;
	char keys[400], detail[512];
	const char *warn = "";
	int r;

	pol_mu_applied_names(e, keys, sizeof(keys));
	if (e->err != 0) {
		snprintf(detail, sizeof(detail), "refused: %s",
		    vp_verror_text(e->err));
		return finish(ctx, e->err, detail);
	}
	if (e->applied == 0)
		return finish(ctx, 0, "nothing applied");
	mu.pw.flags = e->flags;
	if (e->gecos_set)
		vp_strlcpy(mu.pw.gecos, e->gecos, sizeof(mu.pw.gecos));
	if (e->quota_set)
		vp_strlcpy(mu.pw.quota, e->quota, sizeof(mu.pw.quota));
	if (e->pw_set) {
		vp_strlcpy(mu.pw.passwd, e->hash, sizeof(mu.pw.passwd));
		vp_strlcpy(mu.pw.clear, e->clear, sizeof(mu.pw.clear));
	}
	if ((r = store_user_set(ctx, &mu.ent, &mu.pw)) != 0) {
		snprintf(detail, sizeof(detail), "%s: %s", keys,
		    vp_verror_text(r));
		return finish(ctx, r, detail);
	}
	if (e->quota_set)
		warn = rebuild_maildirsize(ctx);
	snprintf(detail, sizeof(detail), "%s%s%s", keys, *warn ? "; " : "",
	    warn);
	return finish(ctx, 0, detail);
}
