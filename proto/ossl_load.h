/*
 * ossl_load.h - OpenSSL only when TLS is configured. The daemon is not
 * linked with libssl/libcrypto: ossl_load() dlopen()s them (by the soname
 * of the headers it was built with) and fills a table of typed pointers,
 * one per row of ossl.def. A daemon without TLS never maps OpenSSL, which
 * keeps an idle session's processes small (docs/PERFORMANCE.md). Loading
 * maps executable pages, so it happens before any fork or sandbox: the
 * forked frontend and helper inherit the mappings (the frontend's seccomp
 * forbids PROT_EXEC later).
 *
 * The TLS sources include this header FIRST (before any OpenSSL header):
 * it includes the OpenSSL headers they need and then redirects each
 * function name to its table entry, so their code reads as plain OpenSSL
 * (macros such as SSL_CTX_set_mode expand to a redirected SSL_CTX_ctrl).
 * No other file includes it: headers use <openssl/types.h> for the types.
 *
 * Callers: privhelper/tls_server.c (ossl_load when TLS is configured),
 * every file that calls OpenSSL (frontend/fe_tls*.c, privhelper/tls_*.c);
 * ossl_loaded() guards the paths reached without TLS.
 */
#ifndef VP_OSSL_LOAD_H
#define VP_OSSL_LOAD_H

#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED	/* RSA_METHOD, EC_KEY_METHOD, ... */
#endif

#include <stddef.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

struct ossl_fns {
#define OSSL_FN(lib, name)	__typeof__(name) *name;
#include "ossl.def"
#undef OSSL_FN
};

extern struct ossl_fns ossl_fn;

/* Maps libcrypto and libssl and resolves every function; once loaded,
 * later calls return 0 at once. 0, or -1 with a one-line reason in err
 * (nothing of the table is then usable). */
int	ossl_load(char *err, size_t errlen);
/* Whether ossl_load succeeded in this process (or the one it forked
 * from). */
int	ossl_loaded(void);

/* From here on every OpenSSL call goes through the table (ossl_load.c
 * alone names the table's members). */
