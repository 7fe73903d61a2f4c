/*
 * sb_rules.c - the rules of the three seccomp filters (frontend, helper,
 * listener), as libseccomp contexts. Used at build time only: the
 * generator sandbox/gen/sb_bpfgen.c compiles each into the BPF program
 * that sandbox/seccomp.c installs, so the daemon itself never loads
 * libseccomp; tests/sandbox/sb_bpf_test checks that the built programs
 * are what libseccomp makes of these rules. Callers: sb_rules_ctx().
 *
 * The frontend gets an allowlist: it only shuffles bytes between sockets
 * and pipes that were opened for it. The helper needs the filesystem, so
 * it gets a denylist of process, kernel and namespace operations; Landlock
 * and capabilities confine what it may touch. The listener's denylist is
 * inherited by every child (sandbox/listener.c). All kill on any foreign
 * architecture (i386 via int 0x80) and on x32 syscall numbers: libseccomp
 * routes nr >= 0x40000000 on a pure x86_64 filter to the bad-arch action.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sb_internal.h"

/* sb_err() of sandbox.c, here too: the generator links only this file. */
__attribute__((format(printf, 3, 4)))
static int
rule_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Everything the frontend does once confined. */
static const int fe_allow[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(sendto),
	SCMP_SYS(recvfrom), SCMP_SYS(shutdown), SCMP_SYS(close),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
	/* a stopped and continued poll()/nanosleep() resumes through this */
	SCMP_SYS(restart_syscall),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getrandom),
	SCMP_SYS(fstat), SCMP_SYS(futex),
};

/*
 * Sanitizer builds only. The ASan/UBSan runtimes (gcc 12 and clang 14) were traced after
 * confinement: sigaltstack at exit, readlink of /proc/self/exe while
 * reporting. sched_yield (spinlock back-off) and tgkill (abort_on_error=1)
 * sit on paths not traced. prctl stays forbidden even here, so these
 * builds cannot make the frontend dumpable again either.
 */
static const int fe_allow_san[] = {
	SCMP_SYS(sigaltstack), SCMP_SYS(readlink), SCMP_SYS(sched_yield),
	SCMP_SYS(tgkill),
};

/*
 * Fail instead of kill, so a report still reaches stderr: the runtimes
 * open /proc/self/maps etc. and look for llvm-symbolizer (to symbolize),
 * and make pipes (to probe memory).
 */
static const int fe_errno_san[] = {
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(stat), SCMP_SYS(lstat),
	SCMP_SYS(access), SCMP_SYS(pipe), SCMP_SYS(pipe2),
};

/* Never legitimate in the helper: kill, so an exploit gets no retries. */
static const int hp_kill[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
	SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root),
	SCMP_SYS(chroot), SCMP_SYS(setns), SCMP_SYS(unshare), SCMP_SYS(bpf),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
	SCMP_SYS(init_module), SCMP_SYS(finit_module),
	SCMP_SYS(delete_module), SCMP_SYS(reboot),
	SCMP_SYS(swapon), SCMP_SYS(swapoff),
	SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
	SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(clone), SCMP_SYS(clone3),
	SCMP_SYS(setuid), SCMP_SYS(setgid), SCMP_SYS(setreuid),
	SCMP_SYS(setregid), SCMP_SYS(setresuid), SCMP_SYS(setresgid),
	SCMP_SYS(setgroups), SCMP_SYS(setfsuid), SCMP_SYS(setfsgid),
	SCMP_SYS(personality), SCMP_SYS(userfaultfd),
	SCMP_SYS(perf_event_open), SCMP_SYS(iopl), SCMP_SYS(ioperm),
	/* io_uring would perform socket() etc. without passing this filter */
	SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register), SCMP_SYS(pidfd_getfd),
};

/* Fail softly: glibc's syslog() retries its socket on every message. */
static const int hp_eperm[] = {
	SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect),
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept), SCMP_SYS(accept4),
};

/* The listener's: what no descendant ever needs (sandbox/listener.c). */
static const int ls_kill[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
	SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root),
	SCMP_SYS(setns), SCMP_SYS(unshare), SCMP_SYS(bpf),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
	SCMP_SYS(init_module), SCMP_SYS(finit_module),
	SCMP_SYS(delete_module), SCMP_SYS(reboot),
	SCMP_SYS(swapon), SCMP_SYS(swapoff),
	SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
	SCMP_SYS(personality), SCMP_SYS(userfaultfd),
	SCMP_SYS(perf_event_open), SCMP_SYS(iopl), SCMP_SYS(ioperm),
	SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register), SCMP_SYS(pidfd_getfd),
};

static int
add_list(scmp_filter_ctx ctx, uint32_t action, const int *nrs, size_t n,
    const char *what, char *err, size_t errlen)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = seccomp_rule_add(ctx, action, nrs[i], 0)) < 0) {
			char *name = seccomp_syscall_resolve_num_arch(
			    SCMP_ARCH_NATIVE, nrs[i]);
			rule_err(err, errlen, "seccomp: %s rule for %s: %s",
			    what, name ? name : "?", strerror(-rc));
			free(name);
			return -1;
		}
	}
	return 0;
}

