/*
 * privdrop.c - the frontend's move into an empty root and to its own
 * unprivileged uid, for sandbox.c only. sb_privdrop_chroot() and
 * sb_privdrop_ids() must run as root, in that order, and the latter
 * proves the switch cannot be undone before it reports success.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>

#include "sb_internal.h"

/*
 * The directory is checked and entered through one descriptor, so it
 * cannot be swapped between the check and the chroot. A writable or
 * foreign-owned root would let someone plant files the frontend sees.
 */
int
sb_privdrop_chroot(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (dir == NULL || dir[0] != '/')
		return sb_err(err, errlen, "chroot dir must be absolute");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return sb_err(err, errlen, "%s: %s", dir, strerror(errno));
	if (fstat(fd, &st) == -1) {
		sb_err(err, errlen, "fstat %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		sb_err(err, errlen, "%s: not a root-owned directory writable "
		    "only by root (uid %lu, mode %04o)", dir,
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	if (fchdir(fd) == -1 || chroot(".") == -1 || chdir("/") == -1) {
		sb_err(err, errlen, "chroot %s: %s", dir, strerror(errno));
		goto fail;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

static int
verify_ids(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (getresuid(&r, &e, &s) == -1 || r != uid || e != uid || s != uid)
		return sb_err(err, errlen, "uid switch to %lu incomplete",
		    (unsigned long)uid);
	if (getresgid(&rg, &eg, &sg) == -1 || rg != gid || eg != gid ||
	    sg != gid)
		return sb_err(err, errlen, "gid switch to %lu incomplete",
		    (unsigned long)gid);
	if (getgroups(0, NULL) != 0)
		return sb_err(err, errlen, "supplementary groups remain");
	if (setgid(0) != -1 || setuid(0) != -1)
		return sb_err(err, errlen, "could regain root after the drop");
	return 0;
}

int
sb_privdrop_ids(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	if (uid == 0 || gid == 0)
		return sb_err(err, errlen, "frontend uid/gid must not be 0");
	if (setgroups(0, NULL) == -1)
		return sb_err(err, errlen, "setgroups: %s", strerror(errno));
	if (setresgid(gid, gid, gid) == -1)
		return sb_err(err, errlen, "setresgid %lu: %s",
		    (unsigned long)gid, strerror(errno));
	if (setresuid(uid, uid, uid) == -1)
		return sb_err(err, errlen, "setresuid %lu: %s",
		    (unsigned long)uid, strerror(errno));
	return verify_ids(uid, gid, err, errlen);
}
