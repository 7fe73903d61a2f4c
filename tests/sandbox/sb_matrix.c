/*
 * sb_matrix.c - the sandbox proof matrix (issue 7): for each confined
 * process role (frontend: sb_frontend, helper: sb_helper, listener:
 * sb_listener) and each forbidden action, a forked child confines itself
 * exactly as the daemon does and then tries the action; the action must
 * fail with an errno or kill the child. Runs as root and as any other
 * user. Prints every cell as a line and the whole matrix as a table.
 *
 * Cells have one of four expectations:
 *  DENY  killed or an errno, both prove the confinement (the action
 *        succeeds unconfined; checked for every cell once, "baseline");
 *  KILL  only a seccomp kill counts, because the action would fail for an
 *        unprivileged process anyway (setuid(0), mount as non-root);
 *  NA    allowed by design (the listener keeps uid 0 to fork sessions);
 *        printed with the reason, not counted;
 *  SKIP  cannot be shown here (no ia32 entry in the kernel, no Landlock,
 *        or meaningless as non-root); printed with the reason, not counted.
 */
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>

#include "sandbox.h"
#include "sandbox/sbt.h"

#define NOBODY		65534
#define DIRLEN		200

enum role { R_FRONTEND, R_HELPER, R_LISTENER, NROLES };
enum act {
	A_OPEN, A_OPENAT, A_OPENAT2, A_WRITE, A_EXECVE, A_SOCKET, A_CONNECT,
	A_PTRACE, A_SETUID, A_MOUNT, A_I386, A_X32, NACTS
};
enum expect { E_DENY, E_KILL, E_NA, E_SKIP };

static const char *const role_name[NROLES] = {
	"frontend", "helper", "listener"
};
static const char *const act_name[NACTS] = {
	"open /etc/passwd", "openat outside tree", "openat2 outside tree",
	"create file outside tree", "execve /bin/true", "socket AF_INET",
	"connect to 127.0.0.1", "ptrace TRACEME", "setuid(0)",
	"mount tmpfs", "i386 int 0x80", "x32 syscall"
};

static int	as_root;
static int	has_ia32;
static char	empty_dir[DIRLEN];	/* frontend chroot */
static char	tree[DIRLEN];		/* helper's Landlock tree */
static char	outside[DIRLEN];	/* writable, outside every tree */
static char	secret[DIRLEN + 16];	/* a readable file outside */
static struct sockaddr_in peer;		/* a local listening socket */
static int	sock = -1;
static char	cell[NROLES][NACTS][40];

/* ---- confinement of each role, as the daemon applies it ---- */

static int
apply_frontend(void *a)
{
	struct sb_frontend_opts o;
	char err[256];

	(void)a;
	memset(&o, 0, sizeof(o));
	o.as_root = as_root;
	o.uid = NOBODY;
	o.gid = NOBODY;
	o.empty_dir = empty_dir;
	o.max_fd = 64;
	if (sb_prepare(err, sizeof(err)) == -1 ||
	    sb_frontend(&o, err, sizeof(err)) == -1) {
		dprintf(2, "sb_frontend: %s\n", err);
		return -1;
	}
	return 0;
}

static int
apply_helper(void *a)
{
	struct sb_helper_opts o;
	char err[256];

	(void)a;
	memset(&o, 0, sizeof(o));
	o.as_root = as_root;
	o.rw_paths[0] = tree;
	o.npaths = 1;
	if (sb_prepare(err, sizeof(err)) == -1 ||
	    sb_helper(&o, err, sizeof(err)) == -1) {
		dprintf(2, "sb_helper: %s\n", err);
		return -1;
	}
	return 0;
}

static int
apply_listener(void *a)
{
	char err[256];

	(void)a;
	if (sb_listener(err, sizeof(err)) == -1) {
		dprintf(2, "sb_listener: %s\n", err);
		return -1;
	}
	return 0;
}

static int
apply_none(void *a)
{
	(void)a;
	return 0;
}

static const sbt_fn apply_of[NROLES] = {
	apply_frontend, apply_helper, apply_listener
};

/* ---- the actions; each returns 0 if it got through ---- */

