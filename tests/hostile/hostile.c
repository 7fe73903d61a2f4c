/*
 * hostile.c - a compromised frontend against the real privhelper loop.
 *
 * For each case a fresh copy of the small reference tree is built with
 * tests/tools/fixture.sh, a child process sets up a struct ph_ctx the way
 * privhelper/session.c does (without the sandbox) and runs helper_run()
 * on one end of a SOCK_SEQPACKET socketpair; this process plays the
 * frontend on the other end and sends crafted frames. Every protocol
 * violation must end the helper with status 2, unanswered, with an audit
 * record saying "violation", and the tree must be byte-for-byte unchanged.
 * Positive controls check that well-formed sessions end with status 0 and
 * that the login replies are right and indistinguishable on failure.
 *
 * Usage: hostile [BUILD]   (BUILD defaults to the build dir holding this
 * binary: BUILD/tests/hostile/hostile)
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "commands.h"
#include "config.h"
#include "ctx.h"
#include "flags.h"
#include "helper.h"
#include "msg.h"
#include "unit/t.h"
#include "unit/tdir.h"

#define WAIT_MS		30000	/* helper exit / reply deadline */
#define WRONG_PW	"Wr0ngPassw0rd!"
#define WRONG_PW2	"An0therWr0ng#pw"

static char build[PATH_MAX];	/* absolute BUILD */
static char fixture[PATH_MAX];	/* absolute tests/tools/fixture.sh */
static char dest[PATH_MAX];	/* the current case's tree */
static const char *case_name;
static const char *case_default_domain;
static const char *expect_audit[4];	/* set by a case: texts the log has */

static struct pr_buf wb, rb;
/* reply bytes of failed logins, for comparison across cases */
static uint8_t fail_reply[256];
static size_t fail_reply_len;

/* ---------------------------------------------------------------- */
/* locating the tools */

static int
is_exec(const char *p)
{
	return access(p, X_OK) == 0;
}

static int
locate(int argc, char **argv)
{
	char exe[PATH_MAX], tmp[PATH_MAX * 2];
	ssize_t n;
	int i;
	char *s;

	if (argc > 1) {
		if (realpath(argv[1], build) == NULL)
			return -1;
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0)
			return -1;
		exe[n] = '\0';
		/* BUILD/tests/hostile/hostile: strip three components */
		for (i = 0; i < 3; i++) {
			if ((s = strrchr(exe, '/')) == NULL || s == exe)
				return -1;
			*s = '\0';
		}
		snprintf(build, sizeof(build), "%s", exe);
	}
	snprintf(tmp, sizeof(tmp), "%s/../../tests/tools/fixture.sh", build);
	if (realpath(tmp, fixture) == NULL &&
	    realpath("tests/tools/fixture.sh", fixture) == NULL)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- */
/* the fixture tree and its manifest */

static int
run_fixture(void)
{
	pid_t pid;
	int status;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(2, 1);
		execl("/bin/sh", "sh", fixture, "small", dest, build,
		    (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

struct entry {
	char	*path;		/* relative to dest */
	char	*desc;		/* type, mode, owner, size, times, content */
	size_t	 desclen;
};

static struct entry *ents;
static size_t nents, capents;
static size_t destlen;
static int manifest_err;

static int
add_entry(const char *fpath, const struct stat *st, int type, struct FTW *f)
{
	const char *rel = fpath + destlen;
	char head[512], *desc;
	size_t hl, cl = 0;
	int root = fpath[destlen] == '\0';

	(void)type;
	(void)f;
	if (*rel == '/')
		rel++;
	if (strcmp(rel, "audit.log") == 0)
		return 0;
	/* the root's times change when audit.log appears: leave them out */
	hl = (size_t)snprintf(head, sizeof(head),
	    "type %o mode %o uid %u gid %u size %lld nlink %lu "
	    "mtime %lld.%09ld ctime %lld.%09ld\n",
	    (unsigned)(st->st_mode & S_IFMT), (unsigned)(st->st_mode & 07777),
	    (unsigned)st->st_uid, (unsigned)st->st_gid,
	    (long long)st->st_size, (unsigned long)st->st_nlink,
	    root ? 0LL : (long long)st->st_mtim.tv_sec,
	    root ? 0L : st->st_mtim.tv_nsec,
	    root ? 0LL : (long long)st->st_ctim.tv_sec,
	    root ? 0L : st->st_ctim.tv_nsec);
	if (hl >= sizeof(head)) {
		manifest_err = 1;
		return -1;
	}
	if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode))
		cl = (size_t)st->st_size;
	if ((desc = malloc(hl + cl + 1)) == NULL) {
		manifest_err = 1;
		return -1;
	}
	memcpy(desc, head, hl);
	if (S_ISREG(st->st_mode) && cl > 0) {
		int fd = open(fpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		size_t got = 0;
		ssize_t k;

		if (fd < 0) {
			/* unreadable for this uid: describe by metadata */
			cl = 0;
		} else {
			while (got < cl && (k = read(fd, desc + hl + got,
			    cl - got)) > 0)
				got += (size_t)k;
			close(fd);
			cl = got;
		}
	} else if (S_ISLNK(st->st_mode) && cl > 0) {
		ssize_t k = readlink(fpath, desc + hl, cl);

		cl = k > 0 ? (size_t)k : 0;
	}
	if (nents == capents) {
		size_t nc = capents ? capents * 2 : 128;
		struct entry *ne = realloc(ents, nc * sizeof(*ne));

		if (ne == NULL) {
			free(desc);
			manifest_err = 1;
			return -1;
		}
		ents = ne;
		capents = nc;
	}
	ents[nents].path = strdup(rel);
	ents[nents].desc = desc;
	ents[nents].desclen = hl + cl;
	if (ents[nents].path == NULL) {
		free(desc);
		manifest_err = 1;
		return -1;
	}
	nents++;
	return 0;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
	    ((const struct entry *)b)->path);
}

static void
manifest_free(struct entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].path);
		free(e[i].desc);
	}
	free(e);
}

