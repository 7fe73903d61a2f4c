/*
 * recover.c - intent records of the domain operations and the recovery
 * run at the start of every session (see recover.h). What finishing or
 * undoing an intent means for the files is store_domain.c's
 * (sd_recover); this file owns the record's format, its life on disk,
 * the locks, and the walk over etc/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "address.h"
#include "audit.h"
#include "cdbmake.h"
#include "errors.h"
#include "fs.h"
#include "recover.h"
#include "store_domain.h"
#include "util.h"

#define RC_TEXT_MAX	((VAL_DOMAIN_MAX + 1) * (RC_ALIASES_MAX + 2) + \
			    PATH_MAX + 64)
#define RC_TMP_TAG	"tmp."

int recover_test_crash_at;
static int crash_count;

/* The record this process holds, which its own recovery must not
 * touch (classic locks do not exclude their owner). */
static char own_file[64];

void
recover_crash_point(void)
{
	if (recover_test_crash_at > 0 && ++crash_count ==
	    recover_test_crash_at)
		(void)raise(SIGKILL);
}

/* ---- the record ---- */

static const char *const op_names[] = {
	[RC_ADD_DOMAIN] = "add_domain",
	[RC_ADD_ALIAS] = "add_alias_domain",
	[RC_DEL_DOMAIN] = "del_domain"
};

void
rc_init(struct rc_intent *in, enum rc_op op)
{
	memset(in, 0, sizeof(*in));
	in->op = op;
	in->fd = -1;
}

void
rc_free(struct rc_intent *in)
{
	free(in->aliases);
	in->aliases = NULL;
	in->naliases = 0;
}

/* A name that exists already (legacy names included) or a new one. */
static int
name_ok(const char *s, int is_new)
{
	if (is_new)
		return val_domain_name(s) == VAL_OK;
	return s[0] != '\0' && strlen(s) <= VAL_DOMAIN_MAX &&
	    pol_domain_chars_ok(s);
}

/* Absolute, no ':' or control byte, no "." or ".." component. */
static int
dir_ok(const char *s)
{
	const char *c;
	size_t len;

	if (s[0] != '/' || val_field(s, PATH_MAX - 1) != VAL_OK)
		return 0;
	for (c = s; *c; c += len) {
		while (*c == '/')
			c++;
		len = strcspn(c, "/");
		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' &&
		    c[1] == '.'))
			return 0;
	}
	return 1;
}

static int
intent_ok(const struct rc_intent *in)
{
	size_t i;

	if (in->op < RC_ADD_DOMAIN || in->op > RC_DEL_DOMAIN ||
	    !name_ok(in->name, in->op != RC_DEL_DOMAIN) ||
	    !name_ok(in->real, in->op == RC_ADD_DOMAIN) || !dir_ok(in->dir) ||
	    in->uid > 0x7fffffffUL || in->gid > 0x7fffffffUL)
		return 0;
	if ((in->op == RC_ADD_DOMAIN) != (strcmp(in->name, in->real) == 0) &&
	    in->op != RC_DEL_DOMAIN)
		return 0;
	if (in->naliases > 0 && (in->op != RC_DEL_DOMAIN ||
	    strcmp(in->name, in->real) != 0))
		return 0;
	for (i = 0; i < in->naliases; i++)
		if (!name_ok(in->aliases[i], 0))
			return 0;
	return 1;
}

int
rc_add_alias(struct rc_intent *in, const char *name)
{
	void *p;

	if (!name_ok(name, 0) || in->naliases >= RC_ALIASES_MAX) {
		errno = EINVAL;
		return -1;
	}
	p = realloc(in->aliases, (in->naliases + 1) * sizeof(*in->aliases));
	if (p == NULL)
		return -1;
	in->aliases = p;
	vp_strlcpy(in->aliases[in->naliases++], name, VAL_DOMAIN_MAX + 1);
	return 0;
}

int
rc_format(const struct rc_intent *in, char *out, size_t outsz)
{
	size_t i, len;
	int n;

	if (!intent_ok(in)) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(out, outsz, "%s:%s:%s:%lu:%lu:%s", op_names[in->op],
	    in->name, in->real, in->uid, in->gid, in->dir);
	if (n < 0 || (size_t)n >= outsz)
		goto big;
	len = (size_t)n;
	for (i = 0; i < in->naliases; i++) {
		n = snprintf(out + len, outsz - len, ":%s", in->aliases[i]);
		if (n < 0 || (size_t)n >= outsz - len)
			goto big;
		len += (size_t)n;
	}
	if (len + 1 >= outsz)
		goto big;
	out[len++] = '\n';
	out[len] = '\0';
	return (int)len;
big:
	errno = E2BIG;
	return -1;
}

