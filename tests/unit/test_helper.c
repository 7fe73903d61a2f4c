/*
 * test_helper.c - privhelper/helper.c's permit table: which request types
 * the helper accepts in which session state.
 */
#include <string.h>

#include "ctx.h"
#include "helper.h"
#include "msg.h"
#include "unit/t.h"

int
main(void)
{
	static struct ph_ctx ctx;
	unsigned t, others = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.audit_fd = -1;
	CHECK(helper_permitted(&ctx, PR_LOGIN), "fresh: PR_LOGIN permitted");
	CHECK(helper_permitted(&ctx, PR_QUIT), "fresh: PR_QUIT permitted");
	CHECK(helper_permitted(&ctx, PR_AUTH_CHECK),
	    "fresh: PR_AUTH_CHECK permitted");
	CHECK(!helper_permitted(&ctx, PR_R_STATUS),
	    "fresh: PR_R_STATUS (a response type) refused");
	CHECK(!helper_permitted(&ctx, PR_R_LOGIN),
	    "fresh: PR_R_LOGIN (a response type) refused");
	CHECK(!helper_permitted(&ctx, 999), "fresh: unknown type 999 refused");
	CHECK(!helper_permitted(&ctx, 0), "fresh: type 0 refused");
	CHECK(!helper_permitted(&ctx, 0x10000 + PR_LOGIN),
	    "fresh: 0x10001 (PR_LOGIN + 2^16) refused");
	for (t = 0; t < 0x10000; t++)
		if (t != PR_LOGIN && t != PR_QUIT && t != PR_TLS &&
		    t != PR_AUTH_CHECK &&
		    helper_permitted(&ctx, t))
			others++;
	CHECK(others == 0, "fresh: no other 16-bit type is permitted");

	CHECK(helper_permitted(&ctx, PR_TLS), "fresh: PR_TLS (starttls) "
	    "permitted");
	ctx.tls = 1;
	CHECK(!helper_permitted(&ctx, PR_TLS), "TLS already on: PR_TLS "
	    "refused (one starttls, none on implicit TLS)");
	ctx.tls = 0;

	ctx.failures = PH_MAX_FAILURES - 1;
	CHECK(helper_permitted(&ctx, PR_LOGIN),
	    "after 3 failures: PR_LOGIN still permitted");
	ctx.failures = 4;
	CHECK(!helper_permitted(&ctx, PR_LOGIN),
	    "after 4 failures: PR_LOGIN refused");
	CHECK(!helper_permitted(&ctx, PR_AUTH_CHECK),
	    "after 4 failures: PR_AUTH_CHECK refused (it counts like login)");
	CHECK(helper_permitted(&ctx, PR_QUIT),
	    "after 4 failures: PR_QUIT permitted");
	ctx.failures = 1000;
	CHECK(!helper_permitted(&ctx, PR_LOGIN),
	    "after 1000 failures: PR_LOGIN refused");

	ctx.failures = 0;
	ctx.id.logged_in = 1;
	CHECK(!helper_permitted(&ctx, PR_LOGIN),
	    "logged in: PR_LOGIN refused");
	CHECK(!helper_permitted(&ctx, PR_AUTH_CHECK),
	    "logged in: PR_AUTH_CHECK refused (pre-login only)");
	CHECK(helper_permitted(&ctx, PR_QUIT), "logged in: PR_QUIT permitted");
	CHECK(!helper_permitted(&ctx, PR_TLS), "logged in: PR_TLS refused "
	    "(starttls only before login)");
	CHECK(!helper_permitted(&ctx, PR_R_STATUS) &&
	    !helper_permitted(&ctx, PR_R_LOGIN) &&
	    !helper_permitted(&ctx, 999),
	    "logged in: response and unknown types refused");
	return T_DONE("test_helper");
}
