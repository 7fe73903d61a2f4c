/*
 * test_vpasswd.c - privhelper/ data readers: vpasswd lines (STORAGE.md
 * 6.2), vpasswd.cdb and the text fallback (6.5), users/cdb values and
 * lookups (4.2), and the beneath-only file access of fs.c.
 */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assign.h"
#include "ctx.h"
#include "fs.h"
#include "vpasswd.h"
#include "unit/t.h"
#include "unit/tdir.h"

#define H6 "$6$abcdefgh$3rj1vTLX64btReFsM4MQ22otcD40l7vbtw7qCyr0dxc4kxNmgx53x" \
	   "VM8gWiLYbCqTHTbXFaVFU7ZT28pnvdyu0"
#define H1 "$1$abcdefgh$irWbblnpmw.5z7wgBnprh0"

static char top[PATH_MAX];
static struct vpw pw;

static int
parse(const char *l)
{
	memset(&pw, 0x55, sizeof(pw));
	return vpasswd_parse_line(l, strlen(l), &pw);
}

static void
test_parse_line(void)
{
	static char l[4 * PR_FIELD_MAX];

	CHECK(parse("alice:" H6 ":1:4096:Alice Example:"
	    "/home/vpopmail/domains/example.com/alice:10485760S,1000C") == 0,
	    "7-field line parses");
	CHECK(strcmp(pw.name, "alice") == 0 && strcmp(pw.passwd, H6) == 0 &&
	    pw.uid == 1 && pw.flags == 4096 &&
	    strcmp(pw.gecos, "Alice Example") == 0 &&
	    strcmp(pw.dir, "/home/vpopmail/domains/example.com/alice") == 0 &&
	    strcmp(pw.quota, "10485760S,1000C") == 0,
	    "7-field line: every field");
	CHECK(pw.has_clear == 0 && pw.clear[0] == '\0',
	    "7-field line: has_clear 0, clear empty");

	CHECK(parse("bob:" H1 ":1:0:bob:/home/vpopmail/domains/example.com/0/"
	    "bob:NOQUOTA:test") == 0 && pw.has_clear == 1 &&
	    strcmp(pw.clear, "test") == 0 && strcmp(pw.quota, "NOQUOTA") == 0 &&
	    strcmp(pw.passwd, H1) == 0,
	    "8-field line: clear \"test\", has_clear 1");

	CHECK(parse("carol:" H1 ":1:0:carol:/d:NOQUOTA:a:b::c:") == 0 &&
	    pw.has_clear == 1 && strcmp(pw.clear, "a:b::c:") == 0 &&
	    strcmp(pw.quota, "NOQUOTA") == 0,
	    "8-field line: clear text with ':' kept whole (\"%s\")", pw.clear);

	CHECK(parse("dave:" H1 ":1:0:dave:/d:NOQUOTA:") == 0 &&
	    pw.has_clear == 1 && pw.clear[0] == '\0',
	    "8-field line with an empty clear text: has_clear 1");

	CHECK(parse("erin::1:0:::") == 0 && pw.passwd[0] == '\0' &&
	    pw.gecos[0] == '\0' && pw.dir[0] == '\0' && pw.quota[0] == '\0' &&
	    pw.has_clear == 0 && strcmp(pw.name, "erin") == 0,
	    "empty hash, gecos, dir and quota fields");
	CHECK(parse("frank::::::") == 0 && pw.uid == 0 && pw.flags == 0,
	    "empty uid and flags fields read as 0");
	CHECK(parse("sa:x:1:65536:g:/d:q") == 0 && pw.flags == 65536,
	    "flags \"65536\" parsed");
	CHECK(parse("u:x:1:12x:g:/d:q") == 0 && pw.flags == 12,
	    "flags \"12x\" -> 12 (atoi semantics)");
	CHECK(parse("u:x:2abc:x12:g:/d:q") == 0 && pw.uid == 2 && pw.flags == 0,
	    "uid \"2abc\" -> 2, flags \"x12\" -> 0");
	CHECK(parse("u:x:1:99999999999999:g:/d:q") == 0,
	    "an overlong number does not fail the line");

	CHECK(parse("u:x:1:0:g:/d") == -1, "6 fields -> -1");
	CHECK(parse("u:x:1:0:g") == -1, "5 fields -> -1");
	CHECK(parse("u") == -1, "no ':' at all -> -1");
	CHECK(parse("") == -1, "empty line -> -1");

	/* a field longer than PR_FIELD_MAX - 1 */
	snprintf(l, sizeof(l), "u:x:1:0:%0*d:/d:q", PR_FIELD_MAX, 0);
	CHECK(parse(l) == -1, "gecos of %d bytes -> -1", PR_FIELD_MAX);
	snprintf(l, sizeof(l), "u:x:1:0:%0*d:/d:q", PR_FIELD_MAX - 1, 0);
	CHECK(parse(l) == 0 && strlen(pw.gecos) == PR_FIELD_MAX - 1,
	    "gecos of %d bytes fits", PR_FIELD_MAX - 1);
	snprintf(l, sizeof(l), "%0*d:x:1:0:g:/d:q", PR_FIELD_MAX, 0);
	CHECK(parse(l) == -1, "name of %d bytes -> -1", PR_FIELD_MAX);
	snprintf(l, sizeof(l), "u:x:1:0:g:/d:q:%0*d", PR_FIELD_MAX, 0);
	CHECK(parse(l) == -1, "clear text of %d bytes -> -1", PR_FIELD_MAX);
	snprintf(l, sizeof(l), "u:%0*d:1:0:g:/d:q", PR_FIELD_MAX, 0);
	CHECK(parse(l) == -1, "hash of %d bytes -> -1", PR_FIELD_MAX);

	/* a NUL inside the given length */
	CHECK(vpasswd_parse_line("u:x\0y:1:0:g:/d:q", 16, &pw) == -1,
	    "a NUL inside a field -> -1");
	/* the length bounds the line, not the NUL */
	CHECK(vpasswd_parse_line("u:x:1:0:g:/d:q:clear", 14, &pw) == 0 &&
	    pw.has_clear == 0 && strcmp(pw.quota, "q") == 0,
	    "only n bytes are parsed");
}

