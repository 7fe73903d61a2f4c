/*
 * listen.c - the built-in listener. One process owns the listening
 * sockets; it accepts, enforces max-connections and max-per-source, and
 * hands each connection to an idle pre-forked session (pool.h, prefork =
 * N; not for /tls listeners), or else forks one child per connection
 * which runs session_serve (the child is that connection's privhelper and
 * forks its frontend). The listener never reads a client byte. Signals are blocked except inside ppoll(), so a
 * SIGCHLD/SIGHUP/SIGTERM is handled between accepts, never in the middle
 * of one:
 *   SIGCHLD  reap and uncount finished sessions (and idle members)
 *   SIGHUP   build a new configuration for new connections (listen_reload_fn);
 *            an invalid one is logged and the old one kept; idle
 *            pre-forked sessions are retired and forked again
 *   SIGTERM, SIGINT  drain (see listen.h) and exit 0
 * Over a cap the connection gets one "-ERR" line and is closed at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "pool.h"
#include "qmailsend.h"
#include "sandbox.h"
#include "tls_server.h"

#define REFUSE_TOTAL	"-ERR 0.9001 Too many connections, try later\r\n"
#define REFUSE_SOURCE	"-ERR 0.9002 Too many connections from your " \
			"address, try later\r\n"

struct listener {
	int		fd;
	unsigned	flags;		/* struct listen_spec.flags */
};

struct slot {
	pid_t		pid;		/* 0: free */
	unsigned char	key[17];	/* listen_source_key */
	char		peer[64];
};

/* Listener flags by name. */
static const struct {
	const char	*name;
	unsigned	 bit;
} flag_names[] = {
	{ "tls", LISTEN_F_TLS },
	{ NULL, 0 },
};

static struct vp_config	 cur;		/* for new connections */
static struct listener	 ls[CONFIG_MAX_LISTEN];
static int		 nls;
static struct slot	 slots[CONFIG_MAX_CONNECTIONS];
static int		 nconn;
static sigset_t		 waitmask;	/* the mask inside ppoll */
static volatile sig_atomic_t got_term, got_hup, got_chld;
static session_frontend_fn *cur_body;
static listen_reload_fn	*reload_fn;

static int
parse_flags(char *list, unsigned *flags)
{
	char *w, *save = NULL;
	size_t i;

	for (w = strtok_r(list, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		for (i = 0; flag_names[i].name != NULL; i++)
			if (strcmp(w, flag_names[i].name) == 0)
				break;
		if (flag_names[i].name == NULL)
			return -1;
		*flags |= flag_names[i].bit;
	}
	return 0;
}

static int
parse_port(const char *s, unsigned long *port)
{
	char *end;

	/* strtoul would also take " 89" and "+89" */
	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	*port = strtoul(s, &end, 10);
	return errno || *end || *port == 0 || *port > 65535 ? -1 : 0;
}

int
listen_parse_spec(const char *spec, struct listen_spec *l)
{
	char host[128], *colon, *slash, *br;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&l->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&l->ss;
	unsigned long port;

	if (strlen(spec) >= sizeof(host))
		return -1;
	memcpy(host, spec, strlen(spec) + 1);
	memset(l, 0, sizeof(*l));
	/* a flag list follows the port, after the last ']' of an IPv6 */
	br = strrchr(host, ']');
	if ((slash = strchr(br ? br : host, '/')) != NULL) {
		*slash = '\0';
		if (slash[1] == '\0' || parse_flags(slash + 1, &l->flags) < 0)
			return -1;
	}
	if ((colon = strrchr(host, ':')) == NULL)
		return -1;
	*colon = '\0';
	if (parse_port(colon + 1, &port) < 0)
		return -1;
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		l->sl = sizeof(*s6);
		return 0;
	}
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -1;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	l->sl = sizeof(*s4);
	return 0;
}

