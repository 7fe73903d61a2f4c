/*
 * test_handoff.c - the hand-off messages of the pre-forked sessions
 * (privhelper/handoff.h): the frontend takes exactly one descriptor in
 * exactly one well-formed message and refuses (closing whatever arrived)
 * a message with none, with two, with two SCM_RIGHTS blocks, with more
 * data, or one whose descriptors do not fit; the helper takes only a
 * well-formed peer; handoff_wait tells the hand-off from a partner that
 * ended first.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit/t.h"
#include "handoff.h"

static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own */
}

/* Sends len bytes of data with nfd descriptors in one SCM_RIGHTS block,
 * or split into two blocks when split. */
static int
send_fds(int chan, const char *data, size_t len, const int *fds, int nfd,
    int split)
{
	union {
		struct cmsghdr	hdr;
		char		buf[2 * CMSG_SPACE(sizeof(int) * 4)];
	} c;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct iovec iov;
	int first = split ? 1 : nfd;

	memset(&msg, 0, sizeof(msg));
	memset(&c, 0, sizeof(c));
	iov.iov_base = (void *)data;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfd > 0) {
		msg.msg_control = c.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)first) +
		    (split ? CMSG_SPACE(sizeof(int) * (size_t)(nfd - 1)) : 0);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)first);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)first);
		if (split) {
			cm = CMSG_NXTHDR(&msg, cm);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)(nfd - 1));
			memcpy(CMSG_DATA(cm), fds + 1,
			    sizeof(int) * (size_t)(nfd - 1));
		}
	}
	return sendmsg(chan, &msg, 0) == (ssize_t)len ? 0 : -1;
}

static void
refused(const char *what, const char *data, size_t len, int nfd, int split)
{
	int sp[2], fds[3], i, before, got;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0)
		return;
	for (i = 0; i < nfd; i++)
		fds[i] = open("/dev/null", O_RDONLY);
	send_fds(sp[0], data, len, fds, nfd, split);
	for (i = 0; i < nfd; i++)
		close(fds[i]);
	before = open_fds();
	got = handoff_recv_fd(sp[1]);
	CHECK(got == -1 && open_fds() == before, "refused: %s (%d, "
	    "descriptors open %d -> %d)", what, got, before, open_fds());
	close(sp[0]);
	close(sp[1]);
}

static void
test_fd(void)
{
	int sp[2], fd, got, before;
	struct stat st1, st2;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0)
		return;
	fd = open("/dev/null", O_RDONLY);
	CHECK(handoff_send_fd(sp[0], fd) == 0, "one descriptor sent");
	before = open_fds();
	got = handoff_recv_fd(sp[1]);
	fstat(fd, &st1);
	fstat(got, &st2);
	CHECK(got >= 0 && st1.st_ino == st2.st_ino && open_fds() == before + 1,
	    "one descriptor in one message is taken (%d)", got);
	CHECK(fcntl(got, F_GETFD) == FD_CLOEXEC, "close-on-exec");
	close(got);
	close(fd);
	close(sp[0]);
	close(sp[1]);

	refused("a message without a descriptor", "F", 1, 0, 0);
	refused("two descriptors in one block", "F", 1, 2, 0);
	refused("two SCM_RIGHTS blocks", "F", 1, 2, 1);
	refused("three descriptors", "F", 1, 3, 0);
	refused("more data than the one byte", "FF", 2, 1, 0);
	refused("another byte", "X", 1, 1, 0);
}

/* More descriptors than the receiver's RLIMIT_NOFILE leaves room for:
 * the kernel truncates (MSG_CTRUNC); nothing stays open. */
static void
test_ctrunc(void)
{
	struct rlimit old, rl;
	int sp[2], fds[3], i, got, before;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0)
		return;
	for (i = 0; i < 3; i++)
		fds[i] = open("/dev/null", O_RDONLY);
	send_fds(sp[0], "F", 1, fds, 3, 0);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	before = open_fds();
	getrlimit(RLIMIT_NOFILE, &old);
	rl = old;
	/* room for exactly one more descriptor (and none for opendir) */
	rl.rlim_cur = (rlim_t)sp[1] + 2;
	setrlimit(RLIMIT_NOFILE, &rl);
	got = handoff_recv_fd(sp[1]);
	setrlimit(RLIMIT_NOFILE, &old);
	CHECK(got == -1 && open_fds() == before, "refused: three descriptors "
	    "where only one fits (truncated) (%d, open %d -> %d)", got, before,
	    open_fds());
	close(sp[0]);
	close(sp[1]);
}

static void
test_peer(void)
{
	char peer[64], raw[72];
	unsigned flags = 0;
	int sp[2];
	uint32_t magic = 0x76706866u, f = 1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0)
		return;
	peer[0] = '\0';
	if (handoff_send_peer(sp[0], 1, "2001:db8::1") < 0 ||
	    handoff_recv_peer(sp[1], &flags, peer, sizeof(peer)) < 0)
		flags = 99;
	CHECK(strcmp(peer, "2001:db8::1") == 0 && flags == 1,
	    "a peer and the flags arrive (%s, %u)", peer, flags);
	memset(raw, 'a', sizeof(raw));
	memcpy(raw, &magic, 4);
	memcpy(raw + 4, &f, 4);
	send(sp[0], raw, sizeof(raw), 0);
	CHECK(handoff_recv_peer(sp[1], &flags, peer, sizeof(peer)) < 0,
	    "a peer without its terminating NUL is refused");
	memset(raw + 8, 0, 64);
	memcpy(raw + 8, "1.2.3.4 x", 9);
	send(sp[0], raw, sizeof(raw), 0);
	CHECK(handoff_recv_peer(sp[1], &flags, peer, sizeof(peer)) < 0,
	    "a peer with a space is refused");
	memcpy(raw + 8, "1.2.3.4\0", 8);
	send(sp[0], raw, sizeof(raw) - 1, 0);
	CHECK(handoff_recv_peer(sp[1], &flags, peer, sizeof(peer)) < 0,
	    "a short message is refused");
	send(sp[0], raw, sizeof(raw), 0);
	CHECK(handoff_recv_peer(sp[1], &flags, peer, 4) < 0,
	    "a peer longer than the caller's buffer is refused");
	close(sp[0]);
	CHECK(handoff_recv_peer(sp[1], &flags, peer, sizeof(peer)) < 0,
	    "end of file is no hand-off");
	close(sp[1]);
}

static void
test_wait(void)
{
	char peer[64];
	unsigned flags;
	int a[2], b[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, b) < 0)
		return;
	send(a[0], "x", 1, 0);
	send(b[0], "y", 1, 0);
	CHECK(handoff_wait(a[1], b[1]) == 1, "the hand-off wins over a "
	    "partner that spoke at the same time");
	close(a[0]);
	close(a[1]);
	close(b[0]);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a) < 0)
		return;
	CHECK(handoff_wait(a[1], b[1]) == 0, "a partner that ended first: "
	    "no hand-off");
	close(a[0]);
	CHECK(handoff_wait(a[1], b[1]) == 1 &&
	    handoff_recv_peer(a[1], &flags, peer, sizeof(peer)) < 0,
	    "a listener that closed the channel: readable, but no hand-off");
	close(a[1]);
	close(b[1]);
}

int
main(void)
{
	test_fd();
	test_ctrunc();
	test_peer();
	test_wait();
	return t_done("test_handoff");
}
