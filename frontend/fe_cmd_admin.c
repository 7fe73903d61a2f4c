/*
 * fe_cmd_admin.c - the domain and user commands (PROTOCOL.md 4.4-4.11,
 * 4.16-4.19, 4.21). The frontend only cuts the tokens, gives the
 * data-free early errors (policy/precheck.c) and relays; every decision
 * that needs the trees or the identity is the privhelper's.
 */
#include <string.h>

#include "fe_relay.h"
#include "fe_session.h"

void fe_cmd_user_info(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_user_info, 1, 0); }
void fe_cmd_list_domains(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_list_domains, 2, 0); }
void fe_cmd_find_domain(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_find_domain, 2, 0); }
void fe_cmd_domain_count(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_domain_count, 0, 0); }
void fe_cmd_add_alias_domain(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_add_alias_domain, 2, 0); }
void fe_cmd_add_domain(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_add_domain, 1, 1); }
void fe_cmd_del_domain(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_del_domain, 1, 0); }
void fe_cmd_dom_info(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_dom_info, 1, 0); }
void fe_cmd_add_user(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_add_user, 1, 1); }
void fe_cmd_del_user(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_del_user, 1, 0); }
void fe_cmd_user_count(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_user_count, 1, 0); }
void fe_cmd_list_users(struct fe_session *s, struct fe_args *a)
{ fe_forward(s, a, CMD_list_users, 3, 0); }

/*
 * mod_user: after the helper's "+OK " the body runs to the first line
 * that starts with '.' (D7). Lines go to the helper as they come, so a
 * body of any length needs no memory here; the helper applies them to
 * its copy and saves only when the end arrives. A client that vanishes
 * or idles mid-body ends the session and nothing is saved (D4, D5).
 */
static char body[FE_LINE_MAX + 1];

static void
relay_body(struct fe_session *s)
{
	size_t len;

	for (;;) {
		if (fe_flush(&s->io) < 0)
			fe_end(s, 1);
		switch (fe_read_line(&s->io, body, &len)) {
		case FE_RD_EOF:
		case FE_RD_TIMEOUT:
			fe_err(s, VPM_READ_TIMEOUT, 106);
			fe_end(s, 0);
		case FE_RD_TOOLONG:
			continue;	/* discarded whole, never a terminator */
		case FE_RD_LINE:
			break;
		}
		if (len > 0 && body[0] == '.')
			break;
		while (len > 0 && (body[len - 1] == '\n' ||
		    body[len - 1] == '\r'))
			len--;
		if (memchr(body, '\0', len) != NULL)
			continue;
		pr_put_body_line(&s->buf, body, len);
		if (pr_send(s->hfd, &s->buf) < 0)
			fe_end(s, 1);
	}
	explicit_bzero(body, sizeof(body));
	pr_init(&s->buf, PR_BODY_END);
	if (pr_send(s->hfd, &s->buf) < 0)
		fe_end(s, 1);
	fe_reply(s);
}

void
fe_cmd_mod_user(struct fe_session *s, struct fe_args *a)
{
	if (fe_forward(s, a, CMD_mod_user, 1, 0) == FE_REPLY_OK)
		relay_body(s);
}
