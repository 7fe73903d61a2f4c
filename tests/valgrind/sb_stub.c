/*
 * sb_stub.c - the sandbox.h API as "succeed and do nothing", for the
 * memcheck build only (make check-valgrind, build/vg).
 *
 * valgrind 3.19 answers ENOSYS to seccomp and landlock_create_ruleset, and
 * the real sandbox/ fails closed on that, so no session could run under
 * memcheck. GNUmakefile links this object into build/vg/libvpop.a INSTEAD
 * of the objects of sandbox/; the production build never sees this
 * file and the production sandbox code has no switch to skip itself.
 * `make install` refuses a binary holding SB_STUB_BANNER.
 *
 * Callers: privhelper/main.c, session.c and listen.c, as with sandbox/.
 * Every function of sandbox.h must be here, or build/vg does not link.
 */
#include <stdio.h>

#include "sandbox.h"

#define SB_STUB_BANNER	"vpopmaild: memcheck build, sandbox disabled\n"

/* Loud, once per process that builds the filters (main or tcpserver
 * session): stderr of every run shows what binary this is. */
int
sb_prepare(char *err, size_t errlen)
{
	static int said;

	(void)err;
	(void)errlen;
	if (!said) {
		said = 1;
		fputs(SB_STUB_BANNER, stderr);
	}
	return 0;
}

int
sb_frontend(const struct sb_frontend_opts *o, char *err, size_t errlen)
{
	(void)o;
	(void)err;
	(void)errlen;
	return 0;
}

int
sb_helper(const struct sb_helper_opts *o, char *err, size_t errlen)
{
	(void)o;
	(void)err;
	(void)errlen;
	return 0;
}

int
sb_listener(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

int
sb_listener_fs(const struct sb_listener_fs *o, char *err, size_t errlen)
{
	(void)o;
	(void)err;
	(void)errlen;
	return 0;
}

int
sb_landlock_abi(void)
{
	return 0;
}

int
sb_landlock_rules(const struct sb_ll_rule *r, int n, char *err,
    size_t errlen)
{
	(void)r;
	(void)n;
	(void)err;
	(void)errlen;
	return 0;
}
