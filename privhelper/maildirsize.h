/*
 * maildirsize.h - the Maildir++ quota file of one user,
 * <home>/Maildir/maildirsize (STORAGE.md 6.11), as vpopmail leaves it
 * after a quota change: removed, and unless the new quota is "" or
 * NOQUOTA rebuilt from what the mailbox holds now.
 *
 * Callers: mod_user (cmd_moduser.c) after the new quota was saved.
 * Everything is reached beneath the user's home directory fd without
 * following a symlink (fs.h), so a planted link cannot make the daemon
 * count or write outside the mailbox.
 */
#ifndef VP_MAILDIRSIZE_H
#define VP_MAILDIRSIZE_H

#include <stdint.h>
#include <sys/types.h>

struct mds_usage {
	uint64_t	bytes;
	uint64_t	count;
};

/*
 * Sums the messages of Maildir/new and Maildir/cur and of every
 * Maildir/.<folder> except .Trash: entries starting with '.' and
 * messages whose ":2," flags hold 'T' are skipped; a message's size is
 * its ",S=<n>" name part, else its lstat size (only regular files
 * count). maildirfd: the Maildir. 0 or -1 with errno.
 */
int	mds_usage(int maildirfd, struct mds_usage *);

/*
 * Removes home/Maildir/maildirsize, then, unless quota is "" or
 * NOQUOTA, writes "<quota>\n<bytes> <count>\n" to a temporary in
 * Maildir/tmp (owner uid:gid when root, mode 0600), fsyncs it and renames
 * it to Maildir/maildirsize. homefd: the user's directory (O_PATH is
 * enough). A home without a Maildir is left alone (0). 0 or -1 with
 * errno; on failure no half-written maildirsize is left behind.
 */
int	mds_rebuild(int homefd, const char *quota, uid_t, gid_t);

#endif
