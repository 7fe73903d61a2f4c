/*
 * test_cdbwrite.c - privhelper/cdbwrite.c writes the bytes of the cdb
 * writer it replaced: for each record set, cdbw_* (the daemon's path) and
 * tinycdb's cdb_make produce identical files, and tinycdb finds every
 * record in ours. Sets: none, one, duplicates and empty keys and values,
 * one hash table holding every record (long probe chains), random
 * records crossing the 64 KB buffer, 100,000 vpasswd-like lines.
 */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cdbmake.h"
#include "t.h"
#include "tdir.h"

struct rec {
	char	*k, *v;
	size_t	 kl, vl;
};

static char top[PATH_MAX - 64];
static int topfd = -1;

static unsigned long long rng = 88172645463325252ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static char *
slurp(const char *name, size_t *len)
{
	struct stat st;
	char *b = NULL;
	int fd = openat(topfd, name, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) == 0 && (b = malloc((size_t)st.st_size
	    + 1)) != NULL &&
	    read(fd, b, (size_t)st.st_size) != (ssize_t)st.st_size) {
		free(b);
		b = NULL;
	}
	if (b != NULL)
		*len = (size_t)st.st_size;
	if (fd >= 0)
		close(fd);
	return b;
}

static int
build_ours(const struct rec *r, size_t n)
{
	struct cdbw w;
	size_t i;

	if (cdbw_begin(topfd, "ours.cdb", getuid(), getgid(), 0600, &w) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (cdbw_add(&w, r[i].k, r[i].kl, r[i].v, r[i].vl) < 0) {
			cdbw_abort(&w);
			return -1;
		}
	return cdbw_commit(&w);
}

static int
build_tiny(const struct rec *r, size_t n)
{
	struct cdb_make cm;
	size_t i;
	int fd, rc = 0;

	fd = openat(topfd, "tiny.cdb", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600);
	if (fd < 0 || cdb_make_start(&cm, fd) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++)
		rc = cdb_make_add(&cm, r[i].k, (unsigned)r[i].kl, r[i].v,
		    (unsigned)r[i].vl);
	if (cdb_make_finish(&cm) < 0)
		rc = -1;
	close(fd);
	return rc;
}

/* Every record's value is found under its key (the first of duplicates). */
static int
all_found(const struct rec *r, size_t n)
{
	char buf[1024];
	unsigned dl;
	size_t i, j;
	int fd = openat(topfd, "ours.cdb", O_RDONLY | O_CLOEXEC), ok = fd >= 0;

	for (i = 0; ok && i < n; i++) {
		for (j = 0; j < i; j++)
			if (r[j].kl == r[i].kl && memcmp(r[j].k, r[i].k,
			    r[i].kl) == 0)
				break;
		if (j < i)
			continue;	/* a duplicate: the first one answers */
		ok = cdb_seek(fd, r[i].k, (unsigned)r[i].kl, &dl) > 0 &&
		    dl == r[i].vl && dl <= sizeof(buf) &&
		    read(fd, buf, dl) == (ssize_t)dl &&
		    memcmp(buf, r[i].v, dl) == 0;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static void
compare(const char *what, const struct rec *r, size_t n, int lookups)
{
	char *a, *b;
	size_t al = 0, bl = 0;

	if (!CHECK(build_ours(r, n) == 0 && build_tiny(r, n) == 0,
	    "%s: both built (%s)", what, strerror(errno)))
		return;
	a = slurp("ours.cdb", &al);
	b = slurp("tiny.cdb", &bl);
	CHECK(a != NULL && b != NULL && al == bl && memcmp(a, b, al) == 0,
	    "%s: %zu records, the same %zu bytes as tinycdb's (ours %zu)",
	    what, n, bl, al);
	if (lookups)
		CHECK(all_found(r, n), "%s: tinycdb finds every record in ours",
		    what);
	free(a);
	free(b);
}

static struct rec *
records(size_t n)
{
	struct rec *r = calloc(n ? n : 1, sizeof(*r));

	if (r == NULL) {
		perror("calloc");
		exit(2);
	}
	return r;
}

static void
free_records(struct rec *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].k);
		free(r[i].v);
	}
	free(r);
}

static void
set_rec(struct rec *r, const char *k, size_t kl, const char *v, size_t vl)
{
	r->k = malloc(kl + 1);
	r->v = malloc(vl + 1);
	if (r->k == NULL || r->v == NULL)
		exit(2);
	memcpy(r->k, k, kl);
	memcpy(r->v, v, vl);
	r->kl = kl;
	r->vl = vl;
}

static void
small_sets(void)
{
	struct rec *r = records(6);

	compare("no record", r, 0, 0);
	set_rec(&r[0], "user1", 5, "pw:1:0::dir:NOQUOTA", 19);
	compare("one record", r, 1, 1);
	set_rec(&r[1], "", 0, "empty key", 9);
	set_rec(&r[2], "v", 1, "", 0);
	set_rec(&r[3], "user1", 5, "second of a duplicate", 21);
	set_rec(&r[4], "a\0b", 3, "binary \0 key", 12);
	set_rec(&r[5], "user2", 5, "x", 1);
	compare("duplicates, empty key and value, NUL bytes", r, 6, 1);
	free_records(r, 6);
}

/* Keys whose hash ends in 0x00: one table of 2 * 400 slots. */
static void
one_table(void)
{
	struct rec *r = records(400);
	char k[32];
	size_t n = 0;
	unsigned i;

	for (i = 0; n < 400; i++) {
		int kl = snprintf(k, sizeof(k), "k%u", i);

		if ((cdb_hash(k, (unsigned)kl) & 255) == 0)
			set_rec(&r[n++], k, (size_t)kl, k, (size_t)kl);
	}
	compare("400 records in one hash table", r, n, 1);
	free_records(r, n);
}

static void
random_set(void)
{
	struct rec *r = records(3000);
	char k[64], v[900];
	size_t i, j, kl, vl;

	for (i = 0; i < 3000; i++) {
		kl = rnd(sizeof(k));
		vl = rnd(sizeof(v));
		for (j = 0; j < kl; j++)
			k[j] = (char)rnd(256);
		for (j = 0; j < vl; j++)
			v[j] = (char)rnd(256);
		set_rec(&r[i], k, kl, v, vl);
	}
	compare("3,000 random records (1.3 MB, crossing the buffer)", r,
	    3000, 1);
	free_records(r, 3000);
}

static void
vpasswd_like(void)
{
	enum { N = 100000 };
	struct rec *r = records(N);
	char k[16], v[128];
	size_t i;
	int kl, vl;

	for (i = 0; i < N; i++) {
		kl = snprintf(k, sizeof(k), "u%06zu", i);
		vl = snprintf(v, sizeof(v), "$6$salt$hash%zu:1:0:u%06zu:"
		    "/home/vpopmail/domains/example.com/u%06zu:NOQUOTA", i,
		    i, i);
		set_rec(&r[i], k, (size_t)kl, v, (size_t)vl);
	}
	compare("100,000 vpasswd-like records", r, N, 0);
	free_records(r, N);
}

int
main(void)
{
	if (t_mkdtemp(top, sizeof(top), "cdbwrite") < 0 ||
	    (topfd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		perror("tempdir");
		return 2;
	}
	small_sets();
	one_table();
	random_set();
	vpasswd_like();
	unlinkat(topfd, "ours.cdb", 0);
	unlinkat(topfd, "tiny.cdb", 0);
	rmdir(top);
	return T_DONE("test_cdbwrite");
}
