/*
 * readenc.h - the data encoding of read_file (PROTOCOL.md 1.8 with the
 * re-implementation's choices): every line is sent with CRLF (one stored
 * CR before an LF is dropped), a line that is exactly "." is sent as
 * "..", a missing final newline is supplied, an empty file sends nothing.
 * NUL bytes cannot cross the wire (nor a client's line reader): they are
 * left out, the rest of their line is kept (the reference cut the 1023-
 * byte chunk at the NUL instead).
 *
 * The encoder is a byte-level state machine over a stream: the file is
 * fed in pieces of any size (no line is ever held whole, so a line of any
 * length streams), and the output is handed to a sink in chunks of at
 * most READENC_CHUNK bytes. The final "." is not part of the data: the
 * caller sends it after readenc_finish.
 *
 * Callers: cmd_file.c (read_file), tests/unit/test_readfile_enc.c.
 */
#ifndef VP_READENC_H
#define VP_READENC_H

#include <stddef.h>

#include "msg.h"

#define READENC_CHUNK	PR_DATA_MAX

/* Receives n (1..READENC_CHUNK) bytes; 0, or -1 to stop the encoding. */
typedef int readenc_sink(void *arg, const char *p, size_t n);

struct readenc {
	readenc_sink	*sink;
	void		*arg;
	int		 state;		/* RE_* in readenc.c */
	int		 failed;	/* the sink returned -1 */
	size_t		 olen;
	char		 out[READENC_CHUNK];
};

void	readenc_init(struct readenc *, readenc_sink *, void *arg);
/* Encodes n more bytes of the file. 0, or -1 once the sink failed. */
int	readenc_feed(struct readenc *, const char *p, size_t n);
/* Ends the last line if it lacked its LF and flushes. 0 or -1. */
int	readenc_finish(struct readenc *);

#endif
