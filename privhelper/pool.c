/*
 * pool.c - the listener's table of idle pre-forked sessions (pool.h):
 * fork, hand off, reap, retire. A member is the listener's child that
 * runs session_member(); the listener keeps its two channel ends.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "handoff.h"
#include "log.h"
#include "pool.h"

struct member {
	pid_t		pid;	/* 0: free */
	int		hfd;	/* the listener's end of the helper's channel */
	int		ffd;	/* ... of the frontend's channel */
	time_t		born;	/* CLOCK_MONOTONIC seconds */
	unsigned long	seq;	/* fork order: the oldest is handed first */
};

static struct member	 pool[CONFIG_MAX_PREFORK];
static int		 nidle;
static unsigned long	 nextseq;
static time_t		 retry_at;	/* no fork before (after a failure) */
static session_frontend_fn *fe_body;
static pool_child_fn	*child_fn;

static time_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void
pool_init(session_frontend_fn *body, pool_child_fn *child_setup)
{
	fe_body = body;
	child_fn = child_setup;
}

static void
forget(struct member *m)
{
	close(m->hfd);
	close(m->ffd);
	memset(m, 0, sizeof(*m));
	nidle--;
}

/* Its channels closed, the member ends by itself; SIGTERM makes sure
 * one still setting up does not linger. Its exit is reaped as a
 * stranger's (pool_reaped: 0). */
static void
retire(struct member *m)
{
	kill(m->pid, SIGTERM);
	forget(m);
}

void
pool_close_ends(void)
{
	int i;

	for (i = 0; i < CONFIG_MAX_PREFORK; i++)
		if (pool[i].pid != 0) {
			close(pool[i].hfd);
			close(pool[i].ffd);
		}
}

static int
spawn(const struct vp_config *cfg, struct member *m)
{
	int h[2], f[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, h) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, f) < 0) {
		close(h[0]);
		close(h[1]);
		return -1;
	}
	if ((pid = fork()) == 0) {
		close(h[0]);
		close(f[0]);
		pool_close_ends();
		child_fn();
		session_member(cfg, h[1], f[1], fe_body);
	}
	close(h[1]);
	close(f[1]);
	if (pid < 0) {
		close(h[0]);
		close(f[0]);
		return -1;
	}
	m->pid = pid;
	m->hfd = h[0];
	m->ffd = f[0];
	m->born = now_s();
	m->seq = nextseq++;
	nidle++;
	return 0;
}

int
pool_fill(const struct vp_config *cfg, int want)
{
	time_t now = now_s(), next = -1, t;
	int i;

	for (i = 0; i < CONFIG_MAX_PREFORK; i++)
		if (pool[i].pid != 0 && now - pool[i].born >= POOL_IDLE_MAX)
			retire(&pool[i]);
	if (want > CONFIG_MAX_PREFORK)
		want = CONFIG_MAX_PREFORK;
	for (i = 0; i < CONFIG_MAX_PREFORK && nidle < want &&
	    now >= retry_at; i++) {
		if (pool[i].pid != 0)
			continue;
		if (spawn(cfg, &pool[i]) < 0) {
			log_warn("pre-forking a session");
			retry_at = now + POOL_RETRY;
		}
	}
	if (nidle < want)
		next = retry_at > now ? retry_at - now : 1;
	for (i = 0; i < CONFIG_MAX_PREFORK; i++) {
		if (pool[i].pid == 0)
			continue;
		t = pool[i].born + POOL_IDLE_MAX - now;
		if (next < 0 || t < next)
			next = t;
	}
	return next < 0 ? -1 : next < 1 ? 1 : (int)next;
}

static struct member *
oldest(void)
{
	struct member *best = NULL;
	int i;

	for (i = 0; i < CONFIG_MAX_PREFORK; i++)
		if (pool[i].pid != 0 && (best == NULL ||
		    pool[i].seq < best->seq))
			best = &pool[i];
	return best;
}

pid_t
pool_handoff(int cfd, unsigned flags, const char *peer)
{
	struct member *m;
	pid_t pid;

	while ((m = oldest()) != NULL) {
		/* the helper first: once the frontend has the client it
		 * may speak, and the helper must know the peer by then */
		if (handoff_send_peer(m->hfd, flags, peer) < 0 ||
		    handoff_send_fd(m->ffd, cfd) < 0) {
			log_warn("pre-forked session %d did not take a "
			    "connection", (int)m->pid);
			retire(m);
			continue;
		}
		pid = m->pid;
		forget(m);
		return pid;
	}
	return -1;
}

int
pool_reaped(pid_t pid, int status)
{
	int i;

	for (i = 0; i < CONFIG_MAX_PREFORK; i++)
		if (pool[i].pid == pid)
			break;
	if (i == CONFIG_MAX_PREFORK)
		return 0;
	if (WIFSIGNALED(status))
		log_warnx("idle pre-forked session %d killed by signal %d",
		    (int)pid, WTERMSIG(status));
	else
		log_warnx("idle pre-forked session %d exited with status %d",
		    (int)pid, WEXITSTATUS(status));
	forget(&pool[i]);
	/* a member that cannot start must not make the listener fork in
	 * a loop */
	retry_at = now_s() + POOL_RETRY;
	return 1;
}

void
pool_retire_all(const char *why)
{
	int i, n = nidle;

	for (i = 0; i < CONFIG_MAX_PREFORK; i++)
		if (pool[i].pid != 0)
			retire(&pool[i]);
	if (n > 0)
		log_info("retired %d idle pre-forked session%s: %s", n,
		    n == 1 ? "" : "s", why);
}

int
pool_idle(void)
{
	return nidle;
}
