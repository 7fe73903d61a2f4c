/*
 * test_delivery.c - the program-delivery policy (policy/delivery.h):
 * every mode x SA/non-SA x program, file and plain lines, the tricks a
 * domain administrator could try against the allow list, and the two
 * config keys.
 */
#include <string.h>

#include "delivery.h"
#include "unit/t.h"

#define DIR	"/home/vpopmail/domains/example.com"

static struct pol_delivery pd;

static int
ok(int is_sa, const char *line)
{
	return pol_delivery_line_ok(&pd, is_sa, DIR, line, strlen(line));
}

/* Lines everyone may store in every mode. */
static const char *const plain[] = {
	"&alice@example.com", "bob@elsewhere.example", "#a comment",
	"./Maildir/", "./user1/Maildir/", "", "  ", "&|/bin/sh",
};

/* Program and file lines the allow list admits for a non-SA. */
static const char *const good[] = {
	"|/usr/bin/autorespond 10000 5 " DIR "/info/message " DIR "/info",
	"| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox",
	"|/home/vpopmail/bin/vdelivermail '' " DIR "/postmaster",
	"|/usr/bin/ezmlm-reject '" DIR "/list'",
	"|/usr/local/bin/ezmlm/ezmlm-send \"" DIR "/list\"",
	"|preline /usr/bin/ezmlm-send " DIR "/list",
	"|/var/qmail/bin/preline -f /usr/bin/ezmlm-manage " DIR "/list",
	"|\t/usr/bin/autorespond\t1 2 msg dir",
	DIR "/user1/Maildir/",
	DIR "/user1/mbox",
	"/home//vpopmail/domains/example.com//user1/Maildir/",
};

/* Program and file lines the allow list refuses for a non-SA. */
static const char *const bad[] = {
	"|/bin/true",
	"|/bin/sh -c id",
	"|/usr/bin/autorespond2 1 2 m d",		/* prefix of a name */
	"|/usr/bin/autorespond/../../bin/sh",		/* path tricks */
	"|/usr/bin/../bin/autorespond 1 2 m d",
	"|/usr/bin//autorespond 1 2 m d",
	"|autorespond 1 2 m d",				/* not absolute */
	"|'/usr/bin/autorespond' 1 2 m d",		/* quoted name */
	"|/usr/bin/autorespond 1 2 m d; id",		/* metacharacters */
	"|/usr/bin/autorespond 1 2 m d | sh",
	"|/usr/bin/autorespond 1 2 m d && id",
	"|/usr/bin/autorespond `id`",
	"|/usr/bin/autorespond $(id)",
	"|/usr/bin/autorespond $HOME",
	"|/usr/bin/autorespond 1 2 m d > /etc/passwd",
	"|/usr/bin/autorespond 1 2 m d < /etc/shadow",
	"|/usr/bin/autorespond \\; id",
	"|/usr/bin/autorespond ';' id",			/* even quoted */
	"|/usr/bin/autorespond 1 2 m d &",
	"|/usr/bin/autorespond (id)",
	"|/usr/bin/autorespond *",
	"|/usr/bin/autorespond ~root",
	"|/usr/bin/autorespond 'unbalanced",
	"|/usr/bin/autorespond 1 2 /etc/passwd " DIR,	/* path outside */
	"|/usr/bin/autorespond 1 2 " DIR "/../example.net/m d",
	"|/usr/bin/autorespond 1 2 ../example.net/m d",	/* relative climb */
	"|/usr/bin/autorespond 1 2 " DIR "2/m d",	/* sibling domain */
	"|preline",
	"|preline /bin/sh",
	"|preline -x /usr/bin/ezmlm-send d",
	"|FOO=bar /usr/bin/autorespond 1 2 m d",
	"|",
	"| ",
	"  |/bin/sh",					/* blanks first */
	"/etc/passwd",
	"/home/vpopmail/domains/example.net/user/Maildir/",
	DIR "2/user/Maildir/",
	DIR,						/* the dir itself */
	DIR "/",
	DIR "/../example.net/Maildir/",
	DIR "/./user1/Maildir/",
	"../example.net/user/Maildir/",			/* '.' line climbing */
	"./../../etc/passwd",
};

static void
test_plain_everywhere(void)
{
	enum pol_delivery_mode m;
	size_t i;

	for (m = PD_SA_ONLY; m <= PD_ANY; m++) {
		pd.mode = m;
		for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
			CHECK(ok(0, plain[i]) && ok(1, plain[i]),
			    "mode %d: plain line '%s' allowed", m, plain[i]);
	}
}

