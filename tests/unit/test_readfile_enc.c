/*
 * test_readfile_enc.c - read_file's data encoding (privhelper/readenc.h,
 * PROTOCOL.md 1.8 with the re-implementation's choices) on every edge,
 * and the PR_R_DATA message that carries its chunks.
 */
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "readenc.h"
#include "unit/t.h"

/* What the sink received: the concatenation, and the chunk sizes seen. */
static struct {
	char	*p;
	size_t	 len, cap;
	size_t	 chunks, biggest;
	int	 fail_after;	/* >0: the sink fails on this chunk */
} got;

static int
sink(void *arg, const char *p, size_t n)
{
	(void)arg;
	got.chunks++;
	if (got.fail_after > 0 && got.chunks >= (size_t)got.fail_after)
		return -1;
	if (n > got.biggest)
		got.biggest = n;
	if (got.len + n > got.cap) {
		got.cap = (got.len + n) * 2;
		got.p = realloc(got.p, got.cap);
		if (got.p == NULL)
			abort();
	}
	memcpy(got.p + got.len, p, n);
	got.len += n;
	return 0;
}

static void
reset(void)
{
	got.len = got.chunks = got.biggest = 0;
	got.fail_after = 0;
}

/* Encodes in pieces of step bytes (0: all at once). */
static void
encode(const char *in, size_t n, size_t step)
{
	static struct readenc e;
	size_t off = 0, k;

	reset();
	readenc_init(&e, sink, NULL);
	if (step == 0)
		step = n ? n : 1;
	while (off < n) {
		k = n - off < step ? n - off : step;
		readenc_feed(&e, in + off, k);
		off += k;
	}
	readenc_finish(&e);
}

static int
same(const char *want, size_t wn)
{
	return got.len == wn && memcmp(got.p, want, wn) == 0;
}

#define ENC(in, want, what) do {					\
	encode((in), sizeof(in) - 1, 0);				\
	CHECK(same((want), sizeof(want) - 1), "%s", (what));		\
} while (0)

static void
test_spec_example(void)
{
	static const char in[] = "a\n.\nb\r\n.\r\nno-newline-end";
	static const char want[] =
	    "a\r\n..\r\nb\r\n..\r\nno-newline-end\r\n";
	size_t step, cut;
	int all = 1;

	encode(in, sizeof(in) - 1, 0);
	CHECK(same(want, sizeof(want) - 1),
	    "1.8 example: CRLF lines, both lone dots doubled, final newline "
	    "supplied");
	/* the same bytes however the file's reads happen to be cut */
	for (step = 1; step < sizeof(in); step++) {
		encode(in, sizeof(in) - 1, step);
		all &= same(want, sizeof(want) - 1);
	}
	CHECK(all, "1.8 example: same output for every read size 1..%zu",
	    sizeof(in) - 1);
	all = 1;
	for (cut = 0; cut < sizeof(in); cut++) {
		static struct readenc e;

		reset();
		readenc_init(&e, sink, NULL);
		readenc_feed(&e, in, cut);
		readenc_feed(&e, in + cut, sizeof(in) - 1 - cut);
		readenc_finish(&e);
		all &= same(want, sizeof(want) - 1);
	}
	CHECK(all, "1.8 example: same output for a split at every byte");
}

static void
test_dots(void)
{
	ENC(".\n", "..\r\n", "lone dot LF doubled");
	ENC(".\r\n", "..\r\n", "lone dot CRLF doubled");
	ENC(".", "..\r\n", "lone dot without final newline doubled");
	ENC(".\r", "..\r\n", "lone dot + CR at EOF doubled");
	ENC("..\n", "..\r\n", "a stored '..' is sent as is (no stuffing)");
	ENC(".foo\n", ".foo\r\n", "'.foo' is not altered");
	ENC(". \n", ". \r\n", "'. ' is not a lone dot");
	ENC(" .\n", " .\r\n", "' .' is not a lone dot");
	ENC("x.\n.\n", "x.\r\n..\r\n", "a dot at line start only counts");
	ENC(".\r.\n", ".\r.\r\n", "'.\\r.' is data (CR inside the line)");
	ENC(".\n.\n.\n", "..\r\n..\r\n..\r\n", "consecutive lone dots");
	ENC("+OK\n-ERR x\n", "+OK\r\n-ERR x\r\n",
	    "status-looking lines are not altered (1.8)");
}

