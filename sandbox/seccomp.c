/*
 * seccomp.c - the two syscall filters. sb_seccomp_build() compiles both
 * once per daemon with libseccomp and keeps them as finished BPF programs
 * (sb_prepare() calls it); each forked child then only installs its own
 * with sb_seccomp_load_*(), one seccomp(2) call: seccomp_load() would
 * generate the program again from libseccomp's rule database in every
 * child (about 75 us each, twice per connection).
 *
 * The frontend gets an allowlist: it only shuffles bytes between sockets
 * and pipes that were opened for it. The helper needs the filesystem, so
 * it gets a denylist of process, kernel and namespace operations; Landlock
 * and capabilities confine what it may touch. Both kill on any foreign
 * architecture (i386 via int 0x80) and on x32 syscall numbers: libseccomp
 * routes nr >= 0x40000000 on a pure x86_64 filter to the bad-arch action.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sb_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define SB_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
#define SB_SANITIZED	1
#endif
#endif

/* A finished filter, as the kernel takes it. */
struct sb_bpf {
	struct sock_filter	*insn;
	unsigned short		 len;
};

static struct sb_bpf	fe_bpf;
static struct sb_bpf	hp_bpf;
static int		nbuilds;

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

#ifdef SB_SANITIZED
/*
 * The ASan/UBSan runtimes (gcc 12 and clang 14) were traced after
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
#endif

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
			sb_err(err, errlen, "seccomp: %s rule for %s: %s",
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
		return sb_err(err, errlen, "seccomp: rule for %s: %s", what,
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
#ifdef SB_SANITIZED
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
#else
	(void)ctx;
	(void)err;
	(void)errlen;
#endif
	return 0;
}

static scmp_filter_ctx
new_ctx(uint32_t def, char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int rc;

	if ((ctx = seccomp_init(def)) == NULL) {
		sb_err(err, errlen, "seccomp_init failed");
		return NULL;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	if (rc < 0) {
		sb_err(err, errlen, "seccomp: bad-arch action: %s",
		    strerror(-rc));
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

static scmp_filter_ctx
build_frontend(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;

	if ((ctx = new_ctx(SCMP_ACT_KILL_PROCESS, err, errlen)) == NULL)
		return NULL;
	if (add_list(ctx, SCMP_ACT_ALLOW, fe_allow,
	    sizeof(fe_allow) / sizeof(fe_allow[0]), "allow", err, errlen) ||
	    fe_conditional(ctx, err, errlen) ||
	    fe_sanitizer(ctx, err, errlen)) {
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

/*
 * The program libseccomp would load for ctx: seccomp_export_bpf() into a
 * memfd (libseccomp 2.5 has no export to memory), read back. ctx is
 * released whatever happens.
 */
static int
export(scmp_filter_ctx ctx, struct sb_bpf *out, char *err, size_t errlen)
{
	struct stat st;
	void *buf = NULL;
	int fd, rc = -1;

	if ((fd = memfd_create("vpopmaild-bpf", MFD_CLOEXEC)) == -1) {
		sb_err(err, errlen, "seccomp: memfd_create: %s",
		    strerror(errno));
		goto out;
	}
	if ((rc = seccomp_export_bpf(ctx, fd)) < 0) {
		sb_err(err, errlen, "seccomp: export: %s", strerror(-rc));
		rc = -1;
		goto out;
	}
	rc = -1;
	if (fstat(fd, &st) == -1 || st.st_size <= 0 ||
	    st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		sb_err(err, errlen, "seccomp: exported program of %lld bytes",
		    (long long)st.st_size);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size)) == NULL ||
	    pread(fd, buf, (size_t)st.st_size, 0) != (ssize_t)st.st_size) {
		sb_err(err, errlen, "seccomp: reading the program back");
		free(buf);
		goto out;
	}
	out->insn = buf;
	out->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	seccomp_release(ctx);
	return rc;
}

int
sb_seccomp_build(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;

	if (fe_bpf.insn != NULL && hp_bpf.insn != NULL)
		return 0;
	if ((ctx = build_frontend(err, errlen)) == NULL ||
	    export(ctx, &fe_bpf, err, errlen) == -1)
		return -1;
	if ((ctx = build_helper(err, errlen)) == NULL ||
	    export(ctx, &hp_bpf, err, errlen) == -1) {
		free(fe_bpf.insn);
		fe_bpf.insn = NULL;
		return -1;
	}
	nbuilds++;
	return 0;
}

int
sb_seccomp_built(void)
{
	return fe_bpf.insn != NULL && hp_bpf.insn != NULL;
}

int
sb_seccomp_builds(void)
{
	return nbuilds;
}

void *
sb_seccomp_ctx_new(int helper, char *err, size_t errlen)
{
	return helper ? build_helper(err, errlen) : build_frontend(err, errlen);
}

int
sb_seccomp_program(int helper, const struct sock_filter **insn, size_t *len)
{
	const struct sb_bpf *b = helper ? &hp_bpf : &fe_bpf;

	if (b->insn == NULL)
		return -1;
	*insn = b->insn;
	*len = b->len;
	return 0;
}

/*
 * What seccomp_load() does with the default attributes: no_new_privs,
 * then the filter with no flags (the prctl form for kernels before 3.17).
 */
static int
load(const struct sb_bpf *b, const char *who, char *err, size_t errlen)
{
	struct sock_fprog prog;

	if (b->insn == NULL)
		return sb_err(err, errlen, "seccomp: %s filter not built", who);
	prog.len = b->len;
	prog.filter = b->insn;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return sb_err(err, errlen, "seccomp: PR_SET_NO_NEW_PRIVS: %s",
		    strerror(errno));
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	if (errno == ENOSYS &&
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
		return 0;
	return sb_err(err, errlen, "seccomp: loading %s filter: %s", who,
	    strerror(errno));
}

int
sb_seccomp_load_frontend(char *err, size_t errlen)
{
	return load(&fe_bpf, "frontend", err, errlen);
}

int
sb_seccomp_load_helper(char *err, size_t errlen)
{
	return load(&hp_bpf, "helper", err, errlen);
}
