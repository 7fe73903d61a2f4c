/*
 * reroot - make an extracted vpopmail fixture tree usable at another path.
 *
 * Usage: reroot DIR [PREFIX]
 *
 * DIR is where the tree lives (it holds home/vpopmail and var/qmail).
 * PREFIX is the path written into the data; it defaults to DIR made
 * absolute. PREFIX "/" (or "") is the identity mapping: the data keeps
 * saying /home/vpopmail and /var/qmail, and the indexes are rebuilt in
 * place (used to check that the rebuilt cdb files are byte-identical to
 * the ones the reference tools wrote).
 *
 * The fixture data says /home/vpopmail and /var/qmail. These prefixes are
 * replaced by PREFIX/home/vpopmail and PREFIX/var/qmail in
 *   var/qmail/users/assign
 *   every vpasswd, .qmail and .qmail-* file under home/vpopmail/domains
 * and then the indexes are rebuilt from the text files:
 *   var/qmail/users/cdb               (as qmail-newu builds it)
 *   <domain dir>/vpasswd.cdb          (as vpopmail's make_vpasswd_cdb)
 *   var/qmail/control/morercpthosts.cdb (as qmail-newmrh, if the text exists)
 *
 * A prefix is only replaced where it starts a path: at the start of the
 * file or after one of  : space tab newline ' " & | = , and only when it
 * is followed by / : ' " space tab newline or the end. Running reroot twice
 * with the same PREFIX therefore changes nothing the second time.
 *
 * Every file is written to a temporary file in the same directory, given
 * the original's owner and mode, and renamed over the original. Text files
 * whose content does not change are left alone; indexes are always rebuilt.
 *
 * Depends on libc and tinycdb (whose cdb_make output is byte-identical to
 * the djb/qmail writer) only.
 */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OLD_VP "/home/vpopmail"
#define OLD_QM "/var/qmail"

struct buf {
	char *p;
	size_t len;
	size_t cap;
};

static char *new_vp;		/* PREFIX/home/vpopmail */
static char *new_qm;		/* PREFIX/var/qmail */

static char *cur_tmp;		/* temporary file to remove on failure */
static char **files;		/* text files to rewrite under domains/ */
static size_t nfiles, capfiles;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("reroot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cur_tmp != NULL)
		unlink(cur_tmp);
	exit(111);
}

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		die("out of memory");
	return q;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		die("out of memory");
	return p;
}

static char *
join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = xrealloc(NULL, la + lb + 1);

	memcpy(p, a, la);
	memcpy(p + la, b, lb + 1);
	return p;
}

static void
buf_add(struct buf *b, const char *p, size_t n)
{
	if (n > SIZE_MAX - b->len - 1)
		die("out of memory");
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Read a whole file; returns 0, or -1 with errno ENOENT if it is absent. */
static int
read_file(const char *path, struct buf *b, struct stat *st)
{
	char tmp[65536];
	ssize_t r;
	int fd;

	b->len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		die("open %s: %s", path, strerror(errno));
	}
	if (fstat(fd, st) != 0)
		die("stat %s: %s", path, strerror(errno));
	if (!S_ISREG(st->st_mode))
		die("%s: not a regular file", path);
	for (;;) {
		r = read(fd, tmp, sizeof tmp);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("read %s: %s", path, strerror(errno));
		}
		if (r == 0)
			break;
		buf_add(b, tmp, (size_t)r);
	}
	close(fd);
	if (b->p == NULL)
		buf_add(b, "", 0);
	return 0;
}

/* Create a temporary file next to path; its name goes to *tmpname. */
static int
open_temp(const char *path, char **tmpname)
{
	char *t = join(path, ".rerootXXXXXX");
	int fd = mkostemp(t, O_CLOEXEC);

	if (fd < 0)
		die("mkstemp %s: %s", t, strerror(errno));
	*tmpname = t;
	cur_tmp = t;
	return fd;
}

/* Give the temp file the owner and mode, close it, rename it over path. */
static void
commit_temp(int fd, char *tmpname, const char *path, const struct stat *st)
{
	if (fchown(fd, st->st_uid, st->st_gid) != 0)
		die("chown %s: %s", tmpname, strerror(errno));
	if (fchmod(fd, st->st_mode & 07777) != 0)
		die("chmod %s: %s", tmpname, strerror(errno));
	if (close(fd) != 0)
		die("close %s: %s", tmpname, strerror(errno));
	if (rename(tmpname, path) != 0)
		die("rename %s to %s: %s", tmpname, path, strerror(errno));
	cur_tmp = NULL;
	free(tmpname);
}

