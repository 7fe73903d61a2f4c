/*
 * test_storage_dircontrol.c - privhelper/dircontrol.c: the allocator
 * sequence of STORAGE.md 7.3 (through the degenerate paths past 390 700),
 * the reader quirk Q1 ("0 2 4" on the first write, "0 2 2" after), the
 * 7.1 example, byte identity with every kind of .dir-control the
 * reference tools left in tests/fixtures, refusal of malformed files,
 * the release clamp of Q2, and the backfill of freed user directories
 * (7.4) starting from the large fixture's big.example.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dircontrol.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

#define FRESH_TEXT	"0\n0\n3\n0 0 0\n61 61 61\n0 2 4\n0 0 0\n\n"

static char top[PATH_MAX - 128];

static char *
p(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, rel);
}

/* One allocation as the tools do it: through the file's text. */
static int
step_via_text(struct dirctl *d)
{
	char buf[512];
	int n;

	if (dc_step(d) < 0 || (n = dc_format(d, buf, sizeof(buf))) < 0)
		return -1;
	return dc_parse(buf, (size_t)n, d);
}

static void
test_fresh(void)
{
	struct dirctl d;
	char buf[512];

	dc_fresh(&d);
	CHECK(dc_format(&d, buf, sizeof(buf)) > 0 &&
	    strcmp(buf, FRESH_TEXT) == 0, "fresh state text");
	CHECK(dc_parse(buf, strlen(buf), &d) == 0 && d.mod[2] == 2 &&
	    d.start[2] == 0 && d.end[2] == 61,
	    "Q1: reading \"0 2 4\" gives mod2 = 2");
	CHECK(dc_format(&d, buf, sizeof(buf)) > 0 && strstr(buf,
	    "\n0 2 2\n") != NULL, "and it is written back as \"0 2 2\"");
}

static void
test_sequence(void)
{
	static const struct {
		unsigned long	 n;
		const char	*path;
	} want[] = {
		{ 1, "" }, { 99, "" }, { 100, "0" }, { 199, "0" },
		{ 200, "1" }, { 1000, "9" }, { 1100, "A" }, { 6200, "z" },
		{ 6299, "z" }, { 6300, "0/0" }, { 6400, "0/1" },
		{ 12400, "0/z" }, { 12500, "1/0" }, { 18700, "2/0" },
		{ 390600, "z/z" }, { 390699, "z/z" }, { 390700, "0/1/" },
		{ 390800, "0/2/" },
	};
	struct dirctl d;
	unsigned long i;
	size_t k = 0;
	int ok = 1;

	dc_fresh(&d);
	for (i = 1; i <= 390800 && ok; i++) {
		ok = step_via_text(&d) == 0;
		if (i == 6300)
			CHECK(d.idx[1] == 1, "at 0/0 idx1 is one ahead (1)");
		if (i == 12400)
			CHECK(d.idx[1] == 62, "at 0/z idx1 is 62");
		if (k < sizeof(want) / sizeof(want[0]) && want[k].n == i) {
			CHECK(strcmp(d.path, want[k].path) == 0,
			    "entry %lu -> \"%s\" (got \"%s\")", i, want[k].path,
			    d.path);
			k++;
		}
	}
	CHECK(ok && k == sizeof(want) / sizeof(want[0]),
	    "390 800 allocations ran");
}

static void
test_example_250(void)
{
	struct dirctl d;
	char buf[512];
	int i;

	dc_fresh(&d);
	for (i = 0; i < 250; i++)
		step_via_text(&d);
	CHECK(dc_format(&d, buf, sizeof(buf)) > 0 && strcmp(buf,
	    "250\n0\n3\n0 0 0\n61 61 61\n0 2 2\n1 0 0\n1\n") == 0,
	    "7.1 example after 250 entries");
}

