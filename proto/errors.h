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
	VPM_LINE_TOO_LONG	= 39,
	VPM_MAX			= 39
};

#define VP_STATUS_TEXT	256

struct vp_status {
	uint16_t	major;
	uint16_t	minor;
	char		text[VP_STATUS_TEXT];	/* used when major == 0 */
};

const char	*vp_major_text(unsigned major);
void		 vp_status_set(struct vp_status *, unsigned major, unsigned minor);
void		 vp_status_text(struct vp_status *, unsigned minor, const char *);
/* Formats "-ERR <major>.<minor> <text>\r\n"; returns its length. */
size_t		 vp_status_line(const struct vp_status *, char *buf, size_t);

#endif
