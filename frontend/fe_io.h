/*
 * fe_io.h - the client connection: whole lines in (bounded, with an idle
 * timeout), buffered replies out (flushed per command, with a write
 * timeout after which the session ends).
 */
#ifndef VP_FE_IO_H
#define VP_FE_IO_H

#include <stddef.h>

#define FE_LINE_MAX	1023	/* bytes of a line, its LF included */

enum fe_rd {
	FE_RD_LINE,		/* a line, LF included (or CRLF) */
	FE_RD_TOOLONG,		/* a line over FE_LINE_MAX, discarded whole; line
				   holds its first FE_LINE_MAX bytes */
	FE_RD_EOF,
	FE_RD_TIMEOUT
};

struct fe_io {
	int	in;
	int	out;
	int	timeout_ms;
	int	failed;		/* a write failed: the session is over */
	void	*tls;		/* SSL *: bytes go through fe_tls.c */
	size_t	ilen;		/* buffered input bytes */
	size_t	olen;
	char	ibuf[4096];
	char	obuf[16384];
};

void	fe_io_init(struct fe_io *, int in, int out, int timeout_s);
/* Reads one line into line (at least FE_LINE_MAX + 1 bytes), sets *len
 * and NUL-terminates. Lines already buffered are returned first. */
enum fe_rd fe_read_line(struct fe_io *, char *line, size_t *len);
void	fe_put(struct fe_io *, const char *s, size_t n);
void	fe_puts(struct fe_io *, const char *s);
void	fe_printf(struct fe_io *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* 0, or -1 when the client could not take the bytes in time. */
int	fe_flush(struct fe_io *);

#endif
