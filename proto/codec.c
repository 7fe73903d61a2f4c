/*
 * codec.c - bounded encoder/decoder and SEQPACKET transport for the
 * frontend <-> privhelper contract. See codec.h for the rules.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "codec.h"

void
pr_init(struct pr_buf *b, uint16_t type)
{
	b->len = 0;
	b->pos = 0;
	b->bad = 0;
	pr_put_u16(b, type);
}

static void
put_bytes(struct pr_buf *b, const void *p, size_t n)
{
	if (b->bad || n > sizeof(b->data) - b->len) {
		b->bad = 1;
		return;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void
put_le(struct pr_buf *b, uint64_t v, size_t n)
{
	uint8_t tmp[8];
	size_t i;

	for (i = 0; i < n; i++)
		tmp[i] = (uint8_t)(v >> (8 * i));
	put_bytes(b, tmp, n);
}

void pr_put_u8(struct pr_buf *b, uint8_t v) { put_le(b, v, 1); }
void pr_put_u16(struct pr_buf *b, uint16_t v) { put_le(b, v, 2); }
void pr_put_u32(struct pr_buf *b, uint32_t v) { put_le(b, v, 4); }
void pr_put_u64(struct pr_buf *b, uint64_t v) { put_le(b, v, 8); }

void
pr_put_mem(struct pr_buf *b, const char *s, size_t n)
{
	if (n > UINT16_MAX || memchr(s, '\0', n) != NULL) {
		b->bad = 1;
		return;
	}
	pr_put_u16(b, (uint16_t)n);
	put_bytes(b, s, n);
}

void
pr_put_str(struct pr_buf *b, const char *s)
{
	pr_put_mem(b, s, strlen(s));
}

uint16_t
pr_type(const struct pr_buf *b)
{
	if (b->len < 2)
		return 0;
	return (uint16_t)(b->data[0] | (b->data[1] << 8));
}

static int
get_le(struct pr_buf *b, uint64_t *v, size_t n)
{
	size_t i;

	if (b->bad || b->len - b->pos < n) {
		b->bad = 1;
		return -1;
	}
	*v = 0;
	for (i = 0; i < n; i++)
		*v |= (uint64_t)b->data[b->pos + i] << (8 * i);
	b->pos += n;
	return 0;
}

int
pr_get_u8(struct pr_buf *b, uint8_t *v)
{
	uint64_t t;

	if (get_le(b, &t, 1) < 0)
		return -1;
	*v = (uint8_t)t;
	return 0;
}

int
pr_get_u16(struct pr_buf *b, uint16_t *v)
{
	uint64_t t;

	if (get_le(b, &t, 2) < 0)
		return -1;
	*v = (uint16_t)t;
	return 0;
}

int
pr_get_u32(struct pr_buf *b, uint32_t *v)
{
	uint64_t t;

	if (get_le(b, &t, 4) < 0)
		return -1;
	*v = (uint32_t)t;
	return 0;
}

int
pr_get_u64(struct pr_buf *b, uint64_t *v)
{
	return get_le(b, v, 8);
}

int
pr_get_str(struct pr_buf *b, char *dst, size_t dstsz)
{
	uint16_t n;

	if (dstsz == 0 || pr_get_u16(b, &n) < 0)
		goto bad;
	if ((size_t)n >= dstsz || b->len - b->pos < n)
		goto bad;
	if (memchr(b->data + b->pos, '\0', n) != NULL)
		goto bad;
	memcpy(dst, b->data + b->pos, n);
	dst[n] = '\0';
	b->pos += n;
	return 0;
bad:
	b->bad = 1;
	if (dstsz > 0)
		dst[0] = '\0';
	return -1;
}

int
pr_end(const struct pr_buf *b)
{
	return (b->bad || b->pos != b->len) ? -1 : 0;
}

int
pr_send(int fd, struct pr_buf *b)
{
	ssize_t n;

	if (b->bad)
		return -1;
	do
		n = send(fd, b->data, b->len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return (n == (ssize_t)b->len) ? 0 : -1;
}

int
pr_load(struct pr_buf *b, const void *p, size_t n)
{
	b->bad = 0;
	b->pos = 0;
	b->len = 0;
	if (n < 2 || n > sizeof(b->data)) {
		b->bad = 1;
		return -1;
	}
	memcpy(b->data, p, n);
	b->len = n;
	b->pos = 2;
	return 0;
}

/* recvmsg returns 0 both at EOF and for an empty SEQPACKET record; only the
 * hang-up tells them apart. */
static int
peer_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };

	if (poll(&p, 1, 0) < 0)
		return 1;
	return (p.revents & (POLLHUP | POLLRDHUP)) != 0;
}

int
pr_recv(int fd, struct pr_buf *b)
{
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = b->data;
	iov.iov_len = sizeof(b->data);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	b->len = b->pos = 0;
	b->bad = 0;
	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n == 0 && peer_closed(fd))
		return 0;
	/* n == 0 with the peer still there: an empty record, malformed */
	if (n <= 0 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || n < 2) {
		b->bad = 1;
		return -1;
	}
	b->len = (size_t)n;
	b->pos = 2;
	return 1;
}
