/*
 * vpasswd_write.h - changing a domain's user table (STORAGE.md 6.2, 6.5,
 * 6.7-6.9, 13.3 item 2): vpasswd and vpasswd.cdb are rewritten together
 * under <domaindir>/.vpasswd.lock, so vpopmail's own tools are excluded
 * and a reader sees either both old files or both new ones.
 *
 * Callers: the privhelper's user operations (add, modify, delete). The
 * struct vpw comes from vpasswd.h. All errors are -1 with errno:
 *   EINVAL   a field is not allowed (see vpasswd_format_line)
 *   E2BIG    the line would exceed 510 bytes + '\n'
 *   EEXIST   insert: the name is there already
 *   ENOENT   replace/delete: no line of that name
 *   EBADMSG  the existing vpasswd is malformed; nothing was changed
 *   ETIMEDOUT the lock stayed held by another process
 */
#ifndef VP_VPASSWD_WRITE_H
#define VP_VPASSWD_WRITE_H

#include <stddef.h>
#include <sys/types.h>

#include "atomic.h"
#include "vpasswd.h"

#define VPW_LINE_BUF	512	/* a formatted line, '\n' and NUL */

/*
 * Formats pw as "name:hash:uid:flags:gecos:dir:quota[:clear]\n" (8 fields
 * when clear is set; a caller that must preserve a foreign 8th field
 * passes clear = pw->has_clear). Refuses, never strips, any field that
 * is invalid (policy/validate.h), then parses its own output again and
 * refuses unless every field reads back unchanged. Returns the length
 * including '\n' (out is NUL-terminated), or -1.
 */
int	vpasswd_format_line(const struct vpw *, int clear, char *out, size_t);

/* Adds a new user (name checked as a new name, big-dir rules) before the
 * first line whose name is bytewise greater. Both files end up uid:gid
 * 0600 (see atomic_begin). */
int	vpasswd_insert(int domfd, uid_t, gid_t, const struct vpw *, int clear);
/* The same, committing also (a written temporary in domfd, e.g. the
 * .dir-control of dc_alloc_begin) with the two files: one sync, also
 * renamed first. On failure the caller aborts also (safe when it was
 * renamed already). */
int	vpasswd_insert_also(int domfd, uid_t, gid_t, const struct vpw *,
	    int clear, struct atomic_file *also);
/* Rewrites every line named pw->name. */
int	vpasswd_replace(int domfd, uid_t, gid_t, const struct vpw *, int clear);
/* Removes every line named name. */
int	vpasswd_delete(int domfd, uid_t, gid_t, const char *name);

#endif