/* Takes a manifest of dest; returns it (caller frees) or NULL. */
static struct entry *
manifest(size_t *n)
{
	struct entry *e;

	ents = NULL;
	nents = capents = 0;
	manifest_err = 0;
	destlen = strlen(dest);
	if (nftw(dest, add_entry, 32, FTW_PHYS) != 0 || manifest_err) {
		manifest_free(ents, nents);
		return NULL;
	}
	qsort(ents, nents, sizeof(*ents), by_path);
	e = ents;
	*n = nents;
	ents = NULL;
	return e;
}

/* 0 when identical; else prints the first difference. */
static int
manifest_cmp(const struct entry *a, size_t na, const struct entry *b,
    size_t nb)
{
	size_t i;

	for (i = 0; i < na && i < nb; i++) {
		if (strcmp(a[i].path, b[i].path) != 0) {
			T_INFO("entry %s / %s differs", a[i].path, b[i].path);
			return -1;
		}
		if (a[i].desclen != b[i].desclen ||
		    memcmp(a[i].desc, b[i].desc, a[i].desclen) != 0) {
			T_INFO("%s changed", a[i].path);
			return -1;
		}
	}
	if (na != nb) {
		T_INFO("%zu entries before, %zu after", na, nb);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* the helper under test */

static void
helper_child(int fd)
{
	static struct vp_config cfg;
	static struct ph_ctx ctx;
	char err[512];

	config_defaults(&cfg);
	if ((size_t)snprintf(cfg.vpopmail_dir, sizeof(cfg.vpopmail_dir),
	    "%s/home/vpopmail", dest) >= sizeof(cfg.vpopmail_dir) ||
	    (size_t)snprintf(cfg.qmail_dir, sizeof(cfg.qmail_dir),
	    "%s/var/qmail", dest) >= sizeof(cfg.qmail_dir) ||
	    (size_t)snprintf(cfg.audit_log, sizeof(cfg.audit_log),
	    "%s/audit.log", dest) >= sizeof(cfg.audit_log))
		_exit(101);
	/* a login's own lastauth record is a legitimate change (tested in
	 * test_lastauth, 124-lastauth-login.vps); here nothing may change */
	cfg.lastauth_update = 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.vpop_fd = open(cfg.vpopmail_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ctx.qmail_fd = open(cfg.qmail_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx.vpop_fd < 0 || ctx.qmail_fd < 0)
		_exit(102);
	if (audit_open(&ctx, err, sizeof(err)) < 0) {
		fprintf(stderr, "hostile: %s\n", err);
		_exit(103);
	}
	snprintf(ctx.conn, sizeof(ctx.conn), "%s", "h0571le0c0nn0000");
	snprintf(ctx.peer, sizeof(ctx.peer), "%s", "hostile-test");
	if (case_default_domain != NULL)
		snprintf(ctx.default_domain, sizeof(ctx.default_domain), "%s",
		    case_default_domain);
	ctx.frontend_pid = 0;
	_exit(helper_run(&ctx, fd));
}

/* Waits for pid up to WAIT_MS; its wait status, or -1 (then killed). */
static int
wait_exit(pid_t pid)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int status, waited;

	for (waited = 0; waited < WAIT_MS; waited += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Receives one frame within WAIT_MS: 1 frame, 0 EOF, -1 error, -2 none. */
static int
recv_frame(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, WAIT_MS) <= 0)
		return -2;
	return pr_recv(fd, &rb);
}

static int
send_raw(int fd, const void *p, size_t n)
{
	return send(fd, p, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

static int
send_login(int fd, unsigned mode, const char *addr, const char *pw)
{
	static struct pr_login l;

	memset(&l, 0, sizeof(l));
	l.mode = (uint8_t)mode;
	snprintf(l.address, sizeof(l.address), "%s", addr);
	snprintf(l.password, sizeof(l.password), "%s", pw);
	pr_put_login(&wb, &l);
	return pr_send(fd, &wb);
}

/* Sends a login and expects the PR_R_STATUS 8.207 reply. */
static int
login_fails(int fd, const char *addr, const char *pw)
{
	struct vp_status st;
	int r;

	if (send_login(fd, PR_MODE_FULL, addr, pw) < 0)
		return 0;
	if ((r = recv_frame(fd)) != 1) {
		T_INFO("no reply to the login (%d)", r);
		return 0;
	}
	if (pr_type(&rb) != PR_R_STATUS || pr_get_status(&rb, &st) < 0)
		return 0;
	if (st.major != 8 || st.minor != 207)
		return 0;
	if (fail_reply_len == 0 && rb.len <= sizeof(fail_reply)) {
		memcpy(fail_reply, rb.data, rb.len);
		fail_reply_len = rb.len;
	}
	return 1;
}

static struct pr_login_reply reply;

/* Sends a login and expects a PR_R_LOGIN reply, decoded into reply. */
static int
login_ok(int fd, unsigned mode, const char *addr, const char *pw)
{
	int r;

	if (send_login(fd, mode, addr, pw) < 0)
		return 0;
	if ((r = recv_frame(fd)) != 1) {
		T_INFO("no reply to the login (%d)", r);
		return 0;
	}
	memset(&reply, 0, sizeof(reply));
	if (pr_type(&rb) != PR_R_LOGIN) {
		T_INFO("reply type %u, want PR_R_LOGIN", pr_type(&rb));
		return 0;
	}
	return pr_get_login_reply(&rb, &reply) == 0;
}

static int
send_quit(int fd)
{
	pr_init(&wb, PR_QUIT);
	return pr_send(fd, &wb);
}

/* ---------------------------------------------------------------- */
/* the cases: each sends frames on fd and checks the replies */

static void
c_truncated_login_only(int fd)
{
	static struct pr_login l;

	memset(&l, 0, sizeof(l));
	snprintf(l.address, sizeof(l.address), "postmaster@example.com");
	snprintf(l.password, sizeof(l.password), "test");
	pr_put_login(&wb, &l);
	CHECK(send_raw(fd, wb.data, wb.len - 1) == 0,
	    "%s: sent a valid PR_LOGIN minus its last byte", case_name);
}

static void
c_login_trailing(int fd)
{
	static struct pr_login l;

	memset(&l, 0, sizeof(l));
	snprintf(l.address, sizeof(l.address), "postmaster@example.com");
	snprintf(l.password, sizeof(l.password), "test");
	pr_put_login(&wb, &l);
	pr_put_u8(&wb, 0);
	CHECK(!wb.bad && pr_send(fd, &wb) == 0,
	    "%s: sent a valid PR_LOGIN plus one byte", case_name);
}

static void
c_login_type_only(int fd)
{
	pr_init(&wb, PR_LOGIN);
	CHECK(pr_send(fd, &wb) == 0, "%s: sent PR_LOGIN with no body",
	    case_name);
}

static void
c_oversized_len(int fd)
{
	uint8_t f[64];
	size_t n = 0;

	f[n++] = PR_LOGIN & 0xff;
	f[n++] = PR_LOGIN >> 8;
	f[n++] = 0;			/* mode */
	f[n++] = 0xff;			/* address length 65535 ... */
	f[n++] = 0xff;
	memcpy(f + n, "postmaster@example.com", 22);	/* ... 22 present */
	n += 22;
	CHECK(send_raw(fd, f, n) == 0,
	    "%s: sent a string length of 65535 with 22 bytes", case_name);
}

static void
c_over_bound(int fd)
{
	static char addr[PR_ADDR_MAX + 1];

	memset(addr, 'a', PR_ADDR_MAX);
	addr[PR_ADDR_MAX] = '\0';
	pr_init(&wb, PR_LOGIN);
	pr_put_u8(&wb, 0);
	pr_put_str(&wb, addr);		/* 1024 bytes, bound 1023 */
	pr_put_str(&wb, "test");
	CHECK(!wb.bad && pr_send(fd, &wb) == 0,
	    "%s: sent a 1024-byte address (bound 1023)", case_name);
}

static void
c_embedded_nul(int fd)
{
	static const char addr[] = "postmaster@example.com\0evil";
	uint8_t f[128];
	size_t n = 0, al = sizeof(addr) - 1;

	f[n++] = PR_LOGIN & 0xff;
	f[n++] = PR_LOGIN >> 8;
	f[n++] = 0;
	f[n++] = (uint8_t)al;
	f[n++] = 0;
	memcpy(f + n, addr, al);
	n += al;
	f[n++] = 4;
	f[n++] = 0;
	memcpy(f + n, "test", 4);
	n += 4;
	CHECK(send_raw(fd, f, n) == 0,
	    "%s: sent an address with an embedded NUL", case_name);
}

static void
c_one_byte(int fd)
{
	CHECK(send_raw(fd, "\x01", 1) == 0, "%s: sent a 1-byte frame",
	    case_name);
}

static void
c_huge_frame(int fd)
{
	static uint8_t f[70000];
	int sz = 1 << 20;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(f, 'a', sizeof(f));
	f[0] = PR_LOGIN;
	f[1] = 0;
	CHECK(send_raw(fd, f, sizeof(f)) == 0,
	    "%s: sent a 70000-byte record", case_name);
}

static void
c_unknown_type(int fd)
{
	pr_init(&wb, 999);
	pr_put_u32(&wb, 0);
	CHECK(pr_send(fd, &wb) == 0, "%s: sent type 999", case_name);
}

static void
c_response_as_request(int fd)
{
	struct vp_status st;

	vp_status_set(&st, 8, 207);
	pr_put_status(&wb, &st);
	CHECK(pr_send(fd, &wb) == 0, "%s: sent a PR_R_STATUS", case_name);
}

static void
c_reply_as_request(int fd)
{
	memset(&reply, 0, sizeof(reply));
	reply.level = 3;
	snprintf(reply.domain, sizeof(reply.domain), "example.com");
	pr_put_login_reply(&wb, &reply);
	CHECK(pr_send(fd, &wb) == 0, "%s: sent a PR_R_LOGIN (level 3)",
	    case_name);
}

static void
c_mode7(int fd)
{
	CHECK(send_login(fd, 7, "postmaster@example.com", "test") == 0,
	    "%s: sent a PR_LOGIN with mode 7", case_name);
}

static void
c_quit_trailing(int fd)
{
	pr_init(&wb, PR_QUIT);
	pr_put_u8(&wb, 0);
	CHECK(pr_send(fd, &wb) == 0, "%s: sent PR_QUIT plus one byte",
	    case_name);
}

static void
c_second_login(int fd)
{
	CHECK(login_ok(fd, PR_MODE_FULL, "postmaster@example.com", "test"),
	    "%s: the first login succeeds (PR_R_LOGIN)", case_name);
	CHECK(send_login(fd, PR_MODE_FULL, "admin@example.com", "secret") ==
	    0, "%s: sent a second PR_LOGIN", case_name);
}

static void
c_fifth_login(int fd)
{
	CHECK(login_fails(fd, "postmaster@example.com", WRONG_PW),
	    "%s: failure 1 (wrong password) -> 8.207", case_name);
	CHECK(login_fails(fd, "nobody@example.com", WRONG_PW),
	    "%s: failure 2 (unknown user) -> 8.207", case_name);
	CHECK(login_fails(fd, "a(b@example.com", WRONG_PW),
	    "%s: failure 3 (malformed address) -> 8.207", case_name);
	CHECK(login_fails(fd, "postmaster@nowhere.example", WRONG_PW2),
	    "%s: failure 4 (unknown domain) -> 8.207", case_name);
	/* the right password now: still refused, by ending the session */
	CHECK(send_login(fd, PR_MODE_FULL, "postmaster@example.com", "test") ==
	    0, "%s: sent a fifth PR_LOGIN (right password)", case_name);
}

static void
c_zero_length(int fd)
{
	CHECK(send(fd, "", 0, MSG_NOSIGNAL) == 0,
	    "%s: sent a zero-length record", case_name);
}

static void
c_passed_fd(int fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	int passfd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	pr_init(&wb, PR_QUIT);
	memset(&msg, 0, sizeof(msg));
	memset(&u, 0, sizeof(u));
	iov.iov_base = wb.data;
	iov.iov_len = wb.len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &passfd, sizeof(int));
	CHECK(passfd >= 0 && sendmsg(fd, &msg, MSG_NOSIGNAL) ==
	    (ssize_t)wb.len,
	    "%s: sent a valid PR_QUIT carrying a file descriptor", case_name);
	if (passfd >= 0)
		close(passfd);
}

/* commands after login: the helper's own gate, arity and body states */

static int
send_cmd(int fd, unsigned cmd, unsigned nargs, const char *a0,
    const char *a1, const char *a2)
{
	const char *av[3] = { a0, a1, a2 };
	unsigned i;

	pr_init(&wb, PR_CMD);
	pr_put_u16(&wb, (uint16_t)cmd);
	pr_put_u8(&wb, (uint8_t)nargs);
	for (i = 0; i < nargs && i < 3; i++)
		pr_put_str(&wb, av[i] ? av[i] : "");
	return pr_send(fd, &wb);
}

static void
c_cmd_before_login(int fd)
{
	CHECK(send_cmd(fd, CMD_domain_count, 0, NULL, NULL, NULL) == 0,
	    "%s: sent PR_CMD domain_count before any login", case_name);
}

static void
c_cmd_above_level(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "user1@example.com", "test"),
	    "%s: user1 (level 1) logs in", case_name);
	CHECK(send_cmd(fd, CMD_del_domain, 1, "example.com", NULL, NULL) == 0,
	    "%s: sent PR_CMD del_domain example.com as a USER", case_name);
}

static void
c_cmd_qa_sa_only(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "postmaster@example.com", "test"),
	    "%s: postmaster (level 2) logs in", case_name);
	CHECK(send_cmd(fd, CMD_add_domain, 2, "evil.example", "pw", NULL) ==
	    0, "%s: sent PR_CMD add_domain as a domain admin", case_name);
}

