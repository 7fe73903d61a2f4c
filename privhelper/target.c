/*
 * target.c - command targets, resolved by the privhelper alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "cdbmake.h"
#include "fs.h"
#include "precheck.h"
#include "reply.h"
#include "target.h"
#include "util.h"
#include "validate.h"

int
ph_parse_address(const struct ph_ctx *ctx, const char *token, char *user,
    size_t usz, char *domain, size_t dsz)
{
	if (pol_parse_address(token, user, usz, domain, dsz) < 0)
		return -1;
	if (domain[0] == '\0')
		vp_strlcpy(domain, ctx->default_domain, dsz);
	return 0;
}

int
ph_domain_find(const struct ph_ctx *ctx, char *name, struct assign_ent *ent)
{
	val_lower(name);
	if (name[0] == '\0' || strlen(name) > POL_DOMAIN_MAX ||
	    !pol_domain_chars_ok(name))
		return 1;
	return assign_lookup(ctx, name, ent);
}

int
ph_domain_open(const struct ph_ctx *ctx, const struct assign_ent *ent)
{
	char rel[PATH_MAX];
	int fd;

	if (fs_relative(ctx->cfg->vpopmail_dir, ent->dir, rel,
	    sizeof(rel)) < 0) {
		errno = EXDEV;
		return -1;
	}
	fd = fs_open_beneath(ctx->vpop_fd, rel, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0)
		ph_domain_refresh(fd, ent);
	return fd;
}

void
ph_domain_refresh(int domfd, const struct assign_ent *ent)
{
	/* A failure leaves the old index, which lookups still read; the
	 * next writer under the lock rebuilds it anyway. */
	(void)cdb_vpasswd_refresh(domfd, ent->uid, ent->gid);
}

void
ph_actor(const struct ph_ctx *ctx, struct pol_actor *a)
{
	a->flags = ctx->id.flags;
	a->user = ctx->id.user;
	a->domain = ctx->id.domain;
}

void
ph_user_block(const struct vpw *pw, struct pr_user *u)
{
	memset(u, 0, sizeof(*u));
	vp_strlcpy(u->name, pw->name, sizeof(u->name));
	vp_strlcpy(u->comment, pw->gecos, sizeof(u->comment));
	vp_strlcpy(u->quota, pw->quota, sizeof(u->quota));
	vp_strlcpy(u->dir, pw->dir, sizeof(u->dir));
	vp_strlcpy(u->passwd, pw->passwd, sizeof(u->passwd));
	vp_strlcpy(u->clear, pw->clear, sizeof(u->clear));
	u->flags = pw->flags;
}

const char *
ph_arg(const struct pr_cmd *c, unsigned i)
{
	return i < c->nargs && c->args[i][0] != '\0' ? c->args[i] : NULL;
}

int
ph_prechecked(struct ph_ctx *ctx, const struct pr_cmd *c, int *r)
{
	struct vp_status st;

	if (!pol_precheck((enum vp_cmd)c->cmd, ph_arg(c, 0), &st))
		return 0;
	*r = ph_err(ctx, st.major, st.minor);
	return 1;
}

static void
target_find(const struct ph_ctx *ctx, struct ph_target *t)
{
	t->found = ph_domain_find(ctx, t->domain, &t->ent) == 0;
	t->real = t->found ? t->ent.domain : t->domain;
}

int
ph_target_address(const struct ph_ctx *ctx, const char *token,
    struct ph_target *t)
{
	memset(t, 0, sizeof(*t));
	if (ph_parse_address(ctx, token, t->user, sizeof(t->user), t->domain,
	    sizeof(t->domain)) < 0)
		return -1;
	target_find(ctx, t);
	snprintf(t->audit, sizeof(t->audit), "%.100s@%.100s", t->user,
	    t->real);
	return 0;
}

void
ph_target_domain(const struct ph_ctx *ctx, const char *token,
    struct ph_target *t)
{
	memset(t, 0, sizeof(*t));
	vp_strlcpy(t->domain, token, sizeof(t->domain));
	target_find(ctx, t);
	snprintf(t->audit, sizeof(t->audit), "%.200s", t->real);
}