static void
write_file(const char *path, const struct buf *b, const struct stat *st)
{
	char *tmpname;
	int fd = open_temp(path, &tmpname);
	size_t off = 0;

	while (off < b->len) {
		ssize_t w = write(fd, b->p + off, b->len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write %s: %s", tmpname, strerror(errno));
		}
		off += (size_t)w;
	}
	commit_temp(fd, tmpname, path, st);
}

static int
starts_path(const char *p, size_t i)
{
	return i == 0 || strchr(":\t\n '\"&|=", p[i - 1]) != NULL;
}

static int
ends_path(const char *p, size_t i, size_t len)
{
	return i == len || (p[i] != '\0' && strchr("/:\t\n '\"", p[i]) != NULL);
}

/* Replace the two prefixes in in; result in out. */
static void
substitute(const struct buf *in, struct buf *out)
{
	static const char *const olds[2] = { OLD_VP, OLD_QM };
	const char *news[2] = { new_vp, new_qm };
	size_t i = 0, j, n;

	out->len = 0;
	buf_add(out, "", 0);
	while (i < in->len) {
		for (j = 0; j < 2; j++) {
			n = strlen(olds[j]);
			if (in->len - i >= n &&
			    memcmp(in->p + i, olds[j], n) == 0 &&
			    starts_path(in->p, i) &&
			    ends_path(in->p, i + n, in->len))
				break;
		}
		if (j < 2) {
			buf_add(out, news[j], strlen(news[j]));
			i += strlen(olds[j]);
		} else {
			buf_add(out, in->p + i, 1);
			i++;
		}
	}
}

/* Rewrite one text file if the prefixes occur in it; 0 if absent. */
static int
rewrite(const char *path)
{
	struct buf in = { 0 }, out = { 0 };
	struct stat st;

	if (read_file(path, &in, &st) != 0)
		return 0;
	substitute(&in, &out);
	if (out.len != in.len || memcmp(out.p, in.p, in.len) != 0)
		write_file(path, &out, &st);
	free(in.p);
	free(out.p);
	return 1;
}

/* Owner and mode for a rebuilt index: the old index's, else the source's
 * owner with the given mode. */
static void
index_stat(const char *path, const struct stat *src, mode_t mode,
    struct stat *st)
{
	if (lstat(path, st) == 0) {
		if (S_ISREG(st->st_mode))
			return;
		die("%s: not a regular file", path);
	}
	if (errno != ENOENT)
		die("stat %s: %s", path, strerror(errno));
	*st = *src;
	st->st_mode = mode;
}

static void
cdb_add(struct cdb_make *cm, const char *path, const char *k, size_t kl,
    const char *d, size_t dl)
{
	if (kl > UINT_MAX || dl > UINT_MAX ||
	    cdb_make_add(cm, k, (unsigned)kl, d, (unsigned)dl) != 0)
		die("cdb_make_add %s: %s", path, strerror(errno));
}

