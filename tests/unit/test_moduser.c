/*
 * test_moduser.c - the mod_user body rules (policy/moduser.h): how lines
 * split (V4), the key table against PROTOCOL.md 3.3/4.21 for every kind
 * of caller, and what lines do to the edited account, including every
 * refusal that must fail the whole body.
 */
#include <string.h>

#include "errors.h"
#include "flags.h"
#include "moduser.h"
#include "t.h"

/* ------------------------------------------------------------ splitting */

/* A copy of s with control bytes shown as '?', for test descriptions. */
static const char *
shown(const char *s)
{
	static char buf[4][128];
	static int slot;
	char *b = buf[slot++ % 4];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof(buf[0]) - 1; i++)
		b[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	b[i] = '\0';
	return b;
}

static void
split_is(const char *line, const char *key, const char *value)
{
	struct pol_mu_split s;
	int r = pol_mu_split_line(line, strlen(line), &s);

	if (value == NULL) {
		CHECK(r == 1, "'%s': nothing to do", shown(line));
		return;
	}
	CHECK(r == 0 && s.keylen == strlen(key) &&
	    memcmp(s.key, key, s.keylen) == 0 && s.vlen == strlen(value) &&
	    memcmp(s.value, value, s.vlen) == 0,
	    "'%s' -> key '%s' value '%s' (got %d)", shown(line), shown(key),
	    shown(value), r);
}

static void
test_split(void)
{
	split_is("no_pop 1", "no_pop", "1");
	split_is("no_pop=1", "no_pop", "1");
	split_is("no_pop:1", "no_pop", "1");
	split_is("no_imap = 1", "no_imap", "1");		/* V4 */
	split_is("no_imap := \t1", "no_imap", "1");
	split_is("comment John Smith", "comment", "John Smith");
	split_is("comment  Hello: World", "comment", "Hello: World");
	split_is("comment trailing ", "comment", "trailing ");
	split_is("comment a\tb", "comment", "a\tb");
	/* HT is not a key separator: the key is the whole token */
	split_is("no_pop\t1", NULL, NULL);
	split_is("no_pop\t1 x", "no_pop\t1", "x");
	/* no value */
	split_is("clear_all_flags", NULL, NULL);
	split_is("clear_all_flags ", NULL, NULL);
	split_is("clear_all_flags =  ", NULL, NULL);
	split_is("comment\r\n", NULL, NULL);
	split_is("", NULL, NULL);
	split_is("   ", NULL, NULL);
	/* leading separators skipped as strtok does */
	split_is(" no_pop 1", "no_pop", "1");
	split_is("no_pop 1\r\n", "no_pop", "1");
}

/* ------------------------------------------------------------ the table */

enum { A_SA, A_QA, A_QA_OVR, A_PM, A_USER, A_N };
static const char *const actor_names[A_N] = {
	"SA", "QA", "QA+override", "postmaster", "USER"
};

static void
actor(int which, struct pol_actor *a)
{
	static const uint32_t flags[A_N] = {
		VF_SA_ADMIN, VF_QA_ADMIN, VF_QA_ADMIN | VF_OVERRIDE,
		VF_QA_ADMIN,	/* the session copy of a postmaster */
		0
	};
	a->flags = flags[which];
	a->user = which == A_PM ? "postmaster" : "someone";
	a->domain = "example.com";
}

