/*
 * landlock.c - filesystem confinement with Landlock. sb_landlock_abi() and
 * sb_landlock_rules() (a list of paths and rights: the listener) are
 * public; sb_landlock_deny_all() (frontend: no filesystem at all) and
 * sb_landlock_beneath() (helper: only its trees) are for sandbox.c.
 *
 * Debian 12's <linux/landlock.h> predates several rights the running kernel
 * may enforce, so they are defined here; what a ruleset handles is always
 * masked to the kernel's ABI so that newer rights are used when present and
 * older kernels do not reject the ruleset. Without Landlock (ABI 0) these
 * functions succeed without doing anything: seccomp, chroot and the uid
 * switch still hold, and callers can see the gap via sb_landlock_abi().
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "sb_internal.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER		(1ULL << 13)	/* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE		(1ULL << 14)	/* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV		(1ULL << 15)	/* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP		(1ULL << 0)	/* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP		(1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)	/* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL			(1ULL << 1)
#endif

/* The ABI 1 rights: EXECUTE through MAKE_SYM. */
#define SB_LL_FS_V1	((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)

/*
 * The kernel's struct landlock_ruleset_attr as of ABI 6. Older kernels are
 * given only the prefix they know (attr_size()), since they reject a
 * larger struct unless its extra bytes are zero.
 */
struct sb_ll_attr {
	uint64_t	handled_fs;
	uint64_t	handled_net;	/* ABI 4 */
	uint64_t	scoped;		/* ABI 6 */
};

static int cached_abi = -1;

