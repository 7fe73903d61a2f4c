/*
 * store_user.c - the user half of store.h for the cdb layout: one
 * domain's vpasswd + vpasswd.cdb (vpasswd.h, vpasswd_write.h), the
 * user directories (userdir.h, dircontrol.h), the domain limits for a
 * new user's quota (domlimits.h) and new hashes (passwd.h).
 *
 * Order of a new user (STORAGE.md 6.6, 13.3): checks, allocation (the
 * new .dir-control written, not renamed), directory tree, then the one
 * vpasswd insert that makes the user exist - quota included, so there is
 * no second rewrite. That insert commits .dir-control, vpasswd and
 * vpasswd.cdb with one syncfs, which makes the tree durable too before
 * the first rename, and one directory fsync: two device flushes per add.
 * A crash before the insert leaves at most an orphan directory, never a
 * line pointing at nothing. Deletion is the reverse: line first, tree
 * last.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "cdbmake.h"
#include "dircontrol.h"
#include "domlimits.h"
#include "errors.h"
#include "fs.h"
#include "linefile.h"
#include "passwd.h"
#include "rmtree.h"
#include "store.h"
#include "target.h"
#include "userdir.h"
#include "util.h"
#include "validate.h"
#include "vpasswd_write.h"

int
store_user_get(struct ph_ctx *ctx, const struct assign_ent *ent,
    const char *name, struct vpw *pw)
{
	int fd, r, e;

	if (name[0] == '\0' || strlen(name) > VAL_USER_MAX ||
	    !pol_user_chars_ok(name))
		return 1;
	if ((fd = ph_domain_open(ctx, ent)) < 0)
		return -1;
	r = vpasswd_lookup(fd, name, pw);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

int
store_user_each(struct ph_ctx *ctx, const struct assign_ent *ent,
    int (*fn)(void *, const struct vpw *), void *arg)
{
	/* static: 8 KiB off the sandbox's small stack; the helper is
	 * single-threaded and fn must not call store_user_each again */
	static char line[VPW_LINE_MAX + 2];
	static struct lf_reader rd;
	struct vpw pw;
	size_t n;
	int dfd, fd, nl, r, e;

	if ((dfd = ph_domain_open(ctx, ent)) < 0)
		return -1;
	fd = lf_open(dfd, "vpasswd");
	e = errno;
	close(dfd);
	if (fd < 0)
		return e == ENOENT ? 0 : (errno = e, -1);
	lf_init(&rd, fd);
	while ((r = lf_next(&rd, line, sizeof(line), &n, &nl)) == 1) {
		/* The reference's listing ends at the first line it cannot
		 * read as a user (fewer than six ':'); so does this one. */
		if (memchr(line, '\0', n) != NULL ||
		    vpasswd_parse_line(line, n, &pw) < 0)
			break;
		if ((r = fn(arg, &pw)) != 0)
			break;
	}
	e = errno;
	close(fd);
	explicit_bzero(line, sizeof(line));
	explicit_bzero(&pw, sizeof(pw));
	errno = e;
	return r == 1 ? 0 : r;
}

/* The quota of a new user from the domain's defaults (6.6 step 4). */
static int
new_quota(const struct limits *l, char *q, size_t qsz)
{
	int n;

	if (l->default_quota > 0 && l->default_maxmsgcount > 0)
		n = snprintf(q, qsz, "%" PRIu64 "S,%" PRIu64 "C",
		    l->default_quota, l->default_maxmsgcount);
	else if (l->default_quota > 0)
		n = snprintf(q, qsz, "%" PRIu64 "S", l->default_quota);
	else if (l->default_maxmsgcount > 0)
		n = snprintf(q, qsz, "%" PRIu64 "C", l->default_maxmsgcount);
	else
		n = snprintf(q, qsz, "NOQUOTA");
	if (n < 0 || (size_t)n >= qsz || val_quota(q) != VAL_OK)
		return VERR_QUOTA_TOO_LONG;
	return 0;
}

/* Where the allocation came from, so a failed add can give it back. */
struct alloc {
	char			hash[DC_PATH_MAX];
	int			from_free;	/* popped from .dir_control_free */
	struct atomic_file	dc;	/* else: the new .dir-control, kept
					 * for the commit of the vpasswd line */
};

