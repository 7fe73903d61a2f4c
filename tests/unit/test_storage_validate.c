/*
 * test_storage_validate.c - policy/validate.c: table-driven checks of the
 * user-name (6.1), domain (5.1), vpasswd field (6.4), hash, pw_dir and
 * quota (6.11) rules, every byte 0x00-0xff through each character rule,
 * and the over-long (300-character) cases.
 */
#include <stdio.h>
#include <string.h>

#include "validate.h"
#include "unit/t.h"

struct vcase {
	const char	*s;
	int		 want;
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char s300[301], s65[66], s64[65], s97[98], s96[97];

static void
fill(void)
{
	memset(s300, 'a', 300);
	memset(s65, 'a', 65);
	memset(s64, 'a', 64);
	memset(s97, 'a', 97);
	memcpy(s97 + 90, ".com", 4);
	memset(s96, 'a', 96);
	memcpy(s96 + 89, ".com", 4);
}

/* s shown on one line: control and high bytes as \xNN, cut at 40 */
static const char *
shown(const char *s)
{
	static char out[200];
	size_t o = 0, i;

	for (i = 0; s[i] && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x",
			    c);
		else
			out[o++] = (char)c;
	}
	snprintf(out + o, sizeof(out) - o, "%s", s[i] ? "..." : "");
	return out;
}

static void
table(const char *what, int (*fn)(const char *), const struct vcase *c,
    size_t n)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		r = fn(c[i].s);
		CHECK(r == c[i].want, "%s(\"%s\") = %d (%s), want %d", what,
		    shown(c[i].s), r, val_strerror(r), c[i].want);
	}
}

static int new_user_bigdir(const char *s) { return val_new_user_name(s, 1); }
static int new_user_flat(const char *s) { return val_new_user_name(s, 0); }
static int user_bigdir(const char *s) { return val_user_name(s, 1); }
static int field64(const char *s) { return val_field(s, 64); }

static void
test_user_names(void)
{
	const struct vcase nu[] = {
		{ "alice", VAL_OK }, { "ab", VAL_OK }, { s64, VAL_OK },
		{ "first.last", VAL_OK }, { "a-b_c+d", VAL_OK },
		{ "o'brien", VAL_OK }, { "x!#$&'*+-=?^_`{|}~", VAL_OK },
		{ "postmaster", VAL_OK }, { "vpasswdx", VAL_OK },
		{ "", VAL_EMPTY }, { "a", VAL_TOO_SHORT },
		{ s65, VAL_TOO_LONG }, { s300, VAL_TOO_LONG },
		{ "vpasswd", VAL_RESERVED }, { "vpasswd.cdb", VAL_RESERVED },
		{ "cdb.tmp", VAL_RESERVED }, { "vpasswd.bak.123", VAL_RESERVED },
		{ "a/b", VAL_BAD_CHAR }, { "../x", VAL_BAD_CHAR },
		{ ".", VAL_TOO_SHORT }, { "..", VAL_BAD_FORM },
		{ ".hidden", VAL_BAD_FORM }, { "Bob", VAL_BAD_CHAR },
		{ "BOB", VAL_BAD_CHAR }, { "a b", VAL_BAD_CHAR },
		{ "a:b", VAL_BAD_CHAR }, { "a@b", VAL_BAD_CHAR },
		{ "a%b", VAL_BAD_CHAR }, { "a\nb", VAL_BAD_CHAR },
		{ "caf\xc3\xa9", VAL_BAD_CHAR }, { "a\"b", VAL_BAD_CHAR },
		{ "a,b", VAL_BAD_CHAR }, { "a;b", VAL_BAD_CHAR },
		{ "a\\b", VAL_BAD_CHAR }, { "a(b)", VAL_BAD_CHAR },
		{ "a<b>", VAL_BAD_CHAR }, { "a[b]", VAL_BAD_CHAR },
	};
	const struct vcase flat[] = {
		{ "a", VAL_OK }, { ".", VAL_BAD_FORM }, { "/", VAL_BAD_CHAR },
	};
	const struct vcase existing[] = {
		/* the reference accepts these; they must stay reachable */
		{ ".hidden", VAL_OK }, { "a/b", VAL_OK }, { "..", VAL_OK },
		{ "vpasswd", VAL_RESERVED }, { "a", VAL_TOO_SHORT },
		{ s65, VAL_TOO_LONG }, { "a:b", VAL_BAD_CHAR },
	};

	table("val_new_user_name", new_user_bigdir, nu, NELEM(nu));
	table("val_new_user_name(flat)", new_user_flat, flat, NELEM(flat));
	table("val_user_name", user_bigdir, existing, NELEM(existing));
}

/* Every byte value in the middle of a name: exactly the 6.1 set. */
static void
test_user_bytes(void)
{
	static const char punct[] = "!#$&'*+-.=?^_`{|}~";
	char name[4] = "a?b";
	int c, bad = 0, want, got;

	for (c = 1; c < 256; c++) {
		name[1] = (char)c;
		want = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr(punct, c) != NULL;
		got = val_new_user_name(name, 1) == VAL_OK;
		if (got != want) {
			bad++;
			T_INFO("byte 0x%02x: got %d want %d", c, got, want);
		}
	}
	CHECK(bad == 0, "user names: every byte 0x01-0xff classified as 6.1 "
	    "(with '/' and upper case refused)");
}

