/*
 * test_tls_sign.c - the helper's side of privilege-separated TLS signing
 * (privhelper/tls_sign.c, proto/tls_msg.c): when a PR_SIGN is permitted,
 * that a real PSS block, DigestInfo or ECDSA digest is signed with the
 * key (checked with the public key), and that everything else - a random
 * RSA block (the decryption-oracle attempt), a PSS block with the wrong
 * salt, a short DigestInfo, the wrong algorithm for the key, malformed hex
 * - is refused.
 */
#define OPENSSL_SUPPRESS_DEPRECATED	/* RSA_padding_add_PKCS1_PSS_mgf1 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "msg.h"
#include "ossl_load.h"
#include "t.h"
#include "tls_msg.h"
#include "tls_sign.h"

static struct ph_ctx ctx;
static struct pr_buf req, rep;
static int peer = -1;

/* tls_sign_do on one request; the reply's signature into sig. */
static int
ask(unsigned alg, const unsigned char *p, size_t n, unsigned char *sig,
    size_t *siglen)
{
	int r;

	pr_put_sign(&req, alg, p, n);
	if (pr_load(&req, req.data, req.len) < 0)
		return -2;
	(void)pr_type(&req);
	r = tls_sign_do(&ctx, &req);
	if (r != 0)
		return r;
	if (pr_recv(peer, &rep) <= 0 || pr_type(&rep) != PR_R_SIGN ||
	    pr_get_sign_reply(&rep, sig, siglen) < 0)
		return -3;
	return 0;
}

/* A raw frame (for malformed ones). */
static int
ask_raw(unsigned alg, const char *hex)
{
	pr_init(&req, PR_SIGN);
	pr_put_u8(&req, (uint8_t)alg);
	pr_put_str(&req, hex);
	if (pr_load(&req, req.data, req.len) < 0)
		return -2;
	(void)pr_type(&req);
	return tls_sign_do(&ctx, &req);
}

