/*
 * test_file_cmds - write_file, read_file and stat_file in the helper
 * (privhelper/cmd_writefile.c, cmd_file.c) on the small fixture tree,
 * the handlers called directly and their replies rendered as the
 * frontend prints them: what a transcript cannot set up (planted links,
 * FIFOs, files with NULs, lone dots or no final newline), what it cannot
 * see (owner, mode, temporaries while a body is open, the target left
 * alone until the end) and the helper's own refusals (an LF inside a
 * relayed line).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "ctx.h"
#include "flags.h"
#include "helper.h"
#include "msg.h"
#include "util.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_ctx.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 512];
static char dom[PATH_MAX];	/* .../domains/example.com */
static struct vp_config cfg;
static struct ph_ctx ctx;
static int peer = -1;		/* the frontend's end */

static void
as(unsigned level, const char *user, const char *domain, uint32_t flags)
{
	memset(&ctx.id, 0, sizeof(ctx.id));
	ctx.id.logged_in = 1;
	ctx.id.level = level;
	ctx.id.flags = flags;
	vp_strlcpy(ctx.id.user, user, sizeof(ctx.id.user));
	vp_strlcpy(ctx.id.domain, domain, sizeof(ctx.id.domain));
	snprintf(ctx.id.domain_dir, sizeof(ctx.id.domain_dir),
	    "/home/vpopmail/domains/%s", domain);
	ctx.id.uid = 89;
	ctx.id.gid = 89;
}

static void as_sa(void) { as(LEVEL_SA, "admin", "example.com", VF_SA_ADMIN); }
static void as_qa(void) { as(LEVEL_QA, "postmaster", "example.com", VF_QA_ADMIN); }
static void as_user(void) { as(LEVEL_USER, "user1", "example.com", 0); }

/* Everything the helper sent, as the frontend would print it. */
static char out[65536];
static size_t outlen;

static void
emit(const char *p, size_t n)
{
	if (outlen + n < sizeof(out)) {
		memcpy(out + outlen, p, n);
		outlen += n;
	}
	out[outlen] = '\0';
}

static void
render(void)
{
	static struct pr_buf b;
	static struct pr_line l;
	static char data[PR_DATA_MAX + 1];
	struct vp_status st;
	char line[512];
	int multi;
	size_t n;

	outlen = 0;
	out[0] = '\0';
	while (recv(peer, b.data, sizeof(b.data), MSG_DONTWAIT | MSG_PEEK) > 0) {
		if (pr_recv(peer, &b) <= 0)
			return;
		switch (pr_type(&b)) {
		case PR_R_STATUS:
			if (pr_get_status(&b, &st) == 0) {
				n = vp_status_line(&st, line, sizeof(line));
				emit(line, n);
			}
			break;
		case PR_R_OK:
			if (pr_get_ok(&b, &multi) == 0)
				emit(multi ? "+OK+\r\n" : "+OK \r\n", 6);
			break;
		case PR_R_LINE:
			if (pr_get_line(&b, &l) == 0) {
				n = (size_t)snprintf(line, sizeof(line),
				    "%s %s\r\n", l.key, l.value);
				emit(line, n);
			}
			break;
		case PR_R_DATA:
			if (pr_get_data(&b, data, &n) == 0)
				emit(data, n);
			break;
		case PR_R_END:
			emit(".\r\n", 3);
			break;
		default:
			emit("?frame?\r\n", 9);
		}
	}
}

/* out with CR and LF shown as \r \n, for the test's messages */
static const char *
esc(void)
{
	static char e[2 * sizeof(out)];
	size_t i, j = 0;

	for (i = 0; i < outlen && j + 3 < sizeof(e); i++) {
		if (out[i] == '\r' || out[i] == '\n') {
			e[j++] = '\\';
			e[j++] = out[i] == '\r' ? 'r' : 'n';
		} else
			e[j++] = out[i];
	}
	e[j] = '\0';
	return e;
}

static void
cmd(struct pr_cmd *c, enum vp_cmd which, const char *arg)
{
	memset(c, 0, sizeof(*c));
	c->cmd = (uint16_t)which;
	if (arg != NULL) {
		vp_strlcpy(c->args[0], arg, sizeof(c->args[0]));
		c->nargs = 1;
	}
}

/* read_file or stat_file: the rendered reply. */
static const char *
run(enum vp_cmd which, const char *arg)
{
	struct pr_cmd c;

	cmd(&c, which, arg);
	if (which == CMD_read_file)
		ph_cmd_read_file(&ctx, &c);
	else
		ph_cmd_stat_file(&ctx, &c);
	render();
	return out;
}

