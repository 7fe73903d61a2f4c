/*
 * test_ossl_load.c - the OpenSSL loader (proto/ossl_load.c): before it runs,
 * the paths a daemon without TLS takes (tls_server_load with no
 * certificate, the helper's tls_key_take/tls_sign_keep/tls_server_forget)
 * call nothing of the empty table and do not load it; after it, every row
 * of ossl.def points at the very function the test binary is linked with,
 * a call through the table works, and loading again changes nothing.
 */
#define OSSL_LOAD_NO_REDIRECT	/* names below are the real functions */
#include "ossl_load.h"

#include <string.h>

#include "config.h"
#include "t.h"
#include "tls_key.h"
#include "tls_server.h"
#include "tls_sign.h"

static struct vp_config cfg;

/* Without TLS: an empty table must never be called (it would crash). */
static void
without_tls(void)
{
	char err[256] = "";

	CHECK(!ossl_loaded(), "nothing loaded at start");
	config_defaults(&cfg);
	CHECK(tls_server_load(&cfg, err, sizeof(err)) == 0,
	    "no tls-cert: the TLS setup succeeds (%s)", err);
	CHECK(!ossl_loaded(), "no tls-cert: OpenSSL is not loaded");
	CHECK(tls_server_ctx() == NULL, "and there is no context");
	tls_sign_keep(tls_key_take());
	tls_server_forget();
	CHECK(!ossl_loaded(), "the helper's key hand-over and forget call "
	    "nothing of the table");
	cfg.tls_implicit = 1;
	CHECK(tls_server_load(&cfg, err, sizeof(err)) < 0 &&
	    strstr(err, "needs tls-cert") != NULL && !ossl_loaded(),
	    "tls-implicit without a certificate: refused before any loading "
	    "(%s)", err);
}

static void
loaded(void)
{
	const struct ossl_fns before = ossl_fn;
	char err[256] = "";
	unsigned rows = 0, same = 0;

	CHECK(before.SSL_new == NULL, "the table is empty before loading");
	CHECK(ossl_load(err, sizeof(err)) == 0 && ossl_loaded(),
	    "OpenSSL loads (%s)", err);
#define OSSL_FN(lib, f)	rows++; same += ossl_fn.f == &f;
#include "ossl.def"
#undef OSSL_FN
	CHECK(rows > 0 && same == rows, "every row of ossl.def resolved to "
	    "the linked function (%u of %u)", same, rows);
	CHECK(ossl_fn.EVP_sha256() == EVP_sha256() &&
	    ossl_fn.EVP_MD_get_size(ossl_fn.EVP_sha256()) == 32,
	    "a call through the table works (SHA-256: 32 bytes)");
	CHECK(ossl_load(err, sizeof(err)) == 0 &&
	    ossl_fn.SSL_new == &SSL_new, "loading again changes nothing");
}

int
main(void)
{
	without_tls();
	loaded();
	return T_DONE("test_ossl_load");
}
