/*
 * test_policy.c - policy/: level derivation at login (PROTOCOL.md 3.2), the
 * full-output flag list (3.3), address parsing (4.0.1) and the command
 * table with its gates (1.3, 4.2).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "commands.h"
#include "flags.h"
#include "paging.h"
#include "precheck.h"
#include "scope.h"
#include "unit/t.h"

static void
test_levels(void)
{
	uint32_t f;

	f = 0xdeadbeef;
	CHECK(pol_login_level("admin", VF_SA_ADMIN, &f) == LEVEL_SA &&
	    f == VF_SA_ADMIN, "SA flag -> level 3, flags unchanged");
	f = 0;
	CHECK(pol_login_level("postmaster", VF_SA_ADMIN, &f) == LEVEL_SA &&
	    f == VF_SA_ADMIN,
	    "postmaster with SA -> level 3, no QA bit added (flags %#x)", f);
	f = 0;
	CHECK(pol_login_level("admin", VF_SA_ADMIN | VF_QA_ADMIN, &f) ==
	    LEVEL_SA && f == (VF_SA_ADMIN | VF_QA_ADMIN),
	    "SA + QA stored -> level 3");
	f = 0;
	CHECK(pol_login_level("user2", VF_QA_ADMIN, &f) == LEVEL_QA &&
	    f == VF_QA_ADMIN, "QA flag -> level 2");
	f = 0;
	CHECK(pol_login_level("postmaster", 0, &f) == LEVEL_QA &&
	    f == VF_QA_ADMIN,
	    "postmaster, flags 0 -> level 2, session flags gain 0x1000 (%#x)",
	    f);
	f = 0;
	CHECK(pol_login_level("postmaster", VF_NO_POP | VF_USER0, &f) ==
	    LEVEL_QA && f == (VF_NO_POP | VF_USER0 | VF_QA_ADMIN),
	    "postmaster keeps its stored bits plus 0x1000");
	f = 0;
	CHECK(pol_login_level("user1", 0, &f) == LEVEL_USER && f == 0,
	    "ordinary user -> level 1");
	f = 0;
	CHECK(pol_login_level("u020", 2178, &f) == LEVEL_USER && f == 2178,
	    "ordinary user with restriction flags -> level 1, flags kept");
	f = 0;
	CHECK(pol_login_level("Postmaster", 0, &f) == LEVEL_USER && f == 0,
	    "\"Postmaster\" is not exactly \"postmaster\" -> level 1");
	f = 0;
	CHECK(pol_login_level("postmaster2", 0, &f) == LEVEL_USER,
	    "\"postmaster2\" -> level 1");
	f = 0;
	CHECK(pol_login_level("x", VF_SA_EXPERT | VF_OVERRIDE, &f) ==
	    LEVEL_USER, "SA_EXPERT/OVERRIDE alone -> level 1");
}

static void
test_full_flags(void)
{
	static const struct pol_flag_name want[] = {
		{ "no_password_change", 0x1 },
		{ "no_pop", 0x2 },
		{ "no_webmail", 0x4 },
		{ "no_imap", 0x8 },
		{ "bounce_mail", 0x10 },
		{ "no_relay", 0x20 },
		{ "no_dialup", 0x40 },
		{ "user_flag_0", 0x80 },
		{ "user_flag_1", 0x100 },
		{ "user_flag_2", 0x200 },
		{ "user_flag_3", 0x400 },
		{ "no_smtp", 0x800 },
		{ "domain_admin_privileges", 0x1000 },
		{ "override_domain_limits", 0x2000 },
		{ "no_spamassassin", 0x4000 },
		{ "delete_spam", 0x8000 },
		{ "no_maildrop", 0x40000 },
		{ "system_admin_privileges", 0x10000 },
	};
	size_t i, bad = 0, expert = 0;

	CHECK(POL_FULL_FLAGS == 18 &&
	    sizeof(want) / sizeof(want[0]) == POL_FULL_FLAGS,
	    "18 full-output flag lines");
	for (i = 0; i < POL_FULL_FLAGS; i++) {
		if (strcmp(pol_full_flags[i].name, want[i].name) != 0 ||
		    pol_full_flags[i].bit != want[i].bit) {
			bad++;
			T_INFO("position %zu: %s %#x, want %s %#x", i + 1,
			    pol_full_flags[i].name, pol_full_flags[i].bit,
			    want[i].name, want[i].bit);
		}
		if (pol_full_flags[i].bit == VF_SA_EXPERT)
			expert++;
	}
	CHECK(bad == 0, "full-output flags in PROTOCOL.md 3.3 order");
	CHECK(expert == 0, "0x20000 (SA_EXPERT) is not printed");
}

static int
parses(const char *tok, const char *wu, const char *wd)
{
	char u[POL_ADDR_CUT + 8], d[POL_ADDR_CUT + 8];

	memset(u, 'X', sizeof(u));
	memset(d, 'X', sizeof(d));
	if (pol_parse_address(tok, u, sizeof(u), d, sizeof(d)) != 0)
		return 0;
	return strcmp(u, wu) == 0 && strcmp(d, wd) == 0;
}

static int
refused(const char *tok)
{
	char u[POL_ADDR_CUT + 8], d[POL_ADDR_CUT + 8];

	return pol_parse_address(tok, u, sizeof(u), d, sizeof(d)) == -1;
}

static void
test_address(void)
{
	static const char *const bad_user[] = {
		"a(b@x.com", "a)b@x.com", "a:b@x.com", "a;b@x.com",
		"a<b@x.com", "a>b@x.com", "a,b@x.com", "a\"b@x.com",
		"a b@x.com", "a\tb@x.com", "a[b@x.com", "a]b@x.com",
		"a\\b@x.com", "a\x80" "b@x.com", "a\x7f" "b@x.com",
		"a\x01" "b@x.com", "a\xff" "b@x.com", "a b",
	};
	static const char *const bad_domain[] = {
		"a@x_y.com", "a@x y.com", "a@x(y.com", "a@x:y.com",
		"a@x/y.com", "a@x%y.com", "a@x@y.com", "a@x\x80y.com",
		"a@x!y.com", "a@x+y.com",
	};
	char tok[400], wu[400], wd[400], u[16], d[16];
	size_t i;

	CHECK(parses("User1@Example.COM", "user1", "example.com"),
	    "\"User1@Example.COM\" -> user1 / example.com");
	CHECK(parses("a%b.com", "a", "b.com"), "\"a%%b.com\" -> a / b.com");
	CHECK(parses("a/b.com", "a", "b.com"), "\"a/b.com\" -> a / b.com");
	CHECK(parses("nodomain", "nodomain", ""),
	    "\"nodomain\" -> nodomain / empty domain");
	CHECK(parses("@example.com", "", "example.com"),
	    "\"@example.com\" -> empty user");
	CHECK(parses("", "", ""), "empty token -> empty user and domain");
	CHECK(parses("a%b@c.com", "a%b", "c.com") == 0 &&
	    refused("a%b@c.com"),
	    "'@' wins over '%%': \"a%%b@c.com\" user a%%b has '%%' -> -1");
	CHECK(parses("a/b%c.com", "a/b", "c.com"),
	    "'%%' wins over '/': \"a/b%%c.com\" -> a/b / c.com");
	CHECK(parses("first.last+tag@sub-1.Example.com", "first.last+tag",
	    "sub-1.example.com"), "punctuation in user, '-' in domain");
	CHECK(parses("!#$&'*+-./=?^_`{|}~@x.com", "!#$&'*+-./=?^_`{|}~",
	    "x.com"), "every allowed user punctuation character");

	for (i = 0; i < sizeof(bad_user) / sizeof(bad_user[0]); i++)
		CHECK(refused(bad_user[i]), "user part refused: token #%zu "
		    "(byte %#x)", i, (unsigned char)bad_user[i][1]);
	for (i = 0; i < sizeof(bad_domain) / sizeof(bad_domain[0]); i++)
		CHECK(refused(bad_domain[i]), "domain part refused: token "
		    "#%zu (byte %#x)", i, (unsigned char)bad_domain[i][3]);

	/* cut at 156 bytes before splitting */
	memset(tok, 'a', 150);
	tok[150] = '@';
	memset(tok + 151, 'b', 149);
	tok[300] = '\0';
	CHECK(parses(tok, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbb"),
	    "300-byte token: cut at 156 (150 + '@' + 5)");
	memset(tok, 'A', 300);
	tok[158] = '@';
	memcpy(tok + 159, "Example.com", 12);
	memset(wu, 'a', 156);
	wu[156] = '\0';
	CHECK(parses(tok, wu, ""),
	    "'@' at byte 158 lies beyond the cut: whole cut token is the user");
	memset(tok, 'a', 300);
	tok[300] = '\0';
	memset(wu, 'a', 156);
	wu[156] = '\0';
	CHECK(parses(tok, wu, ""), "300 x 'a' -> user of 156 bytes");
	memset(tok, 'b', 155);
	tok[155] = '@';
	tok[156] = 'c';		/* beyond the cut */
	tok[157] = '\0';
	memset(wu, 'b', 155);
	wu[155] = '\0';
	CHECK(parses(tok, wu, ""), "'@' as byte 156: domain empty after cut");
	memset(tok, 'a', 150);
	tok[150] = '@';
	memset(tok + 151, 'b', 39);
	tok[190] = '(';			/* a bad char beyond the cut */
	tok[191] = '\0';
	memset(wu, 'a', 150);
	wu[150] = '\0';
	memset(wd, 'b', 5);
	wd[5] = '\0';
	CHECK(parses(tok, wu, wd), "a bad char beyond the cut is ignored");

	/* output sizes */
	CHECK(pol_parse_address("abcd@x.com", u, 4, d, sizeof(d)) == -1,
	    "user part that does not fit usz -> -1");
	CHECK(pol_parse_address("abc@x.com", u, 4, d, sizeof(d)) == 0 &&
	    strcmp(u, "abc") == 0, "user part of usz-1 bytes fits");
	CHECK(pol_parse_address("a@example.com", u, sizeof(u), d, 11) == -1,
	    "domain part that does not fit dsz -> -1");
	CHECK(pol_parse_address("a@example.com", u, sizeof(u), d, 12) == 0 &&
	    strcmp(d, "example.com") == 0, "domain part of dsz-1 bytes fits");
}