/* users/cdb from users/assign, exactly as qmail-1.03's qmail-newu. */
static void
build_users_cdb(const char *qm)
{
	char *assign = join(qm, "/users/assign");
	char *cdbpath = join(qm, "/users/cdb");
	struct buf in = { 0 }, key = { 0 }, data = { 0 }, wild = { 0 };
	struct stat st, ist;
	struct cdb_make cm;
	char *tmpname;
	size_t pos = 0, end, i, k, colons;
	int fd;

	if (read_file(assign, &in, &st) != 0)
		die("%s: missing", assign);
	fd = open_temp(cdbpath, &tmpname);
	if (cdb_make_start(&cm, fd) != 0)
		die("cdb_make_start %s: %s", tmpname, strerror(errno));
	buf_add(&wild, "", 0);
	for (;;) {
		if (pos < in.len && in.p[pos] == '.')
			break;
		end = pos;
		while (end < in.len && in.p[end] != '\n')
			end++;
		if (end == in.len)
			die("%s: bad format (no final \".\" line)", assign);
		end++;			/* include the newline */
		if (memchr(in.p + pos, '\0', end - pos) != NULL)
			die("%s: bad format (NUL byte)", assign);
		for (i = pos; i < end && in.p[i] != ':'; i++)
			;
		if (i == end || i == pos)
			die("%s: bad format (no key)", assign);
		i -= pos;		/* i = index of the first colon */
		key.len = 0;
		buf_add(&key, "!", 1);
		buf_add(&key, in.p + pos + 1, i - 1);
		if (in.p[pos] == '+') {
			if (i >= 2 && memchr(wild.p, in.p[pos + i - 1],
			    wild.len) == NULL)
				buf_add(&wild, in.p + pos + i - 1, 1);
		} else {
			buf_add(&key, "", 1);
		}
		for (k = 0; k < key.len; k++)
			if (key.p[k] >= 'A' && key.p[k] <= 'Z')
				key.p[k] = (char)(key.p[k] - 'A' + 'a');
		data.len = 0;
		buf_add(&data, in.p + pos + i + 1, end - pos - i - 1);
		colons = 0;
		for (k = 0; k < data.len; k++)
			if (data.p[k] == ':') {
				data.p[k] = '\0';
				if (++colons == 6)
					break;
			}
		if (colons < 6)
			die("%s: bad format (fewer than 6 fields)", assign);
		data.len = k;
		cdb_add(&cm, tmpname, key.p, key.len, data.p, data.len);
		pos = end;
	}
	cdb_add(&cm, tmpname, "", 0, wild.p, wild.len);
	if (cdb_make_finish(&cm) != 0)
		die("cdb_make_finish %s: %s", tmpname, strerror(errno));
	index_stat(cdbpath, &st, 0100644, &ist);
	commit_temp(fd, tmpname, cdbpath, &ist);
	free(in.p);
	free(key.p);
	free(data.p);
	free(wild.p);
	free(assign);
	free(cdbpath);
}

/* morercpthosts.cdb from morercpthosts, exactly as qmail-newmrh. */
static void
build_mrh_cdb(const char *qm)
{
	char *txt = join(qm, "/control/morercpthosts");
	char *cdbpath = join(qm, "/control/morercpthosts.cdb");
	struct buf in = { 0 };
	struct stat st, ist;
	struct cdb_make cm;
	char *tmpname;
	size_t pos = 0, end, len, k;
	int fd;

	if (read_file(txt, &in, &st) != 0)
		goto out;
	fd = open_temp(cdbpath, &tmpname);
	if (cdb_make_start(&cm, fd) != 0)
		die("cdb_make_start %s: %s", tmpname, strerror(errno));
	while (pos < in.len) {
		end = pos;
		while (end < in.len && in.p[end] != '\n')
			end++;
		for (k = pos; k < end; k++)
			if (in.p[k] >= 'A' && in.p[k] <= 'Z')
				in.p[k] = (char)(in.p[k] - 'A' + 'a');
		len = end - pos;
		while (len > 0 && (in.p[pos + len - 1] == ' ' ||
		    in.p[pos + len - 1] == '\t'))
			len--;
		if (len > 0 && in.p[pos] != '#')
			cdb_add(&cm, tmpname, in.p + pos, len, "", 0);
		pos = end + 1;
	}
	if (cdb_make_finish(&cm) != 0)
		die("cdb_make_finish %s: %s", tmpname, strerror(errno));
	index_stat(cdbpath, &st, 0100644, &ist);
	commit_temp(fd, tmpname, cdbpath, &ist);
out:
	free(in.p);
	free(txt);
	free(cdbpath);
}

/* vpasswd.cdb from vpasswd, as vpopmail's make_vpasswd_cdb: one record per
 * newline-terminated line, key = text before the first colon, value = the
 * rest of the line without the newline. Lines without a colon and an
 * unterminated last line are skipped. */
