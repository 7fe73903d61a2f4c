/*
 * util.h - small string helpers shared by both processes.
 */
#ifndef VP_UTIL_H
#define VP_UTIL_H

#include <stddef.h>

/* Copies src into dst (size dsz), always NUL-terminated. Returns
 * strlen(src); a result >= dsz means src was cut. */
size_t	vp_strlcpy(char *dst, const char *src, size_t dsz);

#endif
