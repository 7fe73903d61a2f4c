/*
 * qmailsend.h - telling qmail-send to reread locals and virtualdomains
 * after a domain change (STORAGE.md 4.6, Q16), without exec or ps:
 * before the helper's sandbox, /proc is scanned for processes whose
 * comm is exactly "qmail-send" and a pidfd of each is kept; a HUP then
 * goes through pidfd_send_signal, so a recycled pid can never receive
 * it. Configurable: qmail-send-hup = yes|no (config.h).
 *
 * Under the built-in listener the scan is the listener's: once at
 * start, again on SIGHUP, when a kept process has ended, and (rate
 * limited) while none is kept; every session process inherits the
 * pidfds and adopts them instead of scanning (a /proc scan costs
 * milliseconds on a busy host, on every connection).
 *
 * Without a listener (tcpserver: a process per connection) the last
 * scan's result is kept in state-dir/qmail-send.pids, one line
 * "qs1 <time> <pid>...", written by temp + rename, mode 0600. A session
 * trusts it only when it is a regular file of its own user, reached
 * without a symlink, short and exactly in that form, and: a list of
 * pids for QS_CACHE_SECS, each pid checked (pidfd_open first, then its
 * comm, then the pidfd must still be of a live process, so a recycled
 * pid never qualifies); an empty list (no qmail-send running) for
 * QS_RESCAN_SECS. Anything else, or a pid that fails, means a full scan
 * and a new file. No state-dir, or an unwritable one: a scan per
 * session, as without the cache.
 *
 * Callers: listen.c (qmailsend_prepare at start and on SIGHUP,
 * qmailsend_refresh before each connection); session.c
 * (qmailsend_session in the helper before its sandbox,
 * qmailsend_reset in the frontend); store_domain.c (qmailsend_hup after
 * add_domain, add_alias_domain and del_domain).
 */
#ifndef VP_QMAILSEND_H
#define VP_QMAILSEND_H

#include <stddef.h>
#include <sys/types.h>

#define QS_MAX		8	/* qmail-send processes kept */
#define QS_STATUS_MAX	96
#define QS_RESCAN_SECS	10	/* while none is kept: scan at most this often */
#define QS_CACHE_FILE	"qmail-send.pids"	/* in state-dir */
#define QS_CACHE_SECS	60	/* a cached pid list's lifetime (a new one is found) */

/* Scans procdir (normally "/proc") unless enabled is 0; keeps up to
 * QS_MAX pidfds, never of the calling process nor of one that has
 * exited (a zombie). Returns how many. */
int	qmailsend_prepare(int enabled, const char *procdir);
/* Listener: scans again when the enabled setting changed, when a kept
 * process has ended (its pidfd polls readable) or, while none is kept,
 * when the last scan is QS_RESCAN_SECS old. 1 when it scanned (the set
 * may have changed: pre-forked sessions hold the old pidfds), else 0. */
int	qmailsend_refresh(int enabled, const char *procdir);
/* Session helper, before its sandbox: adopts the pidfds inherited from
 * a listener's scan when there was one, else the verified pids of
 * state_dir's cache (NULL or "": none), else scans procdir itself and
 * rewrites the cache. */
int	qmailsend_session(int enabled, const char *procdir,
	    const char *state_dir);
/* SIGHUP to every kept process. 0 when each got it (or there was none
 * to send to), -1 when a send failed. Never fatal: callers audit
 * qmailsend_status(). */
int	qmailsend_hup(void);
/* What the last qmailsend_hup did, for an audit detail: "hup 1/1",
 * "hup disabled", "hup 0/1: Operation not permitted", ... ("" before
 * the first call). */
const char *qmailsend_status(void);
/* Forgets (and closes) the kept pidfds: the frontend, tests. */
void	qmailsend_reset(void);

#endif
