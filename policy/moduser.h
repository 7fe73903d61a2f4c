/*
 * moduser.h - the body of mod_user (PROTOCOL.md 4.21, 3.3, V1, V2, V4,
 * A5): how a body line splits into key and value, which keys exist, who
 * may set each, and what a line does to the account being edited. Pure
 * functions; the privhelper feeds them the lines, hashes new passwords
 * itself (the one step that needs the C library's crypt) and saves.
 *
 * Unknown keys, keys the caller may not set and values a key does not
 * take are ignored silently (clients send every key, PROTOCOL.md 7.3); a
 * value that could corrupt the record is refused and fails the body.
 */
#ifndef VP_MODUSER_H
#define VP_MODUSER_H

#include <stddef.h>
#include <stdint.h>

#include "scope.h"
#include "validate.h"

enum pol_mu_kind {
	MU_COMMENT,		/* gecos := value */
	MU_QUOTA,		/* quota := normalised value */
	MU_HASH,		/* encrypted_password: hash := value */
	MU_CLEAR,		/* clear_text_password: new hash of value */
	MU_CLEAR_ALL,		/* clear_all_flags 1: flag word := 0 */
	MU_FLAG			/* one bit of the flag word */
};

enum pol_mu_who {
	MU_ANYONE,		/* whoever passed the pre-body checks */
	MU_OVERRIDE,		/* SA, or QA whose own word has V_OVERRIDE */
	MU_ADMIN,		/* SA or QA (a postmaster is QA) */
	MU_SA			/* system administrator only */
};

struct pol_mu_key {
	const char		*name;
	enum pol_mu_kind	 kind;
	uint32_t		 bit;	/* MU_FLAG */
	enum pol_mu_who		 who;
};

#define POL_MU_KEYS	24
extern const struct pol_mu_key pol_mu_keys[POL_MU_KEYS];

/* A body line cut as V4 says: key = the bytes up to the first SP, '=',
 * ':', CR or LF (not HT); then the separators SP, HT, '=' and ':' are
 * skipped; value = the rest, verbatim. Views into the line. */
struct pol_mu_split {
	const char	*key;
	size_t		 keylen;
	const char	*value;
	size_t		 vlen;
};

/* 0 split, 1 nothing to do (no key, or no value). */
int	pol_mu_split_line(const char *line, size_t n, struct pol_mu_split *);
/* The table row of key[0..n) (case-sensitive), or NULL. */
const struct pol_mu_key *pol_mu_key_find(const char *key, size_t n);
int	pol_mu_may_set(const struct pol_mu_key *, const struct pol_actor *);

/* The account as the body edits it. The caller zeroes it, then fills
 * flags from the stored record and pw_locked (A5); the text fields hold
 * new values only where their *_set says so. */
struct pol_mu_edit {
	uint32_t	flags;
	char		gecos[VAL_GECOS_MAX + 1];
	char		quota[VAL_QUOTA_MAX + 1];
	char		hash[VAL_HASH_MAX + 1];
	char		clear[VAL_CLEAR_MAX + 1];
	/* A5: the target's effective flags hold NO_PASSWD_CHNG and the
	 * caller is not an administrator: clear_text_password is ignored. */
	int		pw_locked;
	int		clear_pending;	/* clear holds a password to hash */
	int		gecos_set;	/* a comment line was applied */
	int		quota_set;	/* a quota line was applied */
	int		pw_set;		/* hash (and clear) were replaced */
	uint32_t	applied;	/* bit i: pol_mu_keys[i] was applied */
	int		err;		/* first refusal (enum vp_verr), 0 */
};

/*
 * Applies one body line. Returns 0 (applied or ignored), or a negative
 * enum vp_verr when the value is refused (also kept in e->err; a body
 * with an error must not be saved). After an MU_CLEAR line e->clear holds
 * the new password and clear_pending is set: the caller checks its
 * policy, hashes it into e->hash and clears clear_pending before the
 * next line.
 */
int	pol_mu_apply(struct pol_mu_edit *, const struct pol_actor *,
	    const char *line, size_t n);

/* "comment,quota,no_pop": the names of the applied keys, for the audit
 * record (never a value). */
void	pol_mu_applied_names(const struct pol_mu_edit *, char *out,
	    size_t outsz);

/* A5: 1 when a clear_text_password line of this caller must be ignored:
 * the target's effective flags hold NO_PASSWD_CHNG and the caller is no
 * administrator (so it is changing its own password). */
int	pol_mu_pw_locked(const struct pol_actor *, uint32_t effective_flags);

#endif
