/*
 * cmd_domain.c - the domain commands in the privhelper (PROTOCOL.md
 * 4.5-4.11): list_domains, find_domain, domain_count, add_alias_domain,
 * add_domain, del_domain, dom_info. Each runs the data-free prechecks
 * again, then the SA check (the gate already keeps QA and USER out; this
 * one stays authoritative), then works through store.h. Lists are
 * streamed from users/assign, never held in memory. Every mutation
 * writes one audit record.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"
#include "paging.h"
#include "precheck.h"
#include "qmailsend.h"
#include "reply.h"
#include "scope.h"
#include "store_domain.h"
#include "target.h"
#include "util.h"
#include "validate.h"

/* Why a walk over the domain map stopped early (store_domain_each
 * passes the callback's value back; -1 is its own read error). */
#define WALK_GONE	2	/* the frontend went away */
#define WALK_DONE	3	/* nothing more wanted */

static const char *
arg(const struct pr_cmd *c, unsigned i)
{
	return i < c->nargs ? c->args[i] : NULL;
}

/* The first-argument checks, then SA. 0: go on; 1: answered (*rc set). */
static int
refused(struct ph_ctx *ctx, const struct pr_cmd *c, unsigned sa_minor,
    int *rc)
{
	struct vp_status st;
	struct pol_actor a;

	if (pol_precheck((enum vp_cmd)c->cmd, arg(c, 0), &st)) {
		*rc = ph_err(ctx, st.major, st.minor);
		return 1;
	}
	ph_actor(ctx, &a);
	if (!pol_is_sa(&a)) {
		*rc = ph_err(ctx, VPM_NOT_AUTHORIZED, sa_minor);
		return 1;
	}
	return 0;
}

/* An argument lower-cased into buf (V10); 0, or -1 when it cannot be a
 * domain name at all (too long for any). */
static int
lower_arg(const char *in, char *buf, size_t bufsz)
{
	if (in == NULL || strlen(in) >= bufsz)
		return -1;
	vp_strlcpy(buf, in, bufsz);
	val_lower(buf);
	return 0;
}

/* ---- list_domains, find_domain, domain_count ---- */

struct walk {
	struct ph_ctx	*ctx;
	int		 started;	/* "+OK+" sent */
	uint64_t	 i;		/* entries seen */
	struct pol_page	 page;
	const char	*want;		/* find_domain */
	int		 found;
	const char	*real;		/* dom_info */
	const struct assign_ent *ent;
};

/* Sends "+OK+" once, in front of the first item: a walk that fails
 * before any item can still answer with an error instead. */
static int
walk_start(struct walk *w)
{
	if (w->started)
		return 0;
	w->started = 1;
	return ph_ok(w->ctx, 1);
}

/* The end of a walk: "." after items, else the error, else "+OK+" ".". */
static int
walk_end(struct walk *w, int r, unsigned major, unsigned minor)
{
	if (r == WALK_GONE)
		return -1;
	if (r < 0 && !w->started)
		return ph_err(w->ctx, major, minor);
	if (walk_start(w) < 0)
		return -1;
	return ph_end(w->ctx);
}

static int
list_fn(void *arg, const struct store_dom *d)
{
	struct walk *w = arg;
	int want = pol_page_want(&w->page, w->i++);

	if (walk_start(w) < 0)
		return WALK_GONE;
	if (want < 0)
		return WALK_DONE;
	if (want > 0 && ph_line(w->ctx, d->ent.domain, d->name) < 0)
		return WALK_GONE;
	return 0;
}

int
ph_cmd_list_domains(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct walk w;
	int rc;

	if (refused(ctx, c, 2301, &rc))
		return rc;
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	pol_page_init(&w.page, arg(c, 0), arg(c, 1));
	return walk_end(&w, store_domain_each(ctx, list_fn, &w),
	    VPM_ASSIGN_OPEN, 2302);
}

static int
find_fn(void *arg, const struct store_dom *d)
{
	struct walk *w = arg;

	if (strcmp(d->name, w->want) == 0) {
		w->found = 1;
		return WALK_DONE;
	}
	w->i++;
	return 0;
}

int
ph_cmd_find_domain(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	char name[PR_ADDR_MAX];
	struct walk w;
	int rc, r;

	if (refused(ctx, c, 2401, &rc))
		return rc;
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	if (lower_arg(arg(c, 0), name, sizeof(name)) < 0)
		return ph_err(ctx, VPM_DOMAIN_REQUIRED, 2402);
	w.want = name;
	r = store_domain_each(ctx, find_fn, &w);
	if (r < 0)
		return ph_err(ctx, VPM_ASSIGN_OPEN, 2403);
	if (ph_ok(ctx, 1) < 0)
		return -1;
	if (w.found && ph_linef(ctx, "page", "%llu", (unsigned long long)
	    pol_page_of(w.i, pol_atoi(arg(c, 1)))) < 0)
		return -1;
	return ph_end(ctx);
}

static int
count_fn(void *arg, const struct store_dom *d)
{
	(void)d;
	((struct walk *)arg)->i++;
	return 0;
}

int
ph_cmd_domain_count(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	struct walk w;
	int rc;

	if (refused(ctx, c, 2501, &rc))
		return rc;
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	if (store_domain_each(ctx, count_fn, &w) < 0)
		return ph_err(ctx, VPM_ASSIGN_OPEN, 2502);
	if (ph_ok(ctx, 1) < 0 || ph_linef(ctx, "count", "%llu",
	    (unsigned long long)w.i) < 0)
		return -1;
	return ph_end(ctx);
}

