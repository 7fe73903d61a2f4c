/*
 * domlimits.c - reading domain limits (see domlimits.h). The parser follows
 * the reference reader's loose syntax; values are bounded instead of
 * wrapping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flags.h"
#include "domlimits.h"
#include "linefile.h"

const struct limits_flag limits_flags[LIMITS_NFLAGS] = {
	{ "disable_pop",		VF_NO_POP },
	{ "disable_imap",		VF_NO_IMAP },
	{ "disable_dialup",		VF_NO_DIALUP },
	{ "disable_password_changing",	VF_NO_PASSWD_CHNG },
	{ "disable_webmail",		VF_NO_WEBMAIL },
	{ "disable_external_relay",	VF_NO_RELAY },
	{ "disable_smtp",		VF_NO_SMTP },
	{ "disable_spamassassin",	VF_NO_SPAMASSASSIN },
	{ "delete_spam",		VF_DELETE_SPAM },
	{ "disable_maildrop",		VF_NO_MAILDROP },
};

void
limits_defaults(struct limits *l)
{
	memset(l, 0, sizeof(*l));
	l->maxpopaccounts = l->maxaliases = l->maxforwards =
	    l->maxautoresponders = l->maxmailinglists = -1;
	l->source = LIMITS_BUILTIN;
}

/* A leading decimal number as atoll reads it (sign, digits up to the
 * first other byte, none -> 0), saturating at +-INT64_MAX. */
static int64_t
number(const char *s, const char *end)
{
	int neg = 0;
	uint64_t v = 0;

	if (s < end && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > ((uint64_t)INT64_MAX - 9) / 10) {
			v = INT64_MAX;
			break;
		}
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return neg ? -(int64_t)v : (int64_t)v;
}

static int32_t
as_int(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN :
	    (int32_t)v;
}

/* A negative quota would wrap to "almost unlimited" in the reference;
 * here it is no quota. */
static uint64_t
as_quota(int64_t v)
{
	return v < 0 ? 0 : (uint64_t)v;
}

enum kind { K_INT, K_QUOTA, K_PERM7, K_PERM9 };

struct key {
	const char	*name;
	enum kind	 kind;
	size_t		 off;
};

#define F(m)	offsetof(struct limits, m)
static const struct key keys[] = {
	{ "maxpopaccounts",	K_INT,	 F(maxpopaccounts) },
	{ "maxaliases",		K_INT,	 F(maxaliases) },
	{ "maxforwards",	K_INT,	 F(maxforwards) },
	{ "maxautoresponders",	K_INT,	 F(maxautoresponders) },
	{ "maxmailinglists",	K_INT,	 F(maxmailinglists) },
	{ "quota",		K_QUOTA, F(quota) },
	{ "maxmsgcount",	K_QUOTA, F(maxmsgcount) },
	{ "default_quota",	K_QUOTA, F(default_quota) },
	{ "default_maxmsgcount", K_QUOTA, F(default_maxmsgcount) },
	{ "perm_account",	K_PERM7, F(perm_account) },
	{ "perm_alias",		K_PERM7, F(perm_alias) },
	{ "perm_forward",	K_PERM7, F(perm_forward) },
	{ "perm_autoresponder",	K_PERM7, F(perm_autoresponder) },
	{ "perm_maillist",	K_PERM9, F(perm_maillist) },
	{ "perm_quota",		K_PERM7, F(perm_quota) },
	{ "perm_defaultquota",	K_PERM7, F(perm_defaultquota) },
};
#undef F

static void
set_value(struct limits *l, const struct key *k, int64_t v)
{
	char *p = (char *)l + k->off;
	int32_t i;
	uint64_t q;

	switch (k->kind) {
	case K_INT:
		i = as_int(v);
		memcpy(p, &i, sizeof(i));
		break;
	case K_QUOTA:
		q = as_quota(v);
		memcpy(p, &q, sizeof(q));
		break;
	case K_PERM7:
	case K_PERM9:
		/* masks on the two's complement, as C's & on an int does */
		i = (int32_t)((uint32_t)as_int(v) &
		    (k->kind == K_PERM7 ? 07u : 0777u));
		memcpy(p, &i, sizeof(i));
		break;
	}
}

static int
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == ':';
}

static void
one_line(const char *s, const char *end, struct limits *l)
{
	const char *kw = s, *v;
	size_t kn, i;

	if (s == end || *s == '#')
		return;
	while (s < end && !is_sep(*s))
		s++;
	kn = (size_t)(s - kw);
	if (kn == 0)
		return;		/* leading blank: empty keyword */
	for (v = s; v < end && is_sep(*v); v++)
		;
	for (i = 0; i < LIMITS_NFLAGS; i++)
		if (strlen(limits_flags[i].keyword) == kn &&
		    memcmp(kw, limits_flags[i].keyword, kn) == 0) {
			l->flags |= limits_flags[i].bit;	/* any value */
			return;
		}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == kn &&
		    memcmp(kw, keys[i].name, kn) == 0) {
			if (v < end)	/* no value: the keyword is ignored */
				set_value(l, &keys[i], number(v, end));
			return;
		}
}

void
limits_parse(const char *text, size_t n, struct limits *l)
{
	const char *s = text, *end = text + n, *e;

	while (s < end) {
		for (e = s; e < end && *e != '\n' && *e != '\r'; e++)
			;
		one_line(s, e, l);
		s = e < end ? e + 1 : e;
	}
}

/* The whole of a regular file (lf_open refuses FIFOs and devices),
 * opened read-only: nothing about it changes. */
static ssize_t
slurp(int dirfd, const char *rel, char *buf, size_t max)
{
	size_t off = 0;
	ssize_t n;
	int fd, e;

	if ((fd = lf_open(dirfd, rel)) < 0)
		return -1;
	for (;;) {
		n = read(fd, buf + off, max - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
		if (off == max) {
			n = -1;
			errno = EFBIG;
			break;
		}
	}
	e = errno;
	close(fd);
	errno = e;
	return n < 0 ? -1 : (ssize_t)off;
}

int
limits_read(const struct ph_ctx *ctx, int domfd, struct limits *l)
{
	char *buf;
	ssize_t n;
	int e;

	limits_defaults(l);
	if ((buf = malloc(LIMITS_FILE_MAX)) == NULL)
		return -1;
	n = slurp(domfd, ".qmailadmin-limits", buf, LIMITS_FILE_MAX);
	if (n >= 0)
		l->source = LIMITS_DOMAIN;
	else if (errno != EFBIG && errno != EIO) {
		/* could not be opened: the global file instead */
		n = slurp(ctx->vpop_fd, "etc/vlimits.default", buf,
		    LIMITS_FILE_MAX);
		if (n >= 0)
			l->source = LIMITS_DEFAULT;
	}
	if (n >= 0)
		limits_parse(buf, (size_t)n, l);
	e = errno;
	free(buf);
	errno = e;
	return n < 0 ? -1 : 0;
}

uint32_t
limits_flag_mask(const struct limits *l)
{
	return l->flags;
}
