/*
 * listen.h - the built-in listener (-l ADDR:PORT): accept, and fork a
 * frontend/helper pair per connection.
 */
#ifndef VP_LISTEN_H
#define VP_LISTEN_H

#include <sys/socket.h>

#include "config.h"
#include "session.h"

/* Binds every configured address; fatal on failure. Never returns. */
void	listen_run(const struct vp_config *, session_frontend_fn *)
	    __attribute__((noreturn));
/* Splits "ADDR:PORT" / "[v6]:PORT" into a socket address. 0 or -1. */
int	listen_parse(const char *spec, struct sockaddr_storage *,
	    socklen_t *);

#endif
