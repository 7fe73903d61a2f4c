/*
 * passwd.h - new password hashes and the password policy (STORAGE.md 8.1,
 * PROTOCOL.md 4.16 step 9/14, V9). Verification is auth.h's business.
 *
 * Callers: store_user.c (add_user, add_domain's postmaster) and mod_user.
 */
#ifndef VP_PASSWD_H
#define VP_PASSWD_H

#include <stddef.h>

#define PASSWD_SALT_LEN	16	/* characters after "$6$" */
#define PASSWD_HASH_MAX	128	/* "$6$" + 16 + "$" + 86 = 106 fits */

/*
 * SHA-512 crypt of clear with a fresh 16-character salt over ./0-9A-Za-z
 * drawn from getrandom(), no rounds= (the default 5000). The result must
 * start with "$6$": a libc without SHA-512 crypt is an error, never a
 * silent downgrade to DES. Returns 0, or -1 with errno (ENOSPC when out
 * is too small, EIO when crypt failed). out is cleared on failure.
 */
int	passwd_hash(const char *clear, char *out, size_t outsz);

/* 0 when clear may be stored, else a negative enum vp_verr
 * (VERR_PASSWD_TOO_LONG above 128 bytes). VERR_BAD_CHAR for CR or LF
 * (it may be stored as the 8th vpasswd field). Empty passwords are the
 * callers' refusal ("Password Required"), not this one's. */
int	passwd_policy(const char *clear);

#endif
