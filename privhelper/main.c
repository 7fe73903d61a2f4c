/*
 * main.c - vpopmaild: read the configuration, then serve one connection
 * on fds 0/1 (tcpserver, inetd, systemd Accept=yes) or run the built-in
 * listener (-l). Every configuration key is also a long flag.
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

static void
usage(void)
{
	fprintf(stderr,
	    "usage: vpopmaild [-f file] [-l addr:port] [--key=value ...]\n"
	    "keys: vpopmail-dir qmail-dir frontend-user empty-dir audit-log\n"
	    "      timeout clear-passwords listen\n");
	exit(1);
}

static void
die(const char *msg)
{
	fprintf(stderr, "vpopmaild: %s\n", msg);
	exit(1);
}

/* Flags are applied after the file so that they win. */
static void
apply_flags(struct vp_config *cfg, int argc, char **argv)
{
	char err[512], key[128];
	const char *val, *eq;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0) {
			i++;
			continue;
		}
		if (strcmp(argv[i], "-l") == 0) {
			if (i + 1 >= argc)
				usage();
			if (config_set(cfg, "listen", argv[++i], err,
			    sizeof(err)) < 0)
				die(err);
			continue;
		}
		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0')
			usage();
		if ((eq = strchr(argv[i], '=')) != NULL) {
			snprintf(key, sizeof(key), "%.*s",
			    (int)(eq - argv[i] - 2), argv[i] + 2);
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				usage();
			snprintf(key, sizeof(key), "%s", argv[i] + 2);
			val = argv[++i];
		}
		if (config_set(cfg, key, val, err, sizeof(err)) < 0)
			die(err);
	}
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
	const char *file = CONFIG_DEFAULT_FILE;
	char err[1024], peer[64];
	int i, explicit_file = 0;

	log_init("vpopmaild");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			usage();
		if (strcmp(argv[i], "-f") == 0) {
			if (i + 1 >= argc)
				usage();
			file = argv[++i];
			explicit_file = 1;
		}
	}
	config_defaults(&cfg);
	if (config_load(&cfg, file, !explicit_file, err, sizeof(err)) < 0)
		die(err);
	apply_flags(&cfg, argc, argv);
	if (config_check(&cfg, err, sizeof(err)) < 0)
		die(err);
	/* Once per daemon: listener children inherit the built filters. */
	if (sb_prepare(err, sizeof(err)) < 0)
		die(err);
	if (cfg.nlisten > 0)
		listen_run(&cfg, frontend_body);
	session_peer(0, peer, sizeof(peer));
	session_serve(&cfg, 0, 1, peer, frontend_body);
}
