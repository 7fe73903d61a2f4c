/*
 * moduser.c - the mod_user key table and body-line rules (see
 * moduser.h). Departures from the reference, all from PROTOCOL.md 6.7 /
 * 6.8: "key = value" works (V4); a flag takes exactly "0" or "1", other
 * values are ignored instead of clearing it (V4); encrypted_password is
 * SA only and must look like a crypt hash (V1); a ':' or control byte is
 * refused instead of mangled (V2); NO_PASSWD_CHNG stops only the user
 * itself (A5).
 */
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "flags.h"
#include "moduser.h"
#include "quota.h"
#include "util.h"

const struct pol_mu_key pol_mu_keys[POL_MU_KEYS] = {
	{ "comment",			MU_COMMENT,   0, MU_ANYONE },
	{ "quota",			MU_QUOTA,     0, MU_OVERRIDE },
	{ "encrypted_password",		MU_HASH,      0, MU_SA },
	{ "clear_text_password",	MU_CLEAR,     0, MU_ANYONE },
	{ "clear_all_flags",		MU_CLEAR_ALL, 0, MU_OVERRIDE },
	{ "no_password_change",	MU_FLAG, VF_NO_PASSWD_CHNG,  MU_OVERRIDE },
	{ "no_pop",		MU_FLAG, VF_NO_POP,          MU_OVERRIDE },
	{ "no_webmail",		MU_FLAG, VF_NO_WEBMAIL,      MU_OVERRIDE },
	{ "no_imap",		MU_FLAG, VF_NO_IMAP,         MU_OVERRIDE },
	{ "bounce_mail",	MU_FLAG, VF_BOUNCE_MAIL,     MU_OVERRIDE },
	{ "no_relay",		MU_FLAG, VF_NO_RELAY,        MU_OVERRIDE },
	{ "no_dialup",		MU_FLAG, VF_NO_DIALUP,       MU_OVERRIDE },
	{ "user_flag_0",	MU_FLAG, VF_USER0,           MU_OVERRIDE },
	{ "user_flag_1",	MU_FLAG, VF_USER1,           MU_OVERRIDE },
	{ "user_flag_2",	MU_FLAG, VF_USER2,           MU_ANYONE },
	{ "user_flag_3",	MU_FLAG, VF_USER3,           MU_ANYONE },
	{ "no_smtp",		MU_FLAG, VF_NO_SMTP,         MU_OVERRIDE },
	{ "domain_admin_privileges", MU_FLAG, VF_QA_ADMIN,   MU_ADMIN },
	{ "override_domain_limits", MU_FLAG, VF_OVERRIDE,    MU_SA },
	{ "no_spamassassin",	MU_FLAG, VF_NO_SPAMASSASSIN, MU_ANYONE },
	{ "delete_spam",	MU_FLAG, VF_DELETE_SPAM,     MU_ANYONE },
	{ "system_admin_privileges", MU_FLAG, VF_SA_ADMIN,   MU_SA },
	{ "system_expert_privileges", MU_FLAG, VF_SA_EXPERT, MU_SA },
	{ "no_maildrop",	MU_FLAG, VF_NO_MAILDROP,     MU_ANYONE },
};

static int
is_key_sep(char c)
{
	return c == ' ' || c == '=' || c == ':' || c == '\r' || c == '\n';
}

static int
is_value_sep(char c)
{
	return c == ' ' || c == '\t' || c == '=' || c == ':';
}

int
pol_mu_split_line(const char *line, size_t n, struct pol_mu_split *s)
{
	size_t i = 0, k;

	/* Leading separators are skipped as the reference's strtok does. */
	while (i < n && is_key_sep(line[i]))
		i++;
	for (k = i; k < n && !is_key_sep(line[k]); k++)
		continue;
	s->key = line + i;
	s->keylen = k - i;
	if (s->keylen == 0 || k == n)
		return 1;
	for (k++; k < n && is_value_sep(line[k]); k++)
		continue;
	s->value = line + k;
	s->vlen = n - k;
	/* A value that is only line-end bytes is no value. */
	while (s->vlen > 0 && (s->value[s->vlen - 1] == '\r' ||
	    s->value[s->vlen - 1] == '\n'))
		s->vlen--;
	return s->vlen == 0 ? 1 : 0;
}

const struct pol_mu_key *
pol_mu_key_find(const char *key, size_t n)
{
	size_t i;

	for (i = 0; i < POL_MU_KEYS; i++)
		if (strlen(pol_mu_keys[i].name) == n &&
		    memcmp(pol_mu_keys[i].name, key, n) == 0)
			return &pol_mu_keys[i];
	return NULL;
}

int
pol_mu_may_set(const struct pol_mu_key *k, const struct pol_actor *a)
{
	switch (k->who) {
	case MU_ANYONE:
		return 1;
	case MU_OVERRIDE:
		return pol_has_override(a);
	case MU_ADMIN:
		return pol_is_admin(a);
	case MU_SA:
		return pol_is_sa(a);
	}
	return 0;
}

int
pol_mu_pw_locked(const struct pol_actor *a, uint32_t effective_flags)
{
	return (effective_flags & VF_NO_PASSWD_CHNG) && !pol_is_admin(a);
}

