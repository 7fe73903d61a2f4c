/*
 * util.c - see util.h.
 */
#include <string.h>

#include "util.h"

size_t
vp_strlcpy(char *dst, const char *src, size_t dsz)
{
	size_t n = strlen(src);

	if (dsz > 0) {
		size_t k = n < dsz ? n : dsz - 1;

		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}
