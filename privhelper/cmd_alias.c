/*
 * cmd_alias.c - aliases and forwards in the privhelper (PROTOCOL.md
 * 4.24-4.27: add_alias, remove_alias, delete_alias, list_alias),
 * list_lists (4.20) and the list commands the reference never
 * implemented (4.40).
 *
 * An alias is the file ".qmail-<name>" of the real domain's directory
 * (qmailfile.h). The checks run in the reference's order from the
 * arguments and the identity this process authenticated; domains are
 * lower-cased and alias-resolved before the scope check (A7, V10). What
 * a non-SA caller may store is judged by the program-delivery policy
 * (policy/delivery.h, A14). Every mutation and refusal leaves one audit
 * record.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cmd.h"
#include "delivery.h"
#include "errors.h"
#include "linefile.h"
#include "paging.h"
#include "qmailfile.h"
#include "reply.h"
#include "scope.h"
#include "target.h"
#include "util.h"

#define ALIAS_LOCK_TIMEOUT	18	/* s, as the reference's lock waits */
#define FIRST_LINE_MAX		4096	/* bytes judged by list_lists */

/* An <alias address> or <domain> argument, and the alias file name. */
struct tgt {
	struct ph_target	a;
	char			file[QF_NAME_MAX];	/* "" when invalid */
};

/* An <alias address>; -1 when it does not parse. t->file stays empty
 * for a name no alias file may have. */
static int
address(const struct ph_ctx *ctx, const char *token, struct tgt *t)
{
	t->file[0] = '\0';
	if (ph_target_address(ctx, token, &t->a) < 0)
		return -1;
	if (qf_file_name(t->a.user, t->file, sizeof(t->file)) < 0)
		t->file[0] = '\0';
	return 0;
}

static void
bare_domain(const struct ph_ctx *ctx, const char *token, struct tgt *t)
{
	t->file[0] = '\0';
	ph_target_domain(ctx, token, &t->a);
}

static int
may_admin(const struct ph_ctx *ctx, const struct tgt *t)
{
	struct pol_actor a;

	ph_actor(ctx, &a);
	return pol_may_admin_domain(&a, t->a.real);
}

static int
denied(struct ph_ctx *ctx, const char *op, const struct tgt *t,
    unsigned major, unsigned minor)
{
	audit(ctx, op, t->a.audit, "denied", vp_major_text(major));
	return ph_err(ctx, major, minor);
}

/* The table error of a failed change, with the reason in the audit. */
static int
failed(struct ph_ctx *ctx, const char *op, const struct tgt *t,
    unsigned major, unsigned minor, const char *why)
{
	audit(ctx, op, t->a.audit, "fail", why);
	return ph_err(ctx, major, minor);
}

/* The domain directory of a found domain under the alias lock: 0 with
 * *domfd and *lockfd, or -1 with errno. */
static int
open_locked(struct ph_ctx *ctx, const struct tgt *t, int *domfd,
    int *lockfd)
{
	int e;

	if ((*domfd = ph_domain_open(ctx, &t->a.ent)) < 0)
		return -1;
	if ((*lockfd = qf_lock(*domfd, ALIAS_LOCK_TIMEOUT)) < 0) {
		e = errno;
		close(*domfd);
		errno = e;
		return -1;
	}
	return 0;
}

static void
close_locked(int domfd, int lockfd)
{
	qf_unlock(lockfd);
	close(domfd);
}

/* The steps add_alias, remove_alias and delete_alias share (2-5):
 * 1 when an error was answered (*r set), else 0 with t filled. */
static int
alias_target(struct ph_ctx *ctx, const struct pr_cmd *c, const char *op,
    unsigned minor0, struct tgt *t, int *r)
{
	if (ph_prechecked(ctx, c, r))
		return 1;
	if (address(ctx, c->args[0], t) < 0) {
		*r = ph_err(ctx, VPM_INVALID_ALIAS, minor0 + 3);
		return 1;
	}
	if (!may_admin(ctx, t)) {
		*r = denied(ctx, op, t, VPM_NOT_AUTH_DOMAIN, minor0 + 4);
		return 1;
	}
	return 0;
}

