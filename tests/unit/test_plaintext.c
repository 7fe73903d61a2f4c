/*
 * test_plaintext.c - the login-plaintext decision (policy/plaintext.h):
 * which peers count as loopback, and that a protected transport or the
 * "allow" mode always passes.
 */
#include "plaintext.h"
#include "t.h"

static const char *const loop[] = {
	"127.0.0.1", "127.1.2.3", "127.255.255.254", "::1",
	"0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "local",
};
static const char *const remote[] = {
	"192.0.2.1", "10.0.0.1", "128.0.0.1", "126.255.255.255", "::2",
	"2001:db8::1", "::ffff:192.0.2.1", "::127.0.0.1", "fe80::1",
	"unknown", "", "127.0.0.1 ", "localhost", "127.000.0.1",
	"0.0.0.0", "::",
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(loop) / sizeof(loop[0]); i++) {
		CHECK(pol_peer_is_loopback(loop[i]), "'%s' is loopback",
		    loop[i]);
		CHECK(pol_login_plaintext_ok(POL_PLAINTEXT_LOOPBACK_ONLY,
		    loop[i], 0), "loopback-only lets '%s' log in", loop[i]);
	}
	for (i = 0; i < sizeof(remote) / sizeof(remote[0]); i++) {
		CHECK(!pol_peer_is_loopback(remote[i]),
		    "'%s' is not loopback", remote[i]);
		CHECK(!pol_login_plaintext_ok(POL_PLAINTEXT_LOOPBACK_ONLY,
		    remote[i], 0), "loopback-only refuses '%s' in plaintext",
		    remote[i]);
		CHECK(pol_login_plaintext_ok(POL_PLAINTEXT_LOOPBACK_ONLY,
		    remote[i], 1), "a protected connection from '%s' passes",
		    remote[i]);
		CHECK(pol_login_plaintext_ok(POL_PLAINTEXT_ALLOW, remote[i],
		    0), "allow lets '%s' log in", remote[i]);
	}
	CHECK(!pol_peer_is_loopback(NULL), "NULL peer is not loopback");
	return T_DONE("plaintext");
}
