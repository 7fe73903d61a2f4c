/*
 * throttle.h - login throttling across connections. Failed password
 * checks (login, clogin, slogin, auth_check) are counted per source
 * address (an IPv6 address by its /64) and per account in a small file
 * shared by every helper process (state-dir/throttle). Once either count
 * passes THROTTLE_FREE, every further attempt - failed or not, so that
 * the answer time says nothing - is answered only after a delay that
 * doubles with each failure, up to a cap. A success resets the account's
 * count (not the address's); counts older than the window expire.
 *
 * The file is a fixed-size open-addressing hash table (keys are salted
 * 64-bit hashes, so no account name is stored); an attacker who sprays
 * keys evicts the oldest entries, never grows it. Every access holds an
 * fcntl write lock on the whole file. A short, foreign or corrupt file
 * is reinitialised.
 *
 * Callers: session.c (throttle_open before the sandbox), helper.c
 * (throttle_login after each password check); the lower-level functions
 * are for the unit tests.
 */
#ifndef VP_THROTTLE_H
#define VP_THROTTLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ctx.h"

#define THROTTLE_FILE		"throttle"
#define THROTTLE_SLOTS		4096
#define THROTTLE_PROBE		16	/* slots looked at per key */
#define THROTTLE_FREE		3	/* failures without a delay */
#define THROTTLE_WINDOW		900	/* seconds a count is remembered */
#define THROTTLE_COUNT_MAX	1000000u
#define THROTTLE_KEY_MAX	300

struct throttle_result {
	unsigned	addr_count;	/* after this attempt */
	unsigned	acct_count;
	unsigned	delay_ms;	/* to wait before answering */
	int		evicted;	/* an older entry made room */
};

/* Opens (creating when needed) state_dir/throttle: a descriptor, or -1
 * with errno (ENOENT: the directory does not exist). */
int	throttle_open_dir(const char *state_dir);
/* The address key of a peer: IPv4 as is, IPv6 by its /64. 0, or -1 for
 * a peer without an address ("unknown", "local", anything else). */
int	throttle_addr_key(const char *peer, char *key, size_t keysz);
/* The delay after `count` failures. */
unsigned throttle_delay_ms(unsigned count, unsigned base_ms, unsigned max_ms);
/* Records one attempt under the file lock: addr_key may be NULL. On a
 * failure both counts grow; on success the account's count is cleared.
 * The delay is that of the larger count before this attempt plus one,
 * for a success too. 0, or -1 with errno (the lock or I/O failed). */
int	throttle_record(int fd, const char *addr_key, const char *account,
	    int success, time_t now, unsigned base_ms, unsigned max_ms,
	    struct throttle_result *);

/* Session side: opens the file of cfg->state_dir when throttling is on
 * (quietly off when the directory does not exist; other errors are
 * logged). Call before the sandbox, in the helper process only. */
void	throttle_open(const struct vp_config *);
/* Records the outcome of a password check for `account` (as the client
 * typed it), writes the audit record of any penalty and sleeps the
 * delay. Returns the delay in milliseconds. */
unsigned throttle_login(struct ph_ctx *, const char *account, int success);

#endif