int
ph_cmd_add_alias(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct tgt t;
	struct pol_actor a;
	const char *line;
	int r, domfd, lockfd;

	if (alias_target(ctx, c, "add_alias", 900, &t, &r))
		return r;
	if ((line = ph_arg(c, 1)) == NULL)
		return ph_err(ctx, VPM_ALIAS_LINE_REQUIRED, 906);
	if (t.file[0] == '\0')
		return failed(ctx, "add_alias", &t, VPM_ALIAS_INSERT, 907,
		    "invalid alias name");
	if (!qf_line_ok(line))
		return failed(ctx, "add_alias", &t, VPM_ALIAS_INSERT, 907,
		    "invalid delivery line");
	if (!t.a.found)
		return failed(ctx, "add_alias", &t, VPM_ALIAS_INSERT, 907,
		    "no such domain");
	ph_actor(ctx, &a);
	if (!pol_delivery_line_ok(&ctx->cfg->delivery, pol_is_sa(&a),
	    t.a.ent.dir, line, strlen(line))) {
		audit(ctx, "add_alias", t.a.audit, "denied",
		    POL_DELIVERY_REFUSED);
		return ph_err_text(ctx, 907, POL_DELIVERY_REFUSED);
	}
	if (open_locked(ctx, &t, &domfd, &lockfd) < 0)
		return failed(ctx, "add_alias", &t, VPM_ALIAS_INSERT, 907,
		    strerror(errno));
	r = qf_append(domfd, t.file, line, t.a.ent.uid, t.a.ent.gid);
	if (r < 0)
		r = errno;
	close_locked(domfd, lockfd);
	if (r != 0)
		return failed(ctx, "add_alias", &t, VPM_ALIAS_INSERT, 907,
		    strerror(r));
	audit(ctx, "add_alias", t.a.audit, "ok", line);
	return ph_ok(ctx, 0);
}

int
ph_cmd_remove_alias(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct tgt t;
	const char *line;
	int r, e = 0, domfd, lockfd;

	if (alias_target(ctx, c, "remove_alias", 1000, &t, &r))
		return r;
	if ((line = ph_arg(c, 1)) == NULL)
		return ph_err(ctx, VPM_ALIAS_LINE_REQUIRED, 1006);
	if (t.file[0] == '\0' || !t.a.found || strlen(line) > QF_LINE_MAX)
		return failed(ctx, "remove_alias", &t, VPM_ALIAS_REMOVE, 1007,
		    t.file[0] == '\0' ? "invalid alias name" : !t.a.found ?
		    "no such domain" : "line too long");
	if (open_locked(ctx, &t, &domfd, &lockfd) < 0)
		return failed(ctx, "remove_alias", &t, VPM_ALIAS_REMOVE, 1007,
		    strerror(errno));
	if ((r = qf_remove_line(domfd, t.file, line, t.a.ent.uid,
	    t.a.ent.gid)) < 0)
		e = errno;
	close_locked(domfd, lockfd);
	if (r < 0)
		return failed(ctx, "remove_alias", &t, VPM_ALIAS_REMOVE, 1007,
		    strerror(e));
	/* a line that is not there: the reference's "+OK " (nothing to
	 * remove), the file untouched */
	audit(ctx, "remove_alias", t.a.audit, "ok",
	    r == 0 ? "no such line" : line);
	return ph_ok(ctx, 0);
}

int
ph_cmd_delete_alias(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct tgt t;
	int r, domfd, lockfd;

	if (alias_target(ctx, c, "delete_alias", 1100, &t, &r))
		return r;
	if (t.file[0] == '\0' || !t.a.found)
		return failed(ctx, "delete_alias", &t, VPM_ALIAS_DELETE, 1106,
		    t.file[0] == '\0' ? "invalid alias name" :
		    "no such domain");
	if (open_locked(ctx, &t, &domfd, &lockfd) < 0)
		return failed(ctx, "delete_alias", &t, VPM_ALIAS_DELETE, 1106,
		    strerror(errno));
	/* unlinkat removes a link itself, never its target; a directory
	 * of that name is refused (EISDIR) */
	r = unlinkat(domfd, t.file, 0) < 0 ? errno : 0;
	close_locked(domfd, lockfd);
	if (r != 0)
		return failed(ctx, "delete_alias", &t, VPM_ALIAS_DELETE, 1106,
		    strerror(r));
	audit(ctx, "delete_alias", t.a.audit, "ok", "");
	return ph_ok(ctx, 0);
}

/* Sends every line of the open fd as "<key> <line>" (stored trailing CR
 * removed). A line the protocol cannot carry (CR or NUL inside, longer
 * than a reply value) is left out. -1 when the frontend is gone. */
static int
send_lines(struct ph_ctx *ctx, int fd, const char *key)
{
	static struct lf_reader rd;
	static char line[LF_LINE_MAX + 1];
	size_t n;
	int nl;

	lf_init(&rd, fd);
	while (lf_next(&rd, line, sizeof(line), &n, &nl) == 1) {
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n >= PR_PATH_MAX || memchr(line, '\r', n) != NULL ||
		    memchr(line, '\0', n) != NULL)
			continue;
		if (ph_line(ctx, key, line) < 0)
			return -1;
	}
	return 0;
}

/* Domain form (4.26): every alias file but .qmail-default; a link only
 * when its name has neither "-default" nor "-owner" (ezmlm's), read
 * when it points inside the domain directory. */
