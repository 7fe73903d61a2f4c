/*
 * throttle.c - the shared failure counters of throttle.h: a fixed-size
 * table in one file, locked with fcntl for each attempt, and the delay
 * the helper sleeps before it answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "log.h"
#include "throttle.h"
#include "util.h"

#define HDR_SIZE	32
#define SLOT_SIZE	24
#define FILE_SIZE	(HDR_SIZE + (off_t)THROTTLE_SLOTS * SLOT_SIZE)

/* The file's first 8 bytes: "VPTHROT1", no NUL stored. */
static const unsigned char magic[8] = {
	'V', 'P', 'T', 'H', 'R', 'O', 'T', '1'
};

/* On disk, little-endian whatever the host: a hash of 0 is a free slot. */
struct slot {
	uint64_t	hash;
	uint32_t	count;
	int64_t		last;
};

static int state_fd = -1;

static uint64_t
get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static void
put_le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static int
full_pread(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r;

	do
		r = pread(fd, buf, n, off);
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)n ? 0 : -1;
}

static int
full_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t r;

	do
		r = pwrite(fd, buf, n, off);
	while (r < 0 && errno == EINTR);
	if (r >= 0 && r != (ssize_t)n)
		errno = EIO;
	return r == (ssize_t)n ? 0 : -1;
}

static int
lock(int fd, short type)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* A fresh header with a new salt, every slot free; anything past the
 * table (a foreign file) is left alone and never read. */
static int
reinit(int fd, uint64_t *salt)
{
	static const unsigned char zero[SLOT_SIZE * 256];
	unsigned char hdr[HDR_SIZE];
	off_t off;

	if (getrandom(salt, sizeof(*salt), 0) != sizeof(*salt))
		return -1;
	*salt |= 1;
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, magic, sizeof(magic));
	put_le(hdr + 8, THROTTLE_SLOTS, 4);
	put_le(hdr + 16, *salt, 8);
	for (off = HDR_SIZE; off < FILE_SIZE; off += sizeof(zero))
		if (full_pwrite(fd, zero, sizeof(zero), off) < 0)
			return -1;
	return full_pwrite(fd, hdr, sizeof(hdr), 0);
}

static int
load_salt(int fd, uint64_t *salt)
{
	unsigned char hdr[HDR_SIZE];
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (st.st_size < FILE_SIZE || full_pread(fd, hdr, sizeof(hdr), 0) < 0 ||
	    memcmp(hdr, magic, sizeof(magic)) != 0 ||
	    get_le(hdr + 8, 4) != THROTTLE_SLOTS ||
	    (*salt = get_le(hdr + 16, 8)) == 0)
		return reinit(fd, salt);
	return 0;
}

/* FNV-1a over the salt, a kind byte and the key; never 0. */
static uint64_t
key_hash(uint64_t salt, char kind, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull;
	int i;

	for (i = 0; i < 8; i++, salt >>= 8)
		h = (h ^ (salt & 0xff)) * 0x100000001b3ull;
	h = (h ^ (unsigned char)kind) * 0x100000001b3ull;
	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 0x100000001b3ull;
	return h ? h : 1;
}

static off_t
slot_off(uint64_t i)
{
	return HDR_SIZE + (off_t)(i % THROTTLE_SLOTS) * SLOT_SIZE;
}

static int
read_slot(int fd, uint64_t i, struct slot *s)
{
	unsigned char b[SLOT_SIZE];

	if (full_pread(fd, b, sizeof(b), slot_off(i)) < 0)
		return -1;
	s->hash = get_le(b, 8);
	s->count = (uint32_t)get_le(b + 8, 4);
	s->last = (int64_t)get_le(b + 16, 8);
	return 0;
}

static int
write_slot(int fd, uint64_t i, const struct slot *s)
{
	unsigned char b[SLOT_SIZE];

	memset(b, 0, sizeof(b));
	put_le(b, s->hash, 8);
	put_le(b + 8, s->count, 4);
	put_le(b + 16, (uint64_t)s->last, 8);
	return full_pwrite(fd, b, sizeof(b), slot_off(i));
}

/* An entry counts while its last failure is within the window; a time
 * in the future (clock step, corrupt file) is not trusted beyond a
 * minute. */
static int
live(const struct slot *s, time_t now)
{
	return s->hash != 0 && s->last <= (int64_t)now + 60 &&
	    s->last > (int64_t)now - THROTTLE_WINDOW;
}

/* Finds key h among its probe slots: its index, or where a new entry
 * goes (a free or expired slot, else the oldest: *evict set). */
static int
find(int fd, uint64_t h, time_t now, uint64_t *at, struct slot *out,
    int *found, int *evict)
{
	uint64_t i, home = h % THROTTLE_SLOTS, spare = UINT64_MAX, oldest = home;
	int64_t oldest_t = INT64_MAX;
	struct slot s;

	*found = *evict = 0;
	for (i = home; i < home + THROTTLE_PROBE; i++) {
		if (read_slot(fd, i, &s) < 0)
			return -1;
		if (!live(&s, now)) {
			if (spare == UINT64_MAX)
				spare = i;
			continue;
		}
		if (s.hash == h) {
			*at = i;
			*out = s;
			*found = 1;
			return 0;
		}
		if (s.last < oldest_t) {
			oldest_t = s.last;
			oldest = i;
		}
	}
	*evict = spare == UINT64_MAX;
	*at = *evict ? oldest : spare;
	memset(out, 0, sizeof(*out));
	return 0;
}

