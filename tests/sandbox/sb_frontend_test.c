/*
 * sb_frontend_test.c - confines forked children with sb_frontend() and
 * checks that each forbidden action kills them with SIGSYS or fails, that
 * the permitted I/O still works, and (via /proc) that the confinement is
 * what sandbox.h promises. Runs as root (chroot + uid 65534) or as any
 * other user (as_root = 0).
 */
#include <sys/mman.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>

#include "sandbox.h"
#include "sb_internal.h"
#include "sandbox/sbt.h"

#define NOBODY		65534
#define MAX_FD		64

static int	as_root;
static char	empty_dir[PATH_MAX];
static char	bad_dir[PATH_MAX];	/* mode 0777: must be refused */
static struct sockaddr_in listener;	/* for connect() */
static pid_t	parent;

/* per-child scratch state, set by pre() before confinement */
static int	pfd[2];
static int	sock = -1;
static void	*rw_page;
static FILE	*pf;

static int
apply_opts(int root, const char *dir, uid_t uid, int expect_refusal)
{
	struct sb_frontend_opts o;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.as_root = root;
	o.uid = uid;
	o.gid = NOBODY;
	o.empty_dir = dir;
	o.max_fd = MAX_FD;
	if (sb_prepare(err, sizeof(err)) == -1 ||
	    sb_frontend(&o, err, sizeof(err)) == -1) {
		dprintf(expect_refusal ? 1 : 2, "%ssb_frontend: %s\n",
		    expect_refusal ? "# refused: " : "", err);
		return -1;
	}
	return 0;
}

static int
apply(void *arg)
{
	(void)arg;
	return apply_opts(as_root, empty_dir, NOBODY, 0);
}

/* ---- forbidden actions; each returns 0 if it got through ---- */

static int
act_open(void *a)
{
	(void)a;
	return sbt_rc(syscall(SYS_open, "/etc/passwd", O_RDONLY));
}

static int
act_openat(void *a)
{
	(void)a;
	return sbt_rc(openat(AT_FDCWD, "/etc/passwd", O_RDONLY));
}

static int
act_openat2(void *a)
{
	uint64_t how[3] = { O_RDONLY, 0, 0 };

	(void)a;
	return sbt_rc(syscall(SYS_openat2, AT_FDCWD, "/etc/passwd", how,
	    sizeof(how)));
}

static int
act_stat(void *a)
{
	struct stat st;

	(void)a;
	return sbt_rc(stat("/etc/passwd", &st));
}

static int
act_execve(void *a)
{
	char *argv[] = { "true", NULL }, *envp[] = { NULL };

	(void)a;
	return sbt_rc(execve("/bin/true", argv, envp));
}

static int
act_socket_inet(void *a)
{
	(void)a;
	return sbt_rc(socket(AF_INET, SOCK_STREAM, 0));
}

static int
act_socket_unix(void *a)
{
	(void)a;
	return sbt_rc(socket(AF_UNIX, SOCK_STREAM, 0));
}

static int
pre_socket(void *a)
{
	(void)a;
	return (sock = socket(AF_INET, SOCK_STREAM, 0)) == -1;
}

static int
act_connect(void *a)
{
	(void)a;
	return sbt_rc(connect(sock, (struct sockaddr *)&listener,
	    sizeof(listener)));
}

