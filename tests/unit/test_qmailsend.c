/*
 * test_qmailsend.c - the qmail-send pid cache of a session without a
 * listener (qmailsend.h): written after a scan, used instead of a scan,
 * a recycled or dead pid and a stale, forged, torn, oversized, foreign
 * or symlinked file each mean a scan and a new file, a zombie is never
 * kept, the empty list is
 * trusted for QS_RESCAN_SECS only, no state-dir means a scan and no
 * file, and a forged list never gets a HUP to a process that is not
 * qmail-send.
 *
 * The "procdir" is a fake one in the test's directory: <pid>/comm files
 * for real child processes of this test (pidfd_open needs real pids);
 * what a child "is" is what its fake comm says. Whether a session
 * scanned is seen from its result: a qmail-send added to the fake
 * procdir after the cache was written is found by a scan only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit/t.h"
#include "unit/tdir.h"
#include "qmailsend.h"

/* sizes that leave -Wformat-truncation no doubt */
static char top[512], procdir[600], state[600], cache[700];

#define NKIDS	8
static pid_t kids[NKIDS];
static int nkids;
static volatile sig_atomic_t self_hups;

static void
on_hup(int sig)
{
	(void)sig;
	self_hups++;
}

/* A child that waits for signals; SIGHUP kills it (the default). */
static pid_t
spawn(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGHUP, SIG_DFL);
		for (;;)
			pause();
	}
	if (pid > 0 && nkids < NKIDS)
		kids[nkids++] = pid;
	return pid;
}

static int
alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

/* procdir/<pid>/comm = comm + "\n". */
static int
fake(pid_t pid, const char *comm)
{
	char path[PATH_MAX], line[64];
	int n;

	snprintf(path, sizeof(path), "%s/%ld", procdir, (long)pid);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%ld/comm", procdir, (long)pid);
	n = snprintf(line, sizeof(line), "%s\n", comm);
	return t_write(path, line, (size_t)n);
}

/* Replaces the cache file with these bytes (a fresh inode, 0600). */
static int
forge(const void *p, size_t n)
{
	unlink(cache);
	return t_write(cache, p, n);
}

/* A well-formed cache: "qs1 <when>[ <pid>]\n" (pid 0: none). */
static int
forge_line(long long when, pid_t pid)
{
	char buf[128];
	int n;

	if (pid > 0)
		n = snprintf(buf, sizeof(buf), "qs1 %lld %ld\n", when,
		    (long)pid);
	else
		n = snprintf(buf, sizeof(buf), "qs1 %lld\n", when);
	return forge(buf, (size_t)n);
}

/* pre + the current time + post. */
static int
forge_around(const char *pre, const char *post)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "%s%lld%s", pre,
	    (long long)time(NULL), post);

	return forge(buf, (size_t)n);
}

static int
died(pid_t pid)
{
	int i;

	for (i = 0; i < 100 && alive(pid); i++)
		usleep(10000);
	return !alive(pid);
}

static char *
slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* The cache is a regular 0600 file "qs1 <recent time>" followed by
 * exactly the pids given (-1 ends the list), in any order. */
static int
cache_is(const pid_t *want)
{
	char buf[512], *p, *end;
	struct stat st;
	long long when;
	int n = 0, found = 0, i;
	long v;

	if (lstat(cache, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 0777) != 0600)
		return 0;
	slurp(cache, buf, sizeof(buf));
	if (strncmp(buf, "qs1 ", 4) != 0)
		return 0;
	when = strtoll(buf + 4, &end, 10);
	if (when > (long long)time(NULL) || when < (long long)time(NULL) - 5)
		return 0;
	for (p = end; *p == ' '; p = end) {
		v = strtol(p + 1, &end, 10);
		for (i = 0; want[i] >= 0; i++)
			if ((long)want[i] == v)
				found++;
		n++;
	}
	for (i = 0; want[i] >= 0; i++)
		;
	return strcmp(p, "\n") == 0 && n == i && found == i;
}

static int
no_cache(void)
{
	struct stat st;

	return lstat(cache, &st) < 0 && errno == ENOENT;
}

/* A new session process: nothing inherited from a listener. */
static int
session(void)
{
	qmailsend_reset();
	return qmailsend_session(1, procdir, state);
}

