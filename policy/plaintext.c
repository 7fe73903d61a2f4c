/*
 * plaintext.c - whether a login may be sent in clear text (plaintext.h).
 * The peer is parsed again rather than compared as text, so that
 * "127.000.0.1"-style spellings cannot pass and every form of the IPv6
 * loopback and of IPv4-mapped loopback addresses is recognised.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "plaintext.h"

int
pol_peer_is_loopback(const char *peer)
{
	struct in_addr a4;
	struct in6_addr a6;
	const unsigned char *b;

	if (peer == NULL)
		return 0;
	if (strcmp(peer, "local") == 0)
		return 1;
	if (inet_pton(AF_INET, peer, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, peer, &a6) != 1)
		return 0;
	if (IN6_IS_ADDR_LOOPBACK(&a6))
		return 1;
	b = a6.s6_addr;
	return IN6_IS_ADDR_V4MAPPED(&a6) && b[12] == 127;
}

int
pol_login_plaintext_ok(enum pol_plaintext mode, const char *peer,
    int is_protected)
{
	if (mode == POL_PLAINTEXT_ALLOW || is_protected)
		return 1;
	return pol_peer_is_loopback(peer);
}
