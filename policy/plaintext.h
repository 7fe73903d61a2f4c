/*
 * plaintext.h - the `login-plaintext` setting's decision: may a password
 * travel over this connection? Pure functions over the peer text of
 * session_peer() (privhelper/session.h) and whether the transport is
 * protected (TLS, later); the privhelper's do_login calls
 * pol_login_plaintext_ok before it looks at the password.
 */
#ifndef VP_PLAINTEXT_H
#define VP_PLAINTEXT_H

enum pol_plaintext {
	POL_PLAINTEXT_ALLOW = 0,	/* the reference's behaviour */
	POL_PLAINTEXT_LOOPBACK_ONLY = 1,
};

/* "127.0.0.0/8", "::1", "::ffff:127.x.y.z" and "local" (a Unix socket or
 * a pipe: the peer is on this machine) are loopback; anything else,
 * including "unknown", is not. */
int	pol_peer_is_loopback(const char *peer);
/* 1: a login may proceed; 0: refuse it. */
int	pol_login_plaintext_ok(enum pol_plaintext mode, const char *peer,
	    int is_protected);

#endif
