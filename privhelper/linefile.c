/*
 * linefile.c - bounded line reading of the text files (see linefile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "linefile.h"

int
lf_open(int dirfd, const char *rel)
{
	struct stat st;
	int fd;

	fd = fs_open_beneath(dirfd, rel, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

void
lf_init(struct lf_reader *r, int fd)
{
	r->fd = fd;
	r->off = r->len = 0;
	r->eof = 0;
}

static int
refill(struct lf_reader *r)
{
	ssize_t k;

	r->off = r->len = 0;
	do
		k = read(r->fd, r->buf, sizeof(r->buf));
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return -1;
	if (k == 0)
		r->eof = 1;
	r->len = (size_t)k;
	return 0;
}

int
lf_next(struct lf_reader *r, char *line, size_t max, size_t *n, int *nl)
{
	size_t got = 0, take;
	char *end;

	*n = 0;
	*nl = 0;
	for (;;) {
		if (r->off == r->len) {
			if (!r->eof && refill(r) < 0)
				return -1;
			if (r->off == r->len)
				break;		/* end of file */
		}
		end = memchr(r->buf + r->off, '\n', r->len - r->off);
		take = (end != NULL ? (size_t)(end - r->buf) : r->len) - r->off;
		if (got + take >= max) {
			errno = EFBIG;
			return -1;
		}
		memcpy(line + got, r->buf + r->off, take);
		got += take;
		r->off += take;
		if (end != NULL) {
			r->off++;
			*nl = 1;
			break;
		}
	}
	line[got] = '\0';
	*n = got;
	return (got > 0 || *nl) ? 1 : 0;
}
