/*
 * sb_nolandlock_test.c - the sandbox on a kernel without Landlock. Each
 * child first installs a filter that makes the landlock_* syscalls fail
 * like an old kernel (ENOSYS) or a disabled LSM (EOPNOTSUPP); then
 * sb_landlock_abi() must say 0, sb_frontend()/sb_helper() must still
 * succeed, and their seccomp layers must still hold.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>

#include "sandbox.h"
#include "sandbox/sbt.h"

#define NOBODY		65534
#define DIRLEN		256

static int	as_root;
static int	fake_errno;
static char	dir[DIRLEN];	/* frontend chroot, helper tree */

static int
hide_landlock(void *a)
{
	static const int nrs[] = { SCMP_SYS(landlock_create_ruleset),
	    SCMP_SYS(landlock_add_rule), SCMP_SYS(landlock_restrict_self) };
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

	(void)a;
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -1;
	for (i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(fake_errno),
		    nrs[i], 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc != 0;
}

static int
apply_frontend(void *a)
{
	struct sb_frontend_opts o;
	char err[256];

	(void)a;
	memset(&o, 0, sizeof(o));
	o.as_root = as_root;
	o.uid = o.gid = NOBODY;
	o.empty_dir = dir;
	o.max_fd = 64;
	if (sb_landlock_abi() != 0) {
		dprintf(2, "sb_landlock_abi() is %d\n", sb_landlock_abi());
		return -1;
	}
	if (sb_frontend(&o, err, sizeof(err)) == -1) {
		dprintf(2, "sb_frontend: %s\n", err);
		return -1;
	}
	return 0;
}

static int
apply_helper(void *a)
{
	struct sb_helper_opts o;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.as_root = as_root;
	o.rw_paths[0] = a != NULL ? a : dir;
	o.npaths = 1;
	if (sb_landlock_abi() != 0) {
		dprintf(2, "sb_landlock_abi() is %d\n", sb_landlock_abi());
		return -1;
	}
	if (sb_helper(&o, err, sizeof(err)) == -1) {
		dprintf(a != NULL ? 1 : 2, "%ssb_helper: %s\n",
		    a != NULL ? "# refused: " : "", err);
		return -1;
	}
	return 0;
}

static int
act_open(void *a)
{
	(void)a;
	return sbt_rc(syscall(SYS_open, "/etc/passwd", O_RDONLY));
}

static int
act_execve(void *a)
{
	char *argv[] = { "true", NULL }, *envp[] = { NULL };

	(void)a;
	return sbt_rc(execve("/bin/true", argv, envp));
}

static int
act_write_tree(void *a)
{
	char f[PATH_MAX];
	int fd;

	(void)a;
	snprintf(f, sizeof(f), "%s/file", dir);
	if ((fd = open(f, O_CREAT | O_WRONLY, 0600)) == -1 ||
	    write(fd, "x", 1) != 1 || close(fd) == -1 || unlink(f) == -1)
		return sbt_rc(-1);
	return 0;
}

/* Succeeds when sb_helper() refused its (missing) tree. */
static int
apply_helper_missing(void *a)
{
	return apply_helper(a) == -1 ? 0 : -1;
}

static int
act_none(void *a)
{
	(void)a;
	return 0;
}

static void
run_with(int e, const char *ename)
{
	char how[128], missing[DIRLEN + 16];
	int st;

	fake_errno = e;
	st = sbt_run(hide_landlock, apply_frontend, act_open, NULL);
	sbt_check(sbt_sigsys(st) || sbt_errno(st), "no Landlock (%s): "
	    "sb_frontend() succeeds with ABI 0 and open() is still denied "
	    "(%s)", ename, sbt_how(st, how, sizeof(how)));
	st = sbt_run(hide_landlock, apply_helper, act_write_tree, NULL);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "no Landlock (%s): "
	    "sb_helper() succeeds with ABI 0 and works in its tree (%s)",
	    ename, sbt_how(st, how, sizeof(how)));
	st = sbt_run(hide_landlock, apply_helper, act_execve, NULL);
	sbt_check(sbt_sigsys(st), "no Landlock (%s): the helper's execve() "
	    "is still killed (%s)", ename, sbt_how(st, how, sizeof(how)));
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	st = sbt_run(hide_landlock, apply_helper_missing, act_none, missing);
	sbt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "no Landlock (%s): "
	    "a missing helper tree is still an error (%s)", ename,
	    WIFEXITED(st) && WEXITSTATUS(st) == SBT_SETUP_FAILED ?
	    "was accepted" : sbt_how(st, how, sizeof(how)));
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	setvbuf(stdout, NULL, _IOLBF, 0);
	as_root = geteuid() == 0;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/sbnl.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) == -1) {
		sbt_check(0, "test setup: mkdtemp: %s", strerror(errno));
		return sbt_done("sb_nolandlock_test");
	}
	/* nothing here may call sb_landlock_abi() before the children:
	 * its answer is cached for the process and inherited */
	run_with(ENOSYS, "ENOSYS");
	run_with(EOPNOTSUPP, "EOPNOTSUPP");
	rmdir(dir);
	return sbt_done("sb_nolandlock_test");
}
