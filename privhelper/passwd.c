/*
 * passwd.c - SHA-512-crypt hashes with a CSPRNG salt (see passwd.h).
 */
#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "errors.h"
#include "passwd.h"
#include "util.h"
#include "validate.h"

static const char salt_chars[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* 64 characters: the low 6 bits of a random byte pick one uniformly. */
static int
make_salt(char *setting, size_t sz)
{
	unsigned char rnd[PASSWD_SALT_LEN];
	size_t got = 0, i;
	ssize_t n;

	if (sz < 3 + PASSWD_SALT_LEN + 1) {
		errno = ENOSPC;
		return -1;
	}
	while (got < sizeof(rnd)) {
		n = getrandom(rnd + got, sizeof(rnd) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	memcpy(setting, "$6$", 3);
	for (i = 0; i < PASSWD_SALT_LEN; i++)
		setting[3 + i] = salt_chars[rnd[i] & 63];
	setting[3 + PASSWD_SALT_LEN] = '\0';
	explicit_bzero(rnd, sizeof(rnd));
	return 0;
}

int
passwd_hash(const char *clear, char *out, size_t outsz)
{
	struct crypt_data *cd;
	char setting[3 + PASSWD_SALT_LEN + 1];
	const char *h;
	size_t hl = 0;
	int ok = 0;

	if (outsz > 0)
		out[0] = '\0';
	if (make_salt(setting, sizeof(setting)) < 0)
		return -1;
	/* struct crypt_data is large (32 KiB with libxcrypt): not on the
	 * stack of a sandboxed process with a small stack limit. */
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return -1;
	h = crypt_r(clear, setting, cd);
	if (h != NULL)
		hl = strlen(h);
	if (h != NULL && strncmp(h, setting, 3 + PASSWD_SALT_LEN) == 0 &&
	    h[3 + PASSWD_SALT_LEN] == '$' && hl < outsz &&
	    hl <= PASSWD_HASH_MAX && val_hash(h) == VAL_OK) {
		vp_strlcpy(out, h, outsz);
		ok = 1;
	}
	/* h points into cd: nothing may read it from here on */
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	if (!ok) {
		errno = hl >= outsz ? ENOSPC : EIO;
		return -1;
	}
	return 0;
}

int
passwd_policy(const char *clear)
{
	if (strlen(clear) > VAL_CLEAR_MAX)
		return VERR_PASSWD_TOO_LONG;
	/* It may become vpasswd's 8th field: no line breaks in it. */
	if (val_clear_password(clear) != VAL_OK)
		return VERR_BAD_CHAR;
	return 0;
}