static void
test_cr_lf(void)
{
	ENC("", "", "empty file: no data (S7: the '.' follows at once)");
	ENC("\n", "\r\n", "one empty line");
	ENC("\n\n", "\r\n\r\n", "two empty lines");
	ENC("\r\n", "\r\n", "one empty CRLF line");
	ENC("a\r\n", "a\r\n", "CRLF stored: one CR, not two");
	ENC("a\r\r\n", "a\r\r\n", "only the CR before LF is dropped");
	ENC("a\rb\n", "a\rb\r\n", "a CR inside a line is data");
	ENC("a\r", "a\r\n", "a CR at EOF ends the line");
	ENC("abc", "abc\r\n", "no final newline: supplied");
	ENC("a\nb", "a\r\nb\r\n", "last line without LF: supplied");
	ENC("\r", "\r\n", "a lone CR file is one empty line");
}

static void
test_nul(void)
{
	static const char in1[] = "a\0b\n";
	static const char in2[] = ".\0\n";
	static const char in3[] = "\0\0";
	static const char in4[] = "x\0\r\n";

	encode(in1, sizeof(in1) - 1, 0);
	CHECK(same("ab\r\n", 4), "NUL left out, rest of the line kept");
	encode(in2, sizeof(in2) - 1, 0);
	CHECK(same("..\r\n", 4), "'.' NUL LF is a lone dot once NUL is out");
	encode(in3, sizeof(in3) - 1, 0);
	CHECK(same("", 0), "a file of NULs sends nothing");
	encode(in4, sizeof(in4) - 1, 0);
	CHECK(same("x\r\n", 3), "NUL between data and CRLF");
}

/* A line of n 'x' then rest. */
static char *
long_line(size_t n, const char *rest, size_t *len)
{
	size_t r = strlen(rest);
	char *p = malloc(n + r + 1);

	if (p == NULL)
		abort();
	memset(p, 'x', n);
	memcpy(p + n, rest, r + 1);
	*len = n + r;
	return p;
}

static void
test_long_lines(void)
{
	static const size_t sizes[] = { 1022, 1023, 1024, 4095, 4096, 4097,
	    100000 };
	size_t i, len;
	char *in, *want;
	int all = 1, bounded = 1;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];

		/* the reference's 1023-byte chunks would make ".\n" after
		 * 1023 bytes a lone dot; a line is a line here */
		in = long_line(n, ".\n.\n", &len);
		want = long_line(n, ".\r\n..\r\n", &len);
		encode(in, n + 4, 1000);
		all &= same(want, len);
		bounded &= got.biggest <= READENC_CHUNK;
		free(in);
		free(want);
	}
	CHECK(all, "lines of 1022..100000 bytes: kept whole, a dot after "
	    "them is data, the next lone dot doubled");
	CHECK(bounded, "every chunk handed on is at most %d bytes",
	    READENC_CHUNK);

	/* a stuffed dot straddling an output chunk boundary */
	in = long_line(READENC_CHUNK - 3, "\n.\nend\n", &len);
	want = long_line(READENC_CHUNK - 3, "\r\n..\r\nend\r\n", &len);
	encode(in, READENC_CHUNK - 3 + 7, 0);
	CHECK(same(want, len) && got.chunks == 2,
	    "'..\\r\\n' across a chunk boundary is intact (%zu chunks)",
	    got.chunks);
	free(in);
	free(want);
}

/* Structural properties over pseudo-random files of '.', CR, LF, 'a'
 * and NUL: no bare LF, no line that is exactly "." (a client would take
 * it as the end), the data ends with CRLF, one output line per line. */
