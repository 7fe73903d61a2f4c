/*
 * caps.c - capability sets of the confined processes, for sandbox.c.
 * sb_caps_drop_bounding() must run while CAP_SETPCAP is still held (the
 * frontend calls it before leaving uid 0); sb_caps_drop_all() empties every
 * set it can; sb_caps_helper_root() leaves a root helper exactly
 * SB_HELPER_CAPS_TEXT and locks the securebits so uid 0 means nothing more.
 * Each function reads the result back instead of trusting the call.
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <errno.h>
#include <linux/securebits.h>
#include <stdint.h>
#include <string.h>

#include "sandbox.h"
#include "sb_internal.h"

#define SB_HELPER_SECBITS						\
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |				\
	 SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |	\
	 SECBIT_KEEP_CAPS_LOCKED |					\
	 SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)

static int
have_cap(cap_value_t c)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t cur;

	if ((cur = cap_get_proc()) == NULL)
		return 0;
	if (cap_get_flag(cur, c, CAP_EFFECTIVE, &v) == -1)
		v = CAP_CLEAR;
	cap_free(cur);
	return v == CAP_SET;
}

/*
 * What this process knows of its bounding set: a cap outside it is
 * certainly absent, because the set only ever shrinks and a forked child
 * starts with its parent's. So the kernel's whole list is walked once per
 * program (the listener, or the first sandbox of an exec'd daemon) and a
 * child touches only these bits: one prctl per cap instead of about 130
 * per process, which was a tenth of a pooled connection's CPU besides the
 * hash.
 */
static uint64_t bound_seen;
static int bound_walked;

static int
bound_read(int c)
{
	return prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0);
}

static void
bound_walk(void)
{
	int c, r;

	bound_seen = 0;
	for (c = 0; c < 64 && (r = bound_read(c)) >= 0; c++)
		if (r == 1)
			bound_seen |= 1ULL << c;
	bound_walked = 1;
}

/* Before the fork, so that neither child walks the whole list. */
void
sb_caps_learn_bounding(void)
{
	if (!bound_walked)
		bound_walk();
}

/* Reads every dropped cap back instead of trusting the call. */
int
sb_caps_drop_bounding(uint64_t keep, char *err, size_t errlen)
{
	uint64_t left = 0;
	int c, r;

	if (!bound_walked)
		bound_walk();
	for (c = 0; c < 64; c++) {
		if ((bound_seen & (1ULL << c)) == 0 || (keep & (1ULL << c)))
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)c, 0, 0, 0) == -1)
			return sb_err(err, errlen, "dropping cap %d from the "
			    "bounding set: %s", c, strerror(errno));
	}
	for (c = 0; c < 64; c++) {
		if ((bound_seen & (1ULL << c)) == 0)
			continue;
		if ((r = bound_read(c)) < 0)
			return sb_err(err, errlen, "reading cap %d of the "
			    "bounding set: %s", c, strerror(errno));
		if (r == 1 && (keep & (1ULL << c)) == 0)
			return sb_err(err, errlen, "cap %d still bounded", c);
		if (r == 1)
			left |= 1ULL << c;
	}
	bound_seen = left;
	return 0;
}

/*
 * One call: libcap's cap_reset_ambient() asks for every cap first. A
 * kernel without ambient sets (EINVAL) has nothing to clear; what is left
 * is checked by set_and_check(), since the kernel keeps ambient within
 * inheritable.
 */
int
sb_caps_clear_ambient(char *err, size_t errlen)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		return sb_err(err, errlen, "clearing ambient caps: %s",
		    strerror(errno));
	return 0;
}

static int
set_and_check(cap_t want, char *err, size_t errlen)
{
	cap_t got;
	int same;

	if (cap_set_proc(want) == -1)
		return sb_err(err, errlen, "cap_set_proc: %s", strerror(errno));
	if ((got = cap_get_proc()) == NULL)
		return sb_err(err, errlen, "cap_get_proc: %s", strerror(errno));
	same = cap_compare(want, got) == 0;
	cap_free(got);
	if (!same)
		return sb_err(err, errlen, "capabilities differ after "
		    "cap_set_proc");
	return 0;
}

/*
 * Without CAP_SETPCAP (an unprivileged start) the bounding set cannot
 * shrink; NO_NEW_PRIVS and the seccomp ban on execve make it moot.
 */
int
sb_caps_drop_all(char *err, size_t errlen)
{
	cap_t none;
	int rc;

	if (sb_caps_clear_ambient(err, errlen) == -1)
		return -1;
	if (have_cap(CAP_SETPCAP) && sb_caps_drop_bounding(0, err, errlen))
		return -1;
	if ((none = cap_init()) == NULL)
		return sb_err(err, errlen, "cap_init: %s", strerror(errno));
	rc = set_and_check(none, err, errlen);
	cap_free(none);
	return rc;
}

static int
helper_mask(cap_t caps, uint64_t *mask, char *err, size_t errlen)
{
	cap_flag_value_t v;
	int c;

	*mask = 0;
	for (c = 0; c < 64; c++) {
		if (cap_get_flag(caps, (cap_value_t)c, CAP_PERMITTED, &v) == -1)
			break;
		if (v == CAP_SET)
			*mask |= 1ULL << c;
	}
	if (*mask == 0)
		return sb_err(err, errlen, "no helper capabilities parsed");
	return 0;
}

static int
lock_securebits(char *err, size_t errlen)
{
	if (prctl(PR_SET_SECUREBITS, SB_HELPER_SECBITS, 0, 0, 0) == -1)
		return sb_err(err, errlen, "PR_SET_SECUREBITS: %s",
		    strerror(errno));
	if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != SB_HELPER_SECBITS)
		return sb_err(err, errlen, "securebits not as set");
	return 0;
}

/* Securebits and the bounding set need CAP_SETPCAP, so they come first. */
int
sb_caps_helper_root(char *err, size_t errlen)
{
	uint64_t keep;
	cap_t want;
	int rc = -1;

	if ((want = cap_from_text(SB_HELPER_CAPS_TEXT "=ep")) == NULL)
		return sb_err(err, errlen, "cap_from_text: %s",
		    strerror(errno));
	if (helper_mask(want, &keep, err, errlen) == 0 &&
	    lock_securebits(err, errlen) == 0 &&
	    sb_caps_drop_bounding(keep, err, errlen) == 0) {
		if (sb_caps_clear_ambient(err, errlen) == 0)
			rc = set_and_check(want, err, errlen);
	}
	cap_free(want);
	return rc;
}
