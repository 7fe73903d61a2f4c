/*
 * cmd_info.c - the IP map (PROTOCOL.md 4.36-4.39), get_lastauth (4.22),
 * get_user_size (4.23) and get_domain_size (4.15) in the privhelper.
 *
 * Each handler runs the reference's checks in its order, from the
 * arguments and the identity this process authenticated, then reads or
 * changes the trees through ipmap.h, lastauth.h and mailsize.h. Domains
 * are lower-cased and alias-resolved before a scope check (A7). add and
 * del of the IP map leave one audit record each, refusals included.
 * get_user_size and get_domain_size keep the reference's own error lines
 * ("-ERR 3801 not authorized": no major, VPM_BARE).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cmd.h"
#include "errors.h"
#include "fs.h"
#include "ipmap.h"
#include "lastauth.h"
#include "mailsize.h"
#include "reply.h"
#include "scope.h"
#include "store.h"
#include "target.h"
#include "util.h"

#define SIZE_TRIES	3	/* get_domain_size scans before giving up (S3) */

static int
is_sa(const struct ph_ctx *ctx)
{
	struct pol_actor a;

	ph_actor(ctx, &a);
	return pol_is_sa(&a);
}

static int
is_admin(const struct ph_ctx *ctx)
{
	struct pol_actor a;

	ph_actor(ctx, &a);
	return pol_is_admin(&a);
}

static int
may_admin(const struct ph_ctx *ctx, const char *real)
{
	struct pol_actor a;

	ph_actor(ctx, &a);
	return pol_may_admin_domain(&a, real);
}

/* "-ERR <code> <text>": the reference's lines without a major. */
static int
err_bare(struct ph_ctx *ctx, unsigned code, const char *text)
{
	static struct pr_buf out;
	struct vp_status st;

	st.major = VPM_BARE;
	st.minor = (uint16_t)code;
	vp_strlcpy(st.text, text, sizeof(st.text));
	pr_put_status(&out, &st);
	return pr_send(ctx->fd, &out);
}

/* ---- the IP map ---- */

int
ph_cmd_get_ip_map(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static char dom[IPMAP_LINE_MAX];
	const char *ip = ph_arg(c, 0);

	if (!is_sa(ctx))
		return ph_err(ctx, VPM_NOT_AUTHORIZED, 3001);
	if (ip == NULL)
		return ph_err(ctx, 37, 3002);
	if (ipmap_lookup(ctx->vpop_fd, ip, dom, sizeof(dom)) != 0)
		return ph_err_text(ctx, 3003, "error");
	if (ph_ok(ctx, 1) < 0 || ph_line(ctx, ip, dom) < 0)
		return -1;
	return ph_end(ctx);
}

/* The refusals and failures of add/del, audited. */
static int
ipmap_refuse(struct ph_ctx *ctx, const char *op, const char *target,
    const char *result, unsigned major, unsigned minor, const char *text)
{
	audit(ctx, op, target, result, text != NULL ? text :
	    vp_major_text(major));
	if (text != NULL)
		return ph_err_text(ctx, minor, text);
	return ph_err(ctx, major, minor);
}

int
ph_cmd_add_ip_map(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static const char op[] = "add_ip_map";
	const char *ip = ph_arg(c, 0), *d = ph_arg(c, 1);
	char name[PR_ADDR_MAX], target[300];
	struct assign_ent ent;

	snprintf(target, sizeof(target), "%.60s %.200s", ip ? ip : "",
	    d ? d : "");
	if (!is_sa(ctx))
		return ipmap_refuse(ctx, op, target, "denied",
		    VPM_NOT_AUTHORIZED, 3101, NULL);
	if (ip == NULL)
		return ph_err(ctx, VPM_IP_REQUIRED, 3102);
	if (d == NULL)
		return ph_err(ctx, VPM_DOMAIN_REQUIRED, 3103);
	/* V8: the reference stores any token; only IP literals here */
	if (!ipmap_ip_ok(ip))
		return ipmap_refuse(ctx, op, target, "fail", 0, 3105,
		    "invalid IP address");
	vp_strlcpy(name, d, sizeof(name));
	if (ph_domain_find(ctx, name, &ent) != 0)
		return ipmap_refuse(ctx, op, target, "fail", 38, 3104, NULL);
	snprintf(target, sizeof(target), "%.60s %.200s", ip, ent.domain);
	if (ipmap_add(ctx->vpop_fd, ip, ent.domain) < 0) {
		audit(ctx, op, target, "fail", strerror(errno));
		return ph_err_text(ctx, 3105, "error");
	}
	audit(ctx, op, target, "ok", "");
	return ph_ok(ctx, 0);
}

