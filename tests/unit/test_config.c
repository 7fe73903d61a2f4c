/*
 * test_config.c - privhelper/config.c (settings, the file parser, the
 * system check), listen.c's ADDR:PORT parser, and the audit trail's JSON
 * escaping and record framing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "ctx.h"
#include "listen.h"
#include "util.h"
#include "unit/t.h"
#include "unit/tdir.h"

static char top[256];
static struct vp_config cfg;

static void
test_defaults(void)
{
	memset(&cfg, 0x55, sizeof(cfg));
	config_defaults(&cfg);
	CHECK(strcmp(cfg.vpopmail_dir, "/home/vpopmail") == 0,
	    "default vpopmail-dir /home/vpopmail");
	CHECK(strcmp(cfg.qmail_dir, "/var/qmail") == 0,
	    "default qmail-dir /var/qmail");
	CHECK(cfg.timeout == 60, "default timeout 60");
	CHECK(cfg.clear_passwords == 0, "default clear-passwords no");
	CHECK(cfg.nlisten == 0, "default: no listen address");
	CHECK(strcmp(cfg.audit_log, "syslog") == 0,
	    "default audit-log syslog");
	CHECK(strcmp(cfg.frontend_user, "vpopmaild") == 0 &&
	    strcmp(cfg.empty_dir, "/var/empty") == 0,
	    "default frontend-user vpopmaild, empty-dir /var/empty");
}

static int
set(const char *k, const char *v, char *err, size_t errlen)
{
	err[0] = '\0';
	return config_set(&cfg, k, v, err, errlen);
}

static void
test_set(void)
{
	char err[256], big[PATH_MAX + 10];

	config_defaults(&cfg);
	CHECK(set("no-such-key", "1", err, sizeof(err)) == -1 &&
	    strstr(err, "no-such-key") != NULL,
	    "unknown key -> -1, message names it (\"%s\")", err);
	CHECK(set("Timeout", "30", err, sizeof(err)) == -1,
	    "keys are case-sensitive (\"Timeout\" unknown)");
	CHECK(set("timeout", "0", err, sizeof(err)) == -1 && err[0] != '\0',
	    "timeout 0 -> -1");
	CHECK(set("timeout", "abc", err, sizeof(err)) == -1,
	    "timeout abc -> -1");
	CHECK(set("timeout", "100000", err, sizeof(err)) == -1,
	    "timeout 100000 -> -1");
	CHECK(set("timeout", "", err, sizeof(err)) == -1,
	    "timeout \"\" -> -1");
	CHECK(set("timeout", "-5", err, sizeof(err)) == -1,
	    "timeout -5 -> -1");
	CHECK(set("timeout", "30s", err, sizeof(err)) == -1,
	    "timeout 30s -> -1");
	CHECK(set("timeout", "99999999999999999999", err, sizeof(err)) == -1,
	    "timeout overflowing long -> -1");
	CHECK(cfg.timeout == 60, "failed sets leave the timeout alone");
	CHECK(set("timeout", "30", err, sizeof(err)) == 0 && cfg.timeout == 30,
	    "timeout 30 ok");
	CHECK(set("timeout", "86400", err, sizeof(err)) == 0 &&
	    cfg.timeout == 86400, "timeout 86400 ok");

	CHECK(set("clear-passwords", "yes", err, sizeof(err)) == 0 &&
	    cfg.clear_passwords == 1, "clear-passwords yes");
	CHECK(set("clear-passwords", "no", err, sizeof(err)) == 0 &&
	    cfg.clear_passwords == 0, "clear-passwords no");
	CHECK(set("clear-passwords", "maybe", err, sizeof(err)) == -1 &&
	    cfg.clear_passwords == 0, "clear-passwords maybe -> -1");

	CHECK(set("vpopmail-dir", "home/vpopmail", err, sizeof(err)) == -1 &&
	    strcmp(cfg.vpopmail_dir, "/home/vpopmail") == 0,
	    "relative vpopmail-dir -> -1");
	CHECK(set("vpopmail-dir", "", err, sizeof(err)) == -1,
	    "empty vpopmail-dir -> -1");
	CHECK(set("vpopmail-dir", "/srv/vpop", err, sizeof(err)) == 0 &&
	    strcmp(cfg.vpopmail_dir, "/srv/vpop") == 0,
	    "absolute vpopmail-dir ok");
	CHECK(set("qmail-dir", "var/qmail", err, sizeof(err)) == -1,
	    "relative qmail-dir -> -1");
	CHECK(set("empty-dir", "empty", err, sizeof(err)) == -1,
	    "relative empty-dir -> -1");
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	CHECK(set("vpopmail-dir", big, err, sizeof(err)) == -1 &&
	    strcmp(cfg.vpopmail_dir, "/srv/vpop") == 0,
	    "vpopmail-dir longer than PATH_MAX -> -1");

	CHECK(set("audit-log", "syslog", err, sizeof(err)) == 0 &&
	    strcmp(cfg.audit_log, "syslog") == 0, "audit-log syslog");
	CHECK(set("audit-log", "none", err, sizeof(err)) == 0 &&
	    strcmp(cfg.audit_log, "none") == 0, "audit-log none");
	CHECK(set("audit-log", "/var/log/x.log", err, sizeof(err)) == 0,
	    "audit-log absolute path");
	CHECK(set("audit-log", "x.log", err, sizeof(err)) == -1,
	    "audit-log relative path -> -1");

	CHECK(set("listen", "127.0.0.1:8900", err, sizeof(err)) == 0 &&
	    cfg.nlisten == 1 && strcmp(cfg.listen[0], "127.0.0.1:8900") == 0,
	    "listen adds an address");
	CHECK(set("listen", "127.0.0.1", err, sizeof(err)) == -1 &&
	    cfg.nlisten == 1, "listen without a port -> -1");
	while (cfg.nlisten < CONFIG_MAX_LISTEN)
		set("listen", "127.0.0.1:1", err, sizeof(err));
	CHECK(set("listen", "127.0.0.1:2", err, sizeof(err)) == -1 &&
	    cfg.nlisten == CONFIG_MAX_LISTEN,
	    "more than %d listen addresses -> -1", CONFIG_MAX_LISTEN);
	CHECK(set("frontend-user", "nobody", err, sizeof(err)) == 0 &&
	    strcmp(cfg.frontend_user, "nobody") == 0, "frontend-user set");
}

static void
test_load(void)
{
	static const char good[] =
	    "# vpopmaild.conf\n"
	    "\n"
	    "   # indented comment\n"
	    "vpopmail-dir=/srv/vpopmail\n"
	    "qmail-dir   =   /srv/qmail   \n"
	    "\ttimeout\t=\t45\t\n"
	    "clear-passwords = yes\r\n"
	    "audit-log = /var/log/a=b.log\n"
	    "listen = [::1]:8900\n"
	    "   \n";
	static const char noeq[] =
	    "# comment\n"
	    "timeout = 30\n"
	    "this line has no equals sign\n"
	    "timeout = 40\n";
	static const char badval[] =
	    "\n"
	    "timeout = never\n";
	static const char badkey[] =
	    "colour = blue\n";
	char p[PATH_MAX], err[512];

	snprintf(p, sizeof(p), "%s/good.conf", top);
	t_write(p, good, sizeof(good) - 1);
	config_defaults(&cfg);
	err[0] = '\0';
	CHECK(config_load(&cfg, p, 0, err, sizeof(err)) == 0,
	    "config_load: comments, blanks, spaces around '=' (%s)", err);
	CHECK(strcmp(cfg.vpopmail_dir, "/srv/vpopmail") == 0 &&
	    strcmp(cfg.qmail_dir, "/srv/qmail") == 0,
	    "config_load: dirs set, surrounding spaces trimmed");
	CHECK(cfg.timeout == 45, "config_load: tabs trimmed (timeout 45)");
	CHECK(cfg.clear_passwords == 1, "config_load: CRLF line accepted");
	CHECK(strcmp(cfg.audit_log, "/var/log/a=b.log") == 0,
	    "config_load: value may contain '='");
	CHECK(cfg.nlisten == 1 && strcmp(cfg.listen[0], "[::1]:8900") == 0,
	    "config_load: listen");

	snprintf(p, sizeof(p), "%s/noeq.conf", top);
	t_write(p, noeq, sizeof(noeq) - 1);
	config_defaults(&cfg);
	err[0] = '\0';
	CHECK(config_load(&cfg, p, 0, err, sizeof(err)) == -1,
	    "config_load: a line without '=' -> -1");
	{
		char want[PATH_MAX + 8];

		snprintf(want, sizeof(want), "%s:3", p);
		CHECK(strstr(err, want) != NULL,
		    "config_load: message has file:line (\"%s\")", err);
	}
	CHECK(cfg.timeout == 30, "config_load stops at the bad line");

	snprintf(p, sizeof(p), "%s/badval.conf", top);
	t_write(p, badval, sizeof(badval) - 1);
	CHECK(config_load(&cfg, p, 0, err, sizeof(err)) == -1 &&
	    strstr(err, ":2:") != NULL && strstr(err, "timeout") != NULL,
	    "config_load: a bad value -> -1, file:line and key (\"%s\")", err);
	snprintf(p, sizeof(p), "%s/badkey.conf", top);
	t_write(p, badkey, sizeof(badkey) - 1);
	CHECK(config_load(&cfg, p, 0, err, sizeof(err)) == -1 &&
	    strstr(err, ":1:") != NULL && strstr(err, "colour") != NULL,
	    "config_load: an unknown key -> -1, names it (\"%s\")", err);

	snprintf(p, sizeof(p), "%s/missing.conf", top);
	CHECK(config_load(&cfg, p, 1, err, sizeof(err)) == 0,
	    "config_load: missing file with missing_ok -> 0");
	err[0] = '\0';
	CHECK(config_load(&cfg, p, 0, err, sizeof(err)) == -1 &&
	    strstr(err, "missing.conf") != NULL,
	    "config_load: missing file without missing_ok -> -1");
	CHECK(config_load(&cfg, top, 1, err, sizeof(err)) == -1,
	    "config_load: a directory is an error even with missing_ok");
}

static void
test_check(void)
{
	char v[PATH_MAX], q[PATH_MAX], e[PATH_MAX], err[512];

	snprintf(v, sizeof(v), "%s/vpop", top);
	snprintf(q, sizeof(q), "%s/qmail", top);
	snprintf(e, sizeof(e), "%s/empty", top);
	mkdir(v, 0755);
	mkdir(q, 0755);
	mkdir(e, 0755);
	chmod(e, 0755);
	config_defaults(&cfg);
	set("vpopmail-dir", v, err, sizeof(err));
	set("qmail-dir", q, err, sizeof(err));
	set("empty-dir", e, err, sizeof(err));
	set("frontend-user", "12345:12345", err, sizeof(err));
	err[0] = '\0';
	CHECK(config_check(&cfg, err, sizeof(err)) == -1 &&
	    strstr(err, "users") != NULL,
	    "config_check: missing qmail-dir/users -> -1 (\"%s\")", err);
	snprintf(q, sizeof(q), "%s/qmail/users", top);
	mkdir(q, 0755);
	err[0] = '\0';
	CHECK(config_check(&cfg, err, sizeof(err)) == 0,
	    "config_check: trees present -> 0 (%s)", err);
	if (geteuid() == 0)
		CHECK(cfg.fe_uid == 12345 && cfg.fe_gid == 12345,
		    "config_check: numeric frontend-user resolved");
	set("vpopmail-dir", "/nonexistent/vpopmail", err, sizeof(err));
	CHECK(config_check(&cfg, err, sizeof(err)) == -1 &&
	    strstr(err, "/nonexistent/vpopmail") != NULL,
	    "config_check: missing vpopmail-dir -> -1, named");
	if (geteuid() == 0) {
		set("vpopmail-dir", v, err, sizeof(err));
		set("frontend-user", "0:0", err, sizeof(err));
		CHECK(config_check(&cfg, err, sizeof(err)) == -1,
		    "config_check as root: frontend-user 0:0 -> -1");
		set("frontend-user", "12345:12345", err, sizeof(err));
		chmod(e, 0777);
		CHECK(config_check(&cfg, err, sizeof(err)) == -1,
		    "config_check as root: world-writable empty-dir -> -1");
		chmod(e, 0755);
	}
}

/*
 * getpwnam is interposed here (this definition wins over libc's for the
 * whole test binary) to count lookups and to make a name disappear, as
 * when /etc/passwd is replaced under the listener's Landlock ruleset.
 */
