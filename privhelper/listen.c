/*
 * listen.c - a minimal accept loop so the daemon runs without tcpserver.
 * Each accepted connection gets its own process which becomes the
 * privhelper and forks the frontend (session_serve), exactly as under
 * tcpserver.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"

int
listen_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *sl)
{
	char host[128], *colon, *end;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	unsigned long port;

	if (strlen(spec) >= sizeof(host))
		return -1;
	snprintf(host, sizeof(host), "%s", spec);
	if ((colon = strrchr(host, ':')) == NULL)
		return -1;
	*colon = '\0';
	/* strtoul would also take " 89" and "+89" */
	if (colon[1] < '0' || colon[1] > '9')
		return -1;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || colon[1] == '\0' || port == 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*s6);
		return 0;
	}
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -1;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*sl = sizeof(*s4);
	return 0;
}

static int
bind_one(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	if (listen_parse(spec, &ss, &sl) < 0)
		fatalx("listen %s: expected ADDR:PORT or [ADDR6]:PORT", spec);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		fatal("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		fatal("bind %s", spec);
	if (listen(fd, 64) < 0)
		fatal("listen %s", spec);
	return fd;
}

static void
serve_accepted(const struct vp_config *cfg, struct pollfd *pfd, int n,
    int cfd, session_frontend_fn *body)
{
	char peer[64];
	int i;

	for (i = 0; i < n; i++)
		close(pfd[i].fd);
	signal(SIGCHLD, SIG_DFL);
	session_peer(cfd, peer, sizeof(peer));
	session_serve(cfg, cfd, cfd, peer, body);
}

void
listen_run(const struct vp_config *cfg, session_frontend_fn *body)
{
	struct pollfd pfd[CONFIG_MAX_LISTEN];
	int i, n = cfg->nlisten, cfd;

	/* The listener never reads TCPREMOTEIP: peers come from accept. */
	unsetenv("TCPREMOTEIP");
	for (i = 0; i < n; i++) {
		pfd[i].fd = bind_one(cfg->listen[i]);
		pfd[i].events = POLLIN;
	}
	log_info("listening on %d address%s", n, n == 1 ? "" : "es");
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (poll(pfd, (nfds_t)n, 1000) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			cfd = accept4(pfd[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (cfd < 0)
				continue;
			switch (fork()) {
			case -1:
				log_warn("fork");
				break;
			case 0:
				serve_accepted(cfg, pfd, n, cfd, body);
			}
			close(cfd);
		}
	}
}
