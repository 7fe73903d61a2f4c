/*
 * userdir.c - making a new user's directory tree (see userdir.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "errors.h"
#include "fs.h"
#include "rmtree.h"
#include "userdir.h"
#include "validate.h"

int
userdir_name_check(const char *name)
{
	if (strlen(name) > VAL_USER_MAX)
		return VERR_USER_TOO_LONG;
	if (val_new_user_name(name, 1) != VAL_OK)
		return VERR_ILLEGAL_USERNAME;
	return 0;
}

/*
 * mkdir name in parent (0700), then open it as a real directory (never
 * through a link). A directory made here gets mode and owner; with
 * may_exist an existing directory is used as it is. fd or -1.
 */
static int
mkdir_owned(int parent, const char *name, int may_exist, uid_t uid,
    gid_t gid)
{
	int made = 1, fd, e;

	if (mkdirat(parent, name, 0700) < 0) {
		if (errno != EEXIST || !may_exist)
			return -1;
		made = 0;
	}
	fd = fs_open_beneath(parent, name, O_RDONLY | O_DIRECTORY, 0);
	/* the umask may have taken bits; the owner is the domain's */
	if (fd >= 0 && (!made || (fchmod(fd, 0700) == 0 &&
	    atomic_set_owner(fd, uid, gid) == 0)))
		return fd;
	e = errno;
	if (fd >= 0)
		close(fd);
	if (made)	/* empty still: never leave it half set up */
		(void)unlinkat(parent, name, AT_REMOVEDIR);
	errno = e;
	return -1;
}

/* A new file of the fresh tree: content, owner, 0600 (synced with the
 * whole tree by userdir_create). */
static int
write_new(int dirfd, const char *name, const char *s, uid_t uid, gid_t gid)
{
	size_t n = strlen(s);
	ssize_t k;
	int fd, e;

	fd = fs_open_beneath(dirfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -1;
	if (fchmod(fd, 0600) < 0 || atomic_set_owner(fd, uid, gid) < 0)
		goto fail;
	while (n > 0) {
		if ((k = write(fd, s, n)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		s += k;
		n -= (size_t)k;
	}
	return close(fd);
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* Walks (and makes) the hash components: an fd of the directory that
 * will hold the user directory. The caller closes it. */
static int
hash_dir(int domfd, const char *hash, uid_t uid, gid_t gid)
{
	char comp[2] = { 0, 0 };
	int fd = fs_open_beneath(domfd, ".", O_RDONLY | O_DIRECTORY, 0);
	int next;

	for (; fd >= 0 && *hash != '\0'; hash++) {
		if (*hash == '/')
			continue;
		/* allocator hashes are 1-char components (dc_hash_ok) */
		comp[0] = *hash;
		next = mkdir_owned(fd, comp, 1, uid, gid);
		close(fd);
		fd = next;
	}
	return fd;
}

/* Maildir and its three folders, lastauth and maildirsize in userfd. */
static int
fill(int userfd, uid_t uid, gid_t gid, const char *quota)
{
	static const char *const sub[] = { "cur", "new", "tmp" };
	char qline[64];
	int md, fd, i, r = -1;

	if ((md = mkdir_owned(userfd, "Maildir", 0, uid, gid)) < 0)
		return -1;
	for (i = 0; i < 3; i++) {
		if ((fd = mkdir_owned(md, sub[i], 0, uid, gid)) < 0)
			goto out;
		close(fd);
	}
	if (quota[0] != '\0' && strcmp(quota, "NOQUOTA") != 0) {
		/* 6.11: the quota line, then usage of the empty Maildir */
		snprintf(qline, sizeof(qline), "%s\n0 0\n", quota);
		if (write_new(md, "maildirsize", qline, uid, gid) < 0)
			goto out;
	}
	r = write_new(userfd, "lastauth", "0.0.0.0", uid, gid);
out:
	i = errno;
	close(md);
	errno = i;
	return r;
}

/* 1 when fd is on another file system than domfd (a hash directory
 * that is a mount point), -1 on error. */
static int
other_fs(int fd, int domfd)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0 || fstat(domfd, &b) < 0)
		return -1;
	return a.st_dev != b.st_dev;
}

/*
 * One syncfs makes the whole new tree durable (every directory, file and
 * entry, and a new hash directory's entry): the seven fsyncs it replaces
 * each cost a device cache flush. Everything made here is on parent's
 * file system (a new directory is never a mount point). Without sync,
 * that syncfs is left to the caller's commit on domfd's file system -
 * unless the tree is on another one.
 */
static int
make_tree(int domfd, const char *hash, const char *name, uid_t uid,
    gid_t gid, const char *quota, int sync)
{
	int parent, userfd, e, r;

	if (strchr(name, '/') != NULL || name[0] == '.' || name[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	if ((parent = hash_dir(domfd, hash, uid, gid)) < 0)
		return -1;
	if ((userfd = mkdir_owned(parent, name, 0, uid, gid)) < 0) {
		e = errno;
		close(parent);
		errno = e;
		return -1;
	}
	if ((r = fill(userfd, uid, gid, quota)) == 0 && !sync)
		sync = other_fs(parent, domfd);
	if (r < 0 || sync < 0 || (sync && syncfs(parent) < 0)) {
		e = errno;
		close(userfd);
		(void)rmtree_at(parent, name);	/* only what we made */
		close(parent);
		errno = e == EEXIST ? EIO : e;	/* EEXIST means "was there" */
		return -1;
	}
	close(userfd);
	close(parent);
	return 0;
}

int
userdir_create(int domfd, const char *hash, const char *name, uid_t uid,
    gid_t gid, const char *quota)
{
	return make_tree(domfd, hash, name, uid, gid, quota, 1);
}

int
userdir_make(int domfd, const char *hash, const char *name, uid_t uid,
    gid_t gid, const char *quota)
{
	return make_tree(domfd, hash, name, uid, gid, quota, 0);
}
