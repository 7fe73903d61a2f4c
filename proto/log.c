/*
 * log.c - diagnostics to stderr, one line each, prefixed with the program
 * name and the process role. Nothing here allocates or opens files, so it
 * works inside every sandbox (fd 2 is inherited).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char *prog = "vpopmaild";
static const char *role = "";

void
log_init(const char *progname)
{
	prog = progname;
}

void
log_set_role(const char *r)
{
	role = r;
}

static void
vlog(const char *fmt, va_list ap, int err)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf), "%s%s%s[%ld]: ", prog, *role ? " " : "",
	    role, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	n = (int)strlen(buf);
	if (err && (size_t)n < sizeof(buf) - 2)
		snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", strerror(err));
	n = (int)strlen(buf);
	if ((size_t)n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write per line so lines from two processes do not interleave. */
	if (write(2, buf, (size_t)n) < 0)
		return;
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vlog(fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vlog(fmt, ap, e);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	exit(1);
}