static int pw_calls, pw_gone;

struct passwd *
getpwnam(const char *name)
{
	static struct passwd pw;
	static char n[64];

	pw_calls++;
	if (pw_gone || strcmp(name, "vp-fe-test") != 0)
		return NULL;
	vp_strlcpy(n, name, sizeof(n));
	memset(&pw, 0, sizeof(pw));
	pw.pw_name = n;
	pw.pw_uid = 4242;
	pw.pw_gid = 4343;
	return &pw;
}

/* A reload with the same frontend-user needs no new lookup. */
static void
test_user_reload(void)
{
	char v[PATH_MAX], q[PATH_MAX], e[PATH_MAX], err[256];

	if (geteuid() != 0) {
		printf("skip - frontend-user resolution: only as root "
		    "(config_check resolves it only then)\n");
		return;
	}
	snprintf(v, sizeof(v), "%s/vpop", top);	/* test_check made these */
	snprintf(q, sizeof(q), "%s/qmail", top);
	snprintf(e, sizeof(e), "%s/empty", top);
	config_defaults(&cfg);
	set("vpopmail-dir", v, err, sizeof(err));
	set("qmail-dir", q, err, sizeof(err));
	set("empty-dir", e, err, sizeof(err));
	set("frontend-user", "vp-fe-test", err, sizeof(err));
	pw_calls = pw_gone = 0;
	CHECK(config_check(&cfg, err, sizeof(err)) == 0 &&
	    cfg.fe_uid == 4242 && cfg.fe_gid == 4343 && pw_calls == 1,
	    "frontend-user by name resolved once (%s)", err);
	pw_gone = 1;	/* /etc/passwd replaced: NSS no longer answers */
	config_defaults(&cfg);
	set("vpopmail-dir", v, err, sizeof(err));
	set("qmail-dir", q, err, sizeof(err));
	set("empty-dir", e, err, sizeof(err));
	set("frontend-user", "vp-fe-test", err, sizeof(err));
	CHECK(config_check(&cfg, err, sizeof(err)) == 0 &&
	    cfg.fe_uid == 4242 && cfg.fe_gid == 4343 && pw_calls == 1,
	    "a reload with the same frontend-user reuses its ids (%s)", err);
	set("frontend-user", "other-user", err, sizeof(err));
	CHECK(config_check(&cfg, err, sizeof(err)) == -1 &&
	    strstr(err, "no such user") != NULL && pw_calls == 2,
	    "a changed frontend-user is looked up again (\"%s\")", err);
}

