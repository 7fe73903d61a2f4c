/*
 * listen.h - the built-in listener (-l ADDR:PORT): accept, count, and fork
 * one process per connection that becomes that connection's privhelper and
 * forks its frontend (session_serve), exactly as under tcpserver.
 *
 * Callers: main.c (listen_run), config.c (listen_parse, to check a
 * `listen` value when it is set).
 */
#ifndef VP_LISTEN_H
#define VP_LISTEN_H

#include <stddef.h>
#include <sys/socket.h>

#include "config.h"
#include "session.h"

/* Flags of one listener, written "ADDR:PORT/flag[,flag]", carried to
 * the connection by struct listen_spec.flags. */
#define LISTEN_F_TLS	0x1	/* "/tls": implicit TLS (tls_server.h) */

struct listen_spec {
	struct sockaddr_storage	ss;
	socklen_t		sl;
	unsigned		flags;
};

/* Builds a fresh configuration (file + flags, checked) for a SIGHUP.
 * 0, or -1 with a one-line reason in err: the old one stays in force. */
typedef int listen_reload_fn(struct vp_config *, char *err, size_t errlen);

/* Binds every configured address (fatal on failure), confines itself
 * (sb_listener) and serves until SIGTERM/SIGINT, then drains: stops
 * accepting, waits for the sessions in flight at most `timeout` seconds,
 * ends those still running, and exits 0. Never returns. */
void	listen_run(const struct vp_config *, listen_reload_fn *,
	    session_frontend_fn *) __attribute__((noreturn));
/* "ADDR:PORT", "[v6]:PORT", each optionally with "/flags". 0 or -1. */
int	listen_parse_spec(const char *spec, struct listen_spec *);
/* listen_parse_spec without the flags (unknown flags still fail). */
int	listen_parse(const char *spec, struct sockaddr_storage *,
	    socklen_t *);
/* The key connections are counted under for max-per-source: the IPv4
 * address, or the /64 of an IPv6 one (an IPv4-mapped one counts as its
 * IPv4 address). key must hold 17 bytes. */
void	listen_source_key(const struct sockaddr_storage *,
	    unsigned char key[17]);

#endif