static void
c_cmd_unknown_id(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "admin@example.com", "secret"),
	    "%s: admin logs in", case_name);
	CHECK(send_cmd(fd, CMD_COUNT, 0, NULL, NULL, NULL) == 0,
	    "%s: sent PR_CMD with command id %u (one past the table)",
	    case_name, (unsigned)CMD_COUNT);
}

static void
c_cmd_no_handler(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "admin@example.com", "secret"),
	    "%s: admin logs in", case_name);
	/* help, quit and the help-only row are the frontend's alone */
	CHECK(send_cmd(fd, CMD_list_users_help, 1, "example.com", NULL,
	    NULL) == 0, "%s: sent PR_CMD for the help-only list_users row",
	    case_name);
}

static void
c_cmd_login_row(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "admin@example.com", "secret"),
	    "%s: admin logs in", case_name);
	CHECK(send_cmd(fd, CMD_login, 2, "user1@example.com", "test", NULL) ==
	    0, "%s: sent PR_CMD carrying the login command", case_name);
}

static void
c_cmd_too_many_args(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "admin@example.com", "secret"),
	    "%s: admin logs in", case_name);
	CHECK(send_cmd(fd, CMD_user_info, 2, "user1@example.com", "x",
	    NULL) == 0, "%s: sent user_info with 2 tokens (it takes 1)",
	    case_name);
}