static int
lp(const char *spec, struct sockaddr_storage *ss)
{
	socklen_t sl = 0;

	memset(ss, 0, sizeof(*ss));
	return listen_parse(spec, ss, &sl);
}

static void
test_listen_parse(void)
{
	static const char *const bad[] = {
		"127.0.0.1", "host:0", "127.0.0.1:0", "1.2.3.4:70000",
		"1.2.3.4:65536", "[::1:89", "example.com:89", "::1:89", ":89",
		"127.0.0.1:", "127.0.0.1:89x", "[]:89", "[1.2.3.4]:89",
		"127.0.0.1:-1", "", "localhost:89", "127.0.0.1: 89",
		"127.0.0.1:+89",
	};
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	char big[300];
	size_t i;

	CHECK(lp("127.0.0.1:8900", &ss) == 0 && ss.ss_family == AF_INET &&
	    ntohs(s4->sin_port) == 8900 &&
	    ntohl(s4->sin_addr.s_addr) == 0x7f000001,
	    "listen_parse 127.0.0.1:8900");
	CHECK(lp("[::1]:89", &ss) == 0 && ss.ss_family == AF_INET6 &&
	    ntohs(s6->sin6_port) == 89 &&
	    IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr), "listen_parse [::1]:89");
	CHECK(lp("0.0.0.0:65535", &ss) == 0 && ntohs(s4->sin_port) == 65535,
	    "listen_parse 0.0.0.0:65535");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(lp(bad[i], &ss) == -1, "listen_parse \"%s\" -> -1",
		    bad[i]);
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[sizeof(big) - 4] = ':';
	CHECK(lp(big, &ss) == -1, "listen_parse of 299 bytes -> -1");
}