static int
make_cdb(const char *path, const char *const *kv, size_t n)
{
	struct cdb_make cm;
	size_t i;
	int fd, r = 0;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (cdb_make_start(&cm, fd) < 0) {
		close(fd);
		return -1;
	}
	for (i = 0; i + 1 < n; i += 2) {
		/* a value may carry NULs: kv[i+1] is "len:bytes" when it
		 * starts with '#' followed by a decimal length */
		const char *v = kv[i + 1];
		size_t vlen = strlen(v);

		if (v[0] == '#') {
			char *end;

			vlen = strtoul(v + 1, &end, 10);
			v = end + 1;
		}
		if (cdb_make_add(&cm, kv[i], (unsigned)strlen(kv[i]), v,
		    (unsigned)vlen) < 0)
			r = -1;
	}
	if (cdb_make_finish(&cm) < 0)
		r = -1;
	if (close(fd) < 0)
		r = -1;
	return r;
}

static void
path(char *buf, size_t len, const char *rel)
{
	if ((size_t)snprintf(buf, len, "%s/%s", top, rel) >= len)
		buf[0] = '\0';
}

static void
test_lookup(void)
{
	static const char *const kv[] = {
		"postmaster", H6 ":1:0:Postmaster:/v/domains/example.com/"
		    "postmaster:NOQUOTA:test",
		"alice", H1 ":1:4096:Alice:/v/domains/example.com/alice:"
		    "NOQUOTA",
	};
	static const char text[] =
	    "alic2:" H1 ":1:0:alic2:/v/d/alic2:NOQUOTA\n"
	    "alicexyz:" H1 ":1:2:alicexyz:/v/d/alicexyz:NOQUOTA\n"
	    "alice:" H1 ":1:4096:Alice Text:/v/d/alice:NOQUOTA:secret\n"
	    "postmaster:" H6 ":1:0:Postmaster:/v/d/postmaster:NOQUOTA\n";
	char p[PATH_MAX], q[PATH_MAX];
	int dfd;

	path(p, sizeof(p), "dom");
	if (!CHECK(mkdir(p, 0700) == 0, "mkdir domain dir"))
		return;
	dfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!CHECK(dfd >= 0, "open domain dir O_PATH"))
		return;

	CHECK(vpasswd_lookup(dfd, "alice", &pw) == 1,
	    "no vpasswd.cdb and no vpasswd: not found (1)");

	path(p, sizeof(p), "dom/vpasswd.cdb");
	CHECK(make_cdb(p, kv, 4) == 0, "build vpasswd.cdb (tinycdb)");
	path(q, sizeof(q), "dom/vpasswd");
	CHECK(t_write(q, text, sizeof(text) - 1) == 0, "write vpasswd text");

	CHECK(vpasswd_lookup(dfd, "postmaster", &pw) == 0 &&
	    strcmp(pw.name, "postmaster") == 0 && strcmp(pw.passwd, H6) == 0 &&
	    pw.has_clear && strcmp(pw.clear, "test") == 0,
	    "cdb: postmaster found, fields parsed");
	CHECK(vpasswd_lookup(dfd, "alice", &pw) == 0 &&
	    strcmp(pw.gecos, "Alice") == 0 && pw.flags == 4096 &&
	    !pw.has_clear, "cdb: alice found (the cdb, not the text file)");
	CHECK(vpasswd_lookup(dfd, "bob", &pw) == 1, "cdb: bob not found");
	CHECK(vpasswd_lookup(dfd, "alic", &pw) == 1 &&
	    vpasswd_lookup(dfd, "alicex", &pw) == 1 &&
	    vpasswd_lookup(dfd, "Alice", &pw) == 1,
	    "cdb: alic, alicex, Alice not found");
	CHECK(vpasswd_lookup(dfd, "", &pw) == 1, "cdb: empty name not found");

	/* the text fallback */
	CHECK(unlink(p) == 0, "delete vpasswd.cdb");
	CHECK(vpasswd_lookup(dfd, "alice", &pw) == 0 &&
	    strcmp(pw.name, "alice") == 0 &&
	    strcmp(pw.gecos, "Alice Text") == 0 &&
	    strcmp(pw.clear, "secret") == 0,
	    "text fallback: alice found (not alic2 / alicexyz)");
	CHECK(vpasswd_lookup(dfd, "postmaster", &pw) == 0 &&
	    strcmp(pw.passwd, H6) == 0, "text fallback: postmaster (last line)");
	CHECK(vpasswd_lookup(dfd, "alic", &pw) == 1,
	    "text fallback: \"alic\" not found");
	CHECK(vpasswd_lookup(dfd, "alicex", &pw) == 1,
	    "text fallback: \"alicex\" not found");
	CHECK(vpasswd_lookup(dfd, "", &pw) == 1,
	    "text fallback: empty name not found");
	CHECK(vpasswd_lookup(dfd, "alicexyz", &pw) == 0 && pw.flags == 2,
	    "text fallback: alicexyz found");

	/* vpasswd.cdb as a symlink to a valid cdb elsewhere */
	path(q, sizeof(q), "elsewhere.cdb");
	CHECK(make_cdb(q, kv, 4) == 0, "build a cdb outside the domain");
	CHECK(symlink(q, p) == 0, "vpasswd.cdb -> ../elsewhere.cdb symlink");
	errno = 0;
	CHECK(vpasswd_lookup(dfd, "alice", &pw) == -1,
	    "symlinked vpasswd.cdb: -1 (not followed, no text fallback)");
	unlink(p);
	CHECK(symlink("elsewhere-missing.cdb", p) == 0,
	    "dangling vpasswd.cdb symlink");
	CHECK(vpasswd_lookup(dfd, "alice", &pw) == -1,
	    "dangling symlinked vpasswd.cdb: -1");
	unlink(p);

	/* a symlinked text vpasswd */
	path(q, sizeof(q), "dom/vpasswd");
	unlink(q);
	path(p, sizeof(p), "elsewhere.txt");
	t_write(p, text, sizeof(text) - 1);
	CHECK(symlink(p, q) == 0, "vpasswd -> ../elsewhere.txt symlink");
	CHECK(vpasswd_lookup(dfd, "alice", &pw) == -1,
	    "symlinked vpasswd (no cdb): -1");
	unlink(q);

	/* a cdb value that does not parse, and one too long */
	{
		static char longval[2000];
		const char *bad[] = {
			"short", "x:1:0",
			"long", longval,
		};

		memset(longval, 'g', sizeof(longval) - 1);
		memcpy(longval, "x:1:0:", 6);
		memcpy(longval + sizeof(longval) - 6, ":/d:q", 6);
		path(p, sizeof(p), "dom/vpasswd.cdb");
		CHECK(make_cdb(p, bad, 4) == 0, "build a cdb with bad values");
		CHECK(vpasswd_lookup(dfd, "short", &pw) == -1,
		    "cdb value with 3 fields: -1");
		CHECK(vpasswd_lookup(dfd, "long", &pw) == -1,
		    "cdb value of 2000 bytes: -1");
		CHECK(vpasswd_lookup(dfd, "other", &pw) == 1,
		    "cdb without the key: 1");
		unlink(p);
	}
	/* a vpasswd.cdb that is not a cdb */
	path(p, sizeof(p), "dom/vpasswd.cdb");
	t_write(p, "garbage", 7);
	CHECK(vpasswd_lookup(dfd, "alice", &pw) != 0,
	    "a 7-byte vpasswd.cdb (not a cdb) never finds a user");
	unlink(p);
	close(dfd);
}