static void
c_cmd_nargs_over(int fd)
{
	unsigned i;

	CHECK(login_ok(fd, PR_MODE_SILENT, "admin@example.com", "secret"),
	    "%s: admin logs in", case_name);
	pr_init(&wb, PR_CMD);
	pr_put_u16(&wb, CMD_list_users);
	pr_put_u8(&wb, PR_CMD_ARGS + 1);
	for (i = 0; i < PR_CMD_ARGS + 1; i++)
		pr_put_str(&wb, "1");
	CHECK(pr_send(fd, &wb) == 0, "%s: sent PR_CMD with %u arguments",
	    case_name, PR_CMD_ARGS + 1);
}

static void
c_body_without_cmd(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "admin@example.com", "secret"),
	    "%s: admin logs in", case_name);
	pr_put_body_line(&wb, "system_admin_privileges 1", 25);
	CHECK(pr_send(fd, &wb) == 0,
	    "%s: sent PR_BODY_LINE with no command reading a body", case_name);
}

static void
c_body_end_without_cmd(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "user1@example.com", "test"),
	    "%s: user1 logs in", case_name);
	pr_init(&wb, PR_BODY_END);
	CHECK(pr_send(fd, &wb) == 0,
	    "%s: sent PR_BODY_END with no command reading a body", case_name);
}

static void
c_reply_types_as_request(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "admin@example.com", "secret"),
	    "%s: admin logs in", case_name);
	pr_put_ok(&wb, 1);
	CHECK(pr_send(fd, &wb) == 0, "%s: sent PR_R_OK as a request",
	    case_name);
}

static void
c_cmd_answered(int fd)
{
	CHECK(login_ok(fd, PR_MODE_SILENT, "admin@example.com", "secret"),
	    "%s: admin logs in", case_name);
	CHECK(send_cmd(fd, CMD_domain_count, 0, NULL, NULL, NULL) == 0 &&
	    recv_frame(fd) > 0 && (pr_type(&rb) == PR_R_STATUS ||
	    pr_type(&rb) == PR_R_OK),
	    "%s: PR_CMD domain_count as SA is answered", case_name);
	while (pr_type(&rb) == PR_R_OK || pr_type(&rb) == PR_R_LINE)
		if (recv_frame(fd) <= 0)
			break;
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT", case_name);
}

/* positive controls */

static void
c_quit(int fd)
{
	CHECK(send_quit(fd) == 0, "%s: sent PR_QUIT", case_name);
}

static void
c_eof(int fd)
{
	CHECK(shutdown(fd, SHUT_WR) == 0, "%s: closed the socket for writing",
	    case_name);
}

