/*
 * fuzz_vpasswd.c - libFuzzer target: the user-table reader of
 * privhelper/vpasswd.c. The input is read as vpasswd text: every line
 * goes through vpasswd_parse_line; a line it accepts and that
 * vpasswd_format_line agrees to write must read back field for field.
 * The whole input is also served as a domain's vpasswd (text lookup) and
 * as its vpasswd.cdb (a hostile index) to vpasswd_lookup (for one
 * input in four, by length: file I/O is slow).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vpasswd.h"
#include "vpasswd_write.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const struct vpw *a, const struct vpw *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->passwd, b->passwd) &&
	    a->uid == b->uid && a->flags == b->flags &&
	    !strcmp(a->gecos, b->gecos) && !strcmp(a->dir, b->dir) &&
	    !strcmp(a->quota, b->quota) && a->has_clear == b->has_clear &&
	    (!a->has_clear || !strcmp(a->clear, b->clear));
}

static void
one_line(const char *line, size_t n)
{
	static struct vpw pw, back;
	char out[VPW_LINE_BUF];
	int len;

	if (vpasswd_parse_line(line, n, &pw) != 0)
		return;
	if (strlen(pw.name) >= PR_FIELD_MAX || strchr(pw.name, ':') ||
	    strchr(pw.passwd, ':') || strchr(pw.gecos, ':') ||
	    strchr(pw.dir, ':') || strchr(pw.quota, ':'))
		abort();	/* a field of the first seven holds a colon */
	len = vpasswd_format_line(&pw, pw.has_clear, out, sizeof(out));
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(out) || out[len - 1] != '\n' ||
	    vpasswd_parse_line(out, (size_t)len - 1, &back) != 0 ||
	    !same(&pw, &back))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vpw pw;
	const char *s = (const char *)data, *end = s + size, *e;
	static int domfd = -1;
	char name[64];

	for (; s < end; s = e + 1) {
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		one_line(s, (size_t)(e - s));
	}

	/* The file reads cost a hundred line parses: one input in four
	 * (by length) takes them, so the parser still runs millions. */
	if (size % 4 != 0)
		return 0;
	if (domfd < 0 && (domfd = fz_tmpdir("vpasswd")) < 0)
		abort();
	/* the name looked up: the start of the first line, as a reader would
	 * be asked for an account that is there */
	fz_token(data, size, name, sizeof(name));
	if (fz_put_file(domfd, "vpasswd", data, size) < 0)
		abort();
	(void)unlinkat(domfd, "vpasswd.cdb", 0);
	(void)vpasswd_lookup(domfd, name, &pw);
	if (fz_put_file(domfd, "vpasswd.cdb", data, size) < 0)
		abort();
	(void)vpasswd_lookup(domfd, name, &pw);
	(void)vpasswd_lookup(domfd, "postmaster", &pw);
	return 0;
}