static void
test_parse_errors(void)
{
	static const char *bad[] = {
		"",
		"x\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n\n",
		"1\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n",	/* 7 lines */
		"1\n0\n3\n0 62 0\n61 61 61\n0 2 2\n0 0 0\n\n",	/* start */
		"1\n0\n3\n0 0 0\n61 99 61\n0 2 2\n0 0 0\n\n",	/* end */
		"1\n0\n3\n0 0 0\n61 61 61\n0 40 2\n0 0 0\n\n",	/* mod */
		"1\n3\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n\n",	/* level */
		"1\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n../x\n",
		"1\n0\n3\n0\n61 61 61\n0 2 2\n0 0 0\n\n",	/* one number */
		"1 2\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n\n",
		"99999999999999999999999\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0"
		"\n\n",
	};
	struct dirctl d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(dc_parse(bad[i], strlen(bad[i]), &d) < 0 &&
		    errno == EBADMSG, "malformed .dir-control #%zu: EBADMSG", i);
	CHECK(dc_parse("5\n0\n3\n0 0 9\n61 61 0\n0 2 junk\n3 4\n7\nextra\n",
	    38, &d) == 0 && d.count == 5 && d.start[2] == 0 &&
	    d.end[2] == 61 && d.mod[2] == 2 && d.idx[2] == 4 &&
	    strcmp(d.path, "7") == 0,
	    "third numbers are ignored (copied from the second)");
}

/* n allocations through the file in dir; the last hash in hash. */
static int
alloc_n(int dfd, int n, char *hash, size_t hsz)
{
	int i;

	for (i = 0; i < n; i++)
		if (dc_alloc(dfd, (uid_t)-1, (gid_t)-1, hash, hsz) < 0)
			return -1;
	return 0;
}

static void
against(const char *what, int allocs, int releases, const char *ref)
{
	char dir[PATH_MAX], file[PATH_MAX], hash[DC_PATH_MAX];
	struct stat st;
	int dfd = -1, i, ok;

	ts_path(dir, sizeof(dir), "%s/%s", top, what);
	ts_path(file, sizeof(file), "%s/.dir-control", dir);
	if (!CHECK(mkdir(dir, 0700) == 0 && (dfd = ts_dirfd(dir)) >= 0,
	    "%s: directory", what))
		return;
	ok = alloc_n(dfd, allocs, hash, sizeof(hash)) == 0;
	for (i = 0; ok && i < releases; i++)
		ok = dc_release(dfd, (uid_t)-1, (gid_t)-1) == 0;
	CHECK(ok, "%s: %d allocations, %d releases", what, allocs, releases);
	CHECK(ts_same_file(file, ref), "%s: byte-identical to the reference",
	    what);
	CHECK(stat(file, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "%s: mode 0600", what);
	close(dfd);
}

static void
test_fixtures(void)
{
	char hash[DC_PATH_MAX];
	struct dirctl d;
	int dfd = -1;

	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree or "
		    "set VP_FIXTURES)");
		return;
	}
	CHECK(mkdir(p("small"), 0700) == 0 && ts_extract("reference-small.tgz",
	    p("small")) == 0 && mkdir(p("large"), 0700) == 0 &&
	    ts_extract("reference-large.tgz", p("large")) == 0,
	    "fixtures extracted");
	against("one", 1, 0,
	    p("large/home/vpopmail/domains/d01.example/.dir-control"));
	against("two", 2, 0, p("small/home/vpopmail/domains/.dir-control"));
	against("three", 3, 0,
	    p("small/home/vpopmail/domains/example.com/.dir-control"));
	against("sixty-one", 61, 0, p("large/home/vpopmail/domains/"
	    ".dir-control"));
	against("big", 351, 1, p("large/home/vpopmail/domains/big.example/"
	    ".dir-control"));
	CHECK(ts_file_is(p("one/.dir-control"), "1\n0\n3\n0 0 0\n61 61 61\n"
	    "0 2 4\n0 0 0\n\n", 34), "first write shows \"0 2 4\" (quirk)");

	dfd = ts_dirfd(p("large/home/vpopmail/domains/big.example"));
	CHECK(dfd >= 0 && dc_load(dfd, &d) == 0 && d.count == 350 &&
	    strcmp(d.path, "2") == 0, "big.example state: 350, path \"2\"");
	if (dfd >= 0 && geteuid() == 0)
		CHECK(dc_alloc(dfd, 89, 89, hash, sizeof(hash)) == 0 &&
		    strcmp(hash, "2") == 0, "the next user goes to \"2\"");
	else
		CHECK(dc_alloc(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash))
		    == 0 && strcmp(hash, "2") == 0,
		    "the next user goes to \"2\"");
	if (dfd >= 0)
		close(dfd);
}

