/*
 * qmailsend.c - finding qmail-send by its comm and signalling it by
 * pidfd (see qmailsend.h). No exec, no ps, no pattern matching on
 * command lines: only a process that calls itself exactly "qmail-send"
 * qualifies.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "fs.h"
#include "qmailsend.h"

#define QS_COMM		"qmail-send"

static int	qs_enabled;
static int	qs_n;
static int	qs_fd[QS_MAX];
static pid_t	qs_pid[QS_MAX];	/* of each kept pidfd, to compare scans */
static int	qs_scanned;	/* a scan ran here or in an ancestor */
static time_t	qs_when;	/* CLOCK_MONOTONIC seconds of that scan */
static char	qs_status[QS_STATUS_MAX];

static int
is_pid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* 1 when <procdir>/<pid>/comm is exactly "qmail-send". */
static int
comm_is_qmail_send(int procfd, const char *pid)
{
	char path[64], buf[32];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/comm", pid) >= (int)sizeof(path))
		return 0;
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, QS_COMM) == 0;
}

static int
pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* 1 when the process of a pidfd has exited (reaped or not): its pidfd
 * polls readable. */
static int
pidfd_ended(int fd)
{
	struct pollfd pfd;

	pfd.fd = fd;
	pfd.events = POLLIN;
	return poll(&pfd, 1, 0) != 0;
}

/* Keeps a pidfd of pid when it still is qmail-send once pinned: the
 * second look at comm is of the process the pidfd refers to. Not a
 * zombie: a HUP would go nowhere, and its pidfd polls readable, which
 * would make every later check (listener, cache) scan again. */
static void
keep(int procfd, const char *name)
{
	long pid = strtol(name, NULL, 10);
	int fd;

	if (pid <= 0 || pid == (long)getpid() || pid > 0x7fffffffL)
		return;
	if (!comm_is_qmail_send(procfd, name))
		return;
	if ((fd = pidfd_open_((pid_t)pid)) < 0)
		return;
	if (!comm_is_qmail_send(procfd, name) || pidfd_ended(fd)) {
		close(fd);
		return;
	}
	qs_pid[qs_n] = (pid_t)pid;
	qs_fd[qs_n++] = fd;
}

static time_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int
qmailsend_prepare(int enabled, const char *procdir)
{
	struct dirent *de;
	DIR *d;
	int procfd;

	qmailsend_reset();
	qs_enabled = enabled;
	qs_scanned = 1;
	qs_when = now_s();
	if (!enabled)
		return 0;
	if ((d = opendir(procdir)) == NULL)
		return 0;
	procfd = dirfd(d);
	while (qs_n < QS_MAX && (de = readdir(d)) != NULL)
		if (is_pid(de->d_name))
			keep(procfd, de->d_name);
	closedir(d);
	return qs_n;
}

/* 1 when a kept process has ended: its pidfd polls readable. */
static int
any_ended(void)
{
	struct pollfd pfd[QS_MAX];
	int i;

	for (i = 0; i < qs_n; i++) {
		pfd[i].fd = qs_fd[i];
		pfd[i].events = POLLIN;
	}
	return qs_n > 0 && poll(pfd, (nfds_t)qs_n, 0) > 0;
}

static int
same_set(const pid_t *old, int nold)
{
	int i, j;

	if (nold != qs_n)
		return 0;
	for (i = 0; i < qs_n; i++) {
		for (j = 0; j < nold && old[j] != qs_pid[i]; j++)
			;
		if (j == nold)
			return 0;
	}
	return 1;
}

int
qmailsend_refresh(int enabled, const char *procdir)
{
	pid_t old[QS_MAX];
	int nold = qs_n, was = qs_enabled, ended;

	ended = any_ended();
	if (qs_scanned && enabled == qs_enabled && !ended &&
	    (qs_n > 0 || !enabled || now_s() - qs_when < QS_RESCAN_SECS))
		return 0;
	memcpy(old, qs_pid, sizeof(old));
	qmailsend_prepare(enabled, procdir);
	return ended || was != enabled || !same_set(old, nold);
}

/* ---- the pid cache of state-dir (qmailsend.h) ---- */

#define QS_CACHE_MAGIC	"qs1 "
#define QS_CACHE_SIZE	256	/* a longer file is not ours: ignored */

/* A decimal number without sign or leading zero, 1..max; advances *p. */
static int
cache_num(const char **p, long long max, long long *out)
{
	const char *s = *p;
	long long v = 0;

	if (*s < '1' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	*p = s;
	*out = v;
	return 0;
}

/* "qs1 <time>[ <pid>]...\n", nothing else, at most QS_MAX distinct
 * pids. The count, or -1 for anything else (a torn or foreign file). */
static int
cache_parse(const char *buf, size_t len, long long *when, pid_t *pid)
{
	const char *p = buf, *end = buf + len;
	long long v;
	int n = 0, i;

	if (len < sizeof(QS_CACHE_MAGIC) || end[-1] != '\n' ||
	    memchr(buf, '\0', len) != NULL ||
	    memcmp(p, QS_CACHE_MAGIC, strlen(QS_CACHE_MAGIC)) != 0)
		return -1;
	p += strlen(QS_CACHE_MAGIC);
	if (cache_num(&p, 0x7fffffffffffLL, when) < 0)
		return -1;
	while (*p == ' ') {
		p++;
		if (n == QS_MAX || cache_num(&p, 0x7fffffffLL, &v) < 0)
			return -1;
		for (i = 0; i < n; i++)
			if (pid[i] == (pid_t)v)
				return -1;
		pid[n++] = (pid_t)v;
	}
	return p == end - 1 ? n : -1;
}

/* The cache's bytes, only from a regular file of ours that nobody else
 * may write, reached without a symlink; O_NONBLOCK: a planted FIFO must
 * not hang the session. Its length, or -1. */
static ssize_t
cache_read(int statefd, char *buf, size_t size)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = fs_open_beneath(statefd, QS_CACHE_FILE, O_RDONLY | O_NONBLOCK |
	    O_NOCTTY, 0);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0 ||
	    st.st_nlink != 1 || st.st_size >= (off_t)size) {
		close(fd);
		return -1;
	}
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n >= (ssize_t)size ? -1 : n;
}

