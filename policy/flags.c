/*
 * flags.c - level derivation at login and the flag names of the full
 * login output. Pure functions, no I/O.
 */
#include <string.h>

#include "flags.h"

enum pol_level
pol_login_level(const char *user, uint32_t stored, uint32_t *session_flags)
{
	*session_flags = stored;
	if (stored & VF_SA_ADMIN)
		return LEVEL_SA;
	if ((stored & VF_QA_ADMIN) || strcmp(user, "postmaster") == 0) {
		*session_flags |= VF_QA_ADMIN;
		return LEVEL_QA;
	}
	return LEVEL_USER;
}

/* SA_EXPERT is deliberately absent: the reference never prints it. */
const struct pol_flag_name pol_full_flags[POL_FULL_FLAGS] = {
	{ "no_password_change", VF_NO_PASSWD_CHNG },
	{ "no_pop", VF_NO_POP },
	{ "no_webmail", VF_NO_WEBMAIL },
	{ "no_imap", VF_NO_IMAP },
	{ "bounce_mail", VF_BOUNCE_MAIL },
	{ "no_relay", VF_NO_RELAY },
	{ "no_dialup", VF_NO_DIALUP },
	{ "user_flag_0", VF_USER0 },
	{ "user_flag_1", VF_USER1 },
	{ "user_flag_2", VF_USER2 },
	{ "user_flag_3", VF_USER3 },
	{ "no_smtp", VF_NO_SMTP },
	{ "domain_admin_privileges", VF_QA_ADMIN },
	{ "override_domain_limits", VF_OVERRIDE },
	{ "no_spamassassin", VF_NO_SPAMASSASSIN },
	{ "delete_spam", VF_DELETE_SPAM },
	{ "no_maildrop", VF_NO_MAILDROP },
	{ "system_admin_privileges", VF_SA_ADMIN },
};
