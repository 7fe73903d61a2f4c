/*
 * sb_helper_test.c - confines forked children with sb_helper() and checks
 * that they can work beneath their tree and nowhere else, that process,
 * kernel and namespace syscalls kill them, that socket calls fail softly,
 * and (via /proc) that a root helper holds exactly SB_HELPER_CAPS_TEXT.
 * Runs as root or as any other user.
 */
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdint.h>
#include <syslog.h>

#include "sandbox.h"
#include "sandbox/sbt.h"

#define NOBODY		65534

static int	as_root;
#define DIRLEN		256

static char	tree[DIRLEN];		/* the helper's rw_paths[0] */
static char	outside[DIRLEN];	/* a writable dir outside it */
static const char *readable;		/* a file outside, readable by us */
static const char *missing_path;

static int
apply_paths(const char *path, int quiet)
{
	struct sb_helper_opts o;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.as_root = as_root;
	o.rw_paths[0] = path;
	o.npaths = 1;
	if (sb_prepare(err, sizeof(err)) == -1 ||
	    sb_helper(&o, err, sizeof(err)) == -1) {
		dprintf(quiet ? 1 : 2, "%ssb_helper: %s\n",
		    quiet ? "# refused: " : "", err);
		return -1;
	}
	return 0;
}

static int
apply(void *a)
{
	(void)a;
	return apply_paths(tree, 0);
}

static void
path_in(char *out, const char *dir, const char *name)
{
	snprintf(out, PATH_MAX, "%s/%s", dir, name);
}

/* ---- inside the tree: everything works ---- */

static int
act_tree(void *a)
{
	char f[PATH_MAX], d[PATH_MAX], g[PATH_MAX], l[PATH_MAX], buf[8];
	int fd;

	(void)a;
	path_in(f, tree, "file");
	path_in(d, tree, "dir");
	path_in(g, tree, "dir/moved");
	path_in(l, tree, "link");
	if ((fd = open(f, O_CREAT | O_EXCL | O_WRONLY, 0600)) == -1 ||
	    write(fd, "payload", 7) != 7 || ftruncate(fd, 4) == -1 ||
	    close(fd) == -1)
		return sbt_rc(-1);
	if ((fd = open(f, O_RDONLY)) == -1 || read(fd, buf, 8) != 4 ||
	    memcmp(buf, "payl", 4) != 0 || close(fd) == -1)
		return EIO;
	if (mkdir(d, 0700) == -1 || rename(f, g) == -1 ||
	    symlink("dir/moved", l) == -1 || unlink(l) == -1 ||
	    unlink(g) == -1 || rmdir(d) == -1)
		return sbt_rc(-1);
	return 0;
}

/* ---- outside the tree: Landlock says no ---- */

static int
act_read_outside(void *a)
{
	(void)a;
	return sbt_rc(open(readable, O_RDONLY));
}

static int
act_create_outside(void *a)
{
	char f[PATH_MAX];

	(void)a;
	path_in(f, outside, "escaped");
	return sbt_rc(open(f, O_CREAT | O_WRONLY, 0600));
}

static void
expect_eacces(const char *what, sbt_fn act)
{
	char how[128];
	int st;

	if (sb_landlock_abi() == 0) {
		sbt_skip("helper: %s (no Landlock in this kernel)", what);
		return;
	}
	st = sbt_run(NULL, apply, act, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == EACCES, "helper: %s "
	    "fails with EACCES (%s)", what, sbt_how(st, how, sizeof(how)));
}

/* ---- killed ---- */