/* Who may set each key: 1 per actor in actor_names order. */
static const struct {
	const char *key;
	int may[A_N];
} matrix[] = {
	{ "comment",			{ 1, 1, 1, 1, 1 } },
	{ "quota",			{ 1, 0, 1, 0, 0 } },
	{ "encrypted_password",		{ 1, 0, 0, 0, 0 } },
	{ "clear_text_password",	{ 1, 1, 1, 1, 1 } },
	{ "clear_all_flags",		{ 1, 0, 1, 0, 0 } },
	{ "no_password_change",		{ 1, 0, 1, 0, 0 } },
	{ "no_pop",			{ 1, 0, 1, 0, 0 } },
	{ "no_webmail",			{ 1, 0, 1, 0, 0 } },
	{ "no_imap",			{ 1, 0, 1, 0, 0 } },
	{ "bounce_mail",		{ 1, 0, 1, 0, 0 } },
	{ "no_relay",			{ 1, 0, 1, 0, 0 } },
	{ "no_dialup",			{ 1, 0, 1, 0, 0 } },
	{ "user_flag_0",		{ 1, 0, 1, 0, 0 } },
	{ "user_flag_1",		{ 1, 0, 1, 0, 0 } },
	{ "user_flag_2",		{ 1, 1, 1, 1, 1 } },
	{ "user_flag_3",		{ 1, 1, 1, 1, 1 } },
	{ "no_smtp",			{ 1, 0, 1, 0, 0 } },
	{ "domain_admin_privileges",	{ 1, 1, 1, 1, 0 } },
	{ "override_domain_limits",	{ 1, 0, 0, 0, 0 } },
	{ "no_spamassassin",		{ 1, 1, 1, 1, 1 } },
	{ "delete_spam",		{ 1, 1, 1, 1, 1 } },
	{ "system_admin_privileges",	{ 1, 0, 0, 0, 0 } },
	{ "system_expert_privileges",	{ 1, 0, 0, 0, 0 } },
	{ "no_maildrop",		{ 1, 1, 1, 1, 1 } },
};

static const struct {
	const char *key;
	uint32_t bit;
} bits[] = {
	{ "no_password_change", 0x1 }, { "no_pop", 0x2 },
	{ "no_webmail", 0x4 }, { "no_imap", 0x8 }, { "bounce_mail", 0x10 },
	{ "no_relay", 0x20 }, { "no_dialup", 0x40 },
	{ "user_flag_0", 0x80 }, { "user_flag_1", 0x100 },
	{ "user_flag_2", 0x200 }, { "user_flag_3", 0x400 },
	{ "no_smtp", 0x800 }, { "domain_admin_privileges", 0x1000 },
	{ "override_domain_limits", 0x2000 },
	{ "no_spamassassin", 0x4000 }, { "delete_spam", 0x8000 },
	{ "system_admin_privileges", 0x10000 },
	{ "system_expert_privileges", 0x20000 },
	{ "no_maildrop", 0x40000 },
};

static void
edit_init(struct pol_mu_edit *e)
{
	memset(e, 0, sizeof(*e));
	strcpy(e->gecos, "old");
	strcpy(e->quota, "NOQUOTA");
	strcpy(e->hash, "$6$abcdefgh$3rj1vTLX64btReFsM4MQ22otcD40l7vbtw7qCy"
	    "r0dxc4kxNmgx53xVM8gWiLYbCqTHTbXFaVFU7ZT28pnvdyu0");
	strcpy(e->clear, "test");
}

/* Sends the key with a value that changes something; 1 if it did. */
static int
line_changes(int who, const char *key)
{
	struct pol_mu_edit e;
	struct pol_actor a;
	char line[128];
	const char *val = "1";

	actor(who, &a);
	edit_init(&e);
	if (strcmp(key, "clear_all_flags") == 0)
		e.flags = 0x200;
	if (strcmp(key, "comment") == 0)
		val = "new";
	else if (strcmp(key, "quota") == 0)
		val = "10M";
	else if (strcmp(key, "encrypted_password") == 0)
		val = "$1$abcdefgh$irWbblnpmw.5z7wgBnprh0";
	else if (strcmp(key, "clear_text_password") == 0)
		val = "newpass";
	snprintf(line, sizeof(line), "%s %s", key, val);
	if (pol_mu_apply(&e, &a, line, strlen(line)) != 0)
		return -1;
	return e.applied != 0 && (e.flags != (strcmp(key,
	    "clear_all_flags") == 0 ? 0x200u : 0u) ||
	    strcmp(e.gecos, "old") != 0 || strcmp(e.quota, "NOQUOTA") != 0 ||
	    e.clear_pending || strcmp(e.clear, "test") != 0);
}