static int
act_ptrace(void *a)
{
	(void)a;
	return sbt_rc(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
}

static int
act_mount(void *a)
{
	(void)a;
	return sbt_rc(mount("none", "/", "tmpfs", 0, NULL));
}

static int
act_setuid(void *a)
{
	(void)a;
	return sbt_rc(setuid(0));
}

static int
act_fork(void *a)
{
	pid_t p;

	(void)a;
	if ((p = fork()) == 0)
		_exit(0);
	return sbt_rc(p);
}

static int
act_kill(void *a)
{
	(void)a;
	return sbt_rc(kill(parent, 0));	/* getppid() itself is forbidden */
}

static int
act_prctl(void *a)
{
	(void)a;
	return sbt_rc(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
}

#if defined(__x86_64__)
static long
i386_getpid(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	return r;
}

static int
act_int80(void *a)
{
	(void)a;
	return i386_getpid() > 0 ? 0 : ENOSYS;
}

static int
act_x32(void *a)
{
	(void)a;
	return sbt_rc(syscall(SYS_getpid | 0x40000000));
}
#endif

static int
act_mmap_exec(void *a)
{
	void *p;

	(void)a;
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? sbt_rc(-1) : 0;
}

static int
pre_page(void *a)
{
	(void)a;
	rw_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return rw_page == MAP_FAILED;
}

static int
act_mprotect_exec(void *a)
{
	(void)a;
	return sbt_rc(mprotect(rw_page, 4096, PROT_READ | PROT_EXEC));
}

static int
act_fcntl_dupfd(void *a)
{
	(void)a;
	return sbt_rc(fcntl(1, F_DUPFD, 10));
}

static int	filefd = -1;

static int
act_write_file(void *a)
{
	(void)a;
	return sbt_rc(write(filefd, "grow", 4));
}

struct forbidden {
	const char	*what;
	sbt_fn		 pre;
	sbt_fn		 act;
};

static const struct forbidden forbidden[] = {
	{ "open(\"/etc/passwd\") (SYS_open)", NULL, act_open },
	{ "openat(\"/etc/passwd\")", NULL, act_openat },
	{ "openat2(\"/etc/passwd\")", NULL, act_openat2 },
	{ "stat(\"/etc/passwd\")", NULL, act_stat },
	{ "execve(\"/bin/true\")", NULL, act_execve },
	{ "socket(AF_INET)", NULL, act_socket_inet },
	{ "socket(AF_UNIX)", NULL, act_socket_unix },
	{ "connect() of an inherited socket to 127.0.0.1", pre_socket,
	    act_connect },
	{ "ptrace(PTRACE_TRACEME)", NULL, act_ptrace },
	{ "mount(tmpfs on /)", NULL, act_mount },
	{ "setuid(0)", NULL, act_setuid },
	{ "fork()", NULL, act_fork },
	{ "kill(parent, 0)", NULL, act_kill },
	{ "prctl(PR_SET_DUMPABLE, 1)", NULL, act_prctl },
	{ "mmap(PROT_EXEC)", NULL, act_mmap_exec },
	{ "mprotect(PROT_EXEC)", pre_page, act_mprotect_exec },
	{ "fcntl(F_DUPFD)", NULL, act_fcntl_dupfd },
};

static void
check_forbidden(const struct forbidden *f)
{
	char how[128];
	int st;

	st = sbt_run(f->pre, apply, f->act, NULL);
	sbt_check(sbt_sigsys(st) || sbt_errno(st), "frontend: %s is denied "
	    "(%s)", f->what, sbt_how(st, how, sizeof(how)));
}

#if defined(__x86_64__)
static int
nop(void *a)
{
	(void)a;
	return 0;
}

/* Foreign-ABI entry points must not bypass the filter. */
static void
check_foreign_abis(void)
{
	char how[128];
	int st;

	st = sbt_run(NULL, nop, act_int80, NULL);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		sbt_skip("frontend: i386 int $0x80 (kernel has no ia32 "
		    "entry: %s)", sbt_how(st, how, sizeof(how)));
	else {
		st = sbt_run(NULL, apply, act_int80, NULL);
		sbt_check(sbt_sigsys(st), "frontend: i386 getpid via int $0x80 "
		    "is killed (%s)", sbt_how(st, how, sizeof(how)));
	}
	/* an errno could come from a kernel without x32, so insist on the
	 * filter's own verdict */
	st = sbt_run(NULL, apply, act_x32, NULL);
	sbt_check(sbt_sigsys(st), "frontend: x32 getpid (nr | 0x40000000) "
	    "is killed (%s)", sbt_how(st, how, sizeof(how)));
}
#endif

/* ---- permitted actions ---- */

/* Pipes are made in the parent, which reads what the child wrote. */
static int
parent_pipe(void)
{
	if (pipe(pfd) == -1) {
		perror("pipe");
		exit(2);
	}
	return 0;
}

static int
act_write_pipe(void *a)
{
	(void)a;
	return write(pfd[1], "hello", 5) == 5 ? 0 : sbt_rc(-1);
}

static int
act_read_pipe(void *a)
{
	char buf[8];

	(void)a;
	if (read(pfd[0], buf, sizeof(buf)) != 5 || memcmp(buf, "world", 5))
		return EIO;
	return 0;
}

static int
act_malloc(void *a)
{
	unsigned char *p, *q;
	int i;

	(void)a;
	for (i = 0; i < 4; i++) {
		if ((p = malloc(1 << 20)) == NULL || (q = malloc(100)) == NULL)
			return ENOMEM;
		memset(p, 0xa5, 1 << 20);
		memset(q, 0x5a, 100);
		if ((p = realloc(p, 3 << 20)) == NULL)
			return ENOMEM;
		free(p);
		free(q);
	}
	return 0;
}

static int
act_stdio(void *a)
{
	(void)a;
	if (fprintf(pf, "stdio %d", 42) < 0 || fflush(pf) == EOF)
		return EIO;
	return 0;
}

static int
act_misc(void *a)
{
	struct timespec ts = { 0, 1000000 };
	struct pollfd p;
	unsigned char rnd[16];
	struct iovec iov = { "iov", 3 };
	int fl;

	(void)a;
	p.fd = pfd[0];
	p.events = POLLIN;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1 || time(NULL) == -1 ||
	    nanosleep(&(struct timespec){ 0, 1000000 }, NULL) == -1 ||
	    getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd) ||
	    poll(&p, 1, 0) == -1 || getpid() <= 0 ||
	    (fl = fcntl(pfd[1], F_GETFL)) == -1 ||
	    fcntl(pfd[1], F_SETFL, fl | O_NONBLOCK) == -1 ||
	    writev(pfd[1], &iov, 1) != 3)
		return sbt_rc(-1);
	return 0;
}

