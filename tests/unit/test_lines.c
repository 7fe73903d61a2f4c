/*
 * test_lines.c - frontend/: the line reader (PROTOCOL.md 1.3: bounded
 * lines, never split, pipelining, timeout), the reply writer, and the
 * argument tokeniser (1.4: ARG and REST rules).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fe_args.h"
#include "fe_io.h"
#include "unit/t.h"

static struct fe_io io;
static char line[FE_LINE_MAX + 1];
static char big[200 * 1024];

static int sp[2];	/* sp[0]: the frontend's side, sp[1]: the client */

static int
pair(int timeout_s)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		CHECK(0, "socketpair: %s", strerror(errno));
		return -1;
	}
	fe_io_init(&io, sp[0], sp[0], timeout_s);
	return 0;
}

static void
unpair(void)
{
	close(sp[0]);
	close(sp[1]);
}

static int
put(const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t k = write(sp[1], s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

static int
got_line(const char *want, size_t wantlen)
{
	size_t len = (size_t)-1;
	enum fe_rd r;

	memset(line, 'Z', sizeof(line));
	r = fe_read_line(&io, line, &len);
	if (r != FE_RD_LINE) {
		T_INFO("fe_read_line returned %d, want a line", (int)r);
		return 0;
	}
	return len == wantlen && memcmp(line, want, wantlen) == 0 &&
	    line[len] == '\0';
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_reader(void)
{
	size_t len;
	enum fe_rd r;
	int ok;

	if (pair(5) < 0)
		return;
	put("a\n", 2);
	CHECK(got_line("a\n", 2), "\"a\\n\" returned with its LF");
	put("a\r\n", 3);
	CHECK(got_line("a\r\n", 3), "\"a\\r\\n\" returned with its CRLF");
	put("one\ntwo\r\nthree\n", 15);
	ok = got_line("one\n", 4);
	ok = got_line("two\r\n", 5) && ok;
	ok = got_line("three\n", 6) && ok;
	CHECK(ok, "three lines in one write come back in order (pipelining)");
	put("a\rb c\r\n", 7);
	CHECK(got_line("a\rb c\r\n", 7), "a stray CR does not end a line");
	put("\n\rx\n", 4);
	ok = got_line("\n", 1);
	CHECK(ok && got_line("\rx\n", 3),
	    "LF CR: the CR starts the next line");
	put("a\0b\n", 4);
	CHECK(got_line("a\0b\n", 4), "a NUL inside a line is kept (len 4)");

	/* exactly FE_LINE_MAX (1023) bytes, LF included */
	memset(big, 'x', 1022);
	big[1022] = '\n';
	put(big, 1023);
	CHECK(got_line(big, 1023), "1023 bytes including LF: FE_RD_LINE");
	memset(big, 'x', 1021);
	memcpy(big + 1021, "\r\n", 2);
	put(big, 1023);
	CHECK(got_line(big, 1023), "1021 bytes + CRLF: FE_RD_LINE");

	/* 1024 bytes: too long, discarded whole; the next line is fine */
	memset(big, 'y', 1023);
	big[1023] = '\n';
	memcpy(big + 1024, "next\n", 5);
	put(big, 1029);
	r = fe_read_line(&io, line, &len);
	CHECK(r == FE_RD_TOOLONG, "1024 bytes including LF: FE_RD_TOOLONG");
	CHECK(got_line("next\n", 5), "the line after it is read normally");

	/* a 1024-byte line sent in small pieces */
	memset(big, 'w', 1023);
	big[1023] = '\n';
	{
		size_t off;

		for (off = 0; off < 1024; off += 100)
			put(big + off, off + 100 > 1024 ? 1024 - off : 100);
	}
	put("after\n", 6);
	r = fe_read_line(&io, line, &len);
	CHECK(r == FE_RD_TOOLONG && got_line("after\n", 6),
	    "1024-byte line written in pieces: FE_RD_TOOLONG, then \"after\"");

	/* a short line, a too-long one and a short one in one write */
	memcpy(big, "first\n", 6);
	memset(big + 6, 'v', 3000);
	memcpy(big + 3006, "\nlast\n", 6);
	put(big, 3012);
	ok = got_line("first\n", 6);
	r = fe_read_line(&io, line, &len);
	CHECK(ok && r == FE_RD_TOOLONG && got_line("last\n", 5),
	    "pipelined short / 3001-byte / short: line, TOOLONG, line");

	/* partial line, then EOF */
	put("abc", 3);
	shutdown(sp[1], SHUT_WR);
	r = fe_read_line(&io, line, &len);
	CHECK(r == FE_RD_EOF, "a partial line then EOF: FE_RD_EOF");
	r = fe_read_line(&io, line, &len);
	CHECK(r == FE_RD_EOF, "EOF again: FE_RD_EOF");
	unpair();

	/* EOF on an empty stream */
	if (pair(5) < 0)
		return;
	close(sp[1]);
	r = fe_read_line(&io, line, &len);
	CHECK(r == FE_RD_EOF, "EOF: FE_RD_EOF");
	close(sp[0]);
}

/* 5000 bytes without LF, later "\nnext\n": one TOOLONG, then "next". */
static void
test_long_then_next(void)
{
	enum fe_rd r;
	size_t len;
	pid_t pid;
	int status;

	if (pair(10) < 0)
		return;
	memset(big, 'z', 5000);
	if ((pid = fork()) == 0) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };
		size_t off;

		close(sp[0]);
		for (off = 0; off < 5000; off += 1000) {
			if (put(big + off, 1000) < 0)
				_exit(1);
			nanosleep(&ts, NULL);
		}
		if (put("\nnext\n", 6) < 0)
			_exit(1);
		_exit(0);
	}
	close(sp[1]);
	r = fe_read_line(&io, line, &len);
	CHECK(r == FE_RD_TOOLONG, "5000 bytes (in 5 pieces), then LF: "
	    "exactly one FE_RD_TOOLONG (got %d)", (int)r);
	CHECK(got_line("next\n", 5), "then \"next\\n\"");
	r = fe_read_line(&io, line, &len);
	CHECK(r == FE_RD_EOF, "then EOF (got %d)", (int)r);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "writer child wrote everything");
	close(sp[0]);
}

