/*
 * test_throttle.c - privhelper/throttle.c: the delay curve, address keys
 * (IPv6 by /64), counting across descriptors and processes, reset on
 * success, ageing, a full table, and hostile state files (short, foreign,
 * corrupt counts, future times, a FIFO, a symlink).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "throttle.h"
#include "unit/t.h"
#include "unit/tdir.h"

#define BASE	100
#define MAX	1600
#define T0	1700000000
#define FSIZE	(32 + THROTTLE_SLOTS * 24)

static char dir[256], path[512];

static int
fresh(void)
{
	unlink(path);
	return throttle_open_dir(dir);
}

static struct throttle_result
rec(int fd, const char *addr, const char *acct, int ok, time_t now)
{
	struct throttle_result r;

	if (throttle_record(fd, addr, acct, ok, now, BASE, MAX, &r) < 0)
		T_INFO("throttle_record: %s", strerror(errno));
	return r;
}

static int
put(int fd, const void *b, size_t n, off_t off)
{
	return pwrite(fd, b, n, off) == (ssize_t)n ? 0 : -1;
}

static off_t
fsize(void)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void
test_curve(void)
{
	CHECK(throttle_delay_ms(0, BASE, MAX) == 0 &&
	    throttle_delay_ms(THROTTLE_FREE, BASE, MAX) == 0,
	    "no delay for the first %d failures", THROTTLE_FREE);
	CHECK(throttle_delay_ms(THROTTLE_FREE + 1, BASE, MAX) == BASE,
	    "then the base delay");
	CHECK(throttle_delay_ms(THROTTLE_FREE + 2, BASE, MAX) == 2 * BASE &&
	    throttle_delay_ms(THROTTLE_FREE + 3, BASE, MAX) == 4 * BASE,
	    "doubling");
	CHECK(throttle_delay_ms(THROTTLE_FREE + 9, BASE, MAX) == MAX &&
	    throttle_delay_ms(THROTTLE_COUNT_MAX, BASE, MAX) == MAX &&
	    throttle_delay_ms(~0u, BASE, MAX) == MAX, "capped");
	CHECK(throttle_delay_ms(THROTTLE_FREE + 1, 5000, 1000) == 1000,
	    "a base above the cap is the cap");
	CHECK(throttle_delay_ms(THROTTLE_FREE + 40, 60000, 300000) == 300000,
	    "no overflow at the largest settings");
}

static void
test_keys(void)
{
	char a[THROTTLE_KEY_MAX], b[THROTTLE_KEY_MAX];

	CHECK(throttle_addr_key("192.0.2.7", a, sizeof(a)) == 0 &&
	    strcmp(a, "192.0.2.7") == 0, "IPv4 key is the address");
	CHECK(throttle_addr_key("2001:db8:1:2:aaaa::1", a, sizeof(a)) == 0 &&
	    throttle_addr_key("2001:db8:1:2:bbbb:cccc:dddd:eeee", b,
	    sizeof(b)) == 0 && strcmp(a, b) == 0 &&
	    strcmp(a, "2001:db8:1:2::/64") == 0,
	    "two IPv6 addresses of one /64 share a key (%s)", a);
	CHECK(throttle_addr_key("2001:db8:1:3::1", b, sizeof(b)) == 0 &&
	    strcmp(a, b) != 0, "another /64 has another key");
	CHECK(throttle_addr_key("::ffff:192.0.2.7", a, sizeof(a)) == 0 &&
	    strcmp(a, "192.0.2.7") == 0, "a v4-mapped address is its IPv4");
	CHECK(throttle_addr_key("unknown", a, sizeof(a)) < 0 &&
	    throttle_addr_key("local", a, sizeof(a)) < 0 &&
	    throttle_addr_key("", a, sizeof(a)) < 0 &&
	    throttle_addr_key("192.0.2.7:89", a, sizeof(a)) < 0,
	    "no address key for unknown, local, empty or ip:port");
}

static void
test_counting(void)
{
	struct throttle_result r;
	int fd = fresh(), fd2, i;
	unsigned last = 0, grew = 1;

	CHECK(fd >= 0, "state file created in the state directory");
	for (i = 0; i < THROTTLE_FREE; i++)
		r = rec(fd, "192.0.2.1", "a@x.com", 0, T0 + i);
	CHECK(r.delay_ms == 0 && r.acct_count == THROTTLE_FREE &&
	    r.addr_count == THROTTLE_FREE, "%d failures cost nothing",
	    THROTTLE_FREE);
	/* a reconnect is a new descriptor (a new process in real life) */
	fd2 = throttle_open_dir(dir);
	close(fd);
	r = rec(fd2, "192.0.2.1", "a@x.com", 0, T0 + 5);
	CHECK(r.acct_count == THROTTLE_FREE + 1 && r.delay_ms == BASE,
	    "the count survives a reconnect: the next failure waits %u ms",
	    r.delay_ms);
	for (i = 0; i < 8; i++) {
		r = rec(fd2, "192.0.2.1", "a@x.com", 0, T0 + 6 + i);
		grew &= r.delay_ms >= last;
		last = r.delay_ms;
	}
	CHECK(grew && last == MAX, "the delay grows to the cap (%u)", last);
	r = rec(fd2, "192.0.2.1", "a@x.com", 1, T0 + 20);
	CHECK(r.delay_ms == MAX && r.acct_count == 0,
	    "a success waits like a failure would, then clears the account");
	r = rec(fd2, "198.51.100.9", "a@x.com", 0, T0 + 21);
	CHECK(r.acct_count == 1 && r.delay_ms == 0,
	    "after the success the account starts again");
	r = rec(fd2, "192.0.2.1", "b@x.com", 0, T0 + 22);
	CHECK(r.addr_count == THROTTLE_FREE + 10 && r.delay_ms == MAX,
	    "a success does not forgive the address (%u failures)",
	    r.addr_count);
	close(fd2);
}