/* Starts a write_file; CHECKs that nothing is answered before the body. */
static int
wf_begin(const char *arg)
{
	struct pr_cmd c;
	int r;

	cmd(&c, CMD_write_file, arg);
	r = ph_cmd_write_file(&ctx, &c);
	render();
	CHECK(r == PH_CMD_BODY && ctx.body != NULL && ctx.body_abort != NULL &&
	    outlen == 0, "write_file %s: body expected, nothing answered yet",
	    arg ? arg : "(none)");
	return r;
}

static int
wf_line(const char *line)
{
	return ctx.body->line(&ctx, line, strlen(line));
}

/* The end of the body as helper.c delivers it. */
static const char *
wf_end(void)
{
	const struct ph_body *b = ctx.body;

	ctx.body = NULL;
	ctx.body_abort = NULL;
	b->end(&ctx);
	render();
	return out;
}

/* The whole command: lines NULL-terminated. */
static const char *
write_file(const char *arg, const char *const *lines)
{
	wf_begin(arg);
	while (lines != NULL && *lines != NULL)
		wf_line(*lines++);
	return wf_end();
}

static char *
at(const char *rel)
{
	static char p[2][PATH_MAX];
	static int i;

	i ^= 1;
	return ts_path(p[i], sizeof(p[i]), "%s/%s", dom, rel);
}

static int
file_is(const char *rel, const char *want)
{
	return ts_file_is(at(rel), want, strlen(want));
}

static int
absent(const char *rel)
{
	struct stat sb;

	return lstat(at(rel), &sb) < 0 && errno == ENOENT;
}

static void
test_write_basic(void)
{
	static const char *const body[] = { "line one", "", "..", ". ",
	    "tab\there", NULL };
	struct stat sb;

	as_user();
	CHECK(strcmp(write_file("user1@example.com/note", body), "+OK \r\n")
	    == 0, "USER writes a file in its home: +OK (got %s)", esc());
	CHECK(file_is("user1/note", "line one\n\n..\n. \ntab\there\n"),
	    "lines stored with LF, '..' and '. ' kept");
	CHECK(stat(at("user1/note"), &sb) == 0 && (sb.st_mode & 07777) == 0600,
	    "mode 0600 (FS1)");
	if (geteuid() == 0)
		CHECK(sb.st_uid == 89 && sb.st_gid == 89,
		    "owned by the domain's uid:gid 89:89 (got %u:%u)",
		    (unsigned)sb.st_uid, (unsigned)sb.st_gid);
	else
		T_SKIP("owner: not root, files are written as ourselves");
	CHECK(ts_count_temps(at("user1")) == 0, "no temporary left");

	/* an empty body makes an empty file */
	CHECK(strcmp(write_file("user1@example.com/empty", NULL), "+OK \r\n")
	    == 0 && file_is("user1/empty", ""), "empty body: empty file");
	CHECK(strcmp(run(CMD_read_file, "user1@example.com/empty"),
	    "+OK+\r\n.\r\n") == 0, "read of an empty file: +OK+ . (S7)");
}

/* The target keeps its old content until the body's end; a temporary
 * exists meanwhile and is renamed, not copied. */
