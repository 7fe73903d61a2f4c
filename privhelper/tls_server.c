/*
 * tls_server.c - building the server's SSL_CTX (tls_server.h). Modern
 * settings only: TLS 1.2 and 1.3, forward-secret AEAD suites for 1.2,
 * OpenSSL security level 2, no renegotiation, no compression, no session
 * tickets or cache (every connection is its own short-lived process pair,
 * so resumption would only add key material to look after).
 */
#include "ossl_load.h"

#include <stdio.h>
#include <string.h>

#include "listen.h"
#include "tls_key.h"
#include "tls_server.h"

static SSL_CTX	*cur;		/* for new connections */
static int	 loaded;	/* tls_server_load ran once */
static int	 conn_implicit = -1;	/* the listener's /tls; -1: none */

/* TLS 1.2 only; 1.3 has its own (all AEAD) list. */
#define TLS12_CIPHERS	"ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!SHA1"

static int
ssl_err(char *err, size_t errlen, const char *what, const char *path)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "unknown error");
	ERR_clear_error();
	snprintf(err, errlen, "tls: %s%s%s: %s", what, path ? " " : "",
	    path ? path : "", buf);
	return -1;
}

/* Whether some connection will need a context from the start. */
static int
tls_required(const struct vp_config *cfg)
{
	struct listen_spec l;
	int i;

	if (cfg->tls_implicit)
		return 1;
	for (i = 0; i < cfg->nlisten; i++)
		if (listen_parse_spec(cfg->listen[i], &l) == 0 &&
		    (l.flags & LISTEN_F_TLS))
			return 1;
	return 0;
}

static int
settings(SSL_CTX *c, char *err, size_t errlen)
{
	if (!SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION))
		return ssl_err(err, errlen, "minimum version", NULL);
	SSL_CTX_set_security_level(c, 2);
	SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	/* TLS 1.3 would otherwise send stateful tickets after the
	 * handshake */
	SSL_CTX_set_num_tickets(c, 0);
	SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (!SSL_CTX_set_cipher_list(c, TLS12_CIPHERS))
		return ssl_err(err, errlen, "cipher list", NULL);
	return 0;
}

static SSL_CTX *
build(const struct vp_config *cfg, char *err, size_t errlen)
{
	SSL_CTX *c;

	if ((c = SSL_CTX_new(TLS_server_method())) == NULL) {
		ssl_err(err, errlen, "SSL_CTX_new", NULL);
		return NULL;
	}
	if (settings(c, err, errlen) < 0)
		goto fail;
	if (SSL_CTX_use_certificate_chain_file(c, cfg->tls_cert) != 1) {
		ssl_err(err, errlen, "tls-cert", cfg->tls_cert);
		goto fail;
	}
	/* the context gets no key here: see tls_key.h */
	if (tls_key_read(cfg->tls_key, err, errlen) < 0 ||
	    tls_key_check(c, err, errlen) < 0)
		goto fail;
	return c;
fail:
	tls_key_discard();
	SSL_CTX_free(c);
	return NULL;
}

int
tls_server_load(const struct vp_config *cfg, char *err, size_t errlen)
{
	unsigned char seed[16];
	SSL_CTX *c = NULL;

	if ((cfg->tls_cert[0] == '\0') != (cfg->tls_key[0] == '\0')) {
		snprintf(err, errlen, "tls: tls-cert and tls-key go together");
		return -1;
	}
	if (cfg->tls_cert[0] == '\0' && tls_required(cfg)) {
		snprintf(err, errlen, "tls: a TLS listener or tls-implicit "
		    "needs tls-cert and tls-key");
		return -1;
	}
	if (cfg->tls_cert[0] != '\0') {
		/* OpenSSL mapped, its configuration and providers read, its
		 * random generator seeded, while files and /dev may still be
		 * opened; without TLS configured OpenSSL is never loaded */
		if (ossl_load(err, errlen) < 0)
			return -1;
		if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL) != 1 ||
		    RAND_bytes(seed, sizeof(seed)) != 1)
			return ssl_err(err, errlen, "initialisation", NULL);
		if ((c = build(cfg, err, errlen)) == NULL)
			return -1;
		tls_key_commit();
	} else
		tls_key_wipe();
	if (ossl_loaded())
		SSL_CTX_free(cur);
	cur = c;
	loaded = 1;
	return 0;
}

int
tls_server_prepare(const struct vp_config *cfg, char *err, size_t errlen)
{
	return loaded ? 0 : tls_server_load(cfg, err, errlen);
}

SSL_CTX *
tls_server_ctx(void)
{
	return cur;
}

void
tls_server_set_implicit(int on)
{
	conn_implicit = on != 0;
}

int
tls_server_implicit(const struct vp_config *cfg)
{
	return conn_implicit >= 0 ? conn_implicit : cfg->tls_implicit;
}

void
tls_server_forget(void)
{
	if (ossl_loaded())
		SSL_CTX_free(cur);
	cur = NULL;
	tls_key_wipe();
}
