/*
 * test_quota.c - quota normalisation (policy/quota.h) against every
 * example of PROTOCOL.md 4.21 and STORAGE.md 6.11, plus the refusals.
 */
#include <string.h>

#include "quota.h"
#include "t.h"
#include "validate.h"

static const struct {
	const char *in, *out;
} ok_cases[] = {
	/* PROTOCOL.md 4.21 */
	{ "10M", "10485760S" },
	{ "1000C,10MB", "10485760S,1000C" },
	{ "5000000", "5000000S" },
	{ "noquota", "" },
	{ "abc", "" },
	/* STORAGE.md 6.11 table */
	{ "NOQUOTA", "NOQUOTA" },
	{ "1048576", "1048576S" },
	{ "1M", "1048576S" },
	{ "1MB", "1048576S" },
	{ "1mbs", "1048576S" },
	{ "1024K", "1048576S" },
	{ "1024kb", "1048576S" },
	{ "10M,1000C", "10485760S,1000C" },
	{ "1000C,10MBS", "10485760S,1000C" },
	{ "500C", "500C" },
	{ "0", "" },
	{ "0C", "" },
	{ "1000c", "1000S" },
	/* the rules behind them */
	{ "1048576S", "1048576S" },
	{ "1048576s", "1048576S" },
	{ "10M,20M", "20971520S" },		/* later parts override */
	{ "5C,7C", "7C" },
	{ "10M,0", "" },			/* ... also with 0 */
	{ ",10M,,", "10485760S" },		/* empty parts skipped */
	{ "NoQuota", "" },			/* NOQUOTA is exact */
	{ "NOQUOTA,5C", "5C" },
	{ "", "" },
	{ "1234567890123456789", "1234567890123456789S" },	/* 20 */
};

static const struct {
	const char *in;
	int err;
} bad_cases[] = {
	{ "123456789012345678901", VAL_TOO_LONG },	/* input > 20 */
	{ "12345678901234567890", VAL_TOO_LONG },	/* result 21 */
	{ "99999999999999M", VAL_TOO_LONG },		/* result > 20 */
	{ "99999999999999999999", VAL_TOO_LONG },	/* 2^64 overflow */
	{ "1M,99999999999999999C", VAL_TOO_LONG },	/* combined > 20 */
	{ "10\tM", VAL_BAD_CHAR },
	{ "10M\n", VAL_BAD_CHAR },
	{ "\x7f", VAL_BAD_CHAR },
};

int
main(void)
{
	char out[64];
	size_t i;
	int r;

	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		r = pol_quota_normalise(ok_cases[i].in, out, sizeof(out));
		CHECK(r == VAL_OK && strcmp(out, ok_cases[i].out) == 0,
		    "quota '%s' -> '%s' (got %d '%s')", ok_cases[i].in,
		    ok_cases[i].out, r, r == VAL_OK ? out : "");
		if (r == VAL_OK)
			CHECK(val_quota(out) == VAL_OK,
			    "result '%s' passes val_quota", out);
	}
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		r = pol_quota_normalise(bad_cases[i].in, out, sizeof(out));
		CHECK(r == bad_cases[i].err && out[0] == '\0',
		    "quota case %zu refused with %d (got %d)", i,
		    bad_cases[i].err, r);
	}
	r = pol_quota_normalise("10M", out, 5);
	CHECK(r == VAL_TOO_LONG && out[0] == '\0',
	    "a result that does not fit the buffer is refused, not cut");
	CHECK(pol_quota_is_none("") && pol_quota_is_none("NOQUOTA") &&
	    !pol_quota_is_none("10S") && !pol_quota_is_none("noquota"),
	    "pol_quota_is_none");
	return T_DONE("test_quota");
}
