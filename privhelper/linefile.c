/*
 * linefile.c - bounded line reading of the text files, and the updates
 * of qmail's line files (see linefile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "cdbmake.h"
#include "fs.h"
#include "linefile.h"
#include "recover.h"
#include "validate.h"

int
lf_open(int dirfd, const char *rel)
{
	struct stat st;
	int fd;

	fd = fs_open_beneath(dirfd, rel, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

void
lf_init(struct lf_reader *r, int fd)
{
	r->fd = fd;
	r->off = r->len = 0;
	r->eof = 0;
}

static int
refill(struct lf_reader *r)
{
	ssize_t k;

	r->off = r->len = 0;
	do
		k = read(r->fd, r->buf, sizeof(r->buf));
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return -1;
	if (k == 0)
		r->eof = 1;
	r->len = (size_t)k;
	return 0;
}

int
lf_next(struct lf_reader *r, char *line, size_t max, size_t *n, int *nl)
{
	size_t got = 0, take;
	char *end;

	*n = 0;
	*nl = 0;
	for (;;) {
		if (r->off == r->len) {
			if (!r->eof && refill(r) < 0)
				return -1;
			if (r->off == r->len)
				break;		/* end of file */
		}
		end = memchr(r->buf + r->off, '\n', r->len - r->off);
		take = (end != NULL ? (size_t)(end - r->buf) : r->len) - r->off;
		if (got + take >= max) {
			errno = EFBIG;
			return -1;
		}
		memcpy(line + got, r->buf + r->off, take);
		got += take;
		r->off += take;
		if (end != NULL) {
			r->off++;
			*nl = 1;
			break;
		}
	}
	line[got] = '\0';
	*n = got;
	return (got > 0 || *nl) ? 1 : 0;
}

/* ---- the sort key of STORAGE.md 4.7 ---- */

static void
key_cat(char *key, size_t ksz, size_t *pos, const char *s, size_t n)
{
	if (*pos + n >= ksz)
		n = ksz - 1 - *pos;
	memcpy(key + *pos, s, n);
	*pos += n;
	key[*pos] = '\0';
}

/* The name the key is made from: type A "+name-:" -> "name", type V
 * "name:..." -> "name", type R the whole line. */
static void
key_name(enum lf_kind kind, const char *line, size_t n, const char **s,
    size_t *len)
{
	const char *colon = memchr(line, ':', n);
	size_t end = colon != NULL ? (size_t)(colon - line) : n;

	*s = line;
	*len = n;
	if (kind == LF_VIRTUAL)
		*len = end;
	else if (kind == LF_ASSIGN) {
		*s = line + 1;
		*len = end >= 2 ? end - 2 : 0;
	}
}

void
lf_sort_key(enum lf_kind kind, const char *line, size_t n, char *key,
    size_t ksz)
{
	const char *name, *lab[10];
	size_t len, llen[10], nl = 0, i, j, pos = 0;

	key[0] = '\0';
	key_name(kind, line, n, &name, &len);
	for (i = 0; i < len && nl < 10; i = j + 1) {
		for (j = i; j < len && name[j] != '.'; j++)
			;
		if (j > i) {
			lab[nl] = name + i;
			llen[nl++] = j - i;
		}
	}
	if (nl < 2) {
		key_cat(key, ksz, &pos, name, len);
		return;
	}
	/* second-level label, TLD, then the rest; beyond four labels the
	 * reference repeats L0/L1 (quirk Q8), kept for identical order */
	key_cat(key, ksz, &pos, lab[nl - 2], llen[nl - 2]);
	key_cat(key, ksz, &pos, ".", 1);
	key_cat(key, ksz, &pos, lab[nl - 1], llen[nl - 1]);
	for (i = 0; i + 2 < nl; i++) {
		key_cat(key, ksz, &pos, ".", 1);
		key_cat(key, ksz, &pos, lab[i % 2], llen[i % 2]);
	}
}

/* ---- insert / remove by temp + rename under <file>.lock ---- */

struct lf_edit {
	enum lf_kind		 kind;
	int			 insert;	/* else remove */
	const char		*line;		/* insert: the new line */
	size_t			 len;
	char			 key[LF_LINE_MAX + 16];
	const char *const	*lines;		/* remove: these lines */
	size_t			 nlines;
	int			 placed, in_tail, saw_dot, removed;
	struct atomic_file	 af;
};

static int
put(struct lf_edit *ed, const char *s, size_t n)
{
	if (atomic_write(&ed->af, s, n) < 0)
		return -1;
	return atomic_write(&ed->af, "\n", 1);
}

/* Same entry: type A and V by the text up to the first ':', type R by
 * the whole line. */
