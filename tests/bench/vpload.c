/*
 * vpload.c - the load generator of `make bench` (tests/bench/bench.py
 * builds the trees, starts the daemons and prints the tables; this program
 * does the timing). Each subcommand prints one line of "key=value" fields.
 *
 *   vpload slogin HOST:PORT ADDRESS PASSWORD CLIENTS SECONDS
 *       CLIENTS threads, each in a loop: connect, greeting, slogin, reply,
 *       close. Latency is connect to the reply; prints the count, the rate
 *       and p50/p99 in ms, and how many logins answered +OK.
 *   vpload crypt HASH PASSWORD N     ms of one crypt_r of HASH (mean of N)
 *   vpload fork N                    us of fork+wait and fork+exec+wait
 *   vpload launch HOST:PORT PROG [ARG...]
 *       a tcpserver-like launcher: fork and exec PROG per connection with
 *       the socket on fds 0/1 and TCPREMOTEIP set (when ucspi-tcp is not
 *       installed); runs until killed.
 *   vpload session DAEMON CONF ADDRESS PASSWORD ACTION ...
 *       starts DAEMON -f CONF on a socketpair (fds 0/1) as tcpserver would,
 *       slogins, then one ACTION:
 *         adds DOMAIN PREFIX N    N pipelined add_user PREFIXnnnnnn@DOMAIN
 *         adddoms PREFIX N        N pipelined add_domain PREFIXnnnnnn.test
 *         list DOMAIN             list_users DOMAIN to the final "."
 *         idle N                  RSS after the login, then after N
 *                                 user_info commands on the connection
 *       and prints seconds and the VmRSS/VmHWM (kB) of helper (the
 *       daemon) and frontend (its child).
 * Exit 0, or 1 with a reason on stderr.
 */
#include <arpa/inet.h>
#include <crypt.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WINDOW	16		/* pipelined requests in flight */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vpload: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- a buffered line reader over one socket ---- */

struct conn {
	int	fd;
	char	buf[65536];
	size_t	len, off;
	long	bytes;		/* everything received */
	char	status[256];	/* the last reply's first line */
};

/* One line without CRLF into line (truncated to cap), 0; -1 on EOF. */
static int
conn_line(struct conn *c, char *line, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	char ch;

	for (;;) {
		if (c->off == c->len) {
			r = read(c->fd, c->buf, sizeof(c->buf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			c->len = (size_t)r;
			c->off = 0;
			c->bytes += r;
		}
		ch = c->buf[c->off++];
		if (ch == '\n')
			break;
		if (n + 1 < cap)
			line[n++] = ch;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return 0;
}

/* A whole reply: status line, and for "+OK+" every line up to "."
 * (counting the "name ..." lines into *lines when not NULL).
 * Returns 1 for +OK/+OK+, 0 for anything else, -1 on EOF. */
static int
conn_reply(struct conn *c, long *lines)
{
	char line[1024];
	int ok;

	if (conn_line(c, line, sizeof(line)) < 0)
		return -1;
	ok = strncmp(line, "+OK", 3) == 0;
	snprintf(c->status, sizeof(c->status), "%.200s", line);
	if (strcmp(line, "+OK+") != 0)
		return ok;
	for (;;) {
		if (conn_line(c, line, sizeof(line)) < 0)
			return -1;
		if (strcmp(line, ".") == 0)
			return 1;
		if (lines != NULL && strncmp(line, "name ", 5) == 0)
			(*lines)++;
	}
}

static void
send_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) < 0) {
			if (errno == EINTR)
				continue;
			die("write: %s", strerror(errno));
		}
		s += w;
		n -= (size_t)w;
	}
}

static void
parse_addr(const char *spec, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(spec, ':');

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(host))
		die("address %s: expected HOST:PORT", spec);
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		die("address %s: not an IPv4 literal", spec);
}

/* ---- slogin load ---- */

