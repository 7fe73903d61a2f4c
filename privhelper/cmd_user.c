/*
 * cmd_user.c - the user commands in the privhelper (PROTOCOL.md 4.4,
 * 4.16-4.19): user_info, add_user, del_user, user_count, list_users.
 *
 * Each handler runs the checks in the reference's order, from the
 * arguments and the identity this process authenticated - never from
 * anything the frontend decided - then calls the storage (store.h).
 * Domains are lower-cased and alias-resolved before any scope check
 * (A7, V10). Mutations leave one audit record each, refusals included.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"
#include "errors.h"
#include "paging.h"
#include "passwd.h"
#include "reply.h"
#include "scope.h"
#include "store.h"
#include "target.h"
#include "userdir.h"
#include "util.h"
#include "validate.h"

static int
may_admin(const struct ph_ctx *ctx, const struct ph_target *t)
{
	struct pol_actor a;

	ph_actor(ctx, &a);
	return pol_may_admin_domain(&a, t->real);
}

/* "-ERR 0.<minor> <text>" with an audit record of the refusal. */
static int
fail(struct ph_ctx *ctx, const char *op, const struct ph_target *t,
    unsigned minor, int verr)
{
	audit(ctx, op, t->audit, "fail", vp_verror_text(verr));
	return ph_err_text(ctx, minor, vp_verror_text(verr));
}

static int
denied(struct ph_ctx *ctx, const char *op, const struct ph_target *t,
    unsigned major, unsigned minor)
{
	audit(ctx, op, t->audit, "denied", vp_major_text(major));
	return ph_err(ctx, major, minor);
}

int
ph_cmd_user_info(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct ph_target t;
	static struct vpw pw;
	static struct pr_user u;
	int r;

	if (ph_prechecked(ctx, c, &r))
		return r;
	if (ph_target_address(ctx, c->args[0], &t) < 0)
		return ph_err(ctx, VPM_INVALID_EMAIL, 603);
	if (!may_admin(ctx, &t))
		return ph_err(ctx, VPM_NOT_AUTH_DOMAIN, 604);
	if (!t.found || store_user_get(ctx, &t.ent, t.user, &pw) != 0)
		return ph_err(ctx, VPM_NO_USER, 605);
	ph_user_block(&pw, &u);
	r = ph_ok(ctx, 1) < 0 || ph_user(ctx, &u) < 0 ? -1 : ph_end(ctx);
	explicit_bzero(&pw, sizeof(pw));
	explicit_bzero(&u, sizeof(u));
	return r;
}

/* Steps 6-10 of 4.16, which need no data: 0 or a vp_verr. */
static int
add_name_checks(const struct ph_target *t, const char *pw)
{
	size_t dl = strlen(t->domain);
	int r;

	if (strlen(t->user) > VAL_USER_MAX)
		return VERR_USER_TOO_LONG;
	if (strlen(t->user) == 1)
		return VERR_ILLEGAL_USERNAME;	/* big-dir hash names */
	if (dl > VAL_DOMAIN_MAX)
		return VERR_DOMAIN_TOO_LONG;
	if (dl < 3)
		return VERR_INVALID_DOMAIN;
	if ((r = passwd_policy(pw)) != 0)
		return r;
	return userdir_name_check(t->user);
}

int
ph_cmd_add_user(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct ph_target t;
	const char *pw;
	int r;

	if (ph_prechecked(ctx, c, &r))
		return r;
	if (ph_target_address(ctx, c->args[0], &t) < 0)
		return ph_err(ctx, VPM_INVALID_EMAIL, 303);
	if (!may_admin(ctx, &t))
		return denied(ctx, "add_user", &t, VPM_NOT_AUTH_DOMAIN, 304);
	if ((pw = ph_arg(c, 1)) == NULL)
		return ph_err(ctx, VPM_PASSWORD_REQUIRED, 305);
	if ((r = add_name_checks(&t, pw)) != 0)
		return fail(ctx, "add_user", &t, 305, r);
	if (!t.found)
		return fail(ctx, "add_user", &t, 305, VERR_NO_DOMAIN);
	if ((r = store_user_add(ctx, &t.ent, t.user, pw, NULL)) != 0)
		return fail(ctx, "add_user", &t, 305, r);
	audit(ctx, "add_user", t.audit, "ok", "");
	return ph_ok(ctx, 0);
}

