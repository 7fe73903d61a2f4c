/*
 * rmtree.c - no-follow recursive removal (see rmtree.h).
 *
 * Every directory is opened relative to its parent with O_NOFOLLOW, so a
 * directory swapped for a symlink while we walk is refused by the kernel
 * rather than followed; symlinks are removed with unlinkat like files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rmtree.h"

static int	rm_entry(int dirfd, const char *name, dev_t dev, int depth);

static int
name_ok(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

#define RMTREE_PASSES	4	/* readdir may miss entries removed under it */

/* One pass over the open directory d: removes every entry it lists.
 * Returns how many entries it saw, or -1 (errno of the last failure). */
static int
rm_pass(DIR *d, dev_t dev, int depth)
{
	struct dirent *de;
	int seen = 0, failed = 0, e = 0;

	rewinddir(d);
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				return -1;
			break;
		}
		if (!name_ok(de->d_name))
			continue;
		seen++;
		/* keep going after a failure: remove what can be removed */
		if (rm_entry(dirfd(d), de->d_name, dev, depth + 1) < 0 &&
		    errno != ENOENT) {
			failed = 1;
			e = errno;
		}
	}
	if (failed) {
		errno = e;
		return -1;
	}
	return seen;
}

/* Empties the directory open as fd (which this function closes). */
static int
rm_contents(int fd, dev_t dev, int depth)
{
	DIR *d;
	int i, n = 1, e;

	if ((d = fdopendir(fd)) == NULL) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	for (i = 0; i < RMTREE_PASSES && n > 0; i++)
		n = rm_pass(d, dev, depth);
	e = errno;
	closedir(d);
	if (n != 0) {
		errno = n < 0 ? e : ENOTEMPTY;
		return -1;
	}
	return 0;
}

static int
rm_entry(int dirfd, const char *name, dev_t dev, int depth)
{
	struct stat st, opened;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0);
	if (st.st_dev != dev) {
		errno = EXDEV;
		return -1;
	}
	if (depth >= RMTREE_DEPTH_MAX) {
		errno = ELOOP;
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &opened) < 0 || opened.st_dev != st.st_dev ||
	    opened.st_ino != st.st_ino) {
		close(fd);
		errno = EAGAIN;		/* swapped under us */
		return -1;
	}
	/* an ordinary user's daemon cannot empty its own r-x directory */
	if ((opened.st_mode & (S_IWUSR | S_IXUSR)) != (S_IWUSR | S_IXUSR))
		(void)fchmod(fd, (opened.st_mode & 07777) | S_IRWXU);
	if (rm_contents(fd, dev, depth) < 0)
		return -1;
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

int
rmtree_at(int parentfd, const char *name)
{
	struct stat st;

	if (name == NULL || !name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return rm_entry(parentfd, name, st.st_dev, 0);
}
