/*
 * rlimit.c - resource limits of the confined processes, for sandbox.c.
 * Limits are only ever lowered: the processes hold no CAP_SYS_RESOURCE
 * (and in containers neither may the daemon), so a value above the current
 * hard limit is clamped to it instead of failing.
 */
#include <sys/resource.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "sb_internal.h"

int
sb_rlimit_set(int resource, const char *name, unsigned long value,
    char *err, size_t errlen)
{
	struct rlimit rl;
	rlim_t v = (rlim_t)value;

	if (getrlimit(resource, &rl) == -1)
		return sb_err(err, errlen, "getrlimit %s: %s", name,
		    strerror(errno));
	if (v > rl.rlim_max)
		v = rl.rlim_max;
	rl.rlim_cur = rl.rlim_max = v;
	if (setrlimit(resource, &rl) == -1)
		return sb_err(err, errlen, "setrlimit %s %lu: %s", name,
		    (unsigned long)v, strerror(errno));
	return 0;
}

/*
 * No core files (memory holds other users' secrets), no file growth (the
 * frontend writes only to sockets and pipes), no new processes, and no
 * descriptors beyond those it already holds. SIGXFSZ is ignored so that a
 * log line to a stderr that is a regular file fails with EFBIG instead of
 * killing the session.
 */
int
sb_rlimit_frontend(int max_fd, char *err, size_t errlen)
{
	struct sigaction sa;

	if (max_fd <= 0)
		return sb_err(err, errlen, "max_fd %d", max_fd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGXFSZ, &sa, NULL) == -1)
		return sb_err(err, errlen, "ignoring SIGXFSZ: %s",
		    strerror(errno));
	if (sb_rlimit_set(RLIMIT_CORE, "RLIMIT_CORE", 0, err, errlen) ||
	    sb_rlimit_set(RLIMIT_FSIZE, "RLIMIT_FSIZE", 0, err, errlen) ||
	    sb_rlimit_set(RLIMIT_NOFILE, "RLIMIT_NOFILE",
	    (unsigned long)max_fd, err, errlen) ||
	    sb_rlimit_set(RLIMIT_NPROC, "RLIMIT_NPROC", 0, err, errlen))
		return -1;
	return 0;
}
