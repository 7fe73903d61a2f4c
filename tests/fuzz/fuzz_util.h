/*
 * fuzz_util.h - small helpers shared by the fuzz targets: a private
 * scratch directory per process, writing a file in it, and cutting a
 * name out of the input.
 */
#ifndef VP_FUZZ_UTIL_H
#define VP_FUZZ_UTIL_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh directory under $TMPDIR (or /tmp); its fd (O_DIRECTORY), or
 * -1. The path is left in path when given. */
__attribute__((unused)) static int
fz_tmpdir_path(const char *tag, char *path, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	char buf[4096];

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	if (snprintf(buf, sizeof(buf), "%s/vpop-fuzz-%s.XXXXXX", tmp, tag) >=
	    (int)sizeof(buf) || mkdtemp(buf) == NULL)
		return -1;
	if (path != NULL)
		snprintf(path, len, "%s", buf);
	return open(buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

__attribute__((unused)) static int
fz_tmpdir(const char *tag)
{
	return fz_tmpdir_path(tag, NULL, 0);
}

/* Replaces dirfd/name with n bytes. 0 or -1. */
__attribute__((unused)) static int
fz_put_file(int dirfd, const char *name, const void *p, size_t n)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	ssize_t w = 0;

	if (fd < 0)
		return -1;
	if (n > 0)
		w = write(fd, p, n);
	close(fd);
	return w == (ssize_t)n ? 0 : -1;
}

/* The input's first bytes up to ':', NUL, CR, LF or the end, as a
 * NUL-terminated name of at most len - 1 bytes. */
__attribute__((unused)) static void
fz_token(const uint8_t *data, size_t size, char *out, size_t len)
{
	size_t i;

	for (i = 0; i < size && i + 1 < len; i++) {
		if (data[i] == ':' || data[i] == '\0' || data[i] == '\n' ||
		    data[i] == '\r')
			break;
		out[i] = (char)data[i];
	}
	out[i] = '\0';
}

#endif
