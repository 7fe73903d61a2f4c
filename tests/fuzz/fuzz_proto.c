/*
 * fuzz_proto.c - libFuzzer target: the strict decoders of proto/msg.c
 * and codec.c over one frame as the helper (and the frontend) receive
 * it. Every pr_get_* runs on a fresh load of the input; when one
 * accepts the frame, encoding what it decoded and decoding that again
 * must give the same value (a decoder that accepts what its encoder
 * cannot reproduce, or an encoder that cannot be read back, aborts).
 * The TLS signing messages (tls_msg.c) are held to the same rule.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "msg.h"
#include "tls_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pr_buf in, out;

/* Decodes in again from out's bytes (the encoder's frame). */
static void
reload(void)
{
	if (out.bad || pr_load(&in, out.data, out.len) < 0)
		abort();
}

static void
scalars(const uint8_t *data, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	char s[64];

	if (pr_load(&in, data, size) < 0)
		return;
	/* A reader walking an arbitrary frame: every get either succeeds
	 * inside the frame or marks the buffer bad for good. */
	while (!in.bad) {
		switch (in.pos % 5) {
		case 0: (void)pr_get_u8(&in, &u8); break;
		case 1: (void)pr_get_u16(&in, &u16); break;
		case 2: (void)pr_get_u32(&in, &u32); break;
		case 3: (void)pr_get_u64(&in, &u64); break;
		default: (void)pr_get_str(&in, s, sizeof(s)); break;
		}
		if (in.pos > in.len)
			abort();
	}
	if (pr_end(&in) == 0 || pr_get_u8(&in, &u8) == 0)
		abort();
}

#define ROUND(T, get, put, cmp) do {					\
	static T a, b;							\
	memset(&a, 0, sizeof(a));					\
	memset(&b, 0, sizeof(b));					\
	if (pr_load(&in, data, size) == 0 && get(&in, &a) == 0) {	\
		put(&out, &a);						\
		reload();						\
		if (get(&in, &b) != 0 || !(cmp))			\
			abort();					\
	}								\
} while (0)

static int
same_user(const struct pr_user *a, const struct pr_user *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->comment, b->comment) &&
	    !strcmp(a->quota, b->quota) && !strcmp(a->dir, b->dir) &&
	    !strcmp(a->passwd, b->passwd) && !strcmp(a->clear, b->clear) &&
	    a->flags == b->flags;
}

/* The frontend prints a status it received: one line, CR LF last. */
static int
status_line(const struct vp_status *st)
{
	char buf[VP_STATUS_TEXT + 64];
	size_t n = vp_status_line(st, buf, sizeof(buf));

	return n >= 2 && n < sizeof(buf) && buf[n - 2] == '\r' &&
	    buf[n - 1] == '\n' && memchr(buf, '\n', n - 1) == NULL;
}

static void
put_ok(struct pr_buf *o, const int *m)
{
	pr_put_ok(o, *m);
}

static void
put_status(struct pr_buf *o, const struct vp_status *st)
{
	pr_put_status(o, st);
}

static void
messages(const uint8_t *data, size_t size)
{
	static char line[PR_PATH_MAX], data2[PR_DATA_MAX + 1];
	static char back[PR_DATA_MAX + 1];
	size_t n, n2;

	ROUND(struct pr_login, pr_get_login, pr_put_login,
	    a.mode == b.mode && !strcmp(a.address, b.address) &&
	    !strcmp(a.password, b.password));
	/* The text travels only with the majors that print it. */
	ROUND(struct vp_status, pr_get_status, put_status,
	    a.major == b.major && a.minor == b.minor &&
	    ((a.major != 0 && a.major != VPM_BARE) ||
	    !strcmp(a.text, b.text)) && status_line(&b));
	ROUND(struct pr_login_reply, pr_get_login_reply, pr_put_login_reply,
	    a.level == b.level && a.uid == b.uid && a.gid == b.gid &&
	    !strcmp(a.domain, b.domain) &&
	    !strcmp(a.vpopmail_dir, b.vpopmail_dir) &&
	    !strcmp(a.domain_dir, b.domain_dir) && same_user(&a.user, &b.user));
	ROUND(struct pr_cmd, pr_get_cmd, pr_put_cmd,
	    a.cmd == b.cmd && a.nargs == b.nargs &&
	    !memcmp(a.args, b.args, sizeof(a.args)));
	ROUND(int, pr_get_ok, put_ok, a == b);
	ROUND(struct pr_user, pr_get_user_reply, pr_put_user_reply,
	    same_user(&a, &b));
	ROUND(struct pr_line, pr_get_line, pr_put_line,
	    a.has_value == b.has_value && !strcmp(a.key, b.key) &&
	    (!a.has_value || !strcmp(a.value, b.value)));

	if (pr_load(&in, data, size) == 0 &&
	    pr_get_body_line(&in, line, sizeof(line)) == 0) {
		pr_put_body_line(&out, line, strlen(line));
		reload();
		if (pr_get_body_line(&in, back, sizeof(back)) != 0 ||
		    strcmp(line, back) != 0)
			abort();
	}
	if (pr_load(&in, data, size) == 0 &&
	    pr_get_data(&in, data2, &n) == 0) {
		if (n == 0 || n > PR_DATA_MAX || memchr(data2, '\0', n))
			abort();
		pr_put_data(&out, data2, n);
		reload();
		if (pr_get_data(&in, back, &n2) != 0 || n2 != n ||
		    memcmp(back, data2, n) != 0)
			abort();
	}
}

/* PR_SIGN / PR_R_SIGN: hex in either case decodes to bytes that the
 * encoder writes back (lower case) to the same bytes. */
static void
signing(const uint8_t *data, size_t size)
{
	static unsigned char a[PR_SIGN_MAX], b[PR_SIGN_MAX];
	unsigned alg, alg2;
	size_t n, n2;

	if (pr_load(&in, data, size) == 0 &&
	    pr_get_sign(&in, &alg, a, &n) == 0) {
		if (n == 0 || n > PR_SIGN_MAX || alg >= PR_SIGN_ALG_COUNT)
			abort();
		pr_put_sign(&out, alg, a, n);
		reload();
		if (pr_get_sign(&in, &alg2, b, &n2) != 0 || alg2 != alg ||
		    n2 != n || memcmp(a, b, n) != 0)
			abort();
	}
	if (pr_load(&in, data, size) == 0 &&
	    pr_get_sign_reply(&in, a, &n) == 0) {
		if (n == 0 || n > PR_SIGN_MAX)
			abort();
		pr_put_sign_reply(&out, a, n);
		reload();
		if (pr_get_sign_reply(&in, b, &n2) != 0 || n2 != n ||
		    memcmp(a, b, n) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)pr_type_name(size >= 2 ? (unsigned)(data[0] | data[1] << 8) : 0);
	scalars(data, size);
	messages(data, size);
	signing(data, size);
	return 0;
}
