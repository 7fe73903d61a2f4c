/*
 * qmailfile.h - the dot-qmail files of a domain directory (STORAGE.md 11):
 * alias names and their file names, appending and removing one delivery
 * line, deleting, and the sorted scan of the ".qmail-*" entries that
 * list_alias and list_lists walk.
 *
 * Every entry is reached beneath the domain directory's fd. Writes never
 * follow a link: a ".qmail-x" that is a symbolic link is refused. A
 * reader may follow a link one step when it points inside the domain
 * directory (ezmlm-make links ".qmail-<list>" to "<list>/editor"); the
 * target is then opened beneath the domain directory without further
 * links. Rewrites are temp + fsync + rename under the domain's alias
 * lock (qf_lock), owner the domain's uid:gid (when root), mode 0600.
 *
 * Callers: cmd_alias.c; write_file may take qf_lock around its own
 * ".qmail-*" rewrites. Errors are -1 with errno.
 */
#ifndef VP_QMAILFILE_H
#define VP_QMAILFILE_H

#include <stddef.h>
#include <sys/types.h>

#define QF_PREFIX	".qmail-"
#define QF_ALIAS_MAX	64	/* STORAGE.md 1.4: the user-name limit */
#define QF_LINE_MAX	159	/* 11.3: a line must be < 160 bytes */
#define QF_NAME_MAX	(sizeof(QF_PREFIX) + QF_ALIAS_MAX)
#define QF_SCAN_MAX	100000	/* entries a scan accepts */

/* ".qmail-<alias with '.' as ':'>" into out (QF_NAME_MAX). 0, or -1
 * (EINVAL) for an empty or over-long name, a '/', a ':', a control or
 * blank byte, or a name that encodes to "default" (the catch-all). */
int	qf_file_name(const char *alias, char *out, size_t outsz);
/* The alias of a file name: prefix removed, ':' back to '.'. */
void	qf_alias_of(const char *file, char *out, size_t outsz);
/* A delivery line add_alias may store: 1..QF_LINE_MAX bytes, no
 * control byte (0x00-0x1f, 0x7f), not only blanks. 1 or 0. */
int	qf_line_ok(const char *line);

/* The domain's alias lock: flock(2) on the domain directory itself
 * (vpopmail takes no lock on these files, so none of its tools is
 * excluded; it serialises our own sessions). fd to pass to qf_unlock,
 * or -1 (ETIMEDOUT after timeout_s). */
int	qf_lock(int domfd, int timeout_s);
void	qf_unlock(int lockfd);

/* Appends line + '\n' to file (created when missing; an unterminated
 * last line gets its '\n' first). Refuses a link or a non-regular file
 * (ELOOP / EINVAL). Call under qf_lock. */
int	qf_append(int domfd, const char *file, const char *line, uid_t, gid_t);
/* Removes every line equal to line (a stored trailing CR ignored);
 * the file is deleted when no line remains. Returns the number of lines
 * removed (0: file untouched), or -1 (ENOENT: no such file). Call under
 * qf_lock. */
int	qf_remove_line(int domfd, const char *file, const char *line, uid_t,
	    gid_t);

/* Opens a ".qmail-*" entry for reading: a regular file, or a link whose
 * target lies inside the domain directory dir_abs (one step, see
 * above). fd, or -1 (ELOOP: a link pointing elsewhere). */
int	qf_open_entry(int domfd, const char *dir_abs, const char *file);

struct qf_entry {
	char	*name;		/* the directory entry, ".qmail-..." */
	int	 is_link;
};
struct qf_scan {
	struct qf_entry	*e;
	size_t		 n;
};
/* Every regular file and symbolic link named ".qmail-*" of the domain
 * directory, sorted case-insensitively (then bytewise). 0 or -1. */
int	qf_scan(int domfd, struct qf_scan *);
void	qf_scan_free(struct qf_scan *);

#endif
