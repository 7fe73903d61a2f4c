/*
 * fe_relay.h - sending a client command to the privhelper and printing
 * its typed reply: an error line, "+OK ", or "+OK+", the items (user
 * blocks, "key value" lines) and ".". Replies stream: list_users never
 * sits in the frontend's memory as a whole.
 */
#ifndef VP_FE_RELAY_H
#define VP_FE_RELAY_H

#include <stddef.h>

#include "commands.h"
#include "fe_session.h"

enum fe_reply { FE_REPLY_ERR, FE_REPLY_OK, FE_REPLY_LIST };

/* Sends cmd with args[0..n-1] (NULLs end the list early) and prints the
 * whole reply. */
enum fe_reply	fe_request(struct fe_session *, enum vp_cmd, char *const *args,
		    size_t n);
/* Prints the next reply of the helper (after a body). */
enum fe_reply	fe_reply(struct fe_session *);
/*
 * The usual handler: runs pol_precheck on the first token, then collects
 * up to nargs ARG tokens, and a REST token last when rest is set, and
 * relays the command. A token longer than the wire allows cannot occur
 * (a line is at most FE_LINE_MAX bytes).
 */
enum fe_reply	fe_forward(struct fe_session *, struct fe_args *, enum vp_cmd,
		    size_t nargs, int rest);

/* After the helper's "+OK " of mod_user or set_limits: relays body lines
 * up to the first line starting with '.', then prints the final reply. */
void		fe_relay_body(struct fe_session *);

#endif