static void
test_hashes_and_release(void)
{
	char hash[DC_PATH_MAX];
	struct dirctl d;
	int dfd = -1, i, ok = 1;

	CHECK(mkdir(p("seq"), 0700) == 0 && (dfd = ts_dirfd(p("seq"))) >= 0,
	    "seq directory");
	for (i = 1; i <= 300 && ok; i++) {
		ok = dc_alloc(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash)) == 0;
		if (i == 99 || i == 100 || i == 199 || i == 200 || i == 300)
			CHECK(strcmp(hash, i < 100 ? "" : i < 200 ? "0" :
			    i < 300 ? "1" : "2") == 0, "entry %d -> \"%s\"", i,
			    hash);
	}
	CHECK(dc_release(dfd, (uid_t)-1, (gid_t)-1) == 0 && dc_load(dfd, &d)
	    == 0 && d.count == 299 && strcmp(d.path, "2") == 0,
	    "release: count - 1, path stays");
	CHECK(dc_alloc(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash)) == 0 &&
	    strcmp(hash, "3") == 0, "crossing 300 again advances (7.3 note)");
	close(dfd);

	CHECK(mkdir(p("zero"), 0700) == 0 && (dfd = ts_dirfd(p("zero"))) >= 0,
	    "zero directory");
	CHECK(dc_release(dfd, (uid_t)-1, (gid_t)-1) == 0 &&
	    access(p("zero/.dir-control"), F_OK) < 0,
	    "release without a file creates none");
	CHECK(t_write(p("zero/.dir-control"), FRESH_TEXT, strlen(FRESH_TEXT))
	    == 0 && dc_release(dfd, (uid_t)-1, (gid_t)-1) == 0 &&
	    dc_load(dfd, &d) == 0 && d.count == 0, "Q2: count stays at 0");
	CHECK(t_write(p("zero/.dir-control"), "junk\n", 5) == 0 &&
	    dc_alloc(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash)) < 0 &&
	    errno == EBADMSG && ts_file_is(p("zero/.dir-control"), "junk\n", 5),
	    "a malformed file is refused and left alone");
	CHECK(unlink(p("zero/.dir-control")) == 0 &&
	    symlink("elsewhere", p("zero/.dir-control")) == 0 &&
	    dc_load(dfd, &d) < 0 && errno == ELOOP, "a symlink is refused");
	close(dfd);
}

static void
test_backfill_fixture(void)
{
	char hash[DC_PATH_MAX], dir[PATH_MAX];
	struct dirctl d;
	struct stat st;
	uid_t u = (uid_t)-1;
	gid_t g = (gid_t)-1;
	int dfd = -1;

	ts_path(dir, sizeof(dir), "%s/large/home/vpopmail/domains/big.example",
	    top);
	if (!CHECK((dfd = ts_dirfd(dir)) >= 0 && stat(dir, &st) == 0,
	    "big.example"))
		return;
	if (geteuid() == 0) {
		u = st.st_uid;
		g = st.st_gid;
	}
	/* test_fixtures allocated once already: 351, path "2" */
	CHECK(dc_alloc_user(dfd, u, g, hash, sizeof(hash)) == 0 &&
	    strcmp(hash, "1") == 0, "the freed \"1\" (from u200) is reused");
	CHECK(ts_file_is(p("large/home/vpopmail/domains/big.example/"
	    ".dir_control_free"), "", 0), ".dir_control_free now empty");
	CHECK(stat(p("large/home/vpopmail/domains/big.example/"
	    ".dir_control_free"), &st) == 0 && (st.st_mode & 07777) == 0644,
	    "rewritten 0644 as the reference does");
	CHECK(dc_load(dfd, &d) == 0 && d.count == 352 &&
	    strcmp(d.path, "2") == 0, "a reused slot is counted (352)");
	CHECK(dc_alloc_user(dfd, u, g, hash, sizeof(hash)) == 0 &&
	    strcmp(hash, "2") == 0 && dc_load(dfd, &d) == 0 &&
	    d.count == 353, "nothing freed: the allocator (353, \"2\")");
	CHECK(dc_free_push(dfd, u, g, "0/3") == 0 && ts_file_is(p("large/home/"
	    "vpopmail/domains/big.example/.dir_control_free"), "0/3\n", 4),
	    "push \"0/3\"");
	CHECK(dc_alloc_user(dfd, u, g, hash, sizeof(hash)) == 0 &&
	    strcmp(hash, "0/3") == 0, "and it comes back");
	close(dfd);
}

