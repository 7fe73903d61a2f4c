/*
 * ipmap.h - the IP-to-domain map VPOPMAILDIR/etc/ip_alias_map (STORAGE.md
 * 10): "<ip> <domain>\n" lines, fields split by runs of blanks.
 *
 * Callers: the IP map commands (cmd_info.c, PROTOCOL.md 4.36-4.39).
 * Readers take no lock (as vpopmail's). Writers take our own lock file
 * etc/ip_alias_map.lock (vpopmail takes none, so this only orders our
 * own sessions) and replace the map by a fsynced temporary + rename; a
 * line is written as data, never used as a format (V8). Foreign lines
 * with at least two fields are kept byte for byte; lines with fewer are
 * dropped, as the reference's rewrite drops them.
 * Errors are -1 with errno (ENOENT: no map; EFBIG: a line over
 * IPMAP_LINE_MAX; ETIMEDOUT: the lock stayed held).
 */
#ifndef VP_IPMAP_H
#define VP_IPMAP_H

#include <stddef.h>

#define IPMAP_DIR	"etc"
#define IPMAP_NAME	"ip_alias_map"
#define IPMAP_LOCK	"ip_alias_map.lock"
#define IPMAP_LINE_MAX	4096	/* we read longer lines than vpopmail's 155 */
#define IPMAP_IP_MAX	64

/* 1 when ip is an IPv4 dotted quad or an IPv6 literal (inet_pton). */
int	ipmap_ip_ok(const char *ip);
/* The first two fields of a map line (separators: space, TAB, CR, LF).
 * 0, or -1 when the line has fewer than two (or a field does not fit). */
int	ipmap_fields(const char *line, char *ip, size_t ipsz, char *dom,
	    size_t dsz);
/* fn(arg, ip, domain) for every line with two fields, in file order;
 * fn returning non-zero stops (that value is returned). A missing map is
 * empty (0). vpopfd: the vpopmail directory. */
int	ipmap_each(int vpopfd, int (*fn)(void *, const char *, const char *),
	    void *arg);
/* The domain of the first line whose IP field equals ip byte for byte:
 * 0 found, 1 not (or no map), -1 error. */
int	ipmap_lookup(int vpopfd, const char *ip, char *dom, size_t dsz);
/* Removes every (ip, domain) line, then appends "<ip> <domain>\n"; the
 * map is created (0644) when missing. */
int	ipmap_add(int vpopfd, const char *ip, const char *domain);
/* Removes every line whose first two fields are (ip, domain), compared
 * byte for byte; no such line is not an error. ENOENT: no map. */
int	ipmap_del(int vpopfd, const char *ip, const char *domain);

#endif
