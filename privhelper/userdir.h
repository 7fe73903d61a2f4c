/*
 * userdir.h - a new user's directory (STORAGE.md 2.2, 6.6 step 2, 6.11,
 * 6.12) and the name rules it depends on: <domaindir>/[<hash>/]<name>
 * with Maildir/{cur,new,tmp}, every directory 0700 and every file 0600,
 * owned by the domain's uid:gid when the daemon runs as root.
 *
 * Callers: store_user.c. Everything is reached beneath the domain
 * directory fd with fs.h; no path is ever concatenated and opened.
 */
#ifndef VP_USERDIR_H
#define VP_USERDIR_H

#include <sys/types.h>

/* The name checks of add_user in the reference's order (PROTOCOL.md 4.16
 * steps 6, 7, 10; V3): 0, VERR_USER_TOO_LONG, or VERR_ILLEGAL_USERNAME
 * for a 1-character name, '/', a leading '.', "vpasswd", a name of the
 * domain directory's own files or a character outside the set. name
 * must be lower case already. */
int	userdir_name_check(const char *name);

/*
 * Creates the hash directories of hash ("" for none; existing ones are
 * kept) and the user directory name inside them, Maildir, Maildir/cur,
 * new and tmp, lastauth containing "0.0.0.0" (no newline) and, when
 * quota is neither "" nor NOQUOTA, Maildir/maildirsize ("<quota>\n0 0\n").
 * Everything is durable before it returns (one syncfs of its file
 * system), so a vpasswd line written
 * afterwards never points at a half-made directory.
 * 0, or -1 with errno: EEXIST when the user directory already exists
 * (nothing of it is touched then); on any later failure the user
 * directory is removed again.
 */
int	userdir_create(int domfd, const char *hash, const char *name,
	    uid_t, gid_t, const char *quota);
/* The same tree, not yet durable: the caller's next sync of domfd's
 * file system (syncfs, as atomic_commit_all of several files does) must
 * make it so before anything refers to it. A tree that lands on another
 * file system than domfd's is synced here. */
int	userdir_make(int domfd, const char *hash, const char *name,
	    uid_t, gid_t, const char *quota);

#endif
