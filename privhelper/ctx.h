/*
 * ctx.h - the privhelper's per-session state: the trees it may touch (as
 * directory fds opened before the sandbox), the audit sink, and the
 * identity it authenticated itself. Nothing here comes from the frontend.
 */
#ifndef VP_CTX_H
#define VP_CTX_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "msg.h"

#define PH_MAX_FAILURES	4	/* failed logins per connection */

struct ph_identity {
	int		logged_in;
	unsigned	level;
	uint32_t	flags;		/* session copy of the flag word */
	char		user[PR_FIELD_MAX];
	char		domain[PR_FIELD_MAX];	/* real domain */
	char		domain_dir[PATH_MAX];
	uid_t		uid;		/* the domain's owner */
	gid_t		gid;
};

struct ph_ctx;
/* A command that reads a body (mod_user) leaves one of these in the
 * context after its first answer; while it is set only body lines and
 * the end of the body are permitted. */
struct ph_body {
	int	(*line)(struct ph_ctx *, const char *line, size_t n);
	int	(*end)(struct ph_ctx *);	/* sends the final status */
};

struct ph_ctx {
	const struct vp_config *cfg;
	int		vpop_fd;	/* O_PATH directory of vpopmail-dir */
	int		qmail_fd;	/* O_PATH directory of qmail-dir */
	int		audit_fd;	/* -1: none */
	int		audit_syslog;
	char		conn[17];	/* connection id, hex */
	char		peer[64];
	char		default_domain[128];
	pid_t		frontend_pid;
	unsigned	failures;
	/* enum tls_state (tls_server.h): implicit TLS is known from the
	 * listener or the configuration; starttls only from the frontend */
	int		tls;
	struct ph_identity id;
	int		fd;		/* the socketpair, for replies */
	const struct ph_body *body;	/* non-NULL: reading a body */
	/* Set with body by a command that must undo what its body did so
	 * far (write_file's temporary): answer 1 when the frontend refused
	 * the body (PR_BODY_ABORT: send one status), 0 when the session is
	 * ending (no reply). helper.c clears it with body. */
	int		(*body_abort)(struct ph_ctx *, int answer);
};

#endif
