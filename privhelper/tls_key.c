/*
 * tls_key.c - the private key's text (tls_key.h). Both buffers are static
 * so that a frontend knows exactly what to wipe; the file is read with
 * read(2), not stdio, whose buffer would be freed with the text in it.
 */
#include "ossl_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tls_key.h"

#define KEY_FILE_MAX	65536

static char	cur[KEY_FILE_MAX], pending[KEY_FILE_MAX];
static size_t	cur_len, pending_len;

int
tls_key_read(const char *path, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n = -1;
	int fd;

	tls_key_discard();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0 ||
	    fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size >= KEY_FILE_MAX) {
		snprintf(err, errlen, "tls: tls-key %s: %s", path,
		    fd < 0 ? strerror(errno) : "not a regular file under "
		    "64 KiB");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (pending_len < sizeof(pending) && (n = read(fd,
	    pending + pending_len, sizeof(pending) - pending_len)) > 0)
		pending_len += (size_t)n;
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "tls: tls-key %s: %s", path,
		    strerror(errno));
		tls_key_discard();
		return -1;
	}
	return 0;
}

/* No passphrase prompt on a terminal: an encrypted key is refused. */
static int
no_passphrase(char *buf, int size, int rw, void *u)
{
	(void)buf, (void)size, (void)rw, (void)u;
	return -1;
}

static EVP_PKEY *
parse(const char *text, size_t len)
{
	EVP_PKEY *k = NULL;
	BIO *b;

	/* no text: TLS is not configured, and OpenSSL maybe not loaded */
	if (len == 0)
		return NULL;
	if ((b = BIO_new_mem_buf(text, (int)len)) != NULL) {
		k = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
		BIO_free(b);
	}
	ERR_clear_error();
	return k;
}

/* The child's verdict: "" or a reason. */
static void
check_child(SSL_CTX *c, int wfd)
{
	EVP_PKEY *k = parse(pending, pending_len);
	const char *why = "";

	if (k == NULL)
		why = "not a PEM private key without a passphrase";
	else if (!EVP_PKEY_is_a(k, "RSA") && !EVP_PKEY_is_a(k, "EC"))
		why = "only RSA and EC keys can be kept in the helper";
	else if (SSL_CTX_use_PrivateKey(c, k) != 1 ||
	    SSL_CTX_check_private_key(c) != 1)
		why = "does not match tls-cert";
	(void)!write(wfd, why, strlen(why));
	_exit(why[0] != '\0');
}

int
tls_key_check(SSL_CTX *c, char *err, size_t errlen)
{
	char why[128];
	ssize_t n;
	pid_t pid;
	int p[2], st;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(err, errlen, "tls: checking tls-key: %s",
		    strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		check_child(c, p[1]);
	}
	close(p[1]);
	n = read(p[0], why, sizeof(why) - 1);
	close(p[0]);
	why[n > 0 ? n : 0] = '\0';
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && why[0] == '\0')
		return 0;
	snprintf(err, errlen, "tls: tls-key: %s", why[0] ? why :
	    "the check failed");
	return -1;
}

void
tls_key_commit(void)
{
	explicit_bzero(cur, cur_len);
	memcpy(cur, pending, pending_len);
	cur_len = pending_len;
	tls_key_discard();
}

void
tls_key_discard(void)
{
	explicit_bzero(pending, pending_len);
	pending_len = 0;
}

void
tls_key_wipe(void)
{
	explicit_bzero(cur, cur_len);
	cur_len = 0;
	tls_key_discard();
}

EVP_PKEY *
tls_key_take(void)
{
	EVP_PKEY *k = parse(cur, cur_len);

	tls_key_wipe();
	return k;
}
