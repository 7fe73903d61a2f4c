/*
 * fe_session.c - the frontend's main loop. Every line read before a
 * successful login counts toward the limit of four (PROTOCOL.md 1.12);
 * the fourth failed login ends the session after its own error line.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fe_session.h"
#include "fe_tls.h"
#include "log.h"

static fe_handler *const handlers[CMD_COUNT] = {
	[CMD_login] = fe_cmd_login,
	[CMD_clogin] = fe_cmd_clogin,
	[CMD_slogin] = fe_cmd_slogin,
	[CMD_auth_check] = fe_cmd_auth_check,
	[CMD_help] = fe_cmd_help,
	[CMD_user_info] = fe_cmd_user_info,
	[CMD_list_domains] = fe_cmd_list_domains,
	[CMD_find_domain] = fe_cmd_find_domain,
	[CMD_domain_count] = fe_cmd_domain_count,
	[CMD_add_alias_domain] = fe_cmd_add_alias_domain,
	[CMD_add_domain] = fe_cmd_add_domain,
	[CMD_del_domain] = fe_cmd_del_domain,
	[CMD_dom_info] = fe_cmd_dom_info,
	[CMD_add_user] = fe_cmd_add_user,
	[CMD_del_user] = fe_cmd_del_user,
	[CMD_user_count] = fe_cmd_user_count,
	[CMD_list_users] = fe_cmd_list_users,
	[CMD_mod_user] = fe_cmd_mod_user,
	[CMD_get_limits] = fe_cmd_get_limits,
	[CMD_set_limits] = fe_cmd_set_limits,
	[CMD_del_limits] = fe_cmd_del_limits,
	[CMD_get_ip_map] = fe_cmd_get_ip_map,
	[CMD_add_ip_map] = fe_cmd_add_ip_map,
	[CMD_del_ip_map] = fe_cmd_del_ip_map,
	[CMD_show_ip_map] = fe_cmd_show_ip_map,
	[CMD_get_lastauth] = fe_cmd_get_lastauth,
	[CMD_get_user_size] = fe_cmd_get_user_size,
	[CMD_get_domain_size] = fe_cmd_get_domain_size,
	[CMD_add_alias] = fe_cmd_add_alias,
	[CMD_remove_alias] = fe_cmd_remove_alias,
	[CMD_delete_alias] = fe_cmd_delete_alias,
	[CMD_list_alias] = fe_cmd_list_alias,
	[CMD_list_lists] = fe_cmd_list_lists,
	[CMD_add_list] = fe_cmd_add_list,
	[CMD_del_list] = fe_cmd_del_list,
	[CMD_mod_list] = fe_cmd_mod_list,
	[CMD_mk_dir] = fe_cmd_mk_dir,
	[CMD_rm_dir] = fe_cmd_rm_dir,
	[CMD_list_dir] = fe_cmd_list_dir,
	[CMD_rm_file] = fe_cmd_rm_file,
	[CMD_rename_file] = fe_cmd_rename_file,
	[CMD_write_file] = fe_cmd_write_file,
	[CMD_read_file] = fe_cmd_read_file,
	[CMD_stat_file] = fe_cmd_stat_file,
	[CMD_exit] = fe_cmd_quit,
	[CMD_quit] = fe_cmd_quit,
	[CMD_q] = fe_cmd_quit,
};

static struct fe_session sess;
static char line[FE_LINE_MAX + 1];

void
fe_err(struct fe_session *s, unsigned major, unsigned minor)
{
	struct vp_status st;

	vp_status_set(&st, major, minor);
	fe_status(s, &st);
}

void
fe_status(struct fe_session *s, const struct vp_status *st)
{
	char buf[VP_STATUS_TEXT + 64];
	size_t n = vp_status_line(st, buf, sizeof(buf));

	fe_put(&s->io, buf, n);
}

void
fe_end(struct fe_session *s, int status)
{
	fe_flush(&s->io);
	fe_tls_close(&s->io);
	explicit_bzero(line, sizeof(line));
	_exit(status);
}

void
fe_call(struct fe_session *s)
{
	if (pr_send(s->hfd, &s->buf) < 0)
		fe_end(s, 1);
	explicit_bzero(s->buf.data, s->buf.len);
	if (pr_recv(s->hfd, &s->buf) <= 0)
		fe_end(s, 1);
}

/* Blank lines get no answer at all, as in the reference. */
static void
dispatch(struct fe_session *s, char *l, size_t len)
{
	struct fe_args a;
	enum vp_cmd c;
	char *name;

	if (memchr(l, '\0', len) != NULL) {
		fe_err(s, VPM_INVALID_COMMAND, s->logged_in ? 107 : 104);
		return;
	}
	fe_args_init(&a, l, len);
	if ((name = fe_arg_next(&a)) == NULL)
		return;
	c = vp_command_find(name);
	if (!s->logged_in) {
		/* an extension outside the reference's table and help */
		if (c == CMD_COUNT && strcmp(name, "starttls") == 0)
			fe_cmd_starttls(s, &a);
		else if (c == CMD_COUNT ||
		    !(vp_commands[c].flags & CF_PRELOGIN))
			fe_err(s, VPM_INVALID_COMMAND, 104);
		else
			handlers[c](s, &a);
		return;
	}
	if (c == CMD_COUNT || handlers[c] == NULL ||
	    vp_commands[c].section == SEC_LOGIN ||
	    s->level < vp_commands[c].gate)
		fe_err(s, VPM_INVALID_COMMAND, 107);
	else
		handlers[c](s, &a);
}

