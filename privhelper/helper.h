/*
 * helper.h - the privhelper's request loop (the monitor). Requests not
 * permitted in the session's state, malformed, or not consumed exactly
 * are not answered: the helper audits them and ends the session.
 */
#ifndef VP_HELPER_H
#define VP_HELPER_H

#include "ctx.h"

/* Serves requests on fd until the frontend closes it or quits. Returns
 * the process exit status: 0 normal end, 2 protocol violation. */
int	helper_run(struct ph_ctx *, int fd);

/* Whether a request type is allowed now (exposed for the unit tests). */
int	helper_permitted(const struct ph_ctx *, unsigned type);
/* Whether command c with nargs tokens may run for the logged-in level. */
int	helper_cmd_permitted(const struct ph_ctx *, unsigned c, unsigned nargs);

#endif