#ifndef OSSL_LOAD_NO_REDIRECT
#define OPENSSL_init_ssl	(ossl_fn.OPENSSL_init_ssl)
#define SSL_CTX_check_private_key	(ossl_fn.SSL_CTX_check_private_key)
#define SSL_CTX_ctrl	(ossl_fn.SSL_CTX_ctrl)
#define SSL_CTX_free	(ossl_fn.SSL_CTX_free)
#define SSL_CTX_get0_certificate	(ossl_fn.SSL_CTX_get0_certificate)
#define SSL_CTX_new	(ossl_fn.SSL_CTX_new)
#define SSL_CTX_set_cipher_list	(ossl_fn.SSL_CTX_set_cipher_list)
#define SSL_CTX_set_num_tickets	(ossl_fn.SSL_CTX_set_num_tickets)
#define SSL_CTX_set_options	(ossl_fn.SSL_CTX_set_options)
#define SSL_CTX_set_security_level	(ossl_fn.SSL_CTX_set_security_level)
#define SSL_CTX_use_PrivateKey	(ossl_fn.SSL_CTX_use_PrivateKey)
#define SSL_CTX_use_certificate_chain_file	(ossl_fn.SSL_CTX_use_certificate_chain_file)
#define SSL_accept	(ossl_fn.SSL_accept)
#define SSL_free	(ossl_fn.SSL_free)
#define SSL_get_error	(ossl_fn.SSL_get_error)
#define SSL_new	(ossl_fn.SSL_new)
#define SSL_read	(ossl_fn.SSL_read)
#define SSL_set_rfd	(ossl_fn.SSL_set_rfd)
#define SSL_set_wfd	(ossl_fn.SSL_set_wfd)
#define SSL_shutdown	(ossl_fn.SSL_shutdown)
#define SSL_write	(ossl_fn.SSL_write)
#define TLS_server_method	(ossl_fn.TLS_server_method)
#define BIO_free	(ossl_fn.BIO_free)
#define BIO_new_mem_buf	(ossl_fn.BIO_new_mem_buf)
#define BN_free	(ossl_fn.BN_free)
#define ECDSA_size	(ossl_fn.ECDSA_size)
#define EC_KEY_METHOD_new	(ossl_fn.EC_KEY_METHOD_new)
#define EC_KEY_METHOD_set_sign	(ossl_fn.EC_KEY_METHOD_set_sign)
#define EC_KEY_OpenSSL	(ossl_fn.EC_KEY_OpenSSL)
#define EC_KEY_dup	(ossl_fn.EC_KEY_dup)
#define EC_KEY_free	(ossl_fn.EC_KEY_free)
#define EC_KEY_set_method	(ossl_fn.EC_KEY_set_method)
#define ERR_clear_error	(ossl_fn.ERR_clear_error)
#define ERR_error_string_n	(ossl_fn.ERR_error_string_n)
#define ERR_get_error	(ossl_fn.ERR_get_error)
#define EVP_MD_get_size	(ossl_fn.EVP_MD_get_size)
#define EVP_PKEY_CTX_free	(ossl_fn.EVP_PKEY_CTX_free)
#define EVP_PKEY_CTX_new_from_pkey	(ossl_fn.EVP_PKEY_CTX_new_from_pkey)
#define EVP_PKEY_CTX_set_rsa_padding	(ossl_fn.EVP_PKEY_CTX_set_rsa_padding)
#define EVP_PKEY_assign	(ossl_fn.EVP_PKEY_assign)
#define EVP_PKEY_free	(ossl_fn.EVP_PKEY_free)
#define EVP_PKEY_get1_EC_KEY	(ossl_fn.EVP_PKEY_get1_EC_KEY)
#define EVP_PKEY_get_bits	(ossl_fn.EVP_PKEY_get_bits)
#define EVP_PKEY_get_bn_param	(ossl_fn.EVP_PKEY_get_bn_param)
#define EVP_PKEY_get_size	(ossl_fn.EVP_PKEY_get_size)
#define EVP_PKEY_is_a	(ossl_fn.EVP_PKEY_is_a)
#define EVP_PKEY_new	(ossl_fn.EVP_PKEY_new)
#define EVP_PKEY_sign	(ossl_fn.EVP_PKEY_sign)
#define EVP_PKEY_sign_init	(ossl_fn.EVP_PKEY_sign_init)
#define EVP_sha256	(ossl_fn.EVP_sha256)
#define EVP_sha384	(ossl_fn.EVP_sha384)
#define EVP_sha512	(ossl_fn.EVP_sha512)
#define PEM_read_bio_PrivateKey	(ossl_fn.PEM_read_bio_PrivateKey)
#define PKCS1_MGF1	(ossl_fn.PKCS1_MGF1)
#define RAND_bytes	(ossl_fn.RAND_bytes)
#define RSA_PKCS1_OpenSSL	(ossl_fn.RSA_PKCS1_OpenSSL)
#define RSA_free	(ossl_fn.RSA_free)
#define RSA_meth_dup	(ossl_fn.RSA_meth_dup)
#define RSA_meth_set1_name	(ossl_fn.RSA_meth_set1_name)
#define RSA_meth_set_priv_dec	(ossl_fn.RSA_meth_set_priv_dec)
#define RSA_meth_set_priv_enc	(ossl_fn.RSA_meth_set_priv_enc)
#define RSA_new	(ossl_fn.RSA_new)
#define RSA_set0_key	(ossl_fn.RSA_set0_key)
#define RSA_set_method	(ossl_fn.RSA_set_method)
#define RSA_size	(ossl_fn.RSA_size)
#define X509_get0_pubkey	(ossl_fn.X509_get0_pubkey)
#define d2i_ECDSA_SIG	(ossl_fn.d2i_ECDSA_SIG)
#endif

#endif