/* A pidfd of pid when it is qmail-send: the pidfd first, then comm, then
 * the pidfd must still be of a live process - so comm was read while
 * the pid was still that process's, not a recycled one's. */
static int
cache_verify(int procfd, pid_t pid)
{
	char name[16];
	int fd;

	if (pid == getpid() || (fd = pidfd_open_(pid)) < 0)
		return -1;
	snprintf(name, sizeof(name), "%ld", (long)pid);
	if (!comm_is_qmail_send(procfd, name) || pidfd_ended(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Adopts the cached set when it is fresh and every pid verifies (an
 * empty set: for QS_RESCAN_SECS only). 0, or -1: scan. */
static int
cache_load(int statefd, const char *procdir)
{
	char buf[QS_CACHE_SIZE];
	pid_t pid[QS_MAX];
	long long when, age;
	ssize_t len;
	int n, i, fd, procfd;

	if ((len = cache_read(statefd, buf, sizeof(buf))) <= 0 ||
	    (n = cache_parse(buf, (size_t)len, &when, pid)) < 0)
		return -1;
	age = (long long)time(NULL) - when;
	if (age < 0 || age >= (n == 0 ? QS_RESCAN_SECS : QS_CACHE_SECS))
		return -1;
	if (n == 0)
		return 0;
	procfd = open(procdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((fd = cache_verify(procfd, pid[i])) < 0)
			break;
		qs_pid[qs_n] = pid[i];
		qs_fd[qs_n++] = fd;
	}
	close(procfd);
	if (i < n) {
		while (qs_n > 0)
			close(qs_fd[--qs_n]);
		return -1;
	}
	return 0;
}

/* Appends sep and v to buf (QS_CACHE_SIZE bytes); -1 when it does not
 * fit, and then nothing is written. */
static int
cache_put(char *buf, size_t *len, const char *sep, long long v)
{
	size_t room = QS_CACHE_SIZE - *len;
	int k = snprintf(buf + *len, room, "%s%lld", sep, v);

	if (k < 0 || (size_t)k >= room)
		return -1;
	*len += (size_t)k;
	return 0;
}

/* Replaces the cache with the scan made at `when`. Best effort: the
 * cache only saves the next session a scan. No lock: every writer
 * writes a whole scan, and a stale one fails verification or expires. */
static void
cache_store(int statefd, time_t when)
{
	struct atomic_file af;
	char buf[QS_CACHE_SIZE];
	size_t len = 0;
	int i;

	if (cache_put(buf, &len, QS_CACHE_MAGIC, (long long)when) < 0)
		return;
	for (i = 0; i < qs_n; i++)
		if (cache_put(buf, &len, " ", (long long)qs_pid[i]) < 0)
			return;
	if (len + 1 >= sizeof(buf))
		return;
	buf[len++] = '\n';
	if (atomic_begin(statefd, QS_CACHE_FILE, (uid_t)-1, (gid_t)-1, 0600,
	    &af) < 0)
		return;
	if (atomic_write(&af, buf, len) < 0) {
		atomic_abort(&af);
		return;
	}
	(void)atomic_commit(&af);
}

int
qmailsend_session(int enabled, const char *procdir, const char *state_dir)
{
	time_t when;
	int statefd;

	if (qs_scanned) {
		/* the listener scanned with this configuration's setting */
		if (!enabled)
			qmailsend_reset();
		qs_enabled = enabled;
		return qs_n;
	}
	if (!enabled || state_dir == NULL || *state_dir == '\0')
		return qmailsend_prepare(enabled, procdir);
	statefd = open(state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (statefd < 0)
		return qmailsend_prepare(enabled, procdir);
	qmailsend_reset();
	if (cache_load(statefd, procdir) == 0) {
		qs_enabled = 1;
		qs_scanned = 1;
		qs_when = now_s();
		close(statefd);
		return qs_n;
	}
	when = time(NULL);
	qmailsend_prepare(enabled, procdir);
	cache_store(statefd, when);
	close(statefd);
	return qs_n;
}

int
qmailsend_hup(void)
{
	int i, sent = 0, e = 0;

	if (!qs_enabled) {
		snprintf(qs_status, sizeof(qs_status), "hup disabled");
		return 0;
	}
	for (i = 0; i < qs_n; i++) {
		if (syscall(SYS_pidfd_send_signal, qs_fd[i], SIGHUP, NULL,
		    0) == 0)
			sent++;
		else
			e = errno;
	}
	if (qs_n == 0)
		snprintf(qs_status, sizeof(qs_status), "hup: no qmail-send");
	else if (sent == qs_n)
		snprintf(qs_status, sizeof(qs_status), "hup %d/%d", sent, qs_n);
	else
		snprintf(qs_status, sizeof(qs_status), "hup %d/%d: %s", sent,
		    qs_n, strerror(e));
	return sent == qs_n ? 0 : -1;
}

const char *
qmailsend_status(void)
{
	return qs_status;
}

void
qmailsend_reset(void)
{
	while (qs_n > 0)
		close(qs_fd[--qs_n]);
	qs_enabled = 0;
	qs_scanned = 0;
	qs_status[0] = '\0';
}