static void
test_char_tables(void)
{
	const char *upunct = "!#$&'*+-./=?^_`{|}~";
	char s[2] = { 0, 0 };
	unsigned c, ubad = 0, dbad = 0;

	for (c = 1; c < 256; c++) {
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');
		int uwant = alnum || strchr(upunct, (int)c) != NULL;
		int dwant = alnum || c == '-' || c == '.';

		s[0] = (char)c;
		if (pol_user_chars_ok(s) != uwant) {
			ubad++;
			T_INFO("user byte %#x: got %d want %d", c,
			    pol_user_chars_ok(s), uwant);
		}
		if (pol_domain_chars_ok(s) != dwant) {
			dbad++;
			T_INFO("domain byte %#x: got %d want %d", c,
			    pol_domain_chars_ok(s), dwant);
		}
	}
	CHECK(ubad == 0, "pol_user_chars_ok: table of all 255 bytes");
	CHECK(dbad == 0, "pol_domain_chars_ok: table of all 255 bytes");
	CHECK(pol_user_chars_ok("") && pol_domain_chars_ok(""),
	    "empty names pass the character rules");
	CHECK(!pol_user_chars_ok("good\x7f") && !pol_domain_chars_ok("a.b_c"),
	    "a bad byte at the end is caught");
}

static void
test_commands(void)
{
	static const struct {
		const char *name;
		unsigned gate;
	} gates[] = {
		{ "login", 0 }, { "clogin", 0 }, { "slogin", 0 },
		{ "auth_check", 0 },
		{ "user_info", 2 }, { "list_domains", 3 },
		{ "find_domain", 3 }, { "domain_count", 3 },
		{ "add_alias_domain", 3 }, { "add_domain", 3 },
		{ "del_domain", 3 }, { "dom_info", 3 }, { "get_limits", 2 },
		{ "set_limits", 3 }, { "del_limits", 3 },
		{ "get_domain_size", 2 }, { "add_user", 2 }, { "del_user", 2 },
		{ "user_count", 2 }, { "list_users", 2 }, { "list_lists", 2 },
		{ "mod_user", 1 }, { "get_lastauth", 1 },
		{ "get_user_size", 1 }, { "add_alias", 2 },
		{ "delete_alias", 2 }, { "list_alias", 2 },
		{ "remove_alias", 2 }, { "mk_dir", 1 }, { "rm_dir", 1 },
		{ "list_dir", 1 }, { "rm_file", 1 }, { "rename_file", 1 },
		{ "write_file", 1 }, { "read_file", 1 }, { "stat_file", 1 },
		{ "get_ip_map", 1 }, { "add_ip_map", 3 }, { "del_ip_map", 3 },
		{ "show_ip_map", 3 }, { "add_list", 2 }, { "del_list", 2 },
		{ "mod_list", 2 }, { "exit", 0 }, { "quit", 0 }, { "q", 0 },
		{ "help", 0 },
	};
	static const char *const prelogin[] = {
		"login", "clogin", "slogin", "auth_check", "exit", "quit", "q",
		"help"
	};
	static const char *const body[] = {
		"set_limits", "mod_user", "write_file"
	};
	size_t i, j, bad = 0, helponly = 0, nbody = 0, npre = 0;
	enum vp_cmd c;

	CHECK(vp_command_find("LOGIN") == CMD_login, "\"LOGIN\" -> login");
	CHECK(vp_command_find("Quit") == CMD_quit, "\"Quit\" -> quit");
	CHECK(vp_command_find("DOMAIN_COUNT") == CMD_domain_count,
	    "\"DOMAIN_COUNT\" -> domain_count");
	CHECK(vp_command_find("q") == CMD_q && vp_command_find("Q") == CMD_q,
	    "\"q\" and \"Q\"");
	CHECK(vp_command_find("nope") == CMD_COUNT, "unknown -> CMD_COUNT");
	CHECK(vp_command_find("") == CMD_COUNT, "empty -> CMD_COUNT");
	CHECK(vp_command_find("logi") == CMD_COUNT &&
	    vp_command_find("loginx") == CMD_COUNT,
	    "prefixes and extensions of a name are unknown");
	c = vp_command_find("list_users");
	CHECK(c == CMD_list_users && c != CMD_list_users_help &&
	    !(vp_commands[c].flags & CF_HELPONLY),
	    "\"list_users\" finds the real row, never the help-only row");
	CHECK(vp_command_find("LIST_USERS") == CMD_list_users,
	    "\"LIST_USERS\" -> the real row");

	for (i = 0; i < CMD_COUNT; i++) {
		if (vp_commands[i].flags & CF_HELPONLY) {
			helponly++;
			continue;
		}
		if (vp_command_find(vp_commands[i].name) != (enum vp_cmd)i)
			bad++;
	}
	CHECK(bad == 0, "every command finds itself by name");
	CHECK(helponly == 1 &&
	    (vp_commands[CMD_list_users_help].flags & CF_HELPONLY) &&
	    strcmp(vp_commands[CMD_list_users_help].name, "list_users") == 0,
	    "exactly one help-only row (list_users)");

	CHECK(CMD_COUNT == sizeof(gates) / sizeof(gates[0]) + 1,
	    "table has %d rows (47 commands + 1 help-only)", (int)CMD_COUNT);
	for (bad = 0, i = 0; i < sizeof(gates) / sizeof(gates[0]); i++) {
		c = vp_command_find(gates[i].name);
		if (c == CMD_COUNT || vp_commands[c].gate != gates[i].gate) {
			bad++;
			T_INFO("%s: gate %d, want %u", gates[i].name,
			    c == CMD_COUNT ? -1 : (int)vp_commands[c].gate,
			    gates[i].gate);
		}
	}
	CHECK(bad == 0, "every gate equals PROTOCOL.md 4.2");
	CHECK(vp_commands[CMD_user_info].gate == 2 &&
	    vp_commands[CMD_list_domains].gate == 3 &&
	    vp_commands[CMD_mod_user].gate == 1 &&
	    vp_commands[CMD_get_limits].gate == 2 &&
	    vp_commands[CMD_set_limits].gate == 3 &&
	    vp_commands[CMD_help].gate == 0 && vp_commands[CMD_quit].gate == 0,
	    "gates: user_info 2, list_domains 3, mod_user 1, get_limits 2, "
	    "set_limits 3, help 0, quit 0");
	CHECK(vp_commands[CMD_list_users_help].gate == 2,
	    "help-only list_users row: gate 2");

	for (i = 0; i < CMD_COUNT; i++) {
		int want_pre = 0, want_body = 0;

		for (j = 0; j < sizeof(prelogin) / sizeof(prelogin[0]); j++)
			if (strcmp(vp_commands[i].name, prelogin[j]) == 0)
				want_pre = 1;
		for (j = 0; j < sizeof(body) / sizeof(body[0]); j++)
			if (strcmp(vp_commands[i].name, body[j]) == 0)
				want_body = 1;
		if (!!(vp_commands[i].flags & CF_PRELOGIN) == want_pre)
			npre++;
		if (!!(vp_commands[i].flags & CF_BODY) == want_body)
			nbody++;
	}
	CHECK(npre == CMD_COUNT, "CF_PRELOGIN exactly on login, clogin, "
	    "slogin, auth_check, exit, quit, q, help");
	CHECK(nbody == CMD_COUNT,
	    "CF_BODY exactly on set_limits, mod_user, write_file");

	CHECK(vp_section_gate(SEC_LOGIN) == 0 &&
	    vp_section_gate(SEC_DOMAIN) == 2 && vp_section_gate(SEC_USER) == 1 &&
	    vp_section_gate(SEC_ALIAS) == 2 && vp_section_gate(SEC_FS) == 1 &&
	    vp_section_gate(SEC_IPMAP) == 1 && vp_section_gate(SEC_LIST) == 2 &&
	    vp_section_gate(SEC_UTIL) == 0, "section header gates (4.2)");
	CHECK(strcmp(vp_section_name(SEC_FS), "File System") == 0 &&
	    strcmp(vp_section_name(SEC_IPMAP), "IP Map") == 0 &&
	    strcmp(vp_section_name(SEC_LIST), "Mailing List") == 0,
	    "section names");
	CHECK(strcmp(vp_commands[CMD_clogin].usage,
	    "login user@domain password - compact bitmapts") == 0 &&
	    strcmp(vp_commands[CMD_user_count].usage, "domain <crlf>") == 0,
	    "usage texts keep the reference's typos and spacing");
}

