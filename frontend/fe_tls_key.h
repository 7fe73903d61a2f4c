/*
 * fe_tls_key.h - the frontend's stand-in for the server's private key.
 * The context the frontend inherits loses its real key (freed, OpenSSL
 * wipes it) and gets a key with the same public half whose private
 * operations are PR_SIGN requests to the privhelper, which holds the real
 * key (privhelper/tls_sign.c). RSA and EC keys are supported.
 *
 * Callers: fe_tls.c (fe_tls_configure, before the sandbox).
 */
#ifndef VP_FE_TLS_KEY_H
#define VP_FE_TLS_KEY_H

#include <openssl/types.h>

/* 0, or -1 (unsupported key type, OpenSSL failure): the caller must then
 * not offer TLS at all. */
int	fe_tls_key_proxy(SSL_CTX *, int hfd);

#endif
