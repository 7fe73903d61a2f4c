/*
 * handoff.c - the two messages of a hand-off (see handoff.h): a fixed
 * struct to the helper, one byte with one descriptor to the frontend.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "handoff.h"
#include "util.h"

#define HANDOFF_MAGIC	0x76706866u	/* "vphf" */
#define HANDOFF_BYTE	'F'

struct handoff_msg {
	uint32_t	magic;
	uint32_t	flags;
	char		peer[HANDOFF_PEER_MAX];
};

int
handoff_send_peer(int chan, unsigned flags, const char *peer)
{
	struct handoff_msg m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.magic = HANDOFF_MAGIC;
	m.flags = flags;
	vp_strlcpy(m.peer, peer, sizeof(m.peer));
	n = send(chan, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL);
	return n == (ssize_t)sizeof(m) ? 0 : -1;
}

int
handoff_send_fd(int chan, int fd)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct iovec iov;
	char b = HANDOFF_BYTE;

	memset(&msg, 0, sizeof(msg));
	memset(&c, 0, sizeof(c));
	iov.iov_base = &b;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = c.buf;
	msg.msg_controllen = sizeof(c.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(chan, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) == 1 ? 0 : -1;
}

int
handoff_wait(int chan, int watch)
{
	struct pollfd p[2];

	p[0].fd = chan;
	p[0].events = POLLIN;
	p[1].fd = watch;
	p[1].events = POLLIN;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		/* the listener sends before the partner can hear of a
		 * client, so a ready chan wins over a ready watch */
		if (p[0].revents & POLLIN)
			return 1;
		if (p[0].revents || p[1].revents)
			return 0;
	}
}

static int
peer_chars_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || *s == '.' || *s == ':'))
			return 0;
	return 1;
}

int
handoff_recv_peer(int chan, unsigned *flags, char *peer, size_t len)
{
	struct handoff_msg m;
	ssize_t n;

	n = recv(chan, &m, sizeof(m), MSG_TRUNC);
	if (n != (ssize_t)sizeof(m) || m.magic != HANDOFF_MAGIC ||
	    memchr(m.peer, '\0', sizeof(m.peer)) == NULL ||
	    !peer_chars_ok(m.peer) || strlen(m.peer) >= len)
		return -1;
	*flags = m.flags;
	memcpy(peer, m.peer, strlen(m.peer) + 1);
	return 0;
}

/* Closes every descriptor of every SCM_RIGHTS in msg; the count. */
static int
close_rights(struct msghdr *msg, int *keep)
{
	struct cmsghdr *cm;
	int fd, n = 0;
	size_t i, k;

	*keep = -1;
	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (n++ == 0)
				*keep = fd;
			else
				close(fd);
		}
	}
	return n;
}

int
handoff_recv_fd(int chan)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 4)];
	} c;
	struct msghdr msg;
	struct iovec iov;
	char b[2];
	ssize_t n;
	int fd, count;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = b;
	iov.iov_len = sizeof(b);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = c.buf;
	msg.msg_controllen = sizeof(c.buf);
	n = recvmsg(chan, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	count = close_rights(&msg, &fd);
	if (n != 1 || b[0] != HANDOFF_BYTE || count != 1 ||
	    (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}