static void
build_vpasswd_cdb(const char *vpasswd)
{
	const char *slash = strrchr(vpasswd, '/');
	size_t dlen = slash ? (size_t)(slash - vpasswd) : 0;
	char *cdbpath = xrealloc(NULL, dlen + sizeof "/vpasswd.cdb");
	struct buf in = { 0 };
	struct stat st, ist;
	struct cdb_make cm;
	char *tmpname;
	const char *colon;
	size_t pos = 0, end;
	int fd;

	memcpy(cdbpath, vpasswd, dlen);
	memcpy(cdbpath + dlen, "/vpasswd.cdb", sizeof "/vpasswd.cdb");
	if (read_file(vpasswd, &in, &st) != 0)
		die("%s: vanished", vpasswd);
	fd = open_temp(cdbpath, &tmpname);
	if (cdb_make_start(&cm, fd) != 0)
		die("cdb_make_start %s: %s", tmpname, strerror(errno));
	while (pos < in.len) {
		end = pos;
		while (end < in.len && in.p[end] != '\n')
			end++;
		if (end == in.len)
			break;
		colon = memchr(in.p + pos, ':', end - pos);
		if (colon != NULL)
			cdb_add(&cm, tmpname, in.p + pos,
			    (size_t)(colon - (in.p + pos)), colon + 1,
			    (size_t)(in.p + end - colon - 1));
		pos = end + 1;
	}
	if (cdb_make_finish(&cm) != 0)
		die("cdb_make_finish %s: %s", tmpname, strerror(errno));
	index_stat(cdbpath, &st, 0100600, &ist);
	commit_temp(fd, tmpname, cdbpath, &ist);
	free(in.p);
	free(cdbpath);
}

static int
collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *base = path + ftw->base;

	(void)st;
	if (type == FTW_DNR || type == FTW_NS)
		die("cannot read %s", path);
	if (type != FTW_F)
		return 0;
	if (strcmp(base, "vpasswd") != 0 && strcmp(base, ".qmail") != 0 &&
	    strncmp(base, ".qmail-", 7) != 0)
		return 0;
	if (nfiles == capfiles) {
		capfiles = capfiles ? capfiles * 2 : 64;
		files = xrealloc(files, capfiles * sizeof *files);
	}
	files[nfiles++] = xstrdup(path);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Absolute form of p (need not exist beyond its existing part: the
 * directory itself must exist), without trailing slashes; "/" and ""
 * become "". */
static char *
normalise(const char *p)
{
	char *r;
	size_t n;

	if (*p == '\0')
		return xstrdup("");
	r = realpath(p, NULL);
	if (r == NULL)
		die("%s: %s", p, strerror(errno));
	n = strlen(r);
	while (n > 0 && r[n - 1] == '/')
		r[--n] = '\0';
	return r;
}

int
main(int argc, char **argv)
{
	char *dir, *prefix, *vp, *qm, *domains;
	struct stat st;
	size_t i;
	const char *base;

	if (argc != 2 && argc != 3) {
		fputs("usage: reroot DIR [PREFIX]\n", stderr);
		return 100;
	}
	umask(077);
	dir = normalise(argv[1]);
	if (argc == 3) {
		prefix = xstrdup(argv[2]);
		i = strlen(prefix);
		while (i > 0 && prefix[i - 1] == '/')
			prefix[--i] = '\0';
		if (*prefix != '\0' && *prefix != '/')
			die("PREFIX must be absolute: %s", argv[2]);
	} else {
		prefix = xstrdup(dir);
	}
	/* the data is colon-separated and .qmail lines are split at blanks */
	if (strpbrk(prefix, ": \t\n\r") != NULL)
		die("PREFIX must not contain ':', blanks or newlines: %s",
		    prefix);
	new_vp = join(prefix, OLD_VP);
	new_qm = join(prefix, OLD_QM);
	vp = join(dir, OLD_VP);
	qm = join(dir, OLD_QM);
	domains = join(vp, "/domains");
	if (stat(vp, &st) != 0 || !S_ISDIR(st.st_mode))
		die("%s: not a directory", vp);
	if (stat(qm, &st) != 0 || !S_ISDIR(st.st_mode))
		die("%s: not a directory", qm);

	/* qmail side */
	{
		char *assign = join(qm, "/users/assign");

		if (rewrite(assign))
			build_users_cdb(qm);
		free(assign);
	}
	build_mrh_cdb(qm);

	/* vpopmail side: collect first, so renames don't disturb the walk */
	if (stat(domains, &st) == 0) {
		if (nftw(domains, collect, 32, FTW_PHYS) != 0)
			die("walk %s: %s", domains, strerror(errno));
		qsort(files, nfiles, sizeof *files, cmp_str);
	}
	for (i = 0; i < nfiles; i++) {
		rewrite(files[i]);
		base = strrchr(files[i], '/');
		if (base != NULL && strcmp(base + 1, "vpasswd") == 0)
			build_vpasswd_cdb(files[i]);
		free(files[i]);
	}
	free(files);
	free(new_vp);
	free(new_qm);
	free(vp);
	free(qm);
	free(domains);
	free(prefix);
	free(dir);
	return 0;
}