static void
test_scope(void)
{
	struct pol_actor sa = { VF_SA_ADMIN, "admin", "example.com" };
	struct pol_actor qa = { VF_QA_ADMIN, "postmaster", "example.com" };
	struct pol_actor qao = { VF_QA_ADMIN | VF_OVERRIDE, "boss",
	    "example.com" };
	struct pol_actor usr = { 0, "user1", "example.com" };
	struct pol_actor uo = { VF_OVERRIDE, "user1", "example.com" };

	CHECK(pol_is_sa(&sa) && !pol_is_sa(&qa) && !pol_is_sa(&usr),
	    "scope: only the SA_ADMIN word is SA");
	CHECK(pol_is_admin(&sa) && pol_is_admin(&qa) && !pol_is_admin(&usr),
	    "scope: SA and QA are admins, USER is not");
	CHECK(pol_has_override(&sa) && pol_has_override(&qao) &&
	    !pol_has_override(&qa) && !pol_has_override(&usr),
	    "scope: override = SA, or QA with V_OVERRIDE");
	CHECK(!pol_has_override(&uo),
	    "scope: V_OVERRIDE without QA is not override");
	CHECK(pol_may_admin_domain(&sa, "example.net"),
	    "scope: SA administers any domain");
	CHECK(pol_may_admin_domain(&qa, "example.com") &&
	    !pol_may_admin_domain(&qa, "example.net") &&
	    !pol_may_admin_domain(&qa, "example.com.au") &&
	    !pol_may_admin_domain(&qa, "example.co"),
	    "scope: QA only its own domain, whole-string compare");
	CHECK(!pol_may_admin_domain(&usr, "example.com"),
	    "scope: USER administers no domain, not even its own");
	CHECK(!pol_may_touch_account(&qa, VF_SA_ADMIN) &&
	    !pol_may_touch_account(&qao, VF_SA_ADMIN | VF_QA_ADMIN) &&
	    pol_may_touch_account(&qa, VF_QA_ADMIN) &&
	    pol_may_touch_account(&sa, VF_SA_ADMIN),
	    "scope: A1 - SA accounts are touched by SAs only");
	CHECK(pol_is_self(&usr, "user1", "example.com") &&
	    !pol_is_self(&usr, "user10", "example.com") &&
	    !pol_is_self(&usr, "user1", "example.net"),
	    "scope: self is user and real domain, both exact");
}

