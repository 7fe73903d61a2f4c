/*
 * fe_args.h - tokenising a command line as the reference does
 * (PROTOCOL.md 1.4): ARG tokens separated by SP HT CR LF, and REST
 * arguments that start right after the single separator byte that ended
 * the previous token and run to CR or LF.
 */
#ifndef VP_FE_ARGS_H
#define VP_FE_ARGS_H

#include <stddef.h>

struct fe_args {
	char	*p;	/* the line, modified in place */
	size_t	 len;
	size_t	 pos;
};

void	 fe_args_init(struct fe_args *, char *line, size_t len);
char	*fe_arg_next(struct fe_args *);	/* NULL when none left */
char	*fe_arg_rest(struct fe_args *);	/* NULL when nothing but CR/LF */

#endif
