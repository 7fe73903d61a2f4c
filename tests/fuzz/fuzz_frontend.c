/*
 * fuzz_frontend.c - libFuzzer target: the frontend's line reader
 * (fe_io.c), tokeniser (fe_args.c), dispatch and command handlers
 * (fe_session.c, fe_cmd_*.c) and body relay (fe_relay.c), run as
 * fe_session_main runs them, on the bytes a client sends.
 *
 * Input: byte 0..3 pick the fake helper's replies (below), the rest is
 * the client's byte stream, fed through a pipe that then reports EOF.
 * The helper is a SOCK_SEQPACKET socketpair whose far end holds reply
 * frames queued before the run: the n-th request the frontend sends gets
 * the n-th reply group; when the queue is empty (or the frontend sends
 * more than the socket holds) the non-blocking socket fails and the
 * frontend ends its session, as it does when the real helper is gone.
 * fe_end's _exit is wrapped (-Wl,--wrap=_exit) to return here.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fe_session.h"
#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void __wrap__exit(int);
void __real__exit(int) __attribute__((noreturn));

static jmp_buf back;
static volatile int running;

void
__wrap__exit(int status)
{
	if (running)
		longjmp(back, 1);
	__real__exit(status);
}

#define SCRIPT	4	/* reply-selector bytes at the start of the input */

static struct pr_buf f;

static void
send_frame(int fd)
{
	if (send(fd, f.data, f.len, MSG_DONTWAIT) < 0)
		abort();
}

static void
reply_login(int fd, unsigned level)
{
	static struct pr_login_reply r;

	memset(&r, 0, sizeof(r));
	r.level = (uint8_t)level;
	strcpy(r.domain, "example.com");
	strcpy(r.vpopmail_dir, "/home/vpopmail");
	strcpy(r.domain_dir, "/home/vpopmail/domains/example.com");
	strcpy(r.user.name, "admin");
	strcpy(r.user.dir, "/home/vpopmail/domains/example.com/admin");
	strcpy(r.user.passwd, "$6$x$y");
	strcpy(r.user.quota, "NOQUOTA");
	r.user.flags = level == 3 ? 0x10000 : 0;
	pr_put_login_reply(&f, &r);
	send_frame(fd);
}

static void
reply_lines(int fd, unsigned kind)
{
	static struct pr_user u;
	struct pr_line l;

	pr_put_ok(&f, 1);
	send_frame(fd);
	memset(&l, 0, sizeof(l));
	strcpy(l.key, "name");
	l.has_value = 1;
	strcpy(l.value, "example.com");
	pr_put_line(&f, &l);
	send_frame(fd);
	if (kind & 1) {
		memset(&u, 0, sizeof(u));
		strcpy(u.name, "user1");
		strcpy(u.quota, "NOQUOTA");
		pr_put_user_reply(&f, &u);
		send_frame(fd);
	} else {
		pr_put_data(&f, "line\r\n..dot\r\n", 13);
		send_frame(fd);
	}
	pr_init(&f, PR_R_END);
	send_frame(fd);
}

/* One reply group per selector: a login (level 1..3), an error, "+OK ",
 * or a list. */
static void
reply_group(int fd, unsigned sel)
{
	struct vp_status st;

	switch (sel % 6) {
	case 0:
		reply_login(fd, 1 + (sel / 6) % 3);
		break;
	case 1:
		vp_status_set(&st, VPM_INVALID_LOGIN, 207);
		pr_put_status(&f, &st);
		send_frame(fd);
		break;
	case 2:
	case 3:
		pr_put_ok(&f, 0);
		send_frame(fd);
		break;
	default:
		reply_lines(fd, sel);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int null_fd = -1;
	int sp[2], pp[2];
	size_t i;

	if (size < SCRIPT || size - SCRIPT > 60000)
		return 0;	/* the pipe must hold the whole client stream */
	if (null_fd < 0 && (null_fd = open("/dev/null", O_WRONLY)) < 0)
		abort();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sp) < 0 || pipe2(pp, O_CLOEXEC) < 0)
		abort();
	/* a login first, then each selector byte twice: most runs get past
	 * the login and through a few commands and a body */
	reply_group(sp[1], data[0] * 6u);
	for (i = 0; i < SCRIPT * 2; i++)
		reply_group(sp[1], data[i / 2] >> (i % 2 ? 4 : 0));
	if (size > SCRIPT &&
	    write(pp[1], data + SCRIPT, size - SCRIPT) != (ssize_t)(size - SCRIPT))
		abort();
	close(pp[1]);

	running = 1;
	if (setjmp(back) == 0)
		fe_session_main(pp[0], null_fd, sp[0], 1);
	running = 0;
	close(pp[0]);
	close(sp[0]);
	close(sp[1]);
	return 0;
}