static void
c_same_failures(int fd)
{
	static uint8_t first[256];
	size_t firstlen;
	struct vp_status want;
	int same = 1;

	fail_reply_len = 0;
	CHECK(login_fails(fd, "postmaster@example.com", WRONG_PW),
	    "%s: wrong password -> PR_R_STATUS 8.207", case_name);
	firstlen = fail_reply_len;
	memcpy(first, fail_reply, firstlen);
	vp_status_set(&want, 8, 207);
	pr_put_status(&wb, &want);
	CHECK(firstlen == wb.len && memcmp(first, wb.data, wb.len) == 0,
	    "%s: the reply is exactly a plain status 8.207 frame", case_name);

	fail_reply_len = 0;
	same = login_fails(fd, "nobody@example.com", WRONG_PW);
	CHECK(same && fail_reply_len == firstlen &&
	    memcmp(fail_reply, first, firstlen) == 0,
	    "%s: unknown user -> the same reply bytes", case_name);
	fail_reply_len = 0;
	same = login_fails(fd, "a(b@example.com", WRONG_PW2);
	CHECK(same && fail_reply_len == firstlen &&
	    memcmp(fail_reply, first, firstlen) == 0,
	    "%s: malformed address \"a(b@example.com\" -> the same reply bytes",
	    case_name);
	{
		static char addr[PR_ADDR_MAX];

		/* escapes to 6 bytes per byte in the audit record */
		memset(addr, 0xff, sizeof(addr) - 1);
		fail_reply_len = 0;
		same = login_fails(fd, addr, WRONG_PW);
		CHECK(same && fail_reply_len == firstlen &&
		    memcmp(fail_reply, first, firstlen) == 0,
		    "%s: a 1023-byte address of 0xff bytes -> the same bytes",
		    case_name);
	}
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT after four failures",
	    case_name);
}

static void
c_more_failures(int fd)
{
	uint8_t first[256];
	size_t firstlen;
	int ok;

	fail_reply_len = 0;
	CHECK(login_fails(fd, "postmaster@nowhere.example", WRONG_PW),
	    "%s: unknown domain -> 8.207", case_name);
	firstlen = fail_reply_len;
	memcpy(first, fail_reply, firstlen);
	fail_reply_len = 0;
	ok = login_fails(fd, "postmaster", WRONG_PW);
	CHECK(ok && fail_reply_len == firstlen &&
	    memcmp(fail_reply, first, firstlen) == 0,
	    "%s: no domain and no default domain -> the same bytes", case_name);
	fail_reply_len = 0;
	ok = login_fails(fd, "postmaster@example.com", "");
	CHECK(ok && fail_reply_len == firstlen &&
	    memcmp(fail_reply, first, firstlen) == 0,
	    "%s: empty password -> the same bytes", case_name);
	{
		static char longpw[PR_PASS_MAX];

		memset(longpw, 'p', sizeof(longpw) - 1);
		fail_reply_len = 0;
		ok = login_fails(fd, "postmaster@example.com", longpw);
		CHECK(ok && fail_reply_len == firstlen &&
		    memcmp(fail_reply, first, firstlen) == 0,
		    "%s: 1023-byte password -> the same bytes", case_name);
	}
	/* the 4th failure is still answered; then a quit is allowed */
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT after four failures",
	    case_name);
}

static void
c_postmaster(int fd)
{
	char want[PATH_MAX + 64];

	if (!CHECK(login_ok(fd, PR_MODE_FULL, "postmaster@example.com",
	    "test"), "%s: postmaster@example.com / test -> PR_R_LOGIN",
	    case_name))
		return;
	CHECK(reply.level == 2, "%s: level 2 (got %u)", case_name,
	    reply.level);
	CHECK(reply.user.flags & VF_QA_ADMIN,
	    "%s: session flags include 0x1000 (%#x)", case_name,
	    reply.user.flags);
	CHECK(strcmp(reply.domain, "example.com") == 0,
	    "%s: domain \"example.com\" (\"%s\")", case_name, reply.domain);
	CHECK(reply.uid == 89 && reply.gid == 89,
	    "%s: uid 89 gid 89 (got %u %u)", case_name, reply.uid, reply.gid);
	snprintf(want, sizeof(want), "%s/home/vpopmail", dest);
	CHECK(strcmp(reply.vpopmail_dir, want) == 0,
	    "%s: vpopmail_dir is the configured one", case_name);
	snprintf(want, sizeof(want), "%s/home/vpopmail/domains/example.com",
	    dest);
	CHECK(strcmp(reply.domain_dir, want) == 0,
	    "%s: domain_dir (\"%s\")", case_name, reply.domain_dir);
	snprintf(want, sizeof(want),
	    "%s/home/vpopmail/domains/example.com/postmaster", dest);
	CHECK(strcmp(reply.user.name, "postmaster") == 0 &&
	    strcmp(reply.user.comment, "Postmaster") == 0 &&
	    strcmp(reply.user.quota, "NOQUOTA") == 0 &&
	    strcmp(reply.user.dir, want) == 0 &&
	    strncmp(reply.user.passwd, "$6$", 3) == 0 &&
	    strcmp(reply.user.clear, "test") == 0,
	    "%s: user record (name, comment, quota, dir, hash, clear)",
	    case_name);
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT after login", case_name);
}

static void
c_admin(int fd)
{
	if (!CHECK(login_ok(fd, PR_MODE_COMPACT, "admin@example.com",
	    "secret"), "%s: admin@example.com / secret -> PR_R_LOGIN",
	    case_name))
		return;
	CHECK(reply.level == 3, "%s: level 3 (got %u)", case_name,
	    reply.level);
	CHECK(reply.user.flags == VF_SA_ADMIN,
	    "%s: session flags 65536, no QA bit added (%#x)", case_name,
	    reply.user.flags);
	CHECK(strcmp(reply.user.name, "admin") == 0 &&
	    strcmp(reply.domain, "example.com") == 0,
	    "%s: name admin, domain example.com", case_name);
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT", case_name);
}

static void
c_user1(int fd)
{
	if (!CHECK(login_ok(fd, PR_MODE_SILENT, "User1@Example.COM", "test"),
	    "%s: User1@Example.COM / test (upper case) -> PR_R_LOGIN",
	    case_name))
		return;
	CHECK(reply.level == 1 && reply.user.flags == 0,
	    "%s: level 1, flags 0 (got %u, %#x)", case_name, reply.level,
	    reply.user.flags);
	CHECK(strcmp(reply.user.name, "user1") == 0,
	    "%s: name lower-cased \"user1\"", case_name);
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT", case_name);
}

