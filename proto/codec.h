/*
 * codec.h - the typed messages the frontend and the privhelper exchange
 * over a SOCK_SEQPACKET socketpair: one message per record.
 *
 * A message is a 16-bit type followed by fields in an order fixed per type:
 * u8, u16, u32, u64 (little-endian) and strings (u16 length + bytes, never
 * a NUL, never longer than the bound the reader gives). Readers must
 * consume a message exactly (pr_end); any excess, shortfall, oversize or
 * embedded NUL marks the buffer bad and every later get fails.
 */
#ifndef VP_CODEC_H
#define VP_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define PR_MAX_FRAME	65536

struct pr_buf {
	size_t		len;	/* bytes in data */
	size_t		pos;	/* read position */
	int		bad;	/* set by any failed put/get */
	uint8_t		data[PR_MAX_FRAME];
};

/* Writer. pr_put_* never write past the frame; overflow sets bad. */
void	pr_init(struct pr_buf *, uint16_t type);
void	pr_put_u8(struct pr_buf *, uint8_t);
void	pr_put_u16(struct pr_buf *, uint16_t);
void	pr_put_u32(struct pr_buf *, uint32_t);
void	pr_put_u64(struct pr_buf *, uint64_t);
void	pr_put_str(struct pr_buf *, const char *s);
void	pr_put_mem(struct pr_buf *, const char *s, size_t n);

/* Reader over a received frame. All return 0 on success, -1 on failure. */
uint16_t pr_type(const struct pr_buf *);
int	pr_get_u8(struct pr_buf *, uint8_t *);
int	pr_get_u16(struct pr_buf *, uint16_t *);
int	pr_get_u32(struct pr_buf *, uint32_t *);
int	pr_get_u64(struct pr_buf *, uint64_t *);
/* Copies a string into dst (size dstsz, so at most dstsz-1 bytes) and
 * NUL-terminates it; a longer string or one with a NUL fails. */
int	pr_get_str(struct pr_buf *, char *dst, size_t dstsz);
/* 0 when the whole frame was consumed and nothing failed. */
int	pr_end(const struct pr_buf *);

/* Transport. pr_send: 0 or -1. pr_recv: 1 frame, 0 EOF, -1 error
 * (including a truncated or runt record). Both retry on EINTR. */
int	pr_send(int fd, struct pr_buf *);
int	pr_recv(int fd, struct pr_buf *);
/* Decode a frame already in memory (fuzzing, tests). 0 or -1. */
int	pr_load(struct pr_buf *, const void *p, size_t n);

#endif