static void
test_json_escape(void)
{
	char d[128], tiny[10];

	d[0] = '\0';
	audit_json_escape(d, sizeof(d), "plain text/@.-");
	CHECK(strcmp(d, "plain text/@.-") == 0, "plain text unchanged");
	d[0] = '\0';
	audit_json_escape(d, sizeof(d), "a\"b\\c");
	CHECK(strcmp(d, "a\\\"b\\\\c") == 0, "'\"' and '\\\\' escaped: %s", d);
	d[0] = '\0';
	audit_json_escape(d, sizeof(d), "\n\r\t\x01\x1f");
	CHECK(strcmp(d, "\\u000a\\u000d\\u0009\\u0001\\u001f") == 0,
	    "control bytes as \\u00XX: %s", d);
	d[0] = '\0';
	audit_json_escape(d, sizeof(d), "\x7f\x80\xc3\xa9\xff");
	CHECK(strcmp(d, "\\u007f\\u0080\\u00c3\\u00a9\\u00ff") == 0,
	    "bytes >= 0x7f as \\u00XX: %s", d);
	d[0] = '\0';
	audit_json_escape(d, sizeof(d), " ~");
	CHECK(strcmp(d, " ~") == 0, "0x20 and 0x7e kept");
	snprintf(d, sizeof(d), "{\"k\":\"");
	audit_json_escape(d, sizeof(d), "v\"");
	CHECK(strcmp(d, "{\"k\":\"v\\\"") == 0, "appends to what dst holds");

	memset(tiny, 'Z', sizeof(tiny));
	tiny[0] = '\0';
	audit_json_escape(tiny, sizeof(tiny), "\x01\x02\x03\x04");
	CHECK(strlen(tiny) < sizeof(tiny) && (strlen(tiny) % 6) == 0,
	    "bounded: only whole escapes, NUL-terminated (\"%s\")", tiny);
	tiny[0] = '\0';
	audit_json_escape(tiny, sizeof(tiny), "abcdefghijklmnop");
	CHECK(strlen(tiny) < sizeof(tiny), "bounded: long plain input cut");
}

