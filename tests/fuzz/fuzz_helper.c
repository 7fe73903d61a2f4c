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
 * State: every run starts on the pristine fixture. Every directory of
 * the copy is watched with inotify; after a run whose frames hold a
 * command that may change the tree (anything but the read-only
 * commands below), each entry the watch names is removed and copied
 * back from the template, and anything the watch cannot pin to an
 * entry (a lost event, a change to a watched directory itself) gets a
 * whole fresh copy. A full copy per run held the target near 140 runs
 * a second. crypt_r is memoised (linked with --wrap=crypt_r): the same
 * phrase and setting give the same bytes, so only the cost changes; it
 * was 38% of the target's time, the same few logins hashed again and
 * again. getrandom (--wrap=getrandom) is a fixed sequence restarted at
 * each run, so a run is reproducible and a new password's salt repeats. VP_FUZZ_VERIFY=1 compares the tree with the template
 * (names, types, modes, owners, sizes, bytes) after every restore and
 * aborts on a difference. Logins change nothing: lastauth-update and throttling are
 * off here.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
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
static int watch_fd = -1;
#define WATCH_MAX 4096
static char *watch_path[WATCH_MAX];	/* wd -> directory, relative to work */

char *__real_crypt_r(const char *, const char *, struct crypt_data *);
char *__wrap_crypt_r(const char *, const char *, struct crypt_data *);

#define MEMO_SLOTS	1024
#define MEMO_LEN	128

static struct memo {
	char	phrase[MEMO_LEN], setting[MEMO_LEN];
	char	out[CRYPT_OUTPUT_SIZE];
} memo[MEMO_SLOTS];

