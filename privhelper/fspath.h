/*
 * fspath.h - the path argument of the file-system commands (PROTOCOL.md
 * 5), resolved inside the privhelper to directory fds beneath the
 * caller's root, never following a symbolic link, so the operation then
 * works on the fds it obtained (no check-then-use by name).
 *
 * Order (closing 5.4 items 1-9): the string rules of 5.2 steps 1-5, then
 * authorisation of the named domain/user BEFORE any lookup that could tell
 * whether it exists (A8), then the walk from the root's fd component by
 * component. Over-long paths are refused, never cut.
 *
 * Callers: cmd_fs.c, cmd_file.c.
 */
#ifndef VP_FSPATH_H
#define VP_FSPATH_H

#include <limits.h>
#include <sys/types.h>

#include "ctx.h"
#include "errors.h"

struct fsp_target {
	int	root_fd;	/* O_PATH|O_DIRECTORY: the caller's scope root */
	int	parent_fd;	/* O_PATH|O_DIRECTORY: directory holding name;
				   -1 when the target is the root itself */
	char	name[NAME_MAX + 1];	/* final component; "" for the root */
	int	is_root;	/* target is a scope root (5.4 item 9): parent_fd
				   -1 for the caller's own root; for an SA
				   also a domain directory or a hash directory
				   of domains (parent_fd set), which only
				   del_domain may remove */
	int	is_protected;	/* daemon-owned file (5.4 item 8); set for every
				   caller, the command decides (SA may) */
	uid_t	uid;		/* owner for what is created: the domain's */
	gid_t	gid;
	char	shown[PATH_MAX];	/* the path relative to vpopmail-dir,
					   for audit records */
};

/*
 * Resolves arg for the authenticated caller. Returns 0 with t filled (the
 * caller must fsp_close it), or 1 with st set to the error line to send
 * (5.2 codes 20.1501 ... 26.1512). Protected files and scope roots are
 * only flagged: each command refuses them (fsp_unauthorized) as 5.4 items
 * 8 and 9 say for its operation. -1 with errno: the walk failed (ENOENT,
 * ENOTDIR, ELOOP for a link in the way, ...) or an internal error; the
 * command answers its own "-ERR 0.<minor> <strerror>" form.
 * Intermediate components must be directories reached without links; the
 * final component is not opened (it may not exist yet: mk_dir,
 * write_file, rename_file's destination) and may be a link, which the
 * command must treat as an opaque entry (a trailing '/' changes nothing).
 * Over-long (a candidate absolute path over 255 bytes, as the reference
 * cut them): "-ERR 0.1513 File name too long". Protected names: see
 * fspath.c (5.4 item 8 and STORAGE.md 2.2, matched by name anywhere).
 */
int	fsp_resolve(const struct ph_ctx *, const char *arg, struct fsp_target *t,
	    struct vp_status *st);
void	fsp_close(struct fsp_target *);
/* The "Unauthorized Directory." error for the caller's level
 * (26.1510 SA, 26.1511 QA, 26.1512 USER). */
void	fsp_unauthorized(const struct ph_ctx *, struct vp_status *st);
/* The reference's word for a file type (list_dir, stat_file):
 * file, dir, link, chardev, blkdev, fifo, sock, unknown. */
const char *fsp_type_name(mode_t);

#endif