/* "example.com\0" "89\0" "89\0" "/home/vpopmail/domains/example.com\0"
 * "-\0" */
#define AV "example.com\0" "89\0" "89\0" "/home/vpopmail/domains/example.com" \
	   "\0" "-\0"

static int
av(const char *v, size_t n, struct assign_ent *e)
{
	memset(e, 0x55, sizeof(*e));
	return assign_parse_value(v, n, e);
}

static void
test_assign_value(void)
{
	struct assign_ent e;

	CHECK(av(AV, sizeof(AV) - 1, &e) == 0 &&
	    strcmp(e.domain, "example.com") == 0 && e.uid == 89 &&
	    e.gid == 89 &&
	    strcmp(e.dir, "/home/vpopmail/domains/example.com") == 0,
	    "users/cdb value parses: example.com 89 89 dir");
	CHECK(av("a.b\0" "0\0" "0\0" "/x\0", 11, &e) == 0 && e.uid == 0 &&
	    e.gid == 0 && strcmp(e.dir, "/x") == 0,
	    "value without the trailing '-' field parses");
	CHECK(av("example.com\0" "89\0" "89\0", 18, &e) == -1,
	    "missing dir field -> -1");
	CHECK(av("example.com\0" "89\0" "89\0" "/home/x", 25, &e) == -1,
	    "unterminated dir field -> -1");
	CHECK(av("example.com\0", 12, &e) == -1, "only a domain -> -1");
	CHECK(av("", 0, &e) == -1, "empty value -> -1");
	CHECK(av("-", 1, &e) == -1, "the wildcard value \"-\" -> -1");
	CHECK(av("example.com\0" "8x9\0" "89\0" "/h\0", 22, &e) == -1,
	    "non-numeric uid -> -1");
	CHECK(av("example.com\0" "89\0" "\0" "/h\0", 19, &e) == -1,
	    "empty gid -> -1");
	CHECK(av("example.com\0" "-1\0" "89\0" "/h\0", 21, &e) == -1,
	    "negative uid -> -1");
	CHECK(av("example.com\0" " 89\0" "89\0" "/h\0", 22, &e) == -1,
	    "uid with a leading space -> -1");
	CHECK(av("example.com\0" "4294967296\0" "89\0" "/h\0", 29, &e) == -1,
	    "uid 2^32 -> -1");
	CHECK(av("example.com\0" "89\0" "89\0" "home/x\0", 25, &e) == -1,
	    "relative dir -> -1");
	CHECK(av("\0" "89\0" "89\0" "/h\0", 10, &e) == -1,
	    "empty real domain -> -1");
}

