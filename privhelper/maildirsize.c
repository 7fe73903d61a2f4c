/*
 * maildirsize.c - rebuilding Maildir/maildirsize (see maildirsize.h).
 * Directories are walked with fdopendir on fds opened beneath the
 * Maildir; sizes come from fstatat(AT_SYMLINK_NOFOLLOW), so a symlink in
 * a folder is neither followed nor counted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "fs.h"
#include "maildirsize.h"
#include "quota.h"

/* The ",S=<n>" part of a Maildir++ file name, up to the ':' of the
 * flags; 1 found, 0 not. */
static int
size_from_name(const char *name, uint64_t *size)
{
	const char *p = name, *end = strchr(name, ':');
	uint64_t v = 0;

	while ((p = strstr(p, ",S=")) != NULL && (end == NULL || p < end)) {
		p += 3;
		if (*p < '0' || *p > '9')
			continue;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (v > (UINT64_MAX - 9) / 10)
				return 0;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		*size = v;
		return 1;
	}
	return 0;
}

/* Marked for deletion: 'T' among the flags after ":2,". */
static int
trashed(const char *name)
{
	const char *f = strstr(name, ":2,");

	return f != NULL && strchr(f + 3, 'T') != NULL;
}

/* One new/ or cur/ directory. A missing one counts nothing. */
static int
count_dir(int parent, const char *sub, struct mds_usage *u)
{
	struct dirent *de;
	struct stat st;
	uint64_t size;
	DIR *d;
	int fd;

	if ((fd = fs_open_beneath(parent, sub, O_RDONLY | O_DIRECTORY, 0)) < 0)
		return errno == ENOENT ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || trashed(de->d_name))
			continue;
		if (!size_from_name(de->d_name, &size)) {
			if (fstatat(fd, de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
				continue;
			size = (uint64_t)st.st_size;
		}
		u->bytes += size;
		u->count++;
	}
	closedir(d);
	return errno == 0 ? 0 : -1;
}

static int
count_folder(int parent, const char *folder, struct mds_usage *u)
{
	int fd, r;

	if ((fd = fs_open_beneath(parent, folder, O_PATH | O_DIRECTORY,
	    0)) < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ?
		    0 : -1;
	r = count_dir(fd, "new", u) < 0 || count_dir(fd, "cur", u) < 0 ?
	    -1 : 0;
	close(fd);
	return r;
}

int
mds_usage(int maildirfd, struct mds_usage *u)
{
	struct dirent *de;
	DIR *d;
	int fd;

	u->bytes = u->count = 0;
	if (count_folder(maildirfd, ".", u) < 0)
		return -1;
	if ((fd = fs_open_beneath(maildirfd, ".", O_RDONLY | O_DIRECTORY,
	    0)) < 0)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.' || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".Trash") == 0)
			continue;
		if (count_folder(fd, de->d_name, u) < 0)
			break;
	}
	closedir(d);
	return errno == 0 ? 0 : -1;
}

/* "<time>.<pid>_NeWmAiLdIrSiZe.<host>" with the host name made safe to
 * be a single path component. */
static void
temp_name(char *buf, size_t n)
{
	char host[64];
	size_t i;

	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i] != '\0'; i++)
		if (host[i] == '/' || host[i] == ':' ||
		    (unsigned char)host[i] < 0x21)
			host[i] = '_';
	snprintf(buf, n, "%lld.%ld_NeWmAiLdIrSiZe.%s", (long long)time(NULL),
	    (long)getpid(), host[0] ? host : "localhost");
}

static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The new file, through Maildir/tmp. */
static int
write_new(int maildirfd, const char *quota, const struct mds_usage *u,
    uid_t uid, gid_t gid)
{
	char name[160], text[128];
	int tmpfd, fd, n, e;

	n = snprintf(text, sizeof(text), "%s\n%llu %llu\n", quota,
	    (unsigned long long)u->bytes, (unsigned long long)u->count);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		errno = E2BIG;
		return -1;
	}
	if ((tmpfd = fs_open_beneath(maildirfd, "tmp", O_PATH | O_DIRECTORY,
	    0)) < 0)
		return -1;
	temp_name(name, sizeof(name));
	fd = openat(tmpfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		close(tmpfd);
		errno = e;
		return -1;
	}
	if (atomic_set_owner(fd, uid, gid) < 0 || fchmod(fd, 0600) < 0 ||
	    write_all(fd, text, (size_t)n) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0 ||
	    renameat(tmpfd, name, maildirfd, "maildirsize") < 0) {
		e = errno;
		goto fail;
	}
	close(tmpfd);
	return fsync(maildirfd);
fail:
	unlinkat(tmpfd, name, 0);
	close(tmpfd);
	errno = e;
	return -1;
}

int
mds_rebuild(int homefd, const char *quota, uid_t uid, gid_t gid)
{
	struct mds_usage u;
	int mfd, r;

	if ((mfd = fs_open_beneath(homefd, "Maildir", O_RDONLY | O_DIRECTORY,
	    0)) < 0)
		return errno == ENOENT ? 0 : -1;
	if (unlinkat(mfd, "maildirsize", 0) < 0 && errno != ENOENT) {
		r = -1;
	} else if (pol_quota_is_none(quota)) {
		r = 0;
	} else {
		r = mds_usage(mfd, &u) < 0 ? -1 :
		    write_new(mfd, quota, &u, uid, gid);
	}
	if (r < 0) {
		int e = errno;

		close(mfd);
		errno = e;
		return -1;
	}
	close(mfd);
	return 0;
}
