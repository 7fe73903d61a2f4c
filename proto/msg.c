/*
 * msg.c - encoders and strict decoders of the compound messages.
 * Decoders of whole messages call pr_end so that trailing bytes fail.
 */
#include <string.h>

#include "commands.h"
#include "msg.h"

const char *
pr_type_name(unsigned type)
{
	switch (type) {
#define X(name, num, fields) case num: return #name;
#include "proto.def"
#undef X
	}
	return NULL;
}

void
pr_put_login(struct pr_buf *b, const struct pr_login *l)
{
	pr_init(b, PR_LOGIN);
	pr_put_u8(b, l->mode);
	pr_put_str(b, l->address);
	pr_put_str(b, l->password);
}

int
pr_get_login(struct pr_buf *b, struct pr_login *l)
{
	if (pr_get_u8(b, &l->mode) < 0 || l->mode > PR_MODE_SILENT ||
	    pr_get_str(b, l->address, sizeof(l->address)) < 0 ||
	    pr_get_str(b, l->password, sizeof(l->password)) < 0)
		return -1;
	return pr_end(b);
}

void
pr_put_auth_check(struct pr_buf *b, const struct pr_login *l)
{
	pr_init(b, PR_AUTH_CHECK);
	pr_put_u8(b, l->mode);
	pr_put_str(b, l->address);
	pr_put_str(b, l->password);
}

int
pr_get_auth_check(struct pr_buf *b, struct pr_login *l)
{
	if (pr_get_u8(b, &l->mode) < 0 || l->mode >= PR_SVC_COUNT ||
	    pr_get_str(b, l->address, sizeof(l->address)) < 0 ||
	    pr_get_str(b, l->password, sizeof(l->password)) < 0)
		return -1;
	return pr_end(b);
}

void
pr_put_auth_reply(struct pr_buf *b, const struct pr_auth_reply *r)
{
	pr_init(b, PR_R_AUTH);
	pr_put_u8(b, r->relay);
	pr_put_str(b, r->home);
}

int
pr_get_auth_reply(struct pr_buf *b, struct pr_auth_reply *r)
{
	if (pr_get_u8(b, &r->relay) < 0 || r->relay > 1 ||
	    pr_get_str(b, r->home, sizeof(r->home)) < 0)
		return -1;
	return pr_end(b);
}

void
pr_put_status(struct pr_buf *b, const struct vp_status *st)
{
	pr_init(b, PR_R_STATUS);
	pr_put_u16(b, st->major);
	pr_put_u16(b, st->minor);
	pr_put_str(b, st->major == 0 || st->major == VPM_BARE ? st->text : "");
}

int
pr_get_status(struct pr_buf *b, struct vp_status *st)
{
	if (pr_get_u16(b, &st->major) < 0 || st->major > VPM_MAX ||
	    pr_get_u16(b, &st->minor) < 0 ||
	    pr_get_str(b, st->text, sizeof(st->text)) < 0)
		return -1;
	return pr_end(b);
}

void
pr_put_user(struct pr_buf *b, const struct pr_user *u)
{
	pr_put_str(b, u->name);
	pr_put_str(b, u->comment);
	pr_put_str(b, u->quota);
	pr_put_str(b, u->dir);
	pr_put_str(b, u->passwd);
	pr_put_str(b, u->clear);
	pr_put_u32(b, u->flags);
}

int
pr_get_user(struct pr_buf *b, struct pr_user *u)
{
	if (pr_get_str(b, u->name, sizeof(u->name)) < 0 ||
	    pr_get_str(b, u->comment, sizeof(u->comment)) < 0 ||
	    pr_get_str(b, u->quota, sizeof(u->quota)) < 0 ||
	    pr_get_str(b, u->dir, sizeof(u->dir)) < 0 ||
	    pr_get_str(b, u->passwd, sizeof(u->passwd)) < 0 ||
	    pr_get_str(b, u->clear, sizeof(u->clear)) < 0 ||
	    pr_get_u32(b, &u->flags) < 0)
		return -1;
	return 0;
}