int
ph_cmd_del_ip_map(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static const char op[] = "del_ip_map";
	const char *ip = ph_arg(c, 0), *d = ph_arg(c, 1);
	char target[300];

	snprintf(target, sizeof(target), "%.60s %.200s", ip ? ip : "",
	    d ? d : "");
	if (!is_sa(ctx))
		return ipmap_refuse(ctx, op, target, "denied",
		    VPM_NOT_AUTHORIZED, 3201, NULL);
	if (ip == NULL)
		return ph_err(ctx, 37, 3202);
	if (d == NULL)
		return ph_err(ctx, VPM_DOMAIN_REQUIRED, 3203);
	/* no IP check: a foreign line holding anything can be removed */
	if (ipmap_del(ctx->vpop_fd, ip, d) < 0) {
		audit(ctx, op, target, "fail", strerror(errno));
		return ph_err_text(ctx, 3204, "error");
	}
	audit(ctx, op, target, "ok", "");
	return ph_ok(ctx, 0);
}

static int
count_line(void *arg, const char *ip, const char *dom)
{
	(void)arg;
	(void)ip;
	(void)dom;
	return 0;
}

static int
send_line(void *arg, const char *ip, const char *dom)
{
	return ph_line(arg, ip, dom) < 0 ? -2 : 0;
}

int
ph_cmd_show_ip_map(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	if (!is_sa(ctx))
		return ph_err(ctx, VPM_NOT_AUTHORIZED, 3301);
	/* read it once before "+OK+" so a bad map is one error line */
	if (ipmap_each(ctx->vpop_fd, count_line, NULL) != 0)
		return ph_err_text(ctx, 3303, "error");
	if (ph_ok(ctx, 1) < 0 || ipmap_each(ctx->vpop_fd, send_line, ctx) == -2)
		return -1;
	return ph_end(ctx);
}

/* ---- a user's data: get_lastauth, get_user_size ---- */

/* What an <address> argument names once the checks passed. */
struct who {
	char			user[PR_FIELD_MAX];
	char			domain[PR_ADDR_MAX];
	struct assign_ent	ent;
	struct vpw		pw;
};

enum who_step { WHO_OK, WHO_NOT_ADMIN, WHO_MISSING, WHO_INVALID,
	WHO_NOT_DOMAIN, WHO_NO_USER };

/* Steps 1-5 of 4.22 / 4.23 in the reference's order. */
static enum who_step
find_who(struct ph_ctx *ctx, const struct pr_cmd *c, struct who *w)
{
	const char *a = ph_arg(c, 0);
	int found;

	memset(w, 0, sizeof(*w));
	if (!is_admin(ctx))
		return WHO_NOT_ADMIN;
	if (a == NULL)
		return WHO_MISSING;
	if (ph_parse_address(ctx, a, w->user, sizeof(w->user), w->domain,
	    sizeof(w->domain)) < 0)
		return WHO_INVALID;
	found = ph_domain_find(ctx, w->domain, &w->ent) == 0;
	if (!may_admin(ctx, found ? w->ent.domain : w->domain))
		return WHO_NOT_DOMAIN;
	if (!found || store_user_get(ctx, &w->ent, w->user, &w->pw) != 0)
		return WHO_NO_USER;
	return WHO_OK;
}

/* The user's home, O_PATH, or -1 (errno). */
static int
open_home(struct ph_ctx *ctx, const struct who *w)
{
	char rel[PR_FIELD_MAX];
	int dfd, hfd, e;

	if (fs_relative(w->ent.dir, w->pw.dir, rel, sizeof(rel)) < 0) {
		errno = EXDEV;
		return -1;
	}
	if ((dfd = ph_domain_open(ctx, &w->ent)) < 0)
		return -1;
	hfd = fs_open_beneath(dfd, rel, O_PATH | O_DIRECTORY, 0);
	e = errno;
	close(dfd);
	errno = e;
	return hfd;
}

int
ph_cmd_get_lastauth(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static const unsigned minor[] = { 0, 3701, 3702, 3703, 3704, 3705 };
	static const unsigned major[] = { 0, VPM_NOT_AUTHORIZED,
	    VPM_EMAIL_REQUIRED, VPM_INVALID_EMAIL, VPM_NOT_AUTH_DOMAIN,
	    VPM_NO_USER };
	static struct who w;
	char ip[LASTAUTH_IP_MAX];
	int64_t when = 0;
	enum who_step s;
	int hfd, r;

	vp_strlcpy(ip, "0.0.0.0", sizeof(ip));
	if ((s = find_who(ctx, c, &w)) != WHO_OK) {
		explicit_bzero(&w, sizeof(w));
		return ph_err(ctx, major[s], minor[s]);
	}
	/* S4/B6: always the four lines; unknown is time 0, ip 0.0.0.0 */
	if ((hfd = open_home(ctx, &w)) >= 0) {
		(void)lastauth_read(hfd, &when, ip, sizeof(ip));
		close(hfd);
	}
	explicit_bzero(&w, sizeof(w));
	r = ph_ok(ctx, 1) < 0 ||
	    ph_linef(ctx, "time", "%" PRId64, when) < 0 ||
	    ph_line(ctx, "ip", ip) < 0 ? -1 : ph_end(ctx);
	return r;
}

