/*
 * lastauth.h - the per-user last-login record <home>/lastauth (STORAGE.md
 * 6.12): the IP of the last successful login as text without a newline,
 * the file's mtime being the time of that login ("0.0.0.0" = never).
 *
 * Callers: the login path (helper.c do_login through lastauth_login), any
 * other command that authenticates a user the way vchkpw does (auth_check:
 * lastauth_record), and get_lastauth (lastauth_read).
 * Every file is reached beneath a directory fd (fs.h); the record is
 * replaced atomically (temporary + rename, atomic.h), owned by the
 * domain's uid:gid when the daemon runs as root, mode 0600 like the one
 * add_user creates. A record that already holds the same IP in that form
 * only has its mtime set. Not fsynced (like vchkpw): after a power loss
 * it may show the previous login or be empty (read as never).
 */
#ifndef VP_LASTAUTH_H
#define VP_LASTAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "assign.h"
#include "ctx.h"
#include "vpasswd.h"

#define LASTAUTH_IP_MAX	64	/* longest IP text kept, with the NUL */

/* The IP part of a peer text: a valid IPv4/IPv6 literal is copied, any
 * other text ("unknown", "local", "ip:port" forms) gives "0.0.0.0". */
void	lastauth_peer_ip(const char *peer, char *ip, size_t ipsz);

/*
 * Records a successful login of pw (a user of the domain dom, whose
 * directory domfd is, O_PATH is enough) from ctx->peer, when the
 * configuration says lastauth-update = yes (else does nothing, 0).
 * pw->dir must lie below dom->dir. service names the login path for the
 * audit record ("login", "clogin", "auth_check", ...).
 * A failure is audited here (op "lastauth", result "fail") and returned
 * as -1 with errno; the caller must NOT fail the login because of it.
 */
int	lastauth_record(struct ph_ctx *ctx, int domfd,
	    const struct assign_ent *dom, const struct vpw *pw,
	    const char *service);

/* The same for the identity ctx just authenticated (ctx->id): looks the
 * domain and the user up again. Used by the login command. */
int	lastauth_login(struct ph_ctx *ctx, const char *service);

/*
 * Reads the record of a user whose home directory is homefd: *when = the
 * file's mtime, ip = its first line (bounded, trimmed at CR/LF, NUL,
 * blanks). A missing file gives 0 and "0.0.0.0" (PROTOCOL.md S4/B6).
 * 0, or -1 with errno for other errors (the same defaults are filled).
 */
int	lastauth_read(int homefd, int64_t *when, char *ip, size_t ipsz);

#endif
