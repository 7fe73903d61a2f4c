/*
 * dircontrol.c - the ".dir-control" allocator (see dircontrol.h).
 *
 * The state is advisory (consumers use the paths recorded in
 * users/assign and vpasswd), but reference tools and the daemon share
 * it, so both must continue the same sequence; hence the reader quirk is
 * reproduced rather than fixed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "dircontrol.h"
#include "fs.h"
#include "linefile.h"
#include "util.h"

#define DC_FILE		".dir-control"
#define DC_FILE_MAX	512

static const char alphabet[] = "0123456789"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
#define ALPHA_LAST	61

void
dc_fresh(struct dirctl *d)
{
	memset(d, 0, sizeof(*d));
	d->level_max = 3;
	d->end[0] = d->end[1] = d->end[2] = ALPHA_LAST;
	d->mod[1] = 2;
	d->mod[2] = 4;
}

/* A decimal number ending at a blank, a newline or the end. */
static int
number(const char **s, const char *end, unsigned long *v)
{
	const char *p = *s;

	*v = 0;
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (*v > (~0UL - 9) / 10)
			return -1;
		*v = *v * 10 + (unsigned long)(*p - '0');
	}
	while (p < end && *p == ' ')
		p++;
	*s = p;
	return 0;
}

/* Line k of buf (0-based): start and end pointers. */
static int
line_at(const char *buf, size_t n, int k, const char **s, const char **e)
{
	const char *p = buf, *end = buf + n, *nl;

	for (; k > 0; k--) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return -1;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*s = p;
	*e = nl != NULL ? nl : end;
	return nl != NULL ? 0 : -1;
}

/* "a b c": the reference reads c from where it read b (quirk Q1). */
static int
triple(const char *buf, size_t n, int k, int v[3], unsigned long max)
{
	const char *s, *e;
	unsigned long a, b;

	if (line_at(buf, n, k, &s, &e) < 0 || number(&s, e, &a) < 0 ||
	    number(&s, e, &b) < 0 || a > max || b > max)
		return -1;
	v[0] = (int)a;
	v[1] = v[2] = (int)b;
	return 0;
}

static int
scalar(const char *buf, size_t n, int k, unsigned long *v)
{
	const char *s, *e;

	if (line_at(buf, n, k, &s, &e) < 0 || number(&s, e, v) < 0)
		return -1;
	return s == e ? 0 : -1;
}

static int
path_line(const char *buf, size_t n, char *path)
{
	const char *s, *e;
	size_t len;

	if (line_at(buf, n, 7, &s, &e) < 0)
		return -1;
	len = (size_t)(e - s);
	if (len >= DC_PATH_MAX || strspn(s, "/0123456789ABCDEFGHIJKLMNOPQRST"
	    "UVWXYZabcdefghijklmnopqrstuvwxyz") < len)
		return -1;
	memcpy(path, s, len);
	path[len] = '\0';
	return 0;
}

int
dc_parse(const char *buf, size_t n, struct dirctl *d)
{
	unsigned long cur, lmax;

	memset(d, 0, sizeof(*d));
	/* start/end index the alphabet and mod the path: bound them all */
	if (scalar(buf, n, 0, &d->count) < 0 || scalar(buf, n, 1, &cur) < 0 ||
	    scalar(buf, n, 2, &lmax) < 0 || cur > 2 || lmax > 1000 ||
	    triple(buf, n, 3, d->start, ALPHA_LAST) < 0 ||
	    triple(buf, n, 4, d->end, ALPHA_LAST) < 0 ||
	    triple(buf, n, 5, d->mod, DC_PATH_MAX - 3) < 0 ||
	    triple(buf, n, 6, d->idx, 1000) < 0 || path_line(buf, n, d->path)
	    < 0) {
		errno = EBADMSG;
		return -1;
	}
	d->level_cur = (int)cur;
	d->level_max = (int)lmax;
	return 0;
}

int
dc_format(const struct dirctl *d, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%lu\n%d\n%d\n%d %d %d\n%d %d %d\n"
	    "%d %d %d\n%d %d %d\n%s\n", d->count, d->level_cur, d->level_max,
	    d->start[0], d->start[1], d->start[2], d->end[0], d->end[1],
	    d->end[2], d->mod[0], d->mod[1], d->mod[2], d->idx[0], d->idx[1],
	    d->idx[2], d->path);

	if (n < 0 || (size_t)n >= outsz) {
		errno = E2BIG;
		return -1;
	}
	return n;
}

/* Moves level L one character on, carrying into level L-1 on wrap. */
static int
advance(struct dirctl *d, int level)
{
	size_t len = strlen(d->path), pos = (size_t)d->mod[level];
	const char *a;
	char c;

	if (pos > len)
		pos = len;	/* past the end: extend, never leave a gap */
	if (pos + 2 > sizeof(d->path)) {
		errno = E2BIG;
		return -1;
	}
	c = d->path[pos];
	if (c == alphabet[d->end[level]]) {
		d->path[pos] = alphabet[d->start[level]];
		d->idx[level] = d->start[level];
		return level > 0 ? advance(d, level - 1) : 0;
	}
	a = c != '\0' ? strchr(alphabet, c) : NULL;
	if (pos == len)
		d->path[pos + 1] = '\0';
	d->path[pos] = (a != NULL && a[1] != '\0') ? a[1] :
	    alphabet[d->start[level]];
	d->idx[level]++;
	return 0;
}

