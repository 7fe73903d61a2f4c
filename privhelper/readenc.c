/*
 * readenc.c - read_file's data encoding (readenc.h). States say what was
 * seen of the current line and not yet sent: a line-initial "." may turn
 * out to be a lone-dot line, a CR may turn out to end the line.
 */
#include <string.h>

#include "readenc.h"

enum {
	RE_START,	/* at the start of a line, nothing pending */
	RE_MID,		/* inside a line, nothing pending */
	RE_CR,		/* inside a line, a CR pending */
	RE_DOT,		/* the line so far is ".", pending */
	RE_DOT_CR	/* the line so far is ".\r", pending */
};

void
readenc_init(struct readenc *e, readenc_sink *sink, void *arg)
{
	memset(e, 0, sizeof(*e));
	e->sink = sink;
	e->arg = arg;
	e->state = RE_START;
}

static void
flush(struct readenc *e)
{
	if (e->olen > 0 && !e->failed && e->sink(e->arg, e->out, e->olen) < 0)
		e->failed = 1;
	e->olen = 0;
}

static void
put(struct readenc *e, const char *p, size_t n)
{
	while (n-- > 0) {
		if (e->olen == sizeof(e->out))
			flush(e);
		e->out[e->olen++] = *p++;
	}
}

#define PUTS(e, s)	put((e), (s), sizeof(s) - 1)

/* One byte of the file (never a NUL). */
static void
step(struct readenc *e, char c)
{
	switch (e->state) {
	case RE_DOT:
	case RE_DOT_CR:
		if (c == '\n') {
			PUTS(e, "..\r\n");	/* lone dot, stuffed */
			e->state = RE_START;
			return;
		}
		if (c == '\r' && e->state == RE_DOT) {
			e->state = RE_DOT_CR;
			return;
		}
		if (e->state == RE_DOT)
			PUTS(e, ".");
		else
			PUTS(e, ".\r");
		e->state = RE_MID;
		step(e, c);
		return;
	case RE_CR:
		if (c == '\n') {
			PUTS(e, "\r\n");
			e->state = RE_START;
			return;
		}
		PUTS(e, "\r");	/* a CR inside a line is data */
		e->state = RE_MID;
		step(e, c);
		return;
	default:
		break;
	}
	if (c == '\n') {
		PUTS(e, "\r\n");
		e->state = RE_START;
	} else if (c == '\r')
		e->state = RE_CR;
	else if (c == '.' && e->state == RE_START)
		e->state = RE_DOT;
	else {
		put(e, &c, 1);
		e->state = RE_MID;
	}
}

int
readenc_feed(struct readenc *e, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && !e->failed; i++)
		if (p[i] != '\0')
			step(e, p[i]);
	return e->failed ? -1 : 0;
}

int
readenc_finish(struct readenc *e)
{
	/* A last line without LF ends as if it had one. */
	if (e->state != RE_START)
		step(e, '\n');
	flush(e);
	return e->failed ? -1 : 0;
}
