/*
 * validate.h - the checks every string passes before it can reach a file
 * (DESIGN.md "Rules that hold everywhere", STORAGE.md 1.4, 5.1, 6.1, 6.4,
 * 6.11). Pure functions, no I/O: the frontend calls them for early
 * errors, the privhelper again before it writes.
 *
 * Every val_* returns VAL_OK (0) or a negative enum val_err. Names are
 * expected already lower-cased (val_lower); upper case is refused, so a
 * caller that forgot cannot store a name vpopmail would never find.
 */
#ifndef VP_VALIDATE_H
#define VP_VALIDATE_H

#include <stddef.h>

#define VAL_USER_MAX	64	/* STORAGE.md 1.4 */
#define VAL_DOMAIN_MAX	96
#define VAL_HASH_MAX	128
#define VAL_GECOS_MAX	64
#define VAL_CLEAR_MAX	128
#define VAL_DIR_MAX	160
#define VAL_QUOTA_MAX	20

enum val_err {
	VAL_OK		= 0,
	VAL_EMPTY	= -1,
	VAL_TOO_SHORT	= -2,
	VAL_TOO_LONG	= -3,
	VAL_BAD_CHAR	= -4,	/* a byte outside the allowed set */
	VAL_BAD_FORM	= -5,	/* bytes fine, shape wrong */
	VAL_RESERVED	= -6	/* a name the storage uses itself */
};

const char	*val_strerror(int);
/* Lower-cases A-Z in place (the reference's only case folding). */
void		 val_lower(char *);

/* An existing user name, by the reference rule (6.1): it may still be
 * read, authenticated, changed and deleted. bigdir: 1-char names are
 * hash directories. */
int	val_user_name(const char *, int bigdir);
/* A name for a new user: the reference rule, and no '/', no leading
 * '.', and none of the names of the domain directory's own files. */
int	val_new_user_name(const char *, int bigdir);
/* A new (real or alias) domain name: 5.1, and no leading '.'. */
int	val_domain_name(const char *);

/* A vpasswd field 1-7 of n bytes: no ':', no control byte (0x00-0x1f,
 * 0x7f), at most max bytes. */
int	val_field_n(const char *, size_t n, size_t max);
int	val_field(const char *, size_t max);
int	val_gecos(const char *);
/* Field 8: any byte but NUL, CR, LF; at most 128. */
int	val_clear_password_n(const char *, size_t n);
int	val_clear_password(const char *);
/* Field 2 when not empty: a crypt(3) result - "$id$...", 13-char DES -
 * optionally behind a "{SCHEME}" prefix (6.4). */
int	val_hash(const char *);
/* Field 6: empty (not yet allocated) or absolute, no "." / ".."
 * component, at most 160 bytes. */
int	val_pw_dir(const char *);
/* Field 7 as stored: "", NOQUOTA, <n>S, <n>C or <n>S,<n>C (6.11). */
int	val_quota(const char *);

#endif
