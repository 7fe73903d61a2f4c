/*
 * quota.h - the quota string a mod_user "quota" line asks for, turned
 * into the Maildir++ form vpasswd stores (STORAGE.md 6.11, PROTOCOL.md
 * 4.21): "NOQUOTA", "<bytes>S", "<count>C", "<bytes>S,<count>C" or "".
 * Pure; the privhelper calls it before it writes field 7.
 */
#ifndef VP_QUOTA_H
#define VP_QUOTA_H

#include <stddef.h>

/*
 * Normalises in into out as the reference's format_maildirquota does:
 * NOQUOTA (exact) stays; otherwise comma-separated parts, a part ending
 * in upper-case 'C' a message count, any other a size (one trailing S/s,
 * then one B/b dropped, leading digits, times 1048576 for M/m or 1024 for
 * K/k); later parts override earlier ones; zero means "not given".
 * Returns VAL_OK, or VAL_TOO_LONG when in or the result exceeds
 * VAL_QUOTA_MAX (20) characters or a number overflows, VAL_BAD_CHAR for
 * a control byte. out is "" on failure.
 */
int	pol_quota_normalise(const char *in, char *out, size_t outsz);

/* 1 when the stored quota asks for no maildirsize ("" or NOQUOTA). */
int	pol_quota_is_none(const char *stored);

#endif