int
listen_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *sl)
{
	struct listen_spec l;

	if (listen_parse_spec(spec, &l) < 0)
		return -1;
	*ss = l.ss;
	*sl = l.sl;
	return 0;
}

void
listen_source_key(const struct sockaddr_storage *ss, unsigned char key[17])
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

	memset(key, 0, 17);
	if (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		key[0] = 4;
		memcpy(key + 1, s6->sin6_addr.s6_addr + 12, 4);
	} else if (ss->ss_family == AF_INET6) {
		key[0] = 6;
		memcpy(key + 1, s6->sin6_addr.s6_addr, 8);	/* the /64 */
	} else if (ss->ss_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &s4->sin_addr, 4);
	}
}

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static const int handled[] = { SIGCHLD, SIGHUP, SIGTERM, SIGINT };

/* Blocked outside ppoll; waitmask is the mask of the start. */
static void
signals_catch(void)
{
	struct sigaction sa;
	sigset_t block;
	size_t i;

	sigemptyset(&block);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++) {
		sigaddset(&block, handled[i]);
		if (sigaction(handled[i], &sa, NULL) < 0)
			fatal("sigaction");
	}
	if (sigprocmask(SIG_BLOCK, &block, &waitmask) < 0)
		fatal("sigprocmask");
	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
		sigdelset(&waitmask, handled[i]);
}

/* A session starts with the dispositions and mask the daemon started
 * with, as under tcpserver. */
