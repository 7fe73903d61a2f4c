/*
 * store_domain.c - the domain half of store.h: the domain map read from
 * users/assign, and adding, aliasing and deleting domains the way
 * vpopmail's tools leave the trees (STORAGE.md 4, 5, 7), in the
 * crash-safe order of 13.3 item 4:
 *
 *   add:    directory, .qmail-default, postmaster -> users/assign + cdb
 *           -> rcpthosts/morercpthosts -> virtualdomains, locals -> HUP
 *   delete: rcpthosts/morercpthosts, virtualdomains -> users/assign +
 *           cdb -> HUP -> directory tree -> domain allocator
 *
 * so mail is only ever accepted for a domain whose directory is
 * complete. An add that fails at any step undoes the steps before it in
 * reverse (B1); a delete that fails stops where a retry can resume.
 *
 * Each operation runs under the domain lock with an intent record
 * (recover.h) written before its first change and removed after its
 * last; sd_recover finishes or undoes the operation of a killed process
 * with the same steps, each of which may be repeated (an insert that
 * finds its line there, a removal that finds nothing, a directory that
 * is gone already).
 *
 * Names are re-validated here whatever the handler checked. A name that
 * is already in rcpthosts/morercpthosts or virtualdomains (put there by
 * hand) is left as it is, and left there when an add is rolled back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "cdbmake.h"
#include "dircontrol.h"
#include "errors.h"
#include "fs.h"
#include "linefile.h"
#include "passwd.h"
#include "qmailsend.h"
#include "recover.h"
#include "rmtree.h"
#include "store_domain.h"
#include "address.h"
#include "target.h"
#include "util.h"
#include "validate.h"

#define DC_FILE		".dir-control"
#define DC_SAVE_MAX	512
#define HASH_LEVELS	4

/* ---- reading the domain map ---- */

/* Splits s[0..n) at ':' into at most max fields (pointers into a copy
 * in buf); returns the number of fields. */
static size_t
split_fields(const char *s, size_t n, char *buf, size_t bufsz,
    char **f, size_t max)
{
	size_t i, k = 0;

	if (n >= bufsz)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	f[k++] = buf;
	for (i = 0; i < n && k < max; i++)
		if (buf[i] == ':') {
			buf[i] = '\0';
			f[k++] = buf + i + 1;
		}
	return k;
}

int
sd_parse_assign(const char *line, size_t n, struct store_dom *d)
{
	char buf[LF_LINE_MAX + 1], *f[6];
	unsigned long uid, gid;
	size_t klen;

	if (n < 2 || line[0] != '+' || memchr(line, '\0', n) != NULL)
		return 0;
	if (split_fields(line + 1, n - 1, buf, sizeof(buf), f, 6) < 5)
		return 0;
	/* f[0] "name-", f[1] real, f[2] uid, f[3] gid, f[4] dir */
	klen = strlen(f[0]);
	if (klen < 2 || f[0][klen - 1] != '-' || memchr(f[0], '.',
	    klen) == NULL)
		return 0;
	f[0][klen - 1] = '\0';
	if (f[1][0] == '\0' || f[4][0] != '/' ||
	    assign_parse_id(f[2], &uid) < 0 ||
	    assign_parse_id(f[3], &gid) < 0 ||
	    klen - 1 >= sizeof(d->name) || strlen(f[1]) >=
	    sizeof(d->ent.domain) || strlen(f[4]) >= sizeof(d->ent.dir))
		return 0;
	memset(d, 0, sizeof(*d));
	memcpy(d->name, f[0], klen);
	vp_strlcpy(d->ent.domain, f[1], sizeof(d->ent.domain));
	vp_strlcpy(d->ent.dir, f[4], sizeof(d->ent.dir));
	d->ent.uid = (uid_t)uid;
	d->ent.gid = (gid_t)gid;
	return 1;
}

typedef int (*scan_fn)(void *, const char *line, size_t n,
    const struct store_dom *);

/* Streams users/assign up to its "." line (what follows is inactive
 * for qmail-newu, so it is not a domain either), calling fn with each
 * domain entry and its raw line. */
static int
assign_scan(struct ph_ctx *ctx, scan_fn fn, void *arg)
{
	char line[LF_LINE_MAX + 1];
	struct lf_reader *r;
	struct store_dom d;
	size_t n;
	int fd, nl, k = 0, rc = 0, e;

	if ((fd = lf_open(ctx->qmail_fd, "users/assign")) < 0)
		return -1;
	if ((r = malloc(sizeof(*r))) == NULL) {
		close(fd);
		return -1;
	}
	lf_init(r, fd);
	while (rc == 0 && (k = lf_next(r, line, sizeof(line), &n, &nl)) == 1) {
		if (n > 0 && line[0] == '.')
			break;
		if (sd_parse_assign(line, n, &d))
			rc = fn(arg, line, n, &d);
	}
	e = errno;
	free(r);
	close(fd);
	errno = e;
	if (rc != 0)
		return rc;
	return k < 0 ? -1 : 0;
}