static int
alloc_dir(int domfd, const struct assign_ent *ent, struct alloc *a)
{
	int fd, r = 0;

	/* No free list: do not leave a .dir_control_free.lock behind
	 * where the reference would not have made one. */
	fd = fs_open_beneath(domfd, ".dir_control_free", O_PATH, 0);
	if (fd >= 0) {
		close(fd);
		r = dc_free_pop(domfd, ent->uid, ent->gid, a->hash,
		    sizeof(a->hash));
	}
	a->from_free = r == 1;
	a->dc.fd = -1;
	a->dc.tmp[0] = '\0';
	if (r == 1)
		return 0;
	/* a broken free list must not stop new users: use the allocator */
	return dc_alloc_begin(domfd, ent->uid, ent->gid, a->hash,
	    sizeof(a->hash), &a->dc);
}

/* "As far as reasonable", as the reference does it: the count goes back
 * down and a reused hash goes back on the free list; the allocator's
 * position stays advanced, which only skews the spreading (STORAGE.md
 * 7). A new .dir-control still pending is put in place first, so the
 * file ends as the reference's would; one lost in a failed commit of
 * the vpasswd line leaves the count one up (the same skew). */
static void
alloc_undo(int domfd, const struct assign_ent *ent, struct alloc *a)
{
	if (a->from_free || (a->dc.fd >= 0 && atomic_commit(&a->dc) == 0))
		(void)dc_release(domfd, ent->uid, ent->gid);
	if (a->from_free)
		(void)dc_free_push(domfd, ent->uid, ent->gid, a->hash);
	atomic_abort(&a->dc);
}

static int
user_dir_path(const struct assign_ent *ent, const struct alloc *a,
    const char *name, char *dir, size_t dsz)
{
	int n = snprintf(dir, dsz, "%s/%s%s%s", ent->dir, a->hash,
	    a->hash[0] != '\0' ? "/" : "", name);

	if (n < 0 || (size_t)n >= dsz || (size_t)n > VAL_DIR_MAX ||
	    val_pw_dir(dir) != VAL_OK)
		return VERR_DIR_TOO_LONG;
	return 0;
}

/* Steps of 6.6 that need no change yet: 0 or a vp_verr. */
static int
add_checks(struct ph_ctx *ctx, int domfd, const char *name, const char *pw,
    const char *gecos, struct vpw *out, char *quota, size_t qsz)
{
	struct limits lim;
	int r;

	if ((r = userdir_name_check(name)) != 0)
		return r;
	if (strlen(gecos) > VAL_GECOS_MAX)
		return VERR_GECOS_TOO_LONG;
	if (val_gecos(gecos) != VAL_OK)
		return VERR_BAD_CHAR;
	r = vpasswd_lookup(domfd, name, out);
	if (r == 0)
		return VERR_USER_EXISTS;
	if (r < 0)
		return VERR_UNKNOWN;
	if (limits_read(ctx, domfd, &lim) < 0)
		return VERR_NO_LIMITS;
	if ((r = passwd_policy(pw)) != 0)
		return r;
	return new_quota(&lim, quota, qsz);
}

static int
fill_line(struct ph_ctx *ctx, struct vpw *v, const char *name,
    const char *pw, const char *gecos, const char *quota)
{
	memset(v, 0, sizeof(*v));
	vp_strlcpy(v->name, name, sizeof(v->name));
	/* an empty password stores an empty hash: no login (6.7, V11) */
	if (pw[0] != '\0' && passwd_hash(pw, v->passwd, sizeof(v->passwd)) < 0)
		return VERR_UNKNOWN;
	v->uid = 1;
	v->flags = 0;
	vp_strlcpy(v->gecos, gecos, sizeof(v->gecos));
	vp_strlcpy(v->quota, quota, sizeof(v->quota));
	if (ctx->cfg != NULL && ctx->cfg->clear_passwords) {
		vp_strlcpy(v->clear, pw, sizeof(v->clear));
		v->has_clear = 1;
	}
	return 0;
}

/* The user line of v, committed with the new .dir-control: their one
 * syncfs also makes the tree (userdir_make) durable before the line
 * that points at it is renamed into place. */
static int
insert_line(struct ph_ctx *ctx, int domfd, const struct assign_ent *ent,
    const struct vpw *v, struct alloc *a)
{
	int clear = ctx->cfg != NULL && ctx->cfg->clear_passwords;

	if (vpasswd_insert_also(domfd, ent->uid, ent->gid, v, clear,
	    a->from_free ? NULL : &a->dc) == 0)
		return 0;
	return errno == EEXIST ? VERR_USER_EXISTS : VERR_NO_AUTH_DB;
}

