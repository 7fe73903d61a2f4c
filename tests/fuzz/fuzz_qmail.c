/*
 * fuzz_qmail.c - libFuzzer target: the dot-qmail side of the aliases.
 * policy/delivery.c pol_delivery_line_ok judges every line of the input
 * in the mode byte 0 picks, against the rules delivery.h promises;
 * privhelper/qmailfile.c names (qf_file_name / qf_alias_of round trip,
 * qf_line_ok), and - for one input in four, by length - the input as a
 * .qmail file in a scratch directory: read line by line as list_alias
 * reads it (linefile.c), a line removed with qf_remove_line (no equal
 * line may remain) and one appended with qf_append.
 *
 * Byte 0: bits 0-1 the mode (sa-only, allowlist, any), bit 2 the caller
 * is a system admin.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "delivery.h"
#include "linefile.h"
#include "qmailfile.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DOMDIR	"/home/vpopmail/domains/example.com"

static struct pol_delivery pd;

static int
arg_byte(unsigned char c)
{
	return isalnum(c) || strchr(" \t-_.,/:@+=%'\"", c) != NULL;
}

/* l names a path below DOMDIR; "//" is one separator to the kernel and to
 * qmail-local, so it is collapsed before the comparison. */
static int
inside_domain(const char *l, size_t n)
{
	char path[2048];
	size_t i, k = 0;

	for (i = 0; i < n && k < sizeof(path) - 1; i++)
		if (!(l[i] == '/' && k > 0 && path[k - 1] == '/'))
			path[k++] = l[i];
	path[k] = '\0';
	return k > sizeof(DOMDIR) && memcmp(path, DOMDIR "/",
	    sizeof(DOMDIR)) == 0;
}

/* What delivery.h promises, for a line it accepted or refused. */
static void
check_policy(int mode, int sa, const char *l, size_t n, int ok)
{
	size_t i;

	if (memchr(l, '\0', n) || memchr(l, '\r', n) || memchr(l, '\n', n)) {
		if (ok)
			abort();	/* not one line */
		return;
	}
	/* delivery.c judges a line by its first byte after blanks */
	for (i = 0; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
		;
	if (sa || mode == PD_ANY || i == n || (l[i] != '|' && l[i] != '/' &&
	    l[i] != '.')) {
		if (!ok)
			abort();
		return;
	}
	if (!ok)
		return;
	if (mode == PD_SA_ONLY && (l[0] == '|' || l[0] == '/'))
		abort();
	if (mode == PD_ALLOWLIST && l[0] == '|')
		for (i = 1; i < n; i++)
			if (!arg_byte((unsigned char)l[i]))
				abort();	/* a shell byte got through */
	if (mode == PD_ALLOWLIST && l[0] == '/' && !inside_domain(l, n))
		abort();	/* a file outside the domain */
}

static void
check_names(const char *l, size_t n)
{
	char alias[QF_ALIAS_MAX + 8], file[QF_NAME_MAX], back[QF_ALIAS_MAX + 8];
	size_t i;

	if (n >= sizeof(alias))
		return;
	memcpy(alias, l, n);
	alias[n] = '\0';
	(void)qf_line_ok(alias);
	if (qf_file_name(alias, file, sizeof(file)) < 0)
		return;
	if (strncmp(file, QF_PREFIX, strlen(QF_PREFIX)) != 0 ||
	    strchr(file, '/') != NULL)
		abort();
	for (i = 0; file[i]; i++)
		if ((unsigned char)file[i] < 0x21 || file[i] == 0x7f)
			abort();
	qf_alias_of(file, back, sizeof(back));
	if (strcasecmp(back, alias) != 0)
		abort();
}

static void
file_ops(const uint8_t *data, size_t size, const char *first, size_t flen)
{
	static int dfd = -1;
	char line[1024], probe[1024];
	struct lf_reader rd;
	size_t n;
	int nl, fd, r;

	if (dfd < 0 && (dfd = fz_tmpdir("qmail")) < 0)
		abort();
	if (fz_put_file(dfd, ".qmail-x", data, size) < 0)
		abort();
	if ((fd = lf_open(dfd, ".qmail-x")) >= 0) {
		lf_init(&rd, fd);
		while (lf_next(&rd, line, sizeof(line), &n, &nl) == 1)
			;
		close(fd);
	}
	if (flen == 0 || flen >= sizeof(probe) || memchr(first, '\0', flen))
		return;
	memcpy(probe, first, flen);
	probe[flen] = '\0';
	r = qf_remove_line(dfd, ".qmail-x", probe, (uid_t)-1, (gid_t)-1);
	if (r > 0 && (fd = lf_open(dfd, ".qmail-x")) >= 0) {
		lf_init(&rd, fd);
		while (lf_next(&rd, line, sizeof(line), &n, &nl) == 1) {
			if (n > 0 && line[n - 1] == '\r')
				n--;
			if (n == flen && memcmp(line, probe, n) == 0)
				abort();	/* an equal line survived */
		}
		close(fd);
	}
	if (qf_line_ok(probe))
		(void)qf_append(dfd, ".qmail-x", probe, (uid_t)-1, (gid_t)-1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s, *end, *e, *first = NULL;
	int mode, sa;
	size_t flen = 0;

	if (size < 1)
		return 0;
	mode = data[0] & 3;
	if (mode > PD_ANY)
		mode = PD_ALLOWLIST;
	sa = (data[0] >> 2) & 1;
	pol_delivery_defaults(&pd);
	pd.mode = (enum pol_delivery_mode)mode;
	s = (const char *)data + 1;
	end = (const char *)data + size;
	for (; s < end; s = e + 1) {
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		if (first == NULL) {
			first = s;
			flen = (size_t)(e - s);
		}
		check_policy(mode, sa, s, (size_t)(e - s),
		    pol_delivery_line_ok(&pd, sa, DOMDIR, s, (size_t)(e - s)));
		check_names(s, (size_t)(e - s));
	}
	if (size % 4 == 0)
		file_ops(data + 1, size - 1, first, flen);
	return 0;
}
