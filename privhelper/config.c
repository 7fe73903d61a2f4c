/*
 * config.c - parsing and checking of the daemon's settings. Every key of
 * the file is also a long flag (main.c), and an unknown key is an error:
 * a typo must never silently leave a default in force.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "listen.h"
#include "plaintext.h"
#include "util.h"

void
config_defaults(struct vp_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->vpopmail_dir, sizeof(c->vpopmail_dir), "/home/vpopmail");
	snprintf(c->qmail_dir, sizeof(c->qmail_dir), "/var/qmail");
	snprintf(c->frontend_user, sizeof(c->frontend_user), "vpopmaild");
	snprintf(c->empty_dir, sizeof(c->empty_dir), "/var/empty");
	snprintf(c->audit_log, sizeof(c->audit_log), "syslog");
	c->timeout = 60;
	c->max_connections = 100;
	c->max_per_source = 10;
	c->prefork = 4;
	c->login_plaintext = POL_PLAINTEXT_ALLOW;
	c->clear_passwords = 0;
	c->qmail_send_hup = 1;
	snprintf(c->state_dir, sizeof(c->state_dir), "/var/lib/vpopmaild");
	c->throttle = 1;
	c->throttle_max_delay = 30;
	c->throttle_base_ms = 1000;
	c->lastauth_update = 1;
	pol_delivery_defaults(&c->delivery);
	c->write_file_max = CONFIG_WRITE_FILE_MAX;
}

static int
set_str(char *dst, size_t dstsz, const char *v, const char *key, char *err,
    size_t errlen)
{
	if (strlen(v) >= dstsz) {
		snprintf(err, errlen, "%s: value too long", key);
		return -1;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int
set_path(char *dst, size_t dstsz, const char *v, const char *key, char *err,
    size_t errlen)
{
	if (v[0] != '/') {
		snprintf(err, errlen, "%s: must be an absolute path", key);
		return -1;
	}
	return set_str(dst, dstsz, v, key, err, errlen);
}

static int
set_bool(int *dst, const char *v, const char *key, char *err, size_t errlen)
{
	if (strcmp(v, "yes") == 0)
		*dst = 1;
	else if (strcmp(v, "no") == 0)
		*dst = 0;
	else {
		snprintf(err, errlen, "%s: expected yes or no", key);
		return -1;
	}
	return 0;
}

static int
set_timeout(int *dst, const char *v, char *err, size_t errlen)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > 86400) {
		snprintf(err, errlen, "timeout: expected seconds 1..86400");
		return -1;
	}
	*dst = (int)n;
	return 0;
}

static int
add_listen(struct vp_config *c, const char *v, char *err, size_t errlen)
{
	if (c->nlisten >= CONFIG_MAX_LISTEN) {
		snprintf(err, errlen, "listen: at most %d addresses",
		    CONFIG_MAX_LISTEN);
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t sl;

	if (listen_parse(v, &ss, &sl) < 0) {
		snprintf(err, errlen, "listen: expected ADDR:PORT or "
		    "[ADDR6]:PORT, not '%.64s'", v);
		return -1;
	}
	return set_str(c->listen[c->nlisten++], sizeof(c->listen[0]), v,
	    "listen", err, errlen);
}

/* write-file-max: a plain number of bytes, 1..CONFIG_WRITE_FILE_LIMIT */
static int
set_bytes(unsigned long long *dst, const char *v, const char *key, char *err,
    size_t errlen)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < 1 ||
	    n > CONFIG_WRITE_FILE_LIMIT) {
		snprintf(err, errlen, "%s: expected bytes 1..%llu", key,
		    CONFIG_WRITE_FILE_LIMIT);
		return -1;
	}
	*dst = n;
	return 0;
}

static int
set_count(int *dst, const char *v, const char *key, int max, char *err,
    size_t errlen)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > max) {
		snprintf(err, errlen, "%s: expected a number 1..%d", key, max);
		return -1;
	}
	*dst = (int)n;
	return 0;
}

static int
set_plaintext(int *dst, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "allow") == 0)
		*dst = POL_PLAINTEXT_ALLOW;
	else if (strcmp(v, "loopback-only") == 0)
		*dst = POL_PLAINTEXT_LOOPBACK_ONLY;
	else {
		snprintf(err, errlen, "login-plaintext: expected allow or "
		    "loopback-only");
		return -1;
	}
	return 0;
}

