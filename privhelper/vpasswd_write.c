/*
 * vpasswd_write.c - rewriting vpasswd and vpasswd.cdb (see vpasswd_write.h).
 *
 * One pass over the old vpasswd streams every kept line into both a new
 * vpasswd and a new vpasswd.cdb; only when both are complete are they
 * renamed, vpasswd first, so the index is never older than the text a
 * moment after (STORAGE.md 13.3). Foreign lines are copied byte for byte.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "cdbmake.h"
#include "linefile.h"
#include "recover.h"
#include "validate.h"
#include "vpasswd_write.h"

static int
fields_ok(const struct vpw *pw, int clear)
{
	if (val_user_name(pw->name, 0) != VAL_OK ||
	    (pw->passwd[0] != '\0' && val_hash(pw->passwd) != VAL_OK) ||
	    val_gecos(pw->gecos) != VAL_OK || val_pw_dir(pw->dir) != VAL_OK ||
	    val_quota(pw->quota) != VAL_OK)
		return 0;
	return !clear || val_clear_password(pw->clear) == VAL_OK;
}

/* The writer reads back what it wrote: any disagreement is a bug or an
 * injection the validators missed, and nothing is written. */
static int
reads_back(const struct vpw *pw, int clear, const char *line, size_t n)
{
	struct vpw chk;

	if (vpasswd_parse_line(line, n, &chk) < 0)
		return 0;
	return strcmp(chk.name, pw->name) == 0 &&
	    strcmp(chk.passwd, pw->passwd) == 0 && chk.uid == pw->uid &&
	    chk.flags == pw->flags && strcmp(chk.gecos, pw->gecos) == 0 &&
	    strcmp(chk.dir, pw->dir) == 0 &&
	    strcmp(chk.quota, pw->quota) == 0 && chk.has_clear == !!clear &&
	    (!clear || strcmp(chk.clear, pw->clear) == 0);
}

int
vpasswd_format_line(const struct vpw *pw, int clear, char *out, size_t outsz)
{
	int n;

	if (outsz > 0)
		out[0] = '\0';
	if (!fields_ok(pw, clear)) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(out, outsz, "%s:%s:%lu:%lu:%s:%s:%s%s%s\n", pw->name,
	    pw->passwd, (unsigned long)pw->uid, (unsigned long)pw->flags,
	    pw->gecos, pw->dir, pw->quota, clear ? ":" : "",
	    clear ? pw->clear : "");
	if (n < 0 || (size_t)n >= outsz || n > VPW_LINE_MAX + 1) {
		if (outsz > 0)
			out[0] = '\0';	/* never leave a partial line behind */
		errno = E2BIG;
		return -1;
	}
	if (!reads_back(pw, clear, out, (size_t)n - 1)) {
		out[0] = '\0';
		errno = EINVAL;
		return -1;
	}
	return n;
}

enum rw_op { RW_INSERT, RW_REPLACE, RW_DELETE };

/* The new vpasswd is written in blocks of this size, not line by line: at
 * 10,000 users two write(2)s per line cost more than the rest of an add
 * (tests/bench, docs/PERFORMANCE.md). */
#define RW_OUTBUF	65536

struct rewrite {
	enum rw_op		 op;
	const char		*name;
	const char		*line;		/* new line without '\n' */
	size_t			 len;
	unsigned		 hits;		/* lines of that name seen */
	int			 placed;	/* the new line is written */
	struct atomic_file	 txt;
	struct cdbw		 cdb;
	struct atomic_file	*also;		/* renamed first, or NULL */
	char			*out;		/* RW_OUTBUF bytes */
	size_t			 outlen;
};

static int
flush_out(struct rewrite *rw)
{
	size_t n = rw->outlen;

	rw->outlen = 0;
	return n > 0 ? atomic_write(&rw->txt, rw->out, n) : 0;
}

/* One line into both new files (the text one through rw->out). */
static int
emit(struct rewrite *rw, const char *line, size_t n)
{
	if (rw->outlen + n + 1 > RW_OUTBUF && flush_out(rw) < 0)
		return -1;
	/* a line is at most VPW_LINE_MAX bytes, far below RW_OUTBUF */
	memcpy(rw->out + rw->outlen, line, n);
	rw->out[rw->outlen + n] = '\n';
	rw->outlen += n + 1;
	return cdbw_add_vpasswd_line(&rw->cdb, line, n);
}

/* -1 (EBADMSG) unless the line has a name; <0, 0, >0 as strcmp of its
 * name against rw->name. */
static int
compare_name(const struct rewrite *rw, const char *line, size_t n, int *cmp)
{
	const char *colon = memchr(line, ':', n);
	size_t len, want = strlen(rw->name);

	if (colon == NULL || colon == line || memchr(line, '\0', n) != NULL) {
		errno = EBADMSG;
		return -1;
	}
	len = (size_t)(colon - line);
	*cmp = memcmp(line, rw->name, len < want ? len : want);
	if (*cmp == 0)
		*cmp = len < want ? -1 : len > want ? 1 : 0;
	return 0;
}

static int
one_line(struct rewrite *rw, const char *line, size_t n)
{
	int cmp;

	if (compare_name(rw, line, n, &cmp) < 0)
		return -1;
	if (cmp == 0)
		rw->hits++;
	switch (rw->op) {
	case RW_INSERT:
		if (cmp == 0) {
			errno = EEXIST;
			return -1;
		}
		if (cmp > 0 && !rw->placed) {
			rw->placed = 1;
			if (emit(rw, rw->line, rw->len) < 0)
				return -1;
		}
		break;
	case RW_REPLACE:
		if (cmp == 0)
			return emit(rw, rw->line, rw->len);
		break;
	case RW_DELETE:
		if (cmp == 0)
			return 0;
		break;
	}
	return emit(rw, line, n);
}