static void
test_timeout(void)
{
	double t0, dt;
	enum fe_rd r;
	size_t len;

	if (pair(1) < 0)
		return;
	t0 = now_s();
	r = fe_read_line(&io, line, &len);
	dt = now_s() - t0;
	CHECK(r == FE_RD_TIMEOUT, "no data, timeout 1 s: FE_RD_TIMEOUT");
	CHECK(dt >= 0.9, "the timeout took at least 0.9 s (%.3f s)", dt);
	T_INFO("timeout took %.3f s", dt);

	/* a partial line does not reset the deadline forever */
	put("partial", 7);
	t0 = now_s();
	r = fe_read_line(&io, line, &len);
	dt = now_s() - t0;
	CHECK(r == FE_RD_TIMEOUT && dt >= 0.9,
	    "a partial line without LF: FE_RD_TIMEOUT after %.3f s", dt);
	put("\n", 1);
	CHECK(got_line("partial\n", 8),
	    "the partial line completes after the timeout");
	unpair();
}

static int
read_all(int fd, char *buf, size_t max, size_t *got)
{
	ssize_t n;

	*got = 0;
	for (;;) {
		n = read(fd, buf + *got, max - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		*got += (size_t)n;
		if (*got == max)
			return 0;
	}
}

static void
test_writer(void)
{
	static char rbuf[200 * 1024];
	size_t got, i, off;
	pid_t pid;
	int status;

	if (pair(5) < 0)
		return;
	fe_puts(&io, "+OK \r\n");
	fe_printf(&io, "%s %d\r\n", "count", 42);
	CHECK(fe_flush(&io) == 0, "fe_flush: 0");
	shutdown(sp[0], SHUT_WR);
	read_all(sp[1], rbuf, sizeof(rbuf), &got);
	CHECK(got == 16 && memcmp(rbuf, "+OK \r\ncount 42\r\n", 16) == 0,
	    "fe_puts + fe_printf + fe_flush deliver the bytes");
	unpair();

	/* 100 KiB through fe_put in odd-sized pieces, read concurrently */
	for (i = 0; i < 100 * 1024; i++)
		big[i] = (char)('a' + (i * 7 + i / 1024) % 26);
	if (pair(5) < 0)
		return;
	if ((pid = fork()) == 0) {
		close(sp[0]);
		if (read_all(sp[1], rbuf, sizeof(rbuf), &got) < 0)
			_exit(2);
		_exit(got == 100 * 1024 && memcmp(rbuf, big, got) == 0 ? 0 : 1);
	}
	close(sp[1]);
	for (off = 0, i = 1; off < 100 * 1024; i = i * 3 % 1999 + 1) {
		size_t k = i;

		if (k > 100 * 1024 - off)
			k = 100 * 1024 - off;
		fe_put(&io, big + off, k);
		off += k;
	}
	CHECK(fe_flush(&io) == 0 && !io.failed, "100 KiB: fe_flush 0");
	close(sp[0]);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "100 KiB through fe_put arrive intact");

	/* one 100 KiB fe_put */
	if (pair(5) < 0)
		return;
	if ((pid = fork()) == 0) {
		close(sp[0]);
		if (read_all(sp[1], rbuf, sizeof(rbuf), &got) < 0)
			_exit(2);
		_exit(got == 100 * 1024 && memcmp(rbuf, big, got) == 0 ? 0 : 1);
	}
	close(sp[1]);
	fe_put(&io, big, 100 * 1024);
	CHECK(fe_flush(&io) == 0, "one 100 KiB fe_put: fe_flush 0");
	close(sp[0]);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "one 100 KiB fe_put arrives intact");

	/* a fe_printf longer than its 2 KiB buffer is cut, not overrun */
	if (pair(5) < 0)
		return;
	memset(big, 'p', 3000);
	big[3000] = '\0';
	fe_printf(&io, "%s", big);
	CHECK(io.olen > 0 && io.olen <= 3000 &&
	    memcmp(io.obuf, big, io.olen) == 0,
	    "fe_printf of 3000 bytes: a prefix is buffered (%zu bytes)",
	    io.olen);
	io.olen = 0;
	unpair();
}

