/*
 * tls_msg.h - the two messages of privilege-separated TLS signing: the
 * frontend's TLS handshake needs one signature with the server key, which
 * only the privhelper holds (privhelper/tls_sign.c). Binary fields travel
 * as lower-case hex strings, so the codec's no-NUL strings carry them.
 *
 * Callers: frontend/fe_tls_key.c (put request, get reply),
 * privhelper/tls_sign.c (get request, put reply).
 */
#ifndef VP_TLS_MSG_H
#define VP_TLS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"

#define PR_SIGN_MAX	1024	/* bytes: an RSA-8192 block */

enum pr_sign_alg {
	PR_SIGN_RSA_RAW = 0,	/* RSA private operation on a padded block
				 * (TLS 1.3 / 1.2 RSA-PSS, padded by the
				 * frontend's OpenSSL) */
	PR_SIGN_RSA_PKCS1 = 1,	/* PKCS#1 v1.5 over a DigestInfo */
	PR_SIGN_ECDSA = 2,	/* ECDSA over a digest; DER signature */
	PR_SIGN_ALG_COUNT
};

/* PR_SIGN: u8 alg, str hex data. */
void	pr_put_sign(struct pr_buf *, unsigned alg, const unsigned char *,
	    size_t);
int	pr_get_sign(struct pr_buf *, unsigned *alg, unsigned char *,
	    size_t *len);
/* PR_R_SIGN: str hex signature. */
void	pr_put_sign_reply(struct pr_buf *, const unsigned char *, size_t);
int	pr_get_sign_reply(struct pr_buf *, unsigned char *, size_t *len);

#endif
