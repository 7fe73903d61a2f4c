/*
 * test_format - the user record block: exact bytes, and no block at all
 * when a field holds CR or LF (a foreign file must not forge lines).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fe_format.h"
#include "fe_io.h"
#include "unit/t.h"

static struct fe_io io;

/* What fe_put_user wrote, flushed through a pipe. */
static ssize_t
written(int rd, char *buf, size_t max)
{
	ssize_t n;

	if (fe_flush(&io) < 0)
		return -1;
	n = read(rd, buf, max - 1);
	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

int
main(void)
{
	static struct pr_user u;
	static const char want[] = "name bob\r\ncomment \r\nquota NOQUOTA\r\n"
	    "user_dir /d/bob\r\nencrypted_password x\r\n"
	    "clear_text_password \r\ngidflags 65536\r\n";
	char buf[4096];
	int p[2];

	if (!CHECK(pipe(p) == 0, "pipe"))
		return T_DONE("test_format");
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fe_io_init(&io, -1, p[1], 5);
	strcpy(u.name, "bob");
	strcpy(u.quota, "NOQUOTA");
	strcpy(u.dir, "/d/bob");
	strcpy(u.passwd, "x");
	u.flags = 65536;
	CHECK(fe_put_user(&io, &u, 1) == 0 &&
	    written(p[0], buf, sizeof(buf)) == (ssize_t)strlen(want) &&
	    strcmp(buf, want) == 0, "compact block, empty values keep the space");
	strcpy(u.comment, "evil\r\n.\r\n+OK ");
	CHECK(fe_put_user(&io, &u, 1) < 0 &&
	    written(p[0], buf, sizeof(buf)) <= 0,
	    "a comment with CR LF: refused, nothing written");
	strcpy(u.comment, "ok");
	strcpy(u.clear, "a\rb");
	CHECK(fe_put_user(&io, &u, 0) < 0 &&
	    written(p[0], buf, sizeof(buf)) <= 0,
	    "a clear password with CR: refused, nothing written");
	CHECK(fe_text_ok("plain text: with spaces") && !fe_text_ok("a\nb"),
	    "fe_text_ok");
	return T_DONE("test_format");
}
