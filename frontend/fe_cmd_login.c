/*
 * fe_cmd_login.c - login, clogin, slogin, auth_check and quit. The
 * frontend only forwards the address and password; the privhelper
 * decides, counts the failure and answers every kind of failure with the
 * same line.
 */
#include <string.h>
#include <strings.h>

#include "fe_format.h"
#include "fe_session.h"

static void
login_reply(struct fe_session *s, const struct pr_login_reply *r, int mode)
{
	s->logged_in = 1;
	s->level = r->level;
	s->flags = r->user.flags;
	s->compact = mode != PR_MODE_FULL;
	memcpy(s->user, r->user.name, sizeof(s->user));
	memcpy(s->domain, r->domain, sizeof(s->domain));
	if (mode == PR_MODE_SILENT) {
		fe_puts(&s->io, "+OK \r\n");
		return;
	}
	if (!fe_text_ok(r->vpopmail_dir) || !fe_text_ok(r->domain_dir))
		fe_end(s, 1);
	fe_puts(&s->io, "+OK+\r\n");
	fe_printf(&s->io, "vpopmail_dir %s\r\n", r->vpopmail_dir);
	fe_printf(&s->io, "domain_dir %s\r\n", r->domain_dir);
	fe_printf(&s->io, "uid %u\r\n", (unsigned)r->uid);
	fe_printf(&s->io, "gid %u\r\n", (unsigned)r->gid);
	if (fe_put_user(&s->io, &r->user, s->compact) < 0)
		fe_end(s, 1);
	fe_puts(&s->io, ".\r\n");
}

/* Cuts "user@domain password" into req (the same errors as the
 * reference's login). 0, or -1 after the error line was sent. */
static int
login_args(struct fe_session *s, struct fe_args *a, struct pr_login *req,
    unsigned mode)
{
	char *addr, *pw;

	if ((addr = fe_arg_next(a)) == NULL) {
		fe_err(s, VPM_EMAIL_REQUIRED, 203);
		return -1;
	}
	if ((pw = fe_arg_rest(a)) == NULL) {
		fe_err(s, VPM_PASSWORD_REQUIRED, 204);
		return -1;
	}
	memset(req, 0, sizeof(*req));
	req->mode = (uint8_t)mode;
	/* Both fit: a line is at most FE_LINE_MAX bytes. */
	memcpy(req->address, addr, strlen(addr) + 1);
	memcpy(req->password, pw, strlen(pw) + 1);
	return 0;
}

/* A refusal from the helper; anything else there ends the session. */
static void
login_refused(struct fe_session *s)
{
	struct vp_status st;

	if (pr_type(&s->buf) != PR_R_STATUS ||
	    pr_get_status(&s->buf, &st) != 0)
		fe_end(s, 1);
	if (st.major == VPM_INVALID_LOGIN)
		s->failures++;
	fe_status(s, &st);
}

static void
do_login(struct fe_session *s, struct fe_args *a, int mode)
{
	static struct pr_login req;
	static struct pr_login_reply reply;

	if (login_args(s, a, &req, (unsigned)mode) < 0)
		return;
	pr_put_login(&s->buf, &req);
	explicit_bzero(&req, sizeof(req));
	fe_call(s);
	if (pr_type(&s->buf) == PR_R_LOGIN &&
	    pr_get_login_reply(&s->buf, &reply) == 0) {
		login_reply(s, &reply, mode);
		explicit_bzero(&reply, sizeof(reply));
	} else
		login_refused(s);
	explicit_bzero(s->buf.data, s->buf.len);
}

void
fe_cmd_login(struct fe_session *s, struct fe_args *a)
{
	do_login(s, a, PR_MODE_FULL);
}

void
fe_cmd_clogin(struct fe_session *s, struct fe_args *a)
{
	do_login(s, a, PR_MODE_COMPACT);
}

void
fe_cmd_slogin(struct fe_session *s, struct fe_args *a)
{
	do_login(s, a, PR_MODE_SILENT);
}

/* auth_check SERVICE user@domain password (an extension, docs/protocol.md):
 * one line, "+OK relay=0|1 home=<dir>" or the failed-login line. */
void
fe_cmd_auth_check(struct fe_session *s, struct fe_args *a)
{
	static const char *const names[PR_SVC_COUNT] = {
		[PR_SVC_SMTP] = "smtp", [PR_SVC_POP3] = "pop3",
		[PR_SVC_IMAP] = "imap", [PR_SVC_WEBMAIL] = "webmail"
	};
	static struct pr_login req;
	static struct pr_auth_reply reply;
	char *svc;
	unsigned i;

	svc = fe_arg_next(a);
	for (i = 0; svc != NULL && i < PR_SVC_COUNT; i++)
		if (strcasecmp(svc, names[i]) == 0)
			break;
	if (svc == NULL || i == PR_SVC_COUNT) {
		fe_err(s, VPM_INVALID_COMMAND, 104);
		return;
	}
	if (login_args(s, a, &req, i) < 0)
		return;
	pr_put_auth_check(&s->buf, &req);
	explicit_bzero(&req, sizeof(req));
	fe_call(s);
	if (pr_type(&s->buf) == PR_R_AUTH &&
	    pr_get_auth_reply(&s->buf, &reply) == 0) {
		if (!fe_text_ok(reply.home))
			fe_end(s, 1);
		fe_printf(&s->io, "+OK relay=%u home=%s\r\n",
		    (unsigned)reply.relay, reply.home);
	} else
		login_refused(s);
	explicit_bzero(s->buf.data, s->buf.len);
}

void
fe_cmd_quit(struct fe_session *s, struct fe_args *a)
{
	(void)a;
	fe_puts(&s->io, "+OK \r\n");
	pr_init(&s->buf, PR_QUIT);
	pr_send(s->hfd, &s->buf);
	s->done = 1;
}
