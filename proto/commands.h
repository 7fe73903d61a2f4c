/*
 * commands.h - the client command table of commands.def as data, shared
 * by the frontend (parser, help) and policy (gates).
 */
#ifndef VP_COMMANDS_H
#define VP_COMMANDS_H

enum vp_section {
	SEC_LOGIN, SEC_DOMAIN, SEC_USER, SEC_ALIAS, SEC_FS, SEC_IPMAP,
	SEC_LIST, SEC_UTIL
};

#define CF_PRELOGIN	0x1
#define CF_HELPONLY	0x2
#define CF_BODY		0x4
#define CF_NOHELP	0x8	/* an extension help does not list: the
				 * reference help text stays byte-exact */

enum vp_cmd {
#define X(id, name, gate, sect, flags, usage) CMD_##id,
#include "commands.def"
#undef X
	CMD_COUNT
};

struct vp_command {
	const char	*name;
	unsigned	 gate;
	enum vp_section	 section;
	unsigned	 flags;
	const char	*usage;
};

extern const struct vp_command vp_commands[CMD_COUNT];

/* Section header text and the level from which help shows it. */
const char	*vp_section_name(enum vp_section);
unsigned	 vp_section_gate(enum vp_section);
/* Case-insensitive lookup of a command (never a CF_HELPONLY row);
 * returns CMD_COUNT when unknown. */
enum vp_cmd	 vp_command_find(const char *name);

#endif