static int
act_execve(void *a)
{
	char *argv[] = { "true", NULL }, *envp[] = { NULL };

	(void)a;
	return sbt_rc(execve("/bin/true", argv, envp));
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
	return sbt_rc(mount("none", tree, "tmpfs", 0, NULL));
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
act_setuid(void *a)
{
	(void)a;
	return sbt_rc(setuid(NOBODY));
}

static int
act_unshare(void *a)
{
	(void)a;
	return sbt_rc(unshare(CLONE_NEWUSER));
}

#if defined(__x86_64__)
static int
act_int80(void *a)
{
	long r;

	(void)a;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	return r > 0 ? 0 : ENOSYS;
}

static int
act_x32(void *a)
{
	(void)a;
	return sbt_rc(syscall(SYS_getpid | 0x40000000));
}
#endif

struct killed {
	const char	*what;
	sbt_fn		 act;
};

static const struct killed killed[] = {
	{ "execve(\"/bin/true\")", act_execve },
	{ "ptrace(PTRACE_TRACEME)", act_ptrace },
	{ "mount(tmpfs)", act_mount },
	{ "fork()", act_fork },
	{ "setuid()", act_setuid },
	{ "unshare(CLONE_NEWUSER)", act_unshare },
#if defined(__x86_64__)
	{ "i386 getpid via int $0x80", act_int80 },
	{ "x32 getpid (nr | 0x40000000)", act_x32 },
#endif
};

/* ---- denied softly ---- */

static int
act_sockets(void *a)
{
	int sv[2];

	(void)a;
	if (socket(AF_UNIX, SOCK_DGRAM, 0) != -1 || errno != EPERM)
		return 100;
	if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EPERM)
		return 101;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != -1 || errno != EPERM)
		return 102;
	return 0;
}

static int
act_syslog(void *a)
{
	(void)a;
	openlog("sb_helper_test", LOG_NDELAY | LOG_PID, LOG_USER);
	syslog(LOG_DEBUG, "sandboxed helper test message");
	closelog();
	return 0;
}

static void
expect_exit0(const char *what, sbt_fn act)
{
	char how[128];
	int st;

	st = sbt_run(NULL, apply, act, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "helper: %s (%s)",
	    what, sbt_how(st, how, sizeof(how)));
}

/* ---- root only: what the kept capabilities still allow ---- */

static int
act_chown(void *a)
{
	char f[PATH_MAX];
	int fd;

	(void)a;
	path_in(f, tree, "owned");
	if ((fd = open(f, O_CREAT | O_WRONLY, 0)) == -1 ||
	    fchown(fd, NOBODY, NOBODY) == -1 || close(fd) == -1)
		return sbt_rc(-1);
	/* mode 0 and foreign-owned: only cap_dac_override opens it */
	if ((fd = open(f, O_RDWR)) == -1 || close(fd) == -1 || unlink(f))
		return sbt_rc(-1);
	return 0;
}

#define WANT_SECBITS							\
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |				\
	 SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |	\
	 SECBIT_KEEP_CAPS_LOCKED |					\
	 SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)

static int
act_securebits(void *a)
{
	(void)a;
	if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != WANT_SECBITS)
		return 100;
	if (prctl(PR_SET_SECUREBITS, 0, 0, 0, 0) != -1)
		return 101;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0) != -1)
		return 102;
	return 0;
}

/* ---- setup refusal ---- */

static int
apply_missing(void *a)
{
	(void)a;
	return apply_paths(missing_path, 1) == -1 ? 0 : -1;
}

static int
act_none(void *a)
{
	(void)a;
	return 0;
}

static void
check_missing_path(void)
{
	char path[PATH_MAX + 16], how[128];
	int st;

	snprintf(path, sizeof(path), "%s/no-such-dir", tree);
	missing_path = path;
	st = sbt_run(NULL, apply_missing, act_none, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "helper: a missing "
	    "rw path is an error (%s)", WIFEXITED(st) && WEXITSTATUS(st) ==
	    SBT_SETUP_FAILED ? "was accepted" : sbt_how(st, how, sizeof(how)));
}

/* ---- the confined helper seen from outside ---- */

static uint64_t
want_caps(void)
{
	return (1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) |
	    (1ULL << CAP_FOWNER) | (1ULL << CAP_KILL);
}

