/*
 * tls_sign.c - signing for the frontend's TLS handshake with the key only
 * the helper holds (tls_sign.h). The RSA checks keep the raw private
 * operation from being a general decryption oracle: a raw block must be a
 * PSS encoding (RFC 8017 9.1.1) with a SHA-256/384/512 hash and a salt as
 * long as the hash, as OpenSSL's TLS code writes it; a PKCS#1 v1.5 input
 * must be a SHA-256/384/512 DigestInfo.
 */
#include "ossl_load.h"	/* first: RSA_size, PKCS1_MGF1 */

#include <string.h>

#include "msg.h"
#include "reply.h"
#include "tls_msg.h"
#include "tls_sign.h"

static EVP_PKEY	*key;
static unsigned	 nsigned;
static struct pr_buf out;

void
tls_sign_keep(EVP_PKEY *k)
{
	/* without OpenSSL loaded there is no key to replace */
	if (key != NULL)
		EVP_PKEY_free(key);
	key = k;
}

int
tls_sign_permitted(const struct ph_ctx *ctx)
{
	return key != NULL && ctx->tls != 0 && !ctx->id.logged_in &&
	    nsigned < TLS_SIGN_MAX;
}

/* One of the three hashes with a salt of its own length. */
static int
pss_ok_with(const unsigned char *em, size_t emlen, int msbits,
    const EVP_MD *md)
{
	unsigned char db[PR_SIGN_MAX];
	size_t hlen = (size_t)EVP_MD_get_size(md), dblen, i;
	int ok;

	if (emlen < 2 * hlen + 2)
		return 0;
	dblen = emlen - hlen - 1;
	if (PKCS1_MGF1(db, (long)dblen, em + dblen, (long)hlen, md) < 0)
		return 0;
	for (i = 0; i < dblen; i++)
		db[i] ^= em[i];
	if (msbits != 0)
		db[0] &= (unsigned char)(0xFF >> (8 - msbits));
	for (i = 0; i < dblen - 1 && db[i] == 0; i++)
		;
	ok = db[i] == 0x01 && dblen - i - 1 == hlen;
	explicit_bzero(db, sizeof(db));
	return ok;
}

static int
pss_block_ok(const unsigned char *p, size_t n)
{
	int bits = EVP_PKEY_get_bits(key), msbits = (bits - 1) & 7;

	if (n != (size_t)EVP_PKEY_get_size(key))
		return 0;
	if (msbits == 0) {
		if (p[0] != 0)
			return 0;
		p++;
		n--;
	} else if (p[0] & (0xFF << msbits))
		return 0;
	if (n < 2 || p[n - 1] != 0xbc)
		return 0;
	return pss_ok_with(p, n, msbits, EVP_sha256()) ||
	    pss_ok_with(p, n, msbits, EVP_sha384()) ||
	    pss_ok_with(p, n, msbits, EVP_sha512());
}

static int
digestinfo_ok(const unsigned char *p, size_t n)
{
	/* DER DigestInfo prefixes of SHA-256, SHA-384, SHA-512 */
	static const unsigned char pre[3][19] = {
		{ 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
		  0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 },
		{ 0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
		  0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30 },
		{ 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
		  0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40 },
	};
	size_t i;

	for (i = 0; i < 3; i++)
		if (n == sizeof(pre[i]) + pre[i][18] &&
		    memcmp(p, pre[i], sizeof(pre[i])) == 0)
			return 1;
	return 0;
}

/* Whether the request fits the key and its rules. */
static int
request_ok(unsigned alg, const unsigned char *p, size_t n)
{
	int rsa = EVP_PKEY_is_a(key, "RSA");

	switch (alg) {
	case PR_SIGN_RSA_RAW:
		return rsa && pss_block_ok(p, n);
	case PR_SIGN_RSA_PKCS1:
		return rsa && digestinfo_ok(p, n);
	case PR_SIGN_ECDSA:
		return EVP_PKEY_is_a(key, "EC") && n >= 20 && n <= 64;
	default:
		return 0;
	}
}

static int
sign(unsigned alg, const unsigned char *p, size_t n, unsigned char *sig,
    size_t *siglen)
{
	EVP_PKEY_CTX *pc;
	int ok;

	if ((pc = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) == NULL)
		return -1;
	ok = EVP_PKEY_sign_init(pc) == 1 &&
	    (alg == PR_SIGN_ECDSA || EVP_PKEY_CTX_set_rsa_padding(pc,
	    alg == PR_SIGN_RSA_RAW ? RSA_NO_PADDING :
	    RSA_PKCS1_PADDING) == 1) &&
	    EVP_PKEY_sign(pc, sig, siglen, p, n) == 1;
	EVP_PKEY_CTX_free(pc);
	ERR_clear_error();
	return ok ? 0 : -1;
}

int
tls_sign_do(struct ph_ctx *ctx, struct pr_buf *in)
{
	unsigned char data[PR_SIGN_MAX], sig[PR_SIGN_MAX];
	size_t n, siglen = sizeof(sig);
	unsigned alg;

	nsigned++;
	if (pr_get_sign(in, &alg, data, &n) < 0 || !request_ok(alg, data, n))
		return -1;
	if (sign(alg, data, n, sig, &siglen) < 0)
		return ph_err_text(ctx, 9013, "TLS signature failed") < 0 ?
		    1 : 0;
	pr_put_sign_reply(&out, sig, siglen);
	return pr_send(ctx->fd, &out) < 0 ? 1 : 0;
}