static void
test_paging(void)
{
	struct pol_page p;

	CHECK(pol_atoi(NULL) == 0 && pol_atoi("") == 0 &&
	    pol_atoi("abc") == 0, "paging: no digits -> 0");
	CHECK(pol_atoi("  12x") == 12 && pol_atoi("+7") == 7 &&
	    pol_atoi("\t3") == 3, "paging: atoi blanks, sign, stop at non-digit");
	CHECK(pol_atoi("-5") == 0, "paging: negative -> 0");
	CHECK(pol_atoi("99999999999999999999999") == 2147483647ULL,
	    "paging: huge values clamp instead of overflowing");
	pol_page_init(&p, "2", NULL);
	CHECK(p.all, "paging: page without per_page lists everything");
	pol_page_init(&p, "0", "5");
	CHECK(p.all, "paging: page 0 lists everything");
	pol_page_init(&p, "2", "3");
	CHECK(!p.all && pol_page_want(&p, 2) == 0 && pol_page_want(&p, 3) == 1 &&
	    pol_page_want(&p, 5) == 1 && pol_page_want(&p, 6) == -1,
	    "paging: page 2 of 3 is items 3..5");
	pol_page_init(&p, "2147483647", "2147483647");
	CHECK(!p.all && p.start == 2147483646ULL * 2147483647ULL &&
	    pol_page_want(&p, 0) == 0,
	    "paging: the largest page computes in 64 bits");
	CHECK(pol_page_of(0, 0) == 1 && pol_page_of(4, 0) == 5 &&
	    pol_page_of(4, 2) == 3 && pol_page_of(3, 2) == 2,
	    "paging: find_domain page numbers (per_page 0 means 1)");
}