static int
same_name(enum lf_kind kind, const char *a, size_t an, const char *b,
    size_t bn)
{
	const char *ca, *cb;

	if (kind != LF_HOSTS && (ca = memchr(a, ':', an)) != NULL &&
	    (cb = memchr(b, ':', bn)) != NULL) {
		an = (size_t)(ca - a);
		bn = (size_t)(cb - b);
	}
	return an == bn && memcmp(a, b, an) == 0;
}

static int
place_new(struct lf_edit *ed)
{
	if (ed->placed)
		return 0;
	ed->placed = 1;
	return put(ed, ed->line, ed->len);
}

static int
insert_line(struct lf_edit *ed, const char *s, size_t n)
{
	char key[LF_LINE_MAX + 16];

	if (ed->in_tail)
		return put(ed, s, n);
	if (ed->kind == LF_ASSIGN && n > 0 && s[0] == '.') {
		/* qmail-newu stops here: what follows stays inactive */
		ed->in_tail = ed->saw_dot = 1;
		if (place_new(ed) < 0)
			return -1;
		return put(ed, s, n);
	}
	if (same_name(ed->kind, s, n, ed->line, ed->len)) {
		errno = EEXIST;
		return -1;
	}
	lf_sort_key(ed->kind, s, n, key, sizeof(key));
	if (strcmp(key, ed->key) > 0 && place_new(ed) < 0)
		return -1;
	return put(ed, s, n);
}

static int
remove_line(struct lf_edit *ed, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < ed->nlines; i++)
		if (strlen(ed->lines[i]) == n && memcmp(ed->lines[i], s, n) == 0) {
			ed->removed++;
			return 0;
		}
	return put(ed, s, n);
}

/* Streams fd (or nothing when -1) through the edit. */
static int
edit_all(int fd, struct lf_edit *ed)
{
	char line[LF_LINE_MAX + 1];
	struct lf_reader r;
	size_t n;
	int nl, k = 0;

	if (fd >= 0) {
		lf_init(&r, fd);
		while ((k = lf_next(&r, line, sizeof(line), &n, &nl)) == 1)
			if ((ed->insert ? insert_line(ed, line, n) :
			    remove_line(ed, line, n)) < 0)
				return -1;
		if (k < 0) {
			if (errno == EFBIG)
				errno = EBADMSG;
			return -1;
		}
	}
	if (ed->insert && place_new(ed) < 0)
		return -1;
	if (ed->insert && ed->kind == LF_ASSIGN && !ed->saw_dot)
		return put(ed, ".", 1);
	return 0;
}

typedef int (*lf_after)(int topfd, int dirfd);

static const char *index_of(lf_after);

/* The edit of file in dirfd; after() runs once the new file is in
 * place, still under the lock. index: the file after() rebuilds, whose
 * mtime the new file must be later than (so that a crash before the
 * rebuild leaves the index older: cdbmake.h). Returns lines removed,
 * or 0, or -1. */
static int
edit_locked(int dirfd, const char *file, const char *index,
    struct lf_edit *ed)
{
	int fd, r, e;

	if ((fd = lf_open(dirfd, file)) < 0 && errno != ENOENT)
		return -1;
	if (fd < 0 && !ed->insert)
		return 0;	/* never create a file to remove from it */
	/* the failures in the order of the steps (bugprone-branch-clone) */
	if (atomic_begin(dirfd, file, (uid_t)-1, (gid_t)-1, 0644, &ed->af) < 0)
		r = -1;
	else if (edit_all(fd, ed) < 0) {	/* NOLINT(bugprone-branch-clone) */
		e = errno;
		atomic_abort(&ed->af);
		errno = e;
		r = -1;
	} else if (!ed->insert && ed->removed == 0) {
		atomic_abort(&ed->af);		/* nothing to change */
		r = 0;
	} else if (index != NULL && cdb_mtime_after(ed->af.fd, dirfd,
	    index) < 0) {
		e = errno;
		atomic_abort(&ed->af);
		errno = e;
		r = -1;
	} else
		r = atomic_commit(&ed->af);
	e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
	return r < 0 ? -1 : ed->removed;
}

