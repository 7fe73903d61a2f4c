/*
 * store_domain.h - what store_domain.c offers beyond store.h, for the
 * domain command handlers (cmd_domain.c) and the tests only.
 */
#ifndef VP_STORE_DOMAIN_H
#define VP_STORE_DOMAIN_H

#include "store.h"

/* Which part of add_domain failed: the domain itself (the reference's
 * "-ERR 0.804") or its postmaster ("-ERR 0.805"). */
enum sd_stage {
	SD_STAGE_DOMAIN = 0,
	SD_STAGE_POSTMASTER = 1
};

/* store_domain_add, telling which part failed. */
int	store_domain_add_stage(struct ph_ctx *, const char *name,
	    const char *pw, enum sd_stage *);

/* Parses one users/assign line (without '\n') into d: 1 when it is a
 * vpopmail domain entry (STORAGE.md 5.8), 0 when it is anything else
 * (foreign, malformed, the "." end). */
int	sd_parse_assign(const char *line, size_t n, struct store_dom *d);

struct rc_intent;
/* Finishes (*how = "forward") or undoes (*how = "back") the operation
 * of a killed process described by its intent (recover.h): an add whose
 * users/assign line is there is finished, else undone; a delete is
 * always finished. Every step may already have been done. 0 or a
 * vp_verr code (non-zero). */
int	sd_recover(struct ph_ctx *, const struct rc_intent *,
	    const char **how);

#endif
