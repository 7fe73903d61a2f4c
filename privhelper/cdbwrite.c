/*
 * cdbwrite.c - the cdb file layout (STORAGE.md 3.3), written through a
 * 64 KB buffer into an atomic_file: the records in the order they were
 * added, then the 256 hash tables, each placed the way djb's cdbmake
 * places them (records of one table in insertion order, linear probing
 * from (hash >> 8) % slots), so the bytes are the reference's.
 *
 * Ours rather than tinycdb's writer because tinycdb writes in 4 KB
 * pieces: at 10,000 users a vpasswd.cdb took 500 write(2)s per add_user
 * (docs/PERFORMANCE.md). tinycdb still reads every index.
 *
 * Callers: cdbmake.c alone (cdbwrite.h; cdbw_* of cdbmake.h are the
 * API for everyone else).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cdbwrite.h"

#define CDB_HEADER	2048u		/* 256 (position, slots) pairs */
#define CDB_POS_MAX	0xffffffffu

static void
put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t
cdb_hash_of(const unsigned char *k, size_t n)
{
	uint32_t h = 5381;

	while (n-- > 0)
		h = ((h << 5) + h) ^ *k++;
	return h;
}

static int
out_flush(struct cdb_out *o)
{
	size_t n = o->blen;

	o->blen = 0;
	return n > 0 ? atomic_write(o->af, o->buf, n) : 0;
}

static int
out_put(struct cdb_out *o, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t k;

	if ((uint64_t)o->pos + n > CDB_POS_MAX) {
		errno = EFBIG;
		return -1;
	}
	o->pos += (uint32_t)n;
	while (n > 0) {
		if (o->blen == CDB_OUTBUF && out_flush(o) < 0)
			return -1;
		k = CDB_OUTBUF - o->blen;
		if (k > n)
			k = n;
		memcpy(o->buf + o->blen, s, k);
		o->blen += k;
		s += k;
		n -= k;
	}
	return 0;
}

int
cdb_out_start(struct cdb_out *o, struct atomic_file *af)
{
	static const unsigned char zero[CDB_HEADER];

	memset(o, 0, sizeof(*o));
	o->af = af;
	if ((o->buf = malloc(CDB_OUTBUF)) == NULL)
		return -1;
	/* the header is rewritten by position once the tables are known */
	return out_put(o, zero, sizeof(zero));
}

int
cdb_out_add(struct cdb_out *o, const void *k, size_t kl, const void *v,
    size_t vl)
{
	unsigned char head[8];
	struct cdb_out_slot *s;
	size_t cap;

	if (kl > CDB_POS_MAX || vl > CDB_POS_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (o->nslots == o->cap) {
		cap = o->cap ? o->cap * 2 : 1024;
		if (cap > SIZE_MAX / sizeof(*s) ||
		    (s = realloc(o->slots, cap * sizeof(*s))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		o->slots = s;
		o->cap = cap;
	}
	o->slots[o->nslots].hash = cdb_hash_of(k, kl);
	o->slots[o->nslots].pos = o->pos;
	put_u32(head, (uint32_t)kl);
	put_u32(head + 4, (uint32_t)vl);
	if (out_put(o, head, 8) < 0 || out_put(o, k, kl) < 0 ||
	    out_put(o, v, vl) < 0)
		return -1;
	o->nslots++;
	return 0;
}

/* One table: its slots in place, written out, its header entry set. */
static int
put_table(struct cdb_out *o, const struct cdb_out_slot *mine, size_t count,
    struct cdb_out_slot *table, unsigned char *entry)
{
	unsigned char pair[8];
	size_t len = count * 2, i, at;

	if (len > CDB_POS_MAX) {
		errno = EFBIG;
		return -1;
	}
	put_u32(entry, o->pos);
	put_u32(entry + 4, (uint32_t)len);
	memset(table, 0, len * sizeof(*table));
	for (i = 0; i < count; i++) {
		at = (mine[i].hash >> 8) % len;
		while (table[at].pos != 0)
			if (++at == len)
				at = 0;
		table[at] = mine[i];
	}
	for (i = 0; i < len; i++) {
		put_u32(pair, table[i].hash);
		put_u32(pair + 4, table[i].pos);
		if (out_put(o, pair, 8) < 0)
			return -1;
	}
	return 0;
}

/* Groups the slots by table, keeping insertion order within each. */
static struct cdb_out_slot *
by_table(const struct cdb_out *o, size_t count[256], size_t start[256])
{
	struct cdb_out_slot *g;
	size_t i, at = 0;

	memset(count, 0, 256 * sizeof(count[0]));
	for (i = 0; i < o->nslots; i++)
		count[o->slots[i].hash & 255]++;
	for (i = 0; i < 256; i++) {
		start[i] = at;
		at += count[i];
	}
	if ((g = malloc((o->nslots ? o->nslots : 1) * sizeof(*g))) == NULL)
		return NULL;
	for (i = 0; i < o->nslots; i++)
		g[start[o->slots[i].hash & 255]++] = o->slots[i];
	for (i = 0; i < 256; i++)
		start[i] -= count[i];
	return g;
}

/* The tables, then the header over the zeros cdb_out_start wrote. */
int
cdb_out_finish(struct cdb_out *o)
{
	unsigned char header[CDB_HEADER];
	size_t count[256], start[256], most = 1, i;
	struct cdb_out_slot *g, *table;
	ssize_t k;
	int rc = -1;

	if ((g = by_table(o, count, start)) == NULL)
		return -1;
	for (i = 0; i < 256; i++)
		if (count[i] * 2 > most)
			most = count[i] * 2;
	if ((table = malloc(most * sizeof(*table))) != NULL) {
		for (i = 0; i < 256; i++)
			if (put_table(o, g + start[i], count[i], table,
			    header + 8 * i) < 0)
				break;
		if (i == 256 && out_flush(o) == 0) {
			k = pwrite(o->af->fd, header, sizeof(header), 0);
			if (k == (ssize_t)sizeof(header))
				rc = 0;
			else if (k >= 0)
				errno = EIO;
		}
		free(table);
	}
	free(g);
	if (rc < 0)
		o->af->failed = 1;
	return rc;
}

void
cdb_out_free(struct cdb_out *o)
{
	free(o->buf);
	free(o->slots);
	o->buf = NULL;
	o->slots = NULL;
	o->nslots = o->cap = 0;
}
