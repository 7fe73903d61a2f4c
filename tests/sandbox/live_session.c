/*
 * live_session.c - the sandbox as it stands on a real session: the same
 * session_serve() the daemon runs, on a socketpair. Checks the live
 * frontend and helper through /proc, and (test-only frontends, never
 * built into vpopmaild) that a frontend which calls open, openat on the
 * tree, execve or socket is killed, after which the helper exits and
 * leaves an audit record.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "fe_session.h"
#include "session.h"

#if defined(__SANITIZE_ADDRESS__)
/* Sanitizer builds let openat fail with EACCES instead of killing, since
 * ASan probes files at run time (sandbox/seccomp.c); the call must still
 * fail. */
#define OPEN_REFUSED_NOT_KILLED	1
#else
#define OPEN_REFUSED_NOT_KILLED	0
#endif

static int passed, failed;
static char root[128];
static const char *action;

static void
check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "FAIL", what);
	fflush(stdout);
	if (cond)
		passed++;
	else
		failed++;
}

static void
make_tree(struct vp_config *cfg)
{
	char p[1024], err[512];

	snprintf(root, sizeof(root), "%s/live-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	chmod(root, 0755);
	snprintf(p, sizeof(p), "mkdir -p %s/home/vpopmail/domains "
	    "%s/var/qmail/users %s/var/qmail/control %s/empty", root, root,
	    root, root);
	if (system(p) != 0)
		exit(1);
	config_defaults(cfg);
	snprintf(p, sizeof(p), "%s/home/vpopmail", root);
	config_set(cfg, "vpopmail-dir", p, err, sizeof(err));
	snprintf(p, sizeof(p), "%s/var/qmail", root);
	config_set(cfg, "qmail-dir", p, err, sizeof(err));
	snprintf(p, sizeof(p), "%s/audit.log", root);
	config_set(cfg, "audit-log", p, err, sizeof(err));
	snprintf(p, sizeof(p), "%s/empty", root);
	config_set(cfg, "empty-dir", p, err, sizeof(err));
	config_set(cfg, "frontend-user", "65534:65534", err, sizeof(err));
	if (config_check(cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "config: %s\n", err);
		exit(1);
	}
}

static void
normal_frontend(int in, int out, int hfd, const struct vp_config *cfg)
{
	fe_session_main(in, out, hfd, cfg->timeout);
}

/* Runs once sandboxed; reaching the write means the action was allowed. */
static void
evil_frontend(int in, int out, int hfd, const struct vp_config *cfg)
{
	int r = 0;

	(void)in;
	(void)hfd;
	if (strcmp(action, "open") == 0)
		r = open("/etc/passwd", O_RDONLY);
	else if (strcmp(action, "openat-tree") == 0)
		r = openat(AT_FDCWD, cfg->vpopmail_dir, O_RDONLY | O_DIRECTORY);
	else if (strcmp(action, "execve") == 0) {
		char *argv[] = { "/bin/true", NULL };

		execve(argv[0], argv, argv + 1);
	} else if (strcmp(action, "socket") == 0)
		socket(AF_INET, SOCK_STREAM, 0);
	if (r < 0 && write(out, "refused\n", 8) < 0)
		_exit(1);
	if (r >= 0 && write(out, "survived\n", 9) < 0)
		_exit(1);
	_exit(0);
}

static pid_t
start(const struct vp_config *cfg, session_frontend_fn *fn, int *fd)
{
	int sp[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		exit(1);
	if ((pid = fork()) == 0) {
		close(sp[0]);
		session_serve(cfg, sp[1], sp[1], "192.0.2.1", fn);
	}
	close(sp[1]);
	*fd = sp[0];
	return pid;
}

static ssize_t
read_all(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t off = 0;
	ssize_t n;

	while (off < len - 1 && poll(&p, 1, 10000) > 0) {
		if ((n = read(fd, buf + off, len - 1 - off)) <= 0)
			break;
		off += (size_t)n;
		if (memchr(buf, '\n', off) != NULL)
			break;
	}
	buf[off] = '\0';
	return (ssize_t)off;
}

static int
status_field(pid_t pid, const char *key, char *val, size_t len)
{
	char path[64], line[256];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, strlen(key)) == 0 &&
		    line[strlen(key)] == ':') {
			snprintf(val, len, "%s", line + strlen(key) + 2);
			val[strcspn(val, "\n")] = '\0';
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static pid_t
child_of(pid_t pid)
{
	char path[64];
	FILE *f;
	int c = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%d", &c) != 1)
			c = -1;
		fclose(f);
	}
	return (pid_t)c;
}

static void
check_field(pid_t pid, const char *who, const char *key, const char *want)
{
	char val[200], what[400];
	int ok = status_field(pid, key, val, sizeof(val));

	/* Tabs separate the four uid columns; compare on the first. */
	if (ok && strcmp(key, "Uid") == 0)
		val[strcspn(val, "\t")] = '\0';
	snprintf(what, sizeof(what), "%s %s is %s (got %s)", who, key, want,
	    ok ? val : "nothing");
	check(ok && strcmp(val, want) == 0, what);
}

static void
live_checks(const struct vp_config *cfg)
{
	char buf[256], want[32];
	pid_t helper, fe;
	int fd, st;

	helper = start(cfg, normal_frontend, &fd);
	read_all(fd, buf, sizeof(buf));
	check(strcmp(buf, "+OK \r\n") == 0, "greeting from a live session");
	/* A round trip through the helper: it sandboxes itself before it
	 * serves its first request, independently of the greeting. */
	if (write(fd, "slogin nobody@example.invalid x\r\n", 33) != 33)
		check(0, "send a login");
	read_all(fd, buf, sizeof(buf));
	check(strcmp(buf, "-ERR 8.207 Invalid Login\r\n") == 0,
	    "the helper answers a failed login");
	fe = child_of(helper);
	check(fe > 0, "the helper has one child, the frontend");
	check_field(fe, "frontend", "Seccomp", "2");
	check_field(fe, "frontend", "NoNewPrivs", "1");
	check_field(fe, "frontend", "CapEff", "0000000000000000");
	check_field(fe, "frontend", "CapPrm", "0000000000000000");
	check_field(helper, "helper", "Seccomp", "2");
	check_field(helper, "helper", "NoNewPrivs", "1");
	if (geteuid() == 0) {
		unsigned long long m = (1ULL << CAP_CHOWN) |
		    (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_FOWNER) |
		    (1ULL << CAP_KILL);

		check_field(fe, "frontend", "Uid", "65534");
		check_field(fe, "frontend", "CapBnd", "0000000000000000");
		snprintf(want, sizeof(want), "%016llx", m);
		check_field(helper, "helper", "CapEff", want);
		check_field(helper, "helper", "CapBnd", want);
	} else {
		check_field(helper, "helper", "CapEff", "0000000000000000");
		/* Dropping the bounding set needs CAP_SETPCAP; without
		 * root no_new_privs and the exec ban make it moot. */
		printf("skip - frontend uid switch, bounding set and helper "
		    "capability set (not root)\n");
	}
	if (write(fd, "quit\r\n", 6) != 6)
		check(0, "send quit");
	read_all(fd, buf, sizeof(buf));
	check(strcmp(buf, "+OK \r\n") == 0, "quit answered");
	waitpid(helper, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "helper exits 0 after quit");
	close(fd);
}

static int
audit_has(const char *needle)
{
	char path[512], buf[8192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/audit.log", root);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, needle) != NULL;
}

static void
escape_check(const struct vp_config *cfg, const char *act)
{
	char buf[256], what[200], path[512];
	pid_t helper;
	int fd, st;

	snprintf(path, sizeof(path), "%s/audit.log", root);
	unlink(path);
	action = act;
	helper = start(cfg, evil_frontend, &fd);
	read_all(fd, buf, sizeof(buf));
	waitpid(helper, &st, 0);
	if (OPEN_REFUSED_NOT_KILLED && strncmp(act, "open", 4) == 0) {
		snprintf(what, sizeof(what), "frontend calling %s is refused "
		    "(sanitizer build)", act);
		check(strcmp(buf, "refused\n") == 0, what);
		return;
	}
	snprintf(what, sizeof(what), "frontend calling %s is killed before it "
	    "can answer", act);
	check(buf[0] == '\0', what);
	snprintf(what, sizeof(what), "helper exits after the frontend's %s",
	    act);
	check(WIFEXITED(st), what);
	snprintf(what, sizeof(what), "audit record of the kill (%s)", act);
	check(audit_has("frontend killed by signal 31 (seccomp)"), what);
	close(fd);
}

int
main(void)
{
	static struct vp_config cfg;
	char cmd[300];

	signal(SIGPIPE, SIG_IGN);
	make_tree(&cfg);
	live_checks(&cfg);
	escape_check(&cfg, "open");
	escape_check(&cfg, "openat-tree");
	escape_check(&cfg, "execve");
	escape_check(&cfg, "socket");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		failed++;
	printf("live_session: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
