/*
 * test_limits_daemon.c - set_limits and del_limits through the real
 * daemon where a transcript cannot reach: two sessions whose bodies
 * overlap (each body is applied at its '.' to the file as it is then,
 * so edits of different keys both survive), the limits lock (a writer
 * waits while another holds the domain directory's flock), and the
 * owner and mode of the written file.
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
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_storage_util.h"
#include "unit/test_domain_daemon.h"

#define LIMITS	"home/vpopmail/domains/example.com/.qmailadmin-limits"

static char *
p(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	return ts_path(buf[i], sizeof(buf[i]), "%s/%s", top, name);
}

static int
send_line(struct daemon *d, const char *line)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%s\r\n", line);

	return write(d->fd, buf, (size_t)n) == n ? 0 : -1;
}

/* 1 when nothing arrives from d within ms milliseconds. */
static int
quiet(struct daemon *d, int ms)
{
	struct pollfd pfd = { d->fd, POLLIN, 0 };

	return d->len == 0 && poll(&pfd, 1, ms) == 0;
}

static int
session(struct daemon *d)
{
	if (start_daemon(d, NULL) < 0)
		return -1;
	if (strcmp(read_line(d) ?: "", "+OK ") != 0 ||
	    !say(d, "slogin admin@example.com secret", "+OK "))
		return -1;
	return 0;
}

static int
file_has(const char *rel, const char *needle)
{
	char *s = ts_slurp(p(rel), 4096, NULL);
	int ok = s != NULL && strstr(s, needle) != NULL;

	free(s);
	return ok;
}

static void
test_overlap(void)
{
	struct daemon a, b;

	if (!CHECK(session(&a) == 0 && session(&b) == 0, "two SA sessions"))
		return;
	CHECK(say(&a, "set_limits example.com", "+OK "), "A opens a body");
	CHECK(send_line(&a, "max_aliases 5") == 0, "A: max_aliases 5");
	CHECK(say(&b, "set_limits example.com", "+OK "), "B opens a body");
	CHECK(send_line(&b, "max_forwards 6") == 0, "B: max_forwards 6");
	CHECK(say(&b, ".", "+OK "), "B ends first and is saved");
	CHECK(file_has(LIMITS, "maxaliases: -1\nmaxforwards: 6\n"),
	    "B's value in the file, A's not yet");
	CHECK(say(&a, ".", "+OK "), "A ends");
	CHECK(file_has(LIMITS, "maxaliases: 5\nmaxforwards: 6\n"),
	    "both edits survive: A applied over B's file");
	CHECK(say(&a, "quit", "+OK ") && say(&b, "quit", "+OK "), "quit");
	CHECK(stop_daemon(&a) && stop_daemon(&b), "both exit 0");
}

static void
test_lock(void)
{
	struct daemon d;
	struct stat st;
	int dirfd;

	if (!CHECK(session(&d) == 0, "SA session"))
		return;
	dirfd = open(p("home/vpopmail/domains/example.com"),
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(dirfd >= 0 && flock(dirfd, LOCK_EX) == 0,
	    "the test holds the domain directory's flock");
	CHECK(say(&d, "set_limits example.com", "+OK "), "body opened");
	CHECK(send_line(&d, "max_autoresponders 7") == 0 &&
	    send_line(&d, ".") == 0, "body sent");
	CHECK(quiet(&d, 700), "no answer while the lock is held");
	CHECK(!file_has(LIMITS, "maxautoresponders: 7\n"),
	    "nothing written while the lock is held");
	close(dirfd);		/* releases the flock */
	CHECK(strcmp(read_line(&d) ?: "", "+OK ") == 0,
	    "answered +OK once the lock is free");
	CHECK(file_has(LIMITS, "maxautoresponders: 7\n"), "then written");

	CHECK(stat(p(LIMITS), &st) == 0 && (st.st_mode & 07777) == 0600,
	    "mode 0600 (%o)", st.st_mode & 07777);
	if (geteuid() == 0)
		CHECK(st.st_uid == 89 && st.st_gid == 89,
		    "owner is the domain's 89:89 (%u:%u)",
		    (unsigned)st.st_uid, (unsigned)st.st_gid);
	else
		T_SKIP("owner not checked: not root (files are never "
		    "chowned then)");
	CHECK(ts_count_temps(p("home/vpopmail/domains/example.com")) == 0,
	    "no temporary left");

	/* del_limits waits for the lock too */
	dirfd = open(p("home/vpopmail/domains/example.com"),
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(dirfd >= 0 && flock(dirfd, LOCK_EX) == 0, "lock again");
	CHECK(send_line(&d, "del_limits example.com") == 0, "del_limits");
	CHECK(quiet(&d, 700) && access(p(LIMITS), F_OK) == 0,
	    "del_limits waits, the file stays");
	close(dirfd);
	CHECK(strcmp(read_line(&d) ?: "", "+OK ") == 0 &&
	    access(p(LIMITS), F_OK) < 0 && errno == ENOENT,
	    "then removes it");
	CHECK(say(&d, "quit", "+OK ") && stop_daemon(&d), "quit, exit 0");
}

int
main(void)
{
	char bin[PATH_MAX + 32];

	signal(SIGPIPE, SIG_IGN);
	if (find_build() < 0 || ts_fixtures() == NULL) {
		CHECK(0, "find the build directory and the fixtures");
		return T_DONE("test_limits_daemon");
	}
	snprintf(bin, sizeof(bin), "%s/vpopmaild", build);
	if (access(bin, X_OK) < 0) {
		T_SKIP("no %s (make tests builds it)", bin);
		return T_DONE("test_limits_daemon");
	}
	if (!CHECK(setup_tree("small", "limitsd", "") == 0,
	    "fixture and config"))
		return T_DONE("test_limits_daemon");
	test_overlap();
	test_lock();
	t_rm_rf(top);
	return T_DONE("test_limits_daemon");
}