static pid_t a, b, c;
/* What a scan finds in test_garbage and test_untrusted_files: C, or
 * nothing where pidfd_open is unknown (valgrind 3.19). */
static pid_t scan_set[2] = { -1, -1 };
static int scan_n;

static void
test_written_and_used(void)
{
	char before[512], after[512];
	struct stat st;

	CHECK(session() == 1, "first session: the scan finds qmail-send A");
	CHECK(cache_is((pid_t[]){ a, -1 }),
	    "the cache lists A with the scan's time, a 0600 regular file");
	CHECK(stat(cache, &st) == 0 && st.st_uid == geteuid(),
	    "the cache belongs to the daemon's user");
	slurp(cache, before, sizeof(before));
	b = spawn();
	CHECK(b > 0 && fake(b, "qmail-send") == 0,
	    "a second qmail-send B appears after the scan");
	CHECK(session() == 1,
	    "second session keeps only A: it used the cache, no scan");
	slurp(cache, after, sizeof(after));
	CHECK(strcmp(before, after) == 0, "a used cache is not rewritten");
	qmailsend_hup();
	CHECK(strcmp(qmailsend_status(), "hup 1/1") == 0,
	    "the cached pid gets the HUP (%s)", qmailsend_status());
	CHECK(died(a), "A got it (it dies of SIGHUP)");
	CHECK(alive(b), "B, not in the cache, did not");
}

static void
test_recycled(void)
{
	/* A is dead now; its pid may be anybody's: say its comm is bash */
	fake(a, "bash");
	CHECK(session() == 1, "A's pid is no qmail-send any more: rescan, B");
	CHECK(cache_is((pid_t[]){ b, -1 }), "the cache now lists B only");
	fake(b, "vim");
	CHECK(session() == 0, "B's comm changed (recycled pid): rescan, none");
	CHECK(cache_is((pid_t[]){ -1 }), "the cache is the empty list");
}

static void
test_dead(void)
{
	pid_t d = spawn();

	fake(d, "qmail-send");
	CHECK(forge_line((long long)time(NULL), d) == 0,
	    "a cache listing a qmail-send D");
	kill(d, SIGKILL);
	waitpid(d, NULL, 0);
	CHECK(session() == 0, "D has exited: pidfd_open fails, rescan finds "
	    "none (its stale fake comm does not count either)");
	CHECK(cache_is((pid_t[]){ -1 }), "the cache is the empty list");
}

static void
test_negative(void)
{
	c = spawn();
	CHECK(c > 0 && fake(c, "qmail-send") == 0,
	    "qmail-send C starts after the empty scan");
	CHECK(session() == 0, "the empty list is trusted: no scan");
	CHECK(forge_line((long long)time(NULL) - (QS_RESCAN_SECS - 2), 0) == 0,
	    "an empty list %d s old", QS_RESCAN_SECS - 2);
	CHECK(session() == 0, "still trusted");
	CHECK(forge_line((long long)time(NULL) - QS_RESCAN_SECS, 0) == 0,
	    "an empty list %d s old", QS_RESCAN_SECS);
	CHECK(session() == 1, "too old: rescan finds C");
	CHECK(cache_is((pid_t[]){ c, -1 }), "the cache lists C");
	CHECK(forge_line((long long)time(NULL) + 100, 0) == 0,
	    "an empty list from the future");
	CHECK(session() == 1, "not trusted: rescan finds C");
	CHECK(forge_line((long long)time(NULL) - QS_CACHE_SECS, b) == 0 &&
	    fake(b, "qmail-send") == 0,
	    "a list of B alone, %d s old, B a qmail-send again", QS_CACHE_SECS);
	CHECK(session() == 2, "a list that old is not trusted: rescan, B + C");
	CHECK(cache_is((pid_t[]){ b, c, -1 }), "the cache lists B and C");
	fake(b, "vim");
}

