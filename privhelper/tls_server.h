/*
 * tls_server.h - the server's TLS context (OpenSSL), built by a privileged
 * process before any fork: at the start of the listener and again on its
 * SIGHUP, or once per connection under tcpserver/inetd/systemd. Every
 * file (certificate chain, key, OpenSSL's own configuration) is read here,
 * so the sandboxed frontend that inherits the context never opens a file.
 * The context holds no private key: its text is kept by tls_key.h and
 * only the helper parses it (tls_sign.h). OpenSSL itself is loaded
 * (proto/ossl_load.h) only when a certificate is configured: a daemon
 * without TLS never maps it.
 *
 * Callers: listen.c (load at start and on SIGHUP, the /tls flag of each
 * connection), session.c (prepare, hand the context to the frontend, then
 * forget it in the helper).
 */
#ifndef VP_TLS_SERVER_H
#define VP_TLS_SERVER_H

#include <stddef.h>

#include <openssl/types.h>

#include "config.h"

/* How the connection came to be encrypted; struct ph_ctx.tls. */
enum tls_state {
	TLS_NONE = 0,
	TLS_IMPLICIT = 1,	/* a /tls listener or tls-implicit = yes */
	TLS_STARTTLS = 2	/* as the frontend reported it (starttls) */
};

/* (Re)builds the context for new connections from tls-cert and tls-key;
 * no certificate configured leaves no context (starttls then answers
 * -ERR). On failure the previous context stays in force. 0, or -1 with a
 * one-line reason in err. */
int	tls_server_load(const struct vp_config *, char *err, size_t errlen);
/* tls_server_load unless a listener already did. */
int	tls_server_prepare(const struct vp_config *, char *err,
	    size_t errlen);
/* The context for this connection, or NULL when TLS is not configured. */
SSL_CTX	*tls_server_ctx(void);
/* Set by the listener in each connection's process: its /tls flag. */
void	tls_server_set_implicit(int);
/* Whether this connection starts with a TLS handshake: the listener's
 * flag in listener mode, else the tls-implicit setting. */
int	tls_server_implicit(const struct vp_config *);
/* Frees the context and wipes the key's text (tls_key.h) in a process
 * that does not speak TLS: the helper, after forking the frontend and
 * taking its key. */
void	tls_server_forget(void);

#endif
