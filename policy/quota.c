/*
 * quota.c - quota normalisation (see quota.h). Numbers are unsigned
 * 64-bit; an overflow is refused rather than wrapped, since no result
 * that large fits in the 20 characters the reference allows anyway.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "quota.h"
#include "validate.h"

/* Leading decimal digits of p[0..n) (strtoll without sign or blanks:
 * the reference's callers never pass either meaningfully). 0 or -1 on
 * overflow. */
static int
leading_number(const char *p, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(p[i] - '0');
	}
	return 0;
}

static int
size_part(const char *p, size_t n, uint64_t *size)
{
	uint64_t v, mul = 1;

	if (n > 0 && (p[n - 1] == 'S' || p[n - 1] == 's'))
		n--;
	if (n > 0 && (p[n - 1] == 'B' || p[n - 1] == 'b'))
		n--;
	if (leading_number(p, n, &v) < 0)
		return -1;
	if (n > 0 && (p[n - 1] == 'M' || p[n - 1] == 'm'))
		mul = 1048576;
	else if (n > 0 && (p[n - 1] == 'K' || p[n - 1] == 'k'))
		mul = 1024;
	if (v > UINT64_MAX / mul)
		return -1;
	*size = v * mul;
	return 0;
}

/* Every part of in, in order; empty parts are skipped as strtok does. */
static int
parse_parts(const char *in, uint64_t *size, uint64_t *count)
{
	const char *p = in, *comma;
	size_t n;

	*size = *count = 0;
	for (; *p != '\0'; p += n + (p[n] == ',')) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0)
			continue;
		if (p[n - 1] == 'C') {
			if (leading_number(p, n - 1, count) < 0)
				return -1;
		} else if (size_part(p, n, size) < 0)
			return -1;
	}
	return 0;
}

int
pol_quota_normalise(const char *in, char *out, size_t outsz)
{
	uint64_t size, count;
	const unsigned char *u;
	int n;

	if (outsz > 0)
		out[0] = '\0';
	for (u = (const unsigned char *)in; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f)
			return VAL_BAD_CHAR;
	if (strlen(in) > VAL_QUOTA_MAX)
		return VAL_TOO_LONG;
	if (strcmp(in, "NOQUOTA") == 0) {
		n = snprintf(out, outsz, "NOQUOTA");
	} else {
		if (parse_parts(in, &size, &count) < 0)
			return VAL_TOO_LONG;
		if (size && count)
			n = snprintf(out, outsz, "%lluS,%lluC",
			    (unsigned long long)size,
			    (unsigned long long)count);
		else if (size)
			n = snprintf(out, outsz, "%lluS",
			    (unsigned long long)size);
		else if (count)
			n = snprintf(out, outsz, "%lluC",
			    (unsigned long long)count);
		else
			n = snprintf(out, outsz, "%s", "");
	}
	if (n < 0 || (size_t)n >= outsz || n > VAL_QUOTA_MAX) {
		if (outsz > 0)
			out[0] = '\0';
		return VAL_TOO_LONG;
	}
	return VAL_OK;
}

int
pol_quota_is_none(const char *stored)
{
	return stored[0] == '\0' || strcmp(stored, "NOQUOTA") == 0;
}