int
sb_landlock_abi(void)
{
	long v;

	if (cached_abi >= 0)
		return cached_abi;
	v = syscall(__NR_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	cached_abi = v > 0 && v < 1000 ? (int)v : 0;
	return cached_abi;
}

static uint64_t
fs_rights(int abi)
{
	uint64_t r = SB_LL_FS_V1;

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

static size_t
attr_size(int abi)
{
	if (abi >= 6)
		return sizeof(struct sb_ll_attr);
	if (abi >= 4)
		return offsetof(struct sb_ll_attr, scoped);
	return offsetof(struct sb_ll_attr, handled_net);
}

/* Neither process speaks TCP itself (the frontend's socket is inherited),
 * so both deny bind/connect wherever the kernel can enforce it; scoped
 * (LANDLOCK_SCOPE_* bits) applies from ABI 6 on. */
static int
create(int abi, uint64_t scoped, char *err, size_t errlen)
{
	struct sb_ll_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.handled_fs = fs_rights(abi);
	if (abi >= 4)
		a.handled_net = LANDLOCK_ACCESS_NET_BIND_TCP |
		    LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= 6)
		a.scoped = scoped;
	fd = (int)syscall(__NR_landlock_create_ruleset, &a, attr_size(abi), 0);
	if (fd == -1)
		return sb_err(err, errlen, "landlock_create_ruleset (ABI %d): "
		    "%s", abi, strerror(errno));
	return fd;
}

static int
restrict_self(int fd, char *err, size_t errlen)
{
	int rc;

	rc = (int)syscall(__NR_landlock_restrict_self, fd, 0);
	if (rc == -1)
		sb_err(err, errlen, "landlock_restrict_self: %s",
		    strerror(errno));
	close(fd);
	return rc == -1 ? -1 : 0;
}

/*
 * Signals and abstract sockets are scoped too: a compromised frontend must
 * not reach another session's frontend running under the same uid.
 */
int
sb_landlock_deny_all(char *err, size_t errlen)
{
	int abi, fd;

	if ((abi = sb_landlock_abi()) == 0)
		return 0;
	if ((fd = create(abi, LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
	    LANDLOCK_SCOPE_SIGNAL, err, errlen)) == -1)
		return -1;
	return restrict_self(fd, err, errlen);
}

static int
add_tree(int rfd, int dfd, const char *path, uint64_t rights, char *err,
    size_t errlen)
{
	struct landlock_path_beneath_attr pb;

	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = rights;
	pb.parent_fd = dfd;
	if (syscall(__NR_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0) == -1)
		return sb_err(err, errlen, "landlock_add_rule %s: %s", path,
		    strerror(errno));
	return 0;
}

static void
close_all(int *fds, int n)
{
	while (n-- > 0)
		close(fds[n]);
}

/*
 * The trees are opened even without Landlock, so that a misconfigured path
 * fails the same way on every kernel. Signals are not scoped: the helper
 * keeps cap_kill for a reason.
 */
int
sb_landlock_beneath(const char *const *paths, int npaths, char *err,
    size_t errlen)
{
	int abi, dfd[SB_HELPER_MAX_PATHS], fd, i, rc = 0;

	if (npaths < 0 || npaths > SB_HELPER_MAX_PATHS)
		return sb_err(err, errlen, "landlock: %d paths", npaths);
	for (i = 0; i < npaths; i++) {
		if (paths[i] == NULL)
			errno = EINVAL;
		if (paths[i] == NULL || (dfd[i] = open(paths[i],
		    O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
			sb_err(err, errlen, "landlock: %s: %s",
			    paths[i] ? paths[i] : "(null)", strerror(errno));
			close_all(dfd, i);
			return -1;
		}
	}
	if ((abi = sb_landlock_abi()) == 0) {
		close_all(dfd, npaths);
		return 0;
	}
	if ((fd = create(abi, 0, err, errlen)) == -1) {
		close_all(dfd, npaths);
		return -1;
	}
	for (i = 0; i < npaths && rc == 0; i++)
		rc = add_tree(fd, dfd[i], paths[i], fs_rights(abi), err,
		    errlen);
	close_all(dfd, npaths);
	if (rc == -1) {
		close(fd);
		return -1;
	}
	return restrict_self(fd, err, errlen);
}

/* ---- sb_landlock_rules(): a ruleset from a list (the listener) ---- */

#define SB_LL_MAX_RULES		32
/* What a rule on a file (not a directory) may carry. */
#define SB_LL_FILE_RIGHTS	(LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

static uint64_t
ll_bits(unsigned r)
{
	uint64_t b = 0;

	if (r & SB_LL_READ_FILE)
		b |= LANDLOCK_ACCESS_FS_READ_FILE;
	if (r & SB_LL_READ_DIR)
		b |= LANDLOCK_ACCESS_FS_READ_DIR;
	if (r & SB_LL_WRITE_FILE)
		b |= LANDLOCK_ACCESS_FS_WRITE_FILE;
	if (r & SB_LL_TRUNCATE)
		b |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (r & SB_LL_MAKE_REG)
		b |= LANDLOCK_ACCESS_FS_MAKE_REG;
	if (r & SB_LL_MAKE_DIR)
		b |= LANDLOCK_ACCESS_FS_MAKE_DIR;
	if (r & SB_LL_MAKE_SYM)
		b |= LANDLOCK_ACCESS_FS_MAKE_SYM;
	if (r & SB_LL_REMOVE)
		b |= LANDLOCK_ACCESS_FS_REMOVE_FILE |
		    LANDLOCK_ACCESS_FS_REMOVE_DIR;
	if (r & SB_LL_REFER)
		b |= LANDLOCK_ACCESS_FS_REFER;
	return b;
}

/* Opens every rule's path (-1 on the first that fails; an optional one
 * that does not exist gets fd -1); rights are masked to the kernel's
 * ABI and, for a file, to what a file rule may carry. */
static int
open_rules(const struct sb_ll_rule *rules, int n, int abi, int *fds,
    uint64_t *rights, char *err, size_t errlen)
{
	struct stat st;
	int i;

	for (i = 0; i < n; i++) {
		fds[i] = open(rules[i].path, O_PATH | O_CLOEXEC);
		if (fds[i] == -1 && errno == ENOENT &&
		    (rules[i].rights & SB_LL_OPTIONAL))
			continue;
		if (fds[i] == -1 || fstat(fds[i], &st) == -1) {
			sb_err(err, errlen, "landlock: %s: %s", rules[i].path,
			    strerror(errno));
			close_all(fds, fds[i] == -1 ? i : i + 1);
			return -1;
		}
		rights[i] = ll_bits(rules[i].rights) & fs_rights(abi);
		if (!S_ISDIR(st.st_mode))
			rights[i] &= SB_LL_FILE_RIGHTS;
	}
	return 0;
}

int
sb_landlock_rules(const struct sb_ll_rule *rules, int n, char *err,
    size_t errlen)
{
	uint64_t rights[SB_LL_MAX_RULES];
	int abi, fds[SB_LL_MAX_RULES], fd, i, rc = 0;

	if (n < 0 || n > SB_LL_MAX_RULES)
		return sb_err(err, errlen, "landlock: %d rules", n);
	abi = sb_landlock_abi();
	if (open_rules(rules, n, abi, fds, rights, err, errlen) == -1)
		return -1;
	/* abstract unix sockets are scoped (nothing of the daemon uses
	 * one); signals are not: the helper signals qmail-send */
	if (abi == 0 || (fd = create(abi, LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET,
	    err, errlen)) == -1) {
		for (i = 0; i < n; i++)
			if (fds[i] != -1)
				close(fds[i]);
		return abi == 0 ? 0 : -1;
	}
	for (i = 0; i < n && rc == 0; i++)
		if (fds[i] != -1 && rights[i] != 0)
			rc = add_tree(fd, fds[i], rules[i].path, rights[i], err,
			    errlen);
	for (i = 0; i < n; i++)
		if (fds[i] != -1)
			close(fds[i]);
	if (rc == -1) {
		close(fd);
		return -1;
	}
	return restrict_self(fd, err, errlen);
}
