/*
 * sbt.h - shared helpers of the tests in tests/sandbox: result lines in
 * the format tests/run.sh sums, forking a child that confines itself and
 * then attempts one action, and reading /proc/<pid>/status. Header-only so
 * that each test in tests/sandbox stays a self-contained binary.
 */
#ifndef SBT_H
#define SBT_H

#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SBT_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SBT_SANITIZED	1
#endif
#endif

#ifdef SBT_SANITIZED
/* LeakSanitizer's exit-time thread would trip the filters; the daemon's
 * harness sets the same via ASAN_OPTIONS. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

#define SBT_SETUP_FAILED	255	/* child: the sandbox call failed */
#define SBT_PRE_FAILED		254	/* child: preparation failed */
#define SBT_TIMEOUT		20	/* seconds before a child is killed */

static int sbt_passed, sbt_failed;

__attribute__((format(printf, 2, 3)))
static inline void
sbt_check(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (cond)
		sbt_passed++;
	else
		sbt_failed++;
}

__attribute__((format(printf, 1, 2)))
static inline void
sbt_skip(const char *fmt, ...)
{
	va_list ap;

	printf("skip - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int
sbt_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, sbt_passed, sbt_failed);
	return sbt_failed == 0 ? 0 : 1;
}

/* An action's result as a child exit code: 0 success, else errno. */
static inline int
sbt_rc(long rc)
{
	if (rc != -1)
		return 0;
	return errno > 0 && errno < SBT_PRE_FAILED ? errno : 1;
}

typedef int (*sbt_fn)(void *);

/*
 * Forks; the child runs pre (before confinement, may be NULL), then
 * apply, then act, and exits with act's result. Returns the wait status.
 */
static inline int
sbt_run(sbt_fn pre, sbt_fn apply, sbt_fn act, void *arg)
{
	pid_t pid;
	int st;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		alarm(SBT_TIMEOUT);
		if (pre != NULL && pre(arg) != 0)
			_exit(SBT_PRE_FAILED);
		if (apply(arg) != 0)
			_exit(SBT_SETUP_FAILED);
		_exit(act(arg));
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			perror("waitpid");
			exit(2);
		}
	return st;
}

/* Describes a wait status in words, for the result line. */
static inline const char *
sbt_how(int st, char *buf, size_t len)
{
	if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by %s", strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == SBT_SETUP_FAILED)
		snprintf(buf, len, "sandbox setup failed");
	else if (WIFEXITED(st) && WEXITSTATUS(st) == SBT_PRE_FAILED)
		snprintf(buf, len, "test preparation failed");
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		snprintf(buf, len, "succeeded");
	else if (WIFEXITED(st))
		snprintf(buf, len, "failed: %s", strerror(WEXITSTATUS(st)));
	else
		snprintf(buf, len, "status %#x", st);
	return buf;
}

static inline int
sbt_sigsys(int st)
{
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

/* The action failed with an errno (not a setup problem). */
static inline int
sbt_errno(int st)
{
	return WIFEXITED(st) && WEXITSTATUS(st) != 0 &&
	    WEXITSTATUS(st) < SBT_PRE_FAILED;
}

/* Copies the value of "key:" from /proc/pid/status (tabs kept). */
static inline int
sbt_status(pid_t pid, const char *key, char *out, size_t outlen)
{
	char path[64], line[512];
	size_t klen = strlen(key);
	FILE *f;
	int found = -1;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, outlen, "%s", line + klen + 1);
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

/* A capability field of /proc/pid/status as a number (~0 if missing). */
static inline unsigned long long
sbt_capfield(pid_t pid, const char *key)
{
	char v[128];

	if (sbt_status(pid, key, v, sizeof(v)) == -1)
		return ~0ULL;
	return strtoull(v, NULL, 16);
}

/*
 * A child that confines itself, writes one byte to ready[1] and blocks on
 * release[0] until the parent closes it; used to inspect it from /proc.
 */
struct sbt_alive {
	int	ready[2];
	int	release[2];
	pid_t	pid;
};

static inline int
sbt_alive_start(struct sbt_alive *a, sbt_fn apply, void *arg)
{
	char c;

	if (pipe(a->ready) == -1 || pipe(a->release) == -1)
		return -1;
	fflush(stdout);
	if ((a->pid = fork()) == -1)
		return -1;
	if (a->pid == 0) {
		alarm(SBT_TIMEOUT);
		close(a->ready[0]);
		close(a->release[1]);
		if (apply(arg) != 0)
			_exit(SBT_SETUP_FAILED);
		if (write(a->ready[1], "r", 1) != 1)
			_exit(3);
		if (read(a->release[0], &c, 1) != 0)
			_exit(4);
		_exit(0);
	}
	close(a->ready[1]);
	close(a->release[0]);
	return read(a->ready[0], &c, 1) == 1 ? 0 : -1;
}

/* Lets the child go; returns its wait status. */
static inline int
sbt_alive_stop(struct sbt_alive *a)
{
	int st;

	close(a->release[1]);
	close(a->ready[0]);
	if (waitpid(a->pid, &st, 0) == -1)
		return -1;
	return st;
}

#endif