static int
add_cond(scmp_filter_ctx ctx, int nr, struct scmp_arg_cmp cmp,
    const char *what, char *err, size_t errlen)
{
	int rc;

	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, cmp)) < 0)
		return rule_err(err, errlen, "seccomp: rule for %s: %s", what,
		    strerror(-rc));
	return 0;
}

/*
 * Allowed only with harmless arguments. newfstatat must carry AT_EMPTY_PATH
 * (glibc's fstat()); that stops plain stat() but not a crafted call with a
 * path, which would reveal metadata only: opening stays impossible.
 */
static int
fe_conditional(scmp_filter_ctx ctx, char *err, size_t errlen)
{
	if (add_cond(ctx, SCMP_SYS(mmap),
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0), "mmap", err, errlen) ||
	    add_cond(ctx, SCMP_SYS(mprotect),
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0), "mprotect", err,
	    errlen) ||
	    add_cond(ctx, SCMP_SYS(fcntl), SCMP_A1(SCMP_CMP_EQ, F_GETFL, 0),
	    "fcntl", err, errlen) ||
	    add_cond(ctx, SCMP_SYS(fcntl), SCMP_A1(SCMP_CMP_EQ, F_SETFL, 0),
	    "fcntl", err, errlen) ||
	    add_cond(ctx, SCMP_SYS(newfstatat),
	    SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH),
	    "newfstatat", err, errlen))
		return -1;
	return 0;
}

static int
fe_sanitizer(scmp_filter_ctx ctx, char *err, size_t errlen)
{
	if (add_list(ctx, SCMP_ACT_ALLOW, fe_allow_san,
	    sizeof(fe_allow_san) / sizeof(fe_allow_san[0]), "sanitizer",
	    err, errlen) ||
	    add_list(ctx, SCMP_ACT_ERRNO(EACCES), fe_errno_san,
	    sizeof(fe_errno_san) / sizeof(fe_errno_san[0]), "sanitizer",
	    err, errlen) ||
	    /* isatty(2) decides whether reports are coloured */
	    add_cond(ctx, SCMP_SYS(ioctl), SCMP_A1(SCMP_CMP_EQ, TCGETS, 0),
	    "ioctl", err, errlen))
		return -1;
	return 0;
}

static scmp_filter_ctx
new_ctx(uint32_t def, char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int rc;

	if ((ctx = seccomp_init(def)) == NULL) {
		rule_err(err, errlen, "seccomp_init failed");
		return NULL;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	if (rc < 0) {
		rule_err(err, errlen, "seccomp: bad-arch action: %s",
		    strerror(-rc));
		seccomp_release(ctx);
		return NULL;
	}
	/*
	 * A binary tree of syscall numbers instead of a chain: on attach the
	 * kernel runs the filter once for every syscall number to build its
	 * allow cache, so the chain made each child's seccomp(2) cost tens
	 * of microseconds (docs/PERFORMANCE.md).
	 */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc < 0) {
		rule_err(err, errlen, "seccomp: binary tree: %s",
		    strerror(-rc));
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

static scmp_filter_ctx
build_frontend(int sanitized, char *err, size_t errlen)
{
	scmp_filter_ctx ctx;

	if ((ctx = new_ctx(SCMP_ACT_KILL_PROCESS, err, errlen)) == NULL)
		return NULL;
	if (add_list(ctx, SCMP_ACT_ALLOW, fe_allow,
	    sizeof(fe_allow) / sizeof(fe_allow[0]), "allow", err, errlen) ||
	    fe_conditional(ctx, err, errlen) ||
	    (sanitized && fe_sanitizer(ctx, err, errlen))) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

static scmp_filter_ctx
build_helper(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;

	if ((ctx = new_ctx(SCMP_ACT_ALLOW, err, errlen)) == NULL)
		return NULL;
	if (add_list(ctx, SCMP_ACT_KILL_PROCESS, hp_kill,
	    sizeof(hp_kill) / sizeof(hp_kill[0]), "kill", err, errlen) ||
	    add_list(ctx, SCMP_ACT_ERRNO(EPERM), hp_eperm,
	    sizeof(hp_eperm) / sizeof(hp_eperm[0]), "EPERM", err, errlen)) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

static scmp_filter_ctx
build_listener(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;

	if ((ctx = new_ctx(SCMP_ACT_ALLOW, err, errlen)) == NULL)
		return NULL;
	if (add_list(ctx, SCMP_ACT_KILL_PROCESS, ls_kill,
	    sizeof(ls_kill) / sizeof(ls_kill[0]), "kill", err, errlen)) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

void *
sb_rules_ctx(enum sb_filter which, int sanitized, char *err, size_t errlen)
{
	switch (which) {
	case SB_FILTER_FRONTEND:
		return build_frontend(sanitized, err, errlen);
	case SB_FILTER_HELPER:
		return build_helper(err, errlen);
	case SB_FILTER_LISTENER:
		return build_listener(err, errlen);
	}
	rule_err(err, errlen, "seccomp: no filter %d", (int)which);
	return NULL;
}
