/*
 * fuzz_helper.c - libFuzzer target: the privhelper's request loop
 * (helper_run: permit table, strict decoding, dispatch through
 * cmdtable.c into every command handler and body reader) driven by a
 * hostile frontend, on a copy of the small fixture tree.
 *
 * Input: byte 0 picks who the session is (0 nobody yet: it must send a
 * PR_LOGIN; 1 the SA admin@example.com; 2 postmaster@example.com, a
 * domain admin; 3 user1@example.com), then frames, each a little-endian
 * u16 length and that many bytes, queued on the socketpair before the
 * run (as many as the socket holds); the far end is then shut so the
 * helper sees EOF after the last one. Replies pile up unread; when the
 * socket is full the helper's send fails and it ends, as when the
 * frontend is gone. Anything may happen but a crash or a session left
 * inside a body.
 *
 * State: a run whose frames hold a command that may change the tree
 * (anything but the read-only commands below) gets a fresh copy of the
 * tree afterwards, so every run starts on the pristine fixture. Logins
 * change nothing: lastauth-update and throttling are off here.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "ctx.h"
#include "flags.h"
#include "helper.h"
#include "msg.h"
#include "util.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[PATH_MAX - 64], work[PATH_MAX];
static struct vp_config cfg;
static struct ph_ctx ctx;
static int null_fd = -1;

static int
run(const char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP || type == FTW_DNR)
		return rmdir(path);
	return unlink(path);
}

/* Copies the directory sfd into the new directory name under dfd:
 * directories, regular files and symbolic links, modes kept (a fork of
 * cp per run would cost more than the run). 0 or -1. */
