/*
 * session.c - per-connection setup. Everything privileged is opened here,
 * before the fork: directory fds of the trees, the audit sink, the
 * socketpair. The child drops to the frontend sandbox; this process closes
 * the client socket and becomes the sandboxed privhelper. A pre-forked
 * session (session_member, pool.h) does the same before it has a client
 * and then waits for the listener's hand-off (handoff.h); what belongs
 * to the connection (its id, peer, start time, default domain, recovery)
 * starts at the hand-off.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "address.h"
#include "audit.h"
#include "ctx.h"
#include "fs.h"
#include "handoff.h"
#include "helper.h"
#include "log.h"
#include "qmailsend.h"
#include "recover.h"
#include "sandbox.h"
#include "session.h"
#include "fe_tls.h"
#include "tls_key.h"
#include "tls_server.h"
#include "tls_sign.h"
#include "throttle.h"
#include "util.h"

void
session_peer(int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	unsigned char tmp[sizeof(struct in6_addr)];
	const char *env = getenv("TCPREMOTEIP");

	if (env != NULL && (inet_pton(AF_INET, env, tmp) == 1 ||
	    inet_pton(AF_INET6, env, tmp) == 1)) {
		snprintf(buf, len, "%s", env);
		return;
	}
	snprintf(buf, len, "unknown");
	memset(&ss, 0, sizeof(ss));	/* getpeername fills only the family's part */
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    buf, (socklen_t)len);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    buf, (socklen_t)len);
	else if (ss.ss_family == AF_UNIX)
		snprintf(buf, len, "local");
}

/* Lower-cased like any address's domain; a name with characters no
 * domain may hold is ignored rather than looked up. */
