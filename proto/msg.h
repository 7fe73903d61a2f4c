/*
 * msg.h - message types (from proto.def) and the compound messages with
 * their encoders and strict decoders. Decoders return 0 only when the
 * whole frame was consumed and every bound held.
 */
#ifndef VP_MSG_H
#define VP_MSG_H

#include <stdint.h>

#include "codec.h"
#include "errors.h"

enum pr_type {
#define X(name, num, fields) name = num,
#include "proto.def"
#undef X
};

const char *pr_type_name(unsigned type);	/* NULL when unknown */

/* Bounds of the strings that cross the socketpair. */
#define PR_ADDR_MAX	1024	/* a command-line token */
#define PR_PASS_MAX	1024	/* a REST argument */
#define PR_FIELD_MAX	512	/* one vpasswd field */
#define PR_PATH_MAX	1024
#define PR_DATA_MAX	4096	/* bytes of one PR_R_DATA chunk */

enum pr_login_mode { PR_MODE_FULL = 0, PR_MODE_COMPACT = 1, PR_MODE_SILENT = 2 };

struct pr_login {
	uint8_t		mode;
	char		address[PR_ADDR_MAX];
	char		password[PR_PASS_MAX];
};

/* The user record block of PROTOCOL.md 4.0.2. */
struct pr_user {
	char		name[PR_FIELD_MAX];
	char		comment[PR_FIELD_MAX];
	char		quota[PR_FIELD_MAX];
	char		dir[PR_FIELD_MAX];
	char		passwd[PR_FIELD_MAX];
	char		clear[PR_FIELD_MAX];
	uint32_t	flags;
};

/* auth_check (an extension): the service whose rules decide, carried
 * in pr_login's mode field of a PR_AUTH_CHECK request. */
enum pr_service {
	PR_SVC_SMTP = 0, PR_SVC_POP3 = 1, PR_SVC_IMAP = 2, PR_SVC_WEBMAIL = 3,
	PR_SVC_COUNT
};

/* A successful auth_check: the mailbox directory and whether an SMTP
 * AUTH client may relay (vchkpw's no_relay). */
struct pr_auth_reply {
	uint8_t		relay;
	char		home[PR_PATH_MAX];
};

struct pr_login_reply {
	uint8_t		level;		/* 1 user, 2 domain admin, 3 system admin */
	uint32_t	uid;
	uint32_t	gid;
	char		domain[PR_FIELD_MAX];	/* the real (own) domain */
	char		vpopmail_dir[PR_PATH_MAX];
	char		domain_dir[PR_PATH_MAX];
	struct pr_user	user;		/* flags = the session copy */
};

/* A client command for the helper: the command (enum vp_cmd) and its
 * raw argument tokens (a REST argument is the last one). The actor is
 * never in it: the helper knows whom it authenticated. */
#define PR_CMD_ARGS	4
struct pr_cmd {
	uint16_t	cmd;
	uint8_t		nargs;
	char		args[PR_CMD_ARGS][PR_ADDR_MAX];
};

/* One "key value" line of a multi-line reply (dom_info, counts, list
 * entries); has_value 0 prints the key alone. */
struct pr_line {
	char		key[PR_PATH_MAX];
	uint8_t		has_value;
	char		value[PR_PATH_MAX];
};

void	pr_put_login(struct pr_buf *, const struct pr_login *);
int	pr_get_login(struct pr_buf *, struct pr_login *);
void	pr_put_auth_check(struct pr_buf *, const struct pr_login *);
int	pr_get_auth_check(struct pr_buf *, struct pr_login *);
void	pr_put_auth_reply(struct pr_buf *, const struct pr_auth_reply *);
int	pr_get_auth_reply(struct pr_buf *, struct pr_auth_reply *);
void	pr_put_status(struct pr_buf *, const struct vp_status *);
int	pr_get_status(struct pr_buf *, struct vp_status *);
void	pr_put_user(struct pr_buf *, const struct pr_user *);
int	pr_get_user(struct pr_buf *, struct pr_user *);
void	pr_put_login_reply(struct pr_buf *, const struct pr_login_reply *);
int	pr_get_login_reply(struct pr_buf *, struct pr_login_reply *);
void	pr_put_cmd(struct pr_buf *, const struct pr_cmd *);
int	pr_get_cmd(struct pr_buf *, struct pr_cmd *);
void	pr_put_body_line(struct pr_buf *, const char *line, size_t n);
int	pr_get_body_line(struct pr_buf *, char *line, size_t max);
void	pr_put_ok(struct pr_buf *, int multi);
int	pr_get_ok(struct pr_buf *, int *multi);
void	pr_put_user_reply(struct pr_buf *, const struct pr_user *);
int	pr_get_user_reply(struct pr_buf *, struct pr_user *);
void	pr_put_line(struct pr_buf *, const struct pr_line *);
int	pr_get_line(struct pr_buf *, struct pr_line *);
/* A raw data chunk (read_file): 1..PR_DATA_MAX bytes, never a NUL.
 * pr_get_data needs PR_DATA_MAX + 1 bytes at data and sets *n. */
void	pr_put_data(struct pr_buf *, const char *data, size_t n);
int	pr_get_data(struct pr_buf *, char *data, size_t *n);

#endif