/* ---- dom_info ---- */

static int
info_start(struct walk *w)
{
	if (w->started)
		return 0;
	if (walk_start(w) < 0 ||
	    ph_line(w->ctx, "domain", w->ent->domain) < 0 ||
	    ph_line(w->ctx, "path", w->ent->dir) < 0 ||
	    ph_linef(w->ctx, "uid", "%lu", (unsigned long)w->ent->uid) < 0 ||
	    ph_linef(w->ctx, "gid", "%lu", (unsigned long)w->ent->gid) < 0)
		return -1;
	return 0;
}

static int
info_fn(void *arg, const struct store_dom *d)
{
	struct walk *w = arg;

	if (info_start(w) < 0)
		return WALK_GONE;
	if (strcmp(d->ent.domain, w->ent->domain) == 0 &&
	    strcmp(d->name, w->ent->domain) != 0 &&
	    ph_line(w->ctx, "alias", d->name) < 0)
		return WALK_GONE;
	return 0;
}

int
ph_cmd_dom_info(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	char name[PR_ADDR_MAX];
	struct assign_ent ent;
	struct walk w;
	int rc, r;

	if (refused(ctx, c, 1401, &rc))
		return rc;
	if (lower_arg(arg(c, 0), name, sizeof(name)) < 0)
		return ph_err_text(ctx, 1404, vp_verror_text(VERR_NO_DOMAIN));
	r = ph_domain_find(ctx, name, &ent);
	if (r > 0 || (r < 0 && errno == ENOENT))
		return ph_err_text(ctx, 1404, vp_verror_text(VERR_NO_DOMAIN));
	if (r < 0)
		return ph_err_text(ctx, 1403,
		    vp_verror_text(VERR_ASSIGN_READ));
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.ent = &ent;
	r = store_domain_each(ctx, info_fn, &w);
	if (r == WALK_GONE)
		return -1;
	if (r < 0 && !w.started)
		return ph_err_text(ctx, 1403,
		    vp_verror_text(VERR_ASSIGN_READ));
	if (info_start(&w) < 0)
		return -1;
	return ph_end(ctx);
}

/* ---- the mutations ---- */

/* One audit record: the store's code as the result and reason, and
 * what the qmail-send HUP did. */
static void
audit_change(struct ph_ctx *ctx, const char *op, const char *target,
    const char *extra, int r)
{
	char detail[256];

	if (r == 0)
		snprintf(detail, sizeof(detail), "%s%s%s", extra,
		    extra[0] ? "; " : "", qmailsend_status());
	else
		snprintf(detail, sizeof(detail), "%s%s%s", extra,
		    extra[0] ? "; " : "", vp_verror_text(r));
	audit(ctx, op, target, r == 0 ? "ok" : "fail", detail);
}

int
ph_cmd_add_domain(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	char name[PR_ADDR_MAX];
	enum sd_stage stage;
	int rc, r;

	if (refused(ctx, c, 801, &rc))
		return rc;
	if (arg(c, 1) == NULL || arg(c, 1)[0] == '\0')
		return ph_err(ctx, VPM_PASSWORD_REQUIRED, 803);
	vp_strlcpy(name, arg(c, 0), sizeof(name));
	val_lower(name);
	r = store_domain_add_stage(ctx, name, arg(c, 1), &stage);
	audit_change(ctx, "add_domain", name,
	    r != 0 && stage == SD_STAGE_POSTMASTER ? "postmaster" : "", r);
	if (r == 0)
		return ph_ok(ctx, 0);
	return ph_err_text(ctx, stage == SD_STAGE_POSTMASTER ? 805 : 804,
	    vp_verror_text(r));
}

int
ph_cmd_add_alias_domain(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	char real[PR_ADDR_MAX], alias[PR_ADDR_MAX], extra[PR_ADDR_MAX + 16];
	int rc, r;

	if (refused(ctx, c, 1201, &rc))
		return rc;
	if (arg(c, 1) == NULL || arg(c, 1)[0] == '\0')
		return ph_err(ctx, VPM_ALIAS_REQUIRED, 1203);
	vp_strlcpy(real, arg(c, 0), sizeof(real));
	val_lower(real);
	vp_strlcpy(alias, arg(c, 1), sizeof(alias));
	val_lower(alias);
	r = store_domain_add_alias(ctx, real, alias);
	snprintf(extra, sizeof(extra), "real %.200s", real);
	audit_change(ctx, "add_alias_domain", alias, extra, r);
	if (r == 0)
		return ph_ok(ctx, 0);
	return ph_err_text(ctx, 1204, vp_verror_text(r));
}

int
ph_cmd_del_domain(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	char name[PR_ADDR_MAX];
	int rc, r;

	if (refused(ctx, c, 1301, &rc))
		return rc;
	vp_strlcpy(name, arg(c, 0), sizeof(name));
	val_lower(name);
	r = store_domain_del(ctx, name);
	audit_change(ctx, "del_domain", name, "", r);
	if (r == 0)
		return ph_ok(ctx, 0);
	return ph_err_text(ctx, 1303, vp_verror_text(r));
}
