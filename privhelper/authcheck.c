/*
 * authcheck.c - auth_check: address -> domain -> user -> one crypt (a
 * dummy one when there is nothing to compare, as for login) -> the
 * service rules. Nothing in the context changes but the lastauth file of
 * an account that passed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "authcheck.h"
#include "domlimits.h"
#include "flags.h"
#include "lastauth.h"
#include "target.h"
#include "util.h"
#include "vpasswd.h"

static const struct {
	const char	*name;
	uint32_t	 bit;
	const char	*user_flag;
	const char	*limit;
} services[PR_SVC_COUNT] = {
	[PR_SVC_SMTP] = { "smtp", VF_NO_SMTP, "no_smtp", "disable_smtp" },
	[PR_SVC_POP3] = { "pop3", VF_NO_POP, "no_pop", "disable_pop" },
	[PR_SVC_IMAP] = { "imap", VF_NO_IMAP, "no_imap", "disable_imap" },
	[PR_SVC_WEBMAIL] = { "webmail", VF_NO_WEBMAIL, "no_webmail",
	    "disable_webmail" },
};

const char *
authcheck_service_name(unsigned service)
{
	return service < PR_SVC_COUNT ? services[service].name : NULL;
}

const char *
authcheck_refusal(unsigned service, uint32_t user_flags,
    uint32_t domain_flags)
{
	static char why[96];

	if (service >= PR_SVC_COUNT)
		return "unknown service";
	if (user_flags & services[service].bit) {
		snprintf(why, sizeof(why), "%s refused by the user flag %s",
		    services[service].name, services[service].user_flag);
		return why;
	}
	/* vpopmail merges the domain's limits unless the account
	 * overrides them */
	if (!(user_flags & VF_OVERRIDE) && (domain_flags &
	    services[service].bit)) {
		snprintf(why, sizeof(why), "%s refused by the domain limit %s",
		    services[service].name, services[service].limit);
		return why;
	}
	return NULL;
}

/* The domain's limit flags; -1 when its limits exist but cannot be
 * read (refused: a service must not open up because a file is
 * unreadable). No file at all means the built-in defaults. */
static int
domain_flags(struct ph_ctx *ctx, int domfd, uint32_t *flags)
{
	struct limits l;

	*flags = 0;
	if (limits_read(ctx, domfd, &l) < 0)
		return errno == ENOENT ? 0 : -1;
	*flags = limits_flag_mask(&l);
	return 0;
}

static int
find(struct ph_ctx *ctx, const char *address, struct assign_ent *dom,
    int *domfd, struct vpw *pw, char *why, size_t whylen)
{
	char user[PR_FIELD_MAX], domain[PR_FIELD_MAX];
	int r;

	*domfd = -1;
	if (ph_parse_address(ctx, address, user, sizeof(user), domain,
	    sizeof(domain)) < 0) {
		snprintf(why, whylen, "malformed address");
		return -1;
	}
	if (domain[0] == '\0' || (r = ph_domain_find(ctx, domain, dom)) > 0) {
		snprintf(why, whylen, "unknown domain");
		return -1;
	}
	if (r < 0 || (*domfd = ph_domain_open(ctx, dom)) < 0) {
		snprintf(why, whylen, "domain: %s", strerror(errno));
		return -1;
	}
	if ((r = vpasswd_lookup(*domfd, user, pw)) != 0) {
		snprintf(why, whylen, r > 0 ? "unknown user" :
		    "user table unreadable");
		return -1;
	}
	return 0;
}

int
authcheck_run(struct ph_ctx *ctx, const struct pr_login *req,
    struct pr_auth_reply *reply, char *why, size_t whylen)
{
	static struct vpw pw;
	struct assign_ent dom;
	const char *no;
	uint32_t dflags = 0;
	int found, ok, domfd;

	memset(reply, 0, sizeof(*reply));
	found = find(ctx, req->address, &dom, &domfd, &pw, why, whylen) == 0;
	ok = auth_verify(req->password, found ? pw.passwd : "");
	if (found && !ok)
		snprintf(why, whylen, pw.passwd[0] == '\0' ? "empty hash" :
		    auth_hash_wellformed(pw.passwd) ? "wrong password" :
		    "malformed stored hash");
	if (found && ok && domain_flags(ctx, domfd, &dflags) < 0) {
		snprintf(why, whylen, "domain limits unreadable: %s",
		    strerror(errno));
		ok = 0;
	}
	if (found && ok && (no = authcheck_refusal(req->mode, pw.flags,
	    dflags)) != NULL) {
		vp_strlcpy(why, no, whylen);
		ok = 0;
	}
	if (found && ok) {
		vp_strlcpy(reply->home, pw.dir, sizeof(reply->home));
		reply->relay = req->mode == PR_SVC_SMTP &&
		    !((pw.flags | ((pw.flags & VF_OVERRIDE) ? 0 : dflags)) &
		    VF_NO_RELAY);
		/* like a mail login through vchkpw; a failure is audited
		 * there and does not refuse the check */
		(void)lastauth_record(ctx, domfd, &dom, &pw, "auth_check");
	}
	if (domfd >= 0)
		close(domfd);
	explicit_bzero(&pw, sizeof(pw));
	return (found && ok) ? 0 : -1;
}
