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
 *
 * The listener's Landlock ruleset (sb_listener_fs) is then checked path by
 * path beyond the table: what it must still allow (the helper's trees,
 * state dir, audit log, the files a SIGHUP rereads, NSS, /proc) and what
 * it must deny (/etc/shadow, /root, a file beside a shared directory's
 * configuration, reading or removing the audit log); and on a kernel
 * without Landlock (hidden by a seccomp filter) it must still start.
 */
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
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
	"open /etc/passwd (*)", "openat outside tree", "openat2 outside tree",
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
/* the listener's configuration (sb_listener_fs) */
static char	qmail[DIRLEN];		/* users/ and control/ */
static char	state[DIRLEN];
static char	logdir[DIRLEN];		/* audit.log, not there at first */
static char	tlsdir[DIRLEN];		/* cert.pem, key.pem, renewed.pem */
static char	confdir[DIRLEN];	/* vpopmaild.conf when no /var/tmp */
static char	conf[DIRLEN + 32];	/* the configuration file */
static char	sibling[DIRLEN + 32];	/* beside it in /var/tmp, or "" */
static char	p_audit[DIRLEN + 32], p_cert[DIRLEN + 32], p_key[DIRLEN + 32];
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

/* As listen.c: sb_listener, then the Landlock ruleset of its paths. */
static int
apply_listener(void *a)
{
	struct sb_listener_fs o;
	char err[256];

	(void)a;
	memset(&o, 0, sizeof(o));
	o.config_file = conf;
	o.vpopmail_dir = tree;
	o.qmail_dir = qmail;
	o.state_dir = state;
	o.audit_log = p_audit;
	o.tls_cert = p_cert;
	o.tls_key = p_key;
	o.empty_dir = empty_dir;
	if (sb_listener(err, sizeof(err)) == -1 ||
	    sb_listener_fs(&o, err, sizeof(err)) == -1) {
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

static enum role cur_role;

static int
do_act(enum act a)
{
	char path[DIRLEN + 32];
	uint64_t how[3] = { O_RDONLY, 0, 0 };
	char *argv[] = { "true", NULL }, *envp[] = { NULL };
	long r;

	switch (a) {
	case A_OPEN:
		/* the listener may read /etc/passwd (NSS, frontend-user) */
		return sbt_rc(syscall(SYS_open, cur_role == R_LISTENER ?
		    secret : "/etc/passwd", O_RDONLY));
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
			if (sb_landlock_abi() == 0) {
				*why = "no Landlock in this kernel";
				return E_SKIP;
			}
			return E_DENY;
		case A_CONNECT:
			if (sb_landlock_abi() >= 4)
				return E_DENY;	/* Landlock: no TCP connect */
			*why = "by design: Landlock ABI < 4 cannot refuse TCP "
			    "connect; children confine sockets";
			return E_NA;
		case A_SOCKET:
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
	cur_role = r;
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

/* ---- the listener's Landlock rules, path by path ---- */

enum op { OP_READ, OP_LIST, OP_WRITE, OP_APPEND, OP_CREATE, OP_MKDIR,
	OP_UNLINK, OP_RW, OP_TREE };

struct lcheck {
	const char	*what;
	enum op		 op;
	const char	*path;
	int		 allow;		/* else denied */
	int		 root_only;	/* unreadable for others anyway */
};

static const struct lcheck *cur_check;

/* In dir: mkdir, create+write+truncate, rename across directories,
 * remove; what the helper does in its trees. */
static int
op_tree(const char *dir)
{
	char d[DIRLEN + 64], f[DIRLEN + 72], g[DIRLEN + 64];
	int fd;

	snprintf(d, sizeof(d), "%s/d.%ld", dir, (long)getpid());
	snprintf(f, sizeof(f), "%s/f", d);
	snprintf(g, sizeof(g), "%s/g.%ld", dir, (long)getpid());
	if (mkdir(d, 0700) == -1 ||
	    (fd = open(f, O_CREAT | O_EXCL | O_RDWR, 0600)) == -1)
		return sbt_rc(-1);
	if (write(fd, "x", 1) != 1 || ftruncate(fd, 0) == -1 ||
	    close(fd) == -1 || rename(f, g) == -1 || unlink(g) == -1 ||
	    rmdir(d) == -1)
		return sbt_rc(-1);
	return 0;
}

static int
do_op(enum op op, const char *path)
{
	char buf[DIRLEN + 64];
	int fd, rc;

	switch (op) {
	case OP_READ:
	case OP_LIST:
		fd = open(path, O_RDONLY | (op == OP_LIST ? O_DIRECTORY : 0));
		if (fd == -1)
			return sbt_rc(-1);
		rc = op == OP_READ ? (int)read(fd, buf, 1) :
		    (int)syscall(SYS_getdents64, fd, buf, sizeof(buf));
		close(fd);
		return sbt_rc(rc < 0 ? -1 : 0);
	case OP_WRITE:
	case OP_APPEND:
	case OP_RW:
		fd = open(path, op == OP_RW ? O_RDWR : op == OP_WRITE ?
		    O_WRONLY : O_WRONLY | O_APPEND | O_CREAT, 0600);
		if (fd == -1)
			return sbt_rc(-1);
		close(fd);
		return 0;
	case OP_CREATE:
		snprintf(buf, sizeof(buf), "%s/new.%ld", path, (long)getpid());
		if ((fd = open(buf, O_CREAT | O_EXCL | O_WRONLY, 0600)) == -1)
			return sbt_rc(-1);
		close(fd);
		unlink(buf);
		return 0;
	case OP_MKDIR:
		snprintf(buf, sizeof(buf), "%s/dir.%ld", path, (long)getpid());
		if (mkdir(buf, 0700) == -1)
			return sbt_rc(-1);
		rmdir(buf);
		return 0;
	case OP_UNLINK:
		return sbt_rc(unlink(path));
	case OP_TREE:
		return op_tree(path);
	}
	return ENOSYS;
}

static int
check_act(void *a)
{
	(void)a;
	return do_op(cur_check->op, cur_check->path);
}

static void
run_lcheck(const struct lcheck *c)
{
	char how[128];
	int st;

	if (c->path[0] == '\0') {
		sbt_skip("listener: %s: no /var/tmp to put the file in",
		    c->what);
		return;
	}
	if (c->root_only && !as_root) {
		sbt_skip("listener: %s: not root, denied by its mode anyway",
		    c->what);
		return;
	}
	cur_check = c;
	/* a denial proves something only if the action works unconfined;
	 * removing a file of our own is not in doubt and would lose it */
	if (!c->allow && c->op != OP_UNLINK) {
		st = sbt_run(NULL, apply_none, check_act, NULL);
		sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "baseline: "
		    "%s works unconfined (%s)", c->what,
		    sbt_how(st, how, sizeof(how)));
	}
	st = sbt_run(NULL, apply_listener, check_act, NULL);
	if (c->allow)
		sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "listener: "
		    "%s is allowed (%s)", c->what, sbt_how(st, how,
		    sizeof(how)));
	else
		sbt_check(sbt_errno(st) && WEXITSTATUS(st) == EACCES,
		    "listener: %s is denied with EACCES (%s)", c->what,
		    sbt_how(st, how, sizeof(how)));
}

static void
listener_rules_check(void)
{
	char users[DIRLEN + 16], control[DIRLEN + 16], thr[DIRLEN + 16],
	    renewed[DIRLEN + 32];
	const struct lcheck checks[] = {
		{ "read the configuration file", OP_READ, conf, 1, 0 },
		{ "write the configuration file", OP_WRITE, conf, 0, 0 },
		{ "read a file beside the configuration in /var/tmp "
		  "(shared: the file alone is allowed)", OP_READ, sibling, 0,
		  0 },
		{ "read a certificate renewed beside tls-cert", OP_READ,
		  renewed, 1, 0 },
		{ "create a file beside tls-cert", OP_CREATE, tlsdir, 0, 0 },
		{ "vpopmail-dir: mkdir, create, write, truncate, rename, "
		  "remove", OP_TREE, tree, 1, 0 },
		{ "qmail-dir/users: the same", OP_TREE, users, 1, 0 },
		{ "qmail-dir/control: the same", OP_TREE, control, 1, 0 },
		{ "create a file in qmail-dir itself", OP_CREATE, qmail, 0,
		  0 },
		{ "state-dir: create and write the throttle file", OP_APPEND,
		  thr, 1, 0 },
		{ "audit-log: create and append", OP_APPEND, p_audit, 1, 0 },
		{ "audit-log: read it back", OP_READ, p_audit, 0, 0 },
		{ "audit-log: remove it", OP_UNLINK, p_audit, 0, 0 },
		{ "list empty-dir", OP_LIST, empty_dir, 1, 0 },
		{ "read /proc/self/status", OP_READ, "/proc/self/status", 1,
		  0 },
		{ "open /dev/null read+write", OP_RW, "/dev/null", 1, 0 },
		{ "read /etc/passwd (NSS)", OP_READ, "/etc/passwd", 1, 0 },
		{ "read /etc/shadow", OP_READ, "/etc/shadow", 0, 1 },
		{ "list /root", OP_LIST, "/root", 0, 1 },
		{ "read a file outside every tree", OP_READ, secret, 0, 0 },
		{ "mkdir outside every tree", OP_MKDIR, outside, 0, 0 },
	};
	size_t i;

	if (sb_landlock_abi() == 0) {
		sbt_skip("listener: every Landlock rule (no Landlock in this "
		    "kernel)");
		return;
	}
	snprintf(users, sizeof(users), "%s/users", qmail);
	snprintf(control, sizeof(control), "%s/control", qmail);
	snprintf(thr, sizeof(thr), "%s/throttle", state);
	snprintf(renewed, sizeof(renewed), "%s/renewed.pem", tlsdir);
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		run_lcheck(&checks[i]);
}

/* An audit log in a shared directory is allowed as the file alone, which
 * the sessions could not create: the listener refuses to start. */
static int
shared_audit_act(void *a)
{
	struct sb_listener_fs o;
	char err[512], path[64];

	(void)a;
	snprintf(path, sizeof(path), "/var/tmp/sbmx-noaudit.%ld",
	    (long)getpid());
	memset(&o, 0, sizeof(o));
	o.vpopmail_dir = tree;
	o.audit_log = path;
	if (sb_listener_fs(&o, err, sizeof(err)) == 0)
		return EINVAL;	/* started */
	printf("# %s\n", err);
	return strstr(err, "must exist before the start") != NULL ? 0 : EIO;
}

static void
listener_shared_audit(void)
{
	char how[128];
	int st;

	if (access("/var/tmp", W_OK) == -1) {
		sbt_skip("listener: audit log in a shared directory (no "
		    "writable /var/tmp)");
		return;
	}
	st = sbt_run(NULL, apply_none, shared_audit_act, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "listener: a "
	    "missing audit log in /var/tmp (shared) stops the start with its "
	    "reason (%s)", sbt_how(st, how, sizeof(how)));
}

/* ---- a kernel without Landlock ---- */

static int
hide_landlock(void *a)
{
	static const int nrs[] = { SCMP_SYS(landlock_create_ruleset),
	    SCMP_SYS(landlock_add_rule), SCMP_SYS(landlock_restrict_self) };
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

	(void)a;
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -1;
	for (i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nrs[i], 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc != 0;
}

/* The listener starts as before (only its seccomp and capabilities),
 * reads outside, and exec still kills it. */
static void
listener_without_landlock(void)
{
	char how[128];
	int st;

	cur_role = R_LISTENER;
	cur_act = A_OPENAT;
	st = sbt_run(hide_landlock, apply_listener, act, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "no Landlock: the "
	    "listener confines itself and reads outside as before (%s)",
	    sbt_how(st, how, sizeof(how)));
	cur_act = A_EXECVE;
	st = sbt_run(hide_landlock, apply_listener, act, NULL);
	sbt_check(sbt_sigsys(st), "no Landlock: execve still kills the "
	    "listener (%s)", sbt_how(st, how, sizeof(how)));
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
	printf("# (*) the listener opens a file outside instead: it may read "
	    "/etc/passwd (NSS)\n#\n");
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
put(const char *path)
{
	int fd;

	if ((fd = open(path, O_CREAT | O_WRONLY, 0644)) == -1 ||
	    write(fd, "secret\n", 7) != 7 || close(fd) == -1)
		return -1;
	return 0;
}

/* The configuration goes to /var/tmp, a shared directory (only the file
 * is allowed), with a sibling that must stay out of reach. */
static int
shared_conf(void)
{
	int fd;

	snprintf(conf, sizeof(conf), "/var/tmp/sbmx-conf.XXXXXX");
	if ((fd = mkstemp(conf)) == -1) {
		conf[0] = '\0';
		return -1;
	}
	close(fd);
	snprintf(sibling, sizeof(sibling), "/var/tmp/sbmx-sib.XXXXXX");
	if ((fd = mkstemp(sibling)) == -1) {
		unlink(conf);
		conf[0] = sibling[0] = '\0';
		return -1;
	}
	close(fd);
	return put(conf) == -1 || put(sibling) == -1 ? -1 : 0;
}

static int
listener_setup(void)
{
	char p[DIRLEN + 32];

	if (make_dir(qmail, "qmail") || make_dir(state, "state") ||
	    make_dir(logdir, "log") || make_dir(tlsdir, "tls") ||
	    make_dir(confdir, "conf"))
		return -1;
	snprintf(p, sizeof(p), "%s/users", qmail);
	if (mkdir(p, 0755) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/control", qmail);
	if (mkdir(p, 0755) == -1)
		return -1;
	snprintf(p_audit, sizeof(p_audit), "%s/audit.log", logdir);
	snprintf(p_cert, sizeof(p_cert), "%s/cert.pem", tlsdir);
	snprintf(p_key, sizeof(p_key), "%s/key.pem", tlsdir);
	snprintf(p, sizeof(p), "%s/renewed.pem", tlsdir);
	if (put(p_cert) == -1 || put(p_key) == -1 || put(p) == -1)
		return -1;
	if (shared_conf() == -1) {
		snprintf(conf, sizeof(conf), "%s/vpopmaild.conf", confdir);
		return put(conf);
	}
	return 0;
}

static int
setup(void)
{
	socklen_t len = sizeof(peer);
	int lfd;

	if (make_dir(empty_dir, "empty") || make_dir(tree, "tree") ||
	    make_dir(outside, "out"))
		return -1;
	/* anyone may create here: only the sandbox can stop it */
	if (chmod(outside, 0777) == -1)
		return -1;
	snprintf(secret, sizeof(secret), "%s/secret", outside);
	if (put(secret) == -1 || listener_setup() == -1)
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
	char cmd[9 * DIRLEN];
	int r, a;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	as_root = geteuid() == 0;
	if (setup() == -1) {
		sbt_check(0, "test setup: %s", strerror(errno));
		return sbt_done("sb_matrix");
	}
	/* first: sb_landlock_abi() caches its answer, and children inherit
	 * the cache, so nothing here may have asked it before */
	listener_without_landlock();
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
	listener_rules_check();
	listener_shared_audit();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s' '%s' '%s' '%s' '%s' '%s' "
	    "'%s'", empty_dir, tree, outside, qmail, state, logdir, tlsdir,
	    confdir);
	if (system(cmd) != 0)
		sbt_check(0, "cleanup");
	if (sibling[0] != '\0' && (unlink(conf) == -1 || unlink(sibling) == -1))
		sbt_check(0, "cleanup of /var/tmp");
	return sbt_done("sb_matrix");
}
