/*
 * session.h - one client connection: split into the sandboxed frontend
 * (child) and the privhelper (this process), as DESIGN.md draws it.
 */
#ifndef VP_SESSION_H
#define VP_SESSION_H

#include "config.h"

/* What the frontend child runs once sandboxed: serve the client on in/out,
 * talking to the helper over hfd. Must not return to the caller's code
 * paths (session_serve _exits after it). */
typedef void session_frontend_fn(int in, int out, int hfd,
    const struct vp_config *);

/* Serves one connection and exits the process with the helper's status.
 * peer: the client's address as text (already validated). */
void	session_serve(const struct vp_config *, int in, int out,
	    const char *peer, session_frontend_fn *) __attribute__((noreturn));

/* A pre-forked session (pool.h), in a child of the listener: sets up
 * both processes and their sandboxes, then waits for the hand-off
 * (handoff.h): the peer on ctl (the helper's channel), the client socket
 * on fe_ctl (the frontend's, passed on to the frontend and closed here).
 * Serves that one connection and exits like session_serve; exits 0
 * without a connection when retired (ctl closed). */
void	session_member(const struct vp_config *, int ctl, int fe_ctl,
	    session_frontend_fn *) __attribute__((noreturn));

/* The peer address: TCPREMOTEIP when it is a valid IP literal, else
 * getpeername() of fd, else "unknown". */
void	session_peer(int fd, char *buf, size_t len);

#endif