/* Copies value into buf (NUL-terminated). VERR_BAD_CHAR for a control
 * byte, tl when it does not fit in max bytes. */
static int
take_value(const struct pol_mu_split *s, char *buf, size_t max, int tl)
{
	size_t i;

	for (i = 0; i < s->vlen; i++) {
		unsigned char c = (unsigned char)s->value[i];

		if (c < 0x20 || c == 0x7f)
			return VERR_BAD_CHAR;
	}
	if (s->vlen > max)
		return tl;
	memcpy(buf, s->value, s->vlen);
	buf[s->vlen] = '\0';
	return 0;
}

static int
verr_of(int val, int too_long)
{
	return val == VAL_TOO_LONG ? too_long : VERR_BAD_CHAR;
}

/* A text key's value into e; 0 or a vp_verr. */
static int
apply_text(struct pol_mu_edit *e, const struct pol_mu_key *k,
    const struct pol_mu_split *s)
{
	char v[VAL_CLEAR_MAX + 1], q[VAL_QUOTA_MAX + 1];
	int r;

	switch (k->kind) {
	case MU_COMMENT:
		if ((r = take_value(s, v, VAL_GECOS_MAX,
		    VERR_GECOS_TOO_LONG)) != 0)
			return r;
		if ((r = val_gecos(v)) != VAL_OK)
			return verr_of(r, VERR_GECOS_TOO_LONG);
		vp_strlcpy(e->gecos, v, sizeof(e->gecos));
		e->gecos_set = 1;
		return 0;
	case MU_QUOTA:
		if ((r = take_value(s, v, VAL_QUOTA_MAX,
		    VERR_QUOTA_TOO_LONG)) != 0)
			return r;
		if ((r = pol_quota_normalise(v, q, sizeof(q))) != VAL_OK)
			return verr_of(r, VERR_QUOTA_TOO_LONG);
		vp_strlcpy(e->quota, q, sizeof(e->quota));
		e->quota_set = 1;
		return 0;
	case MU_HASH:
		if ((r = take_value(s, v, VAL_HASH_MAX,
		    VERR_PASSWD_TOO_LONG)) != 0)
			return r;
		if ((r = val_hash(v)) != VAL_OK)
			return verr_of(r, VERR_PASSWD_TOO_LONG);
		vp_strlcpy(e->hash, v, sizeof(e->hash));
		/* The stored clear copy would no longer match the hash;
		 * vadduser -e leaves it empty too (STORAGE.md 8.3). */
		e->clear[0] = '\0';
		e->pw_set = 1;
		return 0;
	case MU_CLEAR:
		if ((r = take_value(s, v, VAL_CLEAR_MAX,
		    VERR_CLEAR_TOO_LONG)) != 0)
			return r;
		vp_strlcpy(e->clear, v, sizeof(e->clear));
		e->clear_pending = 1;
		e->pw_set = 1;
		explicit_bzero(v, sizeof(v));
		return 0;
	default:
		return 0;
	}
}

/* 1 when the value is exactly "0" or "1" (*on set), 0 for any other
 * value (ignored), VERR_BAD_CHAR when it holds a control byte. */
static int
flag_value(const struct pol_mu_split *s, int *on)
{
	char v[2];

	if (take_value(s, v, 0, 0) == VERR_BAD_CHAR)
		return VERR_BAD_CHAR;
	if (s->vlen != 1 || (s->value[0] != '0' && s->value[0] != '1'))
		return 0;
	*on = s->value[0] == '1';
	return 1;
}

int
pol_mu_apply(struct pol_mu_edit *e, const struct pol_actor *a,
    const char *line, size_t n)
{
	const struct pol_mu_key *k;
	struct pol_mu_split s;
	int on, r;

	if (e->err != 0)
		return e->err;
	if (pol_mu_split_line(line, n, &s) != 0 ||
	    (k = pol_mu_key_find(s.key, s.keylen)) == NULL ||
	    !pol_mu_may_set(k, a))
		return 0;
	if (k->kind == MU_CLEAR && e->pw_locked)
		return 0;
	if (k->kind == MU_FLAG || k->kind == MU_CLEAR_ALL) {
		if ((r = flag_value(&s, &on)) <= 0) {
			if (r < 0)
				e->err = r;
			return r;
		}
		if (k->kind == MU_CLEAR_ALL) {
			if (!on)
				return 0;
			e->flags = 0;
		} else if (on)
			e->flags |= k->bit;
		else
			e->flags &= ~k->bit;
	} else if ((r = apply_text(e, k, &s)) != 0) {
		e->err = r;
		return r;
	}
	e->applied |= 1u << (k - pol_mu_keys);
	return 0;
}

void
pol_mu_applied_names(const struct pol_mu_edit *e, char *out, size_t outsz)
{
	size_t i, len = 0;
	int n;

	if (outsz == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < POL_MU_KEYS; i++) {
		if (!(e->applied & (1u << i)))
			continue;
		n = snprintf(out + len, outsz - len, "%s%s",
		    len ? "," : "", pol_mu_keys[i].name);
		if (n < 0 || (size_t)n >= outsz - len) {
			out[len] = '\0';
			return;
		}
		len += (size_t)n;
	}
}
