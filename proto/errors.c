/*
 * errors.c - message table and formatting of -ERR lines (PROTOCOL.md 2.2).
 * Majors 37 and 38 have no text in the reference; the spec gives ours.
 */
#include <stdio.h>
#include <string.h>

#include "errors.h"

static const char *const major_text[] = {
	[0] = "",
	[1] = "Can't open authentication database",
	[2] = "Too many actions before login",
	[3] = "Read Timeout",
	[4] = "Invalid Command",
	[5] = "Too many invalid login attempts",
	[6] = "Email Address Required",
	[7] = "Password Required",
	[8] = "Invalid Login",
	[9] = "Not Authorized",
	[10] = "Invalid Email Address",
	[11] = "Not Authorized for domain",
	[12] = "User does not exist",
	[13] = "Domain Required",
	[14] = "Alias Name Required",
	[15] = "Invalid Alias Name Supplied",
	[16] = "Alias Line Required",
	[17] = "Alias Insertion Failed",
	[18] = "Alias Removal Failed",
	[19] = "Alias Deletion Failed",
	[20] = "Invalid Directory.  .. not allowed in path",
	[21] = "Invalid Directory.  % not allowed in path",
	[22] = "Invalid Directory.  Do you need a trailing '/'?",
	[23] = "Invalid Directory. Found / before @",
	[24] = "Invalid Directory. Can't parse email address",
	[25] = "Invalid Directory. Unknown email address",
	[26] = "Unauthorized Directory.",
	[27] = "Directory Required.",
	[28] = "Source File Name Required",
	[29] = "Destination File Name Required",
	[30] = "Filename Required",
	[31] = "Could not open assign file",
	[32] = "IP Required",
	[33] = "Not Available",
	[34] = "Could not get limits",
	[35] = "Could not set limits",
	[36] = "Not Implemented yet",
	[37] = "IP Required",
	[38] = "Invalid Domain",
	[39] = "Line too long",
};

const char *
vp_major_text(unsigned major)
{
	if (major >= sizeof(major_text) / sizeof(major_text[0]))
		return "Unknown error";
	return major_text[major];
}

void
vp_status_set(struct vp_status *st, unsigned major, unsigned minor)
{
	st->major = (uint16_t)major;
	st->minor = (uint16_t)minor;
	st->text[0] = '\0';
}

void
vp_status_text(struct vp_status *st, unsigned minor, const char *text)
{
	st->major = 0;
	st->minor = (uint16_t)minor;
	snprintf(st->text, sizeof(st->text), "%s", text);
}

/* A text (one the helper sent) never adds a line of its own: a CR or LF
 * before the final CR LF becomes a blank (found by tests/fuzz/fuzz_proto). */
static void
one_line(char *buf, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i++)
		if (buf[i] == '\r' || buf[i] == '\n')
			buf[i] = ' ';
}

size_t
vp_status_line(const struct vp_status *st, char *buf, size_t len)
{
	int n;

	if (st->major == 0)
		n = snprintf(buf, len, "-ERR 0.%03u %s\r\n", st->minor, st->text);
	else if (st->major == VPM_BARE)
		n = snprintf(buf, len, "-ERR %u %s\r\n", st->minor, st->text);
	else
		n = snprintf(buf, len, "-ERR %u.%03u %s\r\n", st->major,
		    st->minor, vp_major_text(st->major));
	if (n < 0)
		return 0;
	if ((size_t)n >= len) {
		/* Keep the line well formed even when the text was cut. */
		if (len < 3)
			return 0;
		buf[len - 3] = '\r';
		buf[len - 2] = '\n';
		buf[len - 1] = '\0';
		n = (int)len - 1;
	}
	one_line(buf, (size_t)n);
	return (size_t)n;
}

const char *
vp_verror_text(int code)
{
	switch (code) {
	case VERR_ILLEGAL_USERNAME:	return "Illegal username";
	case VERR_USER_EXISTS:		return "Username exists";
	case VERR_CHDIR_VPOPMAIL:
		return "Unable to chdir to vpopmail directory";
	case VERR_CHDIR_USERS:
		return "Unable to chdir to vpopmail/users directory";
	case VERR_CHDIR_DOMAINS:
		return "Unable to chdir to vpopmail/domains directory";
	case VERR_CHDIR_DOMAIN:
		return "Unable to chdir to vpopmail/domains/domain directory";
	case VERR_USER_DIR_EXISTS:	return "User's directory already exists";
	case VERR_NO_USER:		return "User does not exist";
	case VERR_NO_DOMAIN:		return "Domain does not exist";
	case VERR_INVALID_DOMAIN:	return "Invalid domain name";
	case VERR_DOMAIN_EXISTS:	return "Domain already exists";
	case VERR_MAKE_DOMAIN_DIR:	return "Could not make domain dir";
	case VERR_QMAIL_DEFAULT:	return "Could not open qmail default";
	case VERR_MAKE_DOMAINS_DIR:	return "Can not make domains directory";
	case VERR_UPDATE_FILE:		return "Could not update file";
	case VERR_BAD_CHAR:		return "bad character";
	case VERR_INVALID_UID:		return "running as invalid uid";
	case VERR_NO_AUTH_DB:
		return "no authentication database connection";
	case VERR_USER_TOO_LONG:	return "user name too long (max=64)";
	case VERR_DOMAIN_TOO_LONG:	return "domain name too long (max=96)";
	case VERR_PASSWD_TOO_LONG:	return "password too long (max=128)";
	case VERR_GECOS_TOO_LONG:	return "gecos too long (max=64)";
	case VERR_QUOTA_TOO_LONG:	return "quota too long (max=20)";
	case VERR_DIR_TOO_LONG:		return "dir too long (max=160)";
	case VERR_CLEAR_TOO_LONG:
		return "clear password too long (max=128)";
	case VERR_NO_LIMITS:		return "can't read domain limits";
	case VERR_ASSIGN_READ:		return "can't read users/assign file";
	case VERR_CATCHALL:		return "can't delete catchall account";
	default:			return "Unknown error";
	}
}

void
vp_status_verr(struct vp_status *st, unsigned minor, int code)
{
	vp_status_text(st, minor, vp_verror_text(code));
}
