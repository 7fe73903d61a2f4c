/*
 * listener.c - confinement of the built-in listener (sb_listener(), see
 * sandbox.h). The listener must stay uid 0 when started as root: every
 * connection's process opens the trees and the audit log as root and
 * then splits into a root helper and a frontend that chroots and changes
 * uid. So instead of a uid change it loses what no descendant needs:
 *  - capabilities: permitted, effective and bounding sets cut to the union
 *    of what the helper keeps (SB_HELPER_CAPS_TEXT) and what the frontend
 *    needs to drop itself (chroot, setuid/setgid, setpcap); inheritable
 *    and ambient emptied;
 *  - no_new_privs and non-dumpable (inherited by every child);
 *  - a seccomp denylist, inherited by every child and stacked under their
 *    own filters: exec, ptrace, mount, namespaces, modules, kexec, bpf,
 *    keyrings, io_uring and the like kill the process.
 * It never reads a byte from a client: it accepts, counts and forks.
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sandbox.h"
#include "sb_internal.h"

/* What the listener and its children may still use, as capability text. */
#define SB_LISTENER_CAPS_TEXT	SB_HELPER_CAPS_TEXT \
	",cap_setuid,cap_setgid,cap_sys_chroot,cap_setpcap"

/* Keeps (want AND what we have): an unprivileged start keeps nothing. */
static int
listener_caps(char *err, size_t errlen)
{
	cap_t want, cur;
	cap_flag_value_t have, setpcap = CAP_CLEAR;
	uint64_t keep = 0;
	int c, rc = -1;

	if ((want = cap_from_text(SB_LISTENER_CAPS_TEXT "=ep")) == NULL)
		return sb_err(err, errlen, "cap_from_text: %s",
		    strerror(errno));
	if ((cur = cap_get_proc()) == NULL) {
		cap_free(want);
		return sb_err(err, errlen, "cap_get_proc: %s", strerror(errno));
	}
	(void)cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap);
	for (c = 0; c < 64; c++) {
		cap_flag_value_t w;

		if (cap_get_flag(want, (cap_value_t)c, CAP_PERMITTED, &w) < 0)
			break;
		if (cap_get_flag(cur, (cap_value_t)c, CAP_PERMITTED, &have) < 0)
			have = CAP_CLEAR;
		if (w == CAP_SET)
			keep |= 1ULL << c;
		if (w == CAP_SET && have != CAP_SET) {
			cap_value_t v = (cap_value_t)c;

			cap_set_flag(want, CAP_PERMITTED, 1, &v, CAP_CLEAR);
			cap_set_flag(want, CAP_EFFECTIVE, 1, &v, CAP_CLEAR);
		}
	}
	cap_free(cur);
	/* the bounding set first: shrinking it needs CAP_SETPCAP */
	if (setpcap == CAP_SET && sb_caps_drop_bounding(keep, err, errlen) < 0)
		goto out;
	if (cap_reset_ambient() == -1)
		sb_err(err, errlen, "clearing ambient caps: %s", strerror(errno));
	else if (cap_set_proc(want) == -1)
		sb_err(err, errlen, "cap_set_proc: %s", strerror(errno));
	else
		rc = 0;
out:
	cap_free(want);
	return rc;
}

int
sb_listener(char *err, size_t errlen)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return sb_err(err, errlen, "PR_SET_DUMPABLE: %s",
		    strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return sb_err(err, errlen, "PR_SET_NO_NEW_PRIVS: %s",
		    strerror(errno));
	if (listener_caps(err, errlen) < 0)
		return -1;
	/* its denylist: sb_rules.c, built into the binary (seccomp.c) */
	return sb_seccomp_load_listener(err, errlen);
}
