/*
 * mailsize.h - the mailbox size of a user as get_user_size and
 * get_domain_size report it (PROTOCOL.md 4.15, 4.23; STORAGE.md 6.11):
 * <home>/Maildir counted by mds_usage (maildirsize.h: new+cur and the
 * Maildir++ folders except .Trash, 'T'-flagged messages skipped, ",S="
 * size else the file size), never through a symlink.
 *
 * Callers: cmd_info.c.
 */
#ifndef VP_MAILSIZE_H
#define VP_MAILSIZE_H

#include "assign.h"
#include "maildirsize.h"
#include "vpasswd.h"

/*
 * Counts the Maildir of pw, a user of the domain dom whose directory is
 * domfd. A home or Maildir that does not exist (yet: STORAGE.md 6.13)
 * holds nothing (0, usage 0). 0, or -1 with errno (EXDEV: the home is
 * not below the domain directory).
 */
int	mailsize_user(int domfd, const struct assign_ent *dom,
	    const struct vpw *pw, struct mds_usage *);

#endif
