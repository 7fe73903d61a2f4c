/*
 * fs.c - no-follow, beneath-only file access for the privhelper.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs.h"

int
fs_open_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned)(flags | O_CLOEXEC);
	if (flags & (O_CREAT | O_TMPFILE))
		how.mode = mode;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	do
		fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	while (fd < 0 && errno == EINTR);
	return (int)fd;
}

int
fs_relative(const char *base, const char *abs, char *rel, size_t relsz)
{
	size_t blen = strlen(base);

	while (blen > 1 && base[blen - 1] == '/')
		blen--;
	if (strncmp(abs, base, blen) != 0 || abs[blen] != '/')
		return -1;
	abs += blen;
	while (*abs == '/')
		abs++;
	if (*abs == '\0' || strlen(abs) >= relsz)
		return -1;
	memcpy(rel, abs, strlen(abs) + 1);
	return 0;
}

ssize_t
fs_read_small(int dirfd, const char *rel, char *buf, size_t max)
{
	size_t off = 0;
	ssize_t n;
	int fd, e;

	if ((fd = fs_open_beneath(dirfd, rel, O_RDONLY | O_NOCTTY, 0)) < 0)
		return -1;
	for (;;) {
		if (off == max - 1) {
			char c;

			n = read(fd, &c, 1);
			if (n > 0) {
				close(fd);
				errno = EFBIG;
				return -1;
			}
			break;
		}
		n = read(fd, buf + off, max - 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
	}
	buf[off] = '\0';
	return (ssize_t)off;
}
