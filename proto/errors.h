/*
 * errors.h - the protocol's error lines (spec PROTOCOL.md section 2) as
 * values: a status is (major, minor, text). major > 0 selects the text of
 * the message table; major 0 carries its own text (a library message or a
 * strerror text). Both processes build and print statuses with these.
 */
#ifndef VP_ERRORS_H
#define VP_ERRORS_H

#include <stddef.h>
#include <stdint.h>

enum vp_major {
	VPM_OK			= 0,	/* also "own text" forms */
	VPM_AUTH_DB		= 1,
	VPM_TOO_MANY_ACTIONS	= 2,
	VPM_READ_TIMEOUT	= 3,
	VPM_INVALID_COMMAND	= 4,
	VPM_TOO_MANY_LOGINS	= 5,
	VPM_EMAIL_REQUIRED	= 6,
	VPM_PASSWORD_REQUIRED	= 7,
	VPM_INVALID_LOGIN	= 8,
	VPM_NOT_AUTHORIZED	= 9,
	VPM_INVALID_EMAIL	= 10,
	VPM_NOT_AUTH_DOMAIN	= 11,
	VPM_NO_USER		= 12,
	VPM_DOMAIN_REQUIRED	= 13,
	VPM_ALIAS_REQUIRED	= 14,
	VPM_INVALID_ALIAS	= 15,
	VPM_ALIAS_LINE_REQUIRED	= 16,
	VPM_ALIAS_INSERT	= 17,
	VPM_ALIAS_REMOVE	= 18,
	VPM_ALIAS_DELETE	= 19,
	VPM_DIRECTORY_REQUIRED	= 27,
	VPM_FILENAME_REQUIRED	= 30,
	VPM_ASSIGN_OPEN		= 31,
	VPM_IP_REQUIRED		= 32,
	VPM_NOT_AVAILABLE	= 33,
	VPM_GET_LIMITS		= 34,
	VPM_SET_LIMITS		= 35,
	VPM_NOT_IMPLEMENTED	= 36,
	VPM_LINE_TOO_LONG	= 39,
	/* "-ERR <minor> <text>" without a major: the reference's own lines
	 * of get_domain_size and get_user_size (PROTOCOL.md 4.15, 4.23) */
	VPM_BARE		= 40,
	VPM_MAX			= 40
};

#define VP_STATUS_TEXT	256

struct vp_status {
	uint16_t	major;
	uint16_t	minor;
	char		text[VP_STATUS_TEXT];	/* used when major == 0 */
};

/* The library's error codes whose texts reach the client as
 * "-ERR 0.<minor> <text>" (PROTOCOL.md 2.5). VERR_UNKNOWN is the
 * neutral text for internal failures (S13); like every code it is
 * negative, because 0 means success to every caller. */
enum vp_verr {
	VERR_UNKNOWN		= -99,
	VERR_ILLEGAL_USERNAME	= -1,
	VERR_USER_EXISTS	= -2,
	VERR_CHDIR_VPOPMAIL	= -3,
	VERR_CHDIR_USERS	= -4,
	VERR_CHDIR_DOMAINS	= -5,
	VERR_CHDIR_DOMAIN	= -6,
	VERR_USER_DIR_EXISTS	= -7,
	VERR_NO_USER		= -10,
	VERR_NO_DOMAIN		= -11,
	VERR_INVALID_DOMAIN	= -12,
	VERR_DOMAIN_EXISTS	= -13,
	VERR_MAKE_DOMAIN_DIR	= -14,
	VERR_QMAIL_DEFAULT	= -15,
	VERR_MAKE_DOMAINS_DIR	= -16,
	VERR_UPDATE_FILE	= -17,
	VERR_BAD_CHAR		= -20,
	VERR_INVALID_UID	= -22,
	VERR_NO_AUTH_DB		= -23,
	VERR_USER_TOO_LONG	= -25,
	VERR_DOMAIN_TOO_LONG	= -26,
	VERR_PASSWD_TOO_LONG	= -27,
	VERR_GECOS_TOO_LONG	= -28,
	VERR_QUOTA_TOO_LONG	= -29,
	VERR_DIR_TOO_LONG	= -30,
	VERR_CLEAR_TOO_LONG	= -31,
	VERR_NO_LIMITS		= -36,
	VERR_ASSIGN_READ	= -37,
	VERR_CATCHALL		= -55
};

const char	*vp_verror_text(int code);
/* st := "-ERR 0.<minor> <vp_verror_text(code)>" */
void		 vp_status_verr(struct vp_status *, unsigned minor, int code);

const char	*vp_major_text(unsigned major);
void		 vp_status_set(struct vp_status *, unsigned major, unsigned minor);
void		 vp_status_text(struct vp_status *, unsigned minor, const char *);
/* Formats "-ERR <major>.<minor> <text>\r\n"; returns its length. */
size_t		 vp_status_line(const struct vp_status *, char *buf, size_t);

#endif
