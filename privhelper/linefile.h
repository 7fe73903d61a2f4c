/*
 * linefile.h - line-oriented text files of vpopmail and qmail.
 *
 * The reader: opens a regular file beneath a directory fd without
 * following links and hands out one bounded line at a time (streaming,
 * so a 100 000-user vpasswd never sits in memory). Used by cdbmake.c,
 * vpasswd_write.c, dircontrol.c and the updates below.
 *
 * The updates (STORAGE.md 4.1, 4.3, 4.4, 4.7): qmail's users/assign
 * (type A), rcpthosts / morercpthosts (type R) and virtualdomains (type
 * V), each changed under "<file>.lock" by temp + rename, mode 0644, with
 * the reference's insertion order so files stay identical to what its
 * tools write. Foreign lines are kept byte for byte and never reordered
 * (the reference re-sorts a file it finds unsorted; we do not), and an
 * assign line behind the "." stays behind it (the reference would
 * activate it). Callers: the privhelper's domain operations.
 *
 * All errors are -1 with errno (EEXIST: insert of a name already there;
 * EBADMSG: a line over LF_LINE_MAX; ETIMEDOUT: the lock stayed held).
 */
#ifndef VP_LINEFILE_H
#define VP_LINEFILE_H

#include <stddef.h>
#include <sys/types.h>

#define LF_BUFSZ	8192

struct lf_reader {
	int	fd;		/* borrowed */
	size_t	off, len;
	int	eof;
	char	buf[LF_BUFSZ];
};

/* Opens rel beneath dirfd for reading; refuses anything but a regular
 * file (a FIFO planted there does not block us). fd or -1 (ENOENT when
 * it does not exist). */
int	lf_open(int dirfd, const char *rel);
void	lf_init(struct lf_reader *, int fd);
/*
 * Next line into line[0..max-1], without its '\n', NUL-terminated (the
 * line may itself contain NUL bytes: use *n). *nl = 1 when the line was
 * terminated by '\n' (0: the file's unterminated tail). Returns 1 for a
 * line, 0 at end of file, -1 on error: EFBIG when the line needs more
 * than max-1 bytes, else the read error.
 */
int	lf_next(struct lf_reader *, char *line, size_t max, size_t *n,
	    int *nl);


#define LF_LINE_MAX	4096	/* bytes of a control-file line */
#define LF_MRH_AT	50	/* rcpthosts lines before morercpthosts */

enum lf_kind {
	LF_ASSIGN,	/* "+name-:real:uid:gid:dir:-::" ... "." */
	LF_HOSTS,	/* "name" */
	LF_VIRTUAL	/* "name:name" */
};

/* The reference sort key of a line (4.7) into key (NUL-terminated). */
void	lf_sort_key(enum lf_kind, const char *line, size_t n, char *key,
	    size_t ksz);

/* Inserts line (no '\n') into file in dirfd before the first line whose
 * sort key is greater; EEXIST when a line of the same name exists. */
int	lf_insert(int dirfd, const char *file, enum lf_kind, const char *line);
/* Removes every line byte-identical to one of lines[0..n-1]. Returns how
 * many were removed; a missing file is left missing (0). */
int	lf_remove(int dirfd, const char *file, const char *const *lines,
	    size_t n);
/* Number of lines of file (a missing file has 0). */
int	lf_count(int dirfd, const char *file);

/* "+<name>-:<real>:<uid>:<gid>:<dir>:-::" into out. 0, or -1: EINVAL
 * when a name is not a domain name or dir is not a clean absolute path,
 * E2BIG when it does not fit. */
int	lf_assign_line(const char *name, const char *real, unsigned long uid,
	    unsigned long gid, const char *dir, char *out, size_t);
/* users/assign changes; users/cdb is rebuilt before users/assign.lock
 * is released (STORAGE.md 13.3 item 3). If that rebuild fails (foreign
 * lines qmail-newu would refuse: EBADMSG), assign keeps the change, the
 * old users/cdb stays, and -1 is returned: call cdb_build_users again
 * once the file is repaired. */
int	lf_assign_add(int qmailfd, const char *line);
int	lf_assign_remove(int qmailfd, const char *const *lines, size_t n);
/* A name into control/rcpthosts while it has fewer than 50 lines, else
 * into control/morercpthosts, whose cdb is then rebuilt. Returns 0 for
 * rcpthosts, 1 for morercpthosts, or -1 (EINVAL: not a domain name;
 * EEXIST: in either file already). */
int	lf_hosts_add(int qmailfd, const char *name);
/* Names out of both files; morercpthosts.cdb is rebuilt whenever
 * morercpthosts changed, or both are removed when it became empty.
 * Returns the number of lines removed. */
int	lf_hosts_remove(int qmailfd, const char *const *names, size_t n);
/* "<name>:<name>" into / out of control/virtualdomains (EINVAL as
 * lf_hosts_add). */
int	lf_virtual_add(int qmailfd, const char *name);
int	lf_virtual_remove(int qmailfd, const char *const *names, size_t n);

#endif