static void
test_grouping(void)
{
	struct throttle_result r;
	char acct[32], key[THROTTLE_KEY_MAX];
	int fd = fresh(), i;

	/* one attacker walking through its /64, a new account each time */
	for (i = 0; i < 6; i++) {
		char ip[64];

		snprintf(ip, sizeof(ip), "2001:db8:0:7:%x::1", i + 1);
		snprintf(acct, sizeof(acct), "u%d@x.com", i);
		throttle_addr_key(ip, key, sizeof(key));
		r = rec(fd, key, acct, 0, T0 + i);
	}
	CHECK(r.addr_count == 6 && r.acct_count == 1 &&
	    r.delay_ms == throttle_delay_ms(6, BASE, MAX),
	    "failures from one /64 add up across accounts (%u)",
	    r.addr_count);
	for (i = 0; i < 5; i++)
		r = rec(fd, NULL, "victim@x.com", 0, T0 + 10 + i);
	CHECK(r.acct_count == 5 && r.addr_count == 0 &&
	    r.delay_ms == throttle_delay_ms(5, BASE, MAX),
	    "without an address the account counter alone applies");
	close(fd);
}

static void
test_ageing(void)
{
	struct throttle_result r;
	int fd = fresh(), i;

	for (i = 0; i < 6; i++)
		r = rec(fd, "192.0.2.2", "old@x.com", 0, T0);
	r = rec(fd, "192.0.2.2", "old@x.com", 0, T0 + THROTTLE_WINDOW - 1);
	CHECK(r.acct_count == 7, "within the window the count stays");
	r = rec(fd, "192.0.2.2", "old@x.com", 0,
	    T0 + 2 * THROTTLE_WINDOW);
	CHECK(r.acct_count == 1 && r.addr_count == 1 && r.delay_ms == 0,
	    "after the window the counts have expired");
	close(fd);
}

static void
test_full(void)
{
	struct throttle_result r;
	char acct[32];
	int fd = fresh(), i, evicted = 0, errors = 0;

	for (i = 0; i < 3 * THROTTLE_SLOTS; i++) {
		snprintf(acct, sizeof(acct), "spray%d@x.com", i);
		if (throttle_record(fd, NULL, acct, 0, T0 + i / 64, BASE, MAX,
		    &r) < 0)
			errors++;
		evicted += r.evicted;
	}
	CHECK(errors == 0 && evicted > 0, "a sprayed table evicts (%d) and "
	    "never fails", evicted);
	CHECK(fsize() == FSIZE, "the file keeps its fixed size (%lld)",
	    (long long)fsize());
	for (i = 0; i < 5; i++)
		r = rec(fd, NULL, "target@x.com", 0, T0 + 3 * THROTTLE_SLOTS);
	CHECK(r.acct_count == 5, "a fresh key is still counted in a full "
	    "table");
	close(fd);
}