struct worker {
	pthread_t		 th;
	const struct sockaddr_in *sin;
	const char		*req;
	double			 until;
	double			*lat;	/* ms */
	size_t			 n, cap;
	long			 ok, errs;
};

static int
one_login(struct worker *w, struct conn *c)
{
	char line[256];
	int one = 1;

	c->len = c->off = 0;
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (const struct sockaddr *)w->sin,
	    sizeof(*w->sin)) < 0 || conn_line(c, line, sizeof(line)) < 0 ||
	    strcmp(line, "+OK ") != 0) {
		close(c->fd);
		return -1;
	}
	send_all(c->fd, w->req, strlen(w->req));
	if (conn_line(c, line, sizeof(line)) < 0) {
		close(c->fd);
		return -1;
	}
	close(c->fd);
	return strcmp(line, "+OK ") == 0;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	static __thread struct conn c;
	double t0;
	int r;

	while ((t0 = now()) < w->until) {
		r = one_login(w, &c);
		if (r < 0) {
			w->errs++;
			continue;
		}
		w->ok += r;
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 4096;
			if ((w->lat = realloc(w->lat, w->cap *
			    sizeof(*w->lat))) == NULL)
				die("out of memory");
		}
		w->lat[w->n++] = (now() - t0) * 1e3;
	}
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
cmd_slogin(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct worker *w;
	char req[600];
	double *all, t0, took;
	size_t total = 0, k = 0;
	long ok = 0, errs = 0;
	int i, n;

	if (argc != 5)
		die("usage: slogin HOST:PORT ADDRESS PASSWORD CLIENTS SECONDS");
	parse_addr(argv[0], &sin);
	snprintf(req, sizeof(req), "slogin %s %s\r\n", argv[1], argv[2]);
	n = atoi(argv[3]);
	if (n < 1 || n > 256 || (w = calloc((size_t)n, sizeof(*w))) == NULL)
		die("bad client count %s", argv[3]);
	t0 = now();
	for (i = 0; i < n; i++) {
		w[i].sin = &sin;
		w[i].req = req;
		w[i].until = t0 + atof(argv[4]);
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
			die("pthread_create");
	}
	for (i = 0; i < n; i++) {
		pthread_join(w[i].th, NULL);
		total += w[i].n;
		ok += w[i].ok;
		errs += w[i].errs;
	}
	took = now() - t0;
	if (total == 0)
		die("no login completed (%ld connection errors)", errs);
	if ((all = malloc(total * sizeof(*all))) == NULL)
		die("out of memory");
	for (i = 0; i < n; i++) {
		memcpy(all + k, w[i].lat, w[i].n * sizeof(*all));
		k += w[i].n;
	}
	qsort(all, total, sizeof(*all), cmp_double);
	printf("clients=%d logins=%zu ok=%ld errors=%ld seconds=%.2f "
	    "rate=%.1f p50=%.3f p99=%.3f\n", n, total, ok, errs, took,
	    (double)total / took, all[total / 2], all[total * 99 / 100]);
	return 0;
}

/* ---- the physical floor: crypt, fork, fork+exec ---- */

static int
cmd_crypt(int argc, char **argv)
{
	struct crypt_data *cd;
	const char *out;
	double t0;
	int i, n;

	if (argc != 3 || (n = atoi(argv[2])) < 1)
		die("usage: crypt HASH PASSWORD N");
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		die("out of memory");
	out = crypt_r(argv[1], argv[0], cd);	/* warm */
	if (out == NULL || strcmp(out, argv[0]) != 0)
		die("crypt_r: the password does not match the hash");
	t0 = now();
	for (i = 0; i < n; i++)
		(void)crypt_r(argv[1], argv[0], cd);
	printf("crypt_ms=%.4f\n", (now() - t0) * 1e3 / n);
	return 0;
}