static void
c_user2(int fd)
{
	if (!CHECK(login_ok(fd, PR_MODE_FULL, "user2%example.net", "test"),
	    "%s: user2%%example.net / test -> PR_R_LOGIN", case_name))
		return;
	CHECK(reply.level == 2 && reply.user.flags == VF_QA_ADMIN,
	    "%s: QA flag -> level 2 (got %u, %#x)", case_name, reply.level,
	    reply.user.flags);
	CHECK(strcmp(reply.domain, "example.net") == 0,
	    "%s: domain example.net", case_name);
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT", case_name);
}

static void
c_default_domain(int fd)
{
	if (!CHECK(login_ok(fd, PR_MODE_FULL, "postmaster", "test"),
	    "%s: \"postmaster\" with default domain example.com -> "
	    "PR_R_LOGIN", case_name))
		return;
	CHECK(strcmp(reply.domain, "example.com") == 0 && reply.level == 2,
	    "%s: domain example.com, level 2", case_name);
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT", case_name);
}

static void
c_fail_then_login(int fd)
{
	CHECK(login_fails(fd, "admin@example.com", WRONG_PW),
	    "%s: wrong password -> 8.207", case_name);
	CHECK(login_fails(fd, "admin@example.com", WRONG_PW2),
	    "%s: wrong password -> 8.207", case_name);
	CHECK(login_fails(fd, "admin@example.com", "secret "),
	    "%s: \"secret \" -> 8.207", case_name);
	CHECK(login_ok(fd, PR_MODE_FULL, "admin@example.com", "secret") &&
	    reply.level == 3, "%s: 4th attempt right -> logged in", case_name);
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT", case_name);
}

/* ---------------------------------------------------------------- */
/* hostile data: trees a lower-privileged writer might have tampered with */