static void
test_write_atomic(void)
{
	static const char *const first[] = { "old", NULL };
	struct stat before, after;

	as_user();
	write_file("user1@example.com/atomic", first);
	stat(at("user1/atomic"), &before);
	wf_begin("user1@example.com/atomic");
	wf_line("new 1");
	wf_line("new 2");
	CHECK(file_is("user1/atomic", "old\n") &&
	    ts_count_temps(at("user1")) == 1,
	    "mid-body: target unchanged, one temporary beside it");
	CHECK(strcmp(wf_end(), "+OK \r\n") == 0 &&
	    file_is("user1/atomic", "new 1\nnew 2\n") &&
	    ts_count_temps(at("user1")) == 0, "end: replaced, temporary gone");
	CHECK(stat(at("user1/atomic"), &after) == 0 &&
	    after.st_ino != before.st_ino, "replaced by rename (new inode)");

	/* the session ends inside the body (EOF, timeout): nothing */
	wf_begin("user1@example.com/atomic");
	wf_line("never");
	ctx.body = NULL;
	ctx.body_abort(&ctx, 0);
	render();
	CHECK(outlen == 0 && file_is("user1/atomic", "new 1\nnew 2\n") &&
	    ts_count_temps(at("user1")) == 0,
	    "session gone mid-body: no reply, file unchanged, no temporary");
	wf_begin("user1@example.com/fresh");
	wf_line("never");
	ctx.body = NULL;
	ctx.body_abort(&ctx, 0);
	render();
	CHECK(absent("user1/fresh") && ts_count_temps(at("user1")) == 0,
	    "session gone mid-body: a new file is not created");

	/* the frontend refused a line (over-long, NUL): one -ERR */
	wf_begin("user1@example.com/atomic");
	wf_line("part");
	ctx.body = NULL;
	ctx.body_abort(&ctx, 1);
	render();
	CHECK(strcmp(out, "-ERR 0.2003 Line too long or with a NUL byte, "
	    "nothing written\r\n") == 0 &&
	    file_is("user1/atomic", "new 1\nnew 2\n") &&
	    ts_count_temps(at("user1")) == 0,
	    "PR_BODY_ABORT: one -ERR, nothing written (got %s)", esc());

	/* an LF inside a relayed line is not one line: a violation */
	wf_begin("user1@example.com/atomic");
	CHECK(wf_line("a\nb") == PH_CMD_BAD, "LF inside a body line: "
	    "PH_CMD_BAD (the helper ends the session)");
	ctx.body = NULL;
	ctx.body_abort(&ctx, 0);
	render();
	CHECK(ts_count_temps(at("user1")) == 0 &&
	    file_is("user1/atomic", "new 1\nnew 2\n"),
	    "and the violation leaves nothing");
}

static void
test_write_refusals(void)
{
	static const char *const body[] = { "x", NULL };
	static const char *const big[] = { "123456789", "123456789",
	    "1", NULL };

	as_user();
	CHECK(strcmp(write_file(NULL, body),
	    "-ERR 30.2001 Filename Required\r\n") == 0,
	    "no path: 30.2001 after the body (got %s)", esc());
	CHECK(strcmp(write_file("user1@example.com/", body),
	    "-ERR 26.1512 Unauthorized Directory.\r\n") == 0,
	    "the home itself (a scope root): 26.1512");
	CHECK(strcmp(write_file("user1@example.com/lastauth", body),
	    "-ERR 26.1512 Unauthorized Directory.\r\n") == 0,
	    "a protected file: 26.1512");
	CHECK(strcmp(write_file("user1@example.com/Maildir", body),
	    "-ERR 0.2002 Is a directory\r\n") == 0,
	    "a directory: 0.2002 Is a directory (got %s)", esc());
	CHECK(strcmp(write_file("user1@example.com/nodir/x", body),
	    "-ERR 0.2002 No such file or directory\r\n") == 0,
	    "a missing parent: 0.2002 No such file or directory");
	CHECK(strcmp(write_file("postmaster@example.com/x", body),
	    "-ERR 12.1508 User does not exist\r\n") == 0 &&
	    absent("postmaster/x"), "another mailbox: 12.1508");

	cfg.write_file_max = 20;
	CHECK(strcmp(write_file("user1@example.com/max", big + 1),
	    "+OK \r\n") == 0 && file_is("user1/max", "123456789\n1\n"),
	    "12 bytes under a 20-byte limit: written");
	CHECK(strcmp(write_file("user1@example.com/max", big),
	    "-ERR 0.2002 File too large\r\n") == 0 &&
	    file_is("user1/max", "123456789\n1\n") &&
	    ts_count_temps(at("user1")) == 0,
	    "22 bytes over a 20-byte limit: refused, old file kept, no "
	    "temporary (got %s)", esc());
	cfg.write_file_max = CONFIG_WRITE_FILE_MAX;

	as_qa();
	CHECK(strcmp(write_file("example.com/vpasswd", body),
	    "-ERR 26.1511 Unauthorized Directory.\r\n") == 0,
	    "QA: the user table is protected (A2)");
	CHECK(strcmp(write_file("example.com/user1/Maildir/maildirsize", body),
	    "-ERR 26.1511 Unauthorized Directory.\r\n") == 0,
	    "QA: a quota file is protected");
	CHECK(strcmp(write_file("example.com/", body),
	    "-ERR 26.1511 Unauthorized Directory.\r\n") == 0,
	    "QA: its domain directory (a scope root)");
}