static double
fork_cost(int n, int do_exec)
{
	char *const av[] = { (char *)"/bin/true", NULL };
	double t0 = now();
	pid_t pid;
	int i, st;

	for (i = 0; i < n; i++) {
		if ((pid = fork()) < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			if (do_exec)
				execv(av[0], av);
			_exit(0);
		}
		waitpid(pid, &st, 0);
	}
	return (now() - t0) * 1e6 / n;
}

static int
cmd_fork(int argc, char **argv)
{
	int n;

	if (argc != 1 || (n = atoi(argv[0])) < 1)
		die("usage: fork N");
	printf("fork_us=%.1f forkexec_us=%.1f\n", fork_cost(n, 0),
	    fork_cost(n, 1));
	return 0;
}

/* ---- a tcpserver-like launcher ---- */

static int
cmd_launch(int argc, char **argv)
{
	struct sockaddr_in sin, peer;
	socklen_t pl;
	char ip[INET_ADDRSTRLEN];
	int lfd, cfd, one = 1;

	if (argc < 2)
		die("usage: launch HOST:PORT PROG [ARG...]");
	parse_addr(argv[0], &sin);
	signal(SIGCHLD, SIG_IGN);	/* children reaped by the kernel */
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lfd, 128) < 0)
		die("bind %s: %s", argv[0], strerror(errno));
	for (;;) {
		pl = sizeof(peer);
		if ((cfd = accept(lfd, (struct sockaddr *)&peer, &pl)) < 0)
			continue;
		if (fork() == 0) {
			inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof(ip));
			setenv("TCPREMOTEIP", ip, 1);
			signal(SIGCHLD, SIG_DFL);
			close(lfd);
			dup2(cfd, 0);
			dup2(cfd, 1);
			if (cfd > 1)
				close(cfd);
			execv(argv[1], argv + 1);
			_exit(111);
		}
		close(cfd);
	}
}

/* ---- one session on a socketpair ---- */

struct rss {
	long	rss, hwm;	/* kB, -1 when unknown */
};

static struct rss
rss_of(pid_t pid)
{
	struct rss r = { -1, -1 };
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return r;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			r.rss = atol(line + 6);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			r.hwm = atol(line + 6);
	}
	fclose(f);
	return r;
}

/* The frontend: the daemon's only child. */
static pid_t
child_of(pid_t pid)
{
	char path[80];
	FILE *f;
	int c = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%d", &c) != 1)
		c = -1;
	fclose(f);
	return (pid_t)c;
}