/* throttle-max-delay (seconds) and throttle-base-delay (ms) */
static int
set_throttle_num(int *dst, const char *v, const char *key, long max,
    char *err, size_t errlen)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > max) {
		snprintf(err, errlen, "%s: expected a number 1..%ld", key, max);
		return -1;
	}
	*dst = (int)n;
	return 0;
}

static int
set_throttle(struct vp_config *c, const char *key, const char *v, char *err,
    size_t errlen)
{
	if (strcmp(key, "throttle") == 0)
		return set_bool(&c->throttle, v, key, err, errlen);
	if (strcmp(key, "throttle-max-delay") == 0)
		return set_throttle_num(&c->throttle_max_delay, v, key, 300,
		    err, errlen);
	if (strcmp(key, "throttle-base-delay") == 0)
		return set_throttle_num(&c->throttle_base_ms, v, key, 60000,
		    err, errlen);
	/* state-dir */
	return set_path(c->state_dir, sizeof(c->state_dir), v, key, err,
	    errlen);
}

int
config_set(struct vp_config *c, const char *key, const char *v, char *err,
    size_t errlen)
{
	if (strcmp(key, "state-dir") == 0 || strcmp(key, "throttle") == 0 ||
	    strcmp(key, "throttle-max-delay") == 0 ||
	    strcmp(key, "throttle-base-delay") == 0)
		return set_throttle(c, key, v, err, errlen);
	if (strcmp(key, "vpopmail-dir") == 0)
		return set_path(c->vpopmail_dir, sizeof(c->vpopmail_dir), v,
		    key, err, errlen);
	if (strcmp(key, "qmail-dir") == 0)
		return set_path(c->qmail_dir, sizeof(c->qmail_dir), v, key,
		    err, errlen);
	if (strcmp(key, "frontend-user") == 0)
		return set_str(c->frontend_user, sizeof(c->frontend_user), v,
		    key, err, errlen);
	if (strcmp(key, "empty-dir") == 0)
		return set_path(c->empty_dir, sizeof(c->empty_dir), v, key,
		    err, errlen);
	if (strcmp(key, "audit-log") == 0) {
		if (strcmp(v, "syslog") != 0 && strcmp(v, "none") != 0)
			return set_path(c->audit_log, sizeof(c->audit_log), v,
			    key, err, errlen);
		return set_str(c->audit_log, sizeof(c->audit_log), v, key,
		    err, errlen);
	}
	if (strcmp(key, "timeout") == 0)
		return set_timeout(&c->timeout, v, err, errlen);
	if (strcmp(key, "clear-passwords") == 0)
		return set_bool(&c->clear_passwords, v, key, err, errlen);
	if (strcmp(key, "qmail-send-hup") == 0)
		return set_bool(&c->qmail_send_hup, v, key, err, errlen);
	if (strcmp(key, "lastauth-update") == 0)
		return set_bool(&c->lastauth_update, v, key, err, errlen);
	if (strcmp(key, "program-delivery") == 0 ||
	    strcmp(key, "program-allow") == 0)
		return pol_delivery_config(&c->delivery, key, v, err, errlen);
	if (strcmp(key, "write-file-max") == 0)
		return set_bytes(&c->write_file_max, v, key, err, errlen);
	if (strcmp(key, "max-connections") == 0)
		return set_count(&c->max_connections, v, key,
		    CONFIG_MAX_CONNECTIONS, err, errlen);
	if (strcmp(key, "max-per-source") == 0)
		return set_count(&c->max_per_source, v, key,
		    CONFIG_MAX_CONNECTIONS, err, errlen);
	if (strcmp(key, "prefork") == 0) {
		/* 0 (off) is allowed, unlike the caps */
		if (strcmp(v, "0") == 0) {
			c->prefork = 0;
			return 0;
		}
		if (set_count(&c->prefork, v, key, CONFIG_MAX_PREFORK, err,
		    errlen) == 0)
			return 0;
		snprintf(err, errlen, "prefork: expected a number 0..%d",
		    CONFIG_MAX_PREFORK);
		return -1;
	}
	if (strcmp(key, "login-plaintext") == 0)
		return set_plaintext(&c->login_plaintext, v, err, errlen);
	if (strcmp(key, "tls-cert") == 0)
		return set_path(c->tls_cert, sizeof(c->tls_cert), v, key, err,
		    errlen);
	if (strcmp(key, "tls-key") == 0)
		return set_path(c->tls_key, sizeof(c->tls_key), v, key, err,
		    errlen);
	if (strcmp(key, "tls-implicit") == 0)
		return set_bool(&c->tls_implicit, v, key, err, errlen);
	if (strcmp(key, "listen") == 0)
		return add_listen(c, v, err, errlen);
	snprintf(err, errlen, "unknown setting '%.64s'", key);
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int
load_line(struct vp_config *c, char *line, const char *path, int lineno,
    char *err, size_t errlen)
{
	char sub[256], *key, *eq;

	key = trim(line);
	if (*key == '\0' || *key == '#')
		return 0;
	if ((eq = strchr(key, '=')) == NULL) {
		snprintf(err, errlen, "%s:%d: expected key = value", path,
		    lineno);
		return -1;
	}
	*eq = '\0';
	if (config_set(c, trim(key), trim(eq + 1), sub, sizeof(sub)) < 0) {
		snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
		return -1;
	}
	return 0;
}

int
config_load(struct vp_config *c, const char *path, int missing_ok, char *err,
    size_t errlen)
{
	char line[CONFIG_VALUE_MAX + 256];
	int lineno = 0, rc = 0;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT && missing_ok)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line too long", path,
			    lineno);
			rc = -1;
		} else
			rc = load_line(c, line, path, lineno, err, errlen);
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -1;
	}
	fclose(f);
	return rc;
}