static void
test_write_links(void)
{
	static const char *const body[] = { "evil", NULL };
	char outside[PATH_MAX];

	ts_path(outside, sizeof(outside), "%s/outside", top);
	t_write(outside, "keep\n", 5);
	if (symlink(outside, at("user1/link")) < 0 ||
	    symlink("Maildir", at("user1/dirlink")) < 0) {
		CHECK(0, "plant links");
		return;
	}
	as_user();
	CHECK(strcmp(write_file("user1@example.com/link", body),
	    "-ERR 0.2002 Too many levels of symbolic links\r\n") == 0,
	    "a link as the final component is refused (got %s)", esc());
	CHECK(ts_file_is(outside, "keep\n", 5), "its target is untouched");
	CHECK(strcmp(write_file("user1@example.com/dirlink/x", body),
	    "-ERR 0.2002 Too many levels of symbolic links\r\n") == 0,
	    "a link as a directory on the way is refused (got %s)", esc());
	CHECK(strcmp(run(CMD_read_file, "user1@example.com/link"),
	    "-ERR 0.2102 Too many levels of symbolic links\r\n") == 0,
	    "read_file does not follow a final link (A4)");
	CHECK(strncmp(run(CMD_stat_file, "user1@example.com/link"),
	    "+OK+\r\n", 6) == 0 && strstr(out, "type: link\r\n") != NULL,
	    "stat_file reports the link itself (lstat)");
}

static void
test_read(void)
{
	static const char odd[] = "a\n.\nb\r\n.\r\nx\0y\nno-newline-end";
	char fifo[PATH_MAX];

	t_write(at("user1/odd"), odd, sizeof(odd) - 1);
	as_user();
	CHECK(strcmp(run(CMD_read_file, "user1@example.com/odd"),
	    "+OK+\r\na\r\n..\r\nb\r\n..\r\nxy\r\nno-newline-end\r\n.\r\n")
	    == 0, "read_file: CRLF, lone dots doubled, NUL left out, final "
	    "newline supplied (got %s)", esc());
	CHECK(strcmp(run(CMD_read_file, "user1@example.com/Maildir"),
	    "-ERR 0.2102 Is a directory\r\n") == 0,
	    "a directory: 0.2102 Is a directory (S16)");
	CHECK(strcmp(run(CMD_read_file, "user1@example.com/"),
	    "-ERR 0.2102 Is a directory\r\n") == 0,
	    "the home itself: Is a directory");
	CHECK(strcmp(run(CMD_read_file, "user1@example.com/missing"),
	    "-ERR 0.2102 No such file or directory\r\n") == 0,
	    "a missing file: 0.2102");
	CHECK(strcmp(run(CMD_read_file, NULL),
	    "-ERR 30.2101 Filename Required\r\n") == 0, "no path: 30.2101");
	CHECK(strcmp(run(CMD_read_file, "user1@example.com/lastauth"),
	    "-ERR 26.1512 Unauthorized Directory.\r\n") == 0,
	    "USER: a protected file");
	ts_path(fifo, sizeof(fifo), "%s/user1/fifo", dom);
	if (mkfifo(fifo, 0600) == 0)
		CHECK(strcmp(run(CMD_read_file, "user1@example.com/fifo"),
		    "-ERR 0.2102 Invalid argument\r\n") == 0,
		    "a FIFO is refused, not waited on (got %s)", esc());
	else
		CHECK(0, "mkfifo");
	as_qa();
	CHECK(strcmp(run(CMD_read_file, "example.com/vpasswd"),
	    "-ERR 26.1511 Unauthorized Directory.\r\n") == 0,
	    "QA: the user table cannot be read (A2)");
	as_sa();
	CHECK(strncmp(run(CMD_read_file, "example.com/vpasswd"),
	    "+OK+\r\nadmin:", 12) == 0, "SA: the user table can be read");
	CHECK(strcmp(run(CMD_read_file, "example.com/.qmail-default"),
	    "+OK+\r\n| /home/vpopmail/bin/vdelivermail '' delete\r\n.\r\n")
	    == 0, "SA: .qmail-default (got %s)", esc());
}

static void
test_stat(void)
{
	as_user();
	run(CMD_stat_file, "user1@example.com/note");
	CHECK(strncmp(out, "+OK+\r\nuid: ", 11) == 0 &&
	    strstr(out, "\r\nmode: 0600\r\nsize: 25\r\n") != NULL &&
	    strstr(out, "\r\ntype: file\r\n.\r\n") != NULL,
	    "stat_file: uid first, CRLF lines, mode, size, type (got %s)",
	    esc());
	CHECK(strstr(run(CMD_stat_file, "user1@example.com/"),
	    "type: dir\r\n") != NULL, "stat_file of the home (a root) works");
	CHECK(strcmp(run(CMD_stat_file, "user1@example.com/missing"),
	    "-ERR 0.2202 No such file or directory\r\n") == 0,
	    "stat_file of a missing file: 0.2202");
	CHECK(strcmp(run(CMD_stat_file, NULL),
	    "-ERR 30.2201 Filename Required\r\n") == 0, "no path: 30.2201");
	as_qa();
	CHECK(strcmp(run(CMD_stat_file, "example.com/vpasswd"),
	    "-ERR 26.1511 Unauthorized Directory.\r\n") == 0,
	    "QA: stat of a protected file refused");
}