int
ph_cmd_del_user(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct ph_target t;
	static struct vpw pw;
	struct pol_actor a;
	int r;

	if (ph_prechecked(ctx, c, &r))
		return r;
	if (ph_target_address(ctx, c->args[0], &t) < 0)
		return ph_err(ctx, VPM_INVALID_EMAIL, 403);
	if (!may_admin(ctx, &t))
		return denied(ctx, "del_user", &t, VPM_NOT_AUTHORIZED, 404);
	/* the library's order: name, domain, user (4.17 step 5) */
	if (t.user[0] == '\0')
		return fail(ctx, "del_user", &t, 405, VERR_ILLEGAL_USERNAME);
	if (!t.found)
		return fail(ctx, "del_user", &t, 405, VERR_NO_DOMAIN);
	r = store_user_get(ctx, &t.ent, t.user, &pw);
	explicit_bzero(pw.passwd, sizeof(pw.passwd));
	explicit_bzero(pw.clear, sizeof(pw.clear));
	if (r != 0)
		return fail(ctx, "del_user", &t, 405,
		    r == 1 ? VERR_NO_USER : VERR_UNKNOWN);
	/* A1: an SA account is deleted by an SA only */
	ph_actor(ctx, &a);
	if (!pol_may_touch_account(&a, pw.flags))
		return denied(ctx, "del_user", &t, VPM_NOT_AUTHORIZED, 404);
	if ((r = store_user_del(ctx, &t.ent, t.user)) != 0)
		return fail(ctx, "del_user", &t, 405, r);
	audit(ctx, "del_user", t.audit, "ok", "");
	return ph_ok(ctx, 0);
}

static int
count_one(void *arg, const struct vpw *pw)
{
	(void)pw;
	(*(unsigned long *)arg)++;
	return 0;
}

int
ph_cmd_user_count(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct ph_target t;
	unsigned long n = 0;
	int r;

	if (ph_prechecked(ctx, c, &r))
		return r;
	ph_target_domain(ctx, c->args[0], &t);
	if (!may_admin(ctx, &t))
		return ph_err(ctx, VPM_NOT_AUTH_DOMAIN, 2603);
	/* an unknown domain has no users (observed: count 0) */
	if (t.found && store_user_each(ctx, &t.ent, count_one, &n) < 0)
		n = 0;
	if (ph_ok(ctx, 1) < 0 || ph_linef(ctx, "count", "%lu", n) < 0)
		return -1;
	return ph_end(ctx);
}

struct listing {
	struct ph_ctx	*ctx;
	struct pol_page	 page;
	uint64_t	 i;
	int		 gone;		/* the frontend went away */
};

/* S8: users before the page print nothing at all. */
static int
list_one(void *arg, const struct vpw *pw)
{
	static struct pr_user u;
	struct listing *l = arg;
	int want = pol_page_want(&l->page, l->i++);

	if (want < 0)
		return 1;
	if (want == 0)
		return 0;
	ph_user_block(pw, &u);
	if (ph_user(l->ctx, &u) < 0)
		l->gone = 1;
	explicit_bzero(&u, sizeof(u));
	return l->gone;
}

int
ph_cmd_list_users(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct ph_target t;
	struct listing l;
	int r;

	if (ph_prechecked(ctx, c, &r))
		return r;
	ph_target_domain(ctx, c->args[0], &t);
	if (!may_admin(ctx, &t))
		return ph_err(ctx, VPM_NOT_AUTH_DOMAIN, 2703);
	if (ph_ok(ctx, 1) < 0)
		return -1;
	memset(&l, 0, sizeof(l));
	l.ctx = ctx;
	pol_page_init(&l.page, ph_arg(c, 1), ph_arg(c, 2));
	/* Streamed from the text file: constant memory at any size. A read
	 * error mid-way can only end the list early (+OK+ is out). */
	if (t.found)
		(void)store_user_each(ctx, &t.ent, list_one, &l);
	return l.gone ? -1 : ph_end(ctx);
}