static int
check_dir(const char *what, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s %s: not a directory", what, path);
		return -1;
	}
	if (access(path, R_OK | X_OK) < 0) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The last name resolved and its ids. A reload (SIGHUP) with the same
 * frontend-user reuses them instead of asking NSS again: under the
 * listener's Landlock ruleset /etc/passwd is readable as the file that
 * was there at start, and useradd or vipw replace it by rename, after
 * which the lookup would fail. A new uid for the same name needs a
 * restart (vpopmaild(8), SIGNALS).
 */
static struct {
	char	name[sizeof(((struct vp_config *)0)->frontend_user)];
	uid_t	uid;
	gid_t	gid;
} resolved;

static int
resolve_user(struct vp_config *c, char *err, size_t errlen)
{
	unsigned long u, g;
	struct passwd *pw;
	char tail;

	if (sscanf(c->frontend_user, "%lu:%lu%c", &u, &g, &tail) == 2) {
		if (u == 0 || g == 0 || u > 0x7fffffff || g > 0x7fffffff) {
			snprintf(err, errlen, "frontend-user: uid and gid "
			    "must be non-zero");
			return -1;
		}
		c->fe_uid = (uid_t)u;
		c->fe_gid = (gid_t)g;
		return 0;
	}
	if (resolved.name[0] != '\0' &&
	    strcmp(resolved.name, c->frontend_user) == 0) {
		c->fe_uid = resolved.uid;
		c->fe_gid = resolved.gid;
		return 0;
	}
	if ((pw = getpwnam(c->frontend_user)) == NULL) {
		snprintf(err, errlen, "frontend-user: no such user '%.64s'",
		    c->frontend_user);
		return -1;
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		snprintf(err, errlen, "frontend-user: must not be root");
		return -1;
	}
	c->fe_uid = pw->pw_uid;
	c->fe_gid = pw->pw_gid;
	vp_strlcpy(resolved.name, c->frontend_user, sizeof(resolved.name));
	resolved.uid = pw->pw_uid;
	resolved.gid = pw->pw_gid;
	return 0;
}

static int
check_empty_dir(const struct vp_config *c, char *err, size_t errlen)
{
	struct stat st;

	if (check_dir("empty-dir", c->empty_dir, err, errlen) < 0)
		return -1;
	if (stat(c->empty_dir, &st) < 0 || st.st_uid != 0 ||
	    (st.st_mode & 022)) {
		snprintf(err, errlen, "empty-dir %s: must be owned by root "
		    "and not writable by group or others", c->empty_dir);
		return -1;
	}
	return 0;
}

int
config_check(struct vp_config *c, char *err, size_t errlen)
{
	char p[PATH_MAX + 16];

	if (check_dir("vpopmail-dir", c->vpopmail_dir, err, errlen) < 0 ||
	    check_dir("qmail-dir", c->qmail_dir, err, errlen) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/users", c->qmail_dir);
	if (check_dir("qmail-dir", p, err, errlen) < 0)
		return -1;
	if (geteuid() == 0) {
		if (resolve_user(c, err, errlen) < 0 ||
		    check_empty_dir(c, err, errlen) < 0)
			return -1;
	}
	return 0;
}