static void
test_delivery(void)
{
	static const char *const prog[] = { "&someone@example.org",
	    "|/bin/sh -c 'cat /etc/shadow'", NULL };
	static const char *const robot[] = {
	    "|/usr/bin/autorespond 10000 5 "
	    "/home/vpopmail/domains/example.com/robot/message "
	    "/home/vpopmail/domains/example.com/robot", NULL };

	as_qa();
	CHECK(strcmp(write_file("example.com/.qmail-evil", prog),
	    "-ERR 0.2002 Program delivery not permitted\r\n") == 0 &&
	    absent(".qmail-evil") && ts_count_temps(dom) == 0,
	    "QA: a shell program line refuses the whole file (got %s)", esc());
	CHECK(strcmp(write_file("example.com/.qmail-robot", robot),
	    "+OK \r\n") == 0, "QA: the allowed autoresponder (got %s)", esc());
	as_user();
	CHECK(strcmp(write_file("user1@example.com/.qmail", prog),
	    "-ERR 0.2002 Program delivery not permitted\r\n") == 0 &&
	    absent("user1/.qmail"), "USER: .qmail with a program refused");
	CHECK(strcmp(write_file("user1@example.com/qmail-notes", prog),
	    "+OK \r\n") == 0, "a file not named .qmail* is not judged");
	as_sa();
	CHECK(strcmp(write_file("example.com/.qmail-evil", prog),
	    "+OK \r\n") == 0, "SA: any program line");
}

/* write-file-max parsing, and PR_BODY_ABORT only while a write_file
 * body is open (mod_user's body has nothing to undo). */
static void
test_config_and_permits(void)
{
	static const struct ph_body other = { NULL, NULL };
	static struct vp_config c;
	char err[256];

	config_defaults(&c);
	CHECK(c.write_file_max == 1048576, "write-file-max default 1 MiB");
	CHECK(config_set(&c, "write-file-max", "20", err, sizeof(err)) == 0 &&
	    c.write_file_max == 20, "write-file-max = 20");
	CHECK(config_set(&c, "write-file-max", "0", err, sizeof(err)) < 0 &&
	    config_set(&c, "write-file-max", "-1", err, sizeof(err)) < 0 &&
	    config_set(&c, "write-file-max", "1k", err, sizeof(err)) < 0 &&
	    config_set(&c, "write-file-max", "1073741825", err,
	    sizeof(err)) < 0 && c.write_file_max == 20,
	    "write-file-max: 0, -1, 1k, over 1 GiB refused, value kept");

	as_user();
	ctx.body = NULL;
	ctx.body_abort = NULL;
	CHECK(!helper_permitted(&ctx, PR_BODY_ABORT),
	    "PR_BODY_ABORT without a body: not permitted");
	ctx.body = &other;
	CHECK(!helper_permitted(&ctx, PR_BODY_ABORT),
	    "PR_BODY_ABORT in a body without an undo (mod_user): not permitted");
	ctx.body = NULL;
	wf_begin("user1@example.com/permit");
	CHECK(helper_permitted(&ctx, PR_BODY_ABORT) &&
	    !helper_permitted(&ctx, PR_CMD),
	    "in a write_file body: PR_BODY_ABORT permitted, PR_CMD not");
	ctx.body = NULL;
	ctx.body_abort(&ctx, 0);
	render();
}

int
main(void)
{
	int sv[2];

	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree)");
		return T_DONE("test_file_cmds");
	}
	if (t_mkdtemp(top, sizeof(top), "filecmds") < 0 ||
	    ts_extract("reference-small.tgz", top) < 0 ||
	    tc_open(top, &cfg, &ctx) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0) {
		CHECK(0, "extract the small fixture");
		return T_DONE("test_file_cmds");
	}
	ctx.fd = sv[0];
	peer = sv[1];
	ts_path(dom, sizeof(dom), "%s/home/vpopmail/domains/example.com", top);
	test_write_basic();
	test_write_atomic();
	test_write_refusals();
	test_write_links();
	test_read();
	test_stat();
	test_delivery();
	test_config_and_permits();
	close(sv[0]);
	close(sv[1]);
	tc_close(&ctx);
	t_rm_rf(top);
	return T_DONE("test_file_cmds");
}