/*
 * A command line over the limit is refused whole. A write_file sends its
 * body without waiting for an answer (Net_Vpopmaild pipelines it), so
 * when the refused line began one, its body is read to its end first:
 * no line of it may run as a command (D1).
 */
static void
line_too_long(struct fe_session *s, char *l, size_t len)
{
	struct fe_args a;
	char *name;

	if (s->logged_in) {
		fe_args_init(&a, l, len);
		if ((name = fe_arg_next(&a)) != NULL &&
		    vp_command_find(name) == CMD_write_file)
			fe_write_file_skip(s);
	}
	fe_err(s, VPM_LINE_TOO_LONG, 108);
}

static void
read_failed(struct fe_session *s)
{
	fe_err(s, VPM_READ_TIMEOUT, s->logged_in ? 106 : 103);
	fe_end(s, 0);
}

static void
prelogin_limits(struct fe_session *s)
{
	if (s->logged_in)
		return;
	if (s->failures >= FE_PRELOGIN_FAILURES) {
		fe_err(s, VPM_TOO_MANY_LOGINS, 105);
		fe_end(s, 0);
	}
	if (s->lines >= FE_PRELOGIN_LINES) {
		fe_err(s, VPM_TOO_MANY_LOGINS, 102);
		fe_end(s, 0);
	}
}

void
fe_session_main(int in, int out, int hfd, int timeout_s)
{
	struct fe_session *s = &sess;
	size_t len;

	/* no memset: this runs once per process and sess is static, so it
	 * starts zeroed; clearing it would only fault in its buffers */
	fe_io_init(&s->io, in, out, timeout_s);
	s->hfd = hfd;
	/* implicit TLS: nothing, not even the greeting, in clear */
	if (fe_tls_implicit() && fe_tls_start(&s->io) < 0)
		fe_end(s, 0);
	fe_puts(&s->io, "+OK \r\n");
	for (;;) {
		if (fe_flush(&s->io) < 0)
			fe_end(s, 1);
		switch (fe_read_line(&s->io, line, &len)) {
		case FE_RD_EOF:
		case FE_RD_TIMEOUT:
			read_failed(s);
			break;
		case FE_RD_TOOLONG:
			line_too_long(s, line, len);
			break;
		case FE_RD_LINE:
			dispatch(s, line, len);
			break;
		}
		explicit_bzero(line, sizeof(line));
		if (s->done)
			fe_end(s, 0);
		if (!s->logged_in)
			s->lines++;
		prelogin_limits(s);
	}
}
