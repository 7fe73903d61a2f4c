/*
 * delivery.h - the program-delivery policy: which .qmail lines a caller
 * may store (PROTOCOL.md 6 A14; vpopmaild(8) PROGRAM DELIVERY).
 *
 * qmail-local runs a '|' line with /bin/sh -c as the domain's uid and
 * appends to a '/' (or '.') line's file or Maildir, so whoever may write
 * a .qmail file may run commands and write files as that uid. The
 * reference lets any domain administrator do both; here a non-SA caller
 * is limited by the configured mode:
 *
 *   any        the reference: every line.
 *   sa-only    no '|' and no '/' line; a '.' line without a ".."
 *              component (relative to the domain's home) is kept.
 *   allowlist  (default) a '|' line runs exactly one allowed absolute
 *              program (after an optional "preline" word), with
 *              arguments made only of letters, digits, blanks and
 *              - _ . , / : @ + = % plus balanced ' and " quotes, no
 *              ".." component, and every absolute argument inside the
 *              domain directory; a '/' line names a path inside the
 *              domain directory, component-wise, without "." or "..".
 *
 * In every mode, for everyone, a line holding NUL, CR or LF is refused:
 * it is not one line. Pure functions, no I/O: config.c fills the
 * struct, add_alias and write_file call pol_delivery_line_ok.
 */
#ifndef VP_DELIVERY_H
#define VP_DELIVERY_H

#include <stddef.h>

enum pol_delivery_mode { PD_SA_ONLY, PD_ALLOWLIST, PD_ANY };
#define PD_ALLOW_MAX 32
struct pol_delivery {
	enum pol_delivery_mode mode;
	unsigned nallow;
	char allow[PD_ALLOW_MAX][256];  /* absolute program paths */
};
#define POL_DELIVERY_REFUSED "Program delivery not permitted"

/* mode allowlist, the default program list (delivery.c names it). */
void	pol_delivery_defaults(struct pol_delivery *);
/* 1 when a caller may store this one .qmail line (without its LF; a
 * trailing CR already removed). is_sa: system admin (always allowed, any
 * mode). domain_dir: absolute directory of the domain the file belongs
 * to. Lines starting '|' (program) or '/' (file or Maildir delivery)
 * are judged; other lines (addresses, '&addr', '#comments',
 * './Maildir/') are allowed. */
int	pol_delivery_line_ok(const struct pol_delivery *, int is_sa,
	    const char *domain_dir, const char *line, size_t len);

/* Config helpers: "sa-only", "allowlist" or "any" -> 0 and *out, else
 * -1. */
int	pol_delivery_mode_parse(const char *, enum pol_delivery_mode *out);
/* Empties the program list (program-allow replaces the defaults). */
void	pol_delivery_allow_clear(struct pol_delivery *);
/* Adds one program: 0, or -1 when it is not an absolute path of
 * 1..255 bytes without blanks, control bytes or a "."/".." component,
 * or the list is full. */
int	pol_delivery_allow_add(struct pol_delivery *, const char *path);

/* The two config keys (vpopmaild.conf(5)): "program-delivery" = mode;
 * "program-allow" = blank-separated absolute paths, or "none", which
 * replace the whole list (the last such line wins). 0, or -1 with a
 * one-line reason in err and pd unchanged. */
int	pol_delivery_config(struct pol_delivery *, const char *key,
	    const char *value, char *err, size_t errlen);

#endif
