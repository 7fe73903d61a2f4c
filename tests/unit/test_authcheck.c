/*
 * test_authcheck.c - privhelper/authcheck.c: vchkpw's service rules (each
 * user flag, each domain disable_* limit, override_domain_limits) as a
 * pure table, then authcheck_run over the small fixture with planted
 * .qmailadmin-limits files: accepted, refused by each limit, wrong
 * password, unknown user and domain, relay, home, lastauth.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authcheck.h"
#include "flags.h"
#include "unit/t.h"
#include "unit/tdir.h"
#include "unit/test_ctx.h"

static char top[256];
static struct vp_config cfg;
static struct ph_ctx ctx;

static const struct {
	unsigned	svc;
	uint32_t	bit;
	const char	*limit;
} rules[] = {
	{ PR_SVC_SMTP, VF_NO_SMTP, "disable_smtp" },
	{ PR_SVC_POP3, VF_NO_POP, "disable_pop" },
	{ PR_SVC_IMAP, VF_NO_IMAP, "disable_imap" },
	{ PR_SVC_WEBMAIL, VF_NO_WEBMAIL, "disable_webmail" },
};
#define NRULES	(sizeof(rules) / sizeof(rules[0]))

static void
test_table(void)
{
	unsigned i, s;

	for (i = 0; i < NRULES; i++) {
		int only = 1;

		for (s = 0; s < PR_SVC_COUNT; s++)
			only &= (authcheck_refusal(s, rules[i].bit, 0) != NULL) ==
			    (s == rules[i].svc) &&
			    (authcheck_refusal(s, 0, rules[i].bit) != NULL) ==
			    (s == rules[i].svc);
		CHECK(only, "%s: the user flag and the domain limit refuse "
		    "that service only", authcheck_service_name(rules[i].svc));
		CHECK(authcheck_refusal(rules[i].svc, VF_OVERRIDE,
		    rules[i].bit) == NULL, "%s: override_domain_limits skips "
		    "the domain limit", authcheck_service_name(rules[i].svc));
		CHECK(authcheck_refusal(rules[i].svc, VF_OVERRIDE | rules[i].bit,
		    0) != NULL, "%s: but not the user's own flag",
		    authcheck_service_name(rules[i].svc));
	}
	CHECK(authcheck_refusal(PR_SVC_SMTP, VF_NO_RELAY | VF_BOUNCE_MAIL |
	    VF_NO_PASSWD_CHNG, VF_NO_RELAY) == NULL,
	    "other flags do not refuse a service");
	CHECK(authcheck_refusal(PR_SVC_COUNT, 0, 0) != NULL &&
	    authcheck_service_name(PR_SVC_COUNT) == NULL,
	    "an unknown service is refused");
}

static int
check(unsigned svc, const char *addr, const char *pw,
    struct pr_auth_reply *r, char *why, size_t whylen)
{
	struct pr_login req;

	memset(&req, 0, sizeof(req));
	req.mode = (uint8_t)svc;
	vp_strlcpy(req.address, addr, sizeof(req.address));
	vp_strlcpy(req.password, pw, sizeof(req.password));
	why[0] = '\0';
	return authcheck_run(&ctx, &req, r, why, whylen);
}

static int
plant_limits(const char *text)
{
	char path[PATH_MAX];

	ts_path(path, sizeof(path),
	    "%s/home/vpopmail/domains/example.com/.qmailadmin-limits", top);
	if (text == NULL)
		return unlink(path);
	return t_write(path, text, strlen(text));
}

static void
test_run(void)
{
	struct pr_auth_reply r;
	char why[128], path[PATH_MAX];
	struct stat st;
	unsigned i, s;

	ts_path(path, sizeof(path),
	    "%s/home/vpopmail/domains/example.com/user1/lastauth", top);
	unlink(path);
	CHECK(check(PR_SVC_SMTP, "user1@example.com", "test", &r, why,
	    sizeof(why)) == 0 && r.relay == 1 && strcmp(r.home,
	    "/home/vpopmail/domains/example.com/user1") == 0,
	    "smtp accepted: relay, home %s (%s)", r.home, why);
	CHECK(!ctx.id.logged_in, "no identity is set: not a login");
	CHECK(stat(path, &st) == 0, "lastauth recorded like a login");
	CHECK(check(PR_SVC_POP3, "USER1@Example.COM", "test", &r, why,
	    sizeof(why)) == 0 && r.relay == 0, "pop3 accepted, no relay "
	    "flag outside smtp, address case folded");
	CHECK(check(PR_SVC_SMTP, "user1@example.com", "wrong", &r, why,
	    sizeof(why)) < 0 && strcmp(why, "wrong password") == 0 &&
	    r.home[0] == '\0', "wrong password refused, nothing returned");
	CHECK(check(PR_SVC_SMTP, "nobody@example.com", "test", &r, why,
	    sizeof(why)) < 0 && strcmp(why, "unknown user") == 0,
	    "unknown user refused");
	CHECK(check(PR_SVC_SMTP, "user1@nowhere.example", "test", &r, why,
	    sizeof(why)) < 0 && strcmp(why, "unknown domain") == 0,
	    "unknown domain refused");
	CHECK(check(PR_SVC_SMTP, "us(er1@example.com", "test", &r, why,
	    sizeof(why)) < 0 && strcmp(why, "malformed address") == 0,
	    "malformed address refused");

	for (i = 0; i < NRULES; i++) {
		char text[64];
		int ok = 1;

		snprintf(text, sizeof(text), "maxpopaccounts: 10\n%s\n",
		    rules[i].limit);
		if (plant_limits(text) < 0) {
			CHECK(0, "plant %s", rules[i].limit);
			continue;
		}
		for (s = 0; s < PR_SVC_COUNT; s++) {
			int r1 = check(s, "user1@example.com", "test", &r, why,
			    sizeof(why));

			ok &= s == rules[i].svc ? r1 < 0 &&
			    strstr(why, rules[i].limit) != NULL : r1 == 0;
		}
		CHECK(ok, "domain limit %s refuses %s only (%s)",
		    rules[i].limit, authcheck_service_name(rules[i].svc), why);
		CHECK(check(rules[i].svc, "admin@example.com", "secret", &r,
		    why, sizeof(why)) < 0, "the SA is refused too: limits are "
		    "not about levels");
	}
	plant_limits("disable_external_relay\n");
	CHECK(check(PR_SVC_SMTP, "user1@example.com", "test", &r, why,
	    sizeof(why)) == 0 && r.relay == 0,
	    "disable_external_relay: smtp accepted without relay");
	plant_limits(NULL);
}

int
main(void)
{
	test_table();
	if (ts_fixtures() == NULL) {
		T_SKIP("fixtures not found (run from the top of the tree)");
		return T_DONE("test_authcheck");
	}
	if (t_mkdtemp(top, sizeof(top), "authcheck") < 0 ||
	    ts_extract("reference-small.tgz", top) < 0 ||
	    tc_open(top, &cfg, &ctx) < 0) {
		CHECK(0, "extract the small fixture");
		return T_DONE("test_authcheck");
	}
	test_run();
	tc_close(&ctx);
	t_rm_rf(top);
	return T_DONE("test_authcheck");
}
