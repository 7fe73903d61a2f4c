/*
 * test_ipmap.c - the IP map file (privhelper/ipmap.c, STORAGE.md 10):
 * IP literal check, field splitting, add/del/lookup/each on a map with
 * foreign lines, byte-for-byte keeping of lines (V8: '%' is data), no
 * temporaries left, refusals leaving the map untouched.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipmap.h"
#include "t.h"
#include "tdir.h"

static char top[256], mapp[300];
static int vfd;

static int
read_map(char *buf, size_t sz)
{
	int fd = open(mapp, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sz - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int
map_is(const char *want)
{
	char buf[8192];

	return read_map(buf, sizeof(buf)) == 0 && strcmp(buf, want) == 0;
}

/* Files in etc/ other than the map and its lock: temporaries. */
static int
strays(void)
{
	char p[300];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(p, sizeof(p), "%s/etc", top);
	if ((d = opendir(p)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, IPMAP_NAME) &&
		    strcmp(de->d_name, IPMAP_LOCK))
			n++;
	closedir(d);
	return n;
}

static void
test_ip_ok(void)
{
	static const char *const good[] = { "192.0.2.10", "0.0.0.0",
	    "255.255.255.255", "::1", "2001:db8::a", "::ffff:192.0.2.1",
	    "fe80::1:2:3:4" };
	static const char *const bad[] = { "", "192.0.2", "192.0.2.256",
	    "192.0.2.1/24", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4\n",
	    "2001:db8:::1", "2001:db8::g", "fe80::1%eth0", "%s%n",
	    "example.com", "01.2.3.4" };
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(ipmap_ip_ok(good[i]), "ip ok: '%s'", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!ipmap_ip_ok(bad[i]), "ip refused: bad[%zu] '%.*s'", i,
		    (int)strcspn(bad[i], "\n"), bad[i]);
	CHECK(!ipmap_ip_ok(NULL), "ip refused: NULL");
}

static void
test_fields(void)
{
	char ip[64], dom[64];

	CHECK(ipmap_fields("1.2.3.4 a.example", ip, sizeof(ip), dom,
	    sizeof(dom)) == 0 && !strcmp(ip, "1.2.3.4") &&
	    !strcmp(dom, "a.example"), "fields: one space");
	CHECK(ipmap_fields(" \t1.2.3.4\t\t a.example  extra\r", ip,
	    sizeof(ip), dom, sizeof(dom)) == 0 && !strcmp(ip, "1.2.3.4") &&
	    !strcmp(dom, "a.example"), "fields: runs of blanks, a third field, CR");
	CHECK(ipmap_fields("1.2.3.4", ip, sizeof(ip), dom, sizeof(dom)) < 0,
	    "fields: one field is no mapping");
	CHECK(ipmap_fields("   ", ip, sizeof(ip), dom, sizeof(dom)) < 0,
	    "fields: blank line");
	CHECK(ipmap_fields("1.2.3.4 a.example", ip, 4, dom, sizeof(dom)) < 0,
	    "fields: a field that does not fit is refused, not cut");
}

struct seen {
	char	buf[512];
};

static int
collect(void *arg, const char *ip, const char *dom)
{
	struct seen *s = arg;
	size_t n = strlen(s->buf);

	snprintf(s->buf + n, sizeof(s->buf) - n, "%s=%s;", ip, dom);
	return 0;
}

static const char foreign[] = "192.0.2.9\tz.example\textra\n"
    "%s%n b.example\nlonely\n\n192.0.2.1 a.example\n192.0.2.2 a.example\n"
    "192.0.2.1  a.example\n192.0.2.1 c.example";