static int
act_sockets(void *a)
{
	char buf[8];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;

	(void)a;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (recvmsg(pfd[1], &mh, 0) != 4 || memcmp(buf, "ping", 4) != 0)
		return EIO;
	iov.iov_base = "pong";
	iov.iov_len = 4;
	if (sendmsg(pfd[1], &mh, 0) != 4 || send(pfd[1], "!", 1, 0) != 1 ||
	    shutdown(pfd[1], SHUT_WR) == -1)
		return sbt_rc(-1);
	return 0;
}

/* What the child wrote, read in the parent after it exited. */
static void
expect_output(const char *what, int st, const char *want)
{
	char how[128], buf[64];
	ssize_t n;

	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    strcmp(buf, want) == 0, "frontend: %s (%s, read \"%s\")", what,
	    sbt_how(st, how, sizeof(how)), buf);
}

/* RLIMIT_FSIZE 0: an inherited regular file cannot grow, and the
 * attempt fails rather than killing the process. */
static void
check_file_growth(void)
{
	char path[PATH_MAX + 16], how[128];
	struct stat st_file;
	int st;

	snprintf(path, sizeof(path), "%s.file", empty_dir);
	if ((filefd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1) {
		sbt_check(0, "open %s: %s", path, strerror(errno));
		return;
	}
	st = sbt_run(NULL, apply, act_write_file, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == EFBIG &&
	    fstat(filefd, &st_file) == 0 && st_file.st_size == 0,
	    "frontend: writing to an inherited regular file fails with EFBIG "
	    "and the file stays empty (%s)", sbt_how(st, how, sizeof(how)));
	close(filefd);
	unlink(path);
}

static void
check_permitted(void)
{
	char how[128];
	int st;

	parent_pipe();
	st = sbt_run(NULL, apply, act_write_pipe, NULL);
	expect_output("write() to a pipe works", st, "hello");

	parent_pipe();
	if (write(pfd[1], "world", 5) != 5)
		exit(2);
	st = sbt_run(NULL, apply, act_read_pipe, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "frontend: read() "
	    "from a pipe works (%s)", sbt_how(st, how, sizeof(how)));
	close(pfd[0]);
	close(pfd[1]);

	st = sbt_run(NULL, apply, act_malloc, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "frontend: malloc/"
	    "realloc/free of 1-3 MiB works (%s)", sbt_how(st, how,
	    sizeof(how)));

	parent_pipe();
	if ((pf = fdopen(pfd[1], "w")) == NULL)
		exit(2);
	st = sbt_run(NULL, apply, act_stdio, NULL);
	pfd[1] = dup(pfd[1]);
	fclose(pf);		/* nothing buffered in the parent */
	expect_output("stdio fprintf to an inherited pipe works", st,
	    "stdio 42");

	parent_pipe();
	st = sbt_run(NULL, apply, act_misc, NULL);
	expect_output("clock_gettime, time, nanosleep, getrandom, poll, "
	    "fcntl(F_GETFL/F_SETFL), writev work", st, "iov");

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pfd) == -1 ||
	    send(pfd[0], "ping", 4, 0) != 4)
		exit(2);
	st = sbt_run(NULL, apply, act_sockets, NULL);
	expect_output("recvmsg/sendmsg/send/shutdown on an inherited "
	    "socket work", st, "pong!");
}

