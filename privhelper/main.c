/*
 * main.c - vpopmaild: read the configuration, then serve one connection
 * on fds 0/1 (tcpserver, inetd, systemd Accept=yes) or run the built-in
 * listener (-l). Every configuration key is also a long flag; the listener
 * rebuilds the configuration the same way (file, then flags) on SIGHUP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fe_session.h"
#include "listen.h"
#include "log.h"
#include "sandbox.h"
#include "session.h"
#include "util.h"

static int	  g_argc;
static char	**g_argv;
static const char *g_file = CONFIG_DEFAULT_FILE;
static int	  g_explicit_file;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: vpopmaild [-f file] [-l addr:port ...] [--key=value ...]\n"
	    "keys: vpopmail-dir qmail-dir frontend-user empty-dir audit-log\n"
	    "      timeout clear-passwords qmail-send-hup listen\n"
	    "      max-connections max-per-source login-plaintext\n"
	    "      lastauth-update program-delivery program-allow\n"
	    "      write-file-max state-dir throttle throttle-base-delay\n"
	    "      throttle-max-delay tls-cert tls-key tls-implicit prefork\n");
	exit(1);
}

static void
die(const char *msg)
{
	fprintf(stderr, "vpopmaild: %s\n", msg);
	exit(1);
}

/* Flags are applied after the file so that they win. 0, or -1 with the
 * reason in err (a usage error prints the usage and exits: it cannot
 * appear at a reload, the argv is the one that started the daemon). */
static int
apply_flags(struct vp_config *cfg, char *err, size_t errlen)
{
	char key[128];
	const char *val, *eq;
	int i;

	for (i = 1; i < g_argc; i++) {
		if (strcmp(g_argv[i], "-f") == 0) {
			i++;
			continue;
		}
		if (strcmp(g_argv[i], "-l") == 0) {
			if (i + 1 >= g_argc)
				usage();
			if (config_set(cfg, "listen", g_argv[++i], err,
			    errlen) < 0)
				return -1;
			continue;
		}
		if (strncmp(g_argv[i], "--", 2) != 0 || g_argv[i][2] == '\0')
			usage();
		if ((eq = strchr(g_argv[i], '=')) != NULL) {
			snprintf(key, sizeof(key), "%.*s",
			    (int)(eq - g_argv[i] - 2), g_argv[i] + 2);
			val = eq + 1;
		} else {
			if (i + 1 >= g_argc)
				usage();
			snprintf(key, sizeof(key), "%s", g_argv[i] + 2);
			val = g_argv[++i];
		}
		if (config_set(cfg, key, val, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* The whole configuration from scratch: at start and on SIGHUP. */
static int
build_config(struct vp_config *cfg, char *err, size_t errlen)
{
	config_defaults(cfg);
	vp_strlcpy(cfg->file, g_file, sizeof(cfg->file));
	if (config_load(cfg, g_file, !g_explicit_file, err, errlen) < 0 ||
	    apply_flags(cfg, err, errlen) < 0 ||
	    config_check(cfg, err, errlen) < 0)
		return -1;
	return 0;
}

/* The frontend needs only the idle timeout from the configuration. */
static void
frontend_body(int in, int out, int hfd, const struct vp_config *cfg)
{
	fe_session_main(in, out, hfd, cfg->timeout);
}

int
main(int argc, char **argv)
{
	static struct vp_config cfg;
	char err[1024], peer[64];
	int i;

	log_init("vpopmaild");
	g_argc = argc;
	g_argv = argv;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			usage();
		if (strcmp(argv[i], "-f") == 0) {
			if (i + 1 >= argc)
				usage();
			g_file = argv[++i];
			g_explicit_file = 1;
		}
	}
	if (build_config(&cfg, err, sizeof(err)) < 0)
		die(err);
	/* Once per daemon: listener children inherit the built filters. */
	if (sb_prepare(err, sizeof(err)) < 0)
		die(err);
	if (cfg.nlisten > 0)
		listen_run(&cfg, build_config, frontend_body);
	session_peer(0, peer, sizeof(peer));
	session_serve(&cfg, 0, 1, peer, frontend_body);
}
