/*
 * test_ctx.h - a privhelper context over a fixture tree extracted under
 * top without rerooting: the data says /home/vpopmail and /var/qmail, so
 * vpopmail-dir is set to /home/vpopmail and the directory fds point at
 * the copies (fs_relative maps the stored paths onto them).
 */
#ifndef VP_TESTS_TEST_CTX_H
#define VP_TESTS_TEST_CTX_H

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ctx.h"
#include "util.h"
#include "unit/test_storage_util.h"

/* 0, or -1 when a directory of the tree cannot be opened. */
__attribute__((unused)) static int
tc_open(const char *top, struct vp_config *cfg, struct ph_ctx *ctx)
{
	char path[PATH_MAX];

	config_defaults(cfg);
	vp_strlcpy(cfg->vpopmail_dir, "/home/vpopmail",
	    sizeof(cfg->vpopmail_dir));
	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->audit_fd = -1;
	ctx->vpop_fd = ts_dirfd(ts_path(path, sizeof(path), "%s/home/vpopmail",
	    top));
	ctx->qmail_fd = ts_dirfd(ts_path(path, sizeof(path), "%s/var/qmail",
	    top));
	return ctx->vpop_fd >= 0 && ctx->qmail_fd >= 0 ? 0 : -1;
}

__attribute__((unused)) static void
tc_close(struct ph_ctx *ctx)
{
	close(ctx->vpop_fd);
	close(ctx->qmail_fd);
}

#endif
