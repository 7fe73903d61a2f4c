/*
 * lastauth.c - writing and reading <home>/lastauth (STORAGE.md 6.12).
 * See lastauth.h for who calls what.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "audit.h"
#include "fs.h"
#include "lastauth.h"
#include "util.h"

void
lastauth_peer_ip(const char *peer, char *ip, size_t ipsz)
{
	unsigned char tmp[sizeof(struct in6_addr)];

	if (peer != NULL && strlen(peer) < ipsz &&
	    (inet_pton(AF_INET, peer, tmp) == 1 ||
	    inet_pton(AF_INET6, peer, tmp) == 1))
		vp_strlcpy(ip, peer, ipsz);
	else
		vp_strlcpy(ip, "0.0.0.0", ipsz);
}

/*
 * 1 when homefd's lastauth already holds exactly ip as the file a rewrite
 * would leave (regular, one link, 0600, uid:gid when root) and its mtime
 * is now set to the current time: the common case of a user logging in
 * again from the same address costs one open and one futimens, no new
 * inode and no directory change. 0 when a rewrite is needed (missing,
 * other content, other mode or owner, a FIFO: O_NONBLOCK never blocks).
 */
static int
touch_same(int homefd, const char *ip, uid_t uid, gid_t gid)
{
	char buf[LASTAUTH_IP_MAX + 1];
	struct stat st;
	size_t len = strlen(ip);
	ssize_t n;
	int fd, same = 0;

	fd = fs_open_beneath(homefd, "lastauth", O_RDONLY | O_NOCTTY |
	    O_NONBLOCK, 0);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
	    (st.st_mode & 07777) == 0600 && (size_t)st.st_size == len &&
	    (geteuid() != 0 || (st.st_uid == uid && st.st_gid == gid)) &&
	    (n = read(fd, buf, sizeof(buf))) >= 0 && (size_t)n == len &&
	    memcmp(buf, ip, len) == 0)
		same = futimens(fd, NULL) == 0;
	close(fd);
	return same;
}

/*
 * Replaces home/lastauth by ip: a temporary with owner and mode set
 * before its first byte, renamed over the record, so a reader sees the
 * old or the new record, never a torn one. Unlike the other rewrites
 * there is no fsync (vchkpw does none either; each cost ~2-5 ms on every
 * login): after a power loss the record may be the previous login, or
 * empty, which reads as never (0.0.0.0), never another file's bytes.
 */
static int
rewrite(int homefd, const char *ip, uid_t uid, gid_t gid)
{
	struct atomic_file af;
	int e, r;

	if (atomic_begin(homefd, "lastauth", uid, gid, 0600, &af) < 0)
		return -1;
	if (atomic_write(&af, ip, strlen(ip)) < 0)
		goto fail;
	r = close(af.fd);
	af.fd = -1;
	if (r < 0 || renameat(homefd, af.tmp, homefd, af.target) < 0)
		goto fail;
	return 0;
fail:
	e = errno;
	atomic_abort(&af);
	errno = e;
	return -1;
}

/* Records ip in home/lastauth, owned uid:gid when root. */
static int
write_record(int domfd, const char *rel, const char *ip, uid_t uid, gid_t gid)
{
	int homefd, r, e;

	if ((homefd = fs_open_beneath(domfd, rel, O_PATH | O_DIRECTORY, 0)) < 0)
		return -1;
	r = touch_same(homefd, ip, uid, gid) ? 0 :
	    rewrite(homefd, ip, uid, gid);
	e = errno;
	close(homefd);
	errno = e;
	return r;
}

int
lastauth_record(struct ph_ctx *ctx, int domfd, const struct assign_ent *dom,
    const struct vpw *pw, const char *service)
{
	char ip[LASTAUTH_IP_MAX], rel[PR_FIELD_MAX], target[300], why[160];
	int e;

	if (!ctx->cfg->lastauth_update)
		return 0;
	lastauth_peer_ip(ctx->peer, ip, sizeof(ip));
	if (fs_relative(dom->dir, pw->dir, rel, sizeof(rel)) < 0)
		errno = EXDEV;		/* a home outside its domain: never */
	else if (write_record(domfd, rel, ip, dom->uid, dom->gid) == 0)
		return 0;
	e = errno;
	snprintf(target, sizeof(target), "%.120s@%.120s", pw->name,
	    dom->domain);
	snprintf(why, sizeof(why), "%.40s: %s", service, strerror(e));
	audit(ctx, "lastauth", target, "fail", why);
	errno = e;
	return -1;
}

int
lastauth_login(struct ph_ctx *ctx, const char *service)
{
	static struct vpw pw;
	struct assign_ent dom;
	char rel[PATH_MAX];
	int domfd, r;

	if (!ctx->cfg->lastauth_update || !ctx->id.logged_in)
		return 0;
	memset(&dom, 0, sizeof(dom));
	vp_strlcpy(dom.domain, ctx->id.domain, sizeof(dom.domain));
	vp_strlcpy(dom.dir, ctx->id.domain_dir, sizeof(dom.dir));
	dom.uid = ctx->id.uid;
	dom.gid = ctx->id.gid;
	if (fs_relative(ctx->cfg->vpopmail_dir, dom.dir, rel, sizeof(rel)) < 0)
		return -1;	/* auth_login refused such a domain already */
	if ((domfd = fs_open_beneath(ctx->vpop_fd, rel, O_PATH | O_DIRECTORY,
	    0)) < 0)
		return -1;
	r = vpasswd_lookup(domfd, ctx->id.user, &pw);
	if (r == 0)
		r = lastauth_record(ctx, domfd, &dom, &pw, service);
	else
		r = -1;
	close(domfd);
	explicit_bzero(&pw, sizeof(pw));
	return r;
}

int
lastauth_read(int homefd, int64_t *when, char *ip, size_t ipsz)
{
	struct stat st;
	ssize_t n;
	size_t len;
	int fd, e;

	*when = 0;
	vp_strlcpy(ip, "0.0.0.0", ipsz);
	/* O_NONBLOCK: a planted FIFO must not hang the helper */
	fd = fs_open_beneath(homefd, "lastauth", O_RDONLY | O_NOCTTY |
	    O_NONBLOCK, 0);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;		/* errno is set */
	else if (!S_ISREG(st.st_mode))
		errno = EINVAL;
	if (!S_ISREG(st.st_mode)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	do
		n = read(fd, ip, ipsz - 1);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (n < 0) {
		vp_strlcpy(ip, "0.0.0.0", ipsz);
		errno = e;
		return -1;
	}
	ip[n] = '\0';
	len = strcspn(ip, "\r\n \t");	/* the first line, never a CR/LF */
	ip[len] = '\0';
	if (len == 0)
		vp_strlcpy(ip, "0.0.0.0", ipsz);
	*when = (int64_t)st.st_mtime;
	return 0;
}
