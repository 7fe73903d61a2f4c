/*
 * linefile.h - line-oriented text files of vpopmail and qmail.
 *
 * The reader: opens a regular file beneath a directory fd without
 * following links and hands out one bounded line at a time (streaming,
 * so a 100 000-user vpasswd never sits in memory). Used by cdbmake.c,
 * vpasswd_write.c, dircontrol.c and the updates below.
 *
 * All errors are -1 with errno.
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

#endif