static int
copy_dir(int sfd, int dfd, const char *name, mode_t mode)
{
	struct dirent *de;
	struct stat st;
	char buf[65536], link[PATH_MAX];
	int nfd, in, out, r = 0;
	ssize_t n, ln;
	DIR *d;

	if (mkdirat(dfd, name, mode & 07777) < 0 ||
	    (nfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if ((d = fdopendir(dup(sfd))) == NULL) {
		close(nfd);
		return -1;
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(sfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			r = -1;
		else if (S_ISDIR(st.st_mode)) {
			in = openat(sfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC | O_NOFOLLOW);
			r = in < 0 ? -1 : copy_dir(in, nfd, de->d_name,
			    st.st_mode);
			if (in >= 0)
				close(in);
		} else if (S_ISLNK(st.st_mode)) {
			ln = readlinkat(sfd, de->d_name, link, sizeof(link) - 1);
			if (ln >= 0)
				link[ln] = '\0';
			r = ln < 0 || symlinkat(link, nfd, de->d_name) < 0 ? -1 : 0;
		} else if (S_ISREG(st.st_mode)) {
			in = openat(sfd, de->d_name, O_RDONLY | O_CLOEXEC |
			    O_NOFOLLOW);
			out = openat(nfd, de->d_name, O_WRONLY | O_CREAT |
			    O_EXCL | O_CLOEXEC, st.st_mode & 07777);
			while (in >= 0 && out >= 0 &&
			    (n = read(in, buf, sizeof(buf))) > 0)
				if (write(out, buf, (size_t)n) != n)
					r = -1;
			if (in < 0 || out < 0)
				r = -1;
			if (in >= 0)
				close(in);
			if (out >= 0)
				close(out);
		}
	}
	closedir(d);
	close(nfd);
	return r;
}

/* work := a fresh copy of top/tpl; the context's fds point into it. */
static void
reset_tree(void)
{
	char tpl[PATH_MAX], p[PATH_MAX];
	int sfd, tfd;

	if (ctx.vpop_fd >= 0)
		close(ctx.vpop_fd);
	if (ctx.qmail_fd >= 0)
		close(ctx.qmail_fd);
	snprintf(tpl, sizeof(tpl), "%s/tpl", top);
	if ((access(work, F_OK) == 0 &&
	    nftw(work, rm_one, 32, FTW_DEPTH | FTW_PHYS) != 0))
		abort();
	sfd = open(tpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	tfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 || tfd < 0 || copy_dir(sfd, tfd, "w", 0755) < 0)
		abort();
	close(sfd);
	close(tfd);
	snprintf(p, sizeof(p), "%s/home/vpopmail", work);
	ctx.vpop_fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(p, sizeof(p), "%s/var/qmail", work);
	ctx.qmail_fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx.vpop_fd < 0 || ctx.qmail_fd < 0)
		abort();
}

static void
cleanup(void)
{
	nftw(top, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

static void
setup(void)
{
	const char *fx = getenv("VP_FIXTURES");
	char tpl[PATH_MAX], tgz[PATH_MAX];
	const char *mk[] = { "mkdir", "-p", tpl, NULL };
	const char *tar[] = { "tar", "-C", tpl, "-xzf", tgz, NULL };
	int fd;

	if (fx == NULL || *fx == '\0')
		fx = "tests/fixtures";
	if ((fd = fz_tmpdir_path("helper", top, sizeof(top))) < 0)
		abort();
	close(fd);
	atexit(cleanup);
	snprintf(tpl, sizeof(tpl), "%s/tpl", top);
	snprintf(tgz, sizeof(tgz), "%s/reference-small.tgz", fx);
	snprintf(work, sizeof(work), "%s/w", top);
	if (run(mk) != 0 || run(tar) != 0) {
		fprintf(stderr, "fuzz_helper: cannot extract %s (run from the "
		    "top of the tree or set VP_FIXTURES)\n", tgz);
		abort();
	}
	config_defaults(&cfg);
	vp_strlcpy(cfg.vpopmail_dir, "/home/vpopmail", sizeof(cfg.vpopmail_dir));
	cfg.throttle = 0;
	cfg.lastauth_update = 0;
	cfg.qmail_send_hup = 0;
	if ((null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		abort();
	ctx.vpop_fd = ctx.qmail_fd = -1;
	reset_tree();
}

static void
identity(unsigned who)
{
	static const struct { unsigned level; const char *user, *dom; } ids[] = {
		{ LEVEL_SA, "admin", "example.com" },
		{ LEVEL_QA, "postmaster", "example.com" },
		{ LEVEL_USER, "user1", "example.com" },
	};
	int vfd = ctx.vpop_fd, qfd = ctx.qmail_fd;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.vpop_fd = vfd;
	ctx.qmail_fd = qfd;
	ctx.audit_fd = null_fd;
	vp_strlcpy(ctx.peer, "127.0.0.1", sizeof(ctx.peer));
	vp_strlcpy(ctx.conn, "fuzz", sizeof(ctx.conn));
	if (who == 0 || who > 3)
		return;
	who--;
	ctx.id.logged_in = 1;
	ctx.id.level = ids[who].level;
	ctx.id.flags = ids[who].level == LEVEL_SA ? VF_SA_ADMIN : 0;
	vp_strlcpy(ctx.id.user, ids[who].user, sizeof(ctx.id.user));
	vp_strlcpy(ctx.id.domain, ids[who].dom, sizeof(ctx.id.domain));
	snprintf(ctx.id.domain_dir, sizeof(ctx.id.domain_dir),
	    "/home/vpopmail/domains/%s", ids[who].dom);
	ctx.id.uid = 89;
	ctx.id.gid = 89;
}

/* Whether a frame is a command that may change the tree. */
static int
mutating(const uint8_t *p, size_t n)
{
	unsigned c;

	if (n < 4 || (p[0] | p[1] << 8) != PR_CMD)
		return 0;
	c = (unsigned)(p[2] | p[3] << 8);
	switch (c) {
	case CMD_user_info: case CMD_list_domains: case CMD_find_domain:
	case CMD_domain_count: case CMD_dom_info: case CMD_get_limits:
	case CMD_get_domain_size: case CMD_user_count: case CMD_list_users:
	case CMD_list_lists: case CMD_get_lastauth: case CMD_get_user_size:
	case CMD_list_alias: case CMD_list_dir: case CMD_read_file:
	case CMD_stat_file: case CMD_get_ip_map: case CMD_show_ip_map:
		return 0;
	default:
		return 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	size_t pos = 1, n;
	int sp[2], dirty = 0;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 1)
		return 0;
	identity(data[0]);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sp) < 0)
		abort();
	while (pos + 2 <= size) {
		n = (size_t)(data[pos] | data[pos + 1] << 8);
		pos += 2;
		if (n > size - pos)
			n = size - pos;
		if (send(sp[1], data + pos, n, MSG_DONTWAIT) < 0)
			break;	/* the socket is full: the rest is not sent */
		dirty |= mutating(data + pos, n);
		pos += n;
	}
	shutdown(sp[1], SHUT_WR);
	(void)helper_run(&ctx, sp[0]);
	if (ctx.body != NULL || ctx.body_abort != NULL)
		abort();	/* the session ended inside a body */
	close(sp[0]);
	close(sp[1]);
	if (dirty)
		reset_tree();
	return 0;
}