/* s with its control characters as C escapes, for a test's name. */
static const char *
shown(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 3 < size; s++) {
		if (*s == '\n' || *s == '\r') {
			buf[n++] = '\\';
			buf[n++] = *s == '\n' ? 'n' : 'r';
		} else
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

/* Each of these is ignored: the session scans (finds C) and replaces it. */
static void
test_garbage(void)
{
	static const char *const bad[][2] = {
		{ "qs1 ", "\n\n" }, { "qs1 ", " \n" }, { "qs1  ", "\n" },
		{ "qs1 ", "" }, { "qs2 ", "\n" }, { "qs1 0", "\n" },
		{ "qs1 +", "\n" }, { "QS1 ", "\n" }, { "qs1 ", " 0\n" },
		{ "qs1 ", " -5\n" }, { "qs1 ", " 99999999999\n" },
		{ "qs1 ", " 2 2\n" }, { "qs1 ", " 2 3 4 5 6 7 8 9 10\n" },
		{ "qs1 ", "\r\n" }, { "\nqs1 ", "\n" }, { "qs1 ", " 1x\n" },
		{ "qs1 -", "\n" }, { "qs1 ", "\nqs1 1\n" },
	};
	char buf[4096], pre[32], post[64];
	size_t i;
	int n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		forge_around(bad[i][0], bad[i][1]);
		CHECK(session() == scan_n && cache_is(scan_set),
		    "cache \"%s<now>%s\" ignored: scanned, replaced",
		    shown(bad[i][0], pre, sizeof(pre)),
		    shown(bad[i][1], post, sizeof(post)));
	}
	forge("", 0);
	CHECK(session() == scan_n && cache_is(scan_set),
	    "an empty file: ignored, replaced");
	n = snprintf(buf, sizeof(buf), "qs1 %lld\n", (long long)time(NULL));
	forge(buf, (size_t)n + 1);	/* with its NUL */
	CHECK(session() == scan_n && cache_is(scan_set),
	    "a NUL after the line: ignored, replaced");
	memset(buf + n, ' ', sizeof(buf) - (size_t)n);
	forge(buf, sizeof(buf));
	CHECK(session() == scan_n && cache_is(scan_set),
	    "a 4 kB file: ignored, replaced");
}

/* Good content in a file the session must not trust. */
static void
test_untrusted_files(void)
{
	char elsewhere[PATH_MAX], link2[PATH_MAX], line[64], buf[64];
	int n;

	n = snprintf(line, sizeof(line), "qs1 %lld\n", (long long)time(NULL));
	snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", top);
	t_write(elsewhere, line, (size_t)n);
	unlink(cache);
	CHECK(symlink(elsewhere, cache) == 0, "the cache is a symlink");
	CHECK(session() == scan_n, "not followed: scanned");
	CHECK(cache_is(scan_set), "replaced by a regular file");
	CHECK(strcmp(slurp(elsewhere, buf, sizeof(buf)), line) == 0,
	    "the symlink's target is unchanged");

	unlink(cache);
	CHECK(mkfifo(cache, 0600) == 0, "the cache is a FIFO");
	CHECK(session() == scan_n && cache_is(scan_set),
	    "no hang, scanned, replaced");

	forge(line, (size_t)n);
	chmod(cache, 0644);
	CHECK(session() == scan_n && cache_is(scan_set),
	    "a file others may read (0644): ignored, replaced");

	forge(line, (size_t)n);
	snprintf(link2, sizeof(link2), "%s/hardlink", top);
	unlink(link2);
	CHECK(link(cache, link2) == 0, "the cache has a second hard link");
	CHECK(session() == scan_n && cache_is(scan_set),
	    "ignored, replaced");

	if (geteuid() != 0) {
		T_SKIP("a cache owned by another user: needs root to chown");
		return;
	}
	forge(line, (size_t)n);
	CHECK(chown(cache, 65534, 65534) == 0, "the cache belongs to nobody");
	CHECK(session() == scan_n && cache_is(scan_set),
	    "ignored, replaced");
}

/* SECURITY.md: a forged cache cannot make the helper signal a process
 * that is not qmail-send. */
static void
test_forged(void)
{
	pid_t v = spawn();
	int i;

	fake(c, "sh");
	CHECK(v > 0 && fake(v, "postgres") == 0, "a victim process V");
	CHECK(forge_line((long long)time(NULL), v) == 0,
	    "a forged cache naming V");
	CHECK(session() == 0, "V is not kept (its comm is not qmail-send)");
	CHECK(qmailsend_hup() == 0 &&
	    strcmp(qmailsend_status(), "hup: no qmail-send") == 0,
	    "the HUP goes nowhere (%s)", qmailsend_status());
	CHECK(fake(getpid(), "qmail-send") == 0 &&
	    forge_line((long long)time(NULL), getpid()) == 0,
	    "a forged cache naming the helper itself");
	CHECK(session() == 0, "the helper itself is never kept");
	qmailsend_hup();
	for (i = 0; i < 10 && alive(v); i++)
		usleep(10000);
	CHECK(alive(v), "V got no SIGHUP");
	CHECK(self_hups == 0, "neither did the helper");
	fake(getpid(), "test");
	fake(c, "qmail-send");
}

