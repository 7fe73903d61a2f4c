/*
 * fe_io.c - line reading and reply writing for the frontend. A line is
 * never split (the reference's 1023-byte split let a long password run as
 * a second command): an over-long line is consumed to its LF and reported
 * once as FE_RD_TOOLONG. Writes use MSG_NOSIGNAL: a client that went away
 * ends the session through an error, not SIGPIPE.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fe_io.h"
#include "fe_tls.h"

void
fe_io_init(struct fe_io *io, int in, int out, int timeout_s)
{
	/* the buffers are only read up to ilen and olen: leaving them
	 * untouched keeps a fresh frontend from faulting in 20 KB */
	io->in = in;
	io->out = out;
	io->timeout_ms = timeout_s * 1000;
	io->failed = 0;
	io->tls = NULL;
	io->ilen = 0;
	io->olen = 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for input until the deadline; 1 readable, 0 timeout. */
static int
wait_in(struct fe_io *io, long long deadline)
{
	struct pollfd p = { .fd = io->in, .events = POLLIN };
	long long left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1;	/* let read() report the error */
	}
}

/* Fills the input buffer; 1 got bytes, 0 EOF/error, -1 timeout. */
static int
fill(struct fe_io *io, long long deadline)
{
	ssize_t n;

	if (io->tls != NULL)
		return fe_tls_fill(io, deadline);
	if (!wait_in(io, deadline))
		return -1;
	do
		n = read(io->in, io->ibuf + io->ilen, sizeof(io->ibuf) - io->ilen);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	io->ilen += (size_t)n;
	return 1;
}

static void
consume(struct fe_io *io, size_t n)
{
	memmove(io->ibuf, io->ibuf + n, io->ilen - n);
	io->ilen -= n;
}

/* The start of a line being discarded, so that the caller can tell which
 * command it began (a write_file's body must still be skipped). */
static void
keep_head(const struct fe_io *io, char *line, size_t *len)
{
	size_t n = io->ilen < FE_LINE_MAX ? io->ilen : FE_LINE_MAX;

	memcpy(line, io->ibuf, n);
	line[n] = '\0';
	*len = n;
}

enum fe_rd
fe_read_line(struct fe_io *io, char *line, size_t *len)
{
	long long deadline = now_ms() + io->timeout_ms;
	int toolong = 0, r;
	char *lf;

	for (;;) {
		lf = memchr(io->ibuf, '\n', io->ilen);
		if (lf != NULL) {
			size_t n = (size_t)(lf - io->ibuf) + 1;

			if (toolong || n > FE_LINE_MAX) {
				if (!toolong)
					keep_head(io, line, len);
				consume(io, n);
				return FE_RD_TOOLONG;
			}
			memcpy(line, io->ibuf, n);
			line[n] = '\0';
			*len = n;
			consume(io, n);
			return FE_RD_LINE;
		}
		if (io->ilen >= FE_LINE_MAX) {
			/* No LF within the limit: drop what we have and keep
			 * discarding until the line ends. */
			if (!toolong)
				keep_head(io, line, len);
			toolong = 1;
			io->ilen = 0;
		}
		if ((r = fill(io, deadline)) <= 0)
			return r < 0 ? FE_RD_TIMEOUT : FE_RD_EOF;
	}
}

int
fe_flush(struct fe_io *io)
{
	struct pollfd p = { .fd = io->out, .events = POLLOUT };
	size_t off = 0;
	ssize_t n;

	if (io->tls != NULL)
		return fe_tls_flush(io);
	while (!io->failed && off < io->olen) {
		if (poll(&p, 1, io->timeout_ms) <= 0) {
			io->failed = 1;
			break;
		}
		n = send(io->out, io->obuf + off, io->olen - off,
		    MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)	/* a pipe (inetd, tests) */
			n = write(io->out, io->obuf + off, io->olen - off);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			io->failed = 1;
			break;
		}
		off += (size_t)n;
	}
	io->olen = 0;
	return io->failed ? -1 : 0;
}

void
fe_put(struct fe_io *io, const char *s, size_t n)
{
	while (n > 0 && !io->failed) {
		size_t k = sizeof(io->obuf) - io->olen;

		if (k == 0) {
			fe_flush(io);
			continue;
		}
		if (k > n)
			k = n;
		memcpy(io->obuf + io->olen, s, k);
		io->olen += k;
		s += k;
		n -= k;
	}
}

void
fe_puts(struct fe_io *io, const char *s)
{
	fe_put(io, s, strlen(s));
}

void
fe_printf(struct fe_io *io, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fe_put(io, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}
