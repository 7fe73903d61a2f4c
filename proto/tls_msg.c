/*
 * tls_msg.c - PR_SIGN / PR_R_SIGN encoders and strict decoders
 * (tls_msg.h). A field is 1..PR_SIGN_MAX bytes as an even number of
 * lower-case hex digits; anything else fails the frame.
 */
#include <string.h>

#include "msg.h"
#include "tls_msg.h"

static void
put_hex(struct pr_buf *b, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char hex[2 * PR_SIGN_MAX + 1];
	size_t i;

	if (n == 0 || n > PR_SIGN_MAX) {
		b->bad = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[p[i] >> 4];
		hex[2 * i + 1] = digits[p[i] & 15];
	}
	hex[2 * n] = '\0';
	pr_put_str(b, hex);
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
get_hex(struct pr_buf *b, unsigned char *p, size_t *n)
{
	char hex[2 * PR_SIGN_MAX + 1];
	size_t len, i;
	int hi, lo;

	if (pr_get_str(b, hex, sizeof(hex)) < 0)
		return -1;
	len = strlen(hex);
	if (len == 0 || len % 2 != 0)
		return -1;
	for (i = 0; i < len / 2; i++) {
		if ((hi = nibble(hex[2 * i])) < 0 ||
		    (lo = nibble(hex[2 * i + 1])) < 0)
			return -1;
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

void
pr_put_sign(struct pr_buf *b, unsigned alg, const unsigned char *p, size_t n)
{
	pr_init(b, PR_SIGN);
	pr_put_u8(b, (uint8_t)alg);
	put_hex(b, p, n);
}

int
pr_get_sign(struct pr_buf *b, unsigned *alg, unsigned char *p, size_t *n)
{
	uint8_t a;

	if (pr_get_u8(b, &a) < 0 || a >= PR_SIGN_ALG_COUNT ||
	    get_hex(b, p, n) < 0)
		return -1;
	*alg = a;
	return pr_end(b);
}

void
pr_put_sign_reply(struct pr_buf *b, const unsigned char *p, size_t n)
{
	pr_init(b, PR_R_SIGN);
	put_hex(b, p, n);
}

int
pr_get_sign_reply(struct pr_buf *b, unsigned char *p, size_t *n)
{
	if (get_hex(b, p, n) < 0)
		return -1;
	return pr_end(b);
}
