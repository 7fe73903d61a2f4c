/*
 * auth.c - login: address -> domain (users/cdb) -> user (vpasswd.cdb) ->
 * crypt_r. Every failure path does exactly one crypt of comparable cost
 * (against a dummy SHA-512 hash when there is nothing real to compare),
 * so that a wrong password, an unknown user and a malformed address are
 * indistinguishable on the wire and in time.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "assign.h"
#include "auth.h"
#include "flags.h"
#include "fs.h"
#include "target.h"
#include "util.h"
#include "vpasswd.h"

/* A SHA-512-crypt hash at the default rounds: only its cost matters. */
static const char dummy_hash[] =
    "$6$abcdefgh$3rj1vTLX64btReFsM4MQ22otcD40l7vbtw7qCyr0dxc4kxNmgx53xVM8gWiL"
    "YbCqTHTbXFaVFU7ZT28pnvdyu0";

static const char *
skip_scheme(const char *stored)
{
	const char *end;

	if (stored[0] == '{' && (end = strchr(stored, '}')) != NULL)
		return end + 1;
	return stored;
}

static int
crypt_chars_ok(const char *s, const char *extra)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '/')
			continue;
		if (strchr(extra, c) == NULL || c == '\0')
			return 0;
	}
	return 1;
}

int
auth_hash_wellformed(const char *stored)
{
	static const char *const prefixes[] = {
		"$1$", "$5$", "$6$", "$y$", "$2b$", "$2y$", "$2a$", "$7$",
		"$gy$"
	};
	const char *h = skip_scheme(stored);
	size_t i, n = strlen(h);

	if (n == 13 && crypt_chars_ok(h, ""))
		return 1;		/* traditional DES */
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);

		if (strncmp(h, prefixes[i], pl) == 0 && n > pl + 1 &&
		    crypt_chars_ok(h + pl, "$=,"))
			return 1;
	}
	return 0;
}

static int
equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = (unsigned char)(la != lb);

	for (i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ (i < lb ? b[i] : 0));
	return d == 0;
}

int
auth_verify(const char *clear, const char *stored)
{
	static struct crypt_data cd;
	const char *h = skip_scheme(stored);
	int ok = auth_hash_wellformed(stored);
	const char *out;

	memset(&cd, 0, sizeof(cd));
	out = crypt_r(clear, ok ? h : dummy_hash, &cd);
	if (!ok || out == NULL || out[0] == '*')
		ok = 0;
	else
		ok = equal_ct(out, h);
	explicit_bzero(&cd, sizeof(cd));
	return ok;
}

static int
find_user(struct ph_ctx *ctx, const char *addr, char *user, size_t usz,
    struct assign_ent *dom, struct vpw *pw, char *why, size_t whylen)
{
	char domain[PR_FIELD_MAX], rel[PATH_MAX];
	int dfd, r;

	if (pol_parse_address(addr, user, usz, domain, sizeof(domain)) < 0) {
		snprintf(why, whylen, "malformed address");
		return -1;
	}
	if (domain[0] == '\0')
		vp_strlcpy(domain, ctx->default_domain, sizeof(domain));
	if (domain[0] == '\0' || (r = assign_lookup(ctx, domain, dom)) > 0) {
		snprintf(why, whylen, "unknown domain");
		return -1;
	}
	if (r < 0) {
		snprintf(why, whylen, "users/cdb: %s", strerror(errno));
		return -1;
	}
	if (fs_relative(ctx->cfg->vpopmail_dir, dom->dir, rel, sizeof(rel)) < 0) {
		snprintf(why, whylen, "domain directory outside vpopmail-dir");
		return -1;
	}
	if ((dfd = fs_open_beneath(ctx->vpop_fd, rel, O_PATH | O_DIRECTORY,
	    0)) < 0) {
		snprintf(why, whylen, "domain directory: %s", strerror(errno));
		return -1;
	}
	ph_domain_refresh(dfd, dom);
	r = vpasswd_lookup(dfd, user, pw);
	close(dfd);
	if (r != 0) {
		snprintf(why, whylen, r > 0 ? "unknown user" :
		    "user table unreadable");
		return -1;
	}
	return 0;
}

static void
fill_reply(struct ph_ctx *ctx, const struct assign_ent *dom,
    const struct vpw *pw, struct pr_login_reply *r)
{
	struct ph_identity *id = &ctx->id;

	memset(r, 0, sizeof(*r));
	id->logged_in = 1;
	id->level = pol_login_level(pw->name, pw->flags, &id->flags);
	vp_strlcpy(id->user, pw->name, sizeof(id->user));
	vp_strlcpy(id->domain, dom->domain, sizeof(id->domain));
	vp_strlcpy(id->domain_dir, dom->dir, sizeof(id->domain_dir));
	id->uid = dom->uid;
	id->gid = dom->gid;

	r->level = (uint8_t)id->level;
	r->uid = (uint32_t)dom->uid;
	r->gid = (uint32_t)dom->gid;
	vp_strlcpy(r->domain, dom->domain, sizeof(r->domain));
	vp_strlcpy(r->vpopmail_dir, ctx->cfg->vpopmail_dir,
	    sizeof(r->vpopmail_dir));
	vp_strlcpy(r->domain_dir, dom->dir, sizeof(r->domain_dir));
	vp_strlcpy(r->user.name, pw->name, sizeof(r->user.name));
	vp_strlcpy(r->user.comment, pw->gecos, sizeof(r->user.comment));
	vp_strlcpy(r->user.quota, pw->quota, sizeof(r->user.quota));
	vp_strlcpy(r->user.dir, pw->dir, sizeof(r->user.dir));
	vp_strlcpy(r->user.passwd, pw->passwd, sizeof(r->user.passwd));
	vp_strlcpy(r->user.clear, pw->clear, sizeof(r->user.clear));
	r->user.flags = id->flags;
}

int
auth_login(struct ph_ctx *ctx, const struct pr_login *req,
    struct pr_login_reply *reply, char *why, size_t whylen)
{
	static struct vpw pw;
	struct assign_ent dom;
	char user[PR_FIELD_MAX];
	int found, ok;

	found = find_user(ctx, req->address, user, sizeof(user), &dom, &pw,
	    why, whylen) == 0;
	ok = auth_verify(req->password, found ? pw.passwd : "");
	if (found && !ok)
		snprintf(why, whylen, pw.passwd[0] == '\0' ? "empty hash" :
		    auth_hash_wellformed(pw.passwd) ? "wrong password" :
		    "malformed stored hash");
	if (found && ok)
		fill_reply(ctx, &dom, &pw, reply);
	explicit_bzero(&pw, sizeof(pw));
	return (found && ok) ? 0 : -1;
}
