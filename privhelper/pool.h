/*
 * pool.h - the listener's pre-forked sessions (prefork = N): N idle
 * frontend/helper pairs that have done everything that does not depend on
 * the client (trees and audit sink open, socketpair, frontend forked, both
 * sandboxed) and wait for one accepted connection each (handoff.h). A
 * member serves one connection and is then a connection like any other;
 * the listener forks a replacement after the hand-off. Idle members are
 * not connections (the caps do not count them); they are retired (their
 * channels closed and SIGTERM) on SIGHUP, at shutdown, when the
 * qmail-send pidfds they inherited are stale, and after POOL_IDLE_MAX
 * seconds (they hold the configuration and TLS context of their fork).
 *
 * Callers: listen.c only.
 */
#ifndef VP_POOL_H
#define VP_POOL_H

#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "session.h"

#define POOL_IDLE_MAX	60	/* seconds an idle member may live */
#define POOL_RETRY	1	/* seconds between refills after a failure */

/* What a new member runs in the listener's child before becoming a
 * session: restore signals, close the listening sockets. */
typedef void pool_child_fn(void);

void	pool_init(session_frontend_fn *body, pool_child_fn *child_setup);
/* Retires members past POOL_IDLE_MAX, then forks members until `want`
 * are idle (cfg is the configuration they are built with). Returns the
 * seconds until it needs to run again (an expiry or a retry), at least
 * 1, or -1 when nothing is pending. */
int	pool_fill(const struct vp_config *cfg, int want);
/* Hands cfd to the oldest idle member: its pid, now a connection's, or
 * -1 when no member took it (none idle). The listener still closes cfd. */
pid_t	pool_handoff(int cfd, unsigned flags, const char *peer);
/* For a reaped child: 1 when it was an idle member (forgotten). */
int	pool_reaped(pid_t pid, int status);
/* Ends every idle member. */
void	pool_retire_all(const char *why);
/* In any child of the listener: closes the listener's ends of the
 * members' channels, which no session may hold. */
void	pool_close_ends(void);
/* Idle members (for the log). */
int	pool_idle(void);

#endif
