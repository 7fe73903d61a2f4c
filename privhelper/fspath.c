/*
 * fspath.c - the path resolver of the file-system commands (fspath.h).
 *
 * A path is turned into a candidate absolute path the way the reference
 * builds it (PROTOCOL.md 5.2), but every check after the string rules is
 * done differently (5.4): the named domain or user is authorised before
 * anything is looked up; the candidate is compared with the caller's root
 * component by component; the remainder is then walked from a directory
 * fd of that root with openat2 (no symlink, no magic link, never above
 * the root), and only the final component's name is kept, unopened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "address.h"
#include "flags.h"
#include "fs.h"
#include "fspath.h"
#include "target.h"
#include "util.h"
#include "vpasswd.h"

#define FSP_PATH_MAX	1024	/* buffers, NUL included */
/* The longest candidate (absolute path) served: the reference cut longer
 * ones to 255 bytes and then used the cut path (5.4 item 4), so every
 * path accepted here is one it handled whole, and longer ones are refused
 * rather than cut. */
#define FSP_CANDIDATE_MAX 255
#define FSP_DEPTH_MAX	64	/* components of a candidate */
#define FSP_TOOLONG	1513	/* "-ERR 0.1513 File name too long" */

/* A path cut into its components ("" and "." dropped). */
struct comps {
	char		 buf[FSP_PATH_MAX];
	const char	*v[FSP_DEPTH_MAX];
	size_t		 n;
};

