/*
 * ipmap.c - reading and rewriting etc/ip_alias_map (see ipmap.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "fs.h"
#include "ipmap.h"
#include "linefile.h"
#include "util.h"

/* static: off the sandbox's small stack; the helper is single-threaded */
static char line[IPMAP_LINE_MAX + 1];
static char f1[IPMAP_LINE_MAX], f2[IPMAP_LINE_MAX];	/* its fields */
static struct lf_reader rd;

int
ipmap_ip_ok(const char *ip)
{
	unsigned char tmp[sizeof(struct in6_addr)];

	return ip != NULL && strlen(ip) < IPMAP_IP_MAX &&
	    (inet_pton(AF_INET, ip, tmp) == 1 ||
	    inet_pton(AF_INET6, ip, tmp) == 1);
}

static const char *const SEP = " \t\r\n";

/* The next field of *p into out; 0, or -1 when none or too long. */
static int
field(const char **p, char *out, size_t outsz)
{
	size_t n;

	*p += strspn(*p, SEP);
	n = strcspn(*p, SEP);
	if (n == 0 || n >= outsz)
		return -1;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	return 0;
}

int
ipmap_fields(const char *l, char *ip, size_t ipsz, char *dom, size_t dsz)
{
	const char *p = l;

	if (field(&p, ip, ipsz) < 0 || field(&p, dom, dsz) < 0)
		return -1;
	return 0;
}

static int
open_dir(int vpopfd)
{
	return fs_open_beneath(vpopfd, IPMAP_DIR, O_PATH | O_DIRECTORY, 0);
}

int
ipmap_each(int vpopfd, int (*fn)(void *, const char *, const char *),
    void *arg)
{
	size_t n;
	int dfd, fd, nl, r, e;

	if ((dfd = open_dir(vpopfd)) < 0)
		return errno == ENOENT ? 0 : -1;
	fd = lf_open(dfd, IPMAP_NAME);
	e = errno;
	close(dfd);
	if (fd < 0)
		return e == ENOENT ? 0 : (errno = e, -1);
	lf_init(&rd, fd);
	while ((r = lf_next(&rd, line, sizeof(line), &n, &nl)) == 1) {
		/* a NUL ends the line as it ends the reference's string */
		if (ipmap_fields(line, f1, sizeof(f1), f2, sizeof(f2)) < 0)
			continue;
		if ((r = fn(arg, f1, f2)) != 0)
			break;
	}
	e = errno;
	close(fd);
	errno = e;
	return r;
}

struct find {
	const char	*ip;
	char		*dom;
	size_t		 dsz;
};

static int
find_one(void *arg, const char *ip, const char *dom)
{
	struct find *f = arg;

	if (strcmp(ip, f->ip) != 0)
		return 0;
	vp_strlcpy(f->dom, dom, f->dsz);
	return 2;
}

int
ipmap_lookup(int vpopfd, const char *ip, char *dom, size_t dsz)
{
	struct find f = { ip, dom, dsz };
	int r = ipmap_each(vpopfd, find_one, &f);

	return r == 2 ? 0 : r == 0 ? 1 : -1;
}

/* Copies the lines of the old map (fd, -1: none) to af except the
 * (ip, domain) pairs and the lines with fewer than two fields. */
static int
copy_lines(int fd, struct atomic_file *af, const char *ip, const char *domain)
{
	size_t n;
	int nl, r;

	if (fd < 0)
		return 0;
	lf_init(&rd, fd);
	while ((r = lf_next(&rd, line, sizeof(line), &n, &nl)) == 1) {
		if (ipmap_fields(line, f1, sizeof(f1), f2, sizeof(f2)) < 0)
			continue;
		if (strcmp(f1, ip) == 0 && strcmp(f2, domain) == 0)
			continue;
		if (atomic_write(af, line, n) < 0 ||
		    atomic_write(af, "\n", 1) < 0)
			return -1;
	}
	return r;
}

/* The rewrite under the lock; add: append "<ip> <domain>\n". */
static int
rewrite(int dfd, const char *ip, const char *domain, int add)
{
	struct atomic_file af;
	struct stat st;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int fd, r, e;

	if ((fd = lf_open(dfd, IPMAP_NAME)) < 0 && (errno != ENOENT || !add))
		return -1;
	if (fd >= 0 && fstat(fd, &st) == 0) {	/* keep the map's owner */
		uid = st.st_uid;
		gid = st.st_gid;
	}
	r = atomic_begin(dfd, IPMAP_NAME, uid, gid, 0644, &af);
	if (r == 0 && (copy_lines(fd, &af, ip, domain) < 0 || (add &&
	    (atomic_write(&af, ip, strlen(ip)) < 0 ||
	    atomic_write(&af, " ", 1) < 0 ||
	    atomic_write(&af, domain, strlen(domain)) < 0 ||
	    atomic_write(&af, "\n", 1) < 0)))) {
		e = errno;
		atomic_abort(&af);
		errno = e;
		r = -1;
	} else if (r == 0)
		r = atomic_commit(&af);
	e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
	return r;
}

static int
update(int vpopfd, const char *ip, const char *domain, int add)
{
	struct lockfile lk;
	int dfd, r, e;

	if (strchr(ip, '\n') != NULL || strchr(domain, '\n') != NULL) {
		errno = EINVAL;		/* never a second line */
		return -1;
	}
	if ((dfd = open_dir(vpopfd)) < 0)
		return -1;
	if (lockfile_acquire(dfd, IPMAP_LOCK, -1, &lk) < 0) {
		e = errno;
		close(dfd);
		errno = e;
		return -1;
	}
	r = rewrite(dfd, ip, domain, add);
	e = errno;
	lockfile_release(&lk);
	close(dfd);
	errno = e;
	return r;
}

int
ipmap_add(int vpopfd, const char *ip, const char *domain)
{
	return update(vpopfd, ip, domain, 1);
}

int
ipmap_del(int vpopfd, const char *ip, const char *domain)
{
	return update(vpopfd, ip, domain, 0);
}