static int
add_in(struct ph_ctx *ctx, int domfd, const struct assign_ent *ent,
    const char *name, const char *pw, const char *gecos)
{
	static struct vpw v;
	char quota[VAL_QUOTA_MAX + 8];
	struct alloc a;
	int r;

	if ((r = add_checks(ctx, domfd, name, pw, gecos, &v, quota,
	    sizeof(quota))) != 0)
		return r;
	if ((r = fill_line(ctx, &v, name, pw, gecos, quota)) != 0)
		return r;
	if (alloc_dir(domfd, ent, &a) < 0)
		return VERR_CHDIR_USERS;
	if ((r = user_dir_path(ent, &a, name, v.dir, sizeof(v.dir))) != 0)
		goto undo;
	if (userdir_make(domfd, a.hash, name, ent->uid, ent->gid,
	    quota) < 0) {
		r = VERR_USER_DIR_EXISTS;	/* the reference's one text */
		goto undo;
	}
	if ((r = insert_line(ctx, domfd, ent, &v, &a)) != 0) {
		char rel[DC_PATH_MAX + VAL_USER_MAX + 2];
		int pfd;

		snprintf(rel, sizeof(rel), "%s", a.hash[0] ? a.hash : ".");
		if ((pfd = fs_open_beneath(domfd, rel, O_PATH | O_DIRECTORY,
		    0)) >= 0) {
			(void)rmtree_at(pfd, name);
			close(pfd);
		}
		goto undo;
	}
	explicit_bzero(&v, sizeof(v));
	return 0;
undo:
	explicit_bzero(&v, sizeof(v));
	alloc_undo(domfd, ent, &a);
	return r;
}

int
store_user_add(struct ph_ctx *ctx, const struct assign_ent *ent,
    const char *uname, const char *pw, const char *gecos)
{
	char name[PR_FIELD_MAX];
	int domfd, r;

	if (strlen(uname) > VAL_USER_MAX)
		return VERR_USER_TOO_LONG;
	vp_strlcpy(name, uname, sizeof(name));
	val_lower(name);
	if ((domfd = ph_domain_open(ctx, ent)) < 0)
		return VERR_CHDIR_DOMAINS;
	r = add_in(ctx, domfd, ent, name, pw,
	    gecos != NULL && gecos[0] != '\0' ? gecos : name);
	close(domfd);
	return r;
}

int
store_user_set(struct ph_ctx *ctx, const struct assign_ent *ent,
    const struct vpw *pw)
{
	int domfd, r, e;
	/* Q25: a clear-text configuration writes 8 fields; otherwise a
	 * foreign 8th field is kept as it was, never silently dropped */
	int clear = (ctx->cfg != NULL && ctx->cfg->clear_passwords) ||
	    pw->has_clear;

	if ((domfd = ph_domain_open(ctx, ent)) < 0)
		return VERR_CHDIR_DOMAINS;
	r = vpasswd_replace(domfd, ent->uid, ent->gid, pw, clear);
	e = errno;
	close(domfd);
	errno = e;
	if (r == 0)
		return 0;
	return e == ENOENT ? VERR_NO_USER : e == EINVAL ? VERR_BAD_CHAR :
	    VERR_UNKNOWN;
}

/*
 * 6.9 step 2: the first line of .qmail-default delivers to this user
 * ("| .../vdelivermail '' <target>", target a path inside the domain
 * directory ending in the user's name, or <user>@<domain>). A path that
 * is the user's own pw_dir (or inside it, e.g. its Maildir) counts too.
 */
static int
target_is_user(const char *t, size_t n, const struct assign_ent *ent,
    const struct vpw *pw)
{
	char tok[PATH_MAX], rel[PATH_MAX], addr[PR_FIELD_MAX * 2 + 2];
	const char *last;
	size_t dl = strlen(pw->dir);

	if (n >= sizeof(tok))
		return 0;
	memcpy(tok, t, n);
	tok[n] = '\0';
	snprintf(addr, sizeof(addr), "%s@%s", pw->name, ent->domain);
	if (strcmp(tok, addr) == 0)
		return 1;
	if (tok[0] != '/')
		return 0;
	while (n > 1 && tok[n - 1] == '/')
		tok[--n] = '\0';
	if (dl > 0 && strncmp(tok, pw->dir, dl) == 0 &&
	    (tok[dl] == '\0' || tok[dl] == '/'))
		return 1;
	if (fs_relative(ent->dir, tok, rel, sizeof(rel)) < 0)
		return 0;
	last = strrchr(tok, '/') + 1;
	return strcmp(last, pw->name) == 0;
}

