/*
 * qmailsend.h - telling qmail-send to reread locals and virtualdomains
 * after a domain change (STORAGE.md 4.6, Q16), without exec or ps:
 * before the helper's sandbox, /proc is scanned for processes whose
 * comm is exactly "qmail-send" and a pidfd of each is kept; a HUP then
 * goes through pidfd_send_signal, so a recycled pid can never receive
 * it. Configurable: qmail-send-hup = yes|no (config.h).
 *
 * Callers: session.c (qmailsend_prepare, once per connection, in the
 * helper before its sandbox); store_domain.c (qmailsend_hup after
 * add_domain, add_alias_domain and del_domain).
 */
#ifndef VP_QMAILSEND_H
#define VP_QMAILSEND_H

#include <stddef.h>
#include <sys/types.h>

#define QS_MAX		8	/* qmail-send processes kept */
#define QS_STATUS_MAX	96

/* Scans procdir (normally "/proc") unless enabled is 0; keeps up to
 * QS_MAX pidfds, never of the calling process. Returns how many. */
int	qmailsend_prepare(int enabled, const char *procdir);
/* SIGHUP to every kept process. 0 when each got it (or there was none
 * to send to), -1 when a send failed. Never fatal: callers audit
 * qmailsend_status(). */
int	qmailsend_hup(void);
/* What the last qmailsend_hup did, for an audit detail: "hup 1/1",
 * "hup disabled", "hup 0/1: Operation not permitted", ... ("" before
 * the first call). */
const char *qmailsend_status(void);
/* Forgets (and closes) the kept pidfds; for tests. */
void	qmailsend_reset(void);

#endif