static void
test_matrix(void)
{
	const struct pol_mu_key *k;
	struct pol_actor a;
	size_t i, j;
	int w;

	CHECK(sizeof(matrix) / sizeof(matrix[0]) == POL_MU_KEYS,
	    "the matrix covers all %d keys", POL_MU_KEYS);
	for (i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++) {
		k = pol_mu_key_find(matrix[i].key, strlen(matrix[i].key));
		if (!CHECK(k != NULL, "key %s exists", matrix[i].key))
			continue;
		for (w = 0; w < A_N; w++) {
			actor(w, &a);
			CHECK(pol_mu_may_set(k, &a) == matrix[i].may[w],
			    "%s may%s set %s", actor_names[w],
			    matrix[i].may[w] ? "" : " not", matrix[i].key);
			CHECK(line_changes(w, matrix[i].key) ==
			    matrix[i].may[w], "%s: a '%s' line %s",
			    actor_names[w], matrix[i].key, matrix[i].may[w] ?
			    "applies" : "is ignored silently");
		}
	}
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		k = pol_mu_key_find(bits[i].key, strlen(bits[i].key));
		CHECK(k != NULL && k->kind == MU_FLAG && k->bit == bits[i].bit,
		    "%s is bit 0x%x", bits[i].key, (unsigned)bits[i].bit);
	}
	for (i = 0; i < POL_MU_KEYS; i++)
		for (j = i + 1; j < POL_MU_KEYS; j++)
			if (strcmp(pol_mu_keys[i].name,
			    pol_mu_keys[j].name) == 0)
				CHECK(0, "key %s twice", pol_mu_keys[i].name);
	CHECK(pol_mu_key_find("No_pop", 6) == NULL &&
	    pol_mu_key_find("NO_POP", 6) == NULL, "keys are case-sensitive");
	CHECK(pol_mu_key_find("no_po", 5) == NULL &&
	    pol_mu_key_find("no_popx", 7) == NULL, "keys match whole");
	CHECK(pol_mu_key_find("gidflags", 8) == NULL, "gidflags is no key");
}

/* ------------------------------------------------------------ applying */

static int
apply(struct pol_mu_edit *e, int who, const char *line)
{
	struct pol_actor a;

	actor(who, &a);
	return pol_mu_apply(e, &a, line, strlen(line));
}

static void
test_flags(void)
{
	struct pol_mu_edit e;

	edit_init(&e);
	CHECK(apply(&e, A_SA, "no_pop=1") == 0 && e.flags == 0x2,
	    "no_pop=1 sets");
	CHECK(apply(&e, A_SA, "no_imap = 1") == 0 && e.flags == 0xa,
	    "no_imap = 1 sets (V4)");
	CHECK(apply(&e, A_SA, "no_pop 0") == 0 && e.flags == 0x8,
	    "no_pop 0 clears");
	CHECK(apply(&e, A_SA, "no_imap yes") == 0 && e.flags == 0x8,
	    "a non-numeric value leaves the flag alone (V4)");
	CHECK(apply(&e, A_SA, "no_imap 2") == 0 &&
	    apply(&e, A_SA, "no_imap 01") == 0 &&
	    apply(&e, A_SA, "no_imap 1 ") == 0 &&
	    apply(&e, A_SA, "no_imap -1") == 0 && e.flags == 0x8,
	    "only exactly 0 or 1 count");
	CHECK(apply(&e, A_SA, "no_imap") == 0 && e.flags == 0x8,
	    "no value: ignored");
	CHECK(apply(&e, A_SA, "No_imap 0") == 0 && e.flags == 0x8,
	    "a key in other case is unknown");
	CHECK(apply(&e, A_SA, "bogus 1") == 0 && e.err == 0,
	    "unknown keys are ignored");
	CHECK(apply(&e, A_SA, "user_flag_2 1") == 0 &&
	    apply(&e, A_SA, "user_flag_2 0") == 0 && e.flags == 0x8,
	    "later lines override earlier ones");
	e.flags = 0x3ffff;
	CHECK(apply(&e, A_SA, "clear_all_flags") == 0 && e.flags == 0x3ffff,
	    "bare clear_all_flags does nothing");
	CHECK(apply(&e, A_SA, "clear_all_flags 0") == 0 && e.flags == 0x3ffff,
	    "clear_all_flags 0 does nothing");
	CHECK(apply(&e, A_SA, "clear_all_flags 1") == 0 && e.flags == 0,
	    "clear_all_flags 1 clears the whole word");
	CHECK(apply(&e, A_SA, "system_admin_privileges 1") == 0 &&
	    apply(&e, A_SA, "system_expert_privileges 1") == 0 &&
	    apply(&e, A_SA, "no_maildrop 1") == 0 && e.flags == 0x70000,
	    "SA sets the SA bits and no_maildrop");
	edit_init(&e);
	CHECK(apply(&e, A_USER, "no_pop 1") == 0 &&
	    apply(&e, A_USER, "system_admin_privileges 1") == 0 &&
	    apply(&e, A_USER, "domain_admin_privileges 1") == 0 &&
	    apply(&e, A_USER, "clear_all_flags 1") == 0 && e.flags == 0 &&
	    e.applied == 0 && e.err == 0,
	    "a USER's admin keys are ignored silently");
	CHECK(apply(&e, A_QA, "system_admin_privileges 1") == 0 &&
	    apply(&e, A_QA, "override_domain_limits 1") == 0 &&
	    e.flags == 0, "a QA cannot grant SA or override");
	CHECK(apply(&e, A_QA, "domain_admin_privileges 1") == 0 &&
	    e.flags == 0x1000, "a QA grants QA");
	edit_init(&e);
	CHECK(apply(&e, A_SA, "no_pop 1\x01") == -20 && e.err == -20 &&
	    e.flags == 0, "a control byte in a flag value fails the body");
}

