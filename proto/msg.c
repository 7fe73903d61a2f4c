/*
 * msg.c - encoders and strict decoders of the compound messages.
 * Decoders of whole messages call pr_end so that trailing bytes fail.
 */
#include <string.h>

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
pr_put_status(struct pr_buf *b, const struct vp_status *st)
{
	pr_init(b, PR_R_STATUS);
	pr_put_u16(b, st->major);
	pr_put_u16(b, st->minor);
	pr_put_str(b, st->major == 0 ? st->text : "");
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