static int
descend(struct dirctl *d)
{
	size_t len = strlen(d->path);

	if (len + 2 > sizeof(d->path)) {
		errno = E2BIG;
		return -1;
	}
	d->path[len] = '/';
	d->path[len + 1] = '\0';
	d->level_cur++;
	return 0;
}

int
dc_step(struct dirctl *d)
{
	int cur = d->level_cur;

	d->count++;
	if (d->count % DC_PER_DIR != 0)
		return 0;
	if (d->path[0] == '\0') {
		d->path[0] = alphabet[d->start[0]];
		d->path[1] = '\0';
		return 0;
	}
	if (d->idx[cur] == d->end[cur]) {
		if (cur == 0) {
			if (advance(d, 0) < 0 || descend(d) < 0)
				return -1;
		} else if (cur == 1 && d->idx[0] == d->end[0] &&
		    d->idx[1] == d->end[1]) {
			if (advance(d, 1) < 0 || descend(d) < 0)
				return -1;
		}
	}
	return advance(d, d->level_cur);
}

int
dc_load(int dirfd, struct dirctl *d)
{
	char buf[DC_FILE_MAX];
	ssize_t n;

	if ((n = fs_read_small(dirfd, DC_FILE, buf, sizeof(buf))) < 0) {
		if (errno != ENOENT)
			return -1;
		dc_fresh(d);
		return 0;
	}
	return dc_parse(buf, (size_t)n, d);
}


/* The new state written to a temporary in af, not yet renamed. */
static int
save_begin(int dirfd, uid_t uid, gid_t gid, const struct dirctl *d,
    struct atomic_file *af)
{
	char buf[DC_FILE_MAX];
	int n;

	if ((n = dc_format(d, buf, sizeof(buf))) < 0)
		return -1;
	if (atomic_begin(dirfd, DC_FILE, uid, gid, 0600, af) < 0)
		return -1;
	if (atomic_write(af, buf, (size_t)n) < 0) {
		atomic_abort(af);
		return -1;
	}
	return 0;
}

int
dc_save(int dirfd, uid_t uid, gid_t gid, const struct dirctl *d)
{
	struct atomic_file af;

	if (save_begin(dirfd, uid, gid, d, &af) < 0)
		return -1;
	return atomic_commit(&af);
}

int
dc_alloc_begin(int dirfd, uid_t uid, gid_t gid, char *hash, size_t hsz,
    struct atomic_file *af)
{
	struct dirctl d;

	if (dc_load(dirfd, &d) < 0 || dc_step(&d) < 0)
		return -1;
	if (vp_strlcpy(hash, d.path, hsz) >= hsz) {
		errno = E2BIG;
		return -1;
	}
	return save_begin(dirfd, uid, gid, &d, af);
}

int
dc_alloc(int dirfd, uid_t uid, gid_t gid, char *hash, size_t hsz)
{
	struct atomic_file af;

	if (dc_alloc_begin(dirfd, uid, gid, hash, hsz, &af) < 0)
		return -1;
	return atomic_commit(&af);
}

int
dc_release(int dirfd, uid_t uid, gid_t gid)
{
	struct dirctl d;
	char buf[DC_FILE_MAX];
	ssize_t n;

	if ((n = fs_read_small(dirfd, DC_FILE, buf, sizeof(buf))) < 0)
		return errno == ENOENT ? 0 : -1;
	if (dc_parse(buf, (size_t)n, &d) < 0)
		return -1;
	if (d.count > 0)	/* the reference wraps to 2^64-1 (Q2) */
		d.count--;
	return dc_save(dirfd, uid, gid, &d);
}

/* ---- backfill (7.4) ---- */

#define FREE_FILE	".dir_control_free"
#define FREE_LOCK	".dir_control_free.lock"
#define FREE_SCAN_MAX	296	/* a longer line ends the reference's search */

int
dc_hash_ok(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 0 || n >= DC_PATH_MAX)
		return 0;
	/* "X", "X/Y", ...: never "", "..", "/x" or "x//y" */
	for (i = 0; i < n; i++) {
		if (i % 2 == 0 && strchr(alphabet, h[i]) == NULL)
			return 0;
		if (i % 2 == 1 && h[i] != '/')
			return 0;
	}
	return h[n - 1] != '/';
}

/* Copies the free list into af, leaving out line number skip (or none
 * when skip < 0). */
static int
copy_free(int fd, struct atomic_file *af, long skip)
{
	char line[LF_LINE_MAX + 1];
	struct lf_reader r;
	size_t n;
	long k;
	int nl, rc;

	lf_init(&r, fd);
	for (k = 0; (rc = lf_next(&r, line, sizeof(line), &n, &nl)) == 1; k++)
		if (k != skip && (atomic_write(af, line, n) < 0 ||
		    atomic_write(af, "\n", 1) < 0))
			return -1;
	if (rc < 0 && errno == EFBIG)
		errno = EBADMSG;
	return rc;
}