struct each_arg {
	int	(*fn)(void *, const struct store_dom *);
	void	*arg;
};

static int
each_fn(void *arg, const char *line, size_t n, const struct store_dom *d)
{
	struct each_arg *ea = arg;

	(void)line;
	(void)n;
	return ea->fn(ea->arg, d);
}

int
store_domain_each(struct ph_ctx *ctx,
    int (*fn)(void *, const struct store_dom *), void *arg)
{
	struct each_arg ea = { fn, arg };

	return assign_scan(ctx, each_fn, &ea);
}

/* ---- shared helpers ---- */

/* name lower-cased into out and checked as a new domain name. */
static int
new_name(const char *in, char *out, size_t outsz)
{
	char tmp[PR_ADDR_MAX];

	/* the reference's order: characters, then length, then form */
	if (strlen(in) >= sizeof(tmp))
		return VERR_DOMAIN_TOO_LONG;
	vp_strlcpy(tmp, in, sizeof(tmp));
	val_lower(tmp);
	if (tmp[0] == '\0' || !pol_domain_chars_ok(tmp))
		return VERR_INVALID_DOMAIN;
	if (strlen(tmp) > VAL_DOMAIN_MAX || strlen(tmp) >= outsz)
		return VERR_DOMAIN_TOO_LONG;
	vp_strlcpy(out, tmp, outsz);
	return val_domain_name(out) == VAL_OK ? 0 : VERR_INVALID_DOMAIN;
}

/* 0 unknown, VERR_DOMAIN_EXISTS, or VERR_ASSIGN_READ when users/cdb
 * cannot be read (a missing one means no domain exists yet). */
static int
must_not_exist(struct ph_ctx *ctx, const char *name)
{
	struct assign_ent ent;
	int r = assign_lookup(ctx, name, &ent);

	if (r == 0)
		return VERR_DOMAIN_EXISTS;
	if (r < 0 && errno != ENOENT)
		return VERR_ASSIGN_READ;
	return 0;
}

