/*
 * commands.c - the command table built from commands.def, and lookup.
 */
#include <strings.h>

#include "commands.h"

const struct vp_command vp_commands[CMD_COUNT] = {
#define X(id, name, gate, sect, flags, usage) \
	[CMD_##id] = { name, gate, sect, flags, usage },
#include "commands.def"
#undef X
};

static const struct {
	const char	*name;
	unsigned	 gate;
} sections[] = {
	[SEC_LOGIN] = { "Login", 0 },
	[SEC_DOMAIN] = { "Domain", 2 },
	[SEC_USER] = { "User", 1 },
	[SEC_ALIAS] = { "Alias", 2 },
	[SEC_FS] = { "File System", 1 },
	[SEC_IPMAP] = { "IP Map", 1 },
	[SEC_LIST] = { "Mailing List", 2 },
	[SEC_UTIL] = { "Utility", 0 },
};

const char *
vp_section_name(enum vp_section s)
{
	return sections[s].name;
}

unsigned
vp_section_gate(enum vp_section s)
{
	return sections[s].gate;
}

enum vp_cmd
vp_command_find(const char *name)
{
	unsigned i;

	for (i = 0; i < CMD_COUNT; i++) {
		if (vp_commands[i].flags & CF_HELPONLY)
			continue;
		if (strcasecmp(vp_commands[i].name, name) == 0)
			return (enum vp_cmd)i;
	}
	return CMD_COUNT;
}
