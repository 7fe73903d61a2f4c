/*
 * delivery.c - the program-delivery policy (see delivery.h for the
 * rules). Every judgement works on (pointer, length) views of the line;
 * nothing is copied but the unquoted words of a program line.
 */

#include <stdio.h>
#include <string.h>

#include "delivery.h"

/* The usual homes of the autoresponders, vdelivermail and the ezmlm
 * programs a list's .qmail files run (Debian packages in /usr/bin,
 * source installs in /usr/local/bin and /usr/local/bin/ezmlm,
 * vpopmail's own bin directory). */
static const char *const default_allow[] = {
	"/usr/bin/autorespond",
	"/usr/local/bin/autorespond",
	"/usr/bin/qmail-autoresponder",
	"/usr/local/bin/qmail-autoresponder",
	"/home/vpopmail/bin/vdelivermail",
	"/var/vpopmail/bin/vdelivermail",
	"/usr/bin/ezmlm-reject",
	"/usr/bin/ezmlm-send",
	"/usr/bin/ezmlm-manage",
	"/usr/bin/ezmlm-warn",
	"/usr/bin/ezmlm-return",
	"/usr/bin/ezmlm-weed",
	"/usr/bin/ezmlm-store",
	"/usr/bin/ezmlm-moderate",
	"/usr/bin/ezmlm-clean",
	"/usr/local/bin/ezmlm/ezmlm-reject",
	"/usr/local/bin/ezmlm/ezmlm-send",
	"/usr/local/bin/ezmlm/ezmlm-manage",
	"/usr/local/bin/ezmlm/ezmlm-warn",
	"/usr/local/bin/ezmlm/ezmlm-return",
	"/usr/local/bin/ezmlm/ezmlm-weed",
	"/usr/local/bin/ezmlm/ezmlm-store",
	"/usr/local/bin/ezmlm/ezmlm-moderate",
	"/usr/local/bin/ezmlm/ezmlm-clean",
};

/* The preline wrappers qmail ships; "preline" alone is found on
 * qmail-local's PATH. */
