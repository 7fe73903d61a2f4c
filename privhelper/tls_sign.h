/*
 * tls_sign.h - the server key stays in the privhelper (relayd-style): the
 * frontend's TLS handshake asks for its one signature with PR_SIGN.
 * Permitted only before login, on a connection that is TLS, at most
 * TLS_SIGN_MAX times per connection; an RSA request must be a well-formed
 * PSS block or a PKCS#1 v1.5 DigestInfo, so the helper is no RSA
 * decryption oracle. Nothing is audited (a handshake is no mutation), but a
 * request beyond the count or malformed is a protocol violation.
 *
 * Callers: session.c (tls_sign_keep after the fork), helper.c.
 */
#ifndef VP_TLS_SIGN_H
#define VP_TLS_SIGN_H

#include <openssl/types.h>

#include "codec.h"
#include "ctx.h"

#define TLS_SIGN_MAX	2	/* signatures per connection */

/* The session's private key (tls_key_take), owned from now on. */
void	tls_sign_keep(EVP_PKEY *);
int	tls_sign_permitted(const struct ph_ctx *);
/* Answers one PR_SIGN in `in` on ctx->fd: 0 answered, 1 the frontend is
 * gone, -1 a malformed or refused request (the caller's violation). */
int	tls_sign_do(struct ph_ctx *, struct pr_buf *in);

#endif
