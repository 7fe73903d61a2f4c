/*
 * qmailfile.c - dot-qmail files of a domain directory (see qmailfile.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "fs.h"
#include "linefile.h"
#include "qmailfile.h"

#define QF_MODE		0600
#define QF_READ_LINE	(LF_LINE_MAX + 1)

int
qf_file_name(const char *alias, char *out, size_t outsz)
{
	size_t n = strlen(alias), i, plen = sizeof(QF_PREFIX) - 1;

	if (n == 0 || n > QF_ALIAS_MAX || plen + n + 1 > outsz ||
	    strcmp(alias, "default") == 0) {
		errno = EINVAL;
		return -1;
	}
	memcpy(out, QF_PREFIX, plen);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)alias[i];

		if (c <= ' ' || c == 0x7f || c == '/' || c == ':') {
			errno = EINVAL;
			return -1;
		}
		out[plen + i] = c == '.' ? ':' : (char)c;
	}
	out[plen + n] = '\0';
	return 0;
}

void
qf_alias_of(const char *file, char *out, size_t outsz)
{
	size_t plen = sizeof(QF_PREFIX) - 1, i;

	if (strncmp(file, QF_PREFIX, plen) == 0)
		file += plen;
	for (i = 0; file[i] != '\0' && i + 1 < outsz; i++)
		out[i] = file[i] == ':' ? '.' : file[i];
	if (outsz > 0)
		out[i] = '\0';
}

int
qf_line_ok(const char *line)
{
	size_t n = strlen(line), i;
	int blank = 1;

	if (n == 0 || n > QF_LINE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c != ' ')
			blank = 0;
	}
	return !blank;
}

int
qf_lock(int domfd, int timeout_s)
{
	struct timespec step = { 0, 100000000L };
	long tries = (long)timeout_s * 10;
	int fd, r, e;

	if ((fd = fs_open_beneath(domfd, ".", O_RDONLY | O_DIRECTORY, 0)) < 0)
		return -1;
	while ((r = flock(fd, LOCK_EX | LOCK_NB)) < 0 &&
	    (errno == EWOULDBLOCK || errno == EINTR) && tries-- > 0)
		(void)nanosleep(&step, NULL);
	if (r < 0) {
		e = errno == EWOULDBLOCK ? ETIMEDOUT : errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void
qf_unlock(int lockfd)
{
	if (lockfd >= 0)
		close(lockfd);		/* releases the flock */
}

/* Strips one trailing CR from (line, *n). */
static void
strip_cr(const char *line, size_t *n)
{
	if (*n > 0 && line[*n - 1] == '\r')
		(*n)--;
}

/*
 * The rewrite both updates share: every line of the old file except
 * those equal to drop (NULL: none) is copied to a temporary, then add
 * (NULL: none) is appended. An empty result removes the file. Returns
 * the number of lines dropped, or -1.
 */
static int
rewrite(int domfd, const char *file, const char *drop, const char *add,
    uid_t uid, gid_t gid)
{
	static struct lf_reader rd;
	static char line[QF_READ_LINE];
	struct atomic_file af;
	size_t n, m, kept = 0;
	int fd, nl, r, dropped = 0, e;

	fd = lf_open(domfd, file);
	if (fd < 0 && (errno != ENOENT || add == NULL))
		return -1;
	if (atomic_begin(domfd, file, uid, gid, QF_MODE, &af) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	if (fd >= 0) {
		lf_init(&rd, fd);
		while ((r = lf_next(&rd, line, sizeof(line), &n, &nl)) == 1) {
			m = n;
			strip_cr(line, &m);
			if (drop != NULL && m == strlen(drop) &&
			    memcmp(line, drop, m) == 0) {
				dropped++;
				continue;
			}
			(void)atomic_write(&af, line, n);
			(void)atomic_write(&af, "\n", 1);
			kept++;
		}
		e = errno;
		close(fd);
		if (r < 0) {
			atomic_abort(&af);
			errno = e;
			return -1;
		}
	}
	if (add != NULL) {
		(void)atomic_write(&af, add, strlen(add));
		(void)atomic_write(&af, "\n", 1);
		kept++;
	}
	if (drop != NULL && dropped == 0) {
		atomic_abort(&af);		/* nothing to change */
		return 0;
	}
	if (kept == 0) {
		atomic_abort(&af);
		return unlinkat(domfd, file, 0) < 0 ? -1 : dropped;
	}
	return atomic_commit(&af) < 0 ? -1 : dropped;
}

int
qf_append(int domfd, const char *file, const char *line, uid_t uid,
    gid_t gid)
{
	return rewrite(domfd, file, NULL, line, uid, gid) < 0 ? -1 : 0;
}

int
qf_remove_line(int domfd, const char *file, const char *line, uid_t uid,
    gid_t gid)
{
	return rewrite(domfd, file, line, NULL, uid, gid);
}

int
qf_open_entry(int domfd, const char *dir_abs, const char *file)
{
	char target[PATH_MAX], rel[PATH_MAX];
	ssize_t n;
	int fd;

	if ((fd = lf_open(domfd, file)) >= 0 || errno != ELOOP)
		return fd;
	n = readlinkat(domfd, file, target, sizeof(target) - 1);
	if (n <= 0 || (size_t)n >= sizeof(target) - 1) {
		errno = ELOOP;
		return -1;
	}
	target[n] = '\0';
	if (target[0] == '/') {
		if (fs_relative(dir_abs, target, rel, sizeof(rel)) < 0) {
			errno = ELOOP;
			return -1;
		}
	} else
		memcpy(rel, target, (size_t)n + 1);
	/* beneath the domain directory, no further link */
	return lf_open(domfd, rel);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct qf_entry *x = a, *y = b;
	int r = strcasecmp(x->name, y->name);

	return r != 0 ? r : strcmp(x->name, y->name);
}

void
qf_scan_free(struct qf_scan *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->e[i].name);
	free(s->e);
	s->e = NULL;
	s->n = 0;
}

/* Adds one entry, growing the array; 0 or -1. */
static int
scan_add(struct qf_scan *s, size_t *cap, const char *name, int is_link)
{
	struct qf_entry *ne;

	if (s->n == *cap) {
		if (*cap >= QF_SCAN_MAX) {
			errno = E2BIG;
			return -1;
		}
		*cap = *cap ? *cap * 2 : 32;
		if ((ne = realloc(s->e, *cap * sizeof(*ne))) == NULL)
			return -1;
		s->e = ne;
	}
	if ((s->e[s->n].name = strdup(name)) == NULL)
		return -1;
	s->e[s->n++].is_link = is_link;
	return 0;
}

int
qf_scan(int domfd, struct qf_scan *s)
{
	struct dirent *de;
	struct stat st;
	size_t cap = 0;
	DIR *d;
	int fd, e, failed = 0;

	s->e = NULL;
	s->n = 0;
	fd = fs_open_beneath(domfd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	while (!failed && (errno = 0, de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, QF_PREFIX, sizeof(QF_PREFIX) - 1) != 0)
			continue;
		/* gone in the meantime, or neither file nor link: skipped */
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
			continue;
		if (scan_add(s, &cap, de->d_name, S_ISLNK(st.st_mode)) < 0)
			failed = 1;
	}
	e = errno;
	closedir(d);
	if (failed || e != 0) {
		qf_scan_free(s);
		errno = e ? e : EIO;
		return -1;
	}
	if (s->n > 1)
		qsort(s->e, s->n, sizeof(s->e[0]), entry_cmp);
	return 0;
}