static void
rsa_cases(void)
{
	EVP_PKEY *pk = EVP_RSA_gen(2048);
	RSA *rsa = pk ? EVP_PKEY_get1_RSA(pk) : NULL;
	unsigned char em[256], mhash[32], sig[PR_SIGN_MAX], back[256];
	unsigned char di[19 + 32] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09,
	    0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
	    0x04, 0x20 };
	size_t siglen;

	if (!CHECK(rsa != NULL, "an RSA-2048 key"))
		return;
	CHECK(!tls_sign_permitted(&ctx), "no key kept: PR_SIGN refused");
	EVP_PKEY_up_ref(pk);
	tls_sign_keep(pk);
	CHECK(!tls_sign_permitted(&ctx), "plaintext connection: refused");
	ctx.tls = 1;
	CHECK(tls_sign_permitted(&ctx), "TLS, before login: permitted");
	ctx.id.logged_in = 1;
	CHECK(!tls_sign_permitted(&ctx), "after login: refused");
	ctx.id.logged_in = 0;

	RAND_bytes(mhash, sizeof(mhash));
	CHECK(RSA_padding_add_PKCS1_PSS_mgf1(rsa, em, mhash, EVP_sha256(),
	    EVP_sha256(), -1) == 1, "a PSS block as TLS makes it");
	siglen = sizeof(sig);
	CHECK(ask(PR_SIGN_RSA_RAW, em, sizeof(em), sig, &siglen) == 0 &&
	    siglen == 256 && RSA_public_decrypt(256, sig, back, rsa,
	    RSA_NO_PADDING) == 256 && memcmp(back, em, 256) == 0,
	    "the PSS block is signed with the key");
	CHECK(tls_sign_permitted(&ctx), "one signature used: a second is "
	    "still permitted");
	RAND_bytes(em, sizeof(em));
	em[0] = 0x3f;
	CHECK(ask(PR_SIGN_RSA_RAW, em, sizeof(em), sig, &siglen) == -1,
	    "a random block (decryption oracle attempt) is refused");
	CHECK(RSA_padding_add_PKCS1_PSS_mgf1(rsa, em, mhash, EVP_sha256(),
	    EVP_sha256(), 0) == 1 &&
	    ask(PR_SIGN_RSA_RAW, em, sizeof(em), sig, &siglen) == -1,
	    "a PSS block with an empty salt is refused");
	CHECK(ask(PR_SIGN_RSA_RAW, em, 128, sig, &siglen) == -1,
	    "a block shorter than the modulus is refused");
	RAND_bytes(di + 19, 32);
	siglen = sizeof(sig);
	CHECK(ask(PR_SIGN_RSA_PKCS1, di, sizeof(di), sig, &siglen) == 0 &&
	    RSA_public_decrypt((int)siglen, sig, back, rsa,
	    RSA_PKCS1_PADDING) == (int)sizeof(di) &&
	    memcmp(back, di, sizeof(di)) == 0,
	    "a SHA-256 DigestInfo is signed PKCS#1 v1.5");
	CHECK(ask(PR_SIGN_RSA_PKCS1, di, sizeof(di) - 1, sig, &siglen) == -1,
	    "a truncated DigestInfo is refused");
	CHECK(ask(PR_SIGN_RSA_PKCS1, mhash, sizeof(mhash), sig, &siglen) ==
	    -1, "a bare hash (no DigestInfo) is refused");
	CHECK(ask(PR_SIGN_ECDSA, mhash, sizeof(mhash), sig, &siglen) == -1,
	    "ECDSA with an RSA key is refused");
	CHECK(ask_raw(PR_SIGN_ECDSA, "0A0B") == -1, "upper-case hex is refused");
	CHECK(ask_raw(PR_SIGN_ECDSA, "0a0") == -1, "odd-length hex is refused");
	CHECK(ask_raw(PR_SIGN_ECDSA, "") == -1, "an empty field is refused");
	CHECK(ask_raw(PR_SIGN_ALG_COUNT, "00") == -1,
	    "an unknown algorithm is refused");
	CHECK(!tls_sign_permitted(&ctx), "after them, no further PR_SIGN "
	    "is permitted on this connection (at most %d)", TLS_SIGN_MAX);
	RSA_free(rsa);
	EVP_PKEY_free(pk);
}

static void
ec_cases(void)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	unsigned char dg[32], sig[PR_SIGN_MAX];
	size_t siglen = sizeof(sig);
	EVP_PKEY_CTX *v;

	if (!CHECK(pk != NULL, "a P-256 key"))
		return;
	EVP_PKEY_up_ref(pk);
	tls_sign_keep(pk);
	RAND_bytes(dg, sizeof(dg));
	CHECK(ask(PR_SIGN_ECDSA, dg, sizeof(dg), sig, &siglen) == 0,
	    "an ECDSA digest is signed");
	v = EVP_PKEY_CTX_new(pk, NULL);
	CHECK(v != NULL && EVP_PKEY_verify_init(v) == 1 &&
	    EVP_PKEY_verify(v, sig, siglen, dg, sizeof(dg)) == 1,
	    "and the signature verifies with the public key");
	EVP_PKEY_CTX_free(v);
	CHECK(ask(PR_SIGN_ECDSA, dg, 10, sig, &siglen) == -1,
	    "a 10-byte digest is refused");
	CHECK(ask(PR_SIGN_RSA_RAW, dg, sizeof(dg), sig, &siglen) == -1,
	    "an RSA request with an EC key is refused");
	EVP_PKEY_free(pk);
}

int
main(void)
{
	char err[256];
	int sp[2];

	/* the code under test calls OpenSSL through the loader's table */
	if (ossl_load(err, sizeof(err)) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0)
		return 1;
	ctx.fd = sp[0];
	ctx.audit_fd = -1;
	peer = sp[1];
	rsa_cases();
	ec_cases();
	return T_DONE("test_tls_sign");
}
