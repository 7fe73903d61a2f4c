/*
 * cdbmake.c - building the cdb indexes natively (see cdbmake.h).
 *
 * The text sources are parsed the way their reference compilers parse
 * them (qmail-newu, qmail-newmrh, vpopmail's make_vpasswd_cdb), so the
 * records and therefore the bytes are the same; where the reference would
 * silently produce garbage (a vpasswd line without ':'), we refuse and
 * keep the old index.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cdbmake.h"
#include "linefile.h"
#include "fs.h"

#define TEXT_LINE_MAX	4096	/* assign / morercpthosts line, bytes */
#define NEWU_FIELDS	6	/* qmail-newu: colons consumed after the key */

int
cdbw_begin(int dirfd, const char *name, uid_t uid, gid_t gid, mode_t mode,
    struct cdbw *w)
{
	w->open = 0;
	if (atomic_begin(dirfd, name, uid, gid, mode, &w->af) < 0)
		return -1;
	if (cdb_out_start(&w->out, &w->af) < 0) {
		cdb_out_free(&w->out);
		atomic_abort(&w->af);
		return -1;
	}
	w->open = 1;
	return 0;
}

int
cdbw_add(struct cdbw *w, const void *k, size_t kl, const void *v, size_t vl)
{
	if (!w->open || kl > 0x7fffffff || vl > 0x7fffffff) {
		errno = w->open ? EFBIG : EBADF;
		return -1;
	}
	if (cdb_out_add(&w->out, k, kl, v, vl) < 0) {
		w->af.failed = 1;
		return -1;
	}
	return 0;
}

int
cdbw_finish(struct cdbw *w)
{
	int rc;

	if (!w->open) {
		errno = EBADF;
		return -1;
	}
	w->open = 0;
	rc = cdb_out_finish(&w->out);
	cdb_out_free(&w->out);
	if (rc < 0) {
		w->af.failed = 1;
		return -1;
	}
	return 0;
}

int
cdbw_commit(struct cdbw *w)
{
	if (cdbw_finish(w) < 0) {
		cdbw_abort(w);
		return -1;
	}
	return atomic_commit(&w->af);
}

void
cdbw_abort(struct cdbw *w)
{
	int e = errno;

	if (w->open)
		cdb_out_free(&w->out);
	w->open = 0;
	atomic_abort(&w->af);
	errno = e;
}

int
cdbw_add_vpasswd_line(struct cdbw *w, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);

	if (colon == NULL || colon == line || n > VPW_LINE_MAX ||
	    memchr(line, '\0', n) != NULL) {
		errno = EBADMSG;
		return -1;
	}
	return cdbw_add(w, line, (size_t)(colon - line), colon + 1,
	    n - (size_t)(colon - line) - 1);
}

int
vpasswd_each_line(int dirfd, int missing_ok,
    int (*fn)(void *, const char *, size_t), void *arg)
{
	char line[VPW_LINE_MAX + 2];
	struct lf_reader r;
	size_t n;
	int fd, nl, k, e;

	if ((fd = lf_open(dirfd, "vpasswd")) < 0)
		return (missing_ok && errno == ENOENT) ? 0 : -1;
	lf_init(&r, fd);
	while ((k = lf_next(&r, line, sizeof(line), &n, &nl)) == 1) {
		if (!nl || n > VPW_LINE_MAX) {
			errno = EBADMSG;
			k = -1;
		} else
			k = fn(arg, line, n);
		if (k < 0)
			break;
	}
	if (k < 0 && errno == EFBIG)
		errno = EBADMSG;
	e = errno;
	close(fd);
	errno = e;
	return k < 0 ? -1 : 0;
}

static int
add_record(void *w, const char *line, size_t n)
{
	return cdbw_add_vpasswd_line(w, line, n);
}

/* Every line of dirfd's vpasswd into w; a missing vpasswd is an error. */
static int
vpasswd_records(int dirfd, struct cdbw *w)
{
	return vpasswd_each_line(dirfd, 0, add_record, w);
}

int
cdb_build_vpasswd_locked(int domfd, uid_t uid, gid_t gid)
{
	struct cdbw w;

	if (cdbw_begin(domfd, "vpasswd.cdb", uid, gid, 0600, &w) < 0)
		return -1;
	/* later than vpasswd even within one clock tick (cdbmake.h) */
	if (vpasswd_records(domfd, &w) < 0 || cdbw_finish(&w) < 0 ||
	    cdb_mtime_after(w.af.fd, domfd, "vpasswd") < 0) {
		cdbw_abort(&w);
		return -1;
	}
	return atomic_commit(&w.af);
}

int
cdb_build_vpasswd(int domfd, uid_t uid, gid_t gid)
{
	struct lockfile lk;
	int r, e;

	if (lockfile_acquire(domfd, ".vpasswd.lock", -1, &lk) < 0)
		return -1;
	(void)lockfile_chown(&lk, uid, gid);	/* cosmetic, as the reference */
	r = cdb_build_vpasswd_locked(domfd, uid, gid);
	e = errno;
	lockfile_release(&lk);
	errno = e;
	return r;
}

