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
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

/* Keeps a pidfd of pid when it still is qmail-send once pinned: the
 * second look at comm is of the process the pidfd refers to. */
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
	if (!comm_is_qmail_send(procfd, name)) {
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

int
qmailsend_session(int enabled, const char *procdir)
{
	if (!qs_scanned)
		return qmailsend_prepare(enabled, procdir);
	/* the listener scanned with this configuration's setting */
	if (!enabled)
		qmailsend_reset();
	qs_enabled = enabled;
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