/* One counter: *before is its count before this attempt. */
static int
update(int fd, uint64_t h, int fail, time_t now, unsigned *before,
    unsigned *after, int *evicted)
{
	struct slot s;
	uint64_t at;
	int found, evict;

	if (find(fd, h, now, &at, &s, &found, &evict) < 0)
		return -1;
	*before = found ? s.count : 0;
	if (!fail) {
		*after = 0;
		if (!found)
			return 0;
		s.hash = 0;
		s.count = 0;
		s.last = 0;
		return write_slot(fd, at, &s);
	}
	*evicted |= evict;
	s.hash = h;
	s.count = *before < THROTTLE_COUNT_MAX ? *before + 1 : *before;
	s.last = (int64_t)now;
	*after = s.count;
	return write_slot(fd, at, &s);
}

unsigned
throttle_delay_ms(unsigned count, unsigned base_ms, unsigned max_ms)
{
	unsigned d = base_ms;

	if (count <= THROTTLE_FREE)
		return 0;
	for (count -= THROTTLE_FREE + 1; count > 0 && d < max_ms; count--)
		d = d > max_ms / 2 ? max_ms : d * 2;
	return d < max_ms ? d : max_ms;
}

/* The address key of a success is only read (a success from an address
 * does not forgive its other failures). */
static int
peek(int fd, uint64_t h, time_t now, unsigned *count)
{
	struct slot s;
	uint64_t at;
	int found, evict;

	if (find(fd, h, now, &at, &s, &found, &evict) < 0)
		return -1;
	*count = found ? s.count : 0;
	return 0;
}

int
throttle_record(int fd, const char *addr_key, const char *account,
    int success, time_t now, unsigned base_ms, unsigned max_ms,
    struct throttle_result *r)
{
	unsigned a0 = 0, u0 = 0, n;
	uint64_t salt;
	int rc = -1, e;

	memset(r, 0, sizeof(*r));
	if (lock(fd, F_WRLCK) < 0)
		return -1;
	if (load_salt(fd, &salt) < 0)
		goto out;
	if (addr_key != NULL && (success ?
	    peek(fd, key_hash(salt, 'a', addr_key), now, &a0) :
	    update(fd, key_hash(salt, 'a', addr_key), 1, now, &a0,
	    &r->addr_count, &r->evicted)) < 0)
		goto out;
	if (success)
		r->addr_count = a0;
	if (update(fd, key_hash(salt, 'u', account), !success, now, &u0,
	    &r->acct_count, &r->evicted) < 0)
		goto out;
	n = a0 > u0 ? a0 : u0;
	r->delay_ms = throttle_delay_ms(n + 1, base_ms, max_ms);
	rc = 0;
out:
	e = errno;
	(void)lock(fd, F_UNLCK);
	errno = e;
	return rc;
}

int
throttle_addr_key(const char *peer, char *key, size_t keysz)
{
	unsigned char a[sizeof(struct in6_addr)];
	char txt[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, peer, a) == 1) {
		snprintf(key, keysz, "%s", peer);
		return 0;
	}
	if (inet_pton(AF_INET6, peer, a) != 1)
		return -1;
	if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)a)) {
		inet_ntop(AF_INET, a + 12, txt, sizeof(txt));
		snprintf(key, keysz, "%s", txt);
		return 0;
	}
	memset(a + 8, 0, 8);
	inet_ntop(AF_INET6, a, txt, sizeof(txt));
	snprintf(key, keysz, "%s/64", txt);
	return 0;
}

int
throttle_open_dir(const char *state_dir)
{
	struct stat st;
	int dfd, fd, e;

	dfd = open(state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	/* O_NONBLOCK: a planted FIFO must not hang the session */
	fd = openat(dfd, THROTTLE_FILE, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0600);
	e = errno;
	close(dfd);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
		e = EINVAL;
	}
	errno = e;
	return fd;
}

void
throttle_open(const struct vp_config *cfg)
{
	if (!cfg->throttle || state_fd >= 0)
		return;
	state_fd = throttle_open_dir(cfg->state_dir);
	if (state_fd < 0 && errno != ENOENT)
		log_warn("throttle state %s/%s", cfg->state_dir,
		    THROTTLE_FILE);
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts, rem;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

static void
lower_key(const char *in, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < outsz; i++)
		out[i] = (in[i] >= 'A' && in[i] <= 'Z') ?
		    (char)(in[i] - 'A' + 'a') : in[i];
	out[i] = '\0';
}

unsigned
throttle_login(struct ph_ctx *ctx, const char *account, int success)
{
	const struct vp_config *cfg = ctx->cfg;
	struct throttle_result r;
	char akey[THROTTLE_KEY_MAX], ukey[THROTTLE_KEY_MAX], detail[160];
	int has_addr;

	if (state_fd < 0 || !cfg->throttle)
		return 0;
	has_addr = throttle_addr_key(ctx->peer, akey, sizeof(akey)) == 0;
	lower_key(account, ukey, sizeof(ukey));
	if (throttle_record(state_fd, has_addr ? akey : NULL, ukey, success,
	    time(NULL), (unsigned)cfg->throttle_base_ms,
	    (unsigned)cfg->throttle_max_delay * 1000u, &r) < 0) {
		snprintf(detail, sizeof(detail), "state file: %s",
		    strerror(errno));
		audit(ctx, "throttle", ukey, "error", detail);
		return 0;
	}
	if (r.evicted)
		audit(ctx, "throttle", ukey, "evicted",
		    "table full: the oldest entry made room");
	if (r.delay_ms == 0)
		return 0;
	snprintf(detail, sizeof(detail), "delay %u ms, address failures %u%s, "
	    "account failures %u, %s", r.delay_ms, r.addr_count,
	    has_addr ? "" : " (no address)", r.acct_count,
	    success ? "password right" : "password refused");
	audit(ctx, "throttle", ukey, "delayed", detail);
	sleep_ms(r.delay_ms);
	return r.delay_ms;
}