static void
signals_default(void)
{
	size_t i;

	for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
		signal(handled[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, &waitmask, NULL);
}

/* A child of the listener holds nothing of it: no listening socket, no
 * channel of a pre-forked session. */
static void
child_setup(void)
{
	int i;

	signals_default();
	for (i = 0; i < nls; i++)
		close(ls[i].fd);
	pool_close_ends();
}

/* Pre-forked sessions serve plain listeners only (pool.h). */
static int
pool_want(void)
{
	int i;

	for (i = 0; i < nls; i++)
		if (!(ls[i].flags & LISTEN_F_TLS))
			return cur.prefork;
	return 0;
}

static void
bind_one(const char *spec, struct listener *l)
{
	struct listen_spec s;
	int fd, one = 1;

	if (listen_parse_spec(spec, &s) < 0)
		fatalx("listen %s: expected ADDR:PORT or [ADDR6]:PORT", spec);
	if ((fd = socket(s.ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) < 0)
		fatal("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s.ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&s.ss, s.sl) < 0)
		fatal("bind %s", spec);
	if (listen(fd, 128) < 0)
		fatal("listen %s", spec);
	l->fd = fd;
	l->flags = s.flags;
}

static void
peer_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (inet_ntop(ss->ss_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "unknown");
}

static void
reap(void)
{
	pid_t pid;
	int st, i;

	got_chld = 0;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < CONFIG_MAX_CONNECTIONS; i++)
			if (slots[i].pid == pid)
				break;
		if (i == CONFIG_MAX_CONNECTIONS) {
			(void)pool_reaped(pid, st);
			continue;
		}
		/* the helper logs its own end; a killed one cannot */
		if (WIFSIGNALED(st))
			log_warnx("connection peer=%s: session process killed "
			    "by signal %d", slots[i].peer, WTERMSIG(st));
		slots[i].pid = 0;
		nconn--;
	}
}

/* Which cap, if any, a new connection from key would exceed. */
static const char *
over_cap(const unsigned char key[17])
{
	int i, same = 0;

	if (nconn >= cur.max_connections)
		return REFUSE_TOTAL;
	for (i = 0; i < CONFIG_MAX_CONNECTIONS; i++)
		if (slots[i].pid != 0 && memcmp(slots[i].key, key, 17) == 0)
			same++;
	return same >= cur.max_per_source ? REFUSE_SOURCE : NULL;
}

/* The listener's /tls reaches session_serve through tls_server.h. */
static void
serve_child(int cfd, unsigned flags)
{
	char peer[64];

	child_setup();
	tls_server_set_implicit((flags & LISTEN_F_TLS) != 0);
	session_peer(cfd, peer, sizeof(peer));
	session_serve(&cur, cfd, cfd, peer, cur_body);
}

static void
accept_one(const struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	unsigned char key[17];
	const char *refuse;
	char peer[64];
	pid_t pid;
	int cfd, i;

	/* accept4 fills only the family's part (nothing for AF_UNIX) */
	memset(&ss, 0, sizeof(ss));
	if ((cfd = accept4(l->fd, (struct sockaddr *)&ss, &sl,
	    SOCK_CLOEXEC)) < 0)
		return;
	listen_source_key(&ss, key);
	peer_text(&ss, peer, sizeof(peer));
	if ((refuse = over_cap(key)) != NULL) {
		/* a fresh socket's send buffer always holds one line */
		(void)send(cfd, refuse, strlen(refuse),
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		close(cfd);
		log_warnx("connection peer=%s refused: %s (%d open)", peer,
		    strcmp(refuse, REFUSE_TOTAL) == 0 ? "max-connections" :
		    "max-per-source", nconn);
		return;
	}
	/* over_cap keeps nconn below CONFIG_MAX_CONNECTIONS, so a slot is
	 * free; the bound is checked anyway rather than trusted */
	for (i = 0; i < CONFIG_MAX_CONNECTIONS && slots[i].pid != 0; i++)
		;
	if (i == CONFIG_MAX_CONNECTIONS) {
		log_warnx("connection peer=%s refused: no free slot", peer);
		close(cfd);
		return;
	}
	/* the scan is here, once, not in every session (qmailsend.h); the
	 * idle members hold the pidfds of the last one */
	if (qmailsend_refresh(cur.qmail_send_hup, "/proc"))
		pool_retire_all("the qmail-send processes changed");
	if (!(l->flags & LISTEN_F_TLS) &&
	    (pid = pool_handoff(cfd, l->flags, peer)) > 0)
		goto counted;
	if ((pid = fork()) < 0) {
		log_warn("fork");
		close(cfd);
		return;
	}
	if (pid == 0)
		serve_child(cfd, l->flags);
counted:
	close(cfd);
	slots[i].pid = pid;
	memcpy(slots[i].key, key, sizeof(slots[i].key));
	memcpy(slots[i].peer, peer, sizeof(slots[i].peer));
	nconn++;
}

static int
same_listen(const struct vp_config *a, const struct vp_config *b)
{
	int i;

	if (a->nlisten != b->nlisten)
		return 0;
	for (i = 0; i < a->nlisten; i++)
		if (strcmp(a->listen[i], b->listen[i]) != 0)
			return 0;
	return 1;
}

static void
reload(void)
{
	static struct vp_config next;
	char err[1024];

	got_hup = 0;
	if (reload_fn(&next, err, sizeof(err)) < 0) {
		log_warnx("SIGHUP: configuration not reloaded, the old one "
		    "stays in force: %s", err);
		return;
	}
	/* the sockets were bound with privileges the listener gave up */
	if (!same_listen(&cur, &next)) {
		log_warnx("SIGHUP: listen addresses change only on restart; "
		    "keeping the bound ones");
		memcpy(next.listen, cur.listen, sizeof(next.listen));
		next.nlisten = cur.nlisten;
	}
	/* a certificate that does not load keeps the old configuration */
	if (tls_server_load(&next, err, sizeof(err)) < 0) {
		log_warnx("SIGHUP: configuration not reloaded, the old one "
		    "stays in force: %s", err);
		return;
	}
	cur = next;
	/* qmail-send may have been restarted: find it again */
	qmailsend_prepare(cur.qmail_send_hup, "/proc");
	pool_retire_all("SIGHUP");
	log_info("SIGHUP: configuration reloaded for new connections");
}

static void
wait_sessions(time_t deadline)
{
	struct timespec ts;
	time_t now;

	while (nconn > 0 && (now = time(NULL)) < deadline) {
		ts.tv_sec = deadline - now;
		ts.tv_nsec = 0;
		(void)ppoll(NULL, 0, &ts, &waitmask);
		reap();
	}
}

static void
signal_sessions(int sig)
{
	int i;

	for (i = 0; i < CONFIG_MAX_CONNECTIONS; i++)
		if (slots[i].pid != 0)
			kill(slots[i].pid, sig);
}

/* Sessions in flight may finish for as long as one idle timeout; after
 * it, those still running are ended (their writes are crash-safe). */
static void __attribute__((noreturn))
drain(void)
{
	int i;

	for (i = 0; i < nls; i++)
		close(ls[i].fd);
	pool_retire_all("shutting down");
	reap();
	log_info("shutting down: no longer accepting, %d session%s in "
	    "flight, waiting at most %d s", nconn, nconn == 1 ? "" : "s",
	    cur.timeout);
	wait_sessions(time(NULL) + cur.timeout);
	if (nconn > 0) {
		log_warnx("ending %d session%s still running", nconn,
		    nconn == 1 ? "" : "s");
		signal_sessions(SIGTERM);
		wait_sessions(time(NULL) + 2);
		signal_sessions(SIGKILL);
		wait_sessions(time(NULL) + 2);
	}
	log_info("exiting");
	exit(0);
}

/* The paths of the configuration at start: the listener's Landlock
 * rules (sandbox.h); a SIGHUP cannot widen them. */
static int
listener_fs(const struct vp_config *c, char *err, size_t errlen)
{
	struct sb_listener_fs o;

	memset(&o, 0, sizeof(o));
	o.config_file = c->file;
	o.vpopmail_dir = c->vpopmail_dir;
	o.qmail_dir = c->qmail_dir;
	o.state_dir = c->state_dir;
	o.audit_log = c->audit_log[0] == '/' ? c->audit_log : NULL;
	o.tls_cert = c->tls_cert;
	o.tls_key = c->tls_key;
	o.empty_dir = c->empty_dir;
	return sb_listener_fs(&o, err, errlen);
}

void
listen_run(const struct vp_config *cfg, listen_reload_fn *rfn,
    session_frontend_fn *body)
{
	struct pollfd pfd[CONFIG_MAX_LISTEN];
	struct timespec ts;
	char err[256];
	int i, wait_s;

	cur = *cfg;
	reload_fn = rfn;
	cur_body = body;
	/* The listener never reads TCPREMOTEIP: peers come from accept. */
	unsetenv("TCPREMOTEIP");
	for (i = 0; i < cur.nlisten; i++) {
		bind_one(cur.listen[i], &ls[i]);
		pfd[i].fd = ls[i].fd;
		pfd[i].events = POLLIN;
	}
	nls = cur.nlisten;
	if (tls_server_load(&cur, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (sb_listener(err, sizeof(err)) < 0 || listener_fs(&cur, err,
	    sizeof(err)) < 0)
		fatalx("listener sandbox: %s", err);
	qmailsend_prepare(cur.qmail_send_hup, "/proc");
	signals_catch();
	pool_init(body, child_setup);
	log_info("listening on %d address%s, at most %d connections, %d per "
	    "source, %d pre-forked", nls, nls == 1 ? "" : "es",
	    cur.max_connections, cur.max_per_source, pool_want());
	for (;;) {
		if (got_chld)
			reap();
		if (got_hup)
			reload();
		if (got_term)
			drain();
		/* refilled here, after the accepts: off the clients' path */
		wait_s = pool_fill(&cur, pool_want());
		ts.tv_sec = wait_s;
		ts.tv_nsec = 0;
		if (ppoll(pfd, (nfds_t)nls, wait_s < 0 ? NULL : &ts,
		    &waitmask) <= 0)
			continue;
		for (i = 0; i < nls; i++)
			if (pfd[i].revents & POLLIN)
				accept_one(&ls[i]);
	}
}
