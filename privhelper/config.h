/*
 * config.h - daemon settings: /etc/vpopmaild.conf (`key = value` lines)
 * overridden by long command-line flags of the same names.
 */
#ifndef VP_CONFIG_H
#define VP_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "delivery.h"

#define CONFIG_DEFAULT_FILE	"/etc/vpopmaild.conf"
#define CONFIG_MAX_LISTEN	8
#define CONFIG_VALUE_MAX	1024
#define CONFIG_MAX_CONNECTIONS	4096	/* upper bound of max-connections */
#define CONFIG_MAX_PREFORK	64	/* upper bound of prefork */
#define CONFIG_WRITE_FILE_MAX	(1024ULL * 1024)	/* default */
#define CONFIG_WRITE_FILE_LIMIT	(1024ULL * 1024 * 1024)	/* largest setting */

struct vp_config {
	char	vpopmail_dir[PATH_MAX];
	char	qmail_dir[PATH_MAX];
	char	frontend_user[256];
	char	empty_dir[PATH_MAX];
	char	audit_log[PATH_MAX];	/* a path, "syslog", or "" (none) */
	int	timeout;		/* idle seconds */
	int	clear_passwords;	/* store clear text in vpasswd */
	int	qmail_send_hup;		/* SIGHUP qmail-send after domain changes */
	char	state_dir[PATH_MAX];	/* throttle state (throttle.h) */
	int	throttle;		/* count failures across connections */
	int	throttle_max_delay;	/* seconds, the cap of the delay */
	int	throttle_base_ms;	/* the first delay, doubled after */
	int	lastauth_update;	/* write <home>/lastauth on login */
	struct pol_delivery delivery;	/* program-delivery, program-allow */
	unsigned long long write_file_max;	/* bytes one write_file may store */
	char	listen[CONFIG_MAX_LISTEN][128];
	int	nlisten;
	int	max_connections;	/* listener: sessions at once */
	int	max_per_source;		/* listener: per address (IPv6: /64) */
	int	prefork;		/* listener: idle pre-forked sessions */
	int	login_plaintext;	/* enum pol_plaintext (plaintext.h) */
	char	tls_cert[PATH_MAX];	/* PEM chain; "": no TLS */
	char	tls_key[PATH_MAX];	/* PEM private key */
	int	tls_implicit;		/* fds 0/1 start with a handshake */
	char	file[PATH_MAX];	/* the file read (main.c); "" if none */
	/* resolved by config_check */
	uid_t	fe_uid;
	gid_t	fe_gid;
};

void	config_defaults(struct vp_config *);
/* Sets one key. 0, or -1 with a one-line reason in err. */
int	config_set(struct vp_config *, const char *key, const char *value,
	    char *err, size_t errlen);
/* Reads a file of `key = value` lines ('#' comments, blank lines).
 * missing_ok: a missing file is not an error. */
int	config_load(struct vp_config *, const char *path, int missing_ok,
	    char *err, size_t errlen);
/* Checks the settings against the system (trees readable, user exists,
 * empty dir sane when root). 0 or -1 with reason. */
int	config_check(struct vp_config *, char *err, size_t errlen);

#endif