static void
test_backfill_rules(void)
{
	static const char *bad[] = { "", "..", "/0", "0/", "0//1", "ab", "0/ab",
	    "0\n1", ".", "0/.", "-" };
	char hash[DC_PATH_MAX];
	struct dirctl d;
	size_t i;
	int dfd = -1;

	CHECK(mkdir(p("bf"), 0700) == 0 && (dfd = ts_dirfd(p("bf"))) >= 0,
	    "bf directory");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(dc_free_push(dfd, (uid_t)-1, (gid_t)-1, bad[i]) < 0 &&
		    errno == EINVAL, "push of bad hash #%zu refused", i);
	CHECK(access(p("bf/.dir_control_free"), F_OK) < 0, "nothing written");
	CHECK(dc_free_pop(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash)) == 0 &&
	    hash[0] == '\0', "no free list: 0");
	CHECK(t_write(p("bf/.dir_control_free"), "# c\n  \n 0 # x\n1\n", 16)
	    == 0 && dc_free_pop(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash))
	    == 1 && strcmp(hash, "0") == 0, "comments and blanks skipped");
	CHECK(ts_file_is(p("bf/.dir_control_free"), "# c\n  \n1\n", 9),
	    "only that line removed");
	CHECK(dc_load(dfd, &d) == 0 && d.count == 0 &&
	    access(p("bf/.dir-control"), F_OK) == 0,
	    "count 0 is not raised by a reuse");
	CHECK(t_write(p("bf/.dir_control_free"), "../etc\n1\n", 9) == 0 &&
	    dc_free_pop(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash)) == 0 &&
	    ts_file_is(p("bf/.dir_control_free"), "../etc\n1\n", 9),
	    "a planted \"../etc\" is never handed out, file left alone");
	{
		char longl[400];

		memset(longl, '0', 297);
		longl[297] = '\n';
		memcpy(longl + 298, "1\n", 2);
		CHECK(t_write(p("bf/.dir_control_free"), longl, 300) == 0 &&
		    dc_free_pop(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash))
		    == 0, "a 297-char line ends the search (reference rule)");
	}
	CHECK(dc_alloc_user(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash)) ==
	    0 && strcmp(hash, "") == 0, "dc_alloc_user falls back");
	close(dfd);
}

/* dc_alloc_begin: the new state waits in a temporary; nothing changes
 * until the caller commits it, an abort leaves the file as it was. */
static void
test_alloc_begin(void)
{
	struct atomic_file af;
	char hash[DC_PATH_MAX], *before = NULL;
	struct dirctl d;
	size_t n;
	int dfd = -1, i, ok = 1;

	CHECK(mkdir(p("begin"), 0700) == 0 &&
	    (dfd = ts_dirfd(p("begin"))) >= 0, "begin directory");
	for (i = 1; i < 100 && ok; i++)
		ok = dc_alloc(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash)) == 0;
	CHECK(ok && (before = ts_slurp(p("begin/.dir-control"), 512, &n)) !=
	    NULL, "99 allocations");
	if (!ok || before == NULL)
		return;
	CHECK(dc_alloc_begin(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash),
	    &af) == 0 && strcmp(hash, "0") == 0 &&
	    ts_file_is(p("begin/.dir-control"), before, n) &&
	    ts_count_temps(p("begin")) == 1,
	    "begin: hash \"0\", the file unchanged, one temporary");
	atomic_abort(&af);
	CHECK(ts_file_is(p("begin/.dir-control"), before, n) &&
	    ts_count_temps(p("begin")) == 0, "abort: unchanged, no temporary");
	CHECK(dc_alloc_begin(dfd, (uid_t)-1, (gid_t)-1, hash, sizeof(hash),
	    &af) == 0 && strcmp(hash, "0") == 0 && atomic_commit(&af) == 0 &&
	    dc_load(dfd, &d) == 0 && d.count == 100 &&
	    strcmp(d.path, "0") == 0 && ts_count_temps(p("begin")) == 0,
	    "commit: count 100, path \"0\" (as dc_alloc would)");
	free(before);
	close(dfd);
}

int
main(void)
{
	umask(022);
	test_fresh();
	test_sequence();
	test_example_250();
	test_parse_errors();
	if (!CHECK(t_mkdtemp(top, sizeof(top), "dirctl") == 0,
	    "temporary directory %s", top))
		return T_DONE("test_storage_dircontrol");
	test_fixtures();
	if (ts_fixtures() != NULL)
		test_backfill_fixture();
	test_backfill_rules();
	test_hashes_and_release();
	test_alloc_begin();
	t_rm_rf(top);
	return T_DONE("test_storage_dircontrol");
}
