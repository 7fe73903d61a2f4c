/*
 * test_storage_linefile.c - privhelper/linefile.c: the bounded line
 * reader (lines across buffer refills, the unterminated tail, NUL bytes,
 * over-long lines, non-regular files and symlinks refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linefile.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 64];
static int dfd = -1;

static char *
p(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, name);
}

static void
test_reader_basic(void)
{
	static const char text[] = "one\n\nthr\0ee\nlast";
	struct lf_reader r;
	char line[16];
	size_t n;
	int fd = -1, nl;

	CHECK(t_write(p("a"), text, sizeof(text) - 1) == 0, "setup a");
	if (!CHECK((fd = lf_open(dfd, "a")) >= 0, "lf_open a"))
		return;
	lf_init(&r, fd);
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 1 && n == 3 &&
	    nl == 1 && strcmp(line, "one") == 0, "line 1 \"one\"");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 1 && n == 0 &&
	    nl == 1, "line 2 empty, terminated");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 1 && n == 6 &&
	    memcmp(line, "thr\0ee", 6) == 0, "line 3 keeps its NUL byte");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 1 && n == 4 &&
	    nl == 0 && strcmp(line, "last") == 0, "unterminated tail, nl 0");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 0, "then EOF");
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 0, "EOF again");
	close(fd);

	CHECK(t_write(p("e"), "", 0) == 0 && (fd = lf_open(dfd, "e")) >= 0,
	    "empty file");
	lf_init(&r, fd);
	CHECK(lf_next(&r, line, sizeof(line), &n, &nl) == 0, "empty: EOF");
	close(fd);
}

static void
test_reader_bounds(void)
{
	static char text[3 * LF_BUFSZ], line[LF_BUFSZ + 8];
	struct lf_reader r;
	size_t n, i, lines = 0;
	int fd = -1, nl, k, ok = 1;

	/* lines of growing length, crossing every refill boundary */
	for (i = 0, n = 0; n + i + 1 < sizeof(text); i = (i + 7) % 500) {
		memset(text + n, 'a' + (int)(i % 26), i);
		n += i;
		text[n++] = '\n';
		lines++;
	}
	CHECK(t_write(p("b"), text, n) == 0 && (fd = lf_open(dfd, "b")) >= 0,
	    "setup b: %zu lines", lines);
	lf_init(&r, fd);
	for (i = 0; (k = lf_next(&r, line, 500, &n, &nl)) == 1; i++) {
		if (!nl || memchr(line, '\n', n) != NULL)
			ok = 0;
	}
	CHECK(k == 0 && ok && i == lines, "all %zu lines back, none split",
	    i);
	close(fd);

	memset(text, 'x', 600);
	text[600] = '\n';
	CHECK(t_write(p("c"), text, 601) == 0 && (fd = lf_open(dfd, "c")) >= 0,
	    "setup c: a 600-byte line");
	lf_init(&r, fd);
	CHECK(lf_next(&r, line, 600, &n, &nl) < 0 && errno == EFBIG,
	    "max 600 (599 usable): EFBIG");
	close(fd);
	fd = lf_open(dfd, "c");
	lf_init(&r, fd);
	CHECK(lf_next(&r, line, 601, &n, &nl) == 1 && n == 600 && nl,
	    "max 601: the line fits");
	close(fd);
}

static void
test_open(void)
{
	CHECK(lf_open(dfd, "missing") < 0 && errno == ENOENT,
	    "missing: ENOENT");
	CHECK(symlink("a", p("link")) == 0 && lf_open(dfd, "link") < 0 &&
	    errno == ELOOP, "symlink: ELOOP");
	CHECK(mkfifo(p("fifo"), 0600) == 0 && lf_open(dfd, "fifo") < 0 &&
	    errno == EINVAL, "FIFO: EINVAL, without blocking");
	CHECK(mkdir(p("dir"), 0700) == 0 && lf_open(dfd, "dir") < 0,
	    "directory refused");
	CHECK(lf_open(dfd, "../x") < 0 && errno == EXDEV, "../x: EXDEV");
}

int
main(void)
{
	if (!CHECK(t_mkdtemp(top, sizeof(top), "linefile") == 0 &&
	    (dfd = ts_dirfd(top)) >= 0, "temporary directory %s", top))
		return T_DONE("test_storage_linefile");
	test_reader_basic();
	test_reader_bounds();
	test_open();
	close(dfd);
	t_rm_rf(top);
	return T_DONE("test_storage_linefile");
}