static int
list_domain_aliases(struct ph_ctx *ctx, const struct tgt *t, int domfd)
{
	static struct qf_scan s;
	char alias[QF_NAME_MAX], key[PR_PATH_MAX];
	size_t i;
	int fd, r = 0;

	/* decided before "+OK+" (S3): a new minor, no reference one fits */
	if (qf_scan(domfd, &s) < 0)
		return ph_err_text(ctx, 2806, strerror(errno));
	if (ph_ok(ctx, 1) < 0)
		r = -1;
	for (i = 0; r == 0 && i < s.n; i++) {
		const char *name = s.e[i].name;

		if (strcmp(name, QF_PREFIX "default") == 0 ||
		    (s.e[i].is_link && (strstr(name, "-default") != NULL ||
		    strstr(name, "-owner") != NULL)))
			continue;
		if ((fd = qf_open_entry(domfd, t->a.ent.dir, name)) < 0)
			continue;
		qf_alias_of(name, alias, sizeof(alias));
		snprintf(key, sizeof(key), "%.100s@%.400s", alias, t->a.domain);
		r = send_lines(ctx, fd, key);
		close(fd);
	}
	qf_scan_free(&s);
	return r < 0 ? -1 : ph_end(ctx);
}

int
ph_cmd_list_alias(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct tgt t;
	char key[PR_PATH_MAX];
	int r, domfd, fd = -1;
	int addr_form = strchr(c->nargs > 0 ? c->args[0] : "", '@') != NULL;

	if (ph_prechecked(ctx, c, &r))
		return r;
	if (addr_form) {
		if (address(ctx, c->args[0], &t) < 0)
			return ph_err(ctx, VPM_INVALID_EMAIL, 2803);
	} else
		bare_domain(ctx, c->args[0], &t);
	/* the parsed, alias-resolved domain: a QA may use the address form
	 * inside its own domain and its aliases (4.26 SHOULD, A7) */
	if (!may_admin(ctx, &t))
		return ph_err(ctx, VPM_NOT_AUTH_DOMAIN, 2804);
	/* an unknown domain or missing alias has nothing: "+OK+" "." (S2) */
	if (!t.a.found || (domfd = ph_domain_open(ctx, &t.a.ent)) < 0)
		return ph_ok(ctx, 1) < 0 ? -1 : ph_end(ctx);
	if (!addr_form) {
		r = list_domain_aliases(ctx, &t, domfd);
		close(domfd);
		return r;
	}
	if (t.file[0] != '\0')
		fd = qf_open_entry(domfd, t.a.ent.dir, t.file);
	close(domfd);
	r = ph_ok(ctx, 1);
	if (r == 0 && fd >= 0) {
		snprintf(key, sizeof(key), "%.100s@%.400s", t.a.user, t.a.domain);
		r = send_lines(ctx, fd, key);
	}
	if (fd >= 0)
		close(fd);
	return r < 0 ? -1 : ph_end(ctx);
}

/* The first line of an entry contains "ezmlm-reject" (4.20; every file
 * judged by its own first line). */
static int
is_list(int domfd, const char *dir, const char *name)
{
	char buf[FIRST_LINE_MAX + 1], *nl;
	size_t len = 0;
	ssize_t k;
	int fd;

	if ((fd = qf_open_entry(domfd, dir, name)) < 0)
		return 0;
	while (len < FIRST_LINE_MAX &&
	    (k = read(fd, buf + len, FIRST_LINE_MAX - len)) > 0)
		len += (size_t)k;
	close(fd);
	if ((nl = memchr(buf, '\n', len)) != NULL)
		len = (size_t)(nl - buf);
	return memmem(buf, len, "ezmlm-reject", 12) != NULL;
}

int
ph_cmd_list_lists(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	static struct tgt t;
	static struct qf_scan s;
	struct pol_page page;
	uint64_t i = 0;
	size_t k;
	int r, domfd, want = 1;

	if (ph_prechecked(ctx, c, &r))
		return r;
	bare_domain(ctx, c->args[0], &t);
	if (!may_admin(ctx, &t))
		return ph_err(ctx, VPM_NOT_AUTH_DOMAIN, 2903);
	if (!t.a.found)
		return ph_err(ctx, VPM_NOT_AUTH_DOMAIN, 2904);
	if ((domfd = ph_domain_open(ctx, &t.a.ent)) < 0)
		return ph_err_text(ctx, 2905, strerror(errno));
	if (qf_scan(domfd, &s) < 0) {
		r = errno;
		close(domfd);
		return ph_err_text(ctx, 2905, strerror(r));
	}
	pol_page_init(&page, ph_arg(c, 1), ph_arg(c, 2));
	r = ph_ok(ctx, 1);
	for (k = 0; r == 0 && want >= 0 && k < s.n; k++) {
		if (!is_list(domfd, t.a.ent.dir, s.e[k].name))
			continue;
		if ((want = pol_page_want(&page, i++)) > 0)
			r = ph_line(ctx, s.e[k].name, NULL);
	}
	qf_scan_free(&s);
	close(domfd);
	return r < 0 ? -1 : ph_end(ctx);
}

int
ph_cmd_add_list(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err(ctx, VPM_NOT_IMPLEMENTED, 4001);
}

int
ph_cmd_del_list(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err(ctx, VPM_NOT_IMPLEMENTED, 4101);
}

int
ph_cmd_mod_list(struct ph_ctx *ctx, const struct pr_cmd *c)
{
	(void)c;
	return ph_err(ctx, VPM_NOT_IMPLEMENTED, 4201);
}
