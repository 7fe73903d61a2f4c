/*
 * tdir.h - temporary directories for the tests: t_mkdtemp() creates one
 * under $TMPDIR (or /tmp), t_rm_rf() removes a tree without following
 * symlinks, t_write() writes a small file.
 */
#ifndef VP_TESTS_TDIR_H
#define VP_TESTS_TDIR_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Fills buf with a fresh directory path; 0 or -1. */
__attribute__((unused)) static int
t_mkdtemp(char *buf, size_t len, const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	n = snprintf(buf, len, "%s/vpop-%s.XXXXXX", tmp, tag);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return mkdtemp(buf) != NULL ? 0 : -1;
}

__attribute__((unused)) static int
t_rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	if (type == FTW_DNR)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

__attribute__((unused)) static int
t_rm_rf(const char *path)
{
	if (path == NULL || path[0] != '/' || strlen(path) < 6)
		return -1;	/* never "/" or a relative path */
	return nftw(path, t_rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

/* Writes n bytes to path (created 0600, truncated). 0 or -1. */
__attribute__((unused)) static int
t_write(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *s = p;

	if (fd < 0)
		return -1;
	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k <= 0) {
			close(fd);
			return -1;
		}
		s += k;
		n -= (size_t)k;
	}
	return close(fd);
}

#endif
