/*
 * sb_matrix_live.c - the confinement of LIVE processes of the real
 * daemon (issue 7): starts BUILD/vpopmaild as the built-in listener
 * (-l 127.0.0.1:PORT) on an empty tree, opens one connection, lets the
 * session's helper answer a request (it confines itself before its first
 * request), then reads /proc/PID/status and /proc/PID/limits of the three
 * processes - listener, the connection's helper and its frontend - and
 * checks uid, every capability set, no_new_privs, seccomp, core dumps and
 * non-dumpability. Prints the findings as a table. Root and non-root.
 * Then the listener's Landlock, live: a SIGHUP whose configuration names a
 * certificate outside the paths of the start is refused with EACCES, and
 * one rewritten in place is reloaded.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <time.h>

#include "sandbox.h"
#include "sandbox/sbt.h"

#define NOBODY		65534
#define ROOTLEN		200

enum role { R_LISTENER, R_HELPER, R_FRONTEND, NROLES };

static const char *const role_name[NROLES] = {
	"listener", "helper", "frontend"
};

static int	as_root;
static char	root[ROOTLEN];
static char	daemon_path[PATH_MAX + 16];
static char	table[NROLES][8][24];	/* findings, for the summary */

#define CAP(c)	(1ULL << (c))
#define HELPER_CAPS	(CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | \
	CAP(CAP_FOWNER) | CAP(CAP_KILL))
#define LISTENER_CAPS	(HELPER_CAPS | CAP(CAP_SETUID) | CAP(CAP_SETGID) | \
	CAP(CAP_SYS_CHROOT) | CAP(CAP_SETPCAP))

/* BUILD/vpopmaild from BUILD/tests/sandbox/<this binary>. */
static int
find_daemon(void)
{
	char self[PATH_MAX];
	ssize_t n;
	int i;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return -1;
	self[n] = '\0';
	for (i = 0; i < 3; i++) {
		char *s = strrchr(self, '/');

		if (s == NULL)
			return -1;
		*s = '\0';
	}
	snprintf(daemon_path, sizeof(daemon_path), "%s/vpopmaild", self);
	return access(daemon_path, X_OK);
}

static int
make_tree(char *conf, size_t len)
{
	char cmd[4 * ROOTLEN + 200];
	FILE *f;
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof(root), "%s/sbmxl-XXXXXX", tmp && *tmp ? tmp :
	    "/tmp");
	if (mkdtemp(root) == NULL || chmod(root, 0755) == -1)
		return -1;
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/home/vpopmail/domains "
	    "%s/var/qmail/users %s/var/qmail/control %s/empty", root, root,
	    root, root);
	if (system(cmd) != 0)
		return -1;
	snprintf(conf, len, "%s/vpopmaild.conf", root);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(f, "vpopmail-dir = %s/home/vpopmail\nqmail-dir = %s/var/qmail\n"
	    "audit-log = %s/audit.log\ntimeout = 30\n", root, root, root);
	if (as_root)
		fprintf(f, "frontend-user = %d:%d\nempty-dir = %s/empty\n",
		    NOBODY, NOBODY, root);
	return fclose(f);
}

static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd, port = -1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static pid_t
start_listener(const char *conf, int port)
{
	char spec[64], errlog[ROOTLEN + 32];
	pid_t pid;
	int fd;

	snprintf(spec, sizeof(spec), "127.0.0.1:%d", port);
	snprintf(errlog, sizeof(errlog), "%s/listener.err", root);
	fflush(stdout);
	if ((pid = fork()) != 0)
		return pid;
	if ((fd = open("/dev/null", O_RDWR)) == -1 || dup2(fd, 0) == -1 ||
	    dup2(fd, 1) == -1)
		_exit(127);
	if ((fd = open(errlog, O_CREAT | O_WRONLY | O_APPEND, 0600)) == -1 ||
	    dup2(fd, 2) == -1)
		_exit(127);
	if (getenv("ASAN_OPTIONS") == NULL)
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
	unsetenv("TCPREMOTEIP");
	execl(daemon_path, "vpopmaild", "-f", conf, "-l", spec, (char *)NULL);
	_exit(127);
}