static void
test_modes(void)
{
	size_t i;

	pol_delivery_defaults(&pd);
	CHECK(pd.mode == PD_ALLOWLIST, "default mode is allowlist");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		pd.mode = PD_ALLOWLIST;
		CHECK(ok(0, good[i]), "allowlist, non-SA: '%s' allowed",
		    good[i]);
		pd.mode = PD_SA_ONLY;
		CHECK(!ok(0, good[i]), "sa-only, non-SA: '%s' refused",
		    good[i]);
		CHECK(ok(1, good[i]), "sa-only, SA: '%s' allowed", good[i]);
		pd.mode = PD_ANY;
		CHECK(ok(0, good[i]), "any, non-SA: '%s' allowed", good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pd.mode = PD_ALLOWLIST;
		CHECK(!ok(0, bad[i]), "allowlist, non-SA: '%s' refused",
		    bad[i]);
		CHECK(ok(1, bad[i]), "allowlist, SA: '%s' allowed", bad[i]);
		pd.mode = PD_SA_ONLY;
		if (bad[i][0] == '|' || bad[i][0] == '/' || bad[i][0] == ' ')
			CHECK(!ok(0, bad[i]), "sa-only, non-SA: '%s' refused",
			    bad[i]);
		pd.mode = PD_ANY;
		CHECK(ok(0, bad[i]), "any, non-SA: '%s' allowed (the "
		    "reference)", bad[i]);
	}
	pd.mode = PD_SA_ONLY;
	CHECK(ok(0, "./Maildir/") && !ok(0, "../x/Maildir/"),
	    "sa-only keeps a '.' line that stays in the domain");
}

static void
test_not_one_line(void)
{
	static const char nul[] = "&a@b.example\0|/bin/sh";
	enum pol_delivery_mode m;

	for (m = PD_SA_ONLY; m <= PD_ANY; m++) {
		pd.mode = m;
		CHECK(!pol_delivery_line_ok(&pd, 1, DIR, "&a@b\n|/bin/sh", 14),
		    "mode %d: an embedded LF is refused even for SA", m);
		CHECK(!pol_delivery_line_ok(&pd, 1, DIR, "&a@b\r", 5),
		    "mode %d: a CR is refused even for SA", m);
		CHECK(!pol_delivery_line_ok(&pd, 0, DIR, nul, sizeof(nul) - 1),
		    "mode %d: an embedded NUL is refused", m);
	}
	pd.mode = PD_ALLOWLIST;
	CHECK(pol_delivery_line_ok(&pd, 0, DIR, "./Maildir/../../x", 10),
	    "only len bytes are judged");
	CHECK(!pol_delivery_line_ok(&pd, 0, DIR, "|/usr/bin/autorespond", 1),
	    "a bare '|' is refused");
}

static void
test_domain_dir(void)
{
	pol_delivery_defaults(&pd);
	CHECK(!pol_delivery_line_ok(&pd, 0, NULL, DIR "/u/Maildir/",
	    strlen(DIR "/u/Maildir/")), "no domain directory: '/' refused");
	CHECK(!pol_delivery_line_ok(&pd, 0, "relative/dir", "/relative/dir/x",
	    15), "a relative domain directory has nothing inside");
	CHECK(pol_delivery_line_ok(&pd, 0, DIR "/", DIR "/u/Maildir/",
	    strlen(DIR "/u/Maildir/")), "a trailing '/' on the directory");
}

static void
test_config(void)
{
	char err[256];

	pol_delivery_defaults(&pd);
	CHECK(pd.nallow >= 20, "the default list has %u programs", pd.nallow);
	CHECK(pol_delivery_config(&pd, "program-delivery", "sa-only", err,
	    sizeof(err)) == 0 && pd.mode == PD_SA_ONLY, "sa-only parsed");
	CHECK(pol_delivery_config(&pd, "program-delivery", "any", err,
	    sizeof(err)) == 0 && pd.mode == PD_ANY, "any parsed");
	CHECK(pol_delivery_config(&pd, "program-delivery", "some", err,
	    sizeof(err)) < 0 && pd.mode == PD_ANY,
	    "an unknown mode refused, mode kept: %s", err);
	pd.mode = PD_ALLOWLIST;
	CHECK(pol_delivery_config(&pd, "program-allow",
	    "/opt/bin/vacation  /usr/bin/autorespond", err, sizeof(err)) == 0
	    && pd.nallow == 2, "program-allow replaces the list");
	CHECK(ok(0, "|/opt/bin/vacation x") &&
	    !ok(0, "|/usr/bin/ezmlm-send " DIR "/l"),
	    "the new list is in force, the old one gone");
	CHECK(pol_delivery_config(&pd, "program-allow", "relative/prog", err,
	    sizeof(err)) < 0 && pd.nallow == 2,
	    "a relative program refused, list kept: %s", err);
	CHECK(pol_delivery_config(&pd, "program-allow", "/usr/bin/../bin/sh",
	    err, sizeof(err)) < 0, "a '..' program refused");
	CHECK(pol_delivery_config(&pd, "program-allow", "/usr/bin/a;b", err,
	    sizeof(err)) < 0, "a program with a metacharacter refused");
	CHECK(pol_delivery_config(&pd, "program-allow", "none", err,
	    sizeof(err)) == 0 && pd.nallow == 0 && !ok(0, "|/opt/bin/vacation"),
	    "none empties the list");
	CHECK(ok(1, "|/opt/bin/vacation"), "SA still allowed with none");
}

int
main(void)
{
	test_plain_everywhere();
	test_modes();
	test_not_one_line();
	test_domain_dir();
	test_config();
	return T_DONE("test_delivery");
}
