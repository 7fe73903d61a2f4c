/*
 * test_listen.c - the listener's address parsing (listen_parse_spec: the
 * "/flags" suffix is reserved and any unknown flag refused) and the key
 * connections are counted under for max-per-source (IPv6 by /64).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "listen.h"
#include "t.h"

static int
key_of(const char *spec, unsigned char key[17])
{
	struct listen_spec l;

	if (listen_parse_spec(spec, &l) < 0)
		return -1;
	listen_source_key(&l.ss, key);
	return 0;
}

int
main(void)
{
	static const char *const good[] = {
		"127.0.0.1:89", "0.0.0.0:1", "[::1]:89", "[2001:db8::1]:65535",
	};
	static const char *const bad[] = {
		"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
		"127.0.0.1: 89", "127.0.0.1:+89", "localhost:89", "::1:89",
		"[::1]89", "127.0.0.1:89/", "127.0.0.1:89/tl",
		"127.0.0.1:89/bogus", "[::1]:89/x",
		"127.0.0.1:89/TLS",
	};
	unsigned char a[17], b[17];
	struct listen_spec l;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(listen_parse_spec(good[i], &l) == 0 && l.flags == 0,
		    "'%s' parses", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(listen_parse_spec(bad[i], &l) < 0, "'%s' is refused",
		    bad[i]);
	CHECK(listen_parse_spec("127.0.0.1:89/tls", &l) == 0 &&
	    l.flags == LISTEN_F_TLS, "'127.0.0.1:89/tls' is implicit TLS");
	CHECK(listen_parse_spec("[::1]:89/tls", &l) == 0 &&
	    l.flags == LISTEN_F_TLS && l.ss.ss_family == AF_INET6,
	    "'[::1]:89/tls' is implicit TLS on IPv6");
	CHECK(listen_parse_spec("[::1]:89", &l) == 0 &&
	    l.ss.ss_family == AF_INET6 &&
	    ntohs(((struct sockaddr_in6 *)&l.ss)->sin6_port) == 89,
	    "[::1]:89 is IPv6 port 89");

	CHECK(key_of("192.0.2.1:1", a) == 0 && key_of("192.0.2.1:2", b) == 0 &&
	    memcmp(a, b, 17) == 0, "one IPv4 address is one source");
	CHECK(key_of("192.0.2.2:1", b) == 0 && memcmp(a, b, 17) != 0,
	    "another IPv4 address is another source");
	CHECK(key_of("[2001:db8:1:2::1]:1", a) == 0 &&
	    key_of("[2001:db8:1:2:ffff::9]:1", b) == 0 &&
	    memcmp(a, b, 17) == 0, "IPv6 addresses of one /64 are one source");
	CHECK(key_of("[2001:db8:1:3::1]:1", b) == 0 && memcmp(a, b, 17) != 0,
	    "another /64 is another source");
	CHECK(key_of("[::ffff:192.0.2.1]:1", a) == 0 &&
	    key_of("192.0.2.1:1", b) == 0 && memcmp(a, b, 17) == 0,
	    "an IPv4-mapped address counts as its IPv4 address");
	CHECK(key_of("[::]:1", a) == 0 && key_of("0.0.0.0:1", b) == 0 &&
	    memcmp(a, b, 17) != 0, "IPv4 and IPv6 keys never collide");
	return T_DONE("listen");
}