static int
connect_retry(int port)
{
	struct sockaddr_in a;
	int i, fd;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 100; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			return -1;
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return fd;
		close(fd);
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* Reads up to the first LF (10 s at most). */
static void
read_line(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t off = 0;
	ssize_t n;

	while (off < len - 1 && poll(&p, 1, 10000) > 0) {
		if ((n = read(fd, buf + off, 1)) <= 0)
			break;
		if (buf[off++] == '\n')
			break;
	}
	buf[off] = '\0';
}

static pid_t
child_of(pid_t pid)
{
	char path[64];
	FILE *f;
	int c = -1, i;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	for (i = 0; i < 50 && c <= 0; i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%d", &c) != 1)
				c = -1;
			fclose(f);
		}
		if (c <= 0)
			nanosleep(&ts, NULL);
	}
	return (pid_t)c;
}

/* "Max core file size" soft limit of /proc/pid/limits, -1 if unlimited. */
static long long
core_limit(pid_t pid)
{
	char path[64], line[256];
	long long v = -2;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -2;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Max core file size", 18) == 0) {
			const char *p = line + 18;

			p += strspn(p, " ");
			v = strncmp(p, "unlimited", 9) == 0 ? -1 :
			    strtoll(p, NULL, 10);
		}
	fclose(f);
	return v;
}

static void
note(enum role r, int col, int hex, unsigned long long v)
{
	if (hex)
		snprintf(table[r][col], sizeof(table[r][col]), "%llx", v);
	else
		snprintf(table[r][col], sizeof(table[r][col]), "%llu", v);
}

static void
check_caps(enum role r, pid_t pid, unsigned long long want_root)
{
	static const char *const sets[] = {
		"CapEff", "CapPrm", "CapInh", "CapAmb", "CapBnd"
	};
	unsigned long long want, got;
	size_t i;

	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		want = as_root && i != 2 && i != 3 ? want_root : 0;
		got = sbt_capfield(pid, sets[i]);
		if (i == 0)
			note(r, 1, 1, got);
		if (i == 4)
			note(r, 2, 1, got);
		if (i == 4 && !as_root) {
			/* shrinking the bounding set needs CAP_SETPCAP */
			sbt_skip("%s: %s (not root: cannot be dropped, moot "
			    "with no_new_privs and no exec)", role_name[r],
			    sets[i]);
			continue;
		}
		sbt_check(got == want, "%s (pid %d): %s is %016llx (got "
		    "%016llx)", role_name[r], (int)pid, sets[i], want, got);
	}
}

static void
check_flags(enum role r, pid_t pid)
{
	char v[512];

	v[0] = '\0';
	sbt_status(pid, "NoNewPrivs", v, sizeof(v));
	note(r, 3, 0, strtoull(v, NULL, 10));
	sbt_check(strtol(v, NULL, 10) == 1, "%s: NoNewPrivs is 1 (got %s)",
	    role_name[r], v);
	v[0] = '\0';
	sbt_status(pid, "Seccomp", v, sizeof(v));
	note(r, 4, 0, strtoull(v, NULL, 10));
	sbt_check(strtol(v, NULL, 10) == 2, "%s: Seccomp is 2 (filter) "
	    "(got %s)", role_name[r], v);
}

/* uid as root: frontend 65534, the others 0; else ours everywhere. */
static void
check_uid(enum role r, pid_t pid)
{
	char v[512];
	unsigned long want = !as_root ? (unsigned long)getuid() :
	    r == R_FRONTEND ? NOBODY : 0;
	unsigned long ruid, euid, suid, fsuid;

	v[0] = '\0';
	sbt_status(pid, "Uid", v, sizeof(v));
	if (sscanf(v, "%lu %lu %lu %lu", &ruid, &euid, &suid, &fsuid) != 4)
		ruid = euid = suid = fsuid = ~0UL;
	note(r, 0, 0, euid);
	sbt_check(ruid == want && euid == want && suid == want &&
	    fsuid == want, "%s: real, effective, saved and fs uid are %lu "
	    "(got %s)", role_name[r], want, v);
}

/*
 * No core files: RLIMIT_CORE 0, or non-dumpable. A non-dumpable process's
 * /proc/PID/mem belongs to root (the directory keeps the euid); that is
 * visible only when the euid is not 0.
 */