static int
one_line_cb(void *rw, const char *line, size_t n)
{
	return one_line(rw, line, n);
}

/* Streams the old vpasswd (missing = empty) through one_line(). */
static int
copy_all(int domfd, struct rewrite *rw)
{
	return vpasswd_each_line(domfd, 1, one_line_cb, rw);
}

static int
finish(struct rewrite *rw)
{
	if (rw->op == RW_INSERT && !rw->placed) {
		rw->placed = 1;
		if (emit(rw, rw->line, rw->len) < 0)
			return -1;
	}
	if (rw->op != RW_INSERT && rw->hits == 0) {
		errno = ENOENT;
		return -1;
	}
	if (flush_out(rw) < 0)
		return -1;
	return cdbw_finish(&rw->cdb);
}

/*
 * File times are coarse (one clock tick): without this, a writer killed
 * between the two renames can leave an old index dated like the new
 * vpasswd, and cdb_vpasswd_stale would trust it. The new vpasswd is made
 * later than the index it replaces, the new index later than it.
 */
static int
order_times(int domfd, struct rewrite *rw)
{
	if (cdb_mtime_after(rw->txt.fd, domfd, "vpasswd.cdb") < 0 ||
	    cdb_mtime_after(rw->cdb.af.fd, domfd, rw->txt.tmp) < 0)
		return -1;
	return 0;
}

static int
rewrite_locked(int domfd, uid_t uid, gid_t gid, struct rewrite *rw)
{
	int e;

	if (atomic_begin(domfd, "vpasswd", uid, gid, 0600, &rw->txt) < 0)
		return -1;
	if (cdbw_begin(domfd, "vpasswd.cdb", uid, gid, 0600, &rw->cdb) < 0) {
		e = errno;
		atomic_abort(&rw->txt);
		errno = e;
		return -1;
	}
	if (copy_all(domfd, rw) == 0 && finish(rw) == 0 &&
	    order_times(domfd, rw) == 0) {
		struct atomic_file *v[3] = { rw->also, &rw->txt,
		    &rw->cdb.af };
		size_t first = rw->also == NULL;

		if (atomic_commit_all(v + first, 3 - first) == 0)
			return 0;
		/* vpasswd may be new while the index is not: resync it */
		e = errno;
		(void)cdb_build_vpasswd_locked(domfd, uid, gid);
		errno = e;
		return -1;
	}
	e = errno;
	cdbw_abort(&rw->cdb);
	atomic_abort(&rw->txt);
	errno = e;
	return -1;
}

static int
rewrite(int domfd, uid_t uid, gid_t gid, struct rewrite *rw)
{
	/* the helper is one thread and a rewrite never nests */
	static char out[RW_OUTBUF];
	struct lockfile lk;
	int r, e;

	rw->out = out;
	rw->outlen = 0;
	if (lockfile_acquire(domfd, ".vpasswd.lock", -1, &lk) < 0)
		return -1;
	/* temporaries of writers killed mid-rewrite (STORAGE.md 13.3.6) */
	(void)recover_sweep(domfd, ".");
	/* the reference leaves its lock file to the domain owner; a
	 * failure here is cosmetic and must not block the change */
	(void)lockfile_chown(&lk, uid, gid);
	r = rewrite_locked(domfd, uid, gid, rw);
	e = errno;
	lockfile_release(&lk);
	errno = e;
	return r;
}

static int
rewrite_with(int domfd, uid_t uid, gid_t gid, const struct vpw *pw,
    int clear, enum rw_op op, struct atomic_file *also)
{
	struct rewrite rw;
	char line[VPW_LINE_BUF];
	int n;

	if ((n = vpasswd_format_line(pw, clear, line, sizeof(line))) < 0)
		return -1;
	memset(&rw, 0, sizeof(rw));
	rw.op = op;
	rw.name = pw->name;
	rw.line = line;
	rw.len = (size_t)n - 1;
	rw.also = also;
	return rewrite(domfd, uid, gid, &rw);
}

int
vpasswd_insert_also(int domfd, uid_t uid, gid_t gid, const struct vpw *pw,
    int clear, struct atomic_file *also)
{
	if (val_new_user_name(pw->name, 1) != VAL_OK) {
		errno = EINVAL;
		return -1;
	}
	return rewrite_with(domfd, uid, gid, pw, clear, RW_INSERT, also);
}

int
vpasswd_insert(int domfd, uid_t uid, gid_t gid, const struct vpw *pw,
    int clear)
{
	return vpasswd_insert_also(domfd, uid, gid, pw, clear, NULL);
}

int
vpasswd_replace(int domfd, uid_t uid, gid_t gid, const struct vpw *pw,
    int clear)
{
	return rewrite_with(domfd, uid, gid, pw, clear, RW_REPLACE, NULL);
}

int
vpasswd_delete(int domfd, uid_t uid, gid_t gid, const char *name)
{
	struct rewrite rw;

	if (val_user_name(name, 0) != VAL_OK) {
		errno = EINVAL;
		return -1;
	}
	memset(&rw, 0, sizeof(rw));
	rw.op = RW_DELETE;
	rw.name = name;
	return rewrite(domfd, uid, gid, &rw);
}
