/*
 * openat2_emu.c - openat2(2) for processes under valgrind 3.19, which
 * answers ENOSYS to it (syscall 437 is unknown to that release). Memcheck
 * build only (build/vg, make check-valgrind).
 *
 * GNUmakefile links the memcheck flavour with -Wl,--wrap=syscall, so the
 * one syscall(SYS_openat2, ...) of privhelper/fs.c (fs_open_beneath) and
 * the pidfd calls of qmailsend.c come here. Every call goes to the kernel
 * first; only when openat2 answers ENOSYS is it emulated, for exactly the
 * resolve flags fs.c asks for (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS): one component at a time with O_NOFOLLOW from
 * dirfd, a symlink anywhere is ELOOP, an absolute path or a ".." above
 * dirfd is EXDEV, as the kernel answers. Outside valgrind the binary uses
 * the kernel's openat2; the production build never links this file.
 *
 * Callers: none by name (the linker routes syscall() here).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

long	__wrap_syscall(long nr, ...);
long	__real_syscall(long nr, ...);

#define EMU_RESOLVE	(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | \
			 RESOLVE_NO_MAGICLINKS)
#define EMU_DEPTH	64

struct walk {
	int	fd[EMU_DEPTH];	/* opened directories below the start */
	int	n;
	int	base;
};

static int
walk_cur(const struct walk *w)
{
	return w->n > 0 ? w->fd[w->n - 1] : w->base;
}

static void
walk_close(struct walk *w)
{
	int e = errno;

	while (w->n > 0)
		close(w->fd[--w->n]);
	errno = e;
}

/* One directory component: ".." pops (EXDEV above the start), anything
 * else must be a directory that is not a symlink. */
static int
walk_step(struct walk *w, const char *name)
{
	struct stat st;
	int fd;

	if (strcmp(name, ".") == 0)
		return 0;
	if (strcmp(name, "..") == 0) {
		if (w->n == 0) {
			errno = EXDEV;
			return -1;
		}
		close(w->fd[--w->n]);
		return 0;
	}
	if (w->n == EMU_DEPTH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = openat(walk_cur(w), name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int e = errno;

		if (fd >= 0 && fstat(fd, &st) == 0)
			e = S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR;
		close(fd);
		errno = e;
		return -1;
	}
	w->fd[w->n++] = fd;
	return 0;
}

/* The last component, opened with the caller's flags and O_NOFOLLOW;
 * O_PATH | O_NOFOLLOW would open a symlink itself, so that is checked. */
static long
walk_open(struct walk *w, const char *name, const struct open_how *how)
{
	struct stat st;
	int fd;

	fd = openat(walk_cur(w), name, (int)how->flags | O_NOFOLLOW,
	    (mode_t)how->mode);
	/* O_DIRECTORY | O_NOFOLLOW on a symlink is ENOTDIR; openat2 says
	 * ELOOP for a symlink whatever the flags */
	if (fd < 0 && errno != ELOOP && fstatat(walk_cur(w), name, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		return -1;
	}
	if (fd >= 0 && (how->flags & O_PATH) && fstat(fd, &st) == 0 &&
	    S_ISLNK(st.st_mode)) {
		close(fd);
		errno = ELOOP;
		return -1;
	}
	return fd;
}

static long
emu_openat2(int dirfd, const char *path, const struct open_how *how)
{
	char buf[PATH_MAX], *p, *slash;
	struct walk w = { .n = 0, .base = dirfd };
	long fd;

	if ((how->resolve & ~(unsigned long long)EMU_RESOLVE) != 0 ||
	    (how->resolve & RESOLVE_BENEATH) == 0) {
		errno = EINVAL;
		return -1;
	}
	if (path[0] == '/') {
		errno = EXDEV;
		return -1;
	}
	if (path[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (strlen(path) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, strlen(path) + 1);
	for (p = buf; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		*slash = '\0';
		if (*p != '\0' && walk_step(&w, p) < 0) {
			walk_close(&w);
			return -1;
		}
	}
	/* "a/", "a/." and "a/..": the directory reached is opened as "." */
	if (*p == '\0' || strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
		if (*p != '\0' && walk_step(&w, p) < 0) {
			walk_close(&w);
			return -1;
		}
		p = ".";
	}
	fd = walk_open(&w, p, how);
	walk_close(&w);
	return fd;
}

long
__wrap_syscall(long nr, ...)
{
	va_list ap;
	long a[6], r;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	r = __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (nr == SYS_openat2 && r < 0 && errno == ENOSYS &&
	    (size_t)a[3] == sizeof(struct open_how))
		return emu_openat2((int)a[0], (const char *)a[1],
		    (const struct open_how *)a[2]);
	return r;
}