static void
check_core(enum role r, pid_t pid)
{
	struct stat st;
	char path[64];
	long long lim = core_limit(pid);
	int euid_nonzero = !as_root || r == R_FRONTEND;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	snprintf(table[r][5], sizeof(table[r][5]), "%s", lim == 0 ? "0" :
	    lim == -1 ? "unlimited" : "?");
	if (!euid_nonzero)
		snprintf(table[r][6], sizeof(table[r][6]), "(uid 0)");
	else if (stat(path, &st) == 0)
		snprintf(table[r][6], sizeof(table[r][6]), "%s",
		    st.st_uid == 0 ? "no" : "YES");
	if (euid_nonzero)
		sbt_check(stat(path, &st) == 0 && st.st_uid == 0, "%s: not "
		    "dumpable (/proc/%d/mem owned by root although euid is not)",
		    role_name[r], (int)pid);
	else
		sbt_skip("%s: dumpable flag (euid 0: /proc/PID/mem belongs to "
		    "root either way)", role_name[r]);
	if (r == R_LISTENER && lim != 0) {
		/* the listener relies on PR_SET_DUMPABLE 0 alone */
		if (euid_nonzero)
			sbt_check(stat(path, &st) == 0 && st.st_uid == 0,
			    "listener: no core dump (RLIMIT_CORE %lld, but "
			    "not dumpable)", lim);
		else
			sbt_skip("listener: RLIMIT_CORE is %lld; its "
			    "non-dumpability is not observable as root "
			    "(sandbox/listener.c sets PR_SET_DUMPABLE 0)",
			    lim);
		return;
	}
	sbt_check(lim == 0, "%s: RLIMIT_CORE is 0 (got %lld)", role_name[r],
	    lim);
}

static void
check_groups(pid_t pid)
{
	char v[512];

	if (!as_root) {
		sbt_skip("frontend: supplementary groups (not root: "
		    "setgroups needs CAP_SETGID)");
		return;
	}
	v[0] = 'x';
	v[1] = '\0';
	sbt_status(pid, "Groups", v, sizeof(v));
	sbt_check(strspn(v, " \t") == strlen(v), "frontend: no supplementary "
	    "groups (got '%s')", v);
}

static void
print_table(void)
{
	static const char *const col[] = {
		"euid", "CapEff", "CapBnd", "NNP", "Seccomp", "core lim",
		"dumpable"
	};
	int r, c;

	printf("#\n# live processes (%s)\n# %-9s", as_root ? "root" :
	    "non-root", "process");
	for (c = 0; c < 7; c++)
		printf(" | %-16s", col[c]);
	printf("\n");
	for (r = 0; r < NROLES; r++) {
		printf("# %-9s", role_name[r]);
		for (c = 0; c < 7; c++)
			printf(" | %-16s", table[r][c]);
		printf("\n");
	}
	printf("#\n");
}

