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

/*
 * The listener's file-system confinement (sandbox/listener.c), applied
 * right after sb_listener() and inherited by every session, under their
 * own rulesets. Paths are those of the configuration at start; NULL or ""
 * means not configured. SECURITY.md lists the resulting rules.
 */
struct sb_listener_fs {
	const char	*config_file;	/* read (SIGHUP) */
	const char	*vpopmail_dir;	/* the helper's trees: read+write */
	const char	*qmail_dir;	/* its users/ and control/ */
	const char	*state_dir;	/* throttle file: read+write+create */
	const char	*audit_log;	/* a path: append+create in its dir */
	const char	*tls_cert;	/* read (SIGHUP) */
	const char	*tls_key;
	const char	*empty_dir;	/* the frontend's chroot: list */
};

int	sb_listener_fs(const struct sb_listener_fs *, char *err, size_t errlen);

/* One rule of sb_landlock_rules(): a file or directory (followed if a
 * symlink) and what may be done to it or beneath it. */
enum {
	SB_LL_READ_FILE	= 1 << 0,
	SB_LL_READ_DIR	= 1 << 1,	/* list */
	SB_LL_WRITE_FILE = 1 << 2,
	SB_LL_TRUNCATE	= 1 << 3,
	SB_LL_MAKE_REG	= 1 << 4,
	SB_LL_MAKE_DIR	= 1 << 5,
	SB_LL_MAKE_SYM	= 1 << 6,
	SB_LL_REMOVE	= 1 << 7,	/* files and directories */
	SB_LL_REFER	= 1 << 8,	/* rename across directories */
	SB_LL_OPTIONAL	= 1 << 15	/* a missing path is left out */
};

struct sb_ll_rule {
	const char	*path;
	unsigned	 rights;
};

/* A ruleset handling every file right the kernel knows, TCP bind/connect
 * and abstract unix sockets, granting only the rules; applied to the
 * calling process. Every path is opened first, also without Landlock. */
int	sb_landlock_rules(const struct sb_ll_rule *, int n, char *err,
	    size_t errlen);

#endif
