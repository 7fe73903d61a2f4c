/*
 * precheck.h - the first checks of a command, the ones that need no data:
 * is the first argument there, and when it is an <address>, does it
 * parse (PROTOCOL.md 2.3 "in the order the checks run"). The frontend
 * runs them for an early error before anything is sent; the privhelper
 * runs them again, then the checks that need the trees.
 */
#ifndef VP_PRECHECK_H
#define VP_PRECHECK_H

#include "commands.h"
#include "errors.h"

/* 0: passed (or the command has no such checks); 1: st holds the error
 * to send. arg0 is the first token or NULL. */
int	pol_precheck(enum vp_cmd, const char *arg0, struct vp_status *st);

#endif
