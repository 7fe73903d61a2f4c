/*
 * test_storage_atomic.c - privhelper/atomic.c: lock files that exclude
 * (and are excluded by) vpopmail's classic fcntl locks held by another
 * process, and replacement of files by fsynced temporaries: content,
 * owner and mode, abort, symlinked targets, poisoned writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"

static char top[PATH_MAX - 64];
static int dfd = -1;

static char *
p(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, name);
}

static int
replace(const char *name, const char *text, uid_t uid, gid_t gid, mode_t m)
{
	struct atomic_file af;

	if (atomic_begin(dfd, name, uid, gid, m, &af) < 0)
		return -1;
	if (atomic_write(&af, text, strlen(text)) < 0) {
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af);
}

static void
test_replace(void)
{
	struct atomic_file af;
	struct stat st;

	CHECK(t_write(p("f"), "old\n", 4) == 0, "setup: f = old");
	CHECK(replace("f", "new content\n", (uid_t)-1, (gid_t)-1, 0640) == 0,
	    "atomic replace of f commits");
	CHECK(ts_file_is(p("f"), "new content\n", 12), "f has the new bytes");
	/* stat before CHECK: its arguments are evaluated in no set order */
	if (stat(p("f"), &st) < 0)
		memset(&st, 0, sizeof(st));
	CHECK((st.st_mode & 07777) == 0640,
	    "mode 0640 set whatever the umask (got %o)",
	    (unsigned)(st.st_mode & 07777));
	CHECK(st.st_uid == geteuid() && st.st_gid == getegid(),
	    "uid/gid -1: owner is the process");
	CHECK(ts_count_temps(top) == 0, "no temporary left after commit");

	CHECK(replace("new", "x", (uid_t)-1, (gid_t)-1, 0600) == 0 &&
	    ts_file_is(p("new"), "x", 1), "a missing target is created");
	CHECK(replace("empty", "", (uid_t)-1, (gid_t)-1, 0644) == 0 &&
	    ts_file_is(p("empty"), "", 0), "an empty file can be written");

	CHECK(atomic_begin(dfd, "f", (uid_t)-1, (gid_t)-1, 0600, &af) == 0,
	    "begin for abort");
	CHECK(atomic_write(&af, "half", 4) == 0, "partial write");
	CHECK(ts_count_temps(top) == 1, "the temporary exists meanwhile");
	CHECK(ts_file_is(p("f"), "new content\n", 12),
	    "readers see the old bytes while the temporary is written");
	atomic_abort(&af);
	atomic_abort(&af);
	CHECK(ts_file_is(p("f"), "new content\n", 12),
	    "abort: old file byte-identical");
	CHECK(ts_count_temps(top) == 0, "abort: no temporary left");
}