static void
default_domain(struct ph_ctx *ctx)
{
	const char *env = getenv("VPOPMAIL_DOMAIN");
	char buf[256];
	size_t i;

	ctx->default_domain[0] = '\0';
	if (env != NULL && *env)
		vp_strlcpy(buf, env, sizeof(buf));
	else if (fs_read_small(ctx->vpop_fd, "etc/defaultdomain", buf,
	    sizeof(buf)) < 0)
		return;
	buf[strcspn(buf, "\r\n")] = '\0';
	for (i = 0; buf[i]; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	if (strlen(buf) > POL_DOMAIN_MAX || !pol_domain_chars_ok(buf))
		return;
	vp_strlcpy(ctx->default_domain, buf, sizeof(ctx->default_domain));
}

static void
open_trees(struct ph_ctx *ctx, const struct vp_config *cfg)
{
	char err[512];

	ctx->cfg = cfg;
	ctx->vpop_fd = open(cfg->vpopmail_dir, O_PATH | O_DIRECTORY |
	    O_CLOEXEC);
	if (ctx->vpop_fd < 0)
		fatal("vpopmail-dir %s", cfg->vpopmail_dir);
	ctx->qmail_fd = open(cfg->qmail_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->qmail_fd < 0)
		fatal("qmail-dir %s", cfg->qmail_dir);
	if (audit_open(ctx, err, sizeof(err)) < 0)
		fatalx("%s", err);
}

/* What belongs to the connection: its id, peer and default domain. */
static void
connection_start(struct ph_ctx *ctx, const char *peer)
{
	unsigned char id[8];
	size_t i;

	vp_strlcpy(ctx->peer, peer, sizeof(ctx->peer));
	if (getrandom(id, sizeof(id), 0) != sizeof(id))
		fatal("getrandom");
	for (i = 0; i < sizeof(id); i++)
		snprintf(ctx->conn + 2 * i, 3, "%02x", id[i]);
	default_domain(ctx);
}

/* The frontend child up to its sandbox; maxfd is the highest descriptor
 * it may hold + 1 (its RLIMIT_NOFILE). */
static void
frontend_confine(const struct vp_config *cfg, struct ph_ctx *ctx, int hfd,
    int maxfd, int implicit)
{
	struct sb_frontend_opts o;
	char err[256];

	log_set_role("frontend");
	close(ctx->vpop_fd);
	close(ctx->qmail_fd);
	if (ctx->audit_fd >= 0)
		close(ctx->audit_fd);
	if (ctx->audit_syslog)
		closelog();
	/* the qmail-send pidfds a listener's scan left in this process */
	qmailsend_reset();
	memset(&o, 0, sizeof(o));
	o.as_root = geteuid() == 0;
	o.uid = cfg->fe_uid;
	o.gid = cfg->fe_gid;
	o.empty_dir = cfg->empty_dir;
	o.max_fd = maxfd < 3 ? 3 : maxfd;
	/* For a client on a pipe, where MSG_NOSIGNAL does not apply. */
	signal(SIGPIPE, SIG_IGN);
	/* built before the fork: the sandbox opens no file; the key's
	 * text goes, the helper signs (tls_key.h) */
	tls_key_wipe();
	fe_tls_configure(tls_server_ctx(), implicit, hfd);
	if (sb_frontend(&o, err, sizeof(err)) < 0)
		fatalx("frontend sandbox: %s", err);
}

static void
run_frontend(const struct vp_config *cfg, struct ph_ctx *ctx, int in,
    int out, int hfd, session_frontend_fn *body)
{
	int maxfd = in > out ? in : out;

	frontend_confine(cfg, ctx, hfd, (hfd > maxfd ? hfd : maxfd) + 1,
	    ctx->tls == TLS_IMPLICIT);
	body(in, out, hfd, cfg);
	_exit(0);
}

/*
 * A pre-forked frontend: sandboxed first, then it takes exactly one
 * client socket from the listener's channel ctl and closes ctl, so no
 * other descriptor can reach it. Nothing above its two sockets stays
 * open, so the one it receives lands below its RLIMIT_NOFILE.
 */
static void
run_member_frontend(const struct vp_config *cfg, struct ph_ctx *ctx,
    int ctl, int hfd, session_frontend_fn *body)
{
	int top = hfd > ctl ? hfd : ctl, cfd;

	if (top < 2)
		top = 2;
	(void)close_range((unsigned)top + 1, ~0U, 0);
	frontend_confine(cfg, ctx, hfd, top + 2, 0);
	if (handoff_wait(ctl, hfd) != 1)
		_exit(0);	/* retired, or the helper is gone */
	cfd = handoff_recv_fd(ctl);
	close(ctl);
	if (cfd < 0)
		_exit(0);
	body(cfd, cfd, hfd, cfg);
	_exit(0);
}

static void
sandbox_helper(const struct vp_config *cfg)
{
	static char users[PATH_MAX + 16], control[PATH_MAX + 16];
	struct sb_helper_opts o;
	struct stat st;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.as_root = geteuid() == 0;
	snprintf(users, sizeof(users), "%s/users", cfg->qmail_dir);
	snprintf(control, sizeof(control), "%s/control", cfg->qmail_dir);
	o.rw_paths[o.npaths++] = cfg->vpopmail_dir;
	o.rw_paths[o.npaths++] = users;
	if (stat(control, &st) == 0 && S_ISDIR(st.st_mode))
		o.rw_paths[o.npaths++] = control;
	if (sb_helper(&o, err, sizeof(err)) < 0)
		fatalx("helper sandbox: %s", err);
}

/* The helper must never hold the client socket: fds in/out become
 * /dev/null so that later descriptors cannot land on 0 or 1. */
static void
drop_client(int in, int out)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		fatal("/dev/null");
	if (dup2(null, in) < 0 || dup2(null, out) < 0)
		fatal("dup2");
	if (null != in && null != out)
		close(null);
}

/* The frontend's wait status, or -1. */
static int
reap_frontend(struct ph_ctx *ctx)
{
	char detail[64];
	int status;

	if (waitpid(ctx->frontend_pid, &status, 0) < 0)
		return -1;
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
		snprintf(detail, sizeof(detail), "frontend killed by signal %d%s",
		    WTERMSIG(status), WTERMSIG(status) == SIGSYS ?
		    " (seccomp)" : "");
		audit(ctx, "frontend", "", "killed", detail);
	}
	return status;
}

/*
 * The connection log: one line per connection on stderr (the supervisor's
 * log under tcpserver and systemd, the listener's stderr in -l mode),
 * besides the audit records. Only the helper knows the principal at the
 * end, so the helper writes it. result: ok (quit, EOF or timeout),
 * violation (the helper ended a misbehaving frontend), error (the reply
 * channel failed), frontend-killed-N (signal N, e.g. 31: seccomp).
 */
