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

/* Sanitizer builds: the frontend's filter lets the ASan/UBSan runtimes
 * report (sb_rules.c). */
#if defined(__SANITIZE_ADDRESS__)
#define SB_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
#define SB_SANITIZED	1
#endif
#endif

enum sb_filter {
	SB_FILTER_FRONTEND, SB_FILTER_HELPER, SB_FILTER_LISTENER
};

/* seccomp.c: the programs built from sb_rules.c at build time */
int	sb_seccomp_build(char *err, size_t errlen);
int	sb_seccomp_built(void);
int	sb_seccomp_builds(void);	/* times the filters were built */
int	sb_seccomp_load_frontend(char *err, size_t errlen);
int	sb_seccomp_load_helper(char *err, size_t errlen);
int	sb_seccomp_load_listener(char *err, size_t errlen);
/* The program sb_seccomp_load_*() installs (this build's frontend
 * variant), for tests; 0, or -1 for an unknown filter. */
struct sock_filter;
int	sb_seccomp_program(enum sb_filter, const struct sock_filter **insn,
	    size_t *len);

/* sb_rules.c (links libseccomp; the generator and tests only): a new
 * libseccomp context (scmp_filter_ctx) with the rules of one filter, the
 * frontend's with the sanitizer rules when sanitized; the caller releases
 * it. NULL with a reason in err. */
void	*sb_rules_ctx(enum sb_filter, int sanitized, char *err,
	    size_t errlen);

/* landlock.c */
int	sb_landlock_deny_all(char *err, size_t errlen);
int	sb_landlock_beneath(const char *const *paths, int npaths,
	    char *err, size_t errlen);

/* privdrop.c */
int	sb_privdrop_chroot(const char *dir, char *err, size_t errlen);
int	sb_privdrop_ids(uid_t uid, gid_t gid, char *err, size_t errlen);

/* caps.c */
int	sb_caps_drop_bounding(uint64_t keep, char *err, size_t errlen);
int	sb_caps_clear_ambient(char *err, size_t errlen);
void	sb_caps_learn_bounding(void);
int	sb_caps_drop_all(char *err, size_t errlen);
int	sb_caps_helper_root(char *err, size_t errlen);

/* rlimit.c */
int	sb_rlimit_set(int resource, const char *name, unsigned long value,
	    char *err, size_t errlen);
int	sb_rlimit_frontend(int max_fd, char *err, size_t errlen);

#endif