static void
test_random(void)
{
	static const char alphabet[] = { '.', '\r', '\n', 'a', '\0' };
	unsigned seed = 12345, round;
	char in[64];
	int ok = 1;

	for (round = 0; round < 20000 && ok; round++) {
		size_t n, i, lines = 0, outlines = 0;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % sizeof(in);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alphabet[(seed >> 16) % sizeof(alphabet)];
			lines += in[i] == '\n';
		}
		/* an unterminated last line with any non-NUL byte counts */
		for (i = n; i > 0 && in[i - 1] != '\n'; i--)
			if (in[i - 1] != '\0') {
				lines++;
				break;
			}
		encode(in, n, 1 + round % 7);
		for (i = 0; i < got.len; i++) {
			if (got.p[i] != '\n')
				continue;
			outlines++;
			if (i == 0 || got.p[i - 1] != '\r')
				ok = 0;
			if (i >= 2 && got.p[i - 2] == '.' &&
			    (i == 2 || got.p[i - 3] == '\n'))
				ok = 0;
		}
		if (got.len > 0 && got.p[got.len - 1] != '\n')
			ok = 0;
		if (outlines != lines || memchr(got.p, '\0', got.len) != NULL)
			ok = 0;
	}
	CHECK(ok, "20000 random files: CRLF only, no lone '.', one line per "
	    "line, no NUL (stopped at round %u)", round);
}

static void
test_sink_failure(void)
{
	static struct readenc e;
	size_t len, calls;
	char *in = long_line(3 * READENC_CHUNK, "\n", &len);
	int r;

	reset();
	got.fail_after = 1;
	readenc_init(&e, sink, NULL);
	r = readenc_feed(&e, in, len);
	calls = got.chunks;
	CHECK(r == -1, "a failing sink stops the encoding");
	CHECK(readenc_feed(&e, "more\n", 5) == -1 &&
	    readenc_finish(&e) == -1 && got.chunks == calls && calls == 1,
	    "nothing is handed on after the sink failed");
	free(in);
}

static void
test_wire(void)
{
	static struct pr_buf b;
	static char data[PR_DATA_MAX + 1], big[PR_DATA_MAX + 2];
	size_t n = 0;

	pr_put_data(&b, "a\r\n..\r\n", 7);
	b.pos = 2;
	CHECK(pr_type(&b) == PR_R_DATA && pr_get_data(&b, data, &n) == 0 &&
	    n == 7 && memcmp(data, "a\r\n..\r\n", 7) == 0,
	    "PR_R_DATA round trip");
	memset(big, 'y', sizeof(big) - 1);
	pr_put_data(&b, big, PR_DATA_MAX);
	b.pos = 2;
	CHECK(!b.bad && pr_get_data(&b, data, &n) == 0 && n == PR_DATA_MAX,
	    "PR_R_DATA of PR_DATA_MAX bytes");
	pr_put_data(&b, big, PR_DATA_MAX + 1);
	CHECK(b.bad, "PR_R_DATA over PR_DATA_MAX refused by the encoder");
	pr_put_data(&b, "", 0);
	CHECK(b.bad, "empty PR_R_DATA refused by the encoder");
	pr_put_data(&b, "a\0b", 3);
	CHECK(b.bad, "PR_R_DATA with a NUL refused by the encoder");
	/* a frame claiming more than PR_DATA_MAX (a forged helper reply) */
	pr_init(&b, PR_R_DATA);
	pr_put_mem(&b, big, PR_DATA_MAX + 1);
	b.pos = 2;
	CHECK(!b.bad && pr_get_data(&b, data, &n) < 0,
	    "PR_R_DATA over PR_DATA_MAX refused by the decoder");
	pr_init(&b, PR_R_DATA);
	pr_put_mem(&b, "", 0);
	b.pos = 2;
	CHECK(pr_get_data(&b, data, &n) < 0,
	    "empty PR_R_DATA refused by the decoder");
	pr_put_data(&b, "ab", 2);
	pr_put_u8(&b, 1);
	b.pos = 2;
	CHECK(pr_get_data(&b, data, &n) < 0,
	    "PR_R_DATA with trailing bytes refused");
}

int
main(void)
{
	test_spec_example();
	test_dots();
	test_cr_lf();
	test_nul();
	test_long_lines();
	test_random();
	test_sink_failure();
	test_wire();
	free(got.p);
	return T_DONE("test_readfile_enc");
}
