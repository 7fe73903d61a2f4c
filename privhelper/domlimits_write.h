/*
 * domlimits_write.h - the write side of domain limits (STORAGE.md 9.5,
 * 9.6; PROTOCOL.md 4.13): the exact text vpopmail's writer produces,
 * with the maillist sub-permissions stored where vpopmail's reader looks
 * for them (Q18); its crash-safe replacement; and a set_limits body
 * parsed strictly into an edit that is applied only when the whole body
 * was good (B5, V5).
 *
 * Callers: cmd_limits.c; the unit tests.
 */
#ifndef VP_DOMLIMITS_WRITE_H
#define VP_DOMLIMITS_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "domlimits.h"

#define LIMITS_FILE		".qmailadmin-limits"
#define LIMITS_TEXT_MAX		1024	/* the longest text is ~560 bytes */

/*
 * The file text, one item per line in the reference writer's order:
 * "key: value" for the nine numbers, a bare keyword for each flag that
 * is set, then the seven perm_* lines. Differs from the reference in one
 * place only: perm_maillist carries lists | subscribers << 3 |
 * moderators << 6 and perm_quota just the quota bits, so vpopmail's own
 * reader gets the sub-permissions back (the reference packs them into
 * perm_quota, where its reader masks them away). Returns the length;
 * buf must hold LIMITS_TEXT_MAX bytes.
 */
size_t	limits_format(const struct limits *, char *buf, size_t bufsz);

/* Replaces name in the directory dirfd with the text of l: temporary in
 * the same directory with owner uid:gid (when root) and mode set before
 * any byte, fsync, rename, fsync of the directory. 0, or -1 with errno;
 * the old file is untouched on failure. */
int	limits_write(int dirfd, const char *name, const struct limits *,
	    uid_t, gid_t, mode_t);

/* Serialises this daemon's writers of one domain's limits: flock(2) of
 * the domain directory itself (vpopmail takes no lock on the limits
 * file, STORAGE.md 13.1, so there is nothing to be compatible with, and
 * a directory lock leaves no file behind). Waits up to timeout_s
 * seconds. The locked fd, or -1 with errno (ETIMEDOUT). */
int	limits_lock(int domfd, int timeout_s);
void	limits_unlock(int lockfd);

enum limits_edit_err {
	LE_OK = 0,
	LE_UNKNOWN_KEY,		/* not a set_limits key (exact, case matters) */
	LE_NO_VALUE,		/* a key without a value */
	LE_BAD_VALUE,		/* not a decimal number, or a further token */
	LE_RANGE		/* a number outside the key's range */
};

#define LIMITS_NKEYS	28	/* set_limits keys, see domlimits_write.c */

/* What a set_limits body asked for; applied over the limits read when
 * the body ends. The first refusal is kept for the audit record. */
struct limits_edit {
	int64_t			value[LIMITS_NKEYS];
	uint32_t		set;		/* bit i: key i given */
	enum limits_edit_err	err;
	unsigned		err_line;	/* 1-based body line */
	char			err_key[32];	/* cut; never a value */
	unsigned		lines;
};

void	limits_edit_init(struct limits_edit *);
/*
 * One body line (without its line end). Tokens are separated by SP, '=',
 * ':', CR or LF (not HT: PROTOCOL.md 1.4 OPTKEY); a line without a token
 * is skipped. Otherwise it must be exactly "key value" with a known key
 * and a value in the key's range (signed 64-bit decimal: max_* within
 * int32, the four quotas 0..INT64_MAX, flags 0 or 1, perm_* 0..7 and
 * perm_quota 0..0777, whose bits above 7 are the sub-permissions
 * get_limits packs into that line and are ignored here). Later lines
 * win. After a refusal further lines are only counted.
 */
void	limits_edit_line(struct limits_edit *, const char *line, size_t n);
/* Applies the keys given over *l. */
void	limits_edit_apply(const struct limits_edit *, struct limits *);
/* "key=value key=value" of the keys given, in key order, cut to fit. */
void	limits_edit_names(const struct limits_edit *, char *buf, size_t);
const char *limits_edit_errtext(enum limits_edit_err);

#endif
