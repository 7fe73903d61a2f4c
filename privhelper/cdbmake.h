/*
 * cdbmake.h - the three cdb indexes, built in-process (cdbwrite.c lays
 * files out exactly as djb's cdbmake and tinycdb do, STORAGE.md 3.3;
 * test_cdbwrite compares the bytes) into an atomic_file, so a reader
 * sees the old index or the complete new one:
 *
 *   <domaindir>/vpasswd.cdb           from vpasswd          (6.5)
 *   QMAILDIR/users/cdb                from users/assign     (4.2, qmail-newu)
 *   QMAILDIR/control/morercpthosts.cdb from morercpthosts   (4.3, qmail-newmrh)
 *
 * Callers: vpasswd_write.c (streams vpasswd lines through cdbw_*),
 * linefile updates, and the helper at start-up (stale vpasswd.cdb).
 * All errors are -1 with errno; EBADMSG means the text source is not in
 * the format its consumers accept, and the old index is left in place.
 */
#ifndef VP_CDBMAKE_H
#define VP_CDBMAKE_H

#include <cdb.h>
#include <stddef.h>
#include <sys/types.h>

#include "atomic.h"
#include "cdbwrite.h"

#define VPW_LINE_MAX	510	/* vpasswd line without '\n' (1.4) */

struct cdbw {
	struct atomic_file	af;
	struct cdb_out		out;
	int			open;	/* out started, not finished */
};

/* A new index named name in dirfd (see atomic_begin for the owner). */
int	cdbw_begin(int dirfd, const char *name, uid_t, gid_t, mode_t,
	    struct cdbw *);
int	cdbw_add(struct cdbw *, const void *key, size_t klen,
	    const void *val, size_t vlen);
/* Writes the hash tables; the file is then ready for atomic_commit(&w->af)
 * or atomic_commit_all together with other files. */
int	cdbw_finish(struct cdbw *);
/* Finish-and-commit in one step. */
int	cdbw_commit(struct cdbw *);
void	cdbw_abort(struct cdbw *);

/* The vpasswd.cdb record of one vpasswd line (without '\n'): key = the
 * name before the first ':', value = the rest. EBADMSG for a line the
 * reference readers would mangle (no ':', empty name, too long). */
int	cdbw_add_vpasswd_line(struct cdbw *, const char *line, size_t n);
/* Calls fn(arg, line, n) for every line of dirfd's vpasswd (without its
 * '\n'); an unterminated or over-long line is EBADMSG. A missing vpasswd
 * is empty when missing_ok. 0, or -1 with errno (fn's -1 included). */
int	vpasswd_each_line(int dirfd, int missing_ok,
	    int (*fn)(void *, const char *, size_t), void *arg);

/* Rebuilds vpasswd.cdb (uid:gid 0600) from vpasswd. The _locked form
 * expects the caller to hold .vpasswd.lock; the other takes it (never
 * call it while holding that lock: see lockfile_acquire). */
int	cdb_build_vpasswd_locked(int domfd, uid_t, gid_t);
int	cdb_build_vpasswd(int domfd, uid_t, gid_t);
/* 1 when vpasswd.cdb is missing or older than vpasswd (a manual edit,
 * or a crash between the two renames of a reference tool: Q6), 0 when
 * current or when there is no vpasswd, -1 on error. */
int	cdb_vpasswd_stale(int domfd);
/* Under .vpasswd.lock: rebuild vpasswd.cdb if it is stale. 1 rebuilt,
 * 0 it was current, -1 error. For start-up and before trusting a cdb. */
int	cdb_vpasswd_refresh(int domfd, uid_t, gid_t);
/* users/cdb from users/assign, as qmail-newu (0644, owner the process). */
int	cdb_build_users(int qmailfd);
/* control/morercpthosts.cdb from control/morercpthosts, as qmail-newmrh
 * (0644). ENOENT when the text file does not exist. */
int	cdb_build_morercpthosts(int qmailfd);

/*
 * An index is stale when it is missing or its mtime (to the nanosecond)
 * is older than its text file's: the text is renamed first and the index
 * after it, still under the text's lock, and both builders here and
 * linefile.c keep the newer file's mtime strictly after the other's, so
 * a crash between the two renames always leaves the index older. (Left
 * stale otherwise only by a foreign writer, e.g. a hand edit.)
 *
 * users/cdb vs users/assign: 1 stale, 0 current (or no users/assign),
 * -1 error. _refresh rebuilds a stale one under users/assign.lock:
 * 1 rebuilt, 0 current, -1 error (EBADMSG: qmail-newu would refuse the
 * text; the old index stays).
 */
int	cdb_users_stale(int qmailfd);
int	cdb_users_refresh(int qmailfd);
/* The same for control/morercpthosts.cdb vs control/morercpthosts under
 * morercpthosts.lock. An empty morercpthosts without its index is the
 * crash of a removal that emptied it (linefile.c removes the index, then
 * the text): stale, and _refresh finishes the removal of both. */
int	cdb_mrh_stale(int qmailfd);
int	cdb_mrh_refresh(int qmailfd);
/* Sets fd's mtime to just after other's when it is not already later
 * (other missing: nothing). For writers of a text/index pair. 0 or -1. */
int	cdb_mtime_after(int fd, int dirfd, const char *other);

#endif