static void
test_assign_lookup(void)
{
	static const char *const kv[] = {
		"!example.com-", "#55:" AV,
		"!alias.example-", "#55:" AV,
		"!bad.example-", "#11:x\0" "1\0" "abc\0" "/d\0",
		"", "-",
	};
	static struct vp_config cfg;
	static struct ph_ctx ctx;
	struct assign_ent e;
	char p[PATH_MAX], name[700];

	path(p, sizeof(p), "qmail");
	mkdir(p, 0700);
	path(p, sizeof(p), "qmail/users");
	mkdir(p, 0700);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.audit_fd = -1;
	path(p, sizeof(p), "qmail");
	ctx.qmail_fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ctx.vpop_fd = -1;
	if (!CHECK(ctx.qmail_fd >= 0, "open qmail dir O_PATH"))
		return;

	CHECK(assign_lookup(&ctx, "example.com", &e) == -1,
	    "users/cdb missing: -1");
	path(p, sizeof(p), "qmail/users/cdb");
	CHECK(make_cdb(p, kv, 8) == 0, "build users/cdb");
	CHECK(assign_lookup(&ctx, "example.com", &e) == 0 &&
	    strcmp(e.domain, "example.com") == 0 && e.uid == 89 &&
	    e.gid == 89 &&
	    strcmp(e.dir, "/home/vpopmail/domains/example.com") == 0,
	    "assign_lookup example.com: 0, fields right");
	CHECK(assign_lookup(&ctx, "alias.example", &e) == 0 &&
	    strcmp(e.domain, "example.com") == 0,
	    "alias domain resolves to the real domain");
	CHECK(assign_lookup(&ctx, "example.net", &e) == 1,
	    "unknown domain: 1");
	CHECK(assign_lookup(&ctx, "example.co", &e) == 1 &&
	    assign_lookup(&ctx, "xample.com", &e) == 1,
	    "near misses: 1");
	CHECK(assign_lookup(&ctx, "", &e) == 1, "empty name: 1 (key \"!-\")");
	CHECK(assign_lookup(&ctx, "bad.example", &e) == -1,
	    "malformed value (gid \"abc\"): -1");
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK(assign_lookup(&ctx, name, &e) == 1,
	    "a 699-byte name: 1 (no overflow)");

	/* users/cdb as a symlink */
	path(name, sizeof(name), "elsewhere-users.cdb");
	CHECK(rename(p, name) == 0 && symlink(name, p) == 0,
	    "users/cdb -> ../../elsewhere-users.cdb");
	CHECK(assign_lookup(&ctx, "example.com", &e) == -1,
	    "symlinked users/cdb: -1");
	close(ctx.qmail_fd);
}

