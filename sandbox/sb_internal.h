/*
 * sb_internal.h - interfaces between the files of sandbox/. Nothing
 * outside sandbox/ (except tests/sandbox) should include this: the public
 * API is sandbox.h. Every function returns 0, or -1 with a reason in err.
 */
#ifndef VP_SB_INTERNAL_H
#define VP_SB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

int	sb_err(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* seccomp.c */
int	sb_seccomp_build(char *err, size_t errlen);
int	sb_seccomp_built(void);
int	sb_seccomp_builds(void);	/* times the filters were built */
int	sb_seccomp_load_frontend(char *err, size_t errlen);
int	sb_seccomp_load_helper(char *err, size_t errlen);
/* The finished program sb_seccomp_load_*() installs (helper: 1, else the
 * frontend's), for tests; 0, or -1 before sb_seccomp_build(). */
struct sock_filter;
int	sb_seccomp_program(int helper, const struct sock_filter **insn,
	    size_t *len);
/* A new libseccomp context (scmp_filter_ctx) with the rules of either
 * filter, as sb_seccomp_build() compiles them; the caller releases it. */
void	*sb_seccomp_ctx_new(int helper, char *err, size_t errlen);

/* landlock.c */
int	sb_landlock_deny_all(char *err, size_t errlen);
int	sb_landlock_beneath(const char *const *paths, int npaths,
	    char *err, size_t errlen);

/* privdrop.c */
int	sb_privdrop_chroot(const char *dir, char *err, size_t errlen);
int	sb_privdrop_ids(uid_t uid, gid_t gid, char *err, size_t errlen);

/* caps.c */
int	sb_caps_drop_bounding(uint64_t keep, char *err, size_t errlen);
int	sb_caps_drop_all(char *err, size_t errlen);
int	sb_caps_helper_root(char *err, size_t errlen);

/* rlimit.c */
int	sb_rlimit_set(int resource, const char *name, unsigned long value,
	    char *err, size_t errlen);
int	sb_rlimit_frontend(int max_fd, char *err, size_t errlen);

#endif
