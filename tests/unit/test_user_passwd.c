/*
 * test_user_passwd.c - privhelper/passwd.c: new hashes are "$6$" with a
 * 16-character salt over ./0-9A-Za-z, verify with auth_verify (and with
 * nothing else), differ on every call; the policy refuses 129 bytes and
 * line breaks.
 */
#include <crypt.h>
#include <string.h>

#include "auth.h"
#include "errors.h"
#include "passwd.h"
#include "unit/t.h"

static int
salt_ok(const char *h)
{
	static const char alpha[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz";
	size_t i;

	if (strncmp(h, "$6$", 3) != 0)
		return 0;
	for (i = 3; i < 3 + PASSWD_SALT_LEN; i++)
		if (h[i] == '\0' || strchr(alpha, h[i]) == NULL)
			return 0;
	return h[3 + PASSWD_SALT_LEN] == '$';
}

static void
test_hash(void)
{
	char a[PASSWD_HASH_MAX + 1], b[PASSWD_HASH_MAX + 1], tiny[20];
	char many[64][PASSWD_HASH_MAX + 1];
	int i, seen[256] = { 0 }, distinct = 0;

	CHECK(passwd_hash("test", a, sizeof(a)) == 0, "hash test");
	CHECK(salt_ok(a), "16-char salt from the alphabet: %s", a);
	CHECK(strlen(a) == 3 + 16 + 1 + 86, "length 106 (%zu)", strlen(a));
	CHECK(strstr(a, "rounds=") == NULL, "no rounds=");
	CHECK(auth_verify("test", a) == 1, "auth_verify accepts the password");
	CHECK(auth_verify("Test", a) == 0, "auth_verify refuses another");
	CHECK(auth_verify("", a) == 0, "auth_verify refuses empty");
	CHECK(passwd_hash("test", b, sizeof(b)) == 0 && strcmp(a, b) != 0,
	    "two hashes of the same password differ");
	CHECK(passwd_hash("test", tiny, sizeof(tiny)) < 0 && tiny[0] == '\0',
	    "a too small buffer is an error and left empty");
	CHECK(passwd_hash("", b, sizeof(b)) == 0 && auth_verify("", b) == 1,
	    "an empty password hashes (callers refuse it)");
	/* the salt bytes are spread over the whole alphabet */
	for (i = 0; i < 64; i++)
		if (passwd_hash("x", many[i], sizeof(many[i])) == 0) {
			int k;

			for (k = 3; k < 3 + PASSWD_SALT_LEN; k++)
				seen[(unsigned char)many[i][k]]++;
		}
	for (i = 0; i < 256; i++)
		distinct += seen[i] != 0;
	CHECK(distinct > 50, "1024 salt characters use %d of 64 values",
	    distinct);
}

static void
test_policy(void)
{
	char pw[200];

	memset(pw, 'a', sizeof(pw));
	pw[128] = '\0';
	CHECK(passwd_policy(pw) == 0, "128 bytes accepted");
	pw[128] = 'a';
	pw[129] = '\0';
	CHECK(passwd_policy(pw) == VERR_PASSWD_TOO_LONG, "129 bytes refused");
	CHECK(strcmp(vp_verror_text(passwd_policy(pw)),
	    "password too long (max=128)") == 0, "with the reference text");
	CHECK(passwd_policy("a\nb") == VERR_BAD_CHAR, "LF refused");
	CHECK(passwd_policy("a\rb") == VERR_BAD_CHAR, "CR refused");
	CHECK(passwd_policy("a:b c\t") == 0, "colon, blank, tab accepted");
}

int
main(void)
{
	test_hash();
	test_policy();
	return T_DONE("test_user_passwd");
}
