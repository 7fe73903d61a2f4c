/*
 * atomic.c - lock files and crash-safe file replacement (see atomic.h).
 *
 * A reader of vpopmail's files never locks, so a file may only ever
 * change by rename(2) of a complete, fsynced copy; and a writer must
 * exclude vpopmail's own tools, which use classic fcntl locks on
 * "<file>.lock" (flock(2) would not conflict with them on Linux).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "fs.h"
#include "util.h"

#define LOCK_STEP_NS	100000000L	/* 100 ms between attempts */

static int
lock_once(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;	/* start 0, length 0: the whole file */
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 0;
	/* ENOLCK is retried too: the reference does, it can be transient */
	return (errno == EAGAIN || errno == EACCES || errno == ENOLCK) ? 1 : -1;
}

static void
sleep_step(void)
{
	struct timespec ts = { 0, LOCK_STEP_NS };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
lockfile_acquire(int dirfd, const char *rel, int timeout_s,
    struct lockfile *lk)
{
	struct stat st;
	long tries;
	int fd, r, e;

	lk->fd = -1;
	if (timeout_s < 0)
		timeout_s = LOCK_TIMEOUT_DEFAULT;
	/* O_NONBLOCK: a FIFO planted under the lock's name must not hang us */
	fd = fs_open_beneath(dirfd, rel, O_WRONLY | O_CREAT | O_NOCTTY |
	    O_NONBLOCK, 0600);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	for (tries = (long)timeout_s * 10; (r = lock_once(fd)) == 1 &&
	    tries > 0; tries--)
		sleep_step();
	if (r != 0) {
		e = r == 1 ? ETIMEDOUT : errno;
		close(fd);
		errno = e;
		return -1;
	}
	lk->fd = fd;
	return 0;
}

int
lockfile_chown(struct lockfile *lk, uid_t uid, gid_t gid)
{
	if (lk->fd < 0) {
		errno = EBADF;
		return -1;
	}
	return atomic_set_owner(lk->fd, uid, gid);
}

void
lockfile_release(struct lockfile *lk)
{
	/* closing the only descriptor drops the process's lock */
	if (lk->fd >= 0)
		close(lk->fd);
	lk->fd = -1;
}

int
atomic_set_owner(int fd, uid_t uid, gid_t gid)
{
	/* Only root can give a file away (STORAGE.md 1.6). A daemon run as
	 * an ordinary user writes everything as itself, like vpopmail's
	 * tools run by the domain's owner. */
	if (geteuid() != 0)
		return 0;
	if (uid == (uid_t)-1 && gid == (gid_t)-1)
		return 0;
	return fchown(fd, uid, gid);
}

static int
single_component(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= ATOMIC_NAME_MAX && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static int
temp_name(const char *name, char *out, size_t outsz)
{
	unsigned long long rnd;
	int n;

	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	n = snprintf(out, outsz, ".%s.tmp.%ld.%016llx", name, (long)getpid(),
	    rnd);
	if (n < 0 || (size_t)n >= outsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
atomic_begin(int dirfd, const char *name, uid_t uid, gid_t gid, mode_t mode,
    struct atomic_file *af)
{
	int e;

	memset(af, 0, sizeof(*af));
	af->fd = -1;
	af->dirfd = dirfd;
	if (!single_component(name)) {
		errno = EINVAL;
		return -1;
	}
	vp_strlcpy(af->target, name, sizeof(af->target));
	if (temp_name(name, af->tmp, sizeof(af->tmp)) < 0)
		return -1;
	af->fd = fs_open_beneath(dirfd, af->tmp, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOCTTY, 0600);
	if (af->fd < 0)
		return -1;
	/* owner first (chown may clear mode bits), then the exact mode,
	 * both before the first byte so no reader sees it otherwise */
	if (atomic_set_owner(af->fd, uid, gid) < 0 ||
	    fchmod(af->fd, mode & 07777) < 0) {
		e = errno;
		atomic_abort(af);
		errno = e;
		return -1;
	}
	return 0;
}

int
atomic_write(struct atomic_file *af, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t k;

	if (af->fd < 0 || af->failed) {
		errno = af->failed ? EIO : EBADF;
		return -1;
	}
	while (n > 0) {
		k = write(af->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			af->failed = 1;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int
fsync_dir(int dirfd)
{
	int fd, r, e;

	/* dirfd is usually O_PATH, which fsync refuses */
	fd = fs_open_beneath(dirfd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

static void
abort_from(struct atomic_file *const *v, size_t i, size_t n)
{
	int e = errno;

	for (; i < n; i++)
		atomic_abort(v[i]);
	errno = e;
}

/*
 * Makes every temporary of v durable before any rename. One file: its
 * fsync. Several: one syncfs(2) per file system instead of one fsync
 * each - every fsync costs a cache flush of the device (~0.3-8 ms on the
 * benchmark VM), and syncfs makes all of them durable with one. (Since
 * Linux 5.8 syncfs reports writeback errors of the file system too.)
 */
static int
sync_all(struct atomic_file *const *v, size_t n)
{
	struct stat st;
	dev_t seen[4];
	size_t i, j, ns = 0;

	if (n == 1)
		return fsync(v[0]->fd);
	for (i = 0; i < n; i++) {
		if (fstat(v[i]->fd, &st) < 0)
			return -1;
		for (j = 0; j < ns && seen[j] != st.st_dev; j++)
			;
		if (j < ns)
			continue;	/* that file system is synced */
		if (syncfs(v[i]->fd) < 0)
			return -1;
		if (ns < sizeof(seen) / sizeof(seen[0]))
			seen[ns++] = st.st_dev;
	}
	return 0;
}

/* Closes every temporary: -1 when one was poisoned or close failed. */
static int
close_all(struct atomic_file *const *v, size_t n)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n; i++) {
		if (v[i]->fd < 0 || v[i]->failed) {
			errno = v[i]->failed ? EIO : EBADF;
			r = -1;
			continue;
		}
		if (close(v[i]->fd) < 0)
			r = -1;
		v[i]->fd = -1;
	}
	return r;
}

int
atomic_commit_all(struct atomic_file *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i]->fd < 0 || v[i]->failed) {
			errno = v[i]->failed ? EIO : EBADF;
			abort_from(v, 0, n);
			return -1;
		}
	}
	if (sync_all(v, n) < 0 || close_all(v, n) < 0) {
		abort_from(v, 0, n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (renameat(v[i]->dirfd, v[i]->tmp, v[i]->dirfd,
		    v[i]->target) < 0) {
			abort_from(v, i, n);
			return -1;
		}
		v[i]->tmp[0] = '\0';
	}
	for (i = 0; i < n; i++)
		if ((i == 0 || v[i]->dirfd != v[i - 1]->dirfd) &&
		    fsync_dir(v[i]->dirfd) < 0)
			return -1;
	return 0;
}

int
atomic_commit(struct atomic_file *af)
{
	struct atomic_file *v[1] = { af };

	return atomic_commit_all(v, 1);
}

void
atomic_abort(struct atomic_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp[0] != '\0')
		unlinkat(af->dirfd, af->tmp, 0);
	af->tmp[0] = '\0';
}