/* The header's text must name the same set the checks below expect. */
static void
check_caps_text(void)
{
	char text[] = SB_HELPER_CAPS_TEXT, *tok, *save = NULL;
	cap_value_t c;
	uint64_t mask = 0;
	int bad = 0;

	for (tok = strtok_r(text, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (cap_from_name(tok, &c) == -1 || c < 0 || c > 63)
			bad = 1;
		else
			mask |= 1ULL << c;
	}
	sbt_check(!bad && mask == want_caps(), "SB_HELPER_CAPS_TEXT names "
	    "exactly cap_chown|cap_dac_override|cap_fowner|cap_kill "
	    "(%#llx, want %#llx)", (unsigned long long)mask,
	    (unsigned long long)want_caps());
}

static void
check_cap(pid_t pid, const char *key, uint64_t want)
{
	unsigned long long got = sbt_capfield(pid, key);

	sbt_check(got == want, "helper /proc status: %s is %016llx (got "
	    "%016llx)", key, (unsigned long long)want, got);
}

static void
check_field(pid_t pid, const char *key, const char *want)
{
	char v[256];

	if (sbt_status(pid, key, v, sizeof(v)) == -1)
		snprintf(v, sizeof(v), "(missing)");
	sbt_check(strcmp(v, want) == 0, "helper /proc status: %s is \"%s\" "
	    "(got \"%s\")", key, want, v);
}

static void
check_proc(void)
{
	struct sbt_alive a;
	uint64_t caps = as_root ? want_caps() : 0;
	char how[128];
	int st;

	if (sbt_alive_start(&a, apply, NULL) == -1) {
		sbt_check(0, "helper: confined child to inspect started");
		return;
	}
	check_field(a.pid, "NoNewPrivs", "\t1");
	check_field(a.pid, "Seccomp", "\t2");
	check_cap(a.pid, "CapEff", caps);
	check_cap(a.pid, "CapPrm", caps);
	check_cap(a.pid, "CapInh", 0);
	check_cap(a.pid, "CapAmb", 0);
	if (as_root)
		check_cap(a.pid, "CapBnd", caps);
	else
		sbt_skip("helper /proc status: CapBnd is empty (started "
		    "without CAP_SETPCAP, cannot shrink)");
	st = sbt_alive_stop(&a);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "helper: confined "
	    "child saw EOF on its pipe and exited (%s)",
	    sbt_how(st, how, sizeof(how)));
}

/* ---- setup ---- */

static int
make_dir(char *out, const char *tag)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(out, DIRLEN, "%s/sbhp-%s.XXXXXX", tmp, tag);
	if (mkdtemp(out) == NULL) {
		fprintf(stderr, "mkdtemp %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

/* Without the sandbox the outside actions must work, or they prove
 * nothing. */
static int
controls(void)
{
	char f[PATH_MAX];
	int fd;

	readable = access("/etc/hostname", R_OK) == 0 ? "/etc/hostname" :
	    "/etc/passwd";
	if ((fd = open(readable, O_RDONLY)) == -1)
		return -1;
	close(fd);
	path_in(f, outside, "control");
	if ((fd = open(f, O_CREAT | O_WRONLY, 0600)) == -1)
		return -1;
	close(fd);
	return unlink(f);
}

static void
check_all(void)
{
	char how[128], what[128];
	size_t i;
	int st;

	check_caps_text();
	expect_exit0("create, write, truncate, read, rename, symlink, "
	    "unlink and rmdir inside the tree work", act_tree);
	snprintf(what, sizeof(what), "reading %s outside the tree",
	    readable);
	expect_eacces(what, act_read_outside);
	expect_eacces("creating a file in another dir outside the tree",
	    act_create_outside);
	for (i = 0; i < sizeof(killed) / sizeof(killed[0]); i++) {
		st = sbt_run(NULL, apply, killed[i].act, NULL);
		sbt_check(sbt_sigsys(st), "helper: %s is killed (%s)",
		    killed[i].what, sbt_how(st, how, sizeof(how)));
	}
	expect_exit0("socket(AF_UNIX), socket(AF_INET), socketpair() fail "
	    "with EPERM and the helper lives on", act_sockets);
	expect_exit0("syslog() does not kill the helper", act_syslog);
	if (as_root) {
		expect_exit0("cap_chown and cap_dac_override still work in the "
		    "tree", act_chown);
		expect_exit0("securebits are set and locked, ambient raise "
		    "refused", act_securebits);
	} else
		sbt_skip("helper: kept capabilities and securebits (needs "
		    "root)");
	check_missing_path();
	check_proc();
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	as_root = geteuid() == 0;
	if (make_dir(tree, "tree") == -1 || make_dir(outside, "out") == -1 ||
	    controls() == -1) {
		sbt_check(0, "test setup: %s", strerror(errno));
		return sbt_done("sb_helper_test");
	}
	printf("# running as %s, Landlock ABI %d\n", as_root ? "root" :
	    "non-root", sb_landlock_abi());
	check_all();
	rmdir(tree);
	rmdir(outside);
	return sbt_done("sb_helper_test");
}
