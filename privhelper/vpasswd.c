/*
 * vpasswd.c - reading the user table. Readers accept 7- and 8-field lines
 * whatever the clear-passwords setting; numbers are read like the
 * reference's atoi (leading digits, empty = 0) so foreign data parses as
 * vpopmail's own tools see it.
 */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "vpasswd.h"

#define VPW_LINE_MAX	1024

static uint32_t
leading_number(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return UINT32_MAX;
	}
	return (uint32_t)v;
}

static int
copy_field(char *dst, size_t dstsz, const char *s, size_t n)
{
	if (n >= dstsz || memchr(s, '\0', n) != NULL)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int
vpasswd_parse_value(const char *name, const char *val, size_t n,
    struct vpw *pw)
{
	const char *f[6];
	size_t len[6], i, k = 0, start = 0;

	memset(pw, 0, sizeof(*pw));
	if (copy_field(pw->name, sizeof(pw->name), name, strlen(name)) < 0)
		return -1;
	for (i = 0; i <= n && k < 6; i++) {
		if (i == n || val[i] == ':') {
			f[k] = val + start;
			len[k++] = i - start;
			start = i + 1;
		}
	}
	if (k < 6)
		return -1;
	if (copy_field(pw->passwd, sizeof(pw->passwd), f[0], len[0]) < 0 ||
	    copy_field(pw->gecos, sizeof(pw->gecos), f[3], len[3]) < 0 ||
	    copy_field(pw->dir, sizeof(pw->dir), f[4], len[4]) < 0 ||
	    copy_field(pw->quota, sizeof(pw->quota), f[5], len[5]) < 0)
		return -1;
	pw->uid = leading_number(f[1], len[1]);
	pw->flags = leading_number(f[2], len[2]);
	if (start <= n && f[5] + len[5] < val + n) {
		/* everything after the sixth colon is the clear text */
		if (copy_field(pw->clear, sizeof(pw->clear), val + start,
		    n - start) < 0)
			return -1;
		pw->has_clear = 1;
	}
	return 0;
}

int
vpasswd_parse_line(const char *line, size_t n, struct vpw *pw)
{
	char name[PR_FIELD_MAX];
	const char *colon;

	if ((colon = memchr(line, ':', n)) == NULL)
		return -1;
	if (copy_field(name, sizeof(name), line, (size_t)(colon - line)) < 0)
		return -1;
	return vpasswd_parse_value(name, colon + 1,
	    n - (size_t)(colon - line) - 1, pw);
}

static int
lookup_text(int domfd, const char *name, struct vpw *pw)
{
	char line[VPW_LINE_MAX];
	size_t nlen = strlen(name), n;
	FILE *f;
	int fd, r = 1;

	if ((fd = fs_open_beneath(domfd, "vpasswd", O_RDONLY, 0)) < 0)
		return errno == ENOENT ? 1 : -1;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -1;
	}
	while (r == 1 && fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\n");
		if (n > nlen && line[nlen] == ':' &&
		    memcmp(line, name, nlen) == 0)
			r = vpasswd_parse_line(line, n, pw) == 0 ? 0 : -1;
	}
	fclose(f);
	return r;
}

int
vpasswd_lookup(int domfd, const char *name, struct vpw *pw)
{
	char val[VPW_LINE_MAX];
	unsigned dlen;
	int fd, r;

	fd = fs_open_beneath(domfd, "vpasswd.cdb", O_RDONLY, 0);
	if (fd < 0)
		return errno == ENOENT ? lookup_text(domfd, name, pw) : -1;
	r = cdb_seek(fd, name, (unsigned)strlen(name), &dlen);
	if (r > 0) {
		if (dlen >= sizeof(val) || read(fd, val, dlen) != (ssize_t)dlen)
			r = -1;
		else
			r = vpasswd_parse_value(name, val, dlen, pw) == 0 ? 0
			    : -1;
	} else if (r == 0)
		r = 1;
	close(fd);
	return r;
}