static void
test_domains(void)
{
	const struct vcase d[] = {
		{ "example.com", VAL_OK }, { "mail.example.org", VAL_OK },
		{ "a-b.example.co.uk", VAL_OK }, { "x.io", VAL_OK },
		{ "d01.example", VAL_OK }, { "1.23", VAL_OK }, { s96, VAL_OK },
		{ "", VAL_EMPTY }, { "ab", VAL_TOO_SHORT },
		{ "example", VAL_BAD_FORM }, { "-example.com", VAL_BAD_FORM },
		{ "example.com-", VAL_BAD_FORM }, { "exa..mple.com", VAL_BAD_FORM },
		{ "ex_ample.com", VAL_BAD_CHAR }, { "example.c", VAL_BAD_FORM },
		{ s97, VAL_TOO_LONG }, { s300, VAL_TOO_LONG },
		{ "EXAMPLE.COM", VAL_BAD_CHAR }, { ".example.com", VAL_BAD_FORM },
		{ "example.com.", VAL_BAD_FORM }, { "exa mple.com", VAL_BAD_CHAR },
		{ "example.com/x", VAL_BAD_CHAR }, { "a:b.com", VAL_BAD_CHAR },
		{ "..", VAL_TOO_SHORT }, { "...", VAL_BAD_FORM },
		{ "a.bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij"
		  "klm", VAL_BAD_FORM },
		{ "a.bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij"
		  "kl", VAL_OK },
		{ "b\xc3\xbc" "cher.de", VAL_BAD_CHAR },
	};
	char name[] = "ex?mple.com";
	int c, bad = 0, want, got;

	table("val_domain_name", val_domain_name, d, NELEM(d));
	for (c = 1; c < 256; c++) {
		name[2] = (char)c;
		want = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.';
		got = val_domain_name(name) == VAL_OK;
		if (got != want) {
			bad++;
			T_INFO("byte 0x%02x: got %d want %d", c, got, want);
		}
	}
	CHECK(bad == 0, "domains: every byte 0x01-0xff classified as 5.1");
}

/* Every byte through the vpasswd field rule, via the _n form so NUL is
 * tested too: forbidden exactly 0x00-0x1f, 0x7f and ':'. */
static void
test_field_bytes(void)
{
	char v[3] = "a?b";
	int c, bad = 0, want, got;

	for (c = 0; c < 256; c++) {
		v[1] = (char)c;
		want = !(c < 0x20 || c == 0x7f || c == ':');
		got = val_field_n(v, 3, 64) == VAL_OK;
		if (got != want) {
			bad++;
			T_INFO("byte 0x%02x: got %d want %d", c, got, want);
		}
		if (!want)
			CHECK(val_field_n(v, 3, 64) == VAL_BAD_CHAR,
			    "field with byte 0x%02x refused", c);
	}
	CHECK(bad == 0, "field: only 0x00-0x1f, 0x7f, ':' refused");
	for (c = 0; c < 256; c++) {
		v[1] = (char)c;
		want = !(c == 0 || c == '\n' || c == '\r');
		if ((val_clear_password_n(v, 3) == VAL_OK) != want)
			bad++;
	}
	CHECK(bad == 0, "clear password: only NUL, CR, LF refused");
}

static int clear_fn(const char *s) { return val_clear_password(s); }

static void
test_fields(void)
{
	const struct vcase f[] = {
		{ "Alice Example", VAL_OK }, { "", VAL_OK }, { s64, VAL_OK },
		{ "J\xc3\xb6rg", VAL_OK }, { "a:b", VAL_BAD_CHAR },
		{ "a\nb", VAL_BAD_CHAR }, { "a\rb", VAL_BAD_CHAR },
		{ "a\tb", VAL_BAD_CHAR }, { "a\x7f", VAL_BAD_CHAR },
		{ s65, VAL_TOO_LONG }, { s300, VAL_TOO_LONG },
	};
	const struct vcase c[] = {
		{ "secret", VAL_OK }, { "a:b::c:", VAL_OK }, { "", VAL_OK },
		{ "tab\there", VAL_OK }, { "a\nb", VAL_BAD_CHAR },
		{ "a\rb", VAL_BAD_CHAR }, { s300, VAL_TOO_LONG },
	};
	char c128[129], c129[130];

	table("val_gecos", val_gecos, f, NELEM(f));
	table("val_field(64)", field64, f, NELEM(f));
	table("val_clear_password", clear_fn, c, NELEM(c));
	memset(c128, 'p', 128);
	c128[128] = '\0';
	memset(c129, 'p', 129);
	c129[129] = '\0';
	CHECK(val_clear_password(c128) == VAL_OK, "clear password of 128");
	CHECK(val_clear_password(c129) == VAL_TOO_LONG, "clear password 129");
	CHECK(val_field_n("ab\0cd", 5, 64) == VAL_BAD_CHAR,
	    "embedded NUL refused");
}

