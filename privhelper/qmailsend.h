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

/* Scans procdir (normally "/proc") unless enabled is 0; keeps up to
 * QS_MAX pidfds, never of the calling process. Returns how many. */
int	qmailsend_prepare(int enabled, const char *procdir);
/* Listener: scans again when the enabled setting changed, when a kept
 * process has ended (its pidfd polls readable) or, while none is kept,
 * when the last scan is QS_RESCAN_SECS old. 1 when it scanned (the set
 * may have changed: pre-forked sessions hold the old pidfds), else 0. */
int	qmailsend_refresh(int enabled, const char *procdir);
/* Session helper, before its sandbox: adopts the pidfds inherited from
 * a listener's scan when there was one, else scans procdir itself. */
int	qmailsend_session(int enabled, const char *procdir);
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