static void
test_text(void)
{
	struct pol_mu_edit e;
	char name_buf[512], long_line[200];

	edit_init(&e);
	CHECK(apply(&e, A_USER, "comment John Smith") == 0 &&
	    strcmp(e.gecos, "John Smith") == 0, "comment with spaces");
	CHECK(apply(&e, A_USER, "comment  Hello: World") == VERR_BAD_CHAR &&
	    e.err == VERR_BAD_CHAR && strcmp(e.gecos, "John Smith") == 0,
	    "comment with ':' refused (V2)");
	CHECK(apply(&e, A_USER, "comment fine") == VERR_BAD_CHAR &&
	    strcmp(e.gecos, "John Smith") == 0,
	    "after a refusal nothing more is applied");
	edit_init(&e);
	CHECK(apply(&e, A_SA, "comment a\tb") == VERR_BAD_CHAR,
	    "comment with a TAB refused");
	edit_init(&e);
	CHECK(apply(&e, A_SA, "comment a\x01z") == VERR_BAD_CHAR,
	    "comment with 0x01 refused");
	edit_init(&e);
	CHECK(apply(&e, A_SA, "comment a\x7fz") == VERR_BAD_CHAR,
	    "comment with DEL refused");
	edit_init(&e);
	memset(long_line, 'x', sizeof(long_line));
	memcpy(long_line, "comment ", 8);
	long_line[8 + 64] = '\0';
	CHECK(apply(&e, A_SA, long_line) == 0 && strlen(e.gecos) == 64,
	    "a 64-byte comment is fine");
	long_line[8 + 64] = 'x';
	long_line[8 + 65] = '\0';
	CHECK(apply(&e, A_SA, long_line) == VERR_GECOS_TOO_LONG,
	    "a 65-byte comment: gecos too long");
	CHECK(strcmp(vp_verror_text(VERR_GECOS_TOO_LONG),
	    "gecos too long (max=64)") == 0, "its text");

	edit_init(&e);
	CHECK(apply(&e, A_SA, "quota 10M") == 0 &&
	    strcmp(e.quota, "10485760S") == 0 && e.quota_set,
	    "quota 10M -> 10485760S");
	CHECK(apply(&e, A_SA, "quota NOQUOTA") == 0 &&
	    strcmp(e.quota, "NOQUOTA") == 0, "quota NOQUOTA");
	CHECK(apply(&e, A_SA, "quota 123456789012345678901") ==
	    VERR_QUOTA_TOO_LONG, "quota input > 20 refused");
	edit_init(&e);
	CHECK(apply(&e, A_SA, "quota 99999999999999M") ==
	    VERR_QUOTA_TOO_LONG &&
	    strcmp(vp_verror_text(VERR_QUOTA_TOO_LONG),
	    "quota too long (max=20)") == 0, "quota result > 20 refused");
	edit_init(&e);
	CHECK(apply(&e, A_QA, "quota 10M") == 0 && !e.quota_set &&
	    strcmp(e.quota, "NOQUOTA") == 0, "a plain QA's quota ignored");

	edit_init(&e);
	CHECK(apply(&e, A_SA, "encrypted_password $6$x$y:1:65536") ==
	    VERR_BAD_CHAR && e.flags == 0, "hash injection refused (V1)");
	edit_init(&e);
	CHECK(apply(&e, A_SA, "encrypted_password notahash") ==
	    VERR_BAD_CHAR, "a value that is no crypt hash is refused");
	edit_init(&e);
	CHECK(apply(&e, A_SA,
	    "encrypted_password $1$abcdefgh$irWbblnpmw.5z7wgBnprh0") == 0 &&
	    strcmp(e.hash, "$1$abcdefgh$irWbblnpmw.5z7wgBnprh0") == 0 &&
	    e.clear[0] == '\0', "SA sets a hash; the clear copy is emptied");
	edit_init(&e);
	CHECK(apply(&e, A_USER, "encrypted_password $6$x$y:1:65536") == 0 &&
	    e.err == 0 && e.applied == 0,
	    "a USER's encrypted_password is ignored, even an injection");
	CHECK(apply(&e, A_QA,
	    "encrypted_password $1$abcdefgh$irWbblnpmw.5z7wgBnprh0") == 0 &&
	    e.applied == 0, "a QA's encrypted_password is ignored");

	edit_init(&e);
	CHECK(apply(&e, A_USER, "clear_text_password s3cret pass") == 0 &&
	    e.clear_pending && strcmp(e.clear, "s3cret pass") == 0,
	    "clear_text_password waits for hashing");
	edit_init(&e);
	memset(name_buf, 'p', sizeof(name_buf));
	memcpy(name_buf, "clear_text_password ", 20);
	name_buf[20 + 128] = '\0';
	CHECK(apply(&e, A_SA, name_buf) == 0 && strlen(e.clear) == 128,
	    "a 128-byte password is fine");
	edit_init(&e);
	name_buf[20 + 128] = 'p';
	name_buf[20 + 129] = '\0';
	CHECK(apply(&e, A_SA, name_buf) == VERR_CLEAR_TOO_LONG &&
	    strcmp(vp_verror_text(VERR_CLEAR_TOO_LONG),
	    "clear password too long (max=128)") == 0,
	    "a 129-byte password: clear password too long");
	edit_init(&e);
	CHECK(apply(&e, A_SA, "clear_text_password a\tb") == VERR_BAD_CHAR,
	    "a control byte in a password is refused");
}

