/*
 * sandbox.c - the public entry points of sandbox.h: sb_prepare() once per
 * daemon, then sb_frontend() or sb_helper() once in each forked child. The
 * order of the layers matters and is explained where it is not obvious;
 * the other files of sandbox/ each implement one layer.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sandbox.h"
#include "sb_internal.h"

int
sb_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Also fixes the Landlock ABI in memory: after the frontend's filter is
 * loaded it could no longer ask the kernel; and reads the bounding set
 * once for both children (caps.c).
 */
int
sb_prepare(char *err, size_t errlen)
{
	(void)sb_landlock_abi();
	sb_caps_learn_bounding();
	return sb_seccomp_build(err, errlen);
}

/* Non-dumpable: no core, no ptrace or /proc/pid/mem from our own uid. */
static int
no_dump_no_privs(char *err, size_t errlen)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return sb_err(err, errlen, "PR_SET_DUMPABLE: %s",
		    strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return sb_err(err, errlen, "PR_SET_NO_NEW_PRIVS: %s",
		    strerror(errno));
	return 0;
}

/*
 * The bounding set is emptied between chroot and setresuid: it needs
 * CAP_SETPCAP, which the uid switch takes away.
 */
static int
frontend_root(const struct sb_frontend_opts *o, char *err, size_t errlen)
{
	if (sb_privdrop_chroot(o->empty_dir, err, errlen) ||
	    sb_caps_drop_bounding(0, err, errlen) ||
	    sb_privdrop_ids(o->uid, o->gid, err, errlen))
		return -1;
	return 0;
}

/* seccomp goes last: every step before it uses syscalls it forbids. */
int
sb_frontend(const struct sb_frontend_opts *o, char *err, size_t errlen)
{
	if (o == NULL)
		return sb_err(err, errlen, "sb_frontend: no options");
	if (!sb_seccomp_built() && sb_prepare(err, errlen) == -1)
		return -1;
	if (o->as_root && frontend_root(o, err, errlen) == -1)
		return -1;
	if (no_dump_no_privs(err, errlen) ||
	    sb_caps_drop_all(err, errlen) ||
	    sb_landlock_deny_all(err, errlen) ||
	    sb_rlimit_frontend(o->max_fd, err, errlen) ||
	    sb_seccomp_load_frontend(err, errlen))
		return -1;
	return 0;
}

int
sb_helper(const struct sb_helper_opts *o, char *err, size_t errlen)
{
	if (o == NULL)
		return sb_err(err, errlen, "sb_helper: no options");
	if (!sb_seccomp_built() && sb_prepare(err, errlen) == -1)
		return -1;
	if (no_dump_no_privs(err, errlen) ||
	    sb_rlimit_set(RLIMIT_CORE, "RLIMIT_CORE", 0, err, errlen))
		return -1;
	if (o->as_root ? sb_caps_helper_root(err, errlen) :
	    sb_caps_drop_all(err, errlen))
		return -1;
	if (sb_landlock_beneath(o->rw_paths, o->npaths, err, errlen) ||
	    sb_seccomp_load_helper(err, errlen))
		return -1;
	return 0;
}
