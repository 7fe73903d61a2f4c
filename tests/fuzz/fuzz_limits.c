/*
 * fuzz_limits.c - libFuzzer target: the limits parser of
 * privhelper/domlimits.c (a .qmailadmin-limits or vlimits.default file
 * as vpopmail's tools may have left it) and the set_limits body parser
 * of domlimits_write.c. Oracles: what limits_parse read, limits_format
 * writes and limits_parse reads back the same; a body's edit applied to
 * those limits still formats into the bounded text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domlimits.h"
#include "domlimits_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const struct limits *a, const struct limits *b)
{
	return a->maxpopaccounts == b->maxpopaccounts &&
	    a->maxaliases == b->maxaliases && a->maxforwards == b->maxforwards &&
	    a->maxautoresponders == b->maxautoresponders &&
	    a->maxmailinglists == b->maxmailinglists &&
	    a->quota == b->quota && a->maxmsgcount == b->maxmsgcount &&
	    a->default_quota == b->default_quota &&
	    a->default_maxmsgcount == b->default_maxmsgcount &&
	    a->flags == b->flags && a->perm_account == b->perm_account &&
	    a->perm_alias == b->perm_alias &&
	    a->perm_forward == b->perm_forward &&
	    a->perm_autoresponder == b->perm_autoresponder &&
	    a->perm_maillist == b->perm_maillist &&
	    a->perm_quota == b->perm_quota &&
	    a->perm_defaultquota == b->perm_defaultquota;
}

static void
check_format(const struct limits *l)
{
	static struct limits back;
	char text[LIMITS_TEXT_MAX];
	size_t n = limits_format(l, text, sizeof(text));

	if (n == 0 || n >= sizeof(text) || memchr(text, '\0', n) != NULL)
		abort();
	limits_defaults(&back);
	limits_parse(text, n, &back);
	if (!same(l, &back))
		abort();
	(void)limits_flag_mask(l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct limits l;
	static struct limits_edit ed;
	const char *s = (const char *)data, *end = s + size, *e;
	char names[256];

	if (size > LIMITS_FILE_MAX)
		return 0;	/* limits_read refuses a longer file */
	limits_defaults(&l);
	limits_parse(s, size, &l);
	check_format(&l);

	/* the same bytes as a set_limits body, line by line */
	limits_edit_init(&ed);
	for (; s < end; s = e + 1) {
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		limits_edit_line(&ed, s, (size_t)(e - s));
	}
	limits_edit_names(&ed, names, sizeof(names));
	if (memchr(names, '\0', sizeof(names)) == NULL)
		abort();
	(void)limits_edit_errtext(ed.err);
	if (ed.err == LE_OK) {
		limits_edit_apply(&ed, &l);
		check_format(&l);
	}
	return 0;
}