static void
test_fs(void)
{
	char rel[PATH_MAX], small[8], p[PATH_MAX], buf[16];
	int dfd, fd;

	CHECK(fs_relative("/home/vpopmail", "/home/vpopmail/domains/x", rel,
	    sizeof(rel)) == 0 && strcmp(rel, "domains/x") == 0,
	    "fs_relative: /home/vpopmail/domains/x -> domains/x");
	CHECK(fs_relative("/home/vpopmail", "/home/vpopmailx/a", rel,
	    sizeof(rel)) == -1, "fs_relative: /home/vpopmailx/a -> -1");
	CHECK(fs_relative("/home/vpopmail", "/home/vpopmail", rel,
	    sizeof(rel)) == -1, "fs_relative: the base itself -> -1");
	CHECK(fs_relative("/home/vpopmail", "/home/vpopmail/", rel,
	    sizeof(rel)) == -1, "fs_relative: base + '/' -> -1");
	CHECK(fs_relative("/home/vpopmail", "/etc/x", rel, sizeof(rel)) == -1,
	    "fs_relative: /etc/x -> -1");
	CHECK(fs_relative("/home/vpopmail", "/home", rel, sizeof(rel)) == -1,
	    "fs_relative: a parent of base -> -1");
	CHECK(fs_relative("/home/vpopmail", "home/vpopmail/x", rel,
	    sizeof(rel)) == -1, "fs_relative: relative abs -> -1");
	CHECK(fs_relative("/home/vpopmail/", "/home/vpopmail/domains/x", rel,
	    sizeof(rel)) == 0 && strcmp(rel, "domains/x") == 0,
	    "fs_relative: base with a trailing slash works");
	CHECK(fs_relative("/home/vpopmail//", "/home/vpopmail/a", rel,
	    sizeof(rel)) == 0 && strcmp(rel, "a") == 0,
	    "fs_relative: base with two trailing slashes works");
	CHECK(fs_relative("/home/vpopmail", "/home/vpopmail//domains", rel,
	    sizeof(rel)) == 0 && strcmp(rel, "domains") == 0,
	    "fs_relative: doubled slash after the base is skipped");
	CHECK(fs_relative("/home/vpopmail", "/home/vpopmail/abcdefgh", small,
	    sizeof(small)) == -1, "fs_relative: result too long -> -1");
	CHECK(fs_relative("/home/vpopmail", "/home/vpopmail/abcdefg", small,
	    sizeof(small)) == 0 && strcmp(small, "abcdefg") == 0,
	    "fs_relative: result of relsz-1 bytes fits");

	path(p, sizeof(p), "fs");
	mkdir(p, 0700);
	path(p, sizeof(p), "fs/sub");
	mkdir(p, 0700);
	path(p, sizeof(p), "fs/sub/plain");
	t_write(p, "hello", 5);
	path(p, sizeof(p), "outside");
	t_write(p, "secret", 6);
	path(p, sizeof(p), "fs/link");
	CHECK(symlink("sub", p) == 0, "symlink fs/link -> sub");
	path(p, sizeof(p), "fs/sub/flink");
	CHECK(symlink("plain", p) == 0, "symlink fs/sub/flink -> plain");
	path(p, sizeof(p), "fs/up");
	CHECK(symlink("../outside", p) == 0, "symlink fs/up -> ../outside");
	path(p, sizeof(p), "fs");
	dfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!CHECK(dfd >= 0, "open fs dir O_PATH"))
		return;

	fd = fs_open_beneath(dfd, "sub/plain", O_RDONLY, 0);
	CHECK(fd >= 0, "fs_open_beneath: a plain file opens");
	if (fd >= 0) {
		CHECK(read(fd, buf, sizeof(buf)) == 5 &&
		    (fcntl(fd, F_GETFD) & FD_CLOEXEC),
		    "fs_open_beneath: content read, O_CLOEXEC set");
		close(fd);
	}
	errno = 0;
	fd = fs_open_beneath(dfd, "../outside", O_RDONLY, 0);
	CHECK(fd < 0 && errno == EXDEV,
	    "fs_open_beneath \"../outside\": refused (errno %d)", errno);
	errno = 0;
	fd = fs_open_beneath(dfd, "/etc/passwd", O_RDONLY, 0);
	CHECK(fd < 0 && errno == EXDEV,
	    "fs_open_beneath \"/etc/passwd\": refused (errno %d)", errno);
	errno = 0;
	fd = fs_open_beneath(dfd, "sub/../../outside", O_RDONLY, 0);
	CHECK(fd < 0 && errno == EXDEV,
	    "fs_open_beneath \"sub/../../outside\": refused");
	errno = 0;
	fd = fs_open_beneath(dfd, "link/plain", O_RDONLY, 0);
	CHECK(fd < 0 && (errno == ELOOP || errno == EXDEV),
	    "fs_open_beneath through a symlinked directory: refused "
	    "(errno %d)", errno);
	errno = 0;
	fd = fs_open_beneath(dfd, "sub/flink", O_RDONLY, 0);
	CHECK(fd < 0 && (errno == ELOOP || errno == EXDEV),
	    "fs_open_beneath of a symlink (final component): refused");
	errno = 0;
	fd = fs_open_beneath(dfd, "up", O_RDONLY, 0);
	CHECK(fd < 0 && (errno == ELOOP || errno == EXDEV),
	    "fs_open_beneath of a symlink pointing outside: refused");
	fd = fs_open_beneath(dfd, "sub/../sub/plain", O_RDONLY, 0);
	CHECK(fd >= 0, "fs_open_beneath: '..' that stays beneath is fine");
	if (fd >= 0)
		close(fd);
	fd = fs_open_beneath(dfd, "sub", O_PATH | O_DIRECTORY, 0);
	CHECK(fd >= 0, "fs_open_beneath: a subdirectory as O_PATH");
	if (fd >= 0)
		close(fd);
	fd = fs_open_beneath(dfd, "sub/new", O_WRONLY | O_CREAT | O_EXCL, 0640);
	if (CHECK(fd >= 0, "fs_open_beneath: O_CREAT a new file")) {
		struct stat st;

		CHECK(fstat(fd, &st) == 0 && (st.st_mode & 0777) ==
		    (0640u & ~(unsigned)umask(022)),
		    "fs_open_beneath: O_CREAT uses mode (masked by umask)");
		close(fd);
	}

	/* fs_read_small */
	CHECK(fs_read_small(dfd, "sub/plain", buf, sizeof(buf)) == 5 &&
	    strcmp(buf, "hello") == 0, "fs_read_small: \"hello\"");
	CHECK(fs_read_small(dfd, "sub/plain", buf, 6) == 5 &&
	    strcmp(buf, "hello") == 0, "fs_read_small: exactly max-1 bytes");
	errno = 0;
	CHECK(fs_read_small(dfd, "sub/plain", buf, 5) == -1 && errno == EFBIG,
	    "fs_read_small: one byte too many -> EFBIG");
	errno = 0;
	CHECK(fs_read_small(dfd, "up", buf, sizeof(buf)) == -1 &&
	    errno != 0, "fs_read_small through a symlink: -1");
	errno = 0;
	CHECK(fs_read_small(dfd, "missing", buf, sizeof(buf)) == -1 &&
	    errno == ENOENT, "fs_read_small of a missing file: ENOENT");
	close(dfd);
}

int
main(void)
{
	umask(022);
	if (t_mkdtemp(top, sizeof(top), "vpasswd") < 0) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return T_DONE("test_vpasswd");
	}
	test_parse_line();
	test_lookup();
	test_assign_value();
	test_assign_lookup();
	test_fs();
	CHECK(t_rm_rf(top) == 0, "temp tree removed");
	return T_DONE("test_vpasswd");
}