/* ---- the confined process seen from outside ---- */

static void
check_field(pid_t pid, const char *key, const char *want)
{
	char v[256];

	if (sbt_status(pid, key, v, sizeof(v)) == -1)
		snprintf(v, sizeof(v), "(missing)");
	sbt_check(strcmp(v, want) == 0, "frontend /proc status: %s is "
	    "\"%s\" (got \"%s\")", key, want, v);
}

static void
check_no_groups(pid_t pid)
{
	char v[256];

	if (sbt_status(pid, "Groups", v, sizeof(v)) == -1)
		snprintf(v, sizeof(v), "(missing)");
	sbt_check(strspn(v, " \t") == strlen(v), "frontend /proc status: "
	    "no supplementary groups (got \"%s\")", v);
}

static void
check_limit(pid_t pid, const char *name, const char *want)
{
	char path[64], line[256], got[64] = "(missing)";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/limits", (long)pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, name, strlen(name)) == 0)
				sscanf(line + 26, "%63s", got);
		fclose(f);
	}
	sbt_check(strcmp(got, want) == 0, "frontend /proc limits: %s is %s "
	    "(got %s)", name, want, got);
}

static void
check_root_dir(pid_t pid)
{
	char path[64], link[PATH_MAX], want[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/root", (long)pid);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (realpath(empty_dir, want) == NULL)
		snprintf(want, sizeof(want), "%s", empty_dir);
	sbt_check(strcmp(link, want) == 0, "frontend: /proc/pid/root is the "
	    "empty dir %s (got \"%s\")", want, link);
}

static void
check_proc(void)
{
	struct sbt_alive a;
	char how[128], maxfd[16];
	int st;

	if (sbt_alive_start(&a, apply, NULL) == -1) {
		sbt_check(0, "frontend: confined child to inspect started");
		return;
	}
	check_field(a.pid, "Seccomp", "\t2");
	check_field(a.pid, "NoNewPrivs", "\t1");
	check_field(a.pid, "CapEff", "\t0000000000000000");
	check_field(a.pid, "CapPrm", "\t0000000000000000");
	check_field(a.pid, "CapInh", "\t0000000000000000");
	check_field(a.pid, "CapAmb", "\t0000000000000000");
	if (as_root || (sbt_capfield(getpid(), "CapEff") &
	    (1ULL << CAP_SETPCAP)) != 0)
		check_field(a.pid, "CapBnd", "\t0000000000000000");
	else
		sbt_skip("frontend /proc status: CapBnd is empty (started "
		    "without CAP_SETPCAP, cannot shrink; NoNewPrivs + no "
		    "execve make it moot)");
	if (as_root) {
		check_field(a.pid, "Uid", "\t65534\t65534\t65534\t65534");
		check_field(a.pid, "Gid", "\t65534\t65534\t65534\t65534");
		check_no_groups(a.pid);
		check_root_dir(a.pid);
	}
	snprintf(maxfd, sizeof(maxfd), "%d", MAX_FD);
	check_limit(a.pid, "Max core file size", "0");
	check_limit(a.pid, "Max file size", "0");
	check_limit(a.pid, "Max processes", "0");
	check_limit(a.pid, "Max open files", maxfd);
	st = sbt_alive_stop(&a);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "frontend: confined "
	    "child saw EOF on its pipe and exited (%s)",
	    sbt_how(st, how, sizeof(how)));
}

