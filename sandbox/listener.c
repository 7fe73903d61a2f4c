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
 *
 * sb_listener_fs() then adds a Landlock ruleset, also inherited, that
 * allows what the listener and each session before its own sandbox open:
 * the helper's trees, the state dir, the audit log, the files a SIGHUP
 * rereads, /proc, /dev/null, what NSS and dlopen() read; nothing may be
 * executed anywhere (listener_rules() below is the whole list).
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	if (sb_caps_clear_ambient(err, errlen) == 0) {
		if (cap_set_proc(want) == -1)
			sb_err(err, errlen, "cap_set_proc: %s",
			    strerror(errno));
		else
			rc = 0;
	}
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

/* ---- sb_listener_fs(): the Landlock ruleset ---- */

#define LL_TREE		(SB_LL_READ_FILE | SB_LL_READ_DIR | SB_LL_WRITE_FILE | \
	SB_LL_TRUNCATE | SB_LL_MAKE_REG | SB_LL_MAKE_DIR | SB_LL_MAKE_SYM | \
	SB_LL_REMOVE | SB_LL_REFER)
#define LL_READ_OPT	(SB_LL_READ_FILE | SB_LL_OPTIONAL)
#define LL_MAX		32

/*
 * A directory other services keep their own files in: a file named there
 * is allowed as that file (its inode) only, never the directory. Else the
 * whole directory is allowed, so that a file replaced by rename (an
 * editor, certbot, logrotate) is still reached after a SIGHUP.
 */
static int
shared_dir(const char *dir)
{
	static const char *const shared[] = {
		"/usr/local/etc", "/var/tmp", NULL
	};
	int i;

	if (strchr(dir + 1, '/') == NULL)	/* "/" or /etc, /tmp, /root */
		return 1;
	for (i = 0; shared[i] != NULL; i++)
		if (strcmp(dir, shared[i]) == 0)
			return 1;
	return 0;
}

/* The real directory holding path (symlinks resolved), or -1 when it
 * does not exist. */
static int
real_dir(const char *path, char *out)
{
	char tmp[PATH_MAX], *slash;

	if (realpath(path, out) != NULL) {
		slash = strrchr(out, '/');
		if (slash == out)
			slash[1] = '\0';
		else
			*slash = '\0';
		return 0;
	}
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -1;
	if ((slash = strrchr(tmp, '/')) == NULL)
		return realpath(".", out) != NULL ? 0 : -1;
	*slash = '\0';
	return realpath(tmp[0] ? tmp : "/", out) != NULL ? 0 : -1;
}

struct ll_list {
	struct sb_ll_rule	r[LL_MAX];
	char			buf[LL_MAX][PATH_MAX];
	int			n;
};

static void
add(struct ll_list *l, const char *path, unsigned rights)
{
	if (path == NULL || path[0] == '\0' || l->n == LL_MAX)
		return;
	snprintf(l->buf[l->n], sizeof(l->buf[l->n]), "%s", path);
	l->r[l->n].path = l->buf[l->n];
	l->r[l->n].rights = rights;
	l->n++;
}

/* A file named in the configuration: its own directory if that is not
 * shared (dir_rights), else the file itself (file_rights). */
static void
add_in_dir(struct ll_list *l, const char *path, unsigned dir_rights,
    unsigned file_rights)
{
	char dir[PATH_MAX];

	if (path == NULL || path[0] == '\0')
		return;
	if (real_dir(path, dir) == 0 && !shared_dir(dir))
		add(l, dir, dir_rights);
	else
		add(l, path, file_rights);
}

static void
listener_rules(const struct sb_listener_fs *o, struct ll_list *l)
{
	static const char *const libdirs[] = {
		"/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib",
		NULL
	};
	static const char *const etc[] = {
		"/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
		"/etc/ld.so.cache", "/etc/localtime", "/usr/lib/ssl/openssl.cnf",
		NULL
	};
	char sub[PATH_MAX + 16];
	int i;

	/* the helper's trees (its own ruleset stacks on these) */
	add(l, o->vpopmail_dir, LL_TREE);
	if (o->qmail_dir != NULL && o->qmail_dir[0] != '\0') {
		snprintf(sub, sizeof(sub), "%s/users", o->qmail_dir);
		add(l, sub, LL_TREE | SB_LL_OPTIONAL);
		snprintf(sub, sizeof(sub), "%s/control", o->qmail_dir);
		add(l, sub, LL_TREE | SB_LL_OPTIONAL);
	}
	add(l, o->state_dir, SB_LL_READ_FILE | SB_LL_WRITE_FILE |
	    SB_LL_MAKE_REG | SB_LL_OPTIONAL);
	/* append-only by intent; creating it needs write to the new file */
	add_in_dir(l, o->audit_log, SB_LL_WRITE_FILE | SB_LL_MAKE_REG,
	    SB_LL_WRITE_FILE);
	add_in_dir(l, o->config_file, LL_READ_OPT, LL_READ_OPT);
	add_in_dir(l, o->tls_cert, SB_LL_READ_FILE, SB_LL_READ_FILE);
	add_in_dir(l, o->tls_key, SB_LL_READ_FILE, SB_LL_READ_FILE);
	add(l, o->empty_dir, SB_LL_READ_DIR | SB_LL_OPTIONAL);
	add(l, "/proc", SB_LL_READ_FILE | SB_LL_READ_DIR);
	add(l, "/dev/null", SB_LL_READ_FILE | SB_LL_WRITE_FILE);
	for (i = 0; etc[i] != NULL; i++)
		add(l, etc[i], LL_READ_OPT);
	add(l, getenv("OPENSSL_CONF"), LL_READ_OPT);
	/* dlopen: OpenSSL when a SIGHUP adds TLS, NSS modules */
	for (i = 0; libdirs[i] != NULL; i++)
		add(l, libdirs[i], LL_READ_OPT);
}

int
sb_listener_fs(const struct sb_listener_fs *o, char *err, size_t errlen)
{
	static struct ll_list l;
	char dir[PATH_MAX];

	/* allowed as the file alone: the sessions could not create it */
	if (o->audit_log != NULL && o->audit_log[0] != '\0' &&
	    real_dir(o->audit_log, dir) == 0 && shared_dir(dir) &&
	    access(o->audit_log, F_OK) == -1)
		return sb_err(err, errlen, "audit-log %s: in the shared "
		    "directory %s it must exist before the start (or move it "
		    "into a directory of its own)", o->audit_log, dir);
	memset(&l, 0, sizeof(l));
	listener_rules(o, &l);
	if (l.n == LL_MAX)
		return sb_err(err, errlen, "landlock: more than %d rules",
		    LL_MAX - 1);
	return sb_landlock_rules(l.r, l.n, err, errlen);
}
