/*
 * sb_bpf_test.c - the seccomp programs built into the daemon at build time
 * (sandbox/gen/sb_bpfgen.c -> build/gen/sb_bpf.h), which each process
 * installs with one seccomp(2) call (sandbox/seccomp.c), are exactly what
 * libseccomp's seccomp_load() would install from the rules of
 * sandbox/sb_rules.c: the same bytes as seccomp_export_bpf() of those
 * rules with the libseccomp of this test, and (as root, read back from the
 * kernel with PTRACE_SECCOMP_GET_FILTER) the same filter in a child
 * confined either way, for the frontend (this build's variant), the helper
 * and the listener. A child confined from the built program is killed on a
 * syscall its filter forbids. Runs as any user.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <linux/filter.h>
#include <linux/ptrace.h>
#include <seccomp.h>

#include "sandbox.h"
#include "sb_internal.h"
#include "sandbox/sbt.h"

#define MAXI	BPF_MAXINSNS

#define NFILTERS	3

static const char *const role[] = { "frontend", "helper", "listener" };

#ifdef SB_SANITIZED
static const int sanitized = 1;
#else
static const int sanitized = 0;
#endif

static int
load_built(int h, char *err, size_t errlen)
{
	switch (h) {
	case SB_FILTER_FRONTEND:
		return sb_seccomp_load_frontend(err, errlen);
	case SB_FILTER_HELPER:
		return sb_seccomp_load_helper(err, errlen);
	default:
		return sb_seccomp_load_listener(err, errlen);
	}
}

/* seccomp_export_bpf of a fresh context of either filter into buf. */
static long
libseccomp_program(int helper, struct sock_filter *buf)
{
	char err[256];
	scmp_filter_ctx ctx = sb_rules_ctx((enum sb_filter)helper, sanitized,
	    err, sizeof(err));
	long n = -1;
	int fd;

	if (ctx == NULL) {
		printf("# %s\n", err);
		return -1;
	}
	if ((fd = memfd_create("t", MFD_CLOEXEC)) >= 0 &&
	    seccomp_export_bpf(ctx, fd) == 0)
		n = pread(fd, buf, MAXI * sizeof(*buf), 0);
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return n < 0 ? -1 : n / (long)sizeof(*buf);
}

static void
test_same_bytes(void)
{
	static struct sock_filter want[MAXI];
	const struct sock_filter *have;
	size_t len;
	long n;
	int h;

	for (h = 0; h < NFILTERS; h++) {
		n = libseccomp_program(h, want);
		if (sb_seccomp_program((enum sb_filter)h, &have, &len) == -1)
			len = 0;
		sbt_check(len > 0 && n > 0 &&
		    (size_t)n == len && memcmp(have, want, len *
		    sizeof(*want)) == 0, "%s: the built-in program (%zu insns) "
		    "is seccomp_export_bpf's of its rules (%ld insns)", role[h], len, n);
	}
}

/* A child confines itself with h's filter, either way, then waits. */
static pid_t
confined_child(int h, int via_libseccomp, int *wfd)
{
	char err[256], c;
	int p[2];
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		close(p[1]);
		alarm(SBT_TIMEOUT);
		if (via_libseccomp) {
			scmp_filter_ctx ctx = sb_rules_ctx((enum sb_filter)h,
			    sanitized, err, sizeof(err));

			if (ctx == NULL || seccomp_load(ctx) < 0)
				_exit(SBT_SETUP_FAILED);
		} else if (load_built(h, err, sizeof(err)) == -1)
			_exit(SBT_SETUP_FAILED);
		(void)!read(p[0], &c, 1);	/* until the parent is done */
		_exit(0);
	}
	close(p[0]);
	*wfd = p[1];
	return pid;
}

/* The child's filter as the kernel holds it; -1 when unreadable. */
static long
kernel_program(pid_t pid, struct sock_filter *buf)
{
	long n = -1;
	int st;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == -1)
		return -1;
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0 &&
	    waitpid(pid, &st, 0) == pid && WIFSTOPPED(st))
		n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, buf);
	(void)ptrace(PTRACE_DETACH, pid, 0, 0);
	return n;
}

static long
installed(int h, int via_libseccomp, struct sock_filter *buf)
{
	pid_t pid;
	long n;
	int wfd, st;

	if ((pid = confined_child(h, via_libseccomp, &wfd)) <= 0)
		return -1;
	usleep(20000);		/* let it confine itself */
	n = kernel_program(pid, buf);
	close(wfd);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? n : -1;
}

static void
test_same_in_kernel(void)
{
	static struct sock_filter a[MAXI], b[MAXI];
	long na, nb;
	int h;

	if (geteuid() != 0) {
		sbt_skip("PTRACE_SECCOMP_GET_FILTER needs CAP_SYS_ADMIN: not "
		    "root");
		return;
	}
	for (h = 0; h < NFILTERS; h++) {
		na = installed(h, 1, a);
		nb = installed(h, 0, b);
		if (na == -1 && errno == EINVAL) {
			sbt_skip("%s: the kernel cannot read filters back "
			    "(CONFIG_CHECKPOINT_RESTORE)", role[h]);
			continue;
		}
		sbt_check(na > 0 && na == nb && memcmp(a, b, (size_t)na *
		    sizeof(*a)) == 0, "%s: the filter in the kernel is the "
		    "same after seccomp_load() (%ld insns) and after the built-in "
		    "program's load (%ld insns)", role[h], na, nb);
	}
}

static int
load_frontend(void *a)
{
	char err[256];

	(void)a;
	return sb_seccomp_load_frontend(err, sizeof(err)) == -1;
}

static int
load_helper(void *a)
{
	char err[256];

	(void)a;
	return sb_seccomp_load_helper(err, sizeof(err)) == -1;
}

static int
load_listener(void *a)
{
	char err[256];

	(void)a;
	return sb_seccomp_load_listener(err, sizeof(err)) == -1;
}

static int
do_getppid(void *a)
{
	(void)a;
	return sbt_rc(syscall(SYS_getppid));
}

static int
do_execve(void *a)
{
	char *argv[] = { "true", NULL };

	(void)a;
	return sbt_rc(syscall(SYS_execve, "/bin/true", argv, NULL));
}

static void
test_kills(void)
{
	char how[128];
	int st;

	st = sbt_run(NULL, load_frontend, do_getppid, NULL);
	sbt_check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "frontend "
	    "(built-in program): getppid %s", sbt_how(st, how, sizeof(how)));
	st = sbt_run(NULL, load_helper, do_getppid, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "helper (built-in "
	    "program): getppid allowed, %s", sbt_how(st, how, sizeof(how)));
	st = sbt_run(NULL, load_helper, do_execve, NULL);
	sbt_check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "helper "
	    "(built-in program): execve %s", sbt_how(st, how, sizeof(how)));
	st = sbt_run(NULL, load_listener, do_execve, NULL);
	sbt_check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "listener "
	    "(built-in program): execve %s", sbt_how(st, how, sizeof(how)));
}

int
main(void)
{
	char err[256];

	if (sb_prepare(err, sizeof(err)) == -1) {
		printf("# sb_prepare: %s\n", err);
		sbt_check(0, "sb_prepare");
		return sbt_done("sb_bpf_test");
	}
	test_same_bytes();
	test_same_in_kernel();
	test_kills();
	return sbt_done("sb_bpf_test");
}