static void
test_hash(void)
{
	const struct vcase h[] = {
		{ "$6$abcdefgh$3rj1vTLX64btReFsM4MQ22otcD40l7vbtw7qCyr0dxc4kxNm"
		  "gx53xVM8gWiLYbCqTHTbXFaVFU7ZT28pnvdyu0", VAL_OK },
		{ "$1$abcdefgh$irWbblnpmw.5z7wgBnprh0", VAL_OK },
		{ "abgOeLfPimXQo", VAL_OK },
		{ "{SHA512-CRYPT}$6$abcdefgh$3rj1vTLX64btReFsM4MQ22otcD40l7vbtw7"
		  "qCyr0dxc4kxNmgx53xVM8gWiLYbCqTHTbXFaVFU7ZT28pnvdyu0", VAL_OK },
		{ "{MD5-CRYPT}$1$abcdefgh$irWbblnpmw.5z7wgBnprh0", VAL_OK },
		{ "{CRYPT}abgOeLfPimXQo", VAL_OK },
		{ "$6$rounds=5000$abcdefgh$xyz", VAL_OK },
		{ "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		  VAL_OK },
		{ "$y$j9T$salt$hash", VAL_OK },
		{ "", VAL_EMPTY }, { "x", VAL_BAD_FORM },
		{ "x:1:65536:g:/d:NOQUOTA", VAL_BAD_CHAR },
		{ "$6$salt$hash:1:65536", VAL_BAD_CHAR },
		{ "$6$salt$ha\nsh", VAL_BAD_CHAR }, { "$6$", VAL_BAD_FORM },
		{ "$$abc", VAL_BAD_FORM }, { "$6abc", VAL_BAD_FORM },
		{ "$6$salt$has h", VAL_BAD_FORM }, { "abgOeLfPimXQ", VAL_BAD_FORM },
		{ "abgOeLfPimXQoo", VAL_BAD_FORM }, { "abgOeLfPimX!o", VAL_BAD_FORM },
		{ "{}abgOeLfPimXQo", VAL_BAD_FORM }, { "{X abgOeLfPimXQo",
		  VAL_BAD_FORM }, { "{PLAIN}secret", VAL_BAD_FORM },
		{ s300, VAL_TOO_LONG },
	};

	table("val_hash", val_hash, h, NELEM(h));
}

static void
test_dir_quota(void)
{
	const struct vcase d[] = {
		{ "", VAL_OK }, { "/home/vpopmail/domains/example.com/alice",
		  VAL_OK }, { "/d/0/bob", VAL_OK }, { "/", VAL_OK },
		{ "relative/x", VAL_BAD_FORM }, { "/d/../etc", VAL_BAD_FORM },
		{ "/d/./x", VAL_BAD_FORM }, { "/d/..", VAL_BAD_FORM },
		{ "/d/..x", VAL_OK }, { "/d:x", VAL_BAD_CHAR },
		{ "/d\nx", VAL_BAD_CHAR }, { s300, VAL_TOO_LONG },
	};
	const struct vcase q[] = {
		{ "", VAL_OK }, { "NOQUOTA", VAL_OK }, { "1048576S", VAL_OK },
		{ "500C", VAL_OK }, { "10485760S,1000C", VAL_OK },
		{ "99999999999999999S", VAL_OK }, { "0S", VAL_OK },
		{ "noquota", VAL_BAD_FORM }, { "1048576", VAL_BAD_FORM },
		{ "10M", VAL_BAD_FORM }, { "1000C,10S", VAL_BAD_FORM },
		{ "S", VAL_BAD_FORM }, { "10S,", VAL_BAD_FORM },
		{ "10S,5", VAL_BAD_FORM }, { "10S,5C,", VAL_BAD_FORM },
		{ "10s", VAL_BAD_FORM }, { "10S 5C", VAL_BAD_FORM },
		{ "-1S", VAL_BAD_FORM }, { "1S:2", VAL_BAD_FORM },
		{ "999999999999999999S,1C", VAL_TOO_LONG },
		{ s300, VAL_TOO_LONG },
	};

	table("val_pw_dir", val_pw_dir, d, NELEM(d));
	table("val_quota", val_quota, q, NELEM(q));
}

static void
test_misc(void)
{
	char s[] = "Mixed.CASE@Example.COM";

	val_lower(s);
	CHECK(strcmp(s, "mixed.case@example.com") == 0, "val_lower");
	CHECK(strcmp(val_strerror(VAL_TOO_LONG), "too long") == 0 &&
	    strcmp(val_strerror(42), "invalid") == 0, "val_strerror");
}

int
main(void)
{
	fill();
	test_user_names();
	test_user_bytes();
	test_domains();
	test_field_bytes();
	test_fields();
	test_hash();
	test_dir_quota();
	test_misc();
	return T_DONE("test_storage_validate");
}
