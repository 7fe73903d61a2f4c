/*
 * vpopmaild-checkpassword - the checkpassword interface over vpopmaild's
 * auth_check command, so that qmail-smtpd (AUTH patches), qmail-popup or
 * Dovecot's checkpassword passdb need no privilege and no access to the
 * mail tree. Reads "user\0password\0timestamp\0" (at most 512 bytes) from
 * descriptor 3, asks the daemon over TCP, and on success sets USER, HOME
 * (the mailbox directory) and, for smtp with relaying allowed,
 * RELAYCLIENT, then executes the rest of its arguments.
 *
 * Exit: 1 refused, 2 misuse (arguments, malformed fd-3 input), 111
 * temporary failure (daemon unreachable, timeout, unexpected answer).
 * The password is never in argv, the environment or a message, and is
 * wiped from memory before the exec. libc only.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define INPUT_MAX	512
#define LINE_MAX_	2048
#define TIMEOUT_S	60	/* above the default throttle-max-delay */

static char input[INPUT_MAX + 1];
static char request[INPUT_MAX + 64];

static void
fail(int code, const char *why)
{
	explicit_bzero(input, sizeof(input));
	explicit_bzero(request, sizeof(request));
	if (why != NULL)
		fprintf(stderr, "vpopmaild-checkpassword: %s\n", why);
	exit(code);
}

static void
on_alarm(int sig)
{
	(void)sig;
	explicit_bzero(input, sizeof(input));
	explicit_bzero(request, sizeof(request));
	_exit(111);
}

/* fd 3 to its end; more than INPUT_MAX bytes is misuse. */
static size_t
read_input(void)
{
	size_t n = 0;
	ssize_t r;

	for (;;) {
		r = read(3, input + n, sizeof(input) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fail(2, "cannot read descriptor 3");
		if (r == 0)
			return n;
		n += (size_t)r;
		if (n > INPUT_MAX)
			fail(2, "input on descriptor 3 over 512 bytes");
	}
}

/* A user name goes on the command line as one token: printable, no
 * blank. A password is the rest of the line: no CR, LF or other control
 * character. */
static int
text_ok(const char *s, int blank_ok)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || (c == ' ' && !blank_ok))
			return 0;
	}
	return 1;
}

static int
dial(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* One CRLF-terminated line, byte by byte (the answer is short and the
 * connection ours): 0, or -1 on EOF, error or an over-long line. */
static int
read_line(int fd, char *buf, size_t sz)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || n + 1 >= sz)
			return -1;
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = send(fd, p, n, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void
usage(void)
{
	fail(2, "usage: vpopmaild-checkpassword [-h host] [-p port] "
	    "[-s smtp|pop3|imap|webmail] program [arg ...]");
}

int
main(int argc, char **argv)
{
	const char *host = getenv("VPOPMAILD_HOST");
	const char *port = getenv("VPOPMAILD_PORT");
	const char *svc = getenv("VPOPMAILD_SERVICE");
	char line[LINE_MAX_], user[INPUT_MAX + 1], *pw, *home;
	size_t n, ul;
	int opt, fd, relay;

	if (host == NULL || *host == '\0')
		host = "127.0.0.1";
	if (port == NULL || *port == '\0')
		port = "89";
	if (svc == NULL || *svc == '\0')
		svc = "smtp";
	while ((opt = getopt(argc, argv, "+h:p:s:")) != -1) {
		switch (opt) {
		case 'h': host = optarg; break;
		case 'p': port = optarg; break;
		case 's': svc = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || (strcasecmp(svc, "smtp") != 0 &&
	    strcasecmp(svc, "pop3") != 0 && strcasecmp(svc, "imap") != 0 &&
	    strcasecmp(svc, "webmail") != 0))
		usage();

	n = read_input();
	input[n] = '\0';
	/* user NUL password NUL [timestamp NUL]: two NULs at least */
	ul = strnlen(input, n);
	if (ul == 0 || ul >= n || memchr(input + ul + 1, '\0', n - ul - 1) ==
	    NULL)
		fail(2, "malformed input on descriptor 3");
	memcpy(user, input, ul + 1);
	pw = input + ul + 1;
	if (!text_ok(user, 0) || *pw == '\0' || !text_ok(pw, 1))
		fail(1, NULL);	/* nothing the daemon could accept */

	signal(SIGALRM, on_alarm);
	alarm(TIMEOUT_S);
	if ((fd = dial(host, port)) < 0)
		fail(111, "cannot connect to the daemon");
	if (read_line(fd, line, sizeof(line)) < 0 ||
	    strncmp(line, "+OK", 3) != 0)
		fail(111, "no greeting from the daemon");
	n = (size_t)snprintf(request, sizeof(request), "auth_check %s %s %s\r\n",
	    svc, user, pw);
	explicit_bzero(input, sizeof(input));
	if (n >= sizeof(request) || write_all(fd, request, n) < 0)
		fail(111, "cannot send to the daemon");
	explicit_bzero(request, sizeof(request));
	if (read_line(fd, line, sizeof(line)) < 0)
		fail(111, "no answer from the daemon");
	(void)write_all(fd, "quit\r\n", 6);
	close(fd);
	alarm(0);
	if (strncmp(line, "-ERR 8.", 7) == 0)
		fail(1, NULL);
	if (strncmp(line, "+OK relay=", 10) != 0 ||
	    (line[10] != '0' && line[10] != '1') ||
	    strncmp(line + 11, " home=", 6) != 0 || line[17] != '/')
		fail(111, "unexpected answer from the daemon");
	relay = line[10] == '1';
	home = line + 17;
	if (setenv("USER", user, 1) < 0 || setenv("HOME", home, 1) < 0 ||
	    (relay && strcasecmp(svc, "smtp") == 0 &&
	    setenv("RELAYCLIENT", "", 1) < 0))
		fail(111, "out of memory");
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "vpopmaild-checkpassword: cannot run %s: %s\n",
	    argv[optind], strerror(errno));
	return 111;
}