void
pr_put_login_reply(struct pr_buf *b, const struct pr_login_reply *r)
{
	pr_init(b, PR_R_LOGIN);
	pr_put_u8(b, r->level);
	pr_put_u32(b, r->uid);
	pr_put_u32(b, r->gid);
	pr_put_str(b, r->domain);
	pr_put_str(b, r->vpopmail_dir);
	pr_put_str(b, r->domain_dir);
	pr_put_user(b, &r->user);
}

int
pr_get_login_reply(struct pr_buf *b, struct pr_login_reply *r)
{
	if (pr_get_u8(b, &r->level) < 0 || r->level < 1 || r->level > 3 ||
	    pr_get_u32(b, &r->uid) < 0 || pr_get_u32(b, &r->gid) < 0 ||
	    pr_get_str(b, r->domain, sizeof(r->domain)) < 0 ||
	    pr_get_str(b, r->vpopmail_dir, sizeof(r->vpopmail_dir)) < 0 ||
	    pr_get_str(b, r->domain_dir, sizeof(r->domain_dir)) < 0 ||
	    pr_get_user(b, &r->user) < 0)
		return -1;
	return pr_end(b);
}

void
pr_put_cmd(struct pr_buf *b, const struct pr_cmd *c)
{
	uint8_t i;

	pr_init(b, PR_CMD);
	pr_put_u16(b, c->cmd);
	pr_put_u8(b, c->nargs);
	for (i = 0; i < c->nargs && i < PR_CMD_ARGS; i++)
		pr_put_str(b, c->args[i]);
}

int
pr_get_cmd(struct pr_buf *b, struct pr_cmd *c)
{
	uint8_t i;

	if (pr_get_u16(b, &c->cmd) < 0 || c->cmd >= CMD_COUNT ||
	    pr_get_u8(b, &c->nargs) < 0 || c->nargs > PR_CMD_ARGS)
		return -1;
	for (i = 0; i < c->nargs; i++)
		if (pr_get_str(b, c->args[i], sizeof(c->args[i])) < 0)
			return -1;
	for (; i < PR_CMD_ARGS; i++)
		c->args[i][0] = '\0';
	return pr_end(b);
}

void
pr_put_body_line(struct pr_buf *b, const char *line, size_t n)
{
	pr_init(b, PR_BODY_LINE);
	pr_put_mem(b, line, n);
}

int
pr_get_body_line(struct pr_buf *b, char *line, size_t max)
{
	if (pr_get_str(b, line, max) < 0)
		return -1;
	return pr_end(b);
}

void
pr_put_ok(struct pr_buf *b, int multi)
{
	pr_init(b, PR_R_OK);
	pr_put_u8(b, multi ? 1 : 0);
}

int
pr_get_ok(struct pr_buf *b, int *multi)
{
	uint8_t m;

	if (pr_get_u8(b, &m) < 0 || m > 1)
		return -1;
	*multi = m;
	return pr_end(b);
}

void
pr_put_user_reply(struct pr_buf *b, const struct pr_user *u)
{
	pr_init(b, PR_R_USER);
	pr_put_user(b, u);
}

int
pr_get_user_reply(struct pr_buf *b, struct pr_user *u)
{
	if (pr_get_user(b, u) < 0)
		return -1;
	return pr_end(b);
}

void
pr_put_line(struct pr_buf *b, const struct pr_line *l)
{
	pr_init(b, PR_R_LINE);
	pr_put_str(b, l->key);
	pr_put_u8(b, l->has_value ? 1 : 0);
	pr_put_str(b, l->has_value ? l->value : "");
}

int
pr_get_line(struct pr_buf *b, struct pr_line *l)
{
	if (pr_get_str(b, l->key, sizeof(l->key)) < 0 ||
	    pr_get_u8(b, &l->has_value) < 0 || l->has_value > 1 ||
	    pr_get_str(b, l->value, sizeof(l->value)) < 0)
		return -1;
	return pr_end(b);
}

void
pr_put_data(struct pr_buf *b, const char *data, size_t n)
{
	pr_init(b, PR_R_DATA);
	if (n == 0 || n > PR_DATA_MAX)
		b->bad = 1;
	else
		pr_put_mem(b, data, n);
}

int
pr_get_data(struct pr_buf *b, char *data, size_t *n)
{
	if (pr_get_str(b, data, PR_DATA_MAX + 1) < 0 || data[0] == '\0')
		return -1;
	*n = strlen(data);
	return pr_end(b);
}