static size_t
memo_slot(const char *phrase, const char *setting)
{
	uint32_t h = 2166136261u;
	const char *p;

	for (p = phrase; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (p = setting; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % MEMO_SLOTS;
}

char *
__wrap_crypt_r(const char *phrase, const char *setting, struct crypt_data *cd)
{
	struct memo *m;
	char *out;

	if (strlen(phrase) >= MEMO_LEN || strlen(setting) >= MEMO_LEN)
		return __real_crypt_r(phrase, setting, cd);
	m = &memo[memo_slot(phrase, setting)];
	if (m->out[0] != '\0' && !strcmp(m->phrase, phrase) &&
	    !strcmp(m->setting, setting)) {
		memcpy(cd->output, m->out, sizeof(m->out));
		return cd->output;
	}
	out = __real_crypt_r(phrase, setting, cd);
	if (out != NULL && out[0] != '*' && strlen(out) < sizeof(m->out)) {
		vp_strlcpy(m->phrase, phrase, sizeof(m->phrase));
		vp_strlcpy(m->setting, setting, sizeof(m->setting));
		vp_strlcpy(m->out, out, sizeof(m->out));
	}
	return out;
}

ssize_t __wrap_getrandom(void *, size_t, unsigned);

static uint64_t rnd_state;

ssize_t
__wrap_getrandom(void *buf, size_t len, unsigned flags)
{
	unsigned char *p = buf;
	uint64_t z;
	size_t i;

	(void)flags;
	for (i = 0; i < len; i++) {
		z = (rnd_state += 0x9e3779b97f4a7c15u);	/* splitmix64 */
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
		p[i] = (unsigned char)(z ^ (z >> 31));
	}
	return (ssize_t)len;
}

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

/* Gives dfd/name the template's owner (as root; the owner cannot
 * change otherwise, and then the copy is the caller's throughout). */
static void
own(int dfd, const char *name, const struct stat *st)
{
	(void)fchownat(dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW);
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
			own(nfd, de->d_name, &st);
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
			own(nfd, de->d_name, &st);
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

static int
watch_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	size_t wl = strlen(work);
	int wd;

	(void)st;
	(void)f;
	if (type != FTW_D)
		return 0;
	wd = inotify_add_watch(watch_fd, path, IN_CREATE | IN_DELETE |
	    IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO |
	    IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW | IN_ONLYDIR);
	if (wd < 0 || wd >= WATCH_MAX)
		return -1;
	free(watch_path[wd]);
	watch_path[wd] = strdup(path[wl] == '/' ? path + wl + 1 : "");
	return watch_path[wd] == NULL ? -1 : 0;
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
	if (watch_fd >= 0)
		close(watch_fd);
	watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (watch_fd < 0 || nftw(work, watch_one, 32, FTW_PHYS) != 0)
		abort();
}

/* Puts work/rel/name back as in the template: removed, then copied
 * (and watched) if the template has it. 0, or -1 when only a whole
 * fresh copy will do. */
static int
restore_entry(const char *rel, const char *name)
{
	char w[PATH_MAX], t[PATH_MAX], d[PATH_MAX];
	struct stat st;
	int sfd, dfd, r = 0;

	if (!strcmp(name, "home") || !strcmp(name, "vpopmail") ||
	    !strcmp(name, "var") || !strcmp(name, "qmail"))
		return -1;	/* an ancestor of the context's fds */
	snprintf(d, sizeof(d), "%s%s%s", work, *rel ? "/" : "", rel);
	snprintf(w, sizeof(w), "%s/%s", d, name);
	snprintf(t, sizeof(t), "%s/tpl%s%s/%s", top, *rel ? "/" : "", rel,
	    name);
	if (lstat(w, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			r = nftw(w, rm_one, 32, FTW_DEPTH | FTW_PHYS);
		else
			r = unlink(w);
	}
	if (r != 0 || lstat(t, &st) < 0)
		return r != 0 || errno != ENOENT ? -1 : 0;
	if (S_ISDIR(st.st_mode)) {
		sfd = open(t, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = sfd < 0 || dfd < 0 ? -1 : copy_dir(sfd, dfd, name,
		    st.st_mode);
		if (r == 0)
			own(dfd, name, &st);
		if (sfd >= 0)
			close(sfd);
		if (dfd >= 0)
			close(dfd);
		return r < 0 ? -1 : nftw(w, watch_one, 32, FTW_PHYS);
	}
	if (!S_ISREG(st.st_mode))
		return -1;
	sfd = open(t, O_RDONLY | O_CLOEXEC);
	dfd = open(w, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode &
	    07777);
	while (r == 0 && sfd >= 0 && dfd >= 0 &&
	    (r = (int)read(sfd, d, sizeof(d))) > 0)
		r = write(dfd, d, (size_t)r) == r ? 0 : -1;
	if (dfd >= 0)
		(void)fchown(dfd, st.st_uid, st.st_gid);
	if (sfd < 0 || dfd < 0)
		r = -1;
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	return r;
}

/* Undoes what the last run changed, from the watch's events. */
static void
restore_tree(void)
{
	static char buf[65536]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	char *seen[256];
	size_t nseen = 0, i;
	ssize_t n;
	char *off;
	int full = 0;

	while (!full && (n = read(watch_fd, buf, sizeof(buf))) > 0) {
		for (off = buf; off < buf + n; off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)off;
			if (ev->mask & IN_IGNORED)
				continue;
			if ((ev->mask & IN_Q_OVERFLOW) || ev->len == 0 ||
			    ev->wd < 0 || ev->wd >= WATCH_MAX ||
			    watch_path[ev->wd] == NULL || nseen == 256) {
				full = 1;
				break;
			}
			if (asprintf(&seen[nseen], "%s/%s", watch_path[ev->wd],
			    ev->name) < 0)
				abort();
			nseen++;
		}
	}
	for (i = 0; i < nseen; i++) {
		char *slash = strrchr(seen[i], '/');

		*slash = '\0';
		if (!full && restore_entry(seen[i], slash + 1) < 0)
			full = 1;
		free(seen[i]);
	}
	while (!full && read(watch_fd, buf, sizeof(buf)) > 0)
		;	/* the restore's own events */
	if (full)
		reset_tree();
	if (getenv("VP_FUZZ_VERIFY") != NULL) {
		char cmd[3 * PATH_MAX];

		snprintf(cmd, sizeof(cmd), "cd %s/tpl && find . -printf '%%P %%m %%U %%s %%y %%l\\n' | sort > ../a && cd %s && find . -printf '%%P %%m %%U %%s %%y %%l\\n' | sort > ../b && cmp -s ../a ../b && diff -r --no-dereference %s/tpl %s >/dev/null", top, work, top, work);
		if (system(cmd) != 0) {
			fprintf(stderr, "fuzz_helper: restore left a "
			    "difference (full copy %d)\n", full);
			abort();
		}
	}
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
	rnd_state = 1;
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
		restore_tree();
	return 0;
}