static int
do_act(enum act a)
{
	char path[DIRLEN + 32];
	uint64_t how[3] = { O_RDONLY, 0, 0 };
	char *argv[] = { "true", NULL }, *envp[] = { NULL };
	long r;

	switch (a) {
	case A_OPEN:
		return sbt_rc(syscall(SYS_open, "/etc/passwd", O_RDONLY));
	case A_OPENAT:
		return sbt_rc(openat(AT_FDCWD, secret, O_RDONLY));
	case A_OPENAT2:
		return sbt_rc(syscall(SYS_openat2, AT_FDCWD, secret, how,
		    sizeof(how)));
	case A_WRITE:
		snprintf(path, sizeof(path), "%s/escaped.%ld", outside,
		    (long)getpid());
		r = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
		if (r >= 0)
			unlink(path);
		return sbt_rc(r);
	case A_EXECVE:
		return sbt_rc(execve("/bin/true", argv, envp));
	case A_SOCKET:
		return sbt_rc(socket(AF_INET, SOCK_STREAM, 0));
	case A_CONNECT:
		return sbt_rc(connect(sock, (struct sockaddr *)&peer,
		    sizeof(peer)));
	case A_PTRACE:
		return sbt_rc(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
	case A_SETUID:
		return sbt_rc(setuid(0));
	case A_MOUNT:
		return sbt_rc(mount("none", outside, "tmpfs", 0, NULL));
#if defined(__x86_64__)
	case A_I386:
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
		return r > 0 ? 0 : ENOSYS;
	case A_X32:
		return sbt_rc(syscall(SYS_getpid | 0x40000000));
#endif
	default:
		return ENOSYS;
	}
}

static enum act cur_act;

static int
act(void *a)
{
	(void)a;
	return do_act(cur_act);
}

/* The connect cell needs a socket made before confinement. */
static int
pre(void *a)
{
	(void)a;
	if (cur_act != A_CONNECT)
		return 0;
	return (sock = socket(AF_INET, SOCK_STREAM, 0)) == -1;
}

/* ---- expectations ---- */

static enum expect
expect_of(enum role r, enum act a, const char **why)
{
	*why = NULL;
	if (a == A_I386 && !has_ia32) {
		*why = "kernel has no ia32 entry";
		return E_SKIP;
	}
	if (r == R_LISTENER) {
		switch (a) {
		case A_OPEN: case A_OPENAT: case A_OPENAT2: case A_WRITE:
			*why = "by design: opens config, trees, audit log per "
			    "connection; no Landlock (SECURITY.md)";
			return E_NA;
		case A_SOCKET: case A_CONNECT:
			*why = "by design: listens and accepts; children "
			    "confine sockets";
			return E_NA;
		case A_SETUID:
			if (as_root) {
				*why = "by design: stays uid 0, keeps cap_setuid "
				    "for the frontend's drop";
				return E_NA;
			}
			*why = "not root: setuid(0) fails for any user";
			return E_SKIP;
		default:
			break;
		}
	}
	if (r == R_HELPER && (a == A_OPENAT || a == A_OPENAT2 ||
	    a == A_WRITE) && sb_landlock_abi() == 0) {
		*why = "no Landlock in this kernel";
		return E_SKIP;
	}
	/* Without privilege these fail anyway: only a kill proves the
	 * filter. As root the helper is uid 0 already, so setuid(0) is
	 * likewise only proved by the kill. */
	if (a == A_MOUNT && !as_root)
		return E_KILL;
	if (a == A_SETUID && (!as_root || r == R_HELPER))
		return E_KILL;
	if (a == A_X32)
		return E_KILL;	/* an errno could be a kernel without x32 */
	return E_DENY;
}

/* ---- running ---- */

static void
run_cell(enum role r, enum act a)
{
	char how[128];
	const char *why;
	enum expect e = expect_of(r, a, &why);
	int st, ok;

	if (e == E_NA || e == E_SKIP) {
		snprintf(cell[r][a], sizeof(cell[r][a]), "%s",
		    e == E_NA ? "n/a" : "skip");
		sbt_skip("%s: %s: %s", role_name[r], act_name[a], why);
		return;
	}
	cur_act = a;
	st = sbt_run(pre, apply_of[r], act, NULL);
	if (sbt_sigsys(st))
		snprintf(cell[r][a], sizeof(cell[r][a]), "KILLED");
	else if (sbt_errno(st))
		snprintf(cell[r][a], sizeof(cell[r][a]), "%s",
		    strerrorname_np(WEXITSTATUS(st)));
	else
		snprintf(cell[r][a], sizeof(cell[r][a]), "ALLOWED!");
	ok = e == E_KILL ? sbt_sigsys(st) : sbt_sigsys(st) || sbt_errno(st);
	sbt_check(ok, "%s: %s is %s (%s)", role_name[r], act_name[a],
	    e == E_KILL ? "killed by seccomp" : "denied",
	    sbt_how(st, how, sizeof(how)));
}

/*
 * Unconfined, the DENY actions must get through (else a denial proves
 * nothing): open, create outside, socket, connect, ptrace, i386; execve is
 * shown by the helper's tree test elsewhere and would replace us.
 */
static void
baseline(void)
{
	static const enum act base[] = {
		A_OPEN, A_OPENAT, A_OPENAT2, A_WRITE, A_SOCKET, A_CONNECT,
		A_PTRACE
	};
	char how[128];
	size_t i;
	int st;

	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		cur_act = base[i];
		st = sbt_run(pre, apply_none, act, NULL);
		sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "baseline: %s works unconfined (%s)", act_name[base[i]],
		    sbt_how(st, how, sizeof(how)));
	}
	cur_act = A_I386;
	st = sbt_run(NULL, apply_none, act, NULL);
	has_ia32 = WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void
