/*
 * fe_cmd_help.c - help, generated from the command table: before login
 * the Login and Utility sections, after login every row whose gate the
 * session's level reaches, each section preceded by an empty line and its
 * name (PROTOCOL.md 4.2).
 */
#include "fe_session.h"

static void
row(struct fe_session *s, enum vp_cmd c)
{
	if (vp_commands[c].flags & CF_NOHELP)
		return;
	fe_printf(&s->io, "%s %s\r\n", vp_commands[c].name,
	    vp_commands[c].usage);
}

static void
help_prelogin(struct fe_session *s)
{
	unsigned c;

	fe_printf(&s->io, "\r\n%s\r\n", vp_section_name(SEC_LOGIN));
	for (c = 0; c < CMD_COUNT; c++)
		if (vp_commands[c].section == SEC_LOGIN)
			row(s, c);
	fe_printf(&s->io, "\r\n%s\r\n", vp_section_name(SEC_UTIL));
	row(s, CMD_help);
	for (c = 0; c < CMD_COUNT; c++)
		if (vp_commands[c].section == SEC_UTIL && c != CMD_help)
			row(s, c);
}

static void
help_level(struct fe_session *s)
{
	int sect = -1;
	unsigned c;

	for (c = 0; c < CMD_COUNT; c++) {
		const struct vp_command *cmd = &vp_commands[c];

		if (cmd->section == SEC_LOGIN)
			continue;
		if ((int)cmd->section != sect) {
			sect = (int)cmd->section;
			if (s->level >= vp_section_gate(cmd->section))
				fe_printf(&s->io, "\r\n%s\r\n",
				    vp_section_name(cmd->section));
		}
		if (s->level >= cmd->gate)
			row(s, c);
	}
}

void
fe_cmd_help(struct fe_session *s, struct fe_args *a)
{
	(void)a;
	fe_puts(&s->io, "+OK+\r\n");
	if (s->logged_in)
		help_level(s);
	else
		help_prelogin(s);
	fe_puts(&s->io, ".\r\n");
}
