/*
 * test_domain_hup.c - D10 (STORAGE.md 14.2): the real daemon, on a
 * rerooted small tree, sends qmail-send exactly one SIGHUP after each of
 * add_domain, add_alias_domain and del_domain, and none with
 * --qmail-send-hup=no. The qmail-send here is a stub child of this test
 * that names itself "qmail-send" (PR_SET_NAME) and logs the sender pid
 * of every SIGHUP, so HUPs from other daemons running at the same time
 * are told apart from ours. The audit records say what the HUP did.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"
#include "unit/test_domain_daemon.h"

static int log_fd = -1;

static char *
p(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, name);
}

/* ---- the stub qmail-send ---- */

static void
on_hup(int sig, siginfo_t *si, void *uc)
{
	char buf[24];
	int n = (int)sizeof(buf);
	long v = (long)si->si_pid;

	(void)sig;
	(void)uc;
	buf[--n] = '\n';
	do
		buf[--n] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && n > 0);
	(void)!write(log_fd, buf + n, sizeof(buf) - (size_t)n);
}

static pid_t
start_stub(void)
{
	struct sigaction sa;
	int ready[2];
	pid_t pid;
	char c;

	if (pipe(ready) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(ready[0]);
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_hup;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigaction(SIGHUP, &sa, NULL);
		prctl(PR_SET_NAME, "qmail-send", 0, 0, 0);
		(void)!write(ready[1], "r", 1);
		close(ready[1]);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		pid = -1;
	close(ready[0]);
	return pid;
}

/* HUPs the stub logged from sender pid. */
static int
hups_from(pid_t sender)
{
	char *s = ts_slurp(p("hup.log"), 1 << 20, NULL), *q;
	int n = 0;

	for (q = s; q != NULL && *q; q += strcspn(q, "\n") + 1) {
		if (strtol(q, NULL, 10) == (long)sender)
			n++;
		if (q[strcspn(q, "\n")] == '\0')
			break;
	}
	free(s);
	return n;
}

/* Waits up to 2 s for want HUPs, then half a second more for extras. */
static int
wait_hups(pid_t sender, int want)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < 100 && hups_from(sender) < want; i++)
		nanosleep(&ts, NULL);
	for (i = 0; i < 25; i++)
		nanosleep(&ts, NULL);
	return hups_from(sender);
}

static int
setup(void)
{
	if (setup_tree("small", "hup", "") < 0)
		return -1;
	log_fd = open(p("hup.log"), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600);
	return log_fd < 0 ? -1 : 0;
}

static int
audit_has(const char *a, const char *b)
{
	char *s = ts_slurp(p("audit.log"), 1 << 20, NULL), *q;
	int found = 0;

	for (q = s; q != NULL && *q && !found; q += strcspn(q, "\n") + 1) {
		size_t len = strcspn(q, "\n");

		found = memmem(q, len, a, strlen(a)) != NULL &&
		    memmem(q, len, b, strlen(b)) != NULL;
		if (q[len] == '\0')
			break;
	}
	free(s);
	return found;
}

static void
test_hups(void)
{
	struct daemon d;

	if (!CHECK(start_daemon(&d, "--qmail-send-hup=yes") == 0,
	    "start the daemon"))
		return;
	CHECK(strcmp(read_line(&d) ?: "", "+OK ") == 0, "greeting");
	CHECK(say(&d, "slogin admin@example.com secret", "+OK "), "login SA");
	CHECK(wait_hups(d.pid, 0) == 0, "no HUP for a login");
	CHECK(say(&d, "add_domain hup.example pw", "+OK "), "add_domain");
	CHECK(wait_hups(d.pid, 1) == 1, "exactly one HUP after add_domain");
	CHECK(say(&d, "add_alias_domain hup.example al.hup.example", "+OK "),
	    "add_alias_domain");
	CHECK(wait_hups(d.pid, 2) == 2,
	    "exactly one more after add_alias_domain");
	CHECK(say(&d, "add_domain ex_ample.com pw",
	    "-ERR 0.804 Invalid domain name"), "a refused add_domain");
	CHECK(wait_hups(d.pid, 2) == 2, "no HUP for a refused change");
	CHECK(say(&d, "del_domain hup.example", "+OK "), "del_domain");
	CHECK(wait_hups(d.pid, 3) == 3, "exactly one more after del_domain");
	CHECK(say(&d, "quit", "+OK "), "quit");
	CHECK(stop_daemon(&d), "the daemon exits 0");
	CHECK(audit_has("\"add_domain\"", "hup ") &&
	    audit_has("\"del_domain\"", "hup "),
	    "the audit records say what the HUP did");
}

static void
test_disabled(void)
{
	struct daemon d;

	if (!CHECK(start_daemon(&d, "--qmail-send-hup=no") == 0,
	    "start the daemon with --qmail-send-hup=no"))
		return;
	CHECK(strcmp(read_line(&d) ?: "", "+OK ") == 0, "greeting");
	CHECK(say(&d, "slogin admin@example.com secret", "+OK "), "login SA");
	CHECK(say(&d, "add_domain hup2.example pw", "+OK "), "add_domain");
	CHECK(say(&d, "del_domain hup2.example", "+OK "), "del_domain");
	CHECK(wait_hups(d.pid, 1) == 0, "no HUP when disabled");
	CHECK(say(&d, "quit", "+OK "), "quit");
	CHECK(stop_daemon(&d), "the daemon exits 0");
	CHECK(audit_has("\"add_domain\"", "hup disabled"),
	    "the audit record says the HUP is disabled");
}

int
main(void)
{
	char bin[PATH_MAX + 32];
	pid_t stub;

	signal(SIGPIPE, SIG_IGN);
	if (find_build() < 0 || ts_fixtures() == NULL) {
		CHECK(0, "find the build directory and the fixtures");
		return T_DONE("test_domain_hup");
	}
	snprintf(bin, sizeof(bin), "%s/vpopmaild", build);
	if (access(bin, X_OK) < 0) {
		T_SKIP("no %s (make tests builds it)", bin);
		return T_DONE("test_domain_hup");
	}
	if (!CHECK(setup() == 0, "fixture and config"))
		return T_DONE("test_domain_hup");
	stub = start_stub();
	if (CHECK(stub > 0, "the qmail-send stub runs")) {
		test_hups();
		test_disabled();
		kill(stub, SIGKILL);
		waitpid(stub, NULL, 0);
	}
	close(log_fd);
	t_rm_rf(top);
	return T_DONE("test_domain_hup");
}
