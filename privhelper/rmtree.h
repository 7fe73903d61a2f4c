/*
 * rmtree.h - removal of a directory tree beneath a directory fd that
 * never follows a symbolic link (PROTOCOL.md 6.8 A4, STORAGE.md 5.5):
 * a link anywhere in the tree, the named entry included, is unlinked
 * itself, never what it points to; the walk never leaves the file
 * system it started on.
 *
 * Callers: store_domain.c (del_domain, add_domain rollback),
 * store_user.c (del_user).
 */
#ifndef VP_RMTREE_H
#define VP_RMTREE_H

#define RMTREE_DEPTH_MAX	64	/* deeper trees: ELOOP, nothing past it */

/*
 * Removes the single path component name (no '/', not "." or "..") of
 * parentfd (an O_PATH directory fd is fine), whatever it is: a file, a
 * link or a whole directory tree. 0 when it is gone, -1 with errno
 * otherwise: ENOENT when name did not exist (callers that accept that
 * test errno), EINVAL for a bad name, EXDEV for a mount point inside the
 * tree, ELOOP for a tree deeper than RMTREE_DEPTH_MAX. On failure part
 * of the tree may already be gone; calling again resumes.
 */
int	rmtree_at(int parentfd, const char *name);

#endif
