/*
 * fe_session.h - the frontend's session: the main loop over client lines,
 * pre-login limits, dispatch through the command table, and the state the
 * frontend keeps only to format replies and give early errors.
 */
#ifndef VP_FE_SESSION_H
#define VP_FE_SESSION_H

#include <stdint.h>

#include "codec.h"
#include "commands.h"
#include "fe_args.h"
#include "fe_io.h"
#include "msg.h"

#define FE_PRELOGIN_LINES	4
#define FE_PRELOGIN_FAILURES	4

struct fe_session {
	struct fe_io	io;
	int		hfd;		/* socketpair to the privhelper */
	int		logged_in;
	unsigned	level;
	uint32_t	flags;
	int		compact;	/* clogin/slogin: gidflags lines */
	unsigned	lines;		/* lines read before login */
	unsigned	failures;	/* failed logins */
	int		done;		/* quit: close after flushing */
	enum vp_cmd	cmd;		/* the command being answered */
	char		user[PR_FIELD_MAX];
	char		domain[PR_FIELD_MAX];
	struct pr_buf	buf;
};

typedef void fe_handler(struct fe_session *, struct fe_args *);

/* Entry point of the sandboxed frontend process. */
void	fe_session_main(int in, int out, int hfd, int timeout_s);

/* Helpers for handlers. */
void	fe_err(struct fe_session *, unsigned major, unsigned minor);
void	fe_status(struct fe_session *, const struct vp_status *);
/* Sends s->buf to the helper and receives its reply into s->buf; on any
 * transport failure the session ends (the helper is gone). */
void	fe_call(struct fe_session *);
void	fe_end(struct fe_session *, int status) __attribute__((noreturn));

/* Reads a write_file body to its terminator and drops it (fe_cmd_file.c). */
void	fe_write_file_skip(struct fe_session *);

/* Handlers (fe_cmd_*.c). */
fe_handler fe_cmd_login;
fe_handler fe_cmd_clogin;
fe_handler fe_cmd_slogin;
fe_handler fe_cmd_auth_check;
fe_handler fe_cmd_help;
fe_handler fe_cmd_quit;
fe_handler fe_cmd_user_info, fe_cmd_list_domains, fe_cmd_find_domain,
    fe_cmd_domain_count, fe_cmd_add_alias_domain, fe_cmd_add_domain,
    fe_cmd_del_domain, fe_cmd_dom_info, fe_cmd_add_user, fe_cmd_del_user,
    fe_cmd_user_count, fe_cmd_list_users, fe_cmd_mod_user;
fe_handler fe_cmd_get_limits, fe_cmd_set_limits, fe_cmd_del_limits;
fe_handler fe_cmd_get_ip_map, fe_cmd_add_ip_map, fe_cmd_del_ip_map,
    fe_cmd_show_ip_map, fe_cmd_get_lastauth, fe_cmd_get_user_size,
    fe_cmd_get_domain_size;
fe_handler fe_cmd_add_alias, fe_cmd_remove_alias, fe_cmd_delete_alias,
    fe_cmd_list_alias, fe_cmd_list_lists, fe_cmd_add_list, fe_cmd_del_list,
    fe_cmd_mod_list;
fe_handler fe_cmd_mk_dir, fe_cmd_rm_dir, fe_cmd_list_dir, fe_cmd_rm_file,
    fe_cmd_rename_file;
fe_handler fe_cmd_write_file, fe_cmd_read_file, fe_cmd_stat_file;

#endif
