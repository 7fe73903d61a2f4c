/*
 * test_auth.c - privhelper/auth.c password verification (STORAGE.md 8):
 * the spec's vectors, schemes generated with libxcrypt at test time,
 * {SCHEME} prefixes, empty and malformed stored hashes, and the dummy
 * work done when there is nothing real to compare.
 */
#include <crypt.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "unit/t.h"

#define V6 "$6$abcdefgh$3rj1vTLX64btReFsM4MQ22otcD40l7vbtw7qCyr0dxc4kxNmgx53x" \
	   "VM8gWiLYbCqTHTbXFaVFU7ZT28pnvdyu0"
#define V1 "$1$abcdefgh$irWbblnpmw.5z7wgBnprh0"
#define VDES "abgOeLfPimXQo"

static struct crypt_data cd;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hashes pw with a fresh salt of the given prefix; NULL when the scheme
 * is unavailable. */
static const char *
make_hash(const char *prefix, unsigned long count, const char *pw,
    char *out, size_t outsz)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *h;

	if (crypt_gensalt_rn(prefix, count, NULL, 0, salt, sizeof(salt)) ==
	    NULL)
		return NULL;
	memset(&cd, 0, sizeof(cd));
	h = crypt_r(pw, salt, &cd);
	if (h == NULL || h[0] == '*' || strlen(h) >= outsz)
		return NULL;
	memcpy(out, h, strlen(h) + 1);
	return out;
}

static void
test_vectors(void)
{
	CHECK(auth_verify("test", V6) == 1, "$6$ spec vector, \"test\": 1");
	CHECK(auth_verify("Test", V6) == 0, "$6$ spec vector, \"Test\": 0");
	CHECK(auth_verify("test ", V6) == 0 && auth_verify("tes", V6) == 0 &&
	    auth_verify("", V6) == 0, "$6$: \"test \", \"tes\", \"\": 0");
	CHECK(auth_verify("test", V1) == 1, "$1$ spec vector, \"test\": 1");
	CHECK(auth_verify("tesT", V1) == 0, "$1$ spec vector, \"tesT\": 0");
	CHECK(auth_verify("test", VDES) == 1, "DES spec vector, \"test\": 1");
	CHECK(auth_verify("test1", VDES) == 0, "DES spec vector, \"test1\": 0");
	CHECK(auth_hash_wellformed(V6) && auth_hash_wellformed(V1) &&
	    auth_hash_wellformed(VDES), "the spec vectors are well formed");

	CHECK(auth_verify("test", "{SHA512-CRYPT}" V6) == 1,
	    "{SHA512-CRYPT} + $6$ vector: 1");
	CHECK(auth_verify("wrong", "{SHA512-CRYPT}" V6) == 0,
	    "{SHA512-CRYPT} + $6$ vector, wrong password: 0");
	CHECK(auth_verify("test", "{MD5-CRYPT}" V1) == 1,
	    "{MD5-CRYPT} + $1$ vector: 1");
	CHECK(auth_verify("test", "{CRYPT}" VDES) == 1,
	    "{CRYPT} + DES vector: 1");
	CHECK(auth_hash_wellformed("{SHA512-CRYPT}" V6),
	    "{SHA512-CRYPT}$6$... is well formed");
}

static void
test_generated(void)
{
	static const struct {
		const char *prefix;
		unsigned long count;
	} schemes[] = {
		{ "$5$", 0 }, { "$y$", 0 }, { "$2b$", 4 }, { "$6$", 1000 },
	};
	char h[CRYPT_OUTPUT_SIZE];
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (make_hash(schemes[i].prefix, schemes[i].count,
		    "pass word", h, sizeof(h)) == NULL) {
			T_SKIP("%s not supported by this libcrypt",
			    schemes[i].prefix);
			continue;
		}
		T_INFO("generated %s", h);
		CHECK(auth_hash_wellformed(h), "%s hash is well formed",
		    schemes[i].prefix);
		CHECK(auth_verify("pass word", h) == 1,
		    "%s (count %lu): right password 1", schemes[i].prefix,
		    schemes[i].count);
		CHECK(auth_verify("pass  word", h) == 0 &&
		    auth_verify("Pass word", h) == 0 &&
		    auth_verify("", h) == 0,
		    "%s: wrong passwords 0", schemes[i].prefix);
	}
}