static void
test_names(void)
{
	static const char *bad[] = { "", ".", "..", "a/b", "/abs", "x/" };
	struct atomic_file af;
	char longname[ATOMIC_NAME_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(atomic_begin(dfd, bad[i], (uid_t)-1, (gid_t)-1, 0600,
		    &af) < 0 && errno == EINVAL,
		    "target name \"%s\" refused (EINVAL)", bad[i]);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(atomic_begin(dfd, longname, (uid_t)-1, (gid_t)-1, 0600, &af) < 0,
	    "a %zu-byte target name is refused", strlen(longname));
	CHECK(ts_count_temps(top) == 0, "refusals leave no temporary");
}

static void
test_symlink_target(void)
{
	char buf[64];
	struct stat st;
	ssize_t n;

	CHECK(t_write(p("victim"), "victim\n", 7) == 0, "setup: victim");
	CHECK(symlink("victim", p("link")) == 0, "setup: link -> victim");
	CHECK(replace("link", "replaced\n", (uid_t)-1, (gid_t)-1, 0600) == 0,
	    "replacing a symlinked target succeeds");
	CHECK(lstat(p("link"), &st) == 0 && S_ISREG(st.st_mode),
	    "the link became a regular file");
	CHECK(ts_file_is(p("link"), "replaced\n", 9), "with the new bytes");
	CHECK(ts_file_is(p("victim"), "victim\n", 7),
	    "the link's target is untouched");

	CHECK(symlink("/etc/passwd", p("abs")) == 0, "setup: abs -> /etc/passwd");
	CHECK(replace("abs", "x\n", (uid_t)-1, (gid_t)-1, 0600) == 0 &&
	    lstat(p("abs"), &st) == 0 && S_ISREG(st.st_mode),
	    "an absolute symlink is replaced, not followed");
	n = readlink(p("link"), buf, sizeof(buf));
	CHECK(n < 0 && errno == EINVAL, "no symlink remains at link");
	CHECK(mkdir(p("adir"), 0700) == 0, "setup: adir");
	CHECK(replace("adir", "x", (uid_t)-1, (gid_t)-1, 0600) < 0,
	    "a directory is not replaced by a file");
	CHECK(ts_count_temps(top) == 0, "failed rename leaves no temporary");
}

static void
test_owner(void)
{
	struct stat st;

	if (geteuid() == 0) {
		CHECK(replace("owned", "o\n", 12345, 23456, 0600) == 0,
		    "as root: replace with owner 12345:23456");
		CHECK(stat(p("owned"), &st) == 0 && st.st_uid == 12345 &&
		    st.st_gid == 23456 && (st.st_mode & 07777) == 0600,
		    "owner and mode set (%u:%u %o)", (unsigned)st.st_uid,
		    (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777));
		return;
	}
	CHECK(replace("owned", "o\n", geteuid(), getegid(), 0600) == 0 &&
	    stat(p("owned"), &st) == 0 && st.st_uid == geteuid(),
	    "not root: our own uid/gid needs no fchown");
	/* only root can give a file away: an ordinary user's daemon writes
	 * as itself (atomic_set_owner) instead of failing every write */
	CHECK(replace("foreign", "f\n", 0, 0, 0600) == 0 &&
	    stat(p("foreign"), &st) == 0 && st.st_uid == geteuid() &&
	    (st.st_mode & 07777) == 0600,
	    "not root: a foreign owner is not applied, the file is ours");
	CHECK(ts_count_temps(top) == 0, "and leaves no temporary");
}

static void
test_poison(void)
{
	struct atomic_file af;

	CHECK(t_write(p("g"), "keep\n", 5) == 0, "setup: g");
	CHECK(atomic_begin(dfd, "g", (uid_t)-1, (gid_t)-1, 0600, &af) == 0,
	    "begin g");
	close(af.fd);	/* simulate the disk failing under us */
	CHECK(atomic_write(&af, "lost", 4) < 0, "write on a dead fd fails");
	CHECK(atomic_write(&af, "more", 4) < 0 && errno == EIO,
	    "later writes keep failing (EIO)");
	af.fd = -1;
	CHECK(atomic_commit(&af) < 0, "commit refuses after a failed write");
	CHECK(ts_file_is(p("g"), "keep\n", 5), "target untouched");
	CHECK(ts_count_temps(top) == 0, "temporary removed by commit failure");
}

static void
test_commit_all(void)
{
	struct atomic_file a, b;
	struct atomic_file *v[2] = { &a, &b };

	CHECK(atomic_begin(dfd, "one", (uid_t)-1, (gid_t)-1, 0600, &a) == 0 &&
	    atomic_begin(dfd, "two", (uid_t)-1, (gid_t)-1, 0600, &b) == 0,
	    "two temporaries");
	CHECK(atomic_write(&a, "1", 1) == 0 && atomic_write(&b, "2", 1) == 0,
	    "written");
	CHECK(atomic_commit_all(v, 2) == 0, "commit_all");
	CHECK(ts_file_is(p("one"), "1", 1) && ts_file_is(p("two"), "2", 1),
	    "both files in place");
	CHECK(ts_count_temps(top) == 0, "no temporary left");
}

/* The child takes a lock (ours or a classic fcntl one), says 'L' on
 * up[1], waits for a byte on down[0], and exits. */
static pid_t
holder(int classic, int up[2], int down[2])
{
	struct lockfile lk;
	struct flock fl;
	pid_t pid;
	char c;
	int fd;

	if (pipe(up) < 0 || pipe(down) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid > 0) {
		close(up[1]);
		close(down[0]);
		return pid;
	}
	close(up[0]);
	close(down[1]);
	if (classic) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		fd = open(p("x.lock"), O_WRONLY | O_CREAT, 0600);
		if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0)
			_exit(1);
	} else if (lockfile_acquire(dfd, "x.lock", 0, &lk) < 0)
		_exit(1);
	if (write(up[1], "L", 1) != 1 || read(down[0], &c, 1) != 1)
		_exit(2);
	_exit(0);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
