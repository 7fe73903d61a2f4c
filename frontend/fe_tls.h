/*
 * fe_tls.h - TLS inside the sandboxed frontend: the handshake (implicit at
 * connect, or after `starttls`) and the record layer under fe_io. The
 * context comes ready-made from the process that forked the frontend
 * (privhelper/tls_server.c); nothing here opens a file.
 *
 * Callers: session.c (fe_tls_configure, before the sandbox), fe_session.c
 * (fe_tls_start at connect, fe_cmd_starttls, fe_tls_close), fe_io.c (the
 * record layer once io->tls is set).
 */
#ifndef VP_FE_TLS_H
#define VP_FE_TLS_H

#include <openssl/types.h>

#include "fe_io.h"
#include "fe_session.h"

/* The context (NULL: TLS not configured) and whether the connection
 * starts with a handshake. Called once, before the sandbox: the context's
 * private key is replaced by the stand-in of fe_tls_key.h, which asks the
 * helper on hfd. If that fails TLS is off (an implicit-TLS connection then
 * ends at once). */
void	fe_tls_configure(SSL_CTX *, int implicit, int hfd);
int	fe_tls_implicit(void);
/* The handshake on io's descriptors, bounded by io's timeout; on success
 * io->tls is set and every later byte goes through TLS. 0 or -1. */
int	fe_tls_start(struct fe_io *);
/* The record layer for fe_io.c: fill returns 1 (bytes added to ibuf),
 * 0 (EOF or error), -1 (timeout); flush returns 0 or -1 like fe_flush. */
int	fe_tls_fill(struct fe_io *, long long deadline_ms);
int	fe_tls_flush(struct fe_io *);
/* Sends close_notify (best effort) at the end of the session. */
void	fe_tls_close(struct fe_io *);

/* `starttls` (an extension, before login only). */
void	fe_cmd_starttls(struct fe_session *, struct fe_args *);

#endif