static void
test_precheck(void)
{
	struct vp_status st;
	char line[128];

	CHECK(pol_precheck(CMD_add_user, NULL, &st) == 1 && st.major == 6 &&
	    st.minor == 302, "precheck: add_user without address -> 6.302");
	CHECK(pol_precheck(CMD_add_user, "a(b@example.com", &st) == 1 &&
	    st.major == 10 && st.minor == 303,
	    "precheck: add_user with a bad address -> 10.303");
	CHECK(pol_precheck(CMD_add_user, "bob@example.com", &st) == 0,
	    "precheck: add_user with an address passes");
	CHECK(pol_precheck(CMD_mod_user, "", &st) == 1 && st.minor == 501,
	    "precheck: mod_user without address -> 6.501");
	CHECK(pol_precheck(CMD_list_users, NULL, &st) == 1 && st.major == 6 &&
	    st.minor == 2702, "precheck: list_users without domain -> 6.2702");
	vp_status_line(&st, line, sizeof(line));
	CHECK(strcmp(line, "-ERR 6.2702 Email Address Required\r\n") == 0,
	    "precheck: S11 text kept for list_users");
	CHECK(pol_precheck(CMD_add_domain, NULL, &st) == 1 && st.major == 13 &&
	    st.minor == 802, "precheck: add_domain without domain -> 13.802");
	CHECK(pol_precheck(CMD_dom_info, "ex_ample.com", &st) == 0,
	    "precheck: a domain argument is not syntax-checked early");
	CHECK(pol_precheck(CMD_domain_count, NULL, &st) == 0 &&
	    pol_precheck(CMD_list_domains, NULL, &st) == 0,
	    "precheck: commands without a required argument pass");
}

int
main(void)
{
	test_levels();
	test_full_flags();
	test_address();
	test_char_tables();
	test_commands();
	test_scope();
	test_paging();
	test_precheck();
	return T_DONE("test_policy");
}