static void
test_hostile_files(void)
{
	struct throttle_result r;
	unsigned char b[24];
	int fd, i, bad = 0;

	fd = fresh();
	close(fd);
	t_write(path, "junk", 4);
	fd = throttle_open_dir(dir);
	r = rec(fd, "192.0.2.3", "c@x.com", 0, T0);
	CHECK(r.acct_count == 1 && fsize() == FSIZE,
	    "a short file is reinitialised to the fixed size");
	close(fd);

	fd = open(path, O_WRONLY | O_CLOEXEC);
	memset(b, 0xff, sizeof(b));
	for (i = 0; i < THROTTLE_SLOTS; i++)
		bad |= put(fd, b, sizeof(b), 32 + (off_t)i * 24);
	close(fd);
	fd = throttle_open_dir(dir);
	r = rec(fd, "192.0.2.3", "c@x.com", 0, T0);
	CHECK(r.delay_ms <= MAX, "slots of 0xff (huge counts, times in the "
	    "future) never give more than the cap (%u ms, count %u)",
	    r.delay_ms, r.acct_count);
	CHECK(r.acct_count == 1, "an entry dated in the future is not "
	    "trusted");
	close(fd);

	fd = open(path, O_WRONLY | O_CLOEXEC);
	bad |= put(fd, "XXXXXXXX", 8, 0);
	for (i = 0; i < 1000; i++)
		bad |= put(fd, b, sizeof(b), FSIZE + (off_t)i * 24);
	close(fd);
	fd = throttle_open_dir(dir);
	r = rec(fd, "192.0.2.3", "c@x.com", 0, T0);
	CHECK(r.acct_count == 1, "a foreign header is reinitialised");
	CHECK(fsize() == FSIZE + 24000, "bytes past the table are never "
	    "read nor grown");
	close(fd);

	CHECK(bad == 0, "the hostile contents were planted");
	unlink(path);
	if (mkfifo(path, 0600) == 0) {
		alarm(5);
		fd = throttle_open_dir(dir);
		alarm(0);
		CHECK(fd < 0, "a FIFO in place of the file is refused without "
		    "hanging");
		unlink(path);
	} else
		T_SKIP("mkfifo: %s", strerror(errno));
	if (symlink("/etc/passwd", path) == 0) {
		fd = throttle_open_dir(dir);
		CHECK(fd < 0 && errno == ELOOP, "a symlink in place of the "
		    "file is not followed");
		unlink(path);
	}
	CHECK(throttle_open_dir("/nonexistent-vpop-state") < 0 &&
	    errno == ENOENT, "a missing state directory is ENOENT");
}

static void
test_processes(void)
{
	struct throttle_result r;
	int fd = fresh(), i, j, status, ok = 1;
	pid_t pid;

	close(fd);
	for (i = 0; i < 8; i++) {
		if ((pid = fork()) == 0) {
			int cfd = throttle_open_dir(dir);

			for (j = 0; j < 25; j++)
				if (throttle_record(cfd, "192.0.2.9",
				    "shared@x.com", 0, T0, BASE, MAX, &r) < 0)
					_exit(1);
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	fd = throttle_open_dir(dir);
	r = rec(fd, "192.0.2.9", "shared@x.com", 0, T0);
	CHECK(ok && r.acct_count == 201 && r.addr_count == 201,
	    "8 processes x 25 failures under the lock: no update lost (%u)",
	    r.acct_count);
	close(fd);
}

int
main(void)
{
	signal(SIGALRM, SIG_DFL);
	if (t_mkdtemp(dir, sizeof(dir), "throttle") < 0) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, THROTTLE_FILE);
	test_curve();
	test_keys();
	test_counting();
	test_grouping();
	test_ageing();
	test_full();
	test_hostile_files();
	test_processes();
	t_rm_rf(dir);
	return T_DONE("test_throttle");
}
