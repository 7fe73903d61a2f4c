/*
 * precheck.c - one row per command whose first argument is required:
 * the error when it is missing and, for addresses, when it does not
 * parse. Numbers are the reference's (PROTOCOL.md 2.3).
 */
#include <stddef.h>

#include "address.h"
#include "msg.h"
#include "precheck.h"

struct precheck {
	enum vp_cmd	cmd;
	unsigned	missing_major, missing_minor;
	unsigned	invalid_minor;	/* 0: not an address */
};

static const struct precheck rows[] = {
	{ CMD_user_info,	VPM_EMAIL_REQUIRED, 602, 603 },
	{ CMD_find_domain,	VPM_DOMAIN_REQUIRED, 2402, 0 },
	{ CMD_add_alias_domain,	VPM_DOMAIN_REQUIRED, 1202, 0 },
	{ CMD_add_domain,	VPM_DOMAIN_REQUIRED, 802, 0 },
	{ CMD_del_domain,	VPM_DOMAIN_REQUIRED, 1302, 0 },
	{ CMD_dom_info,		VPM_DOMAIN_REQUIRED, 1402, 0 },
	{ CMD_get_limits,	VPM_DOMAIN_REQUIRED, 3402, 0 },
	{ CMD_set_limits,	VPM_DOMAIN_REQUIRED, 3502, 0 },
	{ CMD_del_limits,	VPM_DOMAIN_REQUIRED, 3602, 0 },
	{ CMD_add_user,		VPM_EMAIL_REQUIRED, 302, 303 },
	{ CMD_del_user,		VPM_EMAIL_REQUIRED, 402, 403 },
	{ CMD_user_count,	VPM_DOMAIN_REQUIRED, 2602, 0 },
	/* a missing domain is "Email Address Required" (S11) */
	{ CMD_list_users,	VPM_EMAIL_REQUIRED, 2702, 0 },
	{ CMD_mod_user,		VPM_EMAIL_REQUIRED, 501, 502 },
	/* an alias address that does not parse: 15 "Invalid Alias Name" */
	{ CMD_add_alias,	VPM_ALIAS_REQUIRED, 902, 903 },
	{ CMD_remove_alias,	VPM_ALIAS_REQUIRED, 1002, 1003 },
	{ CMD_delete_alias,	VPM_ALIAS_REQUIRED, 1102, 1103 },
	{ CMD_list_alias,	VPM_DOMAIN_REQUIRED, 2802, 2803 },
	{ CMD_list_lists,	VPM_EMAIL_REQUIRED, 2902, 0 },
	{ CMD_add_ip_map,	VPM_IP_REQUIRED, 3102, 0 },
	{ CMD_del_ip_map,	37, 3202, 0 },	/* "IP Required" too */
};

int
pol_precheck(enum vp_cmd cmd, const char *arg0, struct vp_status *st)
{
	char user[PR_FIELD_MAX], domain[PR_FIELD_MAX];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].cmd != cmd)
			continue;
		if (arg0 == NULL || arg0[0] == '\0') {
			vp_status_set(st, rows[i].missing_major,
			    rows[i].missing_minor);
			return 1;
		}
		if (rows[i].invalid_minor != 0 && pol_parse_address(arg0,
		    user, sizeof(user), domain, sizeof(domain)) < 0) {
			vp_status_set(st, rows[i].missing_major ==
			    VPM_ALIAS_REQUIRED ? VPM_INVALID_ALIAS :
			    VPM_INVALID_EMAIL, rows[i].invalid_minor);
			return 1;
		}
		return 0;
	}
	return 0;
}
