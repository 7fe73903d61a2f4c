/*
 * validate.c - pure validators (see validate.h). The vpasswd format has
 * no quoting, so a ':' or a newline in a value is an injection (a new
 * field, a new account); values are refused, never "cleaned".
 */
#include <string.h>

#include "validate.h"

static const char crypt64[] = "./0123456789"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const char *
val_strerror(int e)
{
	switch (e) {
	case VAL_OK:		return "valid";
	case VAL_EMPTY:		return "empty";
	case VAL_TOO_SHORT:	return "too short";
	case VAL_TOO_LONG:	return "too long";
	case VAL_BAD_CHAR:	return "invalid character";
	case VAL_BAD_FORM:	return "invalid format";
	case VAL_RESERVED:	return "reserved name";
	default:		return "invalid";
	}
}

void
val_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int
is_lower_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The reference's user-name set (6.1) minus upper case. */
static int
user_char(unsigned char c)
{
	static const char punct[] = "!#$&'*+-./=?^_`{|}~";

	return is_lower_alnum(c) || (c != '\0' && strchr(punct, c) != NULL);
}

int
val_user_name(const char *s, int bigdir)
{
	size_t n = strnlen(s, VAL_USER_MAX + 1), i;

	if (n == 0)
		return VAL_EMPTY;
	if (n > VAL_USER_MAX)
		return VAL_TOO_LONG;
	if (n == 1 && bigdir)
		return VAL_TOO_SHORT;
	for (i = 0; i < n; i++)
		if (!user_char((unsigned char)s[i]))
			return VAL_BAD_CHAR;
	return strcmp(s, "vpasswd") == 0 ? VAL_RESERVED : VAL_OK;
}

int
val_new_user_name(const char *s, int bigdir)
{
	int r = val_user_name(s, bigdir);

	if (r != VAL_OK)
		return r;
	/* would be a path, a dot-file or a traversal once used as pw_dir */
	if (strchr(s, '/') != NULL)
		return VAL_BAD_CHAR;
	if (s[0] == '.')
		return VAL_BAD_FORM;
	/* the domain directory's own files (STORAGE.md 2.2) */
	if (strcmp(s, "vpasswd.cdb") == 0 || strcmp(s, "cdb.tmp") == 0 ||
	    strncmp(s, "vpasswd.bak.", 12) == 0)
		return VAL_RESERVED;
	return VAL_OK;
}

int
val_domain_name(const char *s)
{
	size_t n = strnlen(s, VAL_DOMAIN_MAX + 1), i, tld;
	const char *dot;

	if (n == 0)
		return VAL_EMPTY;
	if (n > VAL_DOMAIN_MAX)
		return VAL_TOO_LONG;
	if (n < 3)
		return VAL_TOO_SHORT;
	for (i = 0; i < n; i++)
		if (!is_lower_alnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.')
			return VAL_BAD_CHAR;
	if ((dot = strrchr(s, '.')) == NULL)
		return VAL_BAD_FORM;
	tld = n - (size_t)(dot - s) - 1;
	if (tld < 2 || tld > 63 || s[0] == '-' || s[0] == '.' ||
	    s[n - 1] == '-' || strstr(s, "..") != NULL)
		return VAL_BAD_FORM;
	return VAL_OK;
}

int
val_field_n(const char *s, size_t n, size_t max)
{
	size_t i;

	if (n > max)
		return VAL_TOO_LONG;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == ':')
			return VAL_BAD_CHAR;
	}
	return VAL_OK;
}

int
val_field(const char *s, size_t max)
{
	return val_field_n(s, strnlen(s, max + 1), max);
}

int
val_gecos(const char *s)
{
	return val_field(s, VAL_GECOS_MAX);
}

int
val_clear_password_n(const char *s, size_t n)
{
	/* the last field: ':' is harmless there, a line break is not */
	if (n > VAL_CLEAR_MAX)
		return VAL_TOO_LONG;
	if (memchr(s, '\0', n) || memchr(s, '\n', n) || memchr(s, '\r', n))
		return VAL_BAD_CHAR;
	return VAL_OK;
}

int
val_clear_password(const char *s)
{
	return val_clear_password_n(s, strnlen(s, VAL_CLEAR_MAX + 1));
}

/* "$id$rest": id of crypt ids' characters, rest of crypt/PHC text. */
static int
dollar_hash(const char *s)
{
	static const char idset[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
	static const char rest[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz$=,+";
	size_t id = strspn(s + 1, idset);

	if (s[0] != '$' || id == 0 || id > 16 || s[1 + id] != '$')
		return 0;
	s += id + 2;
	return *s != '\0' && s[strspn(s, rest)] == '\0';
}

int
val_hash(const char *s)
{
	static const char scheme[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-";
	int r;
	size_t k;

	if (*s == '\0')
		return VAL_EMPTY;
	if ((r = val_field(s, VAL_HASH_MAX)) != VAL_OK)
		return r;
	if (*s == '{') {
		k = strspn(s + 1, scheme);
		if (k == 0 || k > 32 || s[1 + k] != '}')
			return VAL_BAD_FORM;
		s += k + 2;
	}
	if (strlen(s) == 13 && strspn(s, crypt64) == 13)
		return VAL_OK;		/* traditional DES */
	return dollar_hash(s) ? VAL_OK : VAL_BAD_FORM;
}

int
val_pw_dir(const char *s)
{
	const char *c;
	size_t len;
	int r;

	if ((r = val_field(s, VAL_DIR_MAX)) != VAL_OK || *s == '\0')
		return r;
	if (*s != '/')
		return VAL_BAD_FORM;
	for (c = s; *c; c += len) {
		while (*c == '/')
			c++;
		len = strcspn(c, "/");
		if ((len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return VAL_BAD_FORM;
	}
	return VAL_OK;
}

/* digits then suffix; returns the length consumed or 0. */
static size_t
quota_part(const char *s, char suffix)
{
	size_t d = strspn(s, "0123456789");

	return d > 0 && s[d] == suffix ? d + 1 : 0;
}

int
val_quota(const char *s)
{
	size_t n = strnlen(s, VAL_QUOTA_MAX + 1), k;

	if (n > VAL_QUOTA_MAX)
		return VAL_TOO_LONG;
	if (n == 0 || strcmp(s, "NOQUOTA") == 0)
		return VAL_OK;
	if ((k = quota_part(s, 'C')) != 0)
		return s[k] == '\0' ? VAL_OK : VAL_BAD_FORM;
	if ((k = quota_part(s, 'S')) == 0)
		return VAL_BAD_FORM;
	if (s[k] == '\0')
		return VAL_OK;
	if (s[k] != ',')
		return VAL_BAD_FORM;
	s += k + 1;
	k = quota_part(s, 'C');
	return k != 0 && s[k] == '\0' ? VAL_OK : VAL_BAD_FORM;
}