static void
test_empty_and_malformed(void)
{
	static const char *const bad[] = {
		"x", "*", "!", "!!", "$6$", "abc", "abgOeLfPimXQ!",
		"abgOeLfPimXQ", "abgOeLfPimXQoo", "abgOeLfPim:Qo", "*0", "*1",
		"$6", "$6$$", "$9$abcdefgh$xyz", "{SHA512-CRYPT}", "{", "}",
		"{x}", "$1$abc:def$x", "$6$abc def$x", "!" V6, "*" V6,
		"abgOeLfPimX\nQ",
	};
	size_t i, verify = 0, formed = 0;

	CHECK(auth_verify("", "") == 0, "empty stored hash, empty password: 0");
	CHECK(auth_verify("x", "") == 0, "empty stored hash, \"x\": 0");
	CHECK(auth_hash_wellformed("") == 0, "empty hash is not well formed");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (auth_verify("test", bad[i]) != 0 ||
		    auth_verify("", bad[i]) != 0 ||
		    auth_verify(bad[i], bad[i]) != 0) {
			verify++;
			T_INFO("malformed #%zu verifies", i);
		}
		if (auth_hash_wellformed(bad[i]) != 0) {
			formed++;
			T_INFO("malformed #%zu (\"%.20s\") is well formed", i,
			    bad[i]);
		}
	}
	CHECK(verify == 0, "%zu malformed stored hashes never match",
	    sizeof(bad) / sizeof(bad[0]));
	CHECK(formed == 0, "... and auth_hash_wellformed() is 0 for each");
	CHECK(auth_verify("x", "x") == 0 && auth_verify("*", "*") == 0,
	    "stored hash equal to the password does not match");
}

static void
test_long_password(void)
{
	static char pw[1001];

	memset(pw, 'p', 1000);
	pw[1000] = '\0';
	CHECK(auth_verify(pw, V6) == 0, "1000-char password vs $6$: 0");
	CHECK(auth_verify(pw, V1) == 0, "1000-char password vs $1$: 0");
	CHECK(auth_verify(pw, VDES) == 0, "1000-char password vs DES: 0");
	CHECK(auth_verify(pw, "") == 0, "1000-char password vs empty: 0");
	CHECK(auth_verify(pw, "x") == 0, "1000-char password vs \"x\": 0");
	CHECK(auth_verify("test", VDES) == 1,
	    "verification still works after long passwords");
}

static void
test_timing(void)
{
	double t0, real = 0, empty = 0;
	int i;

	/* warm up, then take the best of 3 of each */
	auth_verify("test", V6);
	auth_verify("test", "");
	for (i = 0; i < 3; i++) {
		double d;

		t0 = now_s();
		auth_verify("wrong", V6);
		d = now_s() - t0;
		if (i == 0 || d < real)
			real = d;
		t0 = now_s();
		auth_verify("wrong", "");
		d = now_s() - t0;
		if (i == 0 || d < empty)
			empty = d;
	}
	T_INFO("timing: real $6$ %.3f ms, empty stored hash %.3f ms",
	    real * 1e3, empty * 1e3);
	CHECK(empty >= 0.3 * real,
	    "the empty-hash path does comparable crypt work (%.0f%%)",
	    real > 0 ? 100.0 * empty / real : 0.0);
}

int
main(void)
{
	test_vectors();
	test_generated();
	test_empty_and_malformed();
	test_long_password();
	test_timing();
	return T_DONE("test_auth");
}