static int
parse_num(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9' || strlen(s) > 10)
		return -1;
	*out = strtoul(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static int
parse_op(const char *s, enum rc_op *op)
{
	int i;

	for (i = RC_ADD_DOMAIN; i <= RC_DEL_DOMAIN; i++)
		if (strcmp(s, op_names[i]) == 0) {
			*op = (enum rc_op)i;
			return 0;
		}
	return -1;
}

/* Field k of the ':'-split copy: fields are consecutive NUL-ended. */
static int
parse_fields(char *buf, struct rc_intent *in)
{
	char *f[6], *next = buf;
	enum rc_op op;
	int k;

	for (k = 0; k < 6; k++) {
		f[k] = next;
		next = strchr(next, ':');
		if (next == NULL && k < 5)
			return -1;
		if (next != NULL)
			*next++ = '\0';
	}
	if (parse_op(f[0], &op) < 0 || strlen(f[1]) > VAL_DOMAIN_MAX ||
	    strlen(f[2]) > VAL_DOMAIN_MAX || strlen(f[5]) >= PATH_MAX)
		return -1;
	rc_init(in, op);
	vp_strlcpy(in->name, f[1], sizeof(in->name));
	vp_strlcpy(in->real, f[2], sizeof(in->real));
	vp_strlcpy(in->dir, f[5], sizeof(in->dir));
	if (parse_num(f[3], &in->uid) < 0 || parse_num(f[4], &in->gid) < 0)
		return -1;
	while (next != NULL) {
		char *a = next;

		if ((next = strchr(a, ':')) != NULL)
			*next++ = '\0';
		if (rc_add_alias(in, a) < 0)
			return -1;
	}
	return intent_ok(in) ? 0 : -1;
}

int
rc_parse(const char *text, size_t n, struct rc_intent *in)
{
	char *buf;
	int r;

	rc_init(in, RC_ADD_DOMAIN);
	if (n < 2 || n > RC_TEXT_MAX || text[n - 1] != '\n' ||
	    memchr(text, '\n', n - 1) != NULL || memchr(text, '\0', n) != NULL)
		goto bad;
	if ((buf = malloc(n)) == NULL)
		return -1;
	memcpy(buf, text, n - 1);
	buf[n - 1] = '\0';
	r = parse_fields(buf, in);
	free(buf);
	if (r == 0)
		return 0;
	rc_free(in);
bad:
	rc_init(in, RC_ADD_DOMAIN);
	errno = EBADMSG;
	return -1;
}

/* ---- the record on disk ---- */

/* etc/ beneath vpopmail-dir, created 0700 when missing if create.
 * flags: O_PATH or O_RDONLY (to list it). */
static int
open_etc(struct ph_ctx *ctx, int flags, int create)
{
	if (create && mkdirat(ctx->vpop_fd, RC_DIR, 0700) < 0 &&
	    errno != EEXIST)
		return -1;
	return fs_open_beneath(ctx->vpop_fd, RC_DIR, flags | O_DIRECTORY, 0);
}

static int
lock_fd(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	return fcntl(fd, F_SETLK, &fl);
}

static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, s, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return -1;
		}
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Creates, locks, fills and fsyncs the temporary tmp in etcfd. */
static int
write_locked(int etcfd, const char *tmp, const char *text, size_t n)
{
	int fd, e;

	fd = fs_open_beneath(etcfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOCTTY,
	    0600);
	if (fd < 0)
		return -1;
	if (lock_fd(fd) < 0 || fchmod(fd, 0600) < 0 ||
	    write_all(fd, text, n) < 0 || fsync(fd) < 0) {
		e = errno;
		(void)unlinkat(etcfd, tmp, 0);
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int
rc_names(struct rc_intent *in, char *tmp, size_t tsz)
{
	unsigned long long rnd;
	int a, b;

	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	a = snprintf(in->file, sizeof(in->file), RC_PREFIX "%ld.%016llx",
	    (long)getpid(), rnd);
	b = snprintf(tmp, tsz, RC_PREFIX RC_TMP_TAG "%ld.%016llx",
	    (long)getpid(), rnd);
	if (a < 0 || (size_t)a >= sizeof(in->file) || b < 0 ||
	    (size_t)b >= tsz) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
rc_begin(struct ph_ctx *ctx, struct rc_intent *in)
{
	char text[RC_TEXT_MAX + 1], tmp[96];
	int etcfd, len, fd = -1, e;

	in->fd = -1;
	if ((len = rc_format(in, text, sizeof(text))) < 0 ||
	    rc_names(in, tmp, sizeof(tmp)) < 0)
		return -1;
	/* O_RDONLY, not O_PATH: it is fsynced */
	if ((etcfd = open_etc(ctx, O_RDONLY, 1)) < 0)
		return -1;
	if ((fd = write_locked(etcfd, tmp, text, (size_t)len)) >= 0) {
		if (renameat(etcfd, tmp, etcfd, in->file) < 0 ||
		    fsync(etcfd) < 0) {
			e = errno;
			(void)unlinkat(etcfd, tmp, 0);
			(void)unlinkat(etcfd, in->file, 0);
			close(fd);
			fd = -1;
			errno = e;
		}
	}
	e = errno;
	close(etcfd);
	errno = e;
	if (fd < 0)
		return -1;
	in->fd = fd;
	vp_strlcpy(own_file, in->file, sizeof(own_file));
	return 0;
}

void
rc_end(struct ph_ctx *ctx, struct rc_intent *in)
{
	int etcfd, e = errno;

	if (in->fd < 0)
		return;
	/* removed before the lock goes: never an unlocked finished record */
	if ((etcfd = open_etc(ctx, O_RDONLY, 0)) >= 0) {
		(void)unlinkat(etcfd, in->file, 0);
		(void)fsync(etcfd);
		close(etcfd);
	}
	close(in->fd);
	in->fd = -1;
	own_file[0] = '\0';
	errno = e;
}

/* ---- recovery ---- */

/* Reads the whole (small) record from fd into a malloc'd buffer. */
static char *
read_record(int fd, size_t *n)
{
	char *buf = malloc(RC_TEXT_MAX + 1);
	ssize_t k;

	*n = 0;
	if (buf == NULL)
		return NULL;
	while (*n <= RC_TEXT_MAX && (k = pread(fd, buf + *n,
	    RC_TEXT_MAX + 1 - *n, (off_t)*n)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(buf);
			return NULL;
		}
		*n += (size_t)k;
	}
	return buf;
}

/* One dead record (locked by us through fd): finish or undo it. */
static int
recover_one(struct ph_ctx *ctx, int etcfd, const char *file, int fd)
{
	struct rc_intent in;
	const char *how = "invalid";
	char detail[160], *text;
	size_t n;
	int r = 0;

	if (strncmp(file + strlen(RC_PREFIX), RC_TMP_TAG,
	    strlen(RC_TMP_TAG)) == 0)
		/* its writer died before naming it: nothing was changed */
		return unlinkat(etcfd, file, 0);
	if ((text = read_record(fd, &n)) == NULL)
		return -1;
	if (rc_parse(text, n, &in) == 0) {
		r = sd_recover(ctx, &in, &how);
		snprintf(detail, sizeof(detail), "%s %s%s%s", op_names[in.op],
		    in.name, r == 0 ? "" : ": ", r == 0 ? "" :
		    vp_verror_text(r));
		audit(ctx, "recover", in.name, r == 0 ? how : "fail", detail);
		rc_free(&in);
	} else
		audit(ctx, "recover", file, how, "unreadable intent removed");
	free(text);
	if (r != 0)
		return -1;	/* kept for the next recovery */
	if (unlinkat(etcfd, file, 0) < 0 || fsync(etcfd) < 0)
		return -1;
	return 1;
}

/* An intent record (or its temporary) that is not our own. */
static int
is_record(const char *name)
{
	return strncmp(name, RC_PREFIX, strlen(RC_PREFIX)) == 0 &&
	    strcmp(name, own_file) != 0;
}

/* Opens and locks file: fd (its owner is dead), -2 (alive), -1. */
static int
take_record(int etcfd, const char *file)
{
	struct stat st;
	int fd = fs_open_beneath(etcfd, file, O_RDWR | O_NOCTTY | O_NONBLOCK,
	    0);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	if (lock_fd(fd) < 0) {
		close(fd);
		return (errno == EAGAIN || errno == EACCES) ? -2 : -1;
	}
	return fd;
}

int
recover_intents(struct ph_ctx *ctx)
{
	struct dirent *de;
	DIR *d;
	int dfd, etcfd, fd, k, done = 0, failed = 0;

	if ((dfd = open_etc(ctx, O_RDONLY, 0)) < 0)
		return errno == ENOENT ? 0 : -1;
	if ((etcfd = dup(dfd)) < 0 || (d = fdopendir(dfd)) == NULL) {
		close(dfd);
		if (etcfd >= 0)
			close(etcfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_record(de->d_name))
			continue;
		if ((fd = take_record(etcfd, de->d_name)) == -2)
			continue;	/* its operation is running */
		k = fd < 0 ? -1 : recover_one(ctx, etcfd, de->d_name, fd);
		if (fd >= 0)
			close(fd);
		if (k < 0)
			failed = 1;
		else
			done += k;
	}
	closedir(d);
	close(etcfd);
	return failed ? -1 : done;
}

/*
 * The domain lock, nothing more: flock(2) on etc/ itself. It is this
 * daemon's own lock (no vpopmail tool takes it, so it need not be an
 * fcntl lock), and a directory lock leaves no file behind: a refused or
 * read-only session changes nothing on disk.
 */
static int
lock_only(struct ph_ctx *ctx, int timeout_s, struct lockfile *lk)
{
	struct timespec step = { 0, 100000000L };
	long tries;
	int fd, r, e;

	lk->fd = -1;
	if ((fd = open_etc(ctx, O_RDONLY, 1)) < 0)
		return -1;
	if (timeout_s < 0)
		timeout_s = LOCK_TIMEOUT_DEFAULT;
	for (tries = (long)timeout_s * 10; (r = flock(fd, LOCK_EX |
	    LOCK_NB)) < 0 && (errno == EWOULDBLOCK || errno == EINTR) &&
	    tries > 0; tries--)
		(void)nanosleep(&step, NULL);
	if (r < 0) {
		e = errno == EWOULDBLOCK ? ETIMEDOUT : errno;
		close(fd);
		errno = e;
		return -1;
	}
	lk->fd = fd;
	return 0;
}

int
rc_lock_domains(struct ph_ctx *ctx, int timeout_s, struct lockfile *lk)
{
	if (lock_only(ctx, timeout_s, lk) < 0)
		return -1;
	/* a failure is audited and the record kept; the operation goes on
	 * (it checks the state it needs itself) */
	(void)recover_intents(ctx);
	return 0;
}

/* One index: rebuilt when stale, audited when it was. */
static int
refresh(struct ph_ctx *ctx, const char *what, int (*fn)(int))
{
	int r = fn(ctx->qmail_fd);

	if (r > 0)
		audit(ctx, "recover", what, "rebuilt", "older than its source");
	else if (r < 0)
		audit(ctx, "recover", what, "fail", strerror(errno));
	return r < 0 ? -1 : 0;
}

/* 1 when etc/ holds a record that is not this process's own. */
static int
has_intents(struct ph_ctx *ctx)
{
	struct dirent *de;
	DIR *d;
	int dfd, found = 0;

	if ((dfd = open_etc(ctx, O_RDONLY, 0)) < 0)
		return 0;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return 0;
	}
	while (!found && (de = readdir(d)) != NULL)
		found = is_record(de->d_name);
	closedir(d);
	return found;
}

/* The pid of one of our temporaries, ".<name>.tmp.<pid>.<16 hex>"
 * (atomic.h), or 0 when name is not one. */
static pid_t
tmp_pid(const char *name)
{
	const char *hex = strrchr(name, '.'), *dig;
	size_t n = strlen(name);
	long pid = 0;

	if (name[0] != '.' || hex == NULL || name + n - hex != 17 ||
	    strspn(hex + 1, "0123456789abcdef") != 16)
		return 0;
	for (dig = hex; dig > name && dig[-1] >= '0' && dig[-1] <= '9'; dig--)
		;
	if (dig == hex || hex - dig > 9 || dig - name < 6 ||
	    strncmp(dig - 5, ".tmp.", 5) != 0)
		return 0;
	for (; dig < hex; dig++)
		pid = pid * 10 + (*dig - '0');
	return (pid_t)pid;
}

/* A live process (or one we may not signal) keeps its files; a pid
 * that was reused only delays the sweep. */
int
recover_sweep(int topfd, const char *sub)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	pid_t pid;
	int fd, n = 0;

	fd = fs_open_beneath(topfd, sub, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if ((pid = tmp_pid(de->d_name)) <= 0 || pid == getpid() ||
		    kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    0 && S_ISREG(st.st_mode) &&
		    unlinkat(dirfd(d), de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static void
sweep_all(struct ph_ctx *ctx)
{
	char detail[64];
	int n;

	n = recover_sweep(ctx->qmail_fd, "users") +
	    recover_sweep(ctx->qmail_fd, "control") +
	    recover_sweep(ctx->vpop_fd, "domains") +
	    recover_sweep(ctx->vpop_fd, RC_DIR);
	if (n > 0) {
		snprintf(detail, sizeof(detail), "%d temporary file(s) of "
		    "killed processes", n);
		audit(ctx, "recover", "temporaries", "removed", detail);
	}
}

int
recover_run(struct ph_ctx *ctx)
{
	struct lockfile lk;
	int r = 0, k;

	if (refresh(ctx, "users/cdb", cdb_users_refresh) < 0)
		r = -1;
	if (refresh(ctx, "control/morercpthosts.cdb", cdb_mrh_refresh) < 0)
		r = -1;
	sweep_all(ctx);
	if (!has_intents(ctx))
		return r;	/* nothing to do: not even the lock file made */
	if (lock_only(ctx, 0, &lk) < 0)
		return r;	/* busy: its holder recovered before it began */
	k = recover_intents(ctx);
	lockfile_release(&lk);
	return r < 0 || k < 0 ? -1 : k;
}