/* vpopmail-dir without trailing slashes, for absolute paths. */
static void
vpop_base(const struct ph_ctx *ctx, char *out, size_t outsz)
{
	size_t n;

	vp_strlcpy(out, ctx->cfg->vpopmail_dir, outsz);
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

/* The control-file registration of name -> ent shared by real and alias
 * domains (STORAGE.md 5.6), with its undo. */
struct reg {
	char	line[LF_LINE_MAX + 1];
	int	assign, hosts, virt;
};

static void
reg_undo(struct ph_ctx *ctx, struct reg *g, const char *name)
{
	const char *names[1] = { name };
	const char *lines[1] = { g->line };

	if (g->virt)
		(void)lf_virtual_remove(ctx->qmail_fd, names, 1);
	if (g->hosts)
		(void)lf_hosts_remove(ctx->qmail_fd, names, 1);
	if (g->assign)
		(void)lf_assign_remove(ctx->qmail_fd, lines, 1);
	memset(g, 0, sizeof(*g));
}

/* Removes lines equal to name from control/locals; a missing locals
 * stays missing (Q10). */
static int
locals_remove(struct ph_ctx *ctx, const char *name)
{
	const char *names[1] = { name };
	int cfd, r, e;

	cfd = fs_open_beneath(ctx->qmail_fd, "control", O_PATH | O_DIRECTORY,
	    0);
	if (cfd < 0)
		return errno == ENOENT ? 0 : -1;
	r = lf_remove(cfd, "locals", names, 1);
	e = errno;
	close(cfd);
	errno = e;
	return r < 0 ? -1 : 0;
}

static int
reg_add(struct ph_ctx *ctx, struct reg *g, const char *name,
    const struct assign_ent *ent)
{
	memset(g, 0, sizeof(*g));
	if (lf_assign_line(name, ent->domain, (unsigned long)ent->uid,
	    (unsigned long)ent->gid, ent->dir, g->line, sizeof(g->line)) < 0)
		return errno == E2BIG ? VERR_DIR_TOO_LONG : VERR_INVALID_DOMAIN;
	if (lf_assign_add(ctx->qmail_fd, g->line) < 0) {
		if (errno == EEXIST)
			return VERR_DOMAIN_EXISTS;
		/* a failed users/cdb rebuild leaves the line: take it out */
		g->assign = 1;
		goto fail;
	}
	g->assign = 1;
	recover_crash_point();
	if (lf_hosts_add(ctx->qmail_fd, name) >= 0)
		g->hosts = 1;
	else if (errno != EEXIST)
		goto fail;
	recover_crash_point();
	if (lf_virtual_add(ctx->qmail_fd, name) == 0)
		g->virt = 1;
	else if (errno != EEXIST)
		goto fail;
	recover_crash_point();
	if (locals_remove(ctx, name) < 0)
		goto fail;
	recover_crash_point();
	return 0;
fail:
	reg_undo(ctx, g, name);
	return VERR_UPDATE_FILE;
}

/* ---- adding a real domain ---- */

/* Everything add_domain did so far, for the undo (B1). */
struct dom_add {
	struct ph_ctx	*ctx;
	uid_t		 uid;
	gid_t		 gid;
	int		 made_domains;		/* created domains/ */
	int		 domains_fd;		/* O_PATH domains/ */
	int		 dc_saved;		/* .dir-control captured */
	ssize_t		 dc_len;		/* -1: it did not exist */
	char		 dc_old[DC_SAVE_MAX];
	int		 nlevel;		/* hash directories walked */
	int		 level_fd[HASH_LEVELS];	/* each level's parent */
	char		 level_name[HASH_LEVELS][DC_PATH_MAX];
	int		 level_made[HASH_LEVELS];
	int		 parent_fd;		/* holds the domain dir */
	int		 made_dir;
	int		 dom_fd;		/* the domain dir, O_PATH */
	struct reg	 reg;
	struct rc_intent in;
	char		 name[VAL_DOMAIN_MAX + 1];
	char		 dir[PATH_MAX];		/* absolute */
};

/* Creates name (0700) in parentfd and gives it to uid:gid. 1 created,
 * 0 it was a directory already (when exist_ok), -1 error. */
static int
make_dir(int parentfd, const char *name, uid_t uid, gid_t gid, int exist_ok)
{
	struct stat st;
	int fd, e;

	if (mkdirat(parentfd, name, 0700) < 0) {
		if (errno != EEXIST || !exist_ok)
			return -1;
		if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -1;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		return 0;
	}
	fd = fs_open_beneath(parentfd, name, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0 || atomic_set_owner(fd, uid, gid) < 0 ||
	    fchmod(fd, 0700) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		(void)unlinkat(parentfd, name, AT_REMOVEDIR);
		errno = e;
		return -1;
	}
	close(fd);
	return 1;
}

/* The domains/ directory, created when missing; the owner of the new
 * domain is the owner of domains/ (or of vpopmail-dir before it). */
static int
open_domains(struct dom_add *a)
{
	struct stat st;
	int r;

	if (fstat(a->ctx->vpop_fd, &st) < 0)
		return VERR_CHDIR_VPOPMAIL;
	if ((r = make_dir(a->ctx->vpop_fd, "domains", st.st_uid, st.st_gid,
	    1)) < 0)
		return VERR_MAKE_DOMAINS_DIR;
	a->made_domains = r;
	a->domains_fd = fs_open_beneath(a->ctx->vpop_fd, "domains",
	    O_PATH | O_DIRECTORY, 0);
	if (a->domains_fd < 0 || fstat(a->domains_fd, &st) < 0)
		return VERR_CHDIR_DOMAINS;
	a->uid = st.st_uid;
	a->gid = st.st_gid;
	return 0;
}

/* One step of the domain allocator; the old state is kept for undo. */
static int
allocate(struct dom_add *a, char *hash, size_t hsz)
{
	a->dc_len = fs_read_small(a->domains_fd, DC_FILE, a->dc_old,
	    sizeof(a->dc_old));
	if (a->dc_len < 0 && errno != ENOENT)
		return VERR_CHDIR_DOMAINS;
	if (a->dc_len < 0)
		a->dc_len = -1;
	if (dc_alloc(a->domains_fd, a->uid, a->gid, hash, hsz) < 0)
		return VERR_CHDIR_DOMAINS;
	a->dc_saved = 1;
	return 0;
}

/* Walks (creating) the hash directories; parent_fd ends on the last. */
static int
hash_dirs(struct dom_add *a, const char *hash)
{
	char comp[DC_PATH_MAX];
	const char *s = hash;
	size_t len;
	int cur = a->domains_fd, r, fd;

	while (*s != '\0') {
		len = strcspn(s, "/");
		if (len == 0 || len >= sizeof(comp) ||
		    a->nlevel >= HASH_LEVELS)
			return VERR_MAKE_DOMAIN_DIR;
		memcpy(comp, s, len);
		comp[len] = '\0';
		s += len + (s[len] == '/');
		if ((r = make_dir(cur, comp, a->uid, a->gid, 1)) < 0)
			return VERR_MAKE_DOMAIN_DIR;
		a->level_fd[a->nlevel] = cur;
		vp_strlcpy(a->level_name[a->nlevel], comp, DC_PATH_MAX);
		a->level_made[a->nlevel++] = r;
		if ((fd = fs_open_beneath(cur, comp, O_PATH | O_DIRECTORY,
		    0)) < 0)
			return VERR_MAKE_DOMAIN_DIR;
		cur = fd;
	}
	a->parent_fd = cur;
	return 0;
}

/* The domain directory itself. An existing empty one is taken over
 * (removed and made again, so that the mkdir is the claim a concurrent
 * add cannot share); a non-empty one is refused (Q15). */
static int
domain_dir(struct dom_add *a)
{
	if (unlinkat(a->parent_fd, a->name, AT_REMOVEDIR) < 0 &&
	    errno != ENOENT)
		return VERR_MAKE_DOMAIN_DIR;	/* not empty, or a file */
	if (make_dir(a->parent_fd, a->name, a->uid, a->gid, 0) < 0)
		return VERR_MAKE_DOMAIN_DIR;
	a->made_dir = 1;
	a->dom_fd = fs_open_beneath(a->parent_fd, a->name,
	    O_PATH | O_DIRECTORY, 0);
	return a->dom_fd < 0 ? VERR_CHDIR_DOMAIN : 0;
}

static int
qmail_default(struct dom_add *a)
{
	char base[PATH_MAX], text[PATH_MAX + 64];
	struct atomic_file af;
	int n;

	vpop_base(a->ctx, base, sizeof(base));
	n = snprintf(text, sizeof(text), "| %s/bin/vdelivermail '' delete\n",
	    base);
	if (n < 0 || (size_t)n >= sizeof(text))
		return VERR_QMAIL_DEFAULT;
	if (atomic_begin(a->dom_fd, ".qmail-default", a->uid, a->gid, 0600,
	    &af) < 0)
		return VERR_QMAIL_DEFAULT;
	if (atomic_write(&af, text, (size_t)n) < 0 || atomic_commit(&af) < 0) {
		atomic_abort(&af);
		return VERR_QMAIL_DEFAULT;
	}
	return 0;
}

/* Puts .dir-control back as it was (the allocator takes no lock, by
 * the reference's design; neither does this). */
static void
restore_dc(struct dom_add *a)
{
	struct atomic_file af;

	if (!a->dc_saved)
		return;
	if (a->dc_len < 0) {
		(void)unlinkat(a->domains_fd, DC_FILE, 0);
		return;
	}
	if (atomic_begin(a->domains_fd, DC_FILE, a->uid, a->gid, 0600,
	    &af) < 0)
		return;
	if (atomic_write(&af, a->dc_old, (size_t)a->dc_len) < 0 ||
	    atomic_commit(&af) < 0)
		atomic_abort(&af);
}

/* Undoes in reverse order what a did, then releases its descriptors. */
static void
add_undo(struct dom_add *a, int failed)
{
	int i;

	if (failed) {
		reg_undo(a->ctx, &a->reg, a->name);
		/* the directory before the allocator: sd_recover gives the
		 * allocation back only while the directory exists */
		if (a->made_dir)
			(void)rmtree_at(a->parent_fd, a->name);
		for (i = a->nlevel - 1; i >= 0; i--)
			if (a->level_made[i])
				(void)unlinkat(a->level_fd[i],
				    a->level_name[i], AT_REMOVEDIR);
		restore_dc(a);
		if (a->made_domains) {
			(void)unlinkat(a->domains_fd, DC_FILE, 0);
			(void)unlinkat(a->ctx->vpop_fd, "domains",
			    AT_REMOVEDIR);
		}
	}
	if (a->dom_fd >= 0)
		close(a->dom_fd);
	if (a->parent_fd >= 0 && a->parent_fd != a->domains_fd)
		close(a->parent_fd);
	for (i = 1; i < a->nlevel; i++)
		close(a->level_fd[i]);
	if (a->domains_fd >= 0)
		close(a->domains_fd);
}

/* base/domains/[hash/]name into a->dir; VERR_DIR_TOO_LONG beyond 160. */
static int
domain_path(struct dom_add *a, const char *hash)
{
	char base[PATH_MAX], h[DC_PATH_MAX];
	size_t hl;
	int n;

	vpop_base(a->ctx, base, sizeof(base));
	vp_strlcpy(h, hash, sizeof(h));
	hl = strlen(h);
	while (hl > 0 && h[hl - 1] == '/')	/* degenerate paths (7.3) */
		h[--hl] = '\0';
	n = snprintf(a->dir, sizeof(a->dir), "%s/domains/%s%s%s", base, h,
	    hl ? "/" : "", a->name);
	if (n < 0 || (size_t)n >= sizeof(a->dir) || n > VAL_DIR_MAX)
		return VERR_DIR_TOO_LONG;
	return 0;
}

/* Q15 before the intent is written: a directory that is there and not
 * empty is refused now, so that the undo of a killed add (which removes
 * the intent's directory) can never take someone else's files. */
static int
dir_free(struct dom_add *a)
{
	char rel[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int fd, busy = 0;

	if (fs_relative(a->ctx->cfg->vpopmail_dir, a->dir, rel,
	    sizeof(rel)) < 0)
		return VERR_MAKE_DOMAIN_DIR;
	fd = fs_open_beneath(a->ctx->vpop_fd, rel, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return errno == ENOENT ? 0 : VERR_MAKE_DOMAIN_DIR;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return VERR_MAKE_DOMAIN_DIR;
	}
	while (!busy && (de = readdir(d)) != NULL)
		busy = strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	closedir(d);
	return busy ? VERR_MAKE_DOMAIN_DIR : 0;
}

/* The intent of an add, once its directory is known (the allocator
 * step before it is the one change a crash can leave unrecorded: a
 * count one too high, which only spreads domains a little sooner). */
static int
intend_add(struct dom_add *a)
{
	rc_init(&a->in, RC_ADD_DOMAIN);
	vp_strlcpy(a->in.name, a->name, sizeof(a->in.name));
	vp_strlcpy(a->in.real, a->name, sizeof(a->in.real));
	vp_strlcpy(a->in.dir, a->dir, sizeof(a->in.dir));
	a->in.uid = (unsigned long)a->uid;
	a->in.gid = (unsigned long)a->gid;
	return rc_begin(a->ctx, &a->in) < 0 ? VERR_UPDATE_FILE : 0;
}

static int
add_steps(struct dom_add *a, const char *pw, enum sd_stage *stage)
{
	struct assign_ent ent;
	char hash[DC_PATH_MAX];
	int r;

	if ((r = open_domains(a)) != 0 || (r = allocate(a, hash,
	    sizeof(hash))) != 0 || (r = domain_path(a, hash)) != 0 ||
	    (r = dir_free(a)) != 0 || (r = intend_add(a)) != 0)
		return r;
	recover_crash_point();
	if ((r = hash_dirs(a, hash)) != 0)
		return r;
	recover_crash_point();
	if ((r = domain_dir(a)) != 0)
		return r;
	recover_crash_point();
	if ((r = qmail_default(a)) != 0)
		return r;
	recover_crash_point();
	memset(&ent, 0, sizeof(ent));
	vp_strlcpy(ent.domain, a->name, sizeof(ent.domain));
	vp_strlcpy(ent.dir, a->dir, sizeof(ent.dir));
	ent.uid = a->uid;
	ent.gid = a->gid;
	*stage = SD_STAGE_POSTMASTER;
	if ((r = store_user_add(a->ctx, &ent, "postmaster", pw,
	    "postmaster")) != 0)
		return r;
	recover_crash_point();
	*stage = SD_STAGE_DOMAIN;
	return reg_add(a->ctx, &a->reg, a->name, &ent);
}

/* The add under the domain lock, with its intent. */
static int
add_locked(struct dom_add *a, const char *pw, enum sd_stage *stage)
{
	struct lockfile lk;
	int r;

	if (rc_lock_domains(a->ctx, -1, &lk) < 0)
		return VERR_UPDATE_FILE;
	/* a recovery or another session may have added it meanwhile */
	if ((r = must_not_exist(a->ctx, a->name)) == 0) {
		r = add_steps(a, pw, stage);
		add_undo(a, r != 0);
		if (r == 0)
			(void)qmailsend_hup();
		recover_crash_point();
	}
	rc_end(a->ctx, &a->in);
	lockfile_release(&lk);
	return r;
}

int
store_domain_add_stage(struct ph_ctx *ctx, const char *name, const char *pw,
    enum sd_stage *stage)
{
	struct dom_add *a;
	int r;

	*stage = SD_STAGE_DOMAIN;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return VERR_UPDATE_FILE;
	a->ctx = ctx;
	a->domains_fd = a->parent_fd = a->dom_fd = -1;
	rc_init(&a->in, RC_ADD_DOMAIN);
	if ((r = new_name(name, a->name, sizeof(a->name))) == 0 &&
	    (r = must_not_exist(ctx, a->name)) == 0) {
		/* the password before anything exists (B1) */
		*stage = SD_STAGE_POSTMASTER;
		if (pw == NULL || pw[0] == '\0')
			r = VERR_UPDATE_FILE;	/* the handler refused it */
		else
			r = passwd_policy(pw);
		if (r == 0) {
			*stage = SD_STAGE_DOMAIN;
			r = add_locked(a, pw, stage);
		}
	}
	free(a);
	return r;
}

int
store_domain_add(struct ph_ctx *ctx, const char *name, const char *pw)
{
	enum sd_stage stage;

	return store_domain_add_stage(ctx, name, pw, &stage);
}

/* ---- alias domains ---- */

/* The alias's intent: alias -> the real domain as users/cdb has it. */
static int
intend_alias(struct ph_ctx *ctx, struct rc_intent *in, const char *alias,
    const struct assign_ent *ent)
{
	rc_init(in, RC_ADD_ALIAS);
	vp_strlcpy(in->name, alias, sizeof(in->name));
	vp_strlcpy(in->real, ent->domain, sizeof(in->real));
	vp_strlcpy(in->dir, ent->dir, sizeof(in->dir));
	in->uid = (unsigned long)ent->uid;
	in->gid = (unsigned long)ent->gid;
	return rc_begin(ctx, in) < 0 ? VERR_UPDATE_FILE : 0;
}

/* The checks that read the domain map (before the lock, so that a
 * refusal touches nothing, and again under it). */
static int
alias_checks(struct ph_ctx *ctx, char *rname, const char *aname,
    struct assign_ent *ent)
{
	int r;

	if ((r = must_not_exist(ctx, aname)) != 0)
		return r;
	r = ph_domain_find(ctx, rname, ent);
	if (r != 0)
		return r > 0 || errno == ENOENT ? VERR_NO_DOMAIN :
		    VERR_ASSIGN_READ;
	if (strcmp(aname, ent->domain) == 0)
		return VERR_DOMAIN_EXISTS;
	return 0;
}

/* The registration under the domain lock, with its intent. */
static int
alias_locked(struct ph_ctx *ctx, char *rname, const char *aname)
{
	struct rc_intent in;
	struct assign_ent ent;
	struct reg g;
	int r;

	if ((r = alias_checks(ctx, rname, aname, &ent)) != 0)
		return r;
	if ((r = intend_alias(ctx, &in, aname, &ent)) != 0)
		return r;
	recover_crash_point();
	if ((r = reg_add(ctx, &g, aname, &ent)) == 0) {
		(void)qmailsend_hup();
		recover_crash_point();
	}
	rc_end(ctx, &in);
	return r;
}

int
store_domain_add_alias(struct ph_ctx *ctx, const char *real,
    const char *alias)
{
	char rname[PR_FIELD_MAX], aname[VAL_DOMAIN_MAX + 1];
	struct assign_ent ent;
	struct lockfile lk;
	int r;

	if (strlen(real) >= sizeof(rname))
		return VERR_INVALID_DOMAIN;
	vp_strlcpy(rname, real, sizeof(rname));
	val_lower(rname);
	if (!pol_domain_chars_ok(rname) || rname[0] == '\0')
		return VERR_INVALID_DOMAIN;
	if ((r = new_name(alias, aname, sizeof(aname))) != 0)
		return r;
	/* refusals before the lock: they leave every file as it was */
	if ((r = alias_checks(ctx, rname, aname, &ent)) != 0)
		return r;
	if (rc_lock_domains(ctx, -1, &lk) < 0)
		return VERR_UPDATE_FILE;
	r = alias_locked(ctx, rname, aname);
	lockfile_release(&lk);
	return r;
}

/* ---- deleting ---- */

/* The names and exact users/assign lines of a real domain: its own and
 * every alias whose real-domain field is it (Q12). */
struct dom_names {
	const char	*real;
	size_t		 n, cap;
	char		**names;
	char		**lines;
};

static int
collect_fn(void *arg, const char *line, size_t len, const struct store_dom *d)
{
	struct dom_names *dn = arg;
	void *p;

	if (strcmp(d->ent.domain, dn->real) != 0)
		return 0;
	if (dn->n == dn->cap) {
		size_t cap = dn->cap ? dn->cap * 2 : 8;

		if ((p = realloc(dn->names, cap * sizeof(char *))) == NULL)
			return -1;
		dn->names = p;
		if ((p = realloc(dn->lines, cap * sizeof(char *))) == NULL)
			return -1;
		dn->lines = p;
		dn->cap = cap;
	}
	/* the line as it is in the file, for a byte-identical removal */
	dn->names[dn->n] = strdup(d->name);
	dn->lines[dn->n] = strndup(line, len);
	if (dn->names[dn->n] == NULL || dn->lines[dn->n] == NULL) {
		free(dn->names[dn->n]);
		free(dn->lines[dn->n]);
		return -1;
	}
	dn->n++;
	return 0;
}

static void
names_free(struct dom_names *dn)
{
	size_t i;

	for (i = 0; i < dn->n; i++) {
		free(dn->names[i]);
		free(dn->lines[i]);
	}
	free(dn->names);
	free(dn->lines);
}

/* Control files, then users/assign + users/cdb, then HUP. */
static int
unregister(struct ph_ctx *ctx, const char *const *names, size_t nnames,
    const char *const *lines, size_t nlines)
{
	if (lf_hosts_remove(ctx->qmail_fd, names, nnames) < 0)
		return VERR_UPDATE_FILE;
	recover_crash_point();
	if (lf_virtual_remove(ctx->qmail_fd, names, nnames) < 0)
		return VERR_UPDATE_FILE;
	recover_crash_point();
	/* users/cdb knew a name users/assign does not have: rebuild it
	 * from the text, as qmail-newu would */
	if (nlines == 0 ? cdb_build_users(ctx->qmail_fd) < 0 :
	    lf_assign_remove(ctx->qmail_fd, lines, nlines) < 0)
		return VERR_UPDATE_FILE;
	recover_crash_point();
	(void)qmailsend_hup();
	recover_crash_point();
	return 0;
}

/* The lines of dn named name only (an alias's own lines, Q12), moved to
 * the front; returns how many. */
static size_t
only_name(struct dom_names *dn, const char *name)
{
	size_t i, k = 0;
	char *t;

	for (i = 0; i < dn->n; i++)
		if (strcmp(dn->names[i], name) == 0) {
			t = dn->names[k], dn->names[k] = dn->names[i],
			    dn->names[i] = t;
			t = dn->lines[k], dn->lines[k] = dn->lines[i],
			    dn->lines[i] = t;
			k++;
		}
	return k;
}

/* An alias: its own line(s), whatever uid/gid/dir they say (Q12). */
static int
del_alias(struct ph_ctx *ctx, const char *name, const char *real)
{
	struct dom_names dn;
	const char *names[1] = { name };
	size_t k;
	int r;

	memset(&dn, 0, sizeof(dn));
	dn.real = real;
	if (assign_scan(ctx, collect_fn, &dn) != 0) {
		names_free(&dn);
		return VERR_UPDATE_FILE;
	}
	k = only_name(&dn, name);
	r = unregister(ctx, names, 1, (const char *const *)dn.lines, k);
	names_free(&dn);
	return r;
}

/* The directory tree of a deleted real domain, then the allocator. A
 * symlinked domain directory loses the link only (rmtree_at). The
 * allocation is given back when the directory was there, or always
 * when always_release (a recovery cannot tell a killed delete's
 * release from none when the tree is gone, and a count one too high
 * is the harmless side). */
static int
remove_tree(struct ph_ctx *ctx, const char *dir, int always_release)
{
	char rel[PATH_MAX], *slash;
	struct stat st;
	int pfd, r = 0, dfd, existed = 1;

	if (fs_relative(ctx->cfg->vpopmail_dir, dir, rel, sizeof(rel)) < 0)
		return VERR_CHDIR_DOMAIN;	/* not ours to remove */
	if ((slash = strrchr(rel, '/')) != NULL) {
		*slash = '\0';
		pfd = fs_open_beneath(ctx->vpop_fd, rel, O_PATH | O_DIRECTORY,
		    0);
		slash++;
	} else {
		pfd = fs_open_beneath(ctx->vpop_fd, ".", O_PATH | O_DIRECTORY,
		    0);
		slash = rel;
	}
	if (pfd < 0 && errno != ENOENT)
		return VERR_CHDIR_DOMAIN;
	if (pfd < 0)
		existed = 0;
	else if (rmtree_at(pfd, slash) < 0) {
		if (errno != ENOENT)
			r = VERR_CHDIR_DOMAIN;
		existed = 0;
	}
	if (pfd >= 0)
		close(pfd);
	if (r != 0 || !(existed || always_release))
		return r;
	recover_crash_point();
	dfd = fs_open_beneath(ctx->vpop_fd, "domains", O_PATH | O_DIRECTORY,
	    0);
	if (dfd < 0)
		return 0;
	if (fstat(dfd, &st) < 0 || dc_release(dfd, st.st_uid, st.st_gid) < 0)
		r = VERR_CHDIR_DOMAINS;
	close(dfd);
	recover_crash_point();
	return r;
}

/* Every name of a real domain out of the files, then its tree. extra:
 * names the caller knows of besides dn's (a recovery's aliases whose
 * lines are gone already). */
static int
del_real_names(struct ph_ctx *ctx, struct dom_names *dn,
    const struct rc_intent *in, int always_release)
{
	const char **names;
	size_t n = 0, i;
	int r;

	names = calloc(dn->n + in->naliases + 1, sizeof(*names));
	if (names == NULL)
		return VERR_UPDATE_FILE;
	names[n++] = in->real;
	for (i = 0; i < in->naliases; i++)
		names[n++] = in->aliases[i];
	for (i = 0; i < dn->n; i++)
		names[n++] = dn->names[i];	/* duplicates are harmless */
	r = unregister(ctx, names, n, (const char *const *)dn->lines, dn->n);
	free(names);
	if (r != 0)
		return r;
	return remove_tree(ctx, in->dir, always_release);
}

/* The intent of a delete: the name, its real domain as users/cdb has
 * it, and for a real domain every alias users/assign names. */
static int
intend_del(struct ph_ctx *ctx, struct rc_intent *in, const char *name,
    const struct assign_ent *ent, const struct dom_names *dn)
{
	size_t i;

	rc_init(in, RC_DEL_DOMAIN);
	vp_strlcpy(in->name, name, sizeof(in->name));
	vp_strlcpy(in->real, ent->domain, sizeof(in->real));
	vp_strlcpy(in->dir, ent->dir, sizeof(in->dir));
	in->uid = (unsigned long)ent->uid;
	in->gid = (unsigned long)ent->gid;
	/* The aliases are belt and braces: a recovery rescans users/assign,
	 * and an alias whose line is gone has left the control files
	 * before it. So a name the record refuses (a hand-written one in
	 * upper case, say) is left out rather than blocking the delete. */
	for (i = 0; dn != NULL && i < dn->n; i++)
		if (strcmp(dn->names[i], ent->domain) != 0)
			(void)rc_add_alias(in, dn->names[i]);
	if (rc_begin(ctx, in) < 0) {
		rc_free(in);
		return VERR_UPDATE_FILE;
	}
	return 0;
}

static int
del_locked(struct ph_ctx *ctx, const char *name, const struct assign_ent *ent)
{
	struct rc_intent in;
	struct dom_names dn;
	int alias = strcmp(name, ent->domain) != 0, r;

	memset(&dn, 0, sizeof(dn));
	dn.real = ent->domain;
	if (!alias && assign_scan(ctx, collect_fn, &dn) != 0) {
		names_free(&dn);
		return VERR_UPDATE_FILE;
	}
	if ((r = intend_del(ctx, &in, name, ent, alias ? NULL : &dn)) == 0) {
		recover_crash_point();
		r = alias ? del_alias(ctx, name, ent->domain) :
		    del_real_names(ctx, &dn, &in, 1);
		/* a failure stops where a retry resumes; the intent goes
		 * too, so that nothing is deleted later behind the back of
		 * the client told it failed */
		rc_end(ctx, &in);
		rc_free(&in);
	}
	names_free(&dn);
	return r;
}

int
store_domain_del(struct ph_ctx *ctx, const char *name)
{
	char lname[PR_FIELD_MAX];
	struct assign_ent ent;
	struct lockfile lk;
	int r;

	if (strlen(name) > VAL_DOMAIN_MAX)
		return VERR_DOMAIN_TOO_LONG;
	vp_strlcpy(lname, name, sizeof(lname));
	/* unknown before the lock (nothing touched), and again under it */
	if ((r = ph_domain_find(ctx, lname, &ent)) == 0) {
		if (rc_lock_domains(ctx, -1, &lk) < 0)
			return VERR_UPDATE_FILE;
		if ((r = ph_domain_find(ctx, lname, &ent)) == 0)
			r = del_locked(ctx, lname, &ent);
		else
			r = r > 0 || errno == ENOENT ? VERR_NO_DOMAIN :
			    VERR_ASSIGN_READ;
		lockfile_release(&lk);
		return r;
	}
	return r > 0 || errno == ENOENT ? VERR_NO_DOMAIN : VERR_ASSIGN_READ;
}

/* ---- recovery of a killed operation (recover.c) ---- */

struct find_arg {
	const char	*name, *real;
};

static int
find_fn(void *arg, const char *line, size_t n, const struct store_dom *d)
{
	const struct find_arg *f = arg;

	(void)line;
	(void)n;
	return strcmp(d->name, f->name) == 0 &&
	    strcmp(d->ent.domain, f->real) == 0;
}

/* The control-file half of reg_add, each step accepting "there". */
static int
reregister(struct ph_ctx *ctx, const char *name)
{
	if ((lf_hosts_add(ctx->qmail_fd, name) < 0 && errno != EEXIST) ||
	    (lf_virtual_add(ctx->qmail_fd, name) < 0 && errno != EEXIST) ||
	    locals_remove(ctx, name) < 0)
		return VERR_UPDATE_FILE;
	(void)qmailsend_hup();
	return 0;
}

/* An add whose users/assign line is there is finished; else what it
 * may have made is taken away: the control lines of the name (none of
 * ours can exist: they follow the assign line in, and leave before it
 * on the way out) and, for a real domain, its directory. */
static int
recover_add(struct ph_ctx *ctx, const struct rc_intent *in, const char **how)
{
	struct find_arg f = { in->name, in->real };
	const char *names[1] = { in->name };
	int r = assign_scan(ctx, find_fn, &f);

	if (r < 0)
		return VERR_ASSIGN_READ;
	if (r == 1) {
		*how = "forward";
		return reregister(ctx, in->name);
	}
	*how = "back";
	if (lf_hosts_remove(ctx->qmail_fd, names, 1) < 0 ||
	    lf_virtual_remove(ctx->qmail_fd, names, 1) < 0)
		return VERR_UPDATE_FILE;
	if (in->op != RC_ADD_DOMAIN)
		return 0;
	return remove_tree(ctx, in->dir, 0);
}

/* A delete is always finished. */
static int
recover_del(struct ph_ctx *ctx, const struct rc_intent *in)
{
	struct dom_names dn;
	int r;

	if (strcmp(in->name, in->real) != 0)
		return del_alias(ctx, in->name, in->real);
	memset(&dn, 0, sizeof(dn));
	dn.real = in->real;
	if (assign_scan(ctx, collect_fn, &dn) != 0) {
		names_free(&dn);
		return VERR_ASSIGN_READ;
	}
	r = del_real_names(ctx, &dn, in, 0);
	names_free(&dn);
	return r;
}

int
sd_recover(struct ph_ctx *ctx, const struct rc_intent *in, const char **how)
{
	if (in->op == RC_DEL_DOMAIN) {
		*how = "forward";
		return recover_del(ctx, in);
	}
	return recover_add(ctx, in, how);
}