static void
conn_log(const struct ph_ctx *ctx, const struct timespec *t0, int hstatus,
    int fstatus)
{
	const struct ph_identity *id = &ctx->id;
	struct timespec t1;
	char result[32];
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (long long)(t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
	if (fstatus != -1 && WIFSIGNALED(fstatus) &&
	    WTERMSIG(fstatus) != SIGKILL)
		snprintf(result, sizeof(result), "frontend-killed-%d",
		    WTERMSIG(fstatus));
	else
		snprintf(result, sizeof(result), "%s", hstatus == 0 ? "ok" :
		    hstatus == 2 ? "violation" : "error");
	log_info("connection conn=%s peer=%s principal=%s%s%s "
	    "duration=%lld.%03llds result=%s failed-logins=%u", ctx->conn,
	    ctx->peer, id->logged_in ? id->user : "-",
	    id->logged_in ? "@" : "", id->logged_in ? id->domain : "",
	    ms / 1000, ms % 1000, result, ctx->failures);
}

static struct ph_ctx ctx;

/* Everything before the fork: the trees, the audit sink, the TLS
 * context, the seccomp filters, the socketpair. */
static void
prepare(const struct vp_config *cfg, int sp[2])
{
	char err[256];

	open_trees(&ctx, cfg);
	if (tls_server_prepare(cfg, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (sb_prepare(err, sizeof(err)) < 0)
		fatalx("sandbox: %s", err);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		fatal("socketpair");
}

/* The helper after the fork, up to and including its sandbox. */
static void
helper_confine(const struct vp_config *cfg)
{
	log_set_role("helper");
	/* the key stays here; the frontend asks for its signature */
	tls_sign_keep(tls_key_take());
	tls_server_forget();
	/* the frontend never holds the shared failure counters */
	throttle_open(cfg);
	/* /proc is out of reach once sandboxed; the pidfds are not (a
	 * listener scanned already: they are inherited; else the cache in
	 * state-dir usually spares the scan) */
	qmailsend_session(cfg->qmail_send_hup, "/proc", cfg->state_dir);
	sandbox_helper(cfg);
}

static void __attribute__((noreturn))
serve(int fd, const struct timespec *t0)
{
	int status;

	/* a killed helper's half-done domain operation or stale index is
	 * put right before this session reads anything (audited) */
	(void)recover_run(&ctx);
	status = helper_run(&ctx, fd);
	close(fd);
	conn_log(&ctx, t0, status, reap_frontend(&ctx));
	exit(status);
}

void
session_serve(const struct vp_config *cfg, int in, int out, const char *peer,
    session_frontend_fn *body)
{
	struct timespec t0;
	int sp[2];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&ctx, 0, sizeof(ctx));
	prepare(cfg, sp);
	connection_start(&ctx, peer);
	ctx.tls = tls_server_implicit(cfg) ? TLS_IMPLICIT : TLS_NONE;
	switch (ctx.frontend_pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		close(sp[0]);
		run_frontend(cfg, &ctx, in, out, sp[1], body);
	}
	close(sp[1]);
	drop_client(in, out);
	helper_confine(cfg);
	serve(sp[0], &t0);
}

void
session_member(const struct vp_config *cfg, int ctl, int fe_ctl,
    session_frontend_fn *body)
{
	struct timespec t0;
	char peer[HANDOFF_PEER_MAX];
	unsigned flags;
	int sp[2];

	memset(&ctx, 0, sizeof(ctx));
	prepare(cfg, sp);
	/* members serve plain listeners; starttls stays possible */
	ctx.tls = TLS_NONE;
	switch (ctx.frontend_pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		close(sp[0]);
		close(ctl);
		run_member_frontend(cfg, &ctx, fe_ctl, sp[1], body);
	}
	close(sp[1]);
	close(fe_ctl);
	helper_confine(cfg);
	/* idle until the listener hands a connection over; retired (end
	 * of file) or a frontend gone before it: no connection, no log */
	if (handoff_wait(ctl, sp[0]) != 1 ||
	    handoff_recv_peer(ctl, &flags, peer, sizeof(peer)) < 0)
		_exit(0);
	close(ctl);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	connection_start(&ctx, peer);
	serve(sp[0], &t0);
}