static void
test_updates(void)
{
	char dom[128];
	struct stat st;
	struct seen s;

	CHECK(ipmap_lookup(vfd, "192.0.2.1", dom, sizeof(dom)) == 1,
	    "lookup: no map is not found");
	memset(&s, 0, sizeof(s));
	CHECK(ipmap_each(vfd, collect, &s) == 0 && s.buf[0] == '\0',
	    "each: no map is empty");
	CHECK(ipmap_del(vfd, "192.0.2.1", "a.example") < 0 &&
	    errno == ENOENT, "del: no map is ENOENT");
	CHECK(access(mapp, F_OK) < 0, "del: no map was created");

	CHECK(ipmap_add(vfd, "192.0.2.1", "a.example") == 0, "add to no map");
	CHECK(map_is("192.0.2.1 a.example\n"), "add: one line, one space");
	/* stat before CHECK: its arguments are evaluated in no set order */
	if (stat(mapp, &st) < 0)
		memset(&st, 0, sizeof(st));
	CHECK((st.st_mode & 07777) == 0644,
	    "add: map mode 0644 (%o)", (unsigned)(st.st_mode & 07777));

	/* foreign lines: kept byte for byte, short ones dropped */
	CHECK(t_write(mapp, foreign, strlen(foreign)) == 0,
	    "foreign map written");
	CHECK(ipmap_lookup(vfd, "192.0.2.1", dom, sizeof(dom)) == 0 &&
	    !strcmp(dom, "a.example"), "lookup: first line of the IP wins");
	CHECK(ipmap_lookup(vfd, "192.0.2.9", dom, sizeof(dom)) == 0 &&
	    !strcmp(dom, "z.example"), "lookup: TAB separated");
	CHECK(ipmap_lookup(vfd, "lonely", dom, sizeof(dom)) == 1,
	    "lookup: a one-field line is no mapping");
	memset(&s, 0, sizeof(s));
	CHECK(ipmap_each(vfd, collect, &s) == 0 && !strcmp(s.buf,
	    "192.0.2.9=z.example;%s%n=b.example;192.0.2.1=a.example;"
	    "192.0.2.2=a.example;192.0.2.1=a.example;192.0.2.1=c.example;"),
	    "each: file order, short lines skipped (%s)", s.buf);

	CHECK(ipmap_add(vfd, "192.0.2.1", "a.example") == 0, "add again");
	CHECK(map_is("192.0.2.9\tz.example\textra\n%s%n b.example\n"
	    "192.0.2.2 a.example\n192.0.2.1 c.example\n"
	    "192.0.2.1 a.example\n"),
	    "add: every equal pair removed, appended once, '%%' kept, short "
	    "lines dropped, unterminated tail terminated");
	CHECK(ipmap_del(vfd, "192.0.2.1", "A.EXAMPLE") == 0 &&
	    map_is("192.0.2.9\tz.example\textra\n%s%n b.example\n"
	    "192.0.2.2 a.example\n192.0.2.1 c.example\n"
	    "192.0.2.1 a.example\n"), "del: domain compared byte for byte");
	CHECK(ipmap_del(vfd, "192.0.2.1", "a.example") == 0 &&
	    map_is("192.0.2.9\tz.example\textra\n%s%n b.example\n"
	    "192.0.2.2 a.example\n192.0.2.1 c.example\n"),
	    "del: the pair gone, the same IP for another domain kept");
	CHECK(ipmap_del(vfd, "%s%n", "b.example") == 0 &&
	    map_is("192.0.2.9\tz.example\textra\n192.0.2.2 a.example\n"
	    "192.0.2.1 c.example\n"), "del: a foreign non-IP line removable");
	CHECK(ipmap_add(vfd, "192.0.2.3", "a.example\n9.9.9.9 evil") < 0 &&
	    errno == EINVAL, "add: a newline in the domain is refused");
	CHECK(map_is("192.0.2.9\tz.example\textra\n192.0.2.2 a.example\n"
	    "192.0.2.1 c.example\n"), "refused add left the map alone");
	CHECK(strays() == 0, "no temporaries left in etc/");
}

static void
test_long_line(void)
{
	static char big[IPMAP_LINE_MAX + 100];
	char before[IPMAP_LINE_MAX + 200];

	memset(big, 'x', sizeof(big));
	memcpy(big, "1.2.3.4 ", 8);
	big[sizeof(big) - 1] = '\n';
	CHECK(t_write(mapp, big, sizeof(big)) == 0, "map with a long line");
	CHECK(ipmap_add(vfd, "192.0.2.5", "a.example") < 0 && errno == EFBIG,
	    "add: a line over IPMAP_LINE_MAX is EFBIG");
	CHECK(read_map(before, sizeof(before)) == 0 &&
	    strlen(before) == sizeof(big), "the map is left as it was");
	CHECK(strays() == 0, "no temporaries left after the failure");
}

static void
test_link(void)
{
	char p[300];

	unlink(mapp);
	snprintf(p, sizeof(p), "%s/target", top);
	CHECK(t_write(p, "1.1.1.1 t.example\n", 18) == 0 &&
	    symlink(p, mapp) == 0, "map replaced by a symlink");
	CHECK(ipmap_lookup(vfd, "1.1.1.1", p, sizeof(p)) < 0,
	    "lookup: a symlinked map is not followed");
	CHECK(ipmap_add(vfd, "192.0.2.5", "a.example") < 0,
	    "add: a symlinked map is not followed");
	snprintf(p, sizeof(p), "%s/target", top);
	CHECK(map_is("1.1.1.1 t.example\n"), "the link target is untouched");
}

int
main(void)
{
	char etc[300];

	if (t_mkdtemp(top, sizeof(top), "ipmap") < 0)
		return 1;
	snprintf(etc, sizeof(etc), "%s/etc", top);
	snprintf(mapp, sizeof(mapp), "%s/etc/" IPMAP_NAME, top);
	if (mkdir(etc, 0755) < 0 ||
	    (vfd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 1;
	test_ip_ok();
	test_fields();
	test_updates();
	test_long_line();
	test_link();
	close(vfd);
	t_rm_rf(top);
	return T_DONE("test_ipmap");
}