/* An exited, unreaped qmail-send (a zombie): a scan must not keep it,
 * or the cache listing it would fail every check and each session would
 * scan again. */
static void
test_zombie(void)
{
	siginfo_t si;
	pid_t z = fork();

	if (z == 0)
		_exit(0);
	memset(&si, 0, sizeof(si));
	CHECK(z > 0 && waitid(P_PID, (id_t)z, &si, WEXITED | WNOWAIT) == 0,
	    "a zombie Z (exited, not reaped)");
	CHECK(fake(z, "qmail-send") == 0, "Z's comm says qmail-send");
	unlink(cache);
	CHECK(session() == 1, "the scan keeps C only");
	CHECK(cache_is((pid_t[]){ c, -1 }), "the cache lists C, not Z");
	forge_line((long long)time(NULL), z);
	CHECK(session() == 1 && cache_is((pid_t[]){ c, -1 }),
	    "a cache naming Z: rescan, C");
	waitpid(z, NULL, 0);
}

static void
test_no_state_dir(void)
{
	char missing[PATH_MAX];
	struct stat st;

	snprintf(missing, sizeof(missing), "%s/missing", top);
	qmailsend_reset();
	CHECK(qmailsend_session(1, procdir, missing) == 1,
	    "no state-dir: the scan finds C");
	CHECK(stat(missing, &st) < 0 && errno == ENOENT, "nothing created");
	qmailsend_reset();
	CHECK(qmailsend_session(1, procdir, NULL) == 1, "none (NULL): scans");
	qmailsend_reset();
	CHECK(qmailsend_session(1, procdir, "") == 1, "none (\"\"): scans");

	unlink(cache);
	qmailsend_reset();
	CHECK(qmailsend_session(0, procdir, state) == 0,
	    "qmail-send-hup = no: nothing kept");
	CHECK(no_cache(), "and no cache written");

	qmailsend_reset();
	CHECK(qmailsend_prepare(1, procdir) == 1 &&
	    qmailsend_session(1, procdir, state) == 1,
	    "a listener's scan is adopted");
	CHECK(no_cache(), "without the cache");

	if (geteuid() == 0) {
		T_SKIP("an unwritable state-dir: root writes it anyway");
		return;
	}
	CHECK(chmod(state, 0500) == 0, "the state-dir is read-only");
	CHECK(session() == 1, "the scan finds C");
	CHECK(no_cache(), "no cache written");
	chmod(state, 0700);
}

int
main(void)
{
	int i;

	signal(SIGHUP, on_hup);
	if (!CHECK(t_mkdtemp(top, sizeof(top), "qmailsend") == 0, "tmpdir"))
		return T_DONE("test_qmailsend");
	snprintf(procdir, sizeof(procdir), "%s/proc", top);
	snprintf(state, sizeof(state), "%s/state", top);
	snprintf(cache, sizeof(cache), "%s/%s", state, QS_CACHE_FILE);
	a = spawn();
	if (!CHECK(mkdir(procdir, 0755) == 0 && mkdir(state, 0700) == 0 &&
	    a > 0 && fake(a, "qmail-send") == 0 && fake(1, "init") == 0,
	    "fake procdir with qmail-send A, state-dir")) {
		/* nothing to test */
	} else if (syscall(SYS_pidfd_open, getpid(), 0) < 0 &&
	    errno == ENOSYS) {
		T_SKIP("pidfd_open unknown here (valgrind 3.19): no process "
		    "is ever kept; only the file checks run");
		c = spawn();
		fake(c, "qmail-send");
		test_garbage();
		test_untrusted_files();
	} else {
		test_written_and_used();
		test_recycled();
		test_dead();
		test_negative();
		scan_set[0] = c;
		scan_n = 1;
		test_garbage();
		test_untrusted_files();
		test_forged();
		test_zombie();
		test_no_state_dir();
	}
	qmailsend_reset();
	for (i = 0; i < nkids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	t_rm_rf(top);
	return T_DONE("test_qmailsend");
}
