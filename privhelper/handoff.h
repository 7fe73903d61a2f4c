/*
 * handoff.h - the listener handing an accepted connection to a
 * pre-forked session (pool.h). Each pre-forked session has two channels
 * to the listener (SOCK_SEQPACKET socketpairs): one ends in its
 * frontend, the other in its helper. The client socket travels over the
 * frontend's channel only (SCM_RIGHTS), so the privileged helper never
 * holds it (DESIGN.md); the peer address and the listener's flags travel
 * over the helper's channel only, so the helper never takes the peer
 * from the frontend, which could lie.
 *
 * Callers: pool.c (the listener's side: send), session.c (the member's
 * side: wait, receive).
 */
#ifndef VP_HANDOFF_H
#define VP_HANDOFF_H

#include <stddef.h>

#define HANDOFF_PEER_MAX	64

/* Listener: the peer as text and struct listen_spec.flags to the
 * helper; the client socket to the frontend. Never block (a member's
 * channel is empty until its one hand-off). 0, or -1 with errno. */
int	handoff_send_peer(int chan, unsigned flags, const char *peer);
int	handoff_send_fd(int chan, int fd);

/* Blocks until chan is readable (1: the hand-off, or the end of file
 * of a retired member, which the receive then refuses) or watch (the
 * other process of the pair) has ended or spoken out of turn first (0).
 * -1: poll failed. */
int	handoff_wait(int chan, int watch);
/* Helper: exactly one well-formed message: a peer of address
 * characters only. 0, or -1 (end of file, wrong size, bad text). */
int	handoff_recv_peer(int chan, unsigned *flags, char *peer, size_t len);
/* Frontend: exactly one message carrying exactly one descriptor and
 * one byte of data; anything else (no descriptor, more than one, a
 * truncated control buffer or data) is refused and whatever arrived is
 * closed. The descriptor (close-on-exec), or -1. The caller closes chan
 * right after, so no later descriptor can arrive. */
int	handoff_recv_fd(int chan);

#endif