static int
older(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec &&
	    a->tv_nsec < b->tv_nsec);
}

int
cdb_vpasswd_stale(int domfd)
{
	struct stat txt, idx;

	/* a planted link or other oddity is never "repaired" by a rebuild:
	 * lookups refuse it, and the tree stays as found */
	if (fstatat(domfd, "vpasswd", &txt, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISREG(txt.st_mode))
		return 0;
	if (fstatat(domfd, "vpasswd.cdb", &idx, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 1 : -1;
	if (!S_ISREG(idx.st_mode))
		return 0;
	return older(&idx.st_mtim, &txt.st_mtim) ? 1 : 0;
}

int
cdb_vpasswd_refresh(int domfd, uid_t uid, gid_t gid)
{
	struct lockfile lk;
	int r, e;

	if ((r = cdb_vpasswd_stale(domfd)) <= 0)
		return r;
	if (lockfile_acquire(domfd, ".vpasswd.lock", -1, &lk) < 0)
		return -1;
	/* a writer may have finished while we waited */
	if ((r = cdb_vpasswd_stale(domfd)) == 1)
		r = cdb_build_vpasswd_locked(domfd, uid, gid) < 0 ? -1 : 1;
	e = errno;
	lockfile_release(&lk);
	errno = e;
	return r;
}

static void
lower(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

/*
 * One users/assign line (before the "." line) into its users/cdb record:
 * "+name-:f1:..:f6:" -> key "!name-", "=user:..." -> key "!user\0";
 * value = the text after the first ':' with its first six ':' turned
 * into NUL, cut at the sixth. wild collects the characters that end the
 * '+' keys (qmail-lspawn's set of prefix separators).
 */
static int
assign_record(struct cdbw *w, char *line, size_t n, char *wild, size_t *nw)
{
	char key[TEXT_LINE_MAX + 2];
	char *colon = memchr(line, ':', n);
	size_t i, klen, colons = 0;

	if (colon == NULL || colon == line || memchr(line, '\0', n) != NULL) {
		errno = EBADMSG;
		return -1;
	}
	i = (size_t)(colon - line);
	key[0] = '!';
	memcpy(key + 1, line + 1, i - 1);
	klen = i;
	if (line[0] != '+')
		key[klen++] = '\0';
	lower(key, klen);
	if (line[0] == '+' && i >= 2 && memchr(wild, line[i - 1], *nw) == NULL)
		wild[(*nw)++] = line[i - 1];
	for (i = i + 1; i < n && colons < NEWU_FIELDS; i++)
		if (line[i] == ':') {
			line[i] = '\0';
			colons++;
		}
	if (colons < NEWU_FIELDS) {
		errno = EBADMSG;
		return -1;
	}
	/* i is one past the sixth colon: the value stops before it */
	return cdbw_add(w, key, klen, colon + 1, (size_t)(line + i - 1 -
	    (colon + 1)));
}

/* Every line up to the first one starting with '.'; none: EBADMSG. */
static int
assign_records(int fd, struct cdbw *w)
{
	char line[TEXT_LINE_MAX + 1], wild[256];
	struct lf_reader r;
	size_t n, nw = 0;
	int nl, k;

	lf_init(&r, fd);
	while ((k = lf_next(&r, line, sizeof(line), &n, &nl)) == 1) {
		if (n > 0 && line[0] == '.')
			return cdbw_add(w, "", 0, wild, nw);
		if (!nl) {
			errno = EBADMSG;
			return -1;
		}
		if (assign_record(w, line, n, wild, &nw) < 0)
			return -1;
	}
	if (k == 0 || errno == EFBIG)
		errno = EBADMSG;	/* qmail-newu: no "." line, bad format */
	return -1;
}

/* Opens sub (a directory beneath topfd) and its text file src. */
static int
open_source(int topfd, const char *sub, const char *src, int *dirfd)
{
	int fd, e;

	*dirfd = fs_open_beneath(topfd, sub, O_PATH | O_DIRECTORY, 0);
	if (*dirfd < 0)
		return -1;
	if ((fd = lf_open(*dirfd, src)) < 0) {
		e = errno;
		close(*dirfd);
		errno = e;
		return -1;
	}
	return fd;
}

typedef int (*records_fn)(int, struct cdbw *);

static int
build_from(int topfd, const char *sub, const char *src, const char *dst,
    records_fn fn)
{
	struct cdbw w;
	int dirfd, fd, r = -1, e;

	if ((fd = open_source(topfd, sub, src, &dirfd)) < 0)
		return -1;
	if (cdbw_begin(dirfd, dst, (uid_t)-1, (gid_t)-1, 0644, &w) == 0) {
		if (fn(fd, &w) < 0 || cdbw_finish(&w) < 0 ||
		    cdb_mtime_after(w.af.fd, dirfd, src) < 0)
			cdbw_abort(&w);
		else
			r = atomic_commit(&w.af);
	}
	e = errno;
	close(fd);
	close(dirfd);
	errno = e;
	return r;
}

int
cdb_build_users(int qmailfd)
{
	return build_from(qmailfd, "users", "assign", "cdb", assign_records);
}

/* qmail-newmrh: lower-case, strip trailing blanks, skip empty and '#'
 * lines, key = the line, value empty. */
static int
mrh_records(int fd, struct cdbw *w)
{
	char line[TEXT_LINE_MAX + 1];
	struct lf_reader r;
	size_t n;
	int nl, k;

	lf_init(&r, fd);
	while ((k = lf_next(&r, line, sizeof(line), &n, &nl)) == 1) {
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		lower(line, n);
		if (cdbw_add(w, line, n, "", 0) < 0)
			return -1;
	}
	if (k < 0 && errno == EFBIG)
		errno = EBADMSG;
	return k;
}

int
cdb_build_morercpthosts(int qmailfd)
{
	return build_from(qmailfd, "control", "morercpthosts",
	    "morercpthosts.cdb", mrh_records);
}

/* ---- staleness of the qmail indexes (recovery) ---- */

int
cdb_mtime_after(int fd, int dirfd, const char *other)
{
	struct timespec ts[2];
	struct stat me, them;

	if (fstatat(dirfd, other, &them, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &me) < 0)
		return -1;
	if (older(&them.st_mtim, &me.st_mtim))
		return 0;
	/* same clock tick (or a clock step back): one nanosecond later */
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = them.st_mtim;
	if (++ts[1].tv_nsec >= 1000000000L) {
		ts[1].tv_sec++;
		ts[1].tv_nsec = 0;
	}
	return futimens(fd, ts);
}

/* 1 when idx is missing or older than txt in sub, 0 when current, when
 * txt does not exist, or when either is not a regular file. */
static int
pair_stale(int topfd, const char *sub, const char *txt, const char *idx)
{
	struct stat t, i;
	int dirfd, r, e;

	if ((dirfd = fs_open_beneath(topfd, sub, O_PATH | O_DIRECTORY, 0)) < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstatat(dirfd, txt, &t, AT_SYMLINK_NOFOLLOW) < 0)
		r = errno == ENOENT ? 0 : -1;
	else if (!S_ISREG(t.st_mode))
		r = 0;		/* as cdb_vpasswd_stale: never "repair" a link */
	else if (fstatat(dirfd, idx, &i, AT_SYMLINK_NOFOLLOW) < 0)
		r = errno != ENOENT ? -1 : 1;
	else
		r = S_ISREG(i.st_mode) && older(&i.st_mtim, &t.st_mtim) ? 1 : 0;
	e = errno;
	close(dirfd);
	errno = e;
	return r;
}

int
cdb_users_stale(int qmailfd)
{
	return pair_stale(qmailfd, "users", "assign", "cdb");
}

int
cdb_mrh_stale(int qmailfd)
{
	return pair_stale(qmailfd, "control", "morercpthosts",
	    "morercpthosts.cdb");
}

/* morercpthosts empty: the end of a removal that emptied it. */
static int
mrh_finish(int qmailfd)
{
	struct stat st;
	int dirfd, r = 0, e;

	if ((dirfd = fs_open_beneath(qmailfd, "control", O_PATH |
	    O_DIRECTORY, 0)) < 0)
		return -1;
	/* two ways to fail, kept apart for reading (bugprone-branch-clone) */
	if (fstatat(dirfd, "morercpthosts", &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = -1;	/* NOLINT(bugprone-branch-clone) */
	else if (st.st_size > 0)
		r = cdb_build_morercpthosts(qmailfd);
	else if ((unlinkat(dirfd, "morercpthosts.cdb", 0) < 0 &&
	    errno != ENOENT) || unlinkat(dirfd, "morercpthosts", 0) < 0)
		r = -1;
	e = errno;
	close(dirfd);
	errno = e;
	return r;
}

static int
users_rebuild(int qmailfd)
{
	return cdb_build_users(qmailfd);
}

/* Under sub/lock: rebuild with fn while stale_fn says so. */
static int
refresh_pair(int qmailfd, const char *sub, const char *lock,
    int (*stale_fn)(int), int (*fn)(int))
{
	struct lockfile lk;
	int dirfd, r, e;

	if ((r = stale_fn(qmailfd)) <= 0)
		return r;
	if ((dirfd = fs_open_beneath(qmailfd, sub, O_PATH | O_DIRECTORY,
	    0)) < 0)
		return -1;
	r = lockfile_acquire(dirfd, lock, -1, &lk);
	e = errno;
	close(dirfd);
	errno = e;
	if (r < 0)
		return -1;
	/* a writer may have finished while we waited */
	if ((r = stale_fn(qmailfd)) == 1)
		r = fn(qmailfd) < 0 ? -1 : 1;
	e = errno;
	lockfile_release(&lk);
	errno = e;
	return r;
}

int
cdb_users_refresh(int qmailfd)
{
	return refresh_pair(qmailfd, "users", "assign.lock", cdb_users_stale,
	    users_rebuild);
}

int
cdb_mrh_refresh(int qmailfd)
{
	return refresh_pair(qmailfd, "control", "morercpthosts.lock",
	    cdb_mrh_stale, mrh_finish);
}
