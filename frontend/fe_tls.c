/*
 * fe_tls.c - the frontend's TLS (fe_tls.h). The client descriptors are
 * switched to non-blocking when the handshake starts, so that every wait
 * is a poll() bounded by the session's timeout: a peer that stops in the
 * middle of a record cannot hold the frontend past its idle timeout.
 *
 * starttls: the helper is told first (it treats a TLS connection as
 * protected for login-plaintext), then "+OK " is written in clear, every
 * byte already read past the starttls line is thrown away (commands a
 * man in the middle pipelined behind it must not run inside the encrypted
 * session), and the handshake starts.
 */
#include "ossl_load.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "fe_tls.h"
#include "fe_tls_key.h"

static SSL_CTX	*g_ctx;
static int	 g_implicit;

void
fe_tls_configure(SSL_CTX *ctx, int implicit, int hfd)
{
	/* without the stand-in key the real one would still be here */
	if (ctx != NULL && fe_tls_key_proxy(ctx, hfd) < 0)
		ctx = NULL;
	g_ctx = ctx;
	g_implicit = implicit;
}

int
fe_tls_implicit(void)
{
	return g_implicit;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for what OpenSSL asked for: 1 ready, 0 deadline, -1 error. */
static int
wait_for(struct fe_io *io, int sslerr, long long deadline)
{
	struct pollfd p;
	long long left;
	int r;

	if (sslerr == SSL_ERROR_WANT_READ) {
		p.fd = io->in;
		p.events = POLLIN;
	} else if (sslerr == SSL_ERROR_WANT_WRITE) {
		p.fd = io->out;
		p.events = POLLOUT;
	} else
		return -1;
	for (;;) {
		if ((left = deadline - now_ms()) <= 0)
			return 0;
		r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static int
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

int
fe_tls_start(struct fe_io *io)
{
	long long deadline = now_ms() + io->timeout_ms;
	SSL *ssl;
	int r;

	if (g_ctx == NULL || io->tls != NULL)
		return -1;
	if (nonblock(io->in) < 0 || (io->out != io->in && nonblock(io->out) < 0))
		return -1;
	if ((ssl = SSL_new(g_ctx)) == NULL)
		return -1;
	if (!SSL_set_rfd(ssl, io->in) || !SSL_set_wfd(ssl, io->out))
		goto fail;
	while ((r = SSL_accept(ssl)) != 1)
		if (wait_for(io, SSL_get_error(ssl, r), deadline) <= 0)
			goto fail;
	io->tls = ssl;
	return 0;
fail:
	ERR_clear_error();
	SSL_free(ssl);
	return -1;
}

int
fe_tls_fill(struct fe_io *io, long long deadline)
{
	SSL *ssl = io->tls;
	size_t room = sizeof(io->ibuf) - io->ilen;
	int n, w;

	for (;;) {
		n = SSL_read(ssl, io->ibuf + io->ilen,
		    room > 16384 ? 16384 : (int)room);
		if (n > 0) {
			io->ilen += (size_t)n;
			return 1;
		}
		if ((w = wait_for(io, SSL_get_error(ssl, n), deadline)) <= 0) {
			ERR_clear_error();
			return w == 0 ? -1 : 0;
		}
	}
}

int
fe_tls_flush(struct fe_io *io)
{
	SSL *ssl = io->tls;
	size_t off = 0;
	int n;

	while (!io->failed && off < io->olen) {
		n = SSL_write(ssl, io->obuf + off, (int)(io->olen - off));
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (wait_for(io, SSL_get_error(ssl, n),
		    now_ms() + io->timeout_ms) <= 0) {
			ERR_clear_error();
			io->failed = 1;
		}
	}
	io->olen = 0;
	return io->failed ? -1 : 0;
}

void
fe_tls_close(struct fe_io *io)
{
	if (io->tls == NULL || io->failed)
		return;
	/* one attempt: a peer that does not read gets no second chance */
	(void)SSL_shutdown(io->tls);
	ERR_clear_error();
}

static void
tls_error(struct fe_session *s, unsigned minor, const char *text)
{
	struct vp_status st;

	vp_status_text(&st, minor, text);
	fe_status(s, &st);
}

void
fe_cmd_starttls(struct fe_session *s, struct fe_args *a)
{
	int multi;

	if (fe_arg_next(a) != NULL) {
		tls_error(s, 9012, "starttls takes no argument");
		return;
	}
	if (s->io.tls != NULL) {
		tls_error(s, 9011, "TLS already active");
		return;
	}
	if (g_ctx == NULL) {
		tls_error(s, 9010, "TLS not available");
		return;
	}
	pr_init(&s->buf, PR_TLS);
	fe_call(s);
	if (pr_type(&s->buf) != PR_R_OK || pr_get_ok(&s->buf, &multi) < 0 ||
	    multi != 0)
		fe_end(s, 1);
	fe_puts(&s->io, "+OK \r\n");
	if (fe_flush(&s->io) < 0)
		fe_end(s, 1);
	/* nothing sent before the handshake may count after it */
	explicit_bzero(s->io.ibuf, s->io.ilen);
	s->io.ilen = 0;
	if (fe_tls_start(&s->io) < 0)
		fe_end(s, 0);
}
