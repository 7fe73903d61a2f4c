/*
 * domlimits_write.c - writing domain limits and parsing set_limits
 * bodies (see domlimits_write.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "domlimits_write.h"
#include "flags.h"
#include "fs.h"
#include "util.h"

/* ---- the file ---- */

/* Appends to buf at *off; the buffer is sized for the longest text, so a
 * cut can only be a bug - it shows as a short text, never an overrun. */
static void
put(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
put(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= bufsz)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, bufsz - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < bufsz - *off ? (size_t)n : bufsz - *off - 1;
}

size_t
limits_format(const struct limits *l, char *buf, size_t bufsz)
{
	size_t off = 0, i;

	if (bufsz == 0)
		return 0;
	buf[0] = '\0';
	put(buf, bufsz, &off, "maxpopaccounts: %d\nmaxaliases: %d\n"
	    "maxforwards: %d\nmaxautoresponders: %d\nmaxmailinglists: %d\n",
	    (int)l->maxpopaccounts, (int)l->maxaliases, (int)l->maxforwards,
	    (int)l->maxautoresponders, (int)l->maxmailinglists);
	put(buf, bufsz, &off, "quota: %llu\nmaxmsgcount: %llu\n"
	    "default_quota: %llu\ndefault_maxmsgcount: %llu\n",
	    (unsigned long long)l->quota, (unsigned long long)l->maxmsgcount,
	    (unsigned long long)l->default_quota,
	    (unsigned long long)l->default_maxmsgcount);
	for (i = 0; i < LIMITS_NFLAGS; i++)
		if (l->flags & limits_flags[i].bit)
			put(buf, bufsz, &off, "%s\n", limits_flags[i].keyword);
	put(buf, bufsz, &off, "perm_account: %d\nperm_alias: %d\n"
	    "perm_forward: %d\nperm_autoresponder: %d\nperm_maillist: %d\n"
	    "perm_quota: %d\nperm_defaultquota: %d\n",
	    (int)(l->perm_account & 7), (int)(l->perm_alias & 7),
	    (int)(l->perm_forward & 7), (int)(l->perm_autoresponder & 7),
	    (int)(l->perm_maillist & 0777), (int)(l->perm_quota & 7),
	    (int)(l->perm_defaultquota & 7));
	return off;
}

int
limits_write(int dirfd, const char *name, const struct limits *l,
    uid_t uid, gid_t gid, mode_t mode)
{
	struct atomic_file af;
	char text[LIMITS_TEXT_MAX];
	size_t n = limits_format(l, text, sizeof(text));
	int e;

	if (atomic_begin(dirfd, name, uid, gid, mode, &af) < 0)
		return -1;
	if (atomic_write(&af, text, n) < 0) {
		e = errno;
		atomic_abort(&af);
		errno = e;
		return -1;
	}
	return atomic_commit(&af);
}