static pid_t
spawn_daemon(const char *daemon, const char *conf, int *fd)
{
	int sp[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		die("socketpair: %s", strerror(errno));
	if ((pid = fork()) < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(sp[1], 0);
		dup2(sp[1], 1);
		close(sp[0]);
		close(sp[1]);
		execl(daemon, daemon, "-f", conf, (char *)NULL);
		_exit(111);
	}
	close(sp[1]);
	*fd = sp[0];
	return pid;
}

/* Sends n requests made by fmt(i) with WINDOW in flight; the count of
 * +OK replies. */
static long
pipeline(struct conn *c, long n, void (*fmt)(long, char *, size_t,
    const char **), const char **args)
{
	char req[600];
	long sent = 0, got = 0, ok = 0;
	int r;

	while (got < n) {
		while (sent < n && sent - got < WINDOW) {
			fmt(sent++, req, sizeof(req), args);
			send_all(c->fd, req, strlen(req));
		}
		if ((r = conn_reply(c, NULL)) < 0)
			die("EOF after %ld replies", got);
		if (r == 0 && ok == got)
			fprintf(stderr, "vpload: reply %ld: %s\n", got,
			    c->status);
		ok += r;
		got++;
	}
	return ok;
}

static void
fmt_add(long i, char *b, size_t n, const char **a)
{
	snprintf(b, n, "add_user %s%06ld@%s pw%ld\r\n", a[1], i, a[0], i);
}

static void
fmt_adddom(long i, char *b, size_t n, const char **a)
{
	snprintf(b, n, "add_domain %s%06ld.test pw%ld\r\n", a[0], i, i);
}

static void
fmt_info(long i, char *b, size_t n, const char **a)
{
	(void)i;
	snprintf(b, n, "user_info %s\r\n", a[0]);
}

static void
print_rss(const char *when, pid_t helper, pid_t fe)
{
	struct rss h = rss_of(helper), f = rss_of(fe);

	printf(" %s_helper_rss=%ld %s_helper_hwm=%ld %s_frontend_rss=%ld "
	    "%s_frontend_hwm=%ld", when, h.rss, when, h.hwm, when, f.rss,
	    when, f.hwm);
}

static int
run_action(struct conn *c, pid_t helper, int argc, char **argv,
    const char *address)
{
	const char *args[2];
	long n, ok, lines = 0;
	double t0 = now();

	if (argc == 4 && strcmp(argv[0], "adds") == 0) {
		args[0] = argv[1];
		args[1] = argv[2];
		n = atol(argv[3]);
		ok = pipeline(c, n, fmt_add, args);
	} else if (argc == 3 && strcmp(argv[0], "adddoms") == 0) {
		args[0] = argv[1];
		n = atol(argv[2]);
		ok = pipeline(c, n, fmt_adddom, args);
	} else if (argc == 2 && strcmp(argv[0], "list") == 0) {
		char req[300];

		snprintf(req, sizeof(req), "list_users %s\r\n", argv[1]);
		send_all(c->fd, req, strlen(req));
		c->bytes = 0;
		if (conn_reply(c, &lines) != 1)
			die("list_users failed");
		n = ok = 1;
		printf("seconds=%.3f bytes=%ld users=%ld", now() - t0,
		    c->bytes, lines);
		print_rss("end", helper, child_of(helper));
		printf("\n");
		return 0;
	} else if (argc == 2 && strcmp(argv[0], "idle") == 0) {
		print_rss("idle", helper, child_of(helper));
		args[0] = address;
		n = atol(argv[1]);
		ok = pipeline(c, n, fmt_info, args);
		print_rss("after", helper, child_of(helper));
		printf(" seconds=%.3f ok=%ld n=%ld\n", now() - t0, ok, n);
		return ok == n ? 0 : -1;
	} else
		die("unknown action");
	printf("seconds=%.3f ok=%ld n=%ld", now() - t0, ok, n);
	print_rss("end", helper, child_of(helper));
	printf("\n");
	return ok == n ? 0 : -1;
}

static int
cmd_session(int argc, char **argv)
{
	static struct conn c;
	char req[600];
	pid_t pid;
	int r, st;

	if (argc < 5)
		die("usage: session DAEMON CONF ADDRESS PASSWORD ACTION ...");
	pid = spawn_daemon(argv[0], argv[1], &c.fd);
	snprintf(req, sizeof(req), "slogin %s %s\r\n", argv[2], argv[3]);
	if (conn_reply(&c, NULL) != 1)
		die("no greeting");
	send_all(c.fd, req, strlen(req));
	if (conn_reply(&c, NULL) != 1)
		die("slogin %s refused", argv[2]);
	r = run_action(&c, pid, argc - 4, argv + 4, argv[2]);
	send_all(c.fd, "quit\r\n", 6);
	(void)conn_reply(&c, NULL);
	close(c.fd);
	waitpid(pid, &st, 0);
	return r < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && strcmp(argv[1], "slogin") == 0)
		return cmd_slogin(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "crypt") == 0)
		return cmd_crypt(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "fork") == 0)
		return cmd_fork(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "launch") == 0)
		return cmd_launch(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "session") == 0)
		return cmd_session(argc - 2, argv + 2);
	fprintf(stderr, "usage: vpload slogin|crypt|fork|launch|session ...\n"
	    "(see the comment at the top of tests/bench/vpload.c)\n");
	return 2;
}