int
ph_cmd_get_user_size(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static const char *const text[] = { "", "not authorized",
	    "email_address required", "invalid email address",
	    "not authorized for domain", "user does not exist" };
	static struct who w;
	struct mds_usage u;
	enum who_step s;
	int dfd, r;

	if ((s = find_who(ctx, c, &w)) != WHO_OK) {
		explicit_bzero(&w, sizeof(w));
		return err_bare(ctx, 3800 + (unsigned)s, text[s]);
	}
	r = -1;
	if ((dfd = ph_domain_open(ctx, &w.ent)) >= 0) {
		r = mailsize_user(dfd, &w.ent, &w.pw, &u);
		close(dfd);
	}
	explicit_bzero(&w, sizeof(w));
	if (r < 0)
		return err_bare(ctx, 3806,
		    "unable to fetch size of user account");
	if (ph_ok(ctx, 1) < 0 ||
	    ph_linef(ctx, "size", "%" PRIu64, u.bytes) < 0 ||
	    ph_linef(ctx, "count", "%" PRIu64, u.count) < 0)
		return -1;
	return ph_end(ctx);
}

/* ---- get_domain_size ---- */

/* One walk over the user table: pass 1 (send 0) only counts and stops at
 * the first user whose Maildir cannot be read; pass 2 (send 1) lists. */
struct dsize {
	struct ph_ctx		*ctx;
	const struct assign_ent	*ent;
	const char		*domain;	/* as printed */
	int			 domfd;
	int			 send;
	struct mds_usage	 total;
	char			 bad[PR_FIELD_MAX];	/* pass 1: who failed */
};

static int
dsize_user(void *arg, const struct vpw *pw)
{
	struct dsize *d = arg;
	struct mds_usage u;
	char who[PR_ADDR_MAX];

	if (mailsize_user(d->domfd, d->ent, pw, &u) < 0) {
		if (!d->send) {
			vp_strlcpy(d->bad, pw->name, sizeof(d->bad));
			return 3;	/* store_user_each turns 1 into 0 */
		}
		/* changed since pass 1 ("+OK+" is out): listed as empty */
		audit(d->ctx, "get_domain_size", pw->name, "fail",
		    strerror(errno));
		u.bytes = u.count = 0;
	}
	d->total.bytes += u.bytes;
	d->total.count += u.count;
	if (!d->send)
		return 0;
	snprintf(who, sizeof(who), "%s@%s", pw->name, d->domain);
	if (ph_line(d->ctx, "user", who) < 0 ||
	    ph_linef(d->ctx, "size", "%" PRIu64, u.bytes) < 0 ||
	    ph_linef(d->ctx, "count", "%" PRIu64, u.count) < 0)
		return -2;
	return 0;
}

/* One pass; 0 done, 3 a user failed (pass 1), -1 table unreadable,
 * -2 the frontend is gone. */
static int
dsize_pass(struct dsize *d, int send)
{
	int r;

	d->send = send;
	d->total.bytes = d->total.count = 0;
	d->bad[0] = '\0';
	if ((d->domfd = ph_domain_open(d->ctx, d->ent)) < 0)
		return -1;
	r = store_user_each(d->ctx, d->ent, dsize_user, d);
	close(d->domfd);
	return r;
}

static int
dsize_trailer(struct ph_ctx *ctx, const char *domain,
    const struct mds_usage *t)
{
	if (ph_line(ctx, "domain", domain) < 0 ||
	    ph_linef(ctx, "size", "%" PRIu64, t->bytes) < 0 ||
	    ph_linef(ctx, "count", "%" PRIu64, t->count) < 0)
		return -1;
	return ph_end(ctx);
}

int
ph_cmd_get_domain_size(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct dsize d;
	static struct assign_ent ent;
	char name[PR_ADDR_MAX], text[PR_FIELD_MAX + 64];
	const char *a = ph_arg(c, 0);
	struct mds_usage zero = { 0, 0 };
	int found, i, r = 1;

	if (!is_admin(ctx))
		return err_bare(ctx, 3901, "not authorized");
	if (a == NULL)
		return err_bare(ctx, 3902, "domain required");
	vp_strlcpy(name, a, sizeof(name));
	found = ph_domain_find(ctx, name, &ent) == 0;
	/* A7: a QA's alias names are its own domain */
	if (!may_admin(ctx, found ? ent.domain : name))
		return err_bare(ctx, 3903, "not authorized for domain");
	if (!found)
		return ph_ok(ctx, 1) < 0 ? -1 : dsize_trailer(ctx, a, &zero);
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.ent = &ent;
	d.domain = ent.domain;
	/* S3: decide before "+OK+"; a scan that fails is tried again */
	for (i = 0; i < SIZE_TRIES && r != 0; i++)
		r = dsize_pass(&d, 0);
	if (r != 0) {
		snprintf(text, sizeof(text),
		    "unable to fetch size of user accounts '%s'", d.bad);
		return err_bare(ctx, 3904, text);
	}
	if (ph_ok(ctx, 1) < 0)
		return -1;
	/* pass 2 lists what it finds now; its trailer sums its own lines */
	if (dsize_pass(&d, 1) == -2)
		return -1;
	return dsize_trailer(ctx, ent.domain, &d.total);
}