int
limits_lock(int domfd, int timeout_s)
{
	struct timespec step = { 0, 100000000L };
	long tries;
	int fd, r, e;

	/* flock needs a real descriptor; domfd is usually O_PATH */
	if ((fd = fs_open_beneath(domfd, ".", O_RDONLY | O_DIRECTORY, 0)) < 0)
		return -1;
	for (tries = (long)timeout_s * 10; (r = flock(fd, LOCK_EX |
	    LOCK_NB)) < 0 && (errno == EWOULDBLOCK || errno == EINTR) &&
	    tries > 0; tries--)
		(void)nanosleep(&step, NULL);
	if (r < 0) {
		e = errno == EWOULDBLOCK ? ETIMEDOUT : errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void
limits_unlock(int lockfd)
{
	if (lockfd >= 0)
		close(lockfd);	/* the last descriptor drops the flock */
}

/* ---- set_limits bodies ---- */

enum kind {
	K_INT,		/* int32 */
	K_QUOTA,	/* 0..INT64_MAX */
	K_FLAG,		/* 0 or 1; arg is the VF_* bit */
	K_PERM,		/* 0..7 */
	K_PERMQ,	/* perm_quota: 0..0777, quota bits kept */
	K_SUB		/* maillist sub-permission 0..7; arg is the shift */
};

struct key {
	const char	*name;		/* the wire name (PROTOCOL.md 4.13) */
	size_t		 off;		/* field of struct limits */
	enum kind	 kind;
	uint32_t	 arg;
};

#define F(m)	offsetof(struct limits, m)
static const struct key keys[LIMITS_NKEYS] = {
	{ "max_popaccounts",	F(maxpopaccounts), K_INT, 0 },
	{ "max_aliases",	F(maxaliases), K_INT, 0 },
	{ "max_forwards",	F(maxforwards), K_INT, 0 },
	{ "max_autoresponders",	F(maxautoresponders), K_INT, 0 },
	{ "max_mailinglists",	F(maxmailinglists), K_INT, 0 },
	{ "disk_quota",		F(quota), K_QUOTA, 0 },
	{ "max_msgcount",	F(maxmsgcount), K_QUOTA, 0 },
	{ "default_quota",	F(default_quota), K_QUOTA, 0 },
	{ "default_maxmsgcount", F(default_maxmsgcount), K_QUOTA, 0 },
	{ "disable_pop",	F(flags), K_FLAG, VF_NO_POP },
	{ "disable_imap",	F(flags), K_FLAG, VF_NO_IMAP },
	{ "disable_dialup",	F(flags), K_FLAG, VF_NO_DIALUP },
	{ "disable_password_changing", F(flags), K_FLAG, VF_NO_PASSWD_CHNG },
	{ "disable_webmail",	F(flags), K_FLAG, VF_NO_WEBMAIL },
	{ "disable_external_relay", F(flags), K_FLAG, VF_NO_RELAY },
	{ "disable_smtp",	F(flags), K_FLAG, VF_NO_SMTP },
	{ "disable_spamassassin", F(flags), K_FLAG, VF_NO_SPAMASSASSIN },
	{ "delete_spam",	F(flags), K_FLAG, VF_DELETE_SPAM },
	{ "disable_maildrop",	F(flags), K_FLAG, VF_NO_MAILDROP },
	{ "perm_account",	F(perm_account), K_PERM, 0 },
	{ "perm_alias",		F(perm_alias), K_PERM, 0 },
	{ "perm_forward",	F(perm_forward), K_PERM, 0 },
	{ "perm_autoresponder",	F(perm_autoresponder), K_PERM, 0 },
	{ "perm_maillist",	F(perm_maillist), K_SUB, 0 },
	{ "perm_quota",		F(perm_quota), K_PERMQ, 0 },
	{ "perm_defaultquota",	F(perm_defaultquota), K_PERM, 0 },
	{ "perm_maillist_users", F(perm_maillist), K_SUB, 3 },
	{ "perm_maillist_moderators", F(perm_maillist), K_SUB, 6 },
};
#undef F

void
limits_edit_init(struct limits_edit *e)
{
	memset(e, 0, sizeof(*e));
}

static int
is_sep(char c)
{
	return c == ' ' || c == '=' || c == ':' || c == '\r' || c == '\n';
}

/* The next token at *s (separators skipped); its length, 0 at the end. */
static size_t
token(const char **s, const char *end, const char **tok)
{
	const char *p = *s;

	while (p < end && is_sep(*p))
		p++;
	*tok = p;
	while (p < end && !is_sep(*p))
		p++;
	*s = p;
	return (size_t)(p - *tok);
}

/* A whole token as a signed 64-bit decimal. 0, LE_BAD_VALUE or LE_RANGE. */
static enum limits_edit_err
number(const char *s, size_t n, int64_t *out)
{
	const char *end = s + n;
	uint64_t v = 0, lim;
	int neg = 0;

	if (s < end && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	if (s == end)
		return LE_BAD_VALUE;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return LE_BAD_VALUE;
		if (v > (lim - (uint64_t)(*s - '0')) / 10)
			return LE_RANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
	    -(int64_t)v) : (int64_t)v;
	return LE_OK;
}

static int
in_range(const struct key *k, int64_t v)
{
	switch (k->kind) {
	case K_INT:
		return v >= INT32_MIN && v <= INT32_MAX;
	case K_QUOTA:
		return v >= 0;
	case K_FLAG:
		return v == 0 || v == 1;
	case K_PERM:
	case K_SUB:
		return v >= 0 && v <= 7;
	case K_PERMQ:
		return v >= 0 && v <= 0777;
	}
	return 0;
}

static void
refuse(struct limits_edit *e, enum limits_edit_err err, const char *key,
    size_t kn)
{
	e->err = err;
	e->err_line = e->lines;
	if (kn >= sizeof(e->err_key))
		kn = sizeof(e->err_key) - 1;
	memcpy(e->err_key, key, kn);
	e->err_key[kn] = '\0';
}

void
limits_edit_line(struct limits_edit *e, const char *line, size_t n)
{
	const char *s = line, *end = line + n, *kw, *val, *more;
	size_t kn, vn, i;
	enum limits_edit_err r;
	int64_t v = 0;

	e->lines++;
	if (e->err != LE_OK)
		return;
	if ((kn = token(&s, end, &kw)) == 0)
		return;		/* nothing but separators: skipped */
	for (i = 0; i < LIMITS_NKEYS; i++)
		if (strlen(keys[i].name) == kn &&
		    memcmp(keys[i].name, kw, kn) == 0)
			break;
	if (i == LIMITS_NKEYS) {
		refuse(e, LE_UNKNOWN_KEY, kw, kn);
		return;
	}
	if ((vn = token(&s, end, &val)) == 0) {
		refuse(e, LE_NO_VALUE, kw, kn);
		return;
	}
	if (token(&s, end, &more) != 0) {
		refuse(e, LE_BAD_VALUE, kw, kn);
		return;
	}
	if ((r = number(val, vn, &v)) == LE_OK && !in_range(&keys[i], v))
		r = LE_RANGE;
	if (r != LE_OK) {
		refuse(e, r, kw, kn);
		return;
	}
	e->value[i] = v;
	e->set |= 1u << i;
}

static void
apply_one(const struct key *k, int64_t v, struct limits *l)
{
	char *p = (char *)l + k->off;
	int32_t i32;
	uint64_t u64;

	switch (k->kind) {
	case K_INT:
	case K_PERM:
		i32 = (int32_t)v;
		memcpy(p, &i32, sizeof(i32));
		break;
	case K_PERMQ:
		i32 = (int32_t)(v & 7);
		memcpy(p, &i32, sizeof(i32));
		break;
	case K_QUOTA:
		u64 = (uint64_t)v;
		memcpy(p, &u64, sizeof(u64));
		break;
	case K_FLAG:
		if (v)
			l->flags |= k->arg;
		else
			l->flags &= ~k->arg;
		break;
	case K_SUB:
		l->perm_maillist = (int32_t)(((uint32_t)l->perm_maillist &
		    ~(7u << k->arg) & 0777u) | ((uint32_t)v << k->arg));
		break;
	}
}

void
limits_edit_apply(const struct limits_edit *e, struct limits *l)
{
	size_t i;

	for (i = 0; i < LIMITS_NKEYS; i++)
		if (e->set & (1u << i))
			apply_one(&keys[i], e->value[i], l);
}

void
limits_edit_names(const struct limits_edit *e, char *buf, size_t bufsz)
{
	size_t off = 0, i;

	if (bufsz == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < LIMITS_NKEYS; i++)
		if (e->set & (1u << i))
			put(buf, bufsz, &off, "%s%s=%lld", off ? " " : "",
			    keys[i].name, (long long)e->value[i]);
}

const char *
limits_edit_errtext(enum limits_edit_err err)
{
	switch (err) {
	case LE_OK:		return "ok";
	case LE_UNKNOWN_KEY:	return "unknown key";
	case LE_NO_VALUE:	return "missing value";
	case LE_BAD_VALUE:	return "not one decimal number";
	case LE_RANGE:		return "value out of range";
	}
	return "?";
}