lock_conflict(int classic)
{
	const char *who = classic ? "classic fcntl" : "lockfile_acquire";
	struct lockfile lk;
	int up[2], down[2], st;
	double t0;
	pid_t pid;
	char c = 0;

	pid = holder(classic, up, down);
	CHECK(pid > 0 && read(up[0], &c, 1) == 1 && c == 'L',
	    "child holds x.lock (%s)", who);
	t0 = now();
	CHECK(lockfile_acquire(dfd, "x.lock", 1, &lk) < 0 &&
	    errno == ETIMEDOUT, "acquire with 1 s timeout fails: ETIMEDOUT");
	CHECK(now() - t0 >= 0.9 && now() - t0 < 5,
	    "after about the timeout (%.2f s)", now() - t0);
	CHECK(lockfile_acquire(dfd, "x.lock", 0, &lk) < 0 &&
	    errno == ETIMEDOUT, "timeout 0: one try, fails at once");
	CHECK(write(down[1], "x", 1) == 1, "tell the child to release");
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, "child released and exited");
	close(up[0]);
	close(down[1]);
	CHECK(lockfile_acquire(dfd, "x.lock", 5, &lk) == 0,
	    "acquire succeeds after the release");
	lockfile_release(&lk);
}

/* While we hold x.lock, a child's classic F_SETLK fails. */
static void
lock_blocks_classic(void)
{
	struct lockfile lk;
	struct flock fl;
	pid_t pid;
	int st, fd;

	CHECK(lockfile_acquire(dfd, "x.lock", 0, &lk) == 0, "we hold x.lock");
	if ((pid = fork()) == 0) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		fd = open(p("x.lock"), O_WRONLY);
		if (fd < 0)
			_exit(3);
		if (fcntl(fd, F_SETLK, &fl) == 0)
			_exit(0);
		_exit(errno == EAGAIN || errno == EACCES ? 1 : 2);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 1,
	    "a classic F_SETLK in another process is refused (EAGAIN)");
	lockfile_release(&lk);
	lockfile_release(&lk);
	if ((pid = fork()) == 0) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		fd = open(p("x.lock"), O_WRONLY);
		_exit(fd >= 0 && fcntl(fd, F_SETLK, &fl) == 0 ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, "after release the classic lock succeeds");
}

static void
test_lockfile(void)
{
	struct lockfile lk;
	struct stat st;

	CHECK(lockfile_acquire(dfd, "sub.lock", 0, &lk) == 0, "acquire creates");
	CHECK(stat(p("sub.lock"), &st) == 0 && (st.st_mode & 07777) == 0600 &&
	    st.st_size == 0, "lock file is an empty 0600 file");
	CHECK(lockfile_chown(&lk, geteuid(), getegid()) == 0,
	    "lockfile_chown to ourselves");
	lockfile_release(&lk);
	CHECK(lk.fd == -1, "released");
	CHECK(symlink("elsewhere", p("sym.lock")) == 0, "setup: sym.lock link");
	CHECK(lockfile_acquire(dfd, "sym.lock", 0, &lk) < 0 && errno == ELOOP,
	    "a symlinked lock file is refused (ELOOP)");
	CHECK(access(p("elsewhere"), F_OK) < 0, "and its target not created");
	CHECK(lockfile_acquire(dfd, "../escape.lock", 0, &lk) < 0 &&
	    errno == EXDEV, "a lock outside the directory is refused");
	CHECK(mkfifo(p("fifo.lock"), 0600) == 0, "setup: fifo.lock");
	CHECK(lockfile_acquire(dfd, "fifo.lock", 0, &lk) < 0,
	    "a FIFO lock file is refused without hanging");
	lock_conflict(0);
	lock_conflict(1);
	lock_blocks_classic();
}

int
main(void)
{
	umask(077);
	if (!CHECK(t_mkdtemp(top, sizeof(top), "atomic") == 0 &&
	    (dfd = ts_dirfd(top)) >= 0, "temporary directory %s", top))
		return T_DONE("test_storage_atomic");
	test_replace();
	test_names();
	test_symlink_target();
	test_owner();
	test_poison();
	test_commit_all();
	test_lockfile();
	close(dfd);
	t_rm_rf(top);
	return T_DONE("test_storage_atomic");
}