static int
is_catchall(int domfd, const struct assign_ent *ent, const struct vpw *pw)
{
	static struct lf_reader rd;
	char line[LF_LINE_MAX];
	const char *s, *e, *end;
	size_t n;
	int fd, nl, r;

	if ((fd = lf_open(domfd, ".qmail-default")) < 0)
		return 0;
	lf_init(&rd, fd);
	r = lf_next(&rd, line, sizeof(line), &n, &nl);
	close(fd);
	if (r != 1 || memchr(line, '\0', n) != NULL)
		return 0;
	end = line + n;
	if ((s = strstr(line, "vdelivermail")) == NULL ||
	    (s = strstr(s, "''")) == NULL)
		return 0;
	for (s += 2; s < end && (*s == ' ' || *s == '\t'); s++)
		;
	for (e = s; e < end && *e != ' ' && *e != '\t'; e++)
		;
	return e > s && target_is_user(s, (size_t)(e - s), ent, pw);
}

/*
 * The user's directory relative to the domain directory, split into
 * the hash ("" or "0" or "0/3") and the last component. Only the shape
 * the allocator makes is accepted - <hash>/<name> with 1-char hash
 * components - so a tampered pw_dir can never name vpasswd, a hash
 * directory holding other users, or anything outside the domain.
 */
static int
split_dir(const struct assign_ent *ent, const struct vpw *pw, char *hash,
    size_t hsz, const char **last, char *rel, size_t rsz)
{
	char *slash;

	if (pw->dir[0] == '\0' ||
	    fs_relative(ent->dir, pw->dir, rel, rsz) < 0)
		return -1;
	if ((slash = strrchr(rel, '/')) == NULL) {
		hash[0] = '\0';
		*last = rel;
	} else {
		*slash = '\0';
		if ((size_t)(slash - rel) >= hsz || !dc_hash_ok(rel))
			return -1;
		vp_strlcpy(hash, rel, hsz);
		*last = slash + 1;
	}
	return strcmp(*last, pw->name) == 0 ? 0 : -1;
}

/* Removes the user's tree; VERR_CHDIR_VPOPMAIL (the reference's text
 * for a failed removal) when it is not where a user's tree may be. */
static int
remove_tree(int domfd, const char *hash, const char *last)
{
	int pfd, r, e;

	pfd = fs_open_beneath(domfd, hash[0] ? hash : ".",
	    O_PATH | O_DIRECTORY, 0);
	if (pfd < 0)
		return errno == ENOENT ? 0 : VERR_CHDIR_VPOPMAIL;
	r = rmtree_at(pfd, last);
	e = errno;
	close(pfd);
	/* a line may point at a directory not made yet (6.13) */
	return r == 0 || e == ENOENT ? 0 : VERR_CHDIR_VPOPMAIL;
}

static int
del_in(int domfd, const struct assign_ent *ent,
    const char *name)
{
	char hash[DC_PATH_MAX], rel[PATH_MAX];
	const char *last = NULL;
	struct vpw pw;
	int r, shaped;

	r = vpasswd_lookup(domfd, name, &pw);
	if (r != 0)
		return r == 1 ? VERR_NO_USER : VERR_UNKNOWN;
	explicit_bzero(pw.passwd, sizeof(pw.passwd));
	explicit_bzero(pw.clear, sizeof(pw.clear));
	if (is_catchall(domfd, ent, &pw))
		return VERR_CATCHALL;
	shaped = split_dir(ent, &pw, hash, sizeof(hash), &last, rel,
	    sizeof(rel)) == 0;
	if (vpasswd_delete(domfd, ent->uid, ent->gid, name) < 0)
		return errno == ENOENT ? VERR_NO_USER : VERR_UNKNOWN;
	/* The line is gone: the user is deleted. What follows is
	 * bookkeeping, and a failure of it no longer undoes anything. */
	if (shaped && hash[0] != '\0')
		(void)dc_free_push(domfd, ent->uid, ent->gid, hash);
	(void)dc_release(domfd, ent->uid, ent->gid);
	if (pw.dir[0] == '\0')
		return 0;
	if (!shaped)
		return VERR_CHDIR_VPOPMAIL;	/* nothing removed */
	return remove_tree(domfd, hash, last);
}

int
store_user_del(struct ph_ctx *ctx, const struct assign_ent *ent,
    const char *uname)
{
	char name[PR_FIELD_MAX];
	int domfd, r;

	if (uname[0] == '\0')
		return VERR_ILLEGAL_USERNAME;
	if (strlen(uname) > VAL_USER_MAX)
		return VERR_NO_USER;
	vp_strlcpy(name, uname, sizeof(name));
	val_lower(name);
	if (!pol_user_chars_ok(name))
		return VERR_NO_USER;
	if ((domfd = ph_domain_open(ctx, ent)) < 0)
		return VERR_CHDIR_DOMAINS;
	r = del_in(domfd, ent, name);
	close(domfd);
	return r;
}