/* ---- sanitizer reports survive the filter (SANITIZE=1 only) ---- */

#ifdef SBT_SANITIZED
static int
pre_stderr(void *a)
{
	(void)a;
	return dup2(pfd[1], 2) == -1;
}

static int
act_overflow(void *a)
{
	char *volatile p;
	size_t n = 16 + (size_t)(getpid() & 1);

	(void)a;
	if ((p = malloc(8)) == NULL)
		return EIO;
	memset(p, 'x', n);
	return p[0] == 'x' ? 0 : EIO;
}
#endif

static void
check_sanitizer_report(void)
{
#ifdef SBT_SANITIZED
	char how[128], buf[4096];
	ssize_t n, len = 0;
	int st;

	parent_pipe();
	st = sbt_run(pre_stderr, apply, act_overflow, NULL);
	close(pfd[1]);
	while (len < (ssize_t)sizeof(buf) - 1 &&
	    (n = read(pfd[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	buf[len] = '\0';
	close(pfd[0]);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) != 0 &&
	    strstr(buf, "AddressSanitizer: heap-buffer-overflow") != NULL,
	    "frontend: a sanitizer report inside the sandbox is written and "
	    "the process exits (%s)", sbt_how(st, how, sizeof(how)));
#else
	sbt_skip("frontend: sanitizer report inside the sandbox (not a "
	    "SANITIZE=1 build)");
#endif
}

/* ---- setup refusals (root only) ---- */

static const char *refuse_dir;
static uid_t refuse_uid;

static int
apply_refusal(void *a)
{
	(void)a;
	/* the child reports success when sb_frontend() refused */
	return apply_opts(1, refuse_dir, refuse_uid, 1) == -1 ? 0 : -1;
}

static int
act_none(void *a)
{
	(void)a;
	return 0;
}

static void
check_refusal(const char *what, const char *dir, uid_t uid)
{
	char how[128];
	int st;

	refuse_dir = dir;
	refuse_uid = uid;
	st = sbt_run(NULL, apply_refusal, act_none, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "frontend: refuses "
	    "%s (%s)", what, WIFEXITED(st) && WEXITSTATUS(st) ==
	    SBT_SETUP_FAILED ? "was accepted" : sbt_how(st, how, sizeof(how)));
}

static void
check_refusals(void)
{
	char missing[PATH_MAX + 16];

	if (!as_root) {
		sbt_skip("frontend: refusal of unsafe chroot dirs (needs "
		    "root)");
		return;
	}
	check_refusal("a mode 0777 chroot dir", bad_dir, NOBODY);
	if (chmod(bad_dir, 0755) == -1 || chown(bad_dir, NOBODY, NOBODY)) {
		sbt_check(0, "chown %s: %s", bad_dir, strerror(errno));
		return;
	}
	check_refusal("a chroot dir not owned by root", bad_dir, NOBODY);
	snprintf(missing, sizeof(missing), "%s/missing", empty_dir);
	check_refusal("a missing chroot dir", missing, NOBODY);
	check_refusal("uid 0 as the frontend user", empty_dir, 0);
}

/* ---- sb_prepare() without and with an explicit call ---- */

static int
act_write_after_lazy(void *a)
{
	(void)a;
	if (sb_seccomp_builds() != 1)
		return EINVAL;
	return write(pfd[1], "lazy", 4) == 4 ? 0 : sbt_rc(-1);
}

static int
apply_lazy(void *a)
{
	struct sb_frontend_opts o;
	char err[256];

	(void)a;
	memset(&o, 0, sizeof(o));
	o.as_root = as_root;
	o.uid = o.gid = NOBODY;
	o.empty_dir = empty_dir;
	o.max_fd = MAX_FD;
	if (sb_frontend(&o, err, sizeof(err)) == -1) {
		fprintf(stderr, "sb_frontend: %s\n", err);
		return -1;
	}
	return 0;
}

static void
check_prepare(void)
{
	char err[256];
	int st, ok;

	parent_pipe();
	st = sbt_run(NULL, apply_lazy, act_write_after_lazy, NULL);
	expect_output("sb_frontend() without sb_prepare() builds the filters "
	    "itself", st, "lazy");
	ok = sb_prepare(err, sizeof(err)) == 0 &&
	    sb_prepare(err, sizeof(err)) == 0;
	sbt_check(ok && sb_seccomp_builds() == 1, "sb_prepare() twice "
	    "builds the filters once (%d builds)", sb_seccomp_builds());
}

/* ---- setup ---- */

static int
make_dir(char *out, size_t outlen, const char *tag, mode_t mode)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(out, outlen, "%s/sbfe-%s.XXXXXX", tmp, tag);
	if (mkdtemp(out) == NULL || chmod(out, mode) == -1) {
		fprintf(stderr, "mkdtemp %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

static int
make_listener(void)
{
	socklen_t len = sizeof(listener);
	int fd;

	memset(&listener, 0, sizeof(listener));
	listener.sin_family = AF_INET;
	listener.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&listener, sizeof(listener)) == -1 ||
	    listen(fd, 8) == -1 ||
	    getsockname(fd, (struct sockaddr *)&listener, &len) == -1) {
		fprintf(stderr, "listener: %s\n", strerror(errno));
		return -1;
	}
	return fd;
}

int
main(void)
{
	size_t i;
	int lfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	as_root = geteuid() == 0;
	parent = getpid();
	signal(SIGPIPE, SIG_IGN);
	if (make_dir(empty_dir, sizeof(empty_dir), "empty", 0755) == -1 ||
	    make_dir(bad_dir, sizeof(bad_dir), "bad", 0777) == -1 ||
	    (lfd = make_listener()) == -1) {
		sbt_check(0, "test setup");
		return sbt_done("sb_frontend_test");
	}
	printf("# running as %s, Landlock ABI %d\n", as_root ?
	    "root (chroot + uid 65534)" : "non-root", sb_landlock_abi());
	check_prepare();
	for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
		check_forbidden(&forbidden[i]);
#if defined(__x86_64__)
	check_foreign_abis();
#else
	sbt_skip("frontend: i386 and x32 entry points (not x86_64)");
#endif
	check_permitted();
	check_file_growth();
	check_proc();
	check_sanitizer_report();
	check_refusals();
	close(lfd);
	rmdir(empty_dir);
	rmdir(bad_dir);
	return sbt_done("sb_frontend_test");
}