/* -1 (ENAMETOOLONG) when a component, the count or the path is too long. */
static int
split(const char *path, struct comps *c)
{
	char *p, *save = NULL;

	c->n = 0;
	if (strlen(path) >= sizeof(c->buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	vp_strlcpy(c->buf, path, sizeof(c->buf));
	for (p = strtok_r(c->buf, "/", &save); p != NULL;
	    p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strlen(p) > NAME_MAX || c->n == FSP_DEPTH_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		c->v[c->n++] = p;
	}
	return 0;
}

/* Joins v[from..to) with '/'; -1 when it does not fit. */
static int
join(char *dst, size_t sz, const char *const *v, size_t from, size_t to)
{
	size_t i, len = 0, k;

	dst[0] = '\0';
	for (i = from; i < to; i++) {
		k = strlen(v[i]);
		if (len + k + 2 > sz)
			return -1;
		if (len > 0)
			dst[len++] = '/';
		memcpy(dst + len, v[i], k + 1);
		len += k;
	}
	return 0;
}

static unsigned
level_minor(const struct ph_ctx *ctx)
{
	if (ctx->id.level >= LEVEL_SA)
		return 1510;
	return ctx->id.level == LEVEL_QA ? 1511 : 1512;
}

void
fsp_unauthorized(const struct ph_ctx *ctx, struct vp_status *st)
{
	vp_status_set(st, 26, level_minor(ctx));
}

static int
fail(struct vp_status *st, unsigned major, unsigned minor)
{
	vp_status_set(st, major, minor);
	return 1;
}

static int
too_long(struct vp_status *st)
{
	vp_status_text(st, FSP_TOOLONG, strerror(ENAMETOOLONG));
	return 1;
}

/*
 * Names the daemon or vpopmail's tools own (5.4 item 8, STORAGE.md 2.2),
 * wherever they are: a file called "vpasswd" in a mailbox is refused
 * too, which costs nothing and needs no knowledge of the layout.
 */
static const char *const protected_exact[] = {
	"vpasswd", "vpasswd.cdb", "vpasswd.cdb.tmp", "cdb.tmp",
	".vpasswd.lock", ".dir-control", ".dir_control_free",
	".dir_control_free.lock", ".qmailadmin-limits", "maildirsize",
	"lastauth",
};
static const char *const protected_prefix[] = {
	"vpasswd.bak", ".dir-control.",
};

static int
name_protected_plain(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(protected_exact) / sizeof(protected_exact[0]);
	    i++)
		if (strcmp(name, protected_exact[i]) == 0)
			return 1;
	for (i = 0; i < sizeof(protected_prefix) /
	    sizeof(protected_prefix[0]); i++)
		if (strncmp(name, protected_prefix[i],
		    strlen(protected_prefix[i])) == 0)
			return 1;
	return 0;
}

/* Also our own temporaries ".<name>.tmp.<pid>.<rand>" (atomic.h) and the
 * maildirsize temporary of the delivery agent. */
static int
name_protected(const char *name)
{
	char base[NAME_MAX + 1];
	const char *t;

	if (name_protected_plain(name))
		return 1;
	if (strstr(name, "_NeWmAiLdIrSiZe.") != NULL)
		return 1;
	if (name[0] == '.' && (t = strstr(name + 1, ".tmp.")) != NULL &&
	    (size_t)(t - name) <= NAME_MAX) {
		memcpy(base, name + 1, (size_t)(t - name - 1));
		base[t - name - 1] = '\0';
		return name_protected_plain(base);
	}
	return 0;
}

/* The caller's root as an absolute path (5.3). 0, or 1 with st set. */
static int
caller_root(const struct ph_ctx *ctx, char *root, size_t sz,
    struct vp_status *st)
{
	struct assign_ent ent;
	static struct vpw pw;
	char dom[PR_FIELD_MAX];
	int fd, r;

	if (ctx->id.level >= LEVEL_SA) {
		if ((size_t)snprintf(root, sz, "%s/domains",
		    ctx->cfg->vpopmail_dir) >= sz)
			return too_long(st);
		return 0;
	}
	if (ctx->id.level == LEVEL_QA) {
		vp_strlcpy(root, ctx->id.domain_dir, sz);
		return 0;
	}
	/* USER: the home directory of the record as it is now */
	vp_strlcpy(dom, ctx->id.domain, sizeof(dom));
	if (ph_domain_find(ctx, dom, &ent) != 0 ||
	    (fd = ph_domain_open(ctx, &ent)) < 0) {
		fsp_unauthorized(ctx, st);
		return 1;
	}
	r = vpasswd_lookup(fd, ctx->id.user, &pw);
	close(fd);
	if (r == 0)
		vp_strlcpy(root, pw.dir, sz);
	explicit_bzero(&pw, sizeof(pw));
	if (r != 0) {
		fsp_unauthorized(ctx, st);
		return 1;
	}
	return 0;
}

/* Address form "<user>@<domain>/...": base := the user's home directory.
 * Authorisation first (A8, SA first: item 6), lookup after. */
static int
address_base(const struct ph_ctx *ctx, const char *prefix, char *base,
    size_t sz, struct vp_status *st)
{
	char user[PR_FIELD_MAX], domain[PR_FIELD_MAX];
	struct assign_ent ent;
	static struct vpw pw;
	int found, fd, r;

	if (strlen(prefix) > POL_ADDR_CUT ||
	    ph_parse_address(ctx, prefix, user, sizeof(user), domain,
	    sizeof(domain)) < 0)
		return fail(st, 24, 1505);
	found = ph_domain_find(ctx, domain, &ent) == 0;
	if (ctx->id.level < LEVEL_SA) {
		int own = found && strcmp(ent.domain, ctx->id.domain) == 0;

		if (ctx->id.level == LEVEL_QA && !own)
			return fail(st, 11, 1507);
		if (ctx->id.level < LEVEL_QA &&
		    (!own || strcmp(user, ctx->id.user) != 0))
			return fail(st, 12, 1508);
	}
	if (!found)
		return fail(st, 25, 1506);
	if ((fd = ph_domain_open(ctx, &ent)) < 0)
		return -1;
	r = vpasswd_lookup(fd, user, &pw);
	close(fd);
	if (r == 0)
		vp_strlcpy(base, pw.dir, sz);
	explicit_bzero(&pw, sizeof(pw));
	if (r < 0)
		return -1;
	return r == 0 ? 0 : fail(st, 25, 1506);
}

/* Domain form "<domain>/...": base := the domain directory. A domain
 * that is not the caller's own answers the same whether it exists or
 * not (A8): 26.1511 for a QA (the reference's answer for an existing
 * one), 11.1509 for a USER (its answer for an unknown one). */
static int
domain_base(const struct ph_ctx *ctx, const char *prefix, char *base,
    size_t sz, struct vp_status *st)
{
	char domain[PR_FIELD_MAX];
	struct assign_ent ent;
	int found;

	if (strlen(prefix) >= sizeof(domain))
		return fail(st, 11, 1509);
	vp_strlcpy(domain, prefix, sizeof(domain));
	found = ph_domain_find(ctx, domain, &ent) == 0;
	if (ctx->id.level < LEVEL_SA &&
	    (!found || strcmp(ent.domain, ctx->id.domain) != 0)) {
		if (ctx->id.level == LEVEL_QA)
			return fail(st, 26, 1511);
		return fail(st, 11, 1509);
	}
	if (!found)
		return fail(st, 11, 1509);
	vp_strlcpy(base, ent.dir, sz);
	return 0;
}

/* Steps 1-8 of 5.2: the candidate absolute path. 0, 1 (st) or -1. */
static int
candidate(const struct ph_ctx *ctx, const char *arg, char *cand, size_t sz,
    struct vp_status *st)
{
	char prefix[PR_ADDR_MAX], base[PATH_MAX];
	const char *slash, *at;
	int r;

	if (strstr(arg, "..") != NULL)
		return fail(st, 20, 1501);
	if (strchr(arg, '%') != NULL)
		return fail(st, 21, 1502);
	if (strlen(arg) >= sz)
		return too_long(st);
	if (arg[0] == '/') {
		vp_strlcpy(cand, arg, sz);
		return 0;
	}
	if ((slash = strchr(arg, '/')) == NULL)
		return fail(st, 22, 1503);
	at = strchr(arg, '@');
	if (at != NULL && at > slash)
		return fail(st, 23, 1504);
	if ((size_t)(slash - arg) >= sizeof(prefix))
		return too_long(st);
	memcpy(prefix, arg, (size_t)(slash - arg));
	prefix[slash - arg] = '\0';
	r = at != NULL ? address_base(ctx, prefix, base, sizeof(base), st) :
	    domain_base(ctx, prefix, base, sizeof(base), st);
	if (r != 0)
		return r;
	if ((size_t)snprintf(cand, sz, "%s%s", base, slash) >= sz)
		return too_long(st);
	return 0;
}

/* SA: the domains directory is not the only thing whose removal breaks
 * the system: a domain directory (domains/<d>, domains/<h>/<d>) or a
 * hash directory of domains (domains/<h>) is left to del_domain. */
static int
sa_domain_dir(const struct fsp_target *t, const struct comps *rem,
    size_t skip)
{
	size_t depth = rem->n - skip;
	struct stat sb;

	if (depth != 1 && !(depth == 2 && strlen(rem->v[skip]) == 1))
		return 0;
	return fstatat(t->parent_fd, t->name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(sb.st_mode);
}

/* uid:gid for what an SA creates: the domain's the path is in, else the
 * owner of the domains directory. */
static void
sa_owner(const struct ph_ctx *ctx, struct fsp_target *t,
    const struct comps *rem, size_t skip)
{
	char name[PR_FIELD_MAX];
	struct assign_ent ent;
	struct stat sb;
	size_t i = skip;

	if (i < rem->n && strlen(rem->v[i]) == 1)
		i++;
	if (i < rem->n && strlen(rem->v[i]) < sizeof(name)) {
		vp_strlcpy(name, rem->v[i], sizeof(name));
		if (ph_domain_find(ctx, name, &ent) == 0) {
			t->uid = ent.uid;
			t->gid = ent.gid;
			return;
		}
	}
	if (fstat(t->root_fd, &sb) == 0) {
		t->uid = sb.st_uid;
		t->gid = sb.st_gid;
	}
}

/* Opens the root and the parent of the final component. */
static int
walk(const struct ph_ctx *ctx, const char *rootrel, struct comps *rem,
    size_t skip, struct fsp_target *t)
{
	char rel[FSP_PATH_MAX];

	t->root_fd = fs_open_beneath(ctx->vpop_fd, rootrel,
	    O_PATH | O_DIRECTORY, 0);
	if (t->root_fd < 0)
		return -1;
	if (rem->n == skip) {
		t->is_root = 1;
		return 0;
	}
	if (join(rel, sizeof(rel), rem->v, skip, rem->n - 1) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	t->parent_fd = fs_open_beneath(t->root_fd, rel[0] ? rel : ".",
	    O_PATH | O_DIRECTORY, 0);
	if (t->parent_fd < 0)
		return -1;
	vp_strlcpy(t->name, rem->v[rem->n - 1], sizeof(t->name));
	t->is_protected = name_protected(t->name);
	return 0;
}

int
fsp_resolve(const struct ph_ctx *ctx, const char *arg, struct fsp_target *t,
    struct vp_status *st)
{
	static struct comps croot, cand;
	char root[FSP_PATH_MAX], path[FSP_PATH_MAX], rootrel[FSP_PATH_MAX];
	size_t i;
	int r, e;

	memset(t, 0, sizeof(*t));
	t->root_fd = t->parent_fd = -1;
	if ((r = candidate(ctx, arg, path, sizeof(path), st)) != 0)
		return r;
	if (strlen(path) > FSP_CANDIDATE_MAX)
		return too_long(st);
	if ((r = caller_root(ctx, root, sizeof(root), st)) != 0)
		return r;
	if (split(path, &cand) < 0)
		return too_long(st);
	/* the root must lie below vpopmail-dir; compared as components */
	if (split(root, &croot) < 0 || fs_relative(ctx->cfg->vpopmail_dir,
	    root, rootrel, sizeof(rootrel)) < 0 || croot.n > cand.n) {
		fsp_unauthorized(ctx, st);
		return 1;
	}
	for (i = 0; i < croot.n; i++)
		if (strcmp(croot.v[i], cand.v[i]) != 0) {
			fsp_unauthorized(ctx, st);
			return 1;
		}
	if (walk(ctx, rootrel, &cand, croot.n, t) < 0) {
		e = errno;
		fsp_close(t);
		errno = e;
		return -1;
	}
	if (ctx->id.level >= LEVEL_SA) {
		if (!t->is_root && sa_domain_dir(t, &cand, croot.n))
			t->is_root = 1;
		sa_owner(ctx, t, &cand, croot.n);
	} else {
		t->uid = ctx->id.uid;
		t->gid = ctx->id.gid;
	}
	if (join(path, sizeof(path), cand.v, croot.n, cand.n) < 0 ||
	    (size_t)snprintf(t->shown, sizeof(t->shown), "%s%s%s", rootrel,
	    path[0] ? "/" : "", path) >= sizeof(t->shown))
		vp_strlcpy(t->shown, rootrel, sizeof(t->shown));
	return 0;
}

void
fsp_close(struct fsp_target *t)
{
	if (t->parent_fd >= 0)
		close(t->parent_fd);
	if (t->root_fd >= 0)
		close(t->root_fd);
	t->parent_fd = t->root_fd = -1;
}

const char *
fsp_type_name(mode_t m)
{
	if (S_ISREG(m))
		return "file";
	if (S_ISDIR(m))
		return "dir";
	if (S_ISLNK(m))
		return "link";
	if (S_ISCHR(m))
		return "chardev";
	if (S_ISBLK(m))
		return "blkdev";
	if (S_ISFIFO(m))
		return "fifo";
	if (S_ISSOCK(m))
		return "sock";
	return "unknown";
}
