/*
 * address.c - address parsing and name character rules. Pure functions.
 */
#include <string.h>

#include "address.h"

int
pol_user_chars_ok(const char *u)
{
	static const char punct[] = "!#$&'*+-./=?^_`{|}~";

	for (; *u; u++) {
		unsigned char c = (unsigned char)*u;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (c < 0x21 || c > 0x7e || strchr(punct, c) == NULL)
			return 0;
	}
	return 1;
}

int
pol_domain_chars_ok(const char *d)
{
	for (; *d; d++) {
		unsigned char c = (unsigned char)*d;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.')
			continue;
		return 0;
	}
	return 1;
}

int
pol_parse_address(const char *token, char *user, size_t usz, char *domain,
    size_t dsz)
{
	char buf[POL_ADDR_CUT + 1];
	size_t i, n;
	char *sep;

	n = strnlen(token, POL_ADDR_CUT);
	for (i = 0; i < n; i++) {
		char c = token[i];

		buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	buf[n] = '\0';
	if ((sep = strchr(buf, '@')) == NULL &&
	    (sep = strchr(buf, '%')) == NULL)
		sep = strchr(buf, '/');
	if (sep != NULL)
		*sep++ = '\0';
	else
		sep = buf + n;
	if (strlen(buf) >= usz || strlen(sep) >= dsz)
		return -1;
	if (!pol_user_chars_ok(buf) || !pol_domain_chars_ok(sep))
		return -1;
	memcpy(user, buf, strlen(buf) + 1);
	memcpy(domain, sep, strlen(sep) + 1);
	return 0;
}
