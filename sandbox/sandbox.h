/*
 * sandbox.h - confinement of the two processes of a session.
 *
 * sb_prepare() builds the seccomp filters once per daemon (not per request
 * or connection); sb_frontend() and sb_helper() apply everything to the
 * calling process and are called once, right after the fork. Each returns
 * 0, or -1 with a one-line reason in err; callers treat -1 as fatal.
 */
#ifndef VP_SANDBOX_H
#define VP_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

struct sb_frontend_opts {
	int		 as_root;	/* chroot + setgroups/setres[ug]id */
	uid_t		 uid;		/* frontend user (as_root only) */
	gid_t		 gid;
	const char	*empty_dir;	/* chroot target (as_root only) */
	int		 max_fd;	/* RLIMIT_NOFILE; highest fd in use + 1 */
};

#define SB_HELPER_MAX_PATHS	4

struct sb_helper_opts {
	int		 as_root;	/* keep only SB_HELPER_CAPS */
	const char	*rw_paths[SB_HELPER_MAX_PATHS];	/* Landlock tree */
	int		 npaths;
};

/* The helper's capabilities when started as root, as text for docs and
 * tests: everything else is dropped from the effective, permitted,
 * inheritable and bounding sets. */
#define SB_HELPER_CAPS_TEXT \
	"cap_chown,cap_dac_override,cap_fowner,cap_kill"

int	sb_prepare(char *err, size_t errlen);
int	sb_frontend(const struct sb_frontend_opts *, char *err, size_t errlen);
int	sb_helper(const struct sb_helper_opts *, char *err, size_t errlen);
/* The built-in listener (sandbox/listener.c): stays uid 0 but keeps only
 * the capabilities its children need, no_new_privs, and a seccomp
 * denylist (exec, ptrace, mount, modules, ...) that every child inherits. */
int	sb_listener(char *err, size_t errlen);

/* Landlock ABI of the running kernel (0 when unavailable). */
int	sb_landlock_abi(void);

#endif
