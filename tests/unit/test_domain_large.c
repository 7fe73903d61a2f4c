/*
 * test_domain_large.c - the domain commands through the real daemon on
 * the large reference tree, which has no system administrator of its
 * own: postmaster@d01.example is given the SA flag first. domain_count
 * is 62 (61 real domains and alias.example), list_domains pages in file
 * order, find_domain's page for a per_page, dom_info of big.example
 * through its alias, and del_domain big.example taking the alias and
 * its users' logins with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cdbmake.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"
#include "unit/test_domain_daemon.h"

static char *
p(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, name);
}

/* postmaster@d01.example becomes an SA (flag word 65536). */
static int
make_sa(void)
{
	const char *rel = "home/vpopmail/domains/d01.example";
	char *s = ts_slurp(p("home/vpopmail/domains/d01.example/vpasswd"),
	    1 << 16, NULL), *at, *out;
	struct stat st;
	int dfd, r;

	if (s == NULL || (at = strstr(s, ":1:0:Postmaster:")) == NULL) {
		free(s);
		return -1;
	}
	if ((out = malloc(strlen(s) + 16)) == NULL)
		abort();
	snprintf(out, strlen(s) + 16, "%.*s:1:65536:%s", (int)(at - s), s,
	    at + 5);
	r = t_write(p("home/vpopmail/domains/d01.example/vpasswd"), out,
	    strlen(out));
	free(out);
	free(s);
	if (r < 0 || (dfd = ts_dirfd(p(rel))) < 0)
		return -1;
	r = fstat(dfd, &st) < 0 ? -1 : cdb_build_vpasswd(dfd, st.st_uid,
	    st.st_gid);
	close(dfd);
	return r;
}

/* Sends cmd and expects the reply lines want[] (NULL-terminated). */
static int
expect(struct daemon *d, const char *cmd, const char *const *want)
{
	const char *got;
	size_t i;

	if (!say(d, cmd, want[0]))
		return 0;
	for (i = 1; want[i] != NULL; i++) {
		got = read_line(d);
		if (got == NULL || strcmp(got, want[i]) != 0) {
			T_INFO("%s: line %zu: got '%s', want '%s'", cmd, i,
			    got ? got : "(none)", want[i]);
			return 0;
		}
	}
	return 1;
}

static void
test_reads(struct daemon *d)
{
	static const char *const count62[] = { "+OK+", "count 62", ".",
	    NULL };
	static const char *const page1[] = { "+OK+",
	    "big.example alias.example", "big.example big.example",
	    "d01.example d01.example", ".", NULL };
	static const char *const page21[] = { "+OK+",
	    "d59.example d59.example", "d60.example d60.example", ".", NULL };
	static const char *const empty[] = { "+OK+", ".", NULL };
	static const char *const find1[] = { "+OK+", "page 1", ".", NULL };
	static const char *const find7[] = { "+OK+", "page 7", ".", NULL };
	char info[5][PATH_MAX + 32];
	const char *infov[8];

	CHECK(expect(d, "domain_count", count62),
	    "domain_count: 61 real domains + 1 alias");
	CHECK(expect(d, "list_domains 1 3", page1),
	    "list_domains 1 3: the alias first, in file order");
	CHECK(expect(d, "list_domains 21 3", page21),
	    "list_domains 21 3: the last page holds 2");
	CHECK(expect(d, "list_domains 22 3", empty),
	    "list_domains 22 3: beyond the end is empty");
	CHECK(expect(d, "find_domain alias.example", find1),
	    "find_domain alias.example: page 1");
	CHECK(expect(d, "find_domain D60.Example 10", find7),
	    "find_domain D60.Example 10: entry 62 is on page 7");
	snprintf(info[0], sizeof(info[0]), "domain big.example");
	snprintf(info[1], sizeof(info[1]), "path %s/home/vpopmail/domains/"
	    "big.example", top);
	snprintf(info[2], sizeof(info[2]), "uid 89");
	snprintf(info[3], sizeof(info[3]), "gid 89");
	snprintf(info[4], sizeof(info[4]), "alias alias.example");
	infov[0] = "+OK+";
	infov[1] = info[0];
	infov[2] = info[1];
	infov[3] = info[2];
	infov[4] = info[3];
	infov[5] = info[4];
	infov[6] = ".";
	infov[7] = NULL;
	CHECK(expect(d, "dom_info ALIAS.example", infov),
	    "dom_info of big.example through its alias");
}

static void
test_del(struct daemon *d)
{
	static const char *const count60[] = { "+OK+", "count 60", ".",
	    NULL };

	CHECK(say(d, "del_domain big.example", "+OK "),
	    "del_domain big.example");
	CHECK(expect(d, "domain_count", count60),
	    "domain_count 60: the alias went with it");
	CHECK(access(p("home/vpopmail/domains/big.example"), F_OK) < 0,
	    "big.example's directory is gone");
}

static void
login(const char *cmd, const char *want, const char *what)
{
	struct daemon d;

	if (!CHECK(start_daemon(&d, "--timeout=60") == 0, "start daemon"))
		return;
	CHECK(strcmp(read_line(&d) ?: "", "+OK ") == 0 && say(&d, cmd, want),
	    "%s", what);
	CHECK(stop_daemon(&d), "the daemon exits 0");
}

int
main(void)
{
	struct daemon d;

	signal(SIGPIPE, SIG_IGN);
	if (find_build() < 0 || ts_fixtures() == NULL) {
		CHECK(0, "find the build directory and the fixtures");
		return T_DONE("test_domain_large");
	}
	if (!CHECK(setup_tree("large", "dlarge", "") == 0, "large tree") ||
	    !CHECK(make_sa() == 0, "postmaster@d01.example made an SA"))
		return T_DONE("test_domain_large");
	login("slogin u001@alias.example u001", "+OK ",
	    "u001 logs in through alias.example before");
	if (CHECK(start_daemon(&d, "--timeout=60") == 0, "start daemon")) {
		CHECK(strcmp(read_line(&d) ?: "", "+OK ") == 0, "greeting");
		CHECK(say(&d, "slogin postmaster@d01.example test", "+OK "),
		    "SA login");
		test_reads(&d);
		test_del(&d);
		CHECK(say(&d, "quit", "+OK "), "quit");
		CHECK(stop_daemon(&d), "the daemon exits 0");
	}
	login("slogin u001@alias.example u001", "-ERR 8.207 Invalid Login",
	    "and not after the delete");
	login("slogin u001@big.example u001", "-ERR 8.207 Invalid Login",
	    "nor through big.example");
	t_rm_rf(top);
	return T_DONE("test_domain_large");
}
