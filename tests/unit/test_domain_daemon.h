/*
 * test_domain_daemon.h - for the test_domain*.c suites that drive the
 * real daemon: a rerooted fixture tree with a config file (td_setup),
 * the daemon on a socketpair (td_start, td_say, td_line, td_stop).
 * Include after unit/t.h, unit/tdir.h and unit/test_storage_util.h;
 * the including file defines p(), a path below top.
 */
#ifndef VP_TEST_DOMAIN_DAEMON_H
#define VP_TEST_DOMAIN_DAEMON_H

#include <poll.h>
#include <sys/socket.h>

static char top[PATH_MAX - 512];	/* the tree of this test */
static char build[PATH_MAX];
static char *p(const char *name);

struct daemon {
	pid_t	pid;
	int	fd;
	char	buf[4096];
	size_t	len;
};

__attribute__((unused)) static int
start_daemon(struct daemon *d, const char *flag)
{
	char conf[PATH_MAX + 32], bin[PATH_MAX + 32];
	int sv[2];

	memset(d, 0, sizeof(*d));
	snprintf(conf, sizeof(conf), "%s", p("vpopmaild.conf"));
	snprintf(bin, sizeof(bin), "%s/vpopmaild", build);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if ((d->pid = fork()) < 0)
		return -1;
	if (d->pid == 0) {
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		execl(bin, bin, "-f", conf, flag, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	d->fd = sv[0];
	return 0;
}

/* The next CRLF line (without it) within 10 s; NULL otherwise. */
__attribute__((unused)) static const char *
read_line(struct daemon *d)
{
	static char line[sizeof(d->buf)];
	struct pollfd pfd = { d->fd, POLLIN, 0 };
	char *nl;
	ssize_t n;

	for (;;) {
		if ((nl = memchr(d->buf, '\n', d->len)) != NULL) {
			size_t k = (size_t)(nl - d->buf);

			memcpy(line, d->buf, k);
			line[k > 0 && line[k - 1] == '\r' ? k - 1 : k] = '\0';
			memmove(d->buf, nl + 1, d->len - k - 1);
			d->len -= k + 1;
			return line;
		}
		if (d->len == sizeof(d->buf) || poll(&pfd, 1, 10000) <= 0)
			return NULL;
		n = read(d->fd, d->buf + d->len, sizeof(d->buf) - d->len);
		if (n <= 0)
			return NULL;
		d->len += (size_t)n;
	}
}

/* Sends a command; 1 when the reply line is want. */
__attribute__((unused)) static int
say(struct daemon *d, const char *cmd, const char *want)
{
	char buf[512];
	const char *got;
	int n = snprintf(buf, sizeof(buf), "%s\r\n", cmd);

	if (write(d->fd, buf, (size_t)n) != n)
		return 0;
	got = read_line(d);
	if (got == NULL || strcmp(got, want) != 0) {
		T_INFO("%s: got '%s', want '%s'", cmd, got ? got : "(none)",
		    want);
		return 0;
	}
	return 1;
}

__attribute__((unused)) static int
stop_daemon(struct daemon *d)
{
	int st;

	close(d->fd);
	return waitpid(d->pid, &st, 0) == d->pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0;
}

/* The build directory: this binary is BUILD/tests/unit/NAME. */
__attribute__((unused)) static int
find_build(void)
{
	ssize_t n = readlink("/proc/self/exe", build, sizeof(build) - 1);
	char *s;
	int i;

	if (n <= 0)
		return -1;
	build[n] = '\0';
	for (i = 0; i < 3; i++) {
		if ((s = strrchr(build, '/')) == NULL)
			return -1;
		*s = '\0';
	}
	return 0;
}

/* A fresh rerooted tree (small or large) in top, and its config file
 * with extra appended. */
__attribute__((unused)) static int
setup_tree(const char *tree, const char *tag, const char *extra)
{
	char conf[4 * PATH_MAX];
	pid_t pid;
	int st, n;

	if (t_mkdtemp(top, sizeof(top), tag) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		execlp("sh", "sh", "tests/tools/fixture.sh", tree, top,
		    build, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	n = snprintf(conf, sizeof(conf), "vpopmail-dir = %s/home/vpopmail\n"
	    "qmail-dir = %s/var/qmail\naudit-log = %s/audit.log\n"
	    "timeout = 60\n%s%s%s%s", top, top, top,
	    geteuid() == 0 ? "frontend-user = nobody\nempty-dir = " : "",
	    geteuid() == 0 ? p("empty") : "", geteuid() == 0 ? "\n" : "",
	    extra);
	if (n < 0 || (size_t)n >= sizeof(conf))
		return -1;
	return t_write(p("vpopmaild.conf"), conf, (size_t)n);
}

#endif