static int
log_has(const char *what)
{
	char path[ROOTLEN + 32], buf[8192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/listener.err", root);
	if ((fd = open(path, O_RDONLY)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, what) != NULL;
}

static int
wait_log(const char *what)
{
	int i;

	for (i = 0; i < 100 && !log_has(what); i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return log_has(what);
}

/* Rewrites conf in place (same inode, as an editor writing in place
 * would), appending extra, then sends SIGHUP. */
static int
rewrite_hup(const char *conf, const char *extra, pid_t pid)
{
	FILE *f;

	if ((f = fopen(conf, "a")) == NULL || fputs(extra, f) == EOF ||
	    fclose(f) == EOF)
		return -1;
	return kill(pid, SIGHUP);
}

/* The live listener under its Landlock ruleset (sandbox/listener.c). */
static void
live_landlock(const char *conf, pid_t pid)
{
	char out[ROOTLEN + 16], extra[4 * ROOTLEN], cmd[4 * ROOTLEN];
	const char *tmp = getenv("TMPDIR");

	if (rewrite_hup(conf, "timeout = 29\n", pid) == -1 ||
	    !wait_log("configuration reloaded"))
		sbt_check(0, "listener: SIGHUP rereads its configuration file");
	else
		sbt_check(1, "listener: SIGHUP rereads its configuration file "
		    "(rewritten in place)");
	if (sb_landlock_abi() == 0) {
		sbt_skip("listener: Landlock on SIGHUP (no Landlock in this "
		    "kernel)");
		return;
	}
	snprintf(out, sizeof(out), "%s/sbmxl-out-XXXXXX", tmp && *tmp ? tmp :
	    "/tmp");
	if (mkdtemp(out) == NULL) {
		sbt_check(0, "a directory outside: %s", strerror(errno));
		return;
	}
	snprintf(extra, sizeof(extra), "tls-cert = %s/c.pem\ntls-key = "
	    "%s/k.pem\n", out, out);
	snprintf(cmd, sizeof(cmd), "echo x > %s/c.pem && echo x > %s/k.pem",
	    out, out);
	if (system(cmd) != 0 || rewrite_hup(conf, extra, pid) == -1) {
		sbt_check(0, "SIGHUP with a certificate outside");
		return;
	}
	if (!wait_log("configuration not reloaded"))
		sbt_check(0, "listener: the SIGHUP naming %s/c.pem is refused",
		    out);
	else if (log_has("loading OpenSSL"))
		sbt_skip("listener: SIGHUP with TLS (OpenSSL not loadable "
		    "here: see %s/listener.err)", root);
	else
		sbt_check(log_has("Permission denied"), "listener: a "
		    "certificate outside the start's paths is not even read on "
		    "SIGHUP (Permission denied; unconfined it is a PEM error)");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", out);
	if (system(cmd) != 0)
		sbt_check(0, "cleanup %s", out);
}

static void
live(const char *conf)
{
	char buf[256];
	pid_t pid[NROLES];
	int port, fd, st, r;

	if ((port = free_port()) < 0) {
		sbt_check(0, "a free port: %s", strerror(errno));
		return;
	}
	pid[R_LISTENER] = start_listener(conf, port);
	if ((fd = connect_retry(port)) < 0) {
		sbt_check(0, "connect to the listener on port %d", port);
		kill(pid[R_LISTENER], SIGKILL);
		waitpid(pid[R_LISTENER], &st, 0);
		return;
	}
	read_line(fd, buf, sizeof(buf));
	sbt_check(strcmp(buf, "+OK \r\n") == 0, "greeting through the "
	    "listener");
	if (write(fd, "slogin nobody@example.invalid x\r\n", 33) != 33)
		sbt_check(0, "send a login");
	read_line(fd, buf, sizeof(buf));
	sbt_check(strcmp(buf, "-ERR 8.207 Invalid Login\r\n") == 0, "the "
	    "session's helper answers (it is confined by now)");
	pid[R_HELPER] = child_of(pid[R_LISTENER]);
	pid[R_FRONTEND] = pid[R_HELPER] > 0 ? child_of(pid[R_HELPER]) : -1;
	sbt_check(pid[R_HELPER] > 0 && pid[R_FRONTEND] > 0, "listener %d -> "
	    "helper %d -> frontend %d", (int)pid[R_LISTENER],
	    (int)pid[R_HELPER], (int)pid[R_FRONTEND]);
	for (r = 0; r < NROLES && pid[R_FRONTEND] > 0; r++) {
		check_uid((enum role)r, pid[r]);
		check_caps((enum role)r, pid[r], r == R_LISTENER ?
		    LISTENER_CAPS : r == R_HELPER ? HELPER_CAPS : 0);
		check_flags((enum role)r, pid[r]);
		check_core((enum role)r, pid[r]);
	}
	if (pid[R_FRONTEND] > 0)
		check_groups(pid[R_FRONTEND]);
	print_table();
	live_landlock(conf, pid[R_LISTENER]);
	if (write(fd, "quit\r\n", 6) != 6)
		sbt_check(0, "send quit");
	read_line(fd, buf, sizeof(buf));
	close(fd);
	kill(pid[R_LISTENER], SIGTERM);
	waitpid(pid[R_LISTENER], &st, 0);
	sbt_check(WIFEXITED(st), "listener exits on SIGTERM (%s)",
	    sbt_how(st, buf, sizeof(buf)));
}

int
main(void)
{
	char conf[ROOTLEN + 32], cmd[ROOTLEN + 16];

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	as_root = geteuid() == 0;
	if (find_daemon() == -1) {
		sbt_check(0, "vpopmaild next to the tests (%s)", daemon_path);
		return sbt_done("sb_matrix_live");
	}
	if (make_tree(conf, sizeof(conf)) == -1) {
		sbt_check(0, "test tree: %s", strerror(errno));
		return sbt_done("sb_matrix_live");
	}
	printf("# %s, running as %s\n", daemon_path, as_root ? "root" :
	    "non-root");
	live(conf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		sbt_check(0, "cleanup");
	return sbt_done("sb_matrix_live");
}
