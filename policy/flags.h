/*
 * flags.h - the per-user flag word (vpasswd field 4, STORAGE.md 6.3) and
 * how a login turns it into a session level (PROTOCOL.md 3.2).
 */
#ifndef VP_FLAGS_H
#define VP_FLAGS_H

#include <stdint.h>

#define VF_NO_PASSWD_CHNG	0x00001u
#define VF_NO_POP		0x00002u
#define VF_NO_WEBMAIL		0x00004u
#define VF_NO_IMAP		0x00008u
#define VF_BOUNCE_MAIL		0x00010u
#define VF_NO_RELAY		0x00020u
#define VF_NO_DIALUP		0x00040u
#define VF_USER0		0x00080u
#define VF_USER1		0x00100u
#define VF_USER2		0x00200u
#define VF_USER3		0x00400u
#define VF_NO_SMTP		0x00800u
#define VF_QA_ADMIN		0x01000u
#define VF_OVERRIDE		0x02000u
#define VF_NO_SPAMASSASSIN	0x04000u
#define VF_DELETE_SPAM		0x08000u
#define VF_SA_ADMIN		0x10000u
#define VF_SA_EXPERT		0x20000u
#define VF_NO_MAILDROP		0x40000u

enum pol_level {
	LEVEL_NONE = 0,
	LEVEL_USER = 1,
	LEVEL_QA = 2,
	LEVEL_SA = 3
};

/* Level of a freshly authenticated account, and the session's copy of
 * its flag word (a postmaster gets QA_ADMIN or-ed in, not stored). */
enum pol_level	pol_login_level(const char *user, uint32_t stored,
		    uint32_t *session_flags);

/* One full-output flag line: name and bit, in PROTOCOL.md 3.3 order. */
struct pol_flag_name {
	const char	*name;
	uint32_t	 bit;
};
#define POL_FULL_FLAGS	18
extern const struct pol_flag_name pol_full_flags[POL_FULL_FLAGS];

#endif
