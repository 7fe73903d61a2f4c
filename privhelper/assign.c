/*
 * assign.c - domain lookups through qmail's users/cdb, the same table
 * vpopmail's own tools consult (a domain missing from it does not exist
 * for them either, whatever users/assign says).
 */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assign.h"
#include "fs.h"

#define ASSIGN_VALUE_MAX	(PATH_MAX + 512)

int
assign_parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end || *out > 0x7fffffffUL)
		return -1;
	return 0;
}

int
assign_parse_value(const char *val, size_t n, struct assign_ent *e)
{
	const char *f[4];
	unsigned long uid, gid;
	size_t i, k = 0, start = 0;

	/* realdomain NUL uid NUL gid NUL dir NUL dash NUL */
	for (i = 0; i < n && k < 4; i++) {
		if (val[i] == '\0') {
			f[k++] = val + start;
			start = i + 1;
		}
	}
	if (k < 4)
		return -1;
	if (strlen(f[0]) >= sizeof(e->domain) || strlen(f[3]) >= sizeof(e->dir)
	    || f[0][0] == '\0' || f[3][0] != '/')
		return -1;
	if (assign_parse_id(f[1], &uid) < 0 ||
	    assign_parse_id(f[2], &gid) < 0)
		return -1;
	memcpy(e->domain, f[0], strlen(f[0]) + 1);
	memcpy(e->dir, f[3], strlen(f[3]) + 1);
	e->uid = (uid_t)uid;
	e->gid = (gid_t)gid;
	return 0;
}

int
assign_lookup(const struct ph_ctx *ctx, const char *name,
    struct assign_ent *e)
{
	char key[PR_FIELD_MAX + 3], val[ASSIGN_VALUE_MAX];
	unsigned dlen;
	int fd, r, klen;

	klen = snprintf(key, sizeof(key), "!%s-", name);
	if (klen < 0 || (size_t)klen >= sizeof(key))
		return 1;
	if ((fd = fs_open_beneath(ctx->qmail_fd, "users/cdb", O_RDONLY, 0)) < 0)
		return -1;
	r = cdb_seek(fd, key, (unsigned)klen, &dlen);
	if (r > 0) {
		if (dlen >= sizeof(val) ||
		    read(fd, val, dlen) != (ssize_t)dlen ||
		    assign_parse_value(val, dlen, e) < 0)
			r = -1;
		else
			r = 0;
	} else if (r == 0)
		r = 1;
	close(fd);
	if (r < 0 && errno == 0)
		errno = EINVAL;
	return r;
}
