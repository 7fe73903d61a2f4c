/*
 * test_storage_util.h - helpers shared by the test_storage_*.c suites:
 * reading a whole file, finding leftover temporaries, extracting the
 * reference fixtures (tests/fixtures, README.md there) into a directory.
 * Include after unit/t.h and unit/tdir.h, from test files only.
 */
#ifndef VP_TEST_STORAGE_UTIL_H
#define VP_TEST_STORAGE_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Reads up to max-1 bytes of path into a malloc'd NUL-terminated buffer;
 * *len gets the size. NULL on error or when the file is larger. */
__attribute__((unused)) static char *
ts_slurp(const char *path, size_t max, size_t *len)
{
	char *buf = malloc(max);
	size_t off = 0;
	ssize_t n;
	int fd;

	if (buf == NULL)
		return NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		free(buf);
		return NULL;
	}
	while (off < max - 1 && (n = read(fd, buf + off, max - 1 - off)) > 0)
		off += (size_t)n;
	close(fd);
	if (off == max - 1) {
		free(buf);
		return NULL;
	}
	buf[off] = '\0';
	if (len != NULL)
		*len = off;
	return buf;
}

/* 1 when path holds exactly the n bytes of want. */
__attribute__((unused)) static int
ts_file_is(const char *path, const void *want, size_t n)
{
	size_t len;
	char *got = ts_slurp(path, n + 2, &len);
	int ok = got != NULL && len == n && memcmp(got, want, n) == 0;

	free(got);
	return ok;
}

/* 1 when files a and b have identical bytes (each at most 64 MiB). */
__attribute__((unused)) static int
ts_same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *pa = ts_slurp(a, 64u << 20, &la), *pb = ts_slurp(b, 64u << 20,
	    &lb);
	int ok = pa != NULL && pb != NULL && la == lb &&
	    memcmp(pa, pb, la) == 0;

	free(pa);
	free(pb);
	return ok;
}

/* Copies file a to b (0600). 0 or -1. */
__attribute__((unused)) static int
ts_copy(const char *a, const char *b)
{
	size_t n;
	char *p = ts_slurp(a, 64u << 20, &n);
	int r;

	if (p == NULL)
		return -1;
	r = t_write(b, p, n);
	free(p);
	return r;
}

/* Number of entries of dir whose name contains ".tmp." (our temporaries
 * and nothing the reference leaves behind). */
__attribute__((unused)) static int
ts_count_temps(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".tmp.") != NULL)
			n++;
	closedir(d);
	return n;
}

/* Where the fixtures are: $VP_FIXTURES, else tests/fixtures below the
 * current directory (make check runs from the top of the tree). */
__attribute__((unused)) static const char *
ts_fixtures(void)
{
	const char *d = getenv("VP_FIXTURES");
	struct stat st;

	if (d == NULL || *d == '\0')
		d = "tests/fixtures";
	return stat(d, &st) == 0 && S_ISDIR(st.st_mode) ? d : NULL;
}

/* Extracts fixtures/<tgz> into dir with tar. 0 or -1. */
__attribute__((unused)) static int
ts_extract(const char *tgz, const char *dir)
{
	char path[PATH_MAX];
	const char *fx = ts_fixtures();
	pid_t pid;
	int st, n;

	if (fx == NULL)
		return -1;
	n = snprintf(path, sizeof(path), "%s/%s", fx, tgz);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		execlp("tar", "tar", "-C", dir, "-xzf", path, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* snprintf into buf or abort the test binary (paths here are short). */
__attribute__((unused, format(printf, 3, 4))) static char *
ts_path(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sz) {
		fprintf(stderr, "path too long\n");
		abort();
	}
	return buf;
}

/* An O_PATH directory fd, as the helper holds them. */
__attribute__((unused)) static int
ts_dirfd(const char *path)
{
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

#endif