static void
test_pw_lock(void)
{
	struct pol_mu_edit e;
	struct pol_actor a;
	int w;

	for (w = 0; w < A_N; w++) {
		actor(w, &a);
		CHECK(pol_mu_pw_locked(&a, VF_NO_PASSWD_CHNG) == (w == A_USER),
		    "A5: NO_PASSWD_CHNG %s %s", w == A_USER ? "stops" :
		    "does not stop", actor_names[w]);
		CHECK(!pol_mu_pw_locked(&a, 0), "no flag: %s not stopped",
		    actor_names[w]);
	}
	edit_init(&e);
	e.pw_locked = 1;
	CHECK(apply(&e, A_USER, "clear_text_password new") == 0 &&
	    !e.clear_pending && strcmp(e.clear, "test") == 0 &&
	    e.applied == 0 && e.err == 0,
	    "a locked password change is ignored silently");
}

static void
test_names(void)
{
	struct pol_mu_edit e;
	char out[512];

	edit_init(&e);
	apply(&e, A_SA, "quota 1M");
	apply(&e, A_SA, "comment x");
	apply(&e, A_SA, "no_pop 1");
	apply(&e, A_SA, "clear_text_password secretvalue");
	pol_mu_applied_names(&e, out, sizeof(out));
	CHECK(strcmp(out, "comment,quota,clear_text_password,no_pop") == 0,
	    "applied keys named in table order (got '%s')", out);
	CHECK(strstr(out, "secretvalue") == NULL, "never a value");
	pol_mu_applied_names(&e, out, 12);
	CHECK(strcmp(out, "comment") == 0, "cut at a whole name ('%s')", out);
}

int
main(void)
{
	test_split();
	test_matrix();
	test_flags();
	test_text();
	test_pw_lock();
	test_names();
	return T_DONE("test_moduser");
}