static int
push_locked(int domfd, uid_t uid, gid_t gid, const char *hash)
{
	struct atomic_file af;
	struct stat st;
	mode_t mode = 0600;
	int fd, r = 0, e;

	if ((fd = lf_open(domfd, FREE_FILE)) < 0 && errno != ENOENT)
		return -1;
	if (fd >= 0 && fstat(fd, &st) == 0)
		mode = st.st_mode & 0666;	/* 0644 once consumed (2.2) */
	if (atomic_begin(domfd, FREE_FILE, uid, gid, mode, &af) < 0)
		r = -1;
	else if ((fd >= 0 && copy_free(fd, &af, -1) < 0) ||
	    atomic_write(&af, hash, strlen(hash)) < 0 ||
	    atomic_write(&af, "\n", 1) < 0) {
		e = errno;
		atomic_abort(&af);
		errno = e;
		r = -1;
	} else
		r = atomic_commit(&af);
	e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
	return r;
}

typedef int (*free_fn)(int, uid_t, gid_t, void *, size_t);

static int
under_free_lock(int domfd, uid_t uid, gid_t gid, free_fn fn, void *arg,
    size_t n)
{
	struct lockfile lk;
	int r, e;

	if (lockfile_acquire(domfd, FREE_LOCK, -1, &lk) < 0)
		return -1;
	(void)lockfile_chown(&lk, uid, gid);
	r = fn(domfd, uid, gid, arg, n);
	e = errno;
	lockfile_release(&lk);
	errno = e;
	return r;
}

static int
push_fn(int domfd, uid_t uid, gid_t gid, void *hash, size_t unused)
{
	(void)unused;
	return push_locked(domfd, uid, gid, hash);
}

int
dc_free_push(int domfd, uid_t uid, gid_t gid, const char *hash)
{
	if (!dc_hash_ok(hash)) {
		errno = EINVAL;
		return -1;
	}
	return under_free_lock(domfd, uid, gid, push_fn, (void *)hash, 0);
}

/* The entry of a line: cut at '#', blanks trimmed on both sides. */
static size_t
entry(char *line, size_t n, char **start)
{
	char *hash = memchr(line, '#', n);

	if (hash != NULL)
		n = (size_t)(hash - line);
	while (n > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	*start = line;
	return n;
}

/* The first usable entry: its line number, or -1 (none). */
static long
find_free(int fd, char *hash, size_t hsz)
{
	char line[LF_LINE_MAX + 1], *s;
	struct lf_reader r;
	size_t n, len;
	long k;
	int nl;

	lf_init(&r, fd);
	for (k = 0; lf_next(&r, line, sizeof(line), &n, &nl) == 1; k++) {
		if (n > FREE_SCAN_MAX)
			return -1;
		if ((len = entry(line, n, &s)) == 0)
			continue;
		s[len] = '\0';
		/* a bad entry stops backfill: it is never handed out */
		if (!dc_hash_ok(s) || vp_strlcpy(hash, s, hsz) >= hsz)
			return -1;
		return k;
	}
	return -1;
}

static int
pop_locked(int domfd, uid_t uid, gid_t gid, char *hash, size_t hsz)
{
	struct atomic_file af;
	struct dirctl d;
	long k;
	int fd, r, e;

	if ((fd = lf_open(domfd, FREE_FILE)) < 0)
		return errno == ENOENT ? 0 : -1;
	if ((k = find_free(fd, hash, hsz)) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return 0;
	}
	if ((r = atomic_begin(domfd, FREE_FILE, uid, gid, 0644, &af)) == 0) {
		if (copy_free(fd, &af, k) < 0) {
			e = errno;
			atomic_abort(&af);
			errno = e;
			r = -1;
		} else
			r = atomic_commit(&af);
	}
	e = errno;
	close(fd);
	errno = e;
	if (r < 0)
		return -1;
	/* the reference counts a reused slot, except from an empty state */
	if (dc_load(domfd, &d) < 0)
		return -1;
	if (d.count != 0)
		d.count++;
	return dc_save(domfd, uid, gid, &d) < 0 ? -1 : 1;
}

static int
pop_fn(int domfd, uid_t uid, gid_t gid, void *hash, size_t hsz)
{
	return pop_locked(domfd, uid, gid, hash, hsz);
}

int
dc_free_pop(int domfd, uid_t uid, gid_t gid, char *hash, size_t hsz)
{
	if (hsz > 0)
		hash[0] = '\0';
	return under_free_lock(domfd, uid, gid, pop_fn, hash, hsz);
}

int
dc_alloc_user(int domfd, uid_t uid, gid_t gid, char *hash, size_t hsz)
{
	int r = dc_free_pop(domfd, uid, gid, hash, hsz);

	if (r != 0)
		return r < 0 ? -1 : 0;
	return dc_alloc(domfd, uid, gid, hash, hsz);
}