static int
edit(int topfd, int dirfd, const char *file, struct lf_edit *ed,
    lf_after after)
{
	char lockname[ATOMIC_NAME_MAX + 8];
	struct lockfile lk;
	int r, e, n;

	n = snprintf(lockname, sizeof(lockname), "%s.lock", file);
	if (n < 0 || (size_t)n >= sizeof(lockname)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (lockfile_acquire(dirfd, lockname, -1, &lk) < 0)
		return -1;
	r = edit_locked(dirfd, file, index_of(after), ed);
	if (r >= 0 && after != NULL && (ed->insert || r > 0)) {
		recover_crash_point();	/* text renamed, index not yet */
		if (after(topfd, dirfd) < 0)
			r = -1;
	}
	e = errno;
	lockfile_release(&lk);
	errno = e;
	return r;
}

static int
do_insert(int topfd, int dirfd, const char *file, enum lf_kind kind,
    const char *line, lf_after after)
{
	struct lf_edit *ed;
	size_t n = strlen(line);
	int r;

	if (n == 0 || n > LF_LINE_MAX || strchr(line, '\n') != NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((ed = calloc(1, sizeof(*ed))) == NULL)
		return -1;
	ed->kind = kind;
	ed->insert = 1;
	ed->line = line;
	ed->len = n;
	lf_sort_key(kind, line, n, ed->key, sizeof(ed->key));
	r = edit(topfd, dirfd, file, ed, after);
	free(ed);
	return r < 0 ? -1 : 0;
}

static int
do_remove(int topfd, int dirfd, const char *file, const char *const *lines,
    size_t n, lf_after after)
{
	struct lf_edit *ed;
	int r;

	if ((ed = calloc(1, sizeof(*ed))) == NULL)
		return -1;
	ed->lines = lines;
	ed->nlines = n;
	r = edit(topfd, dirfd, file, ed, after);
	free(ed);
	return r;
}

int
lf_insert(int dirfd, const char *file, enum lf_kind kind, const char *line)
{
	return do_insert(-1, dirfd, file, kind, line, NULL);
}

int
lf_remove(int dirfd, const char *file, const char *const *lines, size_t n)
{
	return do_remove(-1, dirfd, file, lines, n, NULL);
}

int
lf_count(int dirfd, const char *file)
{
	char line[LF_LINE_MAX + 1];
	struct lf_reader r;
	size_t n;
	int fd, nl, k, count = 0, e;

	if ((fd = lf_open(dirfd, file)) < 0)
		return errno == ENOENT ? 0 : -1;
	lf_init(&r, fd);
	while ((k = lf_next(&r, line, sizeof(line), &n, &nl)) == 1)
		count++;
	e = errno;
	close(fd);
	errno = e;
	return k < 0 ? -1 : count;
}

/* ---- qmail's files ---- */

int
lf_assign_line(const char *name, const char *real, unsigned long uid,
    unsigned long gid, const char *dir, char *out, size_t outsz)
{
	int n;

	if (val_domain_name(name) != VAL_OK || val_domain_name(real) !=
	    VAL_OK || dir[0] != '/' || val_pw_dir(dir) != VAL_OK) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(out, outsz, "+%s-:%s:%lu:%lu:%s:-::", name, real, uid,
	    gid, dir);
	if (n < 0 || (size_t)n >= outsz || n > LF_LINE_MAX) {
		errno = E2BIG;
		return -1;
	}
	return 0;
}

/* Opens the subdirectory sub ("users", "control") of the qmail dir. */
static int
subdir(int qmailfd, const char *sub)
{
	return fs_open_beneath(qmailfd, sub, O_PATH | O_DIRECTORY, 0);
}

static int
after_assign(int qmailfd, int dirfd)
{
	(void)dirfd;
	return cdb_build_users(qmailfd);
}

typedef int (*qmail_op)(int qmailfd, int dirfd, const void *arg, size_t n);

static int
in_subdir(int qmailfd, const char *sub, qmail_op op, const void *arg,
    size_t n)
{
	int dirfd, r, e;

	if ((dirfd = subdir(qmailfd, sub)) < 0)
		return -1;
	r = op(qmailfd, dirfd, arg, n);
	e = errno;
	close(dirfd);
	errno = e;
	return r;
}

static int
assign_add_op(int qmailfd, int dirfd, const void *line, size_t n)
{
	(void)n;
	return do_insert(qmailfd, dirfd, "assign", LF_ASSIGN, line,
	    after_assign);
}

static int
assign_remove_op(int qmailfd, int dirfd, const void *lines, size_t n)
{
	return do_remove(qmailfd, dirfd, "assign", lines, n, after_assign);
}

int
lf_assign_add(int qmailfd, const char *line)
{
	if (line[0] != '+') {
		errno = EINVAL;
		return -1;
	}
	return in_subdir(qmailfd, "users", assign_add_op, line, 0);
}

int
lf_assign_remove(int qmailfd, const char *const *lines, size_t n)
{
	return in_subdir(qmailfd, "users", assign_remove_op, lines, n);
}

static int after_mrh(int, int);

/* The index an after() function rebuilds. */
static const char *
index_of(lf_after after)
{
	if (after == after_assign)
		return "cdb";
	if (after == after_mrh)
		return "morercpthosts.cdb";
	return NULL;
}

/* morercpthosts changed: recompile, or remove both once it is empty
 * (the index first: a crash in between leaves an empty text without
 * index, which cdb_mrh_refresh finishes). */
static int
after_mrh(int qmailfd, int dirfd)
{
	struct stat st;

	if (fstatat(dirfd, "morercpthosts", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (st.st_size > 0)
		return cdb_build_morercpthosts(qmailfd);
	if (unlinkat(dirfd, "morercpthosts.cdb", 0) < 0 && errno != ENOENT)
		return -1;
	recover_crash_point();
	return unlinkat(dirfd, "morercpthosts", 0);
}

static int
has_line(int dirfd, const char *file, const char *want)
{
	char line[LF_LINE_MAX + 1];
	struct lf_reader r;
	size_t n, wn = strlen(want);
	int fd, nl, found = 0;

	if ((fd = lf_open(dirfd, file)) < 0)
		return errno == ENOENT ? 0 : -1;
	lf_init(&r, fd);
	while (!found && lf_next(&r, line, sizeof(line), &n, &nl) == 1)
		found = n == wn && memcmp(line, want, n) == 0;
	close(fd);
	return found;
}

static int
hosts_add_op(int qmailfd, int dirfd, const void *name, size_t unused)
{
	int lines;

	(void)unused;
	if (has_line(dirfd, "rcpthosts", name) != 0 ||
	    has_line(dirfd, "morercpthosts", name) != 0) {
		errno = EEXIST;
		return -1;
	}
	if ((lines = lf_count(dirfd, "rcpthosts")) < 0)
		return -1;
	if (lines < LF_MRH_AT)
		return do_insert(qmailfd, dirfd, "rcpthosts", LF_HOSTS, name,
		    NULL);
	if (do_insert(qmailfd, dirfd, "morercpthosts", LF_HOSTS, name,
	    after_mrh) < 0)
		return -1;
	return 1;
}

static int
hosts_remove_op(int qmailfd, int dirfd, const void *names, size_t n)
{
	int a, b;

	/* both files, whatever the first gave (the reference's Q11) */
	if ((a = do_remove(qmailfd, dirfd, "rcpthosts", names, n, NULL)) < 0)
		return -1;
	if ((b = do_remove(qmailfd, dirfd, "morercpthosts", names, n,
	    after_mrh)) < 0)
		return -1;
	return a + b;
}

static int new_name_ok(const char *);

int
lf_hosts_add(int qmailfd, const char *name)
{
	if (!new_name_ok(name))
		return -1;
	return in_subdir(qmailfd, "control", hosts_add_op, name, 0);
}

int
lf_hosts_remove(int qmailfd, const char *const *names, size_t n)
{
	return in_subdir(qmailfd, "control", hosts_remove_op, names, n);
}

static int
virtual_add_op(int qmailfd, int dirfd, const void *name, size_t unused)
{
	char line[LF_LINE_MAX + 1];
	int k = snprintf(line, sizeof(line), "%s:%s", (const char *)name,
	    (const char *)name);

	(void)unused;
	if (k < 0 || (size_t)k >= sizeof(line)) {
		errno = E2BIG;
		return -1;
	}
	return do_insert(qmailfd, dirfd, "virtualdomains", LF_VIRTUAL, line,
	    NULL);
}

static int
virtual_remove_op(int qmailfd, int dirfd, const void *names, size_t n)
{
	const char *const *v = names;
	char (*lines)[LF_LINE_MAX + 1] = calloc(n + 1, sizeof(*lines));
	const char **ptrs = calloc(n + 1, sizeof(*ptrs));
	size_t i;
	int r = -1, k;

	for (i = 0; lines != NULL && ptrs != NULL && i < n; i++) {
		k = snprintf(lines[i], sizeof(lines[i]), "%s:%s", v[i], v[i]);
		if (k < 0 || (size_t)k >= sizeof(lines[i])) {
			errno = E2BIG;
			break;
		}
		ptrs[i] = lines[i];
	}
	if (lines != NULL && ptrs != NULL && i == n)
		r = do_remove(qmailfd, dirfd, "virtualdomains", ptrs, n, NULL);
	free(lines);
	free(ptrs);
	return r;
}

/* New names must be domain names (the caller checked; so do we: a
 * stray ':' or newline here would forge routing entries). */
static int
new_name_ok(const char *name)
{
	if (val_domain_name(name) == VAL_OK)
		return 1;
	errno = EINVAL;
	return 0;
}

int
lf_virtual_add(int qmailfd, const char *name)
{
	if (!new_name_ok(name))
		return -1;
	return in_subdir(qmailfd, "control", virtual_add_op, name, 0);
}

int
lf_virtual_remove(int qmailfd, const char *const *names, size_t n)
{
	return in_subdir(qmailfd, "control", virtual_remove_op, names, n);
}
