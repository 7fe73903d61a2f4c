/*
 * atomic.h - the two primitives every rewrite of a shared file is built
 * from (STORAGE.md 13): vpopmail-compatible lock files, and replacement
 * of a file by a fully written, fsynced temporary in the same directory.
 *
 * Callers: vpasswd_write.c, cdbmake.c, linefile.c, dircontrol.c, and any
 * later storage code. All errors are -1 with errno.
 */
#ifndef VP_ATOMIC_H
#define VP_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

#define LOCK_TIMEOUT_DEFAULT	18	/* s; the reference gives up at ~18 */
#define ATOMIC_NAME_MAX		200	/* longest target name accepted */

struct lockfile {
	int	fd;		/* -1 when not held */
};

/*
 * Opens (creating, 0600) the lock file rel beneath dirfd and takes a
 * classic fcntl F_WRLCK over the whole file, the lock vpopmail's own
 * tools take (e.g. ".vpasswd.lock", "users/assign.lock"). Retries every
 * 100 ms for timeout_s seconds (negative: LOCK_TIMEOUT_DEFAULT; 0: one
 * try). ETIMEDOUT when another process kept it.
 * Classic locks belong to the process: never hold the same lock file
 * twice, and never open a lock file any other way while holding it.
 */
int	lockfile_acquire(int dirfd, const char *rel, int timeout_s,
	    struct lockfile *);
/* Gives the lock file the owner the reference gives it (uid:gid). */
int	lockfile_chown(struct lockfile *, uid_t, gid_t);
void	lockfile_release(struct lockfile *);

struct atomic_file {
	int	dirfd;		/* borrowed: the directory of target */
	int	fd;		/* the temporary, -1 once closed */
	int	failed;		/* a write failed: commit refuses */
	char	target[ATOMIC_NAME_MAX + 1];
	char	tmp[ATOMIC_NAME_MAX + 64];
};

/*
 * Creates ".<name>.tmp.<pid>.<random>" (O_EXCL) in dirfd, which must be
 * the directory holding name (a single path component), and gives it
 * owner and mode before anything is written (see atomic_set_owner).
 */
int	atomic_begin(int dirfd, const char *name, uid_t, gid_t, mode_t,
	    struct atomic_file *);
/* Writes all n bytes or fails (and poisons the file for commit). */
int	atomic_write(struct atomic_file *, const void *, size_t n);
/* fsync, close, rename onto the target, fsync the directory. The
 * temporary is gone afterwards whatever the outcome. */
int	atomic_commit(struct atomic_file *);
/*
 * The same for several files of one directory that must change together
 * (vpasswd then vpasswd.cdb, STORAGE.md 13.3): every file is fsynced
 * before the first rename; renames happen in the order given; the
 * directory is fsynced once at the end. If a rename fails, the files
 * before it are already in place and the rest are discarded.
 * With two files or more the sync is one syncfs(2) of each file system
 * involved (one device flush instead of one per file), so everything
 * written before on those file systems is durable before the first
 * rename too: callers may rely on that (userdir_make).
 */
int	atomic_commit_all(struct atomic_file *const *, size_t n);
/* Unlinks the temporary; the target is untouched. Safe to call twice. */
void	atomic_abort(struct atomic_file *);

/* fchown an open file to uid:gid when running as root ((uid_t)-1 keeps
 * that part); an ordinary user's daemon writes everything as itself. */
int	atomic_set_owner(int fd, uid_t, gid_t);

#endif