static int
run_reroot(void)
{
	char rr[PATH_MAX + 32];
	pid_t pid;
	int status;

	snprintf(rr, sizeof(rr), "%s/tests/tools/reroot", build);
	fflush(stdout);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(2, 1);
		execl(rr, "reroot", dest, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Adds domains whose directory lies outside vpopmail-dir to users/assign
 * and rebuilds users/cdb. */
static int
prep_outside_domains(void)
{
	static char buf[8192];
	char p[PATH_MAX + 64];
	int fd, n, len;

	snprintf(p, sizeof(p), "%s/var/qmail/users/assign", dest);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	len = (int)read(fd, buf, sizeof(buf) - 1024);
	close(fd);
	if (len < 2 || memcmp(buf + len - 2, ".\n", 2) != 0)
		return -1;
	len -= 2;
	n = snprintf(buf + len, sizeof(buf) - (size_t)len,
	    "+evil.example-:evil.example:89:89:/etc:-::\n"
	    "+up.example-:up.example:89:89:%s/home/vpopmail/domains/../..:-::\n"
	    "+self.example-:self.example:89:89:%s/home/vpopmail:-::\n"
	    ".\n", dest, dest);
	if (n < 0 || (size_t)n >= sizeof(buf) - (size_t)len)
		return -1;
	if (t_write(p, buf, (size_t)len + (size_t)n) < 0)
		return -1;
	return run_reroot();
}

/* example.net's user table becomes a symlink to example.com's. */
static int
prep_symlinked_table(void)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/home/vpopmail/domains/example.net/"
	    "vpasswd.cdb", dest);
	if (unlink(p) < 0 || symlink("../example.com/vpasswd.cdb", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/home/vpopmail/domains/example.net/vpasswd",
	    dest);
	if (unlink(p) < 0 || symlink("../example.com/vpasswd", p) < 0)
		return -1;
	return 0;
}

/* example.net's directory becomes a symlink to example.com's. */
static int
prep_symlinked_domain(void)
{
	char p[PATH_MAX + 64], q[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/home/vpopmail/domains/example.net", dest);
	snprintf(q, sizeof(q), "%s/home/vpopmail/domains/example.net.orig",
	    dest);
	if (rename(p, q) < 0 || symlink("example.com", p) < 0)
		return -1;
	return 0;
}

static void
c_outside_domains(int fd)
{
	expect_audit[0] = "\"target\":\"root@evil.example\",\"result\":"
	    "\"fail\",\"detail\":\"domain directory outside vpopmail-dir\"";
	expect_audit[1] = "\"target\":\"postmaster@up.example\",\"result\":"
	    "\"fail\",\"detail\":\"domain directory: ";
	expect_audit[2] = "\"target\":\"postmaster@self.example\",\"result\""
	    ":\"fail\",\"detail\":\"domain directory outside vpopmail-dir\"";
	CHECK(login_fails(fd, "root@evil.example", WRONG_PW),
	    "%s: a domain dir of /etc -> 8.207", case_name);
	CHECK(login_fails(fd, "postmaster@up.example", "test"),
	    "%s: a domain dir of domains/../.. -> 8.207", case_name);
	CHECK(login_fails(fd, "postmaster@self.example", "test"),
	    "%s: a domain dir equal to vpopmail-dir -> 8.207", case_name);
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT", case_name);
}

static void
c_symlinked_net(int fd)
{
	expect_audit[0] = "\"target\":\"postmaster@example.net\",\"result\":"
	    "\"fail\"";
	/* example.com's postmaster has password "test" too */
	CHECK(login_fails(fd, "postmaster@example.net", "test"),
	    "%s: postmaster@example.net through a symlink -> 8.207",
	    case_name);
	CHECK(login_ok(fd, PR_MODE_FULL, "postmaster@example.com", "test"),
	    "%s: example.com itself still works", case_name);
	CHECK(send_quit(fd) == 0, "%s: PR_QUIT", case_name);
}

/* ---------------------------------------------------------------- */

enum want { W_VIOLATION, W_CLEAN, W_EITHER };

static int
audit_text(char *buf, size_t len)
{
	char p[PATH_MAX + 16];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(p, sizeof(p), "%s/audit.log", dest);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static void
run_case_prep(const char *name, int (*prep)(void), void (*fn)(int),
    enum want want, const char *default_domain)
{
	static char log[65536];
	struct entry *before, *after;
	size_t nb = 0, na = 0;
	int sp[2], status, r, lines = 0, framed = 0;
	pid_t pid;
	char *l, *nl;

	case_name = name;
	case_default_domain = default_domain;
	if (t_mkdtemp(dest, sizeof(dest), "hostile") < 0) {
		CHECK(0, "%s: mkdtemp: %s", name, strerror(errno));
		return;
	}
	if (!CHECK(run_fixture() == 0, "%s: fixture.sh small %s", name, dest))
		goto out;
	if (prep != NULL && !CHECK(prep() == 0, "%s: tamper with the tree",
	    name))
		goto out;
	before = manifest(&nb);
	if (!CHECK(before != NULL && nb > 10,
	    "%s: manifest before (%zu entries)", name, nb))
		goto out;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		CHECK(0, "%s: socketpair: %s", name, strerror(errno));
		manifest_free(before, nb);
		goto out;
	}
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(sp[0]);
		/* the helper's process has no use for it (memcheck: lost) */
		manifest_free(before, nb);
		helper_child(sp[1]);
	}
	close(sp[1]);
	if (pid < 0) {
		CHECK(0, "%s: fork: %s", name, strerror(errno));
		close(sp[0]);
		manifest_free(before, nb);
		goto out;
	}

	memset(expect_audit, 0, sizeof(expect_audit));
	fn(sp[0]);

	status = wait_exit(pid);
	if (want == W_VIOLATION)
		CHECK(status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 2,
		    "%s: helper exits with status 2 (%s %d)", name,
		    status == -1 ? "hung, killed" : WIFSIGNALED(status) ?
		    "signal" : "exit", status == -1 ? 0 : WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status));
	else if (want == W_CLEAN)
		CHECK(status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0,
		    "%s: helper exits with status 0 (%s %d)", name,
		    status == -1 ? "hung, killed" : WIFSIGNALED(status) ?
		    "signal" : "exit", status == -1 ? 0 : WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status));
	else
		CHECK(status != -1 && WIFEXITED(status) &&
		    (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2),
		    "%s: helper exits with status 0 or 2 (wait status %#x)",
		    name, (unsigned)status);

	r = recv_frame(sp[0]);
	CHECK(r == 0, "%s: nothing unanswered left: no reply to the last "
	    "request, then EOF (%d)", name, r);
	close(sp[0]);

	if (!CHECK(audit_text(log, sizeof(log)) >= 0, "%s: audit log readable",
	    name))
		log[0] = '\0';
	if (want == W_VIOLATION)
		CHECK(strstr(log, "\"result\":\"violation\"") != NULL,
		    "%s: audit log has a \"violation\" record", name);
	else if (want == W_CLEAN)
		CHECK(strstr(log, "violation") == NULL,
		    "%s: no \"violation\" record", name);
	for (r = 0; r < 4 && expect_audit[r] != NULL; r++)
		CHECK(strstr(log, expect_audit[r]) != NULL,
		    "%s: audit log has %s", name, expect_audit[r]);
	CHECK(strstr(log, WRONG_PW) == NULL && strstr(log, WRONG_PW2) == NULL,
	    "%s: no password sent appears in the audit log", name);
	CHECK(strstr(log, "\"secret\"") == NULL &&
	    strstr(log, "\"test\"") == NULL && strstr(log, "$6$") == NULL,
	    "%s: no real password or hash in the audit log", name);
	for (l = log; (nl = strchr(l, '\n')) != NULL; l = nl + 1) {
		lines++;
		if (l[0] == '{' && nl > l && nl[-1] == '}')
			framed++;
	}
	CHECK(*l == '\0' && framed == lines,
	    "%s: audit log is %d complete JSON lines", name, lines);

	after = manifest(&na);
	CHECK(after != NULL && manifest_cmp(before, nb, after, na) == 0,
	    "%s: tree unchanged (%zu entries: paths, modes, owners, sizes, "
	    "times, bytes)", name, nb);
	manifest_free(before, nb);
	if (after != NULL)
		manifest_free(after, na);
out:
	CHECK(t_rm_rf(dest) == 0, "%s: temp tree removed", name);
}

static void
run_case(const char *name, void (*fn)(int), enum want want,
    const char *default_domain)
{
	run_case_prep(name, NULL, fn, want, default_domain);
}

/* The manifest must notice a one-byte change, a mode change and a new
 * file, or the "tree unchanged" checks prove nothing. */
static void
manifest_selftest(void)
{
	struct entry *a, *b;
	size_t na = 0, nb = 0;
	char p[PATH_MAX + 64];
	int fd;

	case_name = "manifest self-test";
	if (t_mkdtemp(dest, sizeof(dest), "hostile") < 0) {
		CHECK(0, "%s: mkdtemp", case_name);
		return;
	}
	if (!CHECK(run_fixture() == 0, "%s: fixture.sh", case_name))
		goto out;
	a = manifest(&na);
	snprintf(p, sizeof(p), "%s/var/qmail/users/assign", dest);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		/* same size, one byte different, times restored */
		struct stat st;
		struct timespec ts[2];

		fstat(fd, &st);
		ts[0] = st.st_atim;
		ts[1] = st.st_mtim;
		if (pwrite(fd, "-", 1, 0) != 1)
			T_INFO("pwrite failed");
		futimens(fd, ts);
		close(fd);
	}
	b = manifest(&nb);
	CHECK(a != NULL && b != NULL && manifest_cmp(a, na, b, nb) != 0,
	    "%s: a one-byte change (mtime restored) is noticed", case_name);
	manifest_free(b, nb);
	manifest_free(a, na);
	a = manifest(&na);
	chmod(p, 0604);
	b = manifest(&nb);
	CHECK(a != NULL && b != NULL && manifest_cmp(a, na, b, nb) != 0,
	    "%s: a mode change is noticed", case_name);
	manifest_free(b, nb);
	manifest_free(a, na);
	a = manifest(&na);
	snprintf(p, sizeof(p), "%s/audit.log", dest);
	t_write(p, "x\n", 2);
	b = manifest(&nb);
	CHECK(a != NULL && b != NULL && manifest_cmp(a, na, b, nb) == 0,
	    "%s: audit.log is left out", case_name);
	manifest_free(b, nb);
	manifest_free(a, na);
	a = manifest(&na);
	snprintf(p, sizeof(p), "%s/run/new", dest);
	t_write(p, "", 0);
	b = manifest(&nb);
	CHECK(a != NULL && b != NULL && manifest_cmp(a, na, b, nb) != 0,
	    "%s: a new empty file is noticed", case_name);
	manifest_free(b, nb);
	manifest_free(a, na);
