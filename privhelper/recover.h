/*
 * recover.h - crash recovery for the domain operations and the qmail
 * indexes (STORAGE.md 13.3 items 3-4, 14.6 K3/K4).
 *
 * A domain operation (add_domain, add_alias_domain, del_domain) is
 * several files changed one after the other. Before it changes the
 * first one it writes an intent record, <vpopmail-dir>/etc/
 * .vpopmaild-intent.<pid>.<random>, one line saying what it is about to
 * do and everything needed to finish or undo it, and keeps a classic
 * fcntl write lock on that file until the operation has completed or
 * been rolled back (then the file is removed). Classic locks die with
 * their process, so an intent whose lock can be taken belongs to a
 * process that was killed mid-way: recovery finishes it (add_domain /
 * add_alias_domain whose users/assign line is there; every del_domain)
 * or undoes it (an add whose line is not), with store_domain.c's
 * idempotent steps (sd_recover).
 *
 * Domain operations of this daemon are also serialised by the domain
 * lock (flock of etc/), and every holder of it first recovers the dead
 * intents: no operation can start on the half-done state of a killed
 * one.
 *
 * Callers: store_domain.c (rc_lock_domains, rc_begin, rc_end), session.c
 * (recover_run, in the helper after its sandbox, before serving), tests.
 */
#ifndef VP_RECOVER_H
#define VP_RECOVER_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "atomic.h"
#include "ctx.h"
#include "validate.h"

#define RC_DIR		"etc"
#define RC_PREFIX	".vpopmaild-intent."
#define RC_ALIASES_MAX	1000	/* alias names kept by one del_domain */

enum rc_op {
	RC_ADD_DOMAIN = 1,	/* name == real, dir = the new directory */
	RC_ADD_ALIAS,		/* name -> real, uid/gid/dir of real */
	RC_DEL_DOMAIN		/* name == real: with aliases[]; else alias */
};

struct rc_intent {
	enum rc_op	 op;
	char		 name[VAL_DOMAIN_MAX + 1];
	char		 real[VAL_DOMAIN_MAX + 1];
	unsigned long	 uid, gid;
	char		 dir[PATH_MAX];	/* absolute, as in users/assign */
	size_t		 naliases;
	char		(*aliases)[VAL_DOMAIN_MAX + 1];	/* malloc'd */
	/* the record on disk, while the operation runs */
	int		 fd;		/* locked; -1 when none */
	char		 file[64];
};

/* The one-line text form "<op>:<name>:<real>:<uid>:<gid>:<dir>[:<alias>
 * ...]\n", every field validated both ways. rc_format: the length or -1
 * (EINVAL: a field that may not be written; E2BIG). rc_parse: 0 or -1
 * (EBADMSG); on success the caller frees with rc_free. */
int	rc_format(const struct rc_intent *, char *out, size_t);
int	rc_parse(const char *text, size_t n, struct rc_intent *);
/* Adds an alias name to a del_domain intent (validated). 0 or -1. */
int	rc_add_alias(struct rc_intent *, const char *name);
void	rc_init(struct rc_intent *, enum rc_op);
void	rc_free(struct rc_intent *);

/*
 * Takes the domain lock (creating etc/ 0700 when missing), timeout as
 * lockfile_acquire (ETIMEDOUT), then recovers every dead intent. Hold
 * it for the whole domain operation; lockfile_release drops it. 0 or -1
 * with errno.
 */
int	rc_lock_domains(struct ph_ctx *, int timeout_s, struct lockfile *);
/* Writes the intent atomically (temporary, fsync, rename, fsync of
 * etc/) with the lock taken on the temporary before its first byte, so
 * the record is locked from the instant it has its name. 0 or -1. */
int	rc_begin(struct ph_ctx *, struct rc_intent *);
/* The operation completed or was rolled back: removes the record and
 * drops its lock. Safe when rc_begin failed or was never called. */
void	rc_end(struct ph_ctx *, struct rc_intent *);

/*
 * Session start: users/cdb and control/morercpthosts.cdb brought up to
 * date (cdbmake.h *_refresh), then, when the domain lock is free at
 * once, every dead intent recovered (a held lock means an operation is
 * running, and it recovers before it starts). One audit record per
 * recovered intent and per rebuilt index. Returns the number of intents
 * recovered, or -1 when something could not be (audited; the session
 * goes on).
 */
int	recover_run(struct ph_ctx *);
/* Only the intents (the caller holds the domain lock, or is a test). */
int	recover_intents(struct ph_ctx *);

/*
 * STORAGE.md 13.3 item 6: removes from the directory sub beneath topfd
 * (sub "." for topfd itself) our temporaries (".<name>.tmp.<pid>.<hex>",
 * atomic.h) whose process no longer exists - a writer killed between
 * creating and renaming one. Returns how many. recover_run sweeps
 * users/, control/, domains/ and etc/; a domain directory can be swept
 * when it is opened.
 */
int	recover_sweep(int topfd, const char *sub);

/*
 * Test hook: when recover_test_crash_at is n > 0, the n-th call of
 * recover_crash_point() in this process raises SIGKILL. The storage
 * code calls it between the steps of the domain operations and of the
 * index updates. Set only by the tests (nothing reads the environment).
 */
extern int	recover_test_crash_at;
void	recover_crash_point(void);

#endif
