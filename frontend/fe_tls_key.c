/*
 * fe_tls_key.c - the stand-in key (fe_tls_key.h). OpenSSL 3 still runs
 * keys with an RSA_METHOD or EC_KEY_METHOD of their own through its legacy
 * code, which is what lets the handshake's one signature leave this
 * process: RSA-PSS arrives here already padded (RSA_NO_PADDING), PKCS#1
 * v1.5 as a DigestInfo, ECDSA as a digest. Decryption is never offered:
 * the server only does ECDHE key exchange.
 */
#include "ossl_load.h"	/* first: RSA_METHOD, EC_KEY_METHOD */

#include <string.h>

#include "fe_tls_key.h"
#include "msg.h"
#include "tls_msg.h"

static int		 g_hfd = -1;
static struct pr_buf	 buf;
static RSA_METHOD	*rsa_meth;
static EC_KEY_METHOD	*ec_meth;

/* One PR_SIGN round trip; the signature into out (at most max bytes). */
static int
ask(unsigned alg, const unsigned char *in, size_t n, unsigned char *out,
    size_t max, size_t *outlen)
{
	unsigned char sig[PR_SIGN_MAX];
	size_t len;

	pr_put_sign(&buf, alg, in, n);
	if (buf.bad || pr_send(g_hfd, &buf) < 0 || pr_recv(g_hfd, &buf) <= 0)
		return -1;
	if (pr_type(&buf) != PR_R_SIGN ||
	    pr_get_sign_reply(&buf, sig, &len) < 0 || len > max)
		return -1;
	memcpy(out, sig, len);
	*outlen = len;
	return 0;
}

static int
rsa_priv_enc(int flen, const unsigned char *from, unsigned char *to,
    RSA *rsa, int padding)
{
	size_t len;
	unsigned alg;

	if (padding == RSA_NO_PADDING)
		alg = PR_SIGN_RSA_RAW;
	else if (padding == RSA_PKCS1_PADDING)
		alg = PR_SIGN_RSA_PKCS1;
	else
		return -1;
	if (flen <= 0 || ask(alg, from, (size_t)flen, to,
	    (size_t)RSA_size(rsa), &len) < 0)
		return -1;
	return (int)len;
}

static int
rsa_priv_dec(int flen, const unsigned char *from, unsigned char *to,
    RSA *rsa, int padding)
{
	(void)flen, (void)from, (void)to, (void)rsa, (void)padding;
	return -1;
}

static int
ec_sign(int type, const unsigned char *dgst, int dlen, unsigned char *sig,
    unsigned int *siglen, const BIGNUM *kinv, const BIGNUM *r, EC_KEY *ec)
{
	size_t len;

	(void)type, (void)kinv, (void)r;
	if (dlen <= 0 || ask(PR_SIGN_ECDSA, dgst, (size_t)dlen, sig,
	    (size_t)ECDSA_size(ec), &len) < 0)
		return 0;
	*siglen = (unsigned int)len;
	return 1;
}

static ECDSA_SIG *
ec_sign_sig(const unsigned char *dgst, int dlen, const BIGNUM *kinv,
    const BIGNUM *r, EC_KEY *ec)
{
	unsigned char der[PR_SIGN_MAX];
	const unsigned char *p = der;
	unsigned int len;

	if (ECDSA_size(ec) > (int)sizeof(der) ||
	    !ec_sign(0, dgst, dlen, der, &len, kinv, r, ec))
		return NULL;
	return d2i_ECDSA_SIG(NULL, &p, len);
}

static int
methods(void)
{
	if (rsa_meth == NULL) {
		if ((rsa_meth = RSA_meth_dup(RSA_PKCS1_OpenSSL())) == NULL ||
		    !RSA_meth_set1_name(rsa_meth, "vpopmaild privsep") ||
		    !RSA_meth_set_priv_enc(rsa_meth, rsa_priv_enc) ||
		    !RSA_meth_set_priv_dec(rsa_meth, rsa_priv_dec))
			return -1;
	}
	if (ec_meth == NULL) {
		if ((ec_meth = EC_KEY_METHOD_new(EC_KEY_OpenSSL())) == NULL)
			return -1;
		EC_KEY_METHOD_set_sign(ec_meth, ec_sign, NULL, ec_sign_sig);
	}
	return 0;
}

/* The public half of pub with our RSA method. */
static EVP_PKEY *
rsa_proxy(EVP_PKEY *pub)
{
	BIGNUM *n = NULL, *e = NULL;
	EVP_PKEY *k = NULL;
	RSA *r = NULL;

	if (!EVP_PKEY_get_bn_param(pub, "n", &n) ||
	    !EVP_PKEY_get_bn_param(pub, "e", &e) ||
	    (r = RSA_new()) == NULL || !RSA_set_method(r, rsa_meth) ||
	    !RSA_set0_key(r, n, e, NULL))
		goto fail;
	n = e = NULL;
	if ((k = EVP_PKEY_new()) == NULL || !EVP_PKEY_assign_RSA(k, r))
		goto fail;
	return k;
fail:
	BN_free(n);
	BN_free(e);
	RSA_free(r);
	EVP_PKEY_free(k);
	return NULL;
}

static EVP_PKEY *
ec_proxy(EVP_PKEY *pub)
{
	EC_KEY *src = EVP_PKEY_get1_EC_KEY(pub), *e = NULL;
	EVP_PKEY *k = NULL;

	if (src == NULL || (e = EC_KEY_dup(src)) == NULL ||
	    !EC_KEY_set_method(e, ec_meth) ||
	    (k = EVP_PKEY_new()) == NULL || !EVP_PKEY_assign_EC_KEY(k, e)) {
		EC_KEY_free(e);
		EVP_PKEY_free(k);
		k = NULL;
	}
	EC_KEY_free(src);
	return k;
}

int
fe_tls_key_proxy(SSL_CTX *ctx, int hfd)
{
	X509 *x = SSL_CTX_get0_certificate(ctx);
	EVP_PKEY *pub = x != NULL ? X509_get0_pubkey(x) : NULL, *proxy = NULL;
	int ok;

	g_hfd = hfd;
	if (pub == NULL || methods() < 0)
		return -1;
	if (EVP_PKEY_is_a(pub, "RSA"))
		proxy = rsa_proxy(pub);
	else if (EVP_PKEY_is_a(pub, "EC"))
		proxy = ec_proxy(pub);
	/* the real key is freed (and wiped) by the replacement */
	ok = proxy != NULL && SSL_CTX_use_PrivateKey(ctx, proxy) == 1;
	EVP_PKEY_free(proxy);
	ERR_clear_error();
	return ok ? 0 : -1;
}