/* audit() writes one JSON object per line, whatever the field lengths. */
static void
test_audit_records(void)
{
	static struct vp_config acfg;
	static struct ph_ctx ctx;
	static char rec[8192], target[3000];
	char p[PATH_MAX], err[256];
	ssize_t n;
	int fd, lines = 0;
	char *s;

	snprintf(p, sizeof(p), "%s/audit.log", top);
	config_defaults(&acfg);
	snprintf(acfg.audit_log, sizeof(acfg.audit_log), "%s", p);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &acfg;
	snprintf(ctx.conn, sizeof(ctx.conn), "0123456789abcdef");
	snprintf(ctx.peer, sizeof(ctx.peer), "192.0.2.1");
	if (!CHECK(audit_open(&ctx, err, sizeof(err)) == 0 &&
	    ctx.audit_fd >= 0, "audit_open of a file"))
		return;
	audit(&ctx, "login", "a\"b@example.com", "fail", "wrong password");
	memset(target, '\x01', sizeof(target) - 1);
	audit(&ctx, "login", target, "fail", "long target");
	memset(target, 'x', sizeof(target) - 1);
	audit(&ctx, "login", target, "fail", "long plain target");
	audit(&ctx, "protocol", "", "violation", "last");
	close(ctx.audit_fd);

	fd = open(p, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, rec, sizeof(rec) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (!CHECK(n > 0, "audit log readable"))
		return;
	rec[n] = '\0';
	CHECK(strncmp(rec, "{\"time\":\"", 9) == 0 &&
	    strstr(rec, "\"conn\":\"0123456789abcdef\"") != NULL &&
	    strstr(rec, "\"peer\":\"192.0.2.1\"") != NULL &&
	    strstr(rec, "\"op\":\"login\"") != NULL &&
	    strstr(rec, "\"target\":\"a\\\"b@example.com\"") != NULL &&
	    strstr(rec, "\"result\":\"fail\"") != NULL &&
	    strstr(rec, "\"detail\":\"wrong password\"}\n") != NULL,
	    "first record: every field, escaped");
	for (s = rec; *s; s++)
		if (*s == '\n')
			lines++;
	CHECK(rec[n - 1] == '\n', "the log ends with a newline");
	/* Regression check: a long field used to fill the 2048-byte record
	 * and drop the closing "}\n", so the next record continued the same
	 * line (fixed by 444b875). */
	CHECK(lines == 4, "4 records -> 4 lines (got %d)", lines);
	{
		char *line = rec, *nl;
		int good = 0;

		while ((nl = strchr(line, '\n')) != NULL) {
			if (line[0] == '{' && nl[-1] == '}')
				good++;
			line = nl + 1;
		}
		CHECK(good == 4, "every line is one {...} object "
		    "(%d of 4)", good);
	}
	CHECK(strstr(rec, "\"detail\":\"last\"}\n") != NULL,
	    "the last record is complete");
}

int
main(void)
{
	if (t_mkdtemp(top, sizeof(top), "config") < 0) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return T_DONE("test_config");
	}
	test_defaults();
	test_set();
	test_load();
	test_check();
	test_user_reload();
	test_listen_parse();
	test_json_escape();
	test_audit_records();
	CHECK(t_rm_rf(top) == 0, "temp tree removed");
	return T_DONE("test_config");
}
