/*
 * fe_cmd_file.c - write_file, read_file, stat_file (PROTOCOL.md
 * 4.33-4.35). read_file and stat_file are plain relays (read_file's data
 * arrives as PR_R_DATA chunks, fe_relay.c).
 *
 * write_file answers nothing before its body and exactly one status
 * after it, in every case (1.7, D1): the command goes to the helper
 * without waiting, every body line follows as it is read, and only then
 * is the helper's one reply printed. A refused path therefore never
 * lets a body line run as a command. The body ends only at a line that
 * is exactly "." (LF or CRLF); ". " and ".." are data, nothing is
 * un-stuffed. Lines are relayed without their LF and without one CR
 * before it (the helper stores LF: FS2).
 *
 * A line longer than FE_LINE_MAX or holding a NUL cannot be relayed
 * whole, and a piece of it must never end the body or run as a command:
 * the rest of the body is still read to its terminator, then the write
 * is refused as a whole (PR_BODY_ABORT; the helper answers one -ERR and
 * writes nothing). EOF or the idle timeout inside the body ends the
 * session; the helper sees its end and discards the temporary (D4, D5).
 */
#include <string.h>

#include "fe_relay.h"
#include "fe_session.h"

void fe_cmd_read_file(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_read_file, 1, 0); }
void fe_cmd_stat_file(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_stat_file, 1, 0); }

static struct pr_cmd req;
static char body[FE_LINE_MAX + 1];

static void
send_or_end(struct fe_session *s)
{
	if (pr_send(s->hfd, &s->buf) < 0)
		fe_end(s, 1);
}

/* The command, with its path (if any), and no reply expected yet. */
static void
send_command(struct fe_session *s, const char *path)
{
	memset(&req, 0, sizeof(req));
	req.cmd = CMD_write_file;
	if (path != NULL) {
		/* Fits: a line is at most FE_LINE_MAX < PR_ADDR_MAX bytes. */
		memcpy(req.args[0], path, strlen(path) + 1);
		req.nargs = 1;
	}
	s->cmd = CMD_write_file;
	pr_put_cmd(&s->buf, &req);
	send_or_end(s);
}

static int
is_terminator(const char *l, size_t len)
{
	return (len == 2 && memcmp(l, ".\n", 2) == 0) ||
	    (len == 3 && memcmp(l, ".\r\n", 3) == 0);
}

void
fe_write_file_skip(struct fe_session *s)
{
	size_t len;

	for (;;) {
		switch (fe_read_line(&s->io, body, &len)) {
		case FE_RD_EOF:
		case FE_RD_TIMEOUT:
			explicit_bzero(body, sizeof(body));
			fe_err(s, VPM_READ_TIMEOUT, 106);
			fe_end(s, 0);
		case FE_RD_TOOLONG:
			continue;
		case FE_RD_LINE:
			break;
		}
		if (is_terminator(body, len))
			break;
	}
	explicit_bzero(body, sizeof(body));
}

void
fe_cmd_write_file(struct fe_session *s, struct fe_args *a)
{
	int refused = 0;
	size_t len;

	send_command(s, fe_arg_next(a));
	for (;;) {
		switch (fe_read_line(&s->io, body, &len)) {
		case FE_RD_EOF:
		case FE_RD_TIMEOUT:
			explicit_bzero(body, sizeof(body));
			fe_err(s, VPM_READ_TIMEOUT, 106);
			fe_end(s, 0);
		case FE_RD_TOOLONG:
			refused = 1;
			continue;
		case FE_RD_LINE:
			break;
		}
		if (is_terminator(body, len))
			break;
		if (len > 0 && body[len - 1] == '\n')
			len--;
		if (len > 0 && body[len - 1] == '\r')
			len--;
		if (memchr(body, '\0', len) != NULL)
			refused = 1;
		if (refused)
			continue;	/* read on to the terminator */
		pr_put_body_line(&s->buf, body, len);
		send_or_end(s);
	}
	explicit_bzero(body, sizeof(body));
	pr_init(&s->buf, refused ? PR_BODY_ABORT : PR_BODY_END);
	send_or_end(s);
	fe_reply(s);
}
