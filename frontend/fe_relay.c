/*
 * fe_relay.c - the frontend half of every command after login. The
 * frontend adds nothing but formatting: what is sent comes from the
 * helper, which alone reads the trees.
 */
#include <string.h>

#include "fe_format.h"
#include "fe_relay.h"
#include "precheck.h"

static struct pr_cmd req;
static struct pr_user user;
static struct pr_line item;

/* A value with CR or LF would forge protocol lines (fe_text_ok). */
static void
check_text(struct fe_session *s, const char *t)
{
	if (!fe_text_ok(t))
		fe_end(s, 1);
}

static void
print_user(struct fe_session *s)
{
	if (fe_put_user(&s->io, &user, s->compact) < 0)
		fe_end(s, 1);
	/* list_users keeps an empty line after every record (K5). */
	if (s->cmd == CMD_list_users)
		fe_puts(&s->io, "\r\n");
	explicit_bzero(&user, sizeof(user));
}

static void
print_line(struct fe_session *s)
{
	check_text(s, item.key);
	check_text(s, item.value);
	if (item.has_value)
		fe_printf(&s->io, "%s %s\r\n", item.key, item.value);
	else
		fe_printf(&s->io, "%s\r\n", item.key);
}

static void
next_frame(struct fe_session *s)
{
	if (fe_flush(&s->io) < 0)
		fe_end(s, 1);
	if (pr_recv(s->hfd, &s->buf) <= 0)
		fe_end(s, 1);
}

/* The items of a "+OK+" reply up to END; anything else ends the session. */
static void
print_list(struct fe_session *s)
{
	static char data[PR_DATA_MAX + 1];
	size_t n;

	for (;;) {
		next_frame(s);
		switch (pr_type(&s->buf)) {
		case PR_R_USER:
			if (pr_get_user_reply(&s->buf, &user) < 0)
				fe_end(s, 1);
			print_user(s);
			break;
		case PR_R_LINE:
			if (pr_get_line(&s->buf, &item) < 0)
				fe_end(s, 1);
			print_line(s);
			break;
		case PR_R_DATA:	/* read_file: already CRLF and dot-stuffed */
			if (s->cmd != CMD_read_file ||
			    pr_get_data(&s->buf, data, &n) < 0)
				fe_end(s, 1);
			fe_put(&s->io, data, n);
			break;
		case PR_R_END:
			if (pr_end(&s->buf) < 0)
				fe_end(s, 1);
			fe_puts(&s->io, ".\r\n");
			return;
		default:
			fe_end(s, 1);
		}
	}
}

/* The reply already in s->buf. */
static enum fe_reply
print_reply(struct fe_session *s)
{
	struct vp_status st;
	int multi;

	switch (pr_type(&s->buf)) {
	case PR_R_STATUS:
		if (pr_get_status(&s->buf, &st) < 0)
			fe_end(s, 1);
		check_text(s, st.text);
		fe_status(s, &st);
		return FE_REPLY_ERR;
	case PR_R_OK:
		if (pr_get_ok(&s->buf, &multi) < 0)
			fe_end(s, 1);
		fe_puts(&s->io, multi ? "+OK+\r\n" : "+OK \r\n");
		if (!multi)
			return FE_REPLY_OK;
		print_list(s);
		return FE_REPLY_LIST;
	default:
		fe_end(s, 1);
	}
}

enum fe_reply
fe_reply(struct fe_session *s)
{
	next_frame(s);
	return print_reply(s);
}

enum fe_reply
fe_request(struct fe_session *s, enum vp_cmd cmd, char *const *args,
    size_t n)
{
	size_t i;

	memset(&req, 0, sizeof(req));
	req.cmd = (uint16_t)cmd;
	for (i = 0; i < n && i < PR_CMD_ARGS && args[i] != NULL; i++) {
		/* Fits: a line is at most FE_LINE_MAX < PR_ADDR_MAX bytes. */
		memcpy(req.args[i], args[i], strlen(args[i]) + 1);
		req.nargs++;
	}
	s->cmd = cmd;
	pr_put_cmd(&s->buf, &req);
	explicit_bzero(&req, sizeof(req));
	fe_call(s);
	return print_reply(s);
}

enum fe_reply
fe_forward(struct fe_session *s, struct fe_args *a, enum vp_cmd cmd,
    size_t nargs, int rest)
{
	char *args[PR_CMD_ARGS] = { NULL };
	struct vp_status st;
	size_t n = 0;

	while (n < nargs && n < PR_CMD_ARGS &&
	    (args[n] = fe_arg_next(a)) != NULL)
		n++;
	if (pol_precheck(cmd, args[0], &st)) {
		fe_status(s, &st);
		return FE_REPLY_ERR;
	}
	if (rest && n == nargs && n < PR_CMD_ARGS &&
	    (args[n] = fe_arg_rest(a)) != NULL)
		n++;
	return fe_request(s, cmd, args, n);
}

/*
 * mod_user and set_limits: after the helper's "+OK " the body runs to
 * the first line that starts with '.' (D7). Lines go to the helper as they come, so a
 * body of any length needs no memory here; the helper applies them to
 * its copy and saves only when the end arrives. A client that vanishes
 * or idles mid-body ends the session and nothing is saved (D4, D5).
 */
static char body[FE_LINE_MAX + 1];

void
fe_relay_body(struct fe_session *s)
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