out:
	CHECK(t_rm_rf(dest) == 0, "%s: temp tree removed", case_name);
}

int
main(int argc, char **argv)
{
	char reroot[PATH_MAX + 32];

	signal(SIGPIPE, SIG_IGN);
	if (locate(argc, argv) < 0 || !is_exec("/bin/sh") ||
	    access(fixture, R_OK) != 0) {
		T_SKIP("tests/tools/fixture.sh not found");
		return T_DONE("hostile");
	}
	snprintf(reroot, sizeof(reroot), "%s/tests/tools/reroot", build);
	if (!is_exec(reroot)) {
		T_SKIP("%s missing (make tests)", reroot);
		return T_DONE("hostile");
	}
	T_INFO("BUILD %s, fixture %s", build, fixture);

	manifest_selftest();

	/* protocol violations: status 2, unanswered, audited, no change */
	run_case("truncated PR_LOGIN", c_truncated_login_only, W_VIOLATION,
	    NULL);
	run_case("PR_LOGIN + 1 trailing byte", c_login_trailing, W_VIOLATION,
	    NULL);
	run_case("PR_LOGIN without body", c_login_type_only, W_VIOLATION,
	    NULL);
	run_case("oversized string length", c_oversized_len, W_VIOLATION,
	    NULL);
	run_case("string over the reader's bound", c_over_bound,
	    W_VIOLATION, NULL);
	run_case("embedded NUL", c_embedded_nul, W_VIOLATION, NULL);
	run_case("1-byte frame", c_one_byte, W_VIOLATION, NULL);
	run_case("70000-byte frame", c_huge_frame, W_VIOLATION, NULL);
	run_case("unknown type 999", c_unknown_type, W_VIOLATION, NULL);
	run_case("PR_R_STATUS as a request", c_response_as_request,
	    W_VIOLATION, NULL);
	run_case("PR_R_LOGIN as a request", c_reply_as_request, W_VIOLATION,
	    NULL);
	run_case("PR_LOGIN mode 7", c_mode7, W_VIOLATION, NULL);
	run_case("PR_QUIT + 1 trailing byte", c_quit_trailing, W_VIOLATION,
	    NULL);
	run_case("second PR_LOGIN after login", c_second_login, W_VIOLATION,
	    NULL);
	run_case("fifth PR_LOGIN after four failures", c_fifth_login,
	    W_VIOLATION, NULL);
	run_case("PR_QUIT carrying an fd (SCM_RIGHTS)", c_passed_fd,
	    W_VIOLATION, NULL);
	/* a zero-length record is told apart from EOF: a violation */
	run_case("zero-length record", c_zero_length, W_VIOLATION, NULL);

	run_case("PR_CMD before login", c_cmd_before_login, W_VIOLATION,
	    NULL);
	run_case("PR_CMD above the login's level", c_cmd_above_level,
	    W_VIOLATION, NULL);
	run_case("PR_CMD add_domain from a domain admin", c_cmd_qa_sa_only,
	    W_VIOLATION, NULL);
	run_case("PR_CMD unknown command id", c_cmd_unknown_id, W_VIOLATION,
	    NULL);
	run_case("PR_CMD help-only row", c_cmd_no_handler, W_VIOLATION, NULL);
	run_case("PR_CMD login row", c_cmd_login_row, W_VIOLATION, NULL);
	run_case("PR_CMD too many tokens", c_cmd_too_many_args, W_VIOLATION,
	    NULL);
	run_case("PR_CMD nargs over the bound", c_cmd_nargs_over, W_VIOLATION,
	    NULL);
	run_case("PR_BODY_LINE without a body", c_body_without_cmd,
	    W_VIOLATION, NULL);
	run_case("PR_BODY_END without a body", c_body_end_without_cmd,
	    W_VIOLATION, NULL);
	run_case("PR_R_OK as a request", c_reply_types_as_request,
	    W_VIOLATION, NULL);

	/* positive controls */
	run_case("PR_QUIT", c_quit, W_CLEAN, NULL);
	run_case("PR_CMD as SA is answered", c_cmd_answered, W_CLEAN, NULL);
	run_case("EOF", c_eof, W_CLEAN, NULL);
	run_case("indistinguishable failures", c_same_failures, W_CLEAN,
	    NULL);
	run_case("more failures", c_more_failures, W_CLEAN, NULL);
	run_case("postmaster login", c_postmaster, W_CLEAN, NULL);
	run_case("admin login", c_admin, W_CLEAN, NULL);
	run_case("user1 login", c_user1, W_CLEAN, NULL);
	run_case("user2 login", c_user2, W_CLEAN, NULL);
	run_case("default domain", c_default_domain, W_CLEAN, "example.com");
	run_case("three failures, then login", c_fail_then_login, W_CLEAN,
	    NULL);

	/* tampered data: refused, nothing followed outside the tree */
	run_case_prep("domain dirs outside vpopmail-dir", prep_outside_domains,
	    c_outside_domains, W_CLEAN, NULL);
	run_case_prep("symlinked vpasswd.cdb and vpasswd", prep_symlinked_table,
	    c_symlinked_net, W_CLEAN, NULL);
	run_case_prep("symlinked domain directory", prep_symlinked_domain,
	    c_symlinked_net, W_CLEAN, NULL);
	return T_DONE("hostile");
}
