/*
 * seccomp.c - installing the seccomp filters. The programs are compiled at
 * build time from the rules of sandbox/sb_rules.c (sandbox/gen/sb_bpfgen.c
 * writes build/gen/sb_bpf.h), so a child installs its filter with one
 * seccomp(2) call: no libseccomp in the daemon, no program generated per
 * process or per child (seccomp_load() regenerates it from libseccomp's
 * rule database on every call). sb_prepare() calls sb_seccomp_build(),
 * which only marks them ready; sb_seccomp_load_*() install them.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "sb_internal.h"
#include "sb_bpf.h"

#define NINSN(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const struct sock_filter	*insn;
	size_t				 len;
	const char			*who;
} prog[] = {
#ifdef SB_SANITIZED
	[SB_FILTER_FRONTEND] = { sb_bpf_frontend_san,
	    NINSN(sb_bpf_frontend_san), "frontend" },
#else
	[SB_FILTER_FRONTEND] = { sb_bpf_frontend, NINSN(sb_bpf_frontend),
	    "frontend" },
#endif
	[SB_FILTER_HELPER] = { sb_bpf_helper, NINSN(sb_bpf_helper), "helper" },
	[SB_FILTER_LISTENER] = { sb_bpf_listener, NINSN(sb_bpf_listener),
	    "listener" },
};

static int	nbuilds;

int
sb_seccomp_build(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	if (nbuilds == 0)
		nbuilds++;
	return 0;
}

int
sb_seccomp_built(void)
{
	return nbuilds > 0;
}

int
sb_seccomp_builds(void)
{
	return nbuilds;
}

int
sb_seccomp_program(enum sb_filter which, const struct sock_filter **insn,
    size_t *len)
{
	if ((unsigned)which >= NINSN(prog))
		return -1;
	*insn = prog[which].insn;
	*len = prog[which].len;
	return 0;
}

/*
 * What seccomp_load() does with the default attributes: no_new_privs,
 * then the filter with no flags (the prctl form for kernels before 3.17).
 */
static int
load(enum sb_filter which, char *err, size_t errlen)
{
	struct sock_fprog fp;

	fp.len = (unsigned short)prog[which].len;
	fp.filter = (struct sock_filter *)prog[which].insn;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return sb_err(err, errlen, "seccomp: PR_SET_NO_NEW_PRIVS: %s",
		    strerror(errno));
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) == 0)
		return 0;
	if (errno == ENOSYS &&
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0) == 0)
		return 0;
	return sb_err(err, errlen, "seccomp: loading %s filter: %s",
	    prog[which].who, strerror(errno));
}

int
sb_seccomp_load_frontend(char *err, size_t errlen)
{
	return load(SB_FILTER_FRONTEND, err, errlen);
}

int
sb_seccomp_load_helper(char *err, size_t errlen)
{
	return load(SB_FILTER_HELPER, err, errlen);
}

int
sb_seccomp_load_listener(char *err, size_t errlen)
{
	return load(SB_FILTER_LISTENER, err, errlen);
}