static const char *const preline_words[] = {
	"preline", "/var/qmail/bin/preline", "/usr/bin/preline",
	"/usr/local/bin/preline",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define WORD_MAX	1024

void
pol_delivery_allow_clear(struct pol_delivery *pd)
{
	pd->nallow = 0;
	memset(pd->allow, 0, sizeof(pd->allow));
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Component n bytes at p is "." or "..". */
static int
is_dot_comp(const char *p, size_t n)
{
	return (n == 1 && p[0] == '.') ||
	    (n == 2 && p[0] == '.' && p[1] == '.');
}

/* Next '/'-separated component of [*pp, end), skipping empty ones;
 * 0 at the end. */
static int
next_comp(const char **pp, const char *end, const char **c, size_t *n)
{
	const char *p = *pp;

	while (p < end && *p == '/')
		p++;
	if (p == end)
		return 0;
	*c = p;
	while (p < end && *p != '/')
		p++;
	*n = (size_t)(p - *c);
	*pp = p;
	return 1;
}

/* Some component of the n bytes at p is "..". */
static int
has_dotdot(const char *p, size_t n)
{
	const char *end = p + n, *c;
	size_t cn;

	while (next_comp(&p, end, &c, &cn))
		if (cn == 2 && c[0] == '.' && c[1] == '.')
			return 1;
	return 0;
}

/* Some component of the n bytes at p is "." or "..". */
static int
has_dot_comp(const char *p, size_t n)
{
	const char *end = p + n, *c;
	size_t cn;

	while (next_comp(&p, end, &c, &cn))
		if (is_dot_comp(c, cn))
			return 1;
	return 0;
}

/* The absolute path (p, n) lies strictly below dir, comparing whole
 * components (so /d/example.com2 is not inside /d/example.com), and has
 * no "." or ".." component that could lead back out. */
static int
path_inside(const char *dir, const char *p, size_t n)
{
	const char *dend, *pend = p + n, *dc, *pc;
	size_t dn, pn;

	if (dir == NULL || dir[0] != '/' || n == 0 || p[0] != '/')
		return 0;
	dend = dir + strlen(dir);
	if (has_dotdot(dir, strlen(dir)))
		return 0;
	while (next_comp(&dir, dend, &dc, &dn)) {
		if (!next_comp(&p, pend, &pc, &pn) || pn != dn ||
		    memcmp(pc, dc, dn) != 0)
			return 0;
	}
	if (!next_comp(&p, pend, &pc, &pn))
		return 0;			/* the domain directory itself */
	do {
		if (is_dot_comp(pc, pn))
			return 0;
	} while (next_comp(&p, pend, &pc, &pn));
	return 1;
}

/* A byte an argument of an allowed program may hold. Everything the
 * shell treats specially outside quotes is left out: ; | & $ ` < > ( )
 * \ * ? [ ] ~ { } ! # and every control or non-ASCII byte. */
static int
arg_byte_ok(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr(" \t-_.,/:@+=%'\"", c) != NULL;
}

/* Reads the next shell word of [*pp, end) with its quotes removed into
 * w (size WORD_MAX). Returns 1 and the word, 0 at the end of the line,
 * -1 for a byte outside arg_byte_ok, an unbalanced quote or a word too
 * long. */
static int
next_word(const char **pp, const char *end, char *w, size_t *wn)
{
	const char *p = *pp;
	char quote = 0;
	size_t n = 0;

	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return 0;
	for (; p < end && (quote || !is_blank(*p)); p++) {
		if (!arg_byte_ok((unsigned char)*p))
			return -1;
		if (quote ? *p == quote : (*p == '\'' || *p == '"')) {
			quote = quote ? 0 : *p;
			continue;
		}
		if (n + 1 >= WORD_MAX)
			return -1;
		w[n++] = *p;
	}
	if (quote)
		return -1;
	w[n] = '\0';
	*wn = n;
	*pp = p;
	return 1;
}

static int
in_list(const char *const *list, size_t nlist, const char *w)
{
	size_t i;

	for (i = 0; i < nlist; i++)
		if (strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

static int
allowed_program(const struct pol_delivery *pd, const char *w)
{
	unsigned i;

	for (i = 0; i < pd->nallow && i < PD_ALLOW_MAX; i++)
		if (strcmp(pd->allow[i], w) == 0)
			return 1;
	return 0;
}

/* preline's own options: -d, -f, -r in any combination. */
static int
is_preline_opt(const char *w)
{
	if (w[0] != '-' || w[1] == '\0')
		return 0;
	return strspn(w + 1, "dfr") == strlen(w + 1);
}

/* next_word for a program name: written bare, without quotes (the
 * shell would find the same file, but the exact text is what we
 * compare). */
static int
bare_word(const char **pp, const char *end, char *w, size_t *wn)
{
	const char *start = *pp;
	int r = next_word(pp, end, w, wn);

	if (r == 1 && (memchr(start, '\'', (size_t)(*pp - start)) != NULL ||
	    memchr(start, '"', (size_t)(*pp - start)) != NULL))
		return -1;
	return r;
}

/* The '|' line (p, n), '|' already skipped, in allowlist mode. */
static int
program_ok(const struct pol_delivery *pd, const char *dir, const char *p,
    size_t n)
{
	const char *end = p + n;
	char w[WORD_MAX];
	size_t wn;
	int r;

	r = bare_word(&p, end, w, &wn);
	if (r <= 0)
		return 0;
	if (in_list(preline_words, NELEM(preline_words), w)) {
		while ((r = bare_word(&p, end, w, &wn)) == 1 &&
		    is_preline_opt(w))
			;
		if (r <= 0)
			return 0;
	}
	if (!allowed_program(pd, w))
		return 0;
	while ((r = next_word(&p, end, w, &wn)) == 1) {
		if (has_dotdot(w, wn))
			return 0;
		if (w[0] == '/' && !path_inside(dir, w, wn))
			return 0;
	}
	return r == 0;
}

int
pol_delivery_line_ok(const struct pol_delivery *pd, int is_sa,
    const char *domain_dir, const char *line, size_t len)
{
	const char *p, *end;

	if (line == NULL || memchr(line, '\0', len) != NULL ||
	    memchr(line, '\n', len) != NULL || memchr(line, '\r', len) != NULL)
		return 0;
	if (is_sa || pd == NULL || pd->mode == PD_ANY)
		return pd != NULL || is_sa;
	/* Judge by the first non-blank byte: a line the reader would take
	 * differently after blanks is refused rather than waved through. */
	p = line;
	end = line + len;
	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return 1;
	switch (*p) {
	case '|':
		return pd->mode == PD_ALLOWLIST &&
		    program_ok(pd, domain_dir, p + 1, (size_t)(end - p - 1));
	case '/':
		return pd->mode == PD_ALLOWLIST &&
		    path_inside(domain_dir, p, (size_t)(end - p));
	case '.':
		/* Relative to the domain's home: fine unless it climbs. */
		return !has_dotdot(p, (size_t)(end - p));
	default:
		return 1;
	}
}

int
pol_delivery_allow_add(struct pol_delivery *pd, const char *path)
{
	size_t n = strlen(path), i;

	if (pd->nallow >= PD_ALLOW_MAX || n == 0 || n > 255 || path[0] != '/')
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)path[i] <= ' ' ||
		    (unsigned char)path[i] >= 0x7f || !arg_byte_ok(
		    (unsigned char)path[i]) || path[i] == '\'' || path[i] == '"')
			return -1;
	if (has_dot_comp(path, n) || path[n - 1] == '/')
		return -1;
	memcpy(pd->allow[pd->nallow], path, n + 1);
	pd->nallow++;
	return 0;
}

void
pol_delivery_defaults(struct pol_delivery *pd)
{
	size_t i;

	pd->mode = PD_ALLOWLIST;
	pol_delivery_allow_clear(pd);
	for (i = 0; i < NELEM(default_allow); i++)
		(void)pol_delivery_allow_add(pd, default_allow[i]);
}

int
pol_delivery_mode_parse(const char *s, enum pol_delivery_mode *out)
{
	if (strcmp(s, "sa-only") == 0)
		*out = PD_SA_ONLY;
	else if (strcmp(s, "allowlist") == 0)
		*out = PD_ALLOWLIST;
	else if (strcmp(s, "any") == 0)
		*out = PD_ANY;
	else
		return -1;
	return 0;
}

/* "program-allow": every blank-separated word added to a fresh list. */
static int
allow_config(struct pol_delivery *pd, const char *v, char *err,
    size_t errlen)
{
	static struct pol_delivery tmp;
	char w[256];
	size_t n;

	tmp = *pd;
	pol_delivery_allow_clear(&tmp);
	if (strcmp(v, "none") == 0) {
		*pd = tmp;
		return 0;
	}
	for (;;) {
		v += strspn(v, " \t");
		if (*v == '\0')
			break;
		n = strcspn(v, " \t");
		if (n >= sizeof(w))
			n = sizeof(w) - 1;	/* refused below: too long */
		memcpy(w, v, n);
		w[n] = '\0';
		if (strcspn(v, " \t") != n ||
		    pol_delivery_allow_add(&tmp, w) < 0) {
			snprintf(err, errlen, "program-allow: '%.64s' is not "
			    "an absolute program path, or more than %d", w,
			    PD_ALLOW_MAX);
			return -1;
		}
		v += n;
	}
	if (tmp.nallow == 0) {
		snprintf(err, errlen, "program-allow: no path (use none)");
		return -1;
	}
	*pd = tmp;
	return 0;
}

int
pol_delivery_config(struct pol_delivery *pd, const char *key,
    const char *value, char *err, size_t errlen)
{
	if (strcmp(key, "program-delivery") == 0) {
		if (pol_delivery_mode_parse(value, &pd->mode) == 0)
			return 0;
		snprintf(err, errlen, "program-delivery: expected sa-only, "
		    "allowlist or any");
		return -1;
	}
	if (strcmp(key, "program-allow") == 0)
		return allow_config(pd, value, err, errlen);
	snprintf(err, errlen, "unknown setting '%.64s'", key);
	return -1;
}