print_table(void)
{
	int r, a;

	printf("#\n# sandbox matrix (%s): KILLED = seccomp kill, E* = "
	    "errno, n/a = by design, skip = not provable here\n#\n",
	    as_root ? "root" : "non-root");
	printf("# %-26s", "action");
	for (r = 0; r < NROLES; r++)
		printf(" | %-12s", role_name[r]);
	printf("\n# %.26s", "--------------------------------");
	for (r = 0; r < NROLES; r++)
		printf("-+-%.12s", "--------------");
	printf("\n");
	for (a = 0; a < NACTS; a++) {
		printf("# %-26s", act_name[a]);
		for (r = 0; r < NROLES; r++)
			printf(" | %-12s", cell[r][a]);
		printf("\n");
	}
	printf("#\n");
}

static int
make_dir(char *out, const char *tag)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(out, DIRLEN, "%s/sbmx-%s.XXXXXX", tmp, tag);
	if (mkdtemp(out) == NULL || chmod(out, 0755) == -1) {
		fprintf(stderr, "mkdtemp %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

static int
setup(void)
{
	socklen_t len = sizeof(peer);
	int lfd, fd;

	if (make_dir(empty_dir, "empty") || make_dir(tree, "tree") ||
	    make_dir(outside, "out"))
		return -1;
	/* anyone may create here: only the sandbox can stop it */
	if (chmod(outside, 0777) == -1)
		return -1;
	snprintf(secret, sizeof(secret), "%s/secret", outside);
	if ((fd = open(secret, O_CREAT | O_WRONLY, 0644)) == -1 ||
	    write(fd, "secret\n", 7) != 7 || close(fd) == -1)
		return -1;
	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&peer, sizeof(peer)) == -1 ||
	    listen(lfd, 64) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&peer, &len) == -1)
		return -1;
	return 0;
}

int
main(void)
{
	char cmd[4 * DIRLEN];
	int r, a;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	as_root = geteuid() == 0;
	if (setup() == -1) {
		sbt_check(0, "test setup: %s", strerror(errno));
		return sbt_done("sb_matrix");
	}
	printf("# running as %s, Landlock ABI %d\n", as_root ? "root" :
	    "non-root", sb_landlock_abi());
	baseline();
#if !defined(__x86_64__)
	sbt_skip("i386 and x32 entry points (not x86_64)");
#endif
	for (r = 0; r < NROLES; r++)
		for (a = 0; a < NACTS; a++) {
#if !defined(__x86_64__)
			if (a == A_I386 || a == A_X32) {
				snprintf(cell[r][a], sizeof(cell[r][a]),
				    "skip");
				continue;
			}
#endif
			run_cell((enum role)r, (enum act)a);
		}
	print_table();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s'", empty_dir, tree,
	    outside);
	if (system(cmd) != 0)
		sbt_check(0, "cleanup");
	return sbt_done("sb_matrix");
}
