/*
 * dircontrol.h - the hash-directory allocator of STORAGE.md 7 and its
 * state file ".dir-control": the same sequence the reference tools
 * produce on shared data (1-99 directly in the parent, then "0", "1", ...
 * "z", "0/0", ...), including the reader quirk Q1 that turns "0 2 4" into
 * "0 2 2" after the first rewrite.
 *
 * Used for domains (dirfd = <home of uid>/domains) and for users
 * (dirfd = the domain directory). Like the reference, no lock is taken:
 * a lost update only skews the spreading. All errors are -1 with errno
 * (EBADMSG: the state file is not in the 8-line format).
 */
#ifndef VP_DIRCONTROL_H
#define VP_DIRCONTROL_H

#include <stddef.h>
#include <sys/types.h>

#include "atomic.h"

#define DC_PER_DIR	100	/* entries per directory (MAX_USERS_PER_LEVEL) */
#define DC_PATH_MAX	32

struct dirctl {
	unsigned long	count;		/* allocated minus deleted */
	int		level_cur;
	int		level_max;	/* unused, kept */
	int		start[3], end[3], mod[3], idx[3];
	char		path[DC_PATH_MAX];	/* "", "X", "X/Y", ... */
};

/* The state of a missing file. */
void	dc_fresh(struct dirctl *);
/* The 8-line text <-> the state. dc_parse applies quirk Q1 (each
 * triple's third number is a copy of its second). */
int	dc_parse(const char *buf, size_t n, struct dirctl *);
int	dc_format(const struct dirctl *, char *out, size_t);
/* One allocation (7.2) in memory; the result is d->path. */
int	dc_step(struct dirctl *);

/* ".dir-control" in dirfd; a missing file loads the fresh state. */
int	dc_load(int dirfd, struct dirctl *);
int	dc_save(int dirfd, uid_t, gid_t, const struct dirctl *);
/* Load, step, save (uid:gid 0600); hash gets the directory to use
 * relative to dirfd ("" = dirfd itself). */
int	dc_alloc(int dirfd, uid_t, gid_t, char *hash, size_t);
/* The same, but the new state is left in af as a written temporary for
 * the caller to commit together with other files of dirfd (one sync for
 * all: atomic_commit_all) or to abort. */
int	dc_alloc_begin(int dirfd, uid_t, gid_t, char *hash, size_t,
	    struct atomic_file *af);
/* An entry was deleted: count - 1, never below 0. A missing file stays
 * missing. */
int	dc_release(int dirfd, uid_t, gid_t);

/*
 * Backfill of freed user hash directories (7.4), in <domaindir>/
 * .dir_control_free under .dir_control_free.lock. A hash is 1-char
 * components joined by '/' ("0", "0/3"); anything else is refused on
 * the way in (EINVAL) and never handed out.
 */
int	dc_hash_ok(const char *);
/* A user of hash was deleted: append "hash\n". */
int	dc_free_push(int domfd, uid_t, gid_t, const char *hash);
/* Takes the first freed hash: 1 (hash set, the line removed, the count
 * of .dir-control raised unless it is 0), 0 (none usable), or -1. */
int	dc_free_pop(int domfd, uid_t, gid_t, char *hash, size_t);
/* Where a new user's directory goes: a freed hash, else dc_alloc. */
int	dc_alloc_user(int domfd, uid_t, gid_t, char *hash, size_t);

#endif