/* A client that went away: fe_flush must report -1, not kill the process
 * (fe_io.h: "-1 when the client could not take the bytes"). Run in a
 * child with the default SIGPIPE disposition, as the frontend has it. */
static void
test_writer_peer_gone(void)
{
	pid_t pid;
	int status;

	if (pair(2) < 0)
		return;
	close(sp[1]);
	if ((pid = fork()) == 0) {
		signal(SIGPIPE, SIG_DFL);
		fe_puts(&io, "+OK \r\n");
		_exit(fe_flush(&io) == -1 && io.failed ? 0 : 1);
	}
	close(sp[0]);
	waitpid(pid, &status, 0);
	/* Regression check: fe_flush used write(2), and a vanished client
	 * killed the frontend with SIGPIPE (fixed by 3d433da). */
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "fe_flush to a closed client returns -1, no SIGPIPE (%s %d)",
	    WIFSIGNALED(status) ? "killed by signal" : "exit",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/* A client that stays connected but never reads (PROTOCOL.md F5): the
 * reference dropped the line after 60 s and went on; fe_flush must give
 * up after the timeout and report -1 so that the session ends. */
static void
test_writer_peer_stalls(void)
{
	static char flood[1 << 20];
	double t0, dt;
	int r;

	if (pair(1) < 0)
		return;
	memset(flood, 'x', sizeof(flood));
	t0 = now_s();
	fe_put(&io, flood, sizeof(flood));	/* flushes as the buffer fills */
	r = fe_flush(&io);
	dt = now_s() - t0;
	CHECK(r == -1 && io.failed, "fe_flush to a client that never reads "
	    "returns -1");
	T_INFO("stalled client given up after %.3f s", dt);
	CHECK(dt >= 0.9 && dt < 30, "it waited for the timeout, not forever "
	    "(%.3f s)", dt);
	unpair();
}

/* Tokenises text (copied, NUL-terminated, as the reader delivers it). */
static char tbuf[FE_LINE_MAX + 1];
static struct fe_args args;

static void
tok(const char *text)
{
	size_t n = strlen(text);

	memcpy(tbuf, text, n + 1);
	fe_args_init(&args, tbuf, n);
}

static int
is(const char *got, const char *want)
{
	if (got == NULL || want == NULL)
		return got == want;
	return strcmp(got, want) == 0;
}

static void
test_args(void)
{
	char *a, *b, *c;

	tok("login a@b.com  pw\r\n");
	a = fe_arg_next(&args);
	b = fe_arg_next(&args);
	c = fe_arg_rest(&args);
	CHECK(is(a, "login") && is(b, "a@b.com") && is(c, " pw"),
	    "\"login a@b.com  pw\" -> login, a@b.com, rest \" pw\"");

	tok("login a@b.com pw \n");
	a = fe_arg_next(&args);
	b = fe_arg_next(&args);
	c = fe_arg_rest(&args);
	CHECK(is(a, "login") && is(b, "a@b.com") && is(c, "pw "),
	    "\"login a@b.com pw \\n\" -> rest \"pw \"");

	tok("add_user x@d.com \r\n");
	fe_arg_next(&args);
	b = fe_arg_next(&args);
	c = fe_arg_rest(&args);
	CHECK(is(b, "x@d.com") && c == NULL,
	    "\"add_user x@d.com \\r\\n\" -> rest NULL");

	tok("add_user x@d.com  \r\n");
	fe_arg_next(&args);
	fe_arg_next(&args);
	c = fe_arg_rest(&args);
	CHECK(is(c, " "), "\"add_user x@d.com  \\r\\n\" -> rest \" \"");

	tok("add_user x@d.com\r\n");
	fe_arg_next(&args);
	fe_arg_next(&args);
	CHECK(fe_arg_rest(&args) == NULL,
	    "\"add_user x@d.com\\r\\n\" -> rest NULL");

	tok("login a@b.com");
	fe_arg_next(&args);
	fe_arg_next(&args);
	CHECK(fe_arg_rest(&args) == NULL,
	    "\"login a@b.com\" (no terminator) -> rest NULL");

	tok("  domain_count  \n");
	a = fe_arg_next(&args);
	b = fe_arg_next(&args);
	CHECK(is(a, "domain_count") && b == NULL,
	    "\"  domain_count  \\n\" -> domain_count, then nothing");

	tok("domain_count\rextra\n");
	a = fe_arg_next(&args);
	b = fe_arg_next(&args);
	CHECK(is(a, "domain_count") && is(b, "extra"),
	    "\"domain_count\\rextra\\n\" -> domain_count, extra");

	tok("login a@b.com\rpw\n");
	fe_arg_next(&args);
	b = fe_arg_next(&args);
	c = fe_arg_rest(&args);
	CHECK(is(b, "a@b.com") && is(c, "pw"),
	    "\"login a@b.com\\rpw\\n\" -> rest \"pw\"");

	tok("quit now");
	a = fe_arg_next(&args);
	CHECK(is(a, "quit"), "\"quit now\" -> quit");
	CHECK(is(fe_arg_next(&args), "now") && fe_arg_next(&args) == NULL,
	    "\"quit now\" -> now, then nothing");

	tok("login a@b.com pass word\there\r\n");
	fe_arg_next(&args);
	fe_arg_next(&args);
	c = fe_arg_rest(&args);
	CHECK(is(c, "pass word\there"),
	    "REST keeps spaces and tabs, stops at CR");

	tok("\t login\t\ta@b.com\tpw\n");
	a = fe_arg_next(&args);
	b = fe_arg_next(&args);
	c = fe_arg_rest(&args);
	CHECK(is(a, "login") && is(b, "a@b.com") && is(c, "pw"),
	    "tabs separate ARG tokens; leading separators skipped");

	tok("add_alias a@d b c\r\n");
	CHECK(is(fe_arg_next(&args), "add_alias") &&
	    is(fe_arg_next(&args), "a@d") && is(fe_arg_next(&args), "b"),
	    "extra tokens do not disturb the earlier ones");

	tok("");
	CHECK(fe_arg_next(&args) == NULL && fe_arg_rest(&args) == NULL,
	    "empty line: no tokens");
	tok(" \t\r\n");
	CHECK(fe_arg_next(&args) == NULL, "separators only: no tokens");

	/* a NUL inside the line is a separator-less byte: tokens stop at
	 * the terminator the tokeniser writes, never beyond len */
	memcpy(tbuf, "help\nXYZ", 9);
	fe_args_init(&args, tbuf, 5);
	CHECK(is(fe_arg_next(&args), "help") && fe_arg_next(&args) == NULL,
	    "tokens never run past len");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_reader();
	test_long_then_next();
	test_timeout();
	test_writer();
	test_writer_peer_gone();
	test_writer_peer_stalls();
	test_args();
	return T_DONE("test_lines");
}
