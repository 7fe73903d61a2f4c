/*
 * mailsize.c - one user's mailbox size (see mailsize.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fs.h"
#include "mailsize.h"

int
mailsize_user(int domfd, const struct assign_ent *dom, const struct vpw *pw,
    struct mds_usage *u)
{
	char rel[PR_FIELD_MAX];
	int homefd, mfd, r, e;

	u->bytes = u->count = 0;
	if (fs_relative(dom->dir, pw->dir, rel, sizeof(rel)) < 0) {
		errno = EXDEV;
		return -1;
	}
	if ((homefd = fs_open_beneath(domfd, rel, O_PATH | O_DIRECTORY,
	    0)) < 0)
		return errno == ENOENT ? 0 : -1;
	mfd = fs_open_beneath(homefd, "Maildir", O_PATH | O_DIRECTORY, 0);
	e = errno;
	close(homefd);
	if (mfd < 0)
		return e == ENOENT ? 0 : (errno = e, -1);
	r = mds_usage(mfd, u);
	e = errno;
	close(mfd);
	errno = e;
	return r;
}
