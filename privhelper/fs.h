/*
 * fs.h - every file of the trees is reached through these: openat2()
 * beneath a directory fd, never following a symlink or a magic link.
 */
#ifndef VP_FS_H
#define VP_FS_H

#include <stddef.h>
#include <sys/types.h>

/* openat2(dirfd, rel, flags|O_CLOEXEC, mode) with RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS. fd, or -1 with errno. */
int	fs_open_beneath(int dirfd, const char *rel, int flags, mode_t mode);

/* Maps an absolute path stored in the data (users/assign, vpasswd) to a
 * path relative to base ("/home/vpopmail/domains/x" -> "domains/x").
 * Component-wise: "/home/vpopmailx/..." is not below "/home/vpopmail".
 * 0, or -1 when abs is not strictly below base or does not fit. */
int	fs_relative(const char *base, const char *abs, char *rel, size_t);

/* Reads at most max-1 bytes of a small file, NUL-terminates. Returns the
 * length, or -1 with errno (EFBIG when it does not fit). */
ssize_t	fs_read_small(int dirfd, const char *rel, char *buf, size_t max);

#endif
