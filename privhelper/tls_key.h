/*
 * tls_key.h - the text of the server's private key, kept so that no
 * process that forks a frontend ever parses it. OpenSSL's decoders leave
 * copies of what they parse in freed heap memory, and a forked frontend
 * inherits the heap; so the listener (or the per-connection process under
 * tcpserver) only reads the file into one static buffer, checks it in a
 * throwaway child process, and each frontend wipes that buffer right after
 * its fork, while the helper parses it after the fork (tls_sign.c).
 *
 * Callers: tls_server.c (read, check, commit), session.c (wipe in the
 * frontend, take in the helper).
 */
#ifndef VP_TLS_KEY_H
#define VP_TLS_KEY_H

#include <stddef.h>

#include <openssl/types.h>

/* Reads path into the pending buffer. 0, or -1 with a reason. */
int	tls_key_read(const char *path, char *err, size_t errlen);
/* In a child process: parses the pending text (RSA or EC, no
 * passphrase) and checks it against the context's certificate. */
int	tls_key_check(SSL_CTX *, char *err, size_t errlen);
/* The pending text replaces the current one; discard wipes it instead. */
void	tls_key_commit(void);
void	tls_key_discard(void);
/* Frontend, right after the fork: the current text is wiped. */
void	tls_key_wipe(void);
/* Helper, after the fork: the parsed key (NULL: none), text wiped. */
EVP_PKEY *tls_key_take(void);

#endif
