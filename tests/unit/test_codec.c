/*
 * test_codec.c - proto/: the typed messages, their strict decoders, the
 * SEQPACKET transport and the -ERR line formatting.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codec.h"
#include "errors.h"
#include "msg.h"
#include "unit/t.h"

static struct pr_buf wb, rb;	/* writer, reader: 64 KiB each */

/* Raw frame builder for crafted (invalid) frames. */
static uint8_t raw[PR_MAX_FRAME + 4096];
static size_t rawlen;

static void
raw_le(uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		raw[rawlen++] = (uint8_t)(v >> (8 * i));
}

static void
raw_bytes(const void *p, size_t n)
{
	memcpy(raw + rawlen, p, n);
	rawlen += n;
}

/* Loads n bytes of p into rb; the pr_load result. */
static int
load(const void *p, size_t n)
{
	return pr_load(&rb, p, n);
}

static void
fill_login(struct pr_login *l)
{
	memset(l, 0, sizeof(*l));
	l->mode = PR_MODE_COMPACT;
	snprintf(l->address, sizeof(l->address), "postmaster@example.com");
	snprintf(l->password, sizeof(l->password), " pass word\twith tab ");
}

static void
fill_reply(struct pr_login_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->level = 2;
	r->uid = 89;
	r->gid = 0xfffffffeu;
	snprintf(r->domain, sizeof(r->domain), "example.com");
	snprintf(r->vpopmail_dir, sizeof(r->vpopmail_dir), "/home/vpopmail");
	snprintf(r->domain_dir, sizeof(r->domain_dir),
	    "/home/vpopmail/domains/example.com");
	snprintf(r->user.name, sizeof(r->user.name), "postmaster");
	snprintf(r->user.comment, sizeof(r->user.comment), "Postmaster");
	snprintf(r->user.quota, sizeof(r->user.quota), "NOQUOTA");
	snprintf(r->user.dir, sizeof(r->user.dir),
	    "/home/vpopmail/domains/example.com/postmaster");
	snprintf(r->user.passwd, sizeof(r->user.passwd),
	    "$6$abcdefgh$3rj1vTLX64btReFsM4MQ22otcD40l7vbtw7qCyr0dxc4kxNmgx53xV"
	    "M8gWiLYbCqTHTbXFaVFU7ZT28pnvdyu0");
	snprintf(r->user.clear, sizeof(r->user.clear), "test");
	r->user.flags = 0x1000;
}

static void
test_roundtrips(void)
{
	static struct pr_login l, l2;
	static struct pr_login_reply r, r2;
	struct vp_status st, st2;

	fill_login(&l);
	pr_put_login(&wb, &l);
	CHECK(!wb.bad, "login: encodes");
	CHECK(load(wb.data, wb.len) == 0, "login: pr_load");
	CHECK(pr_type(&rb) == PR_LOGIN, "login: type PR_LOGIN");
	memset(&l2, 0x55, sizeof(l2));
	CHECK(pr_get_login(&rb, &l2) == 0, "login: decodes");
	CHECK(l2.mode == l.mode, "login: mode survives");
	CHECK(strcmp(l2.address, l.address) == 0, "login: address survives");
	CHECK(strcmp(l2.password, l.password) == 0,
	    "login: password (spaces, tab) survives");

	vp_status_text(&st, 305, "Username exists");
	pr_put_status(&wb, &st);
	CHECK(load(wb.data, wb.len) == 0 && pr_type(&rb) == PR_R_STATUS,
	    "status: type PR_R_STATUS");
	memset(&st2, 0x55, sizeof(st2));
	CHECK(pr_get_status(&rb, &st2) == 0, "status (major 0): decodes");
	CHECK(st2.major == 0 && st2.minor == 305 &&
	    strcmp(st2.text, "Username exists") == 0,
	    "status (major 0): major, minor, text survive");

	vp_status_set(&st, VPM_INVALID_LOGIN, 207);
	pr_put_status(&wb, &st);
	CHECK(load(wb.data, wb.len) == 0 && pr_get_status(&rb, &st2) == 0 &&
	    st2.major == 8 && st2.minor == 207 && st2.text[0] == '\0',
	    "status 8.207: round trip");

	vp_status_set(&st, VPM_MAX, 65535);
	pr_put_status(&wb, &st);
	CHECK(load(wb.data, wb.len) == 0 && pr_get_status(&rb, &st2) == 0 &&
	    st2.major == VPM_MAX && st2.minor == 65535,
	    "status major %d minor 65535: round trip", VPM_MAX);

	fill_reply(&r);
	pr_put_login_reply(&wb, &r);
	CHECK(!wb.bad, "login reply: encodes");
	CHECK(load(wb.data, wb.len) == 0 && pr_type(&rb) == PR_R_LOGIN,
	    "login reply: type PR_R_LOGIN");
	memset(&r2, 0x55, sizeof(r2));
	CHECK(pr_get_login_reply(&rb, &r2) == 0, "login reply: decodes");
	CHECK(r2.level == r.level && r2.uid == r.uid && r2.gid == r.gid,
	    "login reply: level, uid, gid survive");
	CHECK(strcmp(r2.domain, r.domain) == 0 &&
	    strcmp(r2.vpopmail_dir, r.vpopmail_dir) == 0 &&
	    strcmp(r2.domain_dir, r.domain_dir) == 0,
	    "login reply: domain, vpopmail_dir, domain_dir survive");
	CHECK(strcmp(r2.user.name, r.user.name) == 0 &&
	    strcmp(r2.user.comment, r.user.comment) == 0 &&
	    strcmp(r2.user.quota, r.user.quota) == 0 &&
	    strcmp(r2.user.dir, r.user.dir) == 0 &&
	    strcmp(r2.user.passwd, r.user.passwd) == 0 &&
	    strcmp(r2.user.clear, r.user.clear) == 0,
	    "login reply: every user string survives");
	CHECK(r2.user.flags == r.user.flags, "login reply: flags survive");
}

/* Every strict prefix of a valid frame must fail to decode. */
static void
test_prefixes(void)
{
	static struct pr_login l;
	static struct pr_login_reply r;
	static uint8_t frame[PR_MAX_FRAME];
	struct vp_status st;
	size_t n, len, bad;

	fill_login(&l);
	pr_put_login(&wb, &l);
	len = wb.len;
	memcpy(frame, wb.data, len);
	for (bad = 0, n = 0; n < len; n++) {
		if (load(frame, n) == 0 && pr_get_login(&rb, &l) == 0)
			bad++;
	}
	CHECK(bad == 0, "login: all %zu strict prefixes rejected", len);

	vp_status_text(&st, 305, "Username exists");
	pr_put_status(&wb, &st);
	len = wb.len;
	memcpy(frame, wb.data, len);
	for (bad = 0, n = 0; n < len; n++) {
		if (load(frame, n) == 0 && pr_get_status(&rb, &st) == 0)
			bad++;
	}
	CHECK(bad == 0, "status: all %zu strict prefixes rejected", len);

	fill_reply(&r);
	pr_put_login_reply(&wb, &r);
	len = wb.len;
	memcpy(frame, wb.data, len);
	for (bad = 0, n = 0; n < len; n++) {
		if (load(frame, n) == 0 && pr_get_login_reply(&rb, &r) == 0)
			bad++;
	}
	CHECK(bad == 0, "login reply: all %zu strict prefixes rejected", len);
}

static void
test_rejections(void)
{
	static struct pr_login l;
	static struct pr_login_reply r;
	static char big[PR_ADDR_MAX + 1];
	struct vp_status st;
	char small[4];

	/* one trailing byte */
	fill_login(&l);
	pr_put_login(&wb, &l);
	pr_put_u8(&wb, 0);
	CHECK(load(wb.data, wb.len) == 0, "login + 1 byte: loads");
	CHECK(pr_get_login(&rb, &l) < 0, "login + 1 trailing byte: rejected");
	CHECK(pr_end(&rb) < 0, "login + 1 trailing byte: pr_end fails");

	vp_status_set(&st, 8, 207);
	pr_put_status(&wb, &st);
	pr_put_u8(&wb, 'x');
	CHECK(load(wb.data, wb.len) == 0 && pr_get_status(&rb, &st) < 0,
	    "status + 1 trailing byte: rejected");

	fill_reply(&r);
	pr_put_login_reply(&wb, &r);
	pr_put_u8(&wb, 0);
	CHECK(load(wb.data, wb.len) == 0 && pr_get_login_reply(&rb, &r) < 0,
	    "login reply + 1 trailing byte: rejected");

	/* pr_end on a frame with nothing read */
	pr_init(&wb, PR_QUIT);
	CHECK(load(wb.data, wb.len) == 0 && pr_end(&rb) == 0,
	    "PR_QUIT (type only): pr_end ok");
	pr_put_u8(&wb, 1);
	CHECK(load(wb.data, wb.len) == 0 && pr_end(&rb) < 0,
	    "PR_QUIT + 1 byte: pr_end fails");

	/* a string longer than the reader's bound */
	memset(big, 'a', PR_ADDR_MAX);
	big[PR_ADDR_MAX] = '\0';
	pr_init(&wb, PR_LOGIN);
	pr_put_u8(&wb, 0);
	pr_put_str(&wb, big);		/* 1024 bytes: bound is 1023 */
	pr_put_str(&wb, "pw");
	CHECK(!wb.bad, "writer accepts a 1024-byte string");
	CHECK(load(wb.data, wb.len) == 0 && pr_get_login(&rb, &l) < 0,
	    "login: 1024-byte address (bound 1023) rejected");
	CHECK(rb.bad, "login: oversize string marks the buffer bad");

	big[PR_ADDR_MAX - 1] = '\0';	/* 1023 bytes: exactly fits */
	pr_init(&wb, PR_LOGIN);
	pr_put_u8(&wb, 0);
	pr_put_str(&wb, big);
	pr_put_str(&wb, "pw");
	CHECK(load(wb.data, wb.len) == 0 && pr_get_login(&rb, &l) == 0 &&
	    strlen(l.address) == PR_ADDR_MAX - 1,
	    "login: 1023-byte address accepted");

	pr_init(&wb, PR_R_STATUS);
	pr_put_str(&wb, "abcd");
	CHECK(load(wb.data, wb.len) == 0 &&
	    pr_get_str(&rb, small, sizeof(small)) < 0 && small[0] == '\0',
	    "pr_get_str: 4 bytes into a 4-byte buffer fails, dst emptied");
	pr_init(&wb, PR_R_STATUS);
	pr_put_str(&wb, "abc");
	CHECK(load(wb.data, wb.len) == 0 &&
	    pr_get_str(&rb, small, sizeof(small)) == 0 &&
	    strcmp(small, "abc") == 0 && pr_end(&rb) == 0,
	    "pr_get_str: 3 bytes into a 4-byte buffer ok");
	CHECK(load(wb.data, wb.len) == 0 && pr_get_str(&rb, small, 0) < 0,
	    "pr_get_str: dstsz 0 fails");

	/* a string length claiming more bytes than present */
	rawlen = 0;
	raw_le(PR_LOGIN, 2);
	raw_le(0, 1);
	raw_le(200, 2);
	raw_bytes("short", 5);
	CHECK(load(raw, rawlen) == 0 && pr_get_login(&rb, &l) < 0,
	    "login: string length beyond the frame rejected");

	/* a string with an embedded NUL (crafted) */
	rawlen = 0;
	raw_le(PR_LOGIN, 2);
	raw_le(0, 1);
	raw_le(5, 2);
	raw_bytes("ab\0cd", 5);
	raw_le(2, 2);
	raw_bytes("pw", 2);
	CHECK(load(raw, rawlen) == 0 && pr_get_login(&rb, &l) < 0,
	    "login: address with embedded NUL rejected");
	rawlen = 0;
	raw_le(PR_LOGIN, 2);
	raw_le(0, 1);
	raw_le(1, 2);
	raw_bytes("a", 1);
	raw_le(3, 2);
	raw_bytes("p\0w", 3);
	CHECK(load(raw, rawlen) == 0 && pr_get_login(&rb, &l) < 0,
	    "login: password with embedded NUL rejected");
	/* the writer refuses NULs too */
	pr_init(&wb, PR_LOGIN);
	pr_put_mem(&wb, "a\0b", 3);
	CHECK(wb.bad, "writer: pr_put_mem with a NUL sets bad");
	CHECK(pr_send(-1, &wb) < 0, "writer: pr_send refuses a bad buffer");

	/* login mode 3 */
	fill_login(&l);
	l.mode = 3;
	pr_put_login(&wb, &l);
	CHECK(load(wb.data, wb.len) == 0 && pr_get_login(&rb, &l) < 0,
	    "login: mode 3 rejected");
	fill_login(&l);
	l.mode = PR_MODE_SILENT;
	pr_put_login(&wb, &l);
	CHECK(load(wb.data, wb.len) == 0 && pr_get_login(&rb, &l) == 0,
	    "login: mode 2 accepted");

	/* login reply levels 0 and 4 */
	fill_reply(&r);
	r.level = 0;
	pr_put_login_reply(&wb, &r);
	CHECK(load(wb.data, wb.len) == 0 && pr_get_login_reply(&rb, &r) < 0,
	    "login reply: level 0 rejected");
	fill_reply(&r);
	r.level = 4;
	pr_put_login_reply(&wb, &r);
	CHECK(load(wb.data, wb.len) == 0 && pr_get_login_reply(&rb, &r) < 0,
	    "login reply: level 4 rejected");
	fill_reply(&r);
	r.level = 3;
	pr_put_login_reply(&wb, &r);
	CHECK(load(wb.data, wb.len) == 0 && pr_get_login_reply(&rb, &r) == 0,
	    "login reply: level 3 accepted");

	/* status major beyond the table */
	vp_status_set(&st, VPM_MAX + 1, 101);
	pr_put_status(&wb, &st);
	CHECK(load(wb.data, wb.len) == 0 && pr_get_status(&rb, &st) < 0,
	    "status: major %d rejected", VPM_MAX + 1);
	/* the reference's lines without a major keep their text */
	{
		char line[64];

		st.major = VPM_BARE;
		st.minor = 3801;
		snprintf(st.text, sizeof(st.text), "not authorized");
		pr_put_status(&wb, &st);
		memset(&st, 0, sizeof(st));
		CHECK(load(wb.data, wb.len) == 0 &&
		    pr_get_status(&rb, &st) == 0 && st.major == VPM_BARE &&
		    vp_status_line(&st, line, sizeof(line)) > 0 &&
		    strcmp(line, "-ERR 3801 not authorized\r\n") == 0,
		    "status: VPM_BARE round trip, '-ERR 3801 not authorized'");
	}

	/* once bad, every later get fails */
	rawlen = 0;
	raw_le(PR_R_STATUS, 2);
	raw_le(7, 1);
	{
		uint16_t v16;
		uint8_t v8;

		CHECK(load(raw, rawlen) == 0 && pr_get_u16(&rb, &v16) < 0 &&
		    rb.bad, "get_u16 of 1 byte fails and marks bad");
		CHECK(pr_get_u8(&rb, &v8) < 0,
		    "after a failure a get that would fit still fails");
	}
	{
		uint64_t v64;
		uint32_t v32;

		rawlen = 0;
		raw_le(PR_R_STATUS, 2);
		raw_le(0x0102030405060708ull, 8);
		raw_le(0xa1b2c3d4u, 4);
		CHECK(load(raw, rawlen) == 0 && pr_get_u64(&rb, &v64) == 0 &&
		    v64 == 0x0102030405060708ull &&
		    pr_get_u32(&rb, &v32) == 0 && v32 == 0xa1b2c3d4u &&
		    pr_end(&rb) == 0, "u64/u32 little-endian decode");
		CHECK(raw[2] == 0x08 && raw[9] == 0x01,
		    "u64 little-endian encode (byte order)");
	}
}

static void
test_writer_overflow(void)
{
	static char s[70000];
	size_t i;

	pr_init(&wb, PR_R_STATUS);
	for (i = 0; i < (PR_MAX_FRAME - 8) / 8; i++)
		pr_put_u64(&wb, i);
	pr_put_u32(&wb, 1);
	pr_put_u16(&wb, 2);
	CHECK(!wb.bad && wb.len == PR_MAX_FRAME,
	    "writer: exactly 64 KiB fits (len %zu)", wb.len);
	pr_put_u8(&wb, 1);
	CHECK(wb.bad, "writer: one byte past 64 KiB sets bad");
	CHECK(wb.len == PR_MAX_FRAME, "writer: never writes past the frame");
	CHECK(pr_send(-1, &wb) < 0, "pr_send refuses an overflowed buffer");

	pr_init(&wb, PR_R_STATUS);
	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	pr_put_str(&wb, s);
	CHECK(wb.bad, "writer: a 69999-byte string sets bad");
	pr_init(&wb, PR_R_STATUS);
	s[60000] = '\0';
	pr_put_str(&wb, s);
	pr_put_str(&wb, s);
	CHECK(wb.bad && wb.len <= PR_MAX_FRAME,
	    "writer: two 60000-byte strings overflow, bad set");
	pr_init(&wb, PR_R_STATUS);
	CHECK(!wb.bad && wb.len == 2, "pr_init resets bad and length");
}

static void
test_transport(void)
{
	static struct pr_login l, l2;
	static uint8_t big[70000];
	int sp[2];
	ssize_t n;

	if (!CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sp) == 0, "socketpair(SOCK_SEQPACKET)"))
		return;
	{
		int sz = 1 << 20;

		setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		setsockopt(sp[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	fill_login(&l);
	pr_put_login(&wb, &l);
	CHECK(pr_send(sp[0], &wb) == 0, "pr_send a login frame");
	CHECK(pr_recv(sp[1], &rb) == 1, "pr_recv returns 1 for a frame");
	CHECK(rb.len == wb.len && memcmp(rb.data, wb.data, wb.len) == 0,
	    "frame arrives byte for byte");
	CHECK(pr_type(&rb) == PR_LOGIN && pr_get_login(&rb, &l2) == 0 &&
	    strcmp(l2.address, l.address) == 0 &&
	    strcmp(l2.password, l.password) == 0,
	    "received frame decodes to the same login");

	/* two frames are two records */
	pr_init(&wb, PR_QUIT);
	CHECK(pr_send(sp[0], &wb) == 0 && pr_send(sp[0], &wb) == 0,
	    "two PR_QUIT sent");
	CHECK(pr_recv(sp[1], &rb) == 1 && rb.len == 2 &&
	    pr_type(&rb) == PR_QUIT && pr_end(&rb) == 0 &&
	    pr_recv(sp[1], &rb) == 1 && rb.len == 2,
	    "received as two separate 2-byte frames");

	/* a 1-byte record */
	n = send(sp[0], "\x01", 1, 0);
	CHECK(n == 1 && pr_recv(sp[1], &rb) == -1 && rb.bad,
	    "1-byte record: pr_recv -1");

	/* a 70000-byte record: truncated */
	memset(big, 0, sizeof(big));
	big[0] = PR_LOGIN;
	n = send(sp[0], big, sizeof(big), 0);
	if (n == (ssize_t)sizeof(big))
		CHECK(pr_recv(sp[1], &rb) == -1 && rb.bad,
		    "70000-byte record (truncated): pr_recv -1");
	else
		CHECK(0, "send of a 70000-byte record failed: %s",
		    strerror(errno));

	/* exactly 64 KiB is fine */
	n = send(sp[0], big, PR_MAX_FRAME, 0);
	CHECK(n == PR_MAX_FRAME && pr_recv(sp[1], &rb) == 1 &&
	    rb.len == PR_MAX_FRAME, "65536-byte record: pr_recv 1");

	/* after an error the next frame is still readable */
	pr_init(&wb, PR_QUIT);
	CHECK(pr_send(sp[0], &wb) == 0 && pr_recv(sp[1], &rb) == 1 &&
	    pr_type(&rb) == PR_QUIT, "next frame after errors reads fine");

	close(sp[0]);
	CHECK(pr_recv(sp[1], &rb) == 0, "EOF: pr_recv 0");
	CHECK(pr_send(sp[1], &wb) == -1,
	    "pr_send to a closed peer: -1 (no SIGPIPE)");
	close(sp[1]);
	CHECK(pr_recv(-1, &rb) == -1, "pr_recv on a bad fd: -1");
}

static void
test_load_and_names(void)
{
	static uint8_t buf[PR_MAX_FRAME + 1];

	memset(buf, 0, sizeof(buf));
	CHECK(load(buf, 0) < 0 && rb.bad, "pr_load: 0 bytes fails");
	CHECK(load(buf, 1) < 0, "pr_load: 1 byte fails");
	CHECK(load(buf, 2) == 0 && rb.pos == 2 && !rb.bad,
	    "pr_load: 2 bytes ok, positioned after the type");
	CHECK(load(buf, PR_MAX_FRAME) == 0, "pr_load: 65536 bytes ok");
	CHECK(load(buf, PR_MAX_FRAME + 1) < 0, "pr_load: 65537 bytes fails");

	buf[0] = 0xe7;
	buf[1] = 0x03;
	CHECK(load(buf, 2) == 0 && pr_type(&rb) == 999,
	    "pr_type reads little-endian (999)");
	rb.len = 1;
	CHECK(pr_type(&rb) == 0, "pr_type of a runt: 0");

	CHECK(pr_type_name(PR_LOGIN) != NULL &&
	    strcmp(pr_type_name(PR_LOGIN), "PR_LOGIN") == 0,
	    "pr_type_name(PR_LOGIN)");
	CHECK(pr_type_name(PR_QUIT) != NULL &&
	    strcmp(pr_type_name(PR_QUIT), "PR_QUIT") == 0,
	    "pr_type_name(PR_QUIT)");
	CHECK(pr_type_name(PR_R_STATUS) != NULL &&
	    strcmp(pr_type_name(PR_R_STATUS), "PR_R_STATUS") == 0,
	    "pr_type_name(PR_R_STATUS)");
	CHECK(pr_type_name(PR_R_LOGIN) != NULL &&
	    strcmp(pr_type_name(PR_R_LOGIN), "PR_R_LOGIN") == 0,
	    "pr_type_name(PR_R_LOGIN)");
	CHECK(pr_type_name(999) == NULL, "pr_type_name(999) NULL");
	CHECK(pr_type_name(0) == NULL, "pr_type_name(0) NULL");
	CHECK(pr_type_name(0x10000 + PR_LOGIN) == NULL,
	    "pr_type_name(0x10001) NULL");
}

static void
test_status_lines(void)
{
	struct vp_status st;
	char line[512], tiny[16];
	size_t n;

	vp_status_set(&st, VPM_INVALID_LOGIN, 207);
	n = vp_status_line(&st, line, sizeof(line));
	CHECK(strcmp(line, "-ERR 8.207 Invalid Login\r\n") == 0 &&
	    n == strlen(line), "status line 8.207: \"%.*s\\r\\n\"",
	    (int)strcspn(line, "\r"), line);

	vp_status_text(&st, 305, "Username exists");
	n = vp_status_line(&st, line, sizeof(line));
	CHECK(strcmp(line, "-ERR 0.305 Username exists\r\n") == 0 &&
	    n == strlen(line), "status line 0.305 with own text");

	vp_status_set(&st, VPM_LINE_TOO_LONG, 108);
	vp_status_line(&st, line, sizeof(line));
	CHECK(strcmp(line, "-ERR 39.108 Line too long\r\n") == 0,
	    "status line 39.108");

	vp_status_set(&st, 37, 3101);
	vp_status_line(&st, line, sizeof(line));
	CHECK(strcmp(line, "-ERR 37.3101 IP Required\r\n") == 0,
	    "status line major 37: IP Required");
	vp_status_set(&st, 38, 3102);
	vp_status_line(&st, line, sizeof(line));
	CHECK(strcmp(line, "-ERR 38.3102 Invalid Domain\r\n") == 0,
	    "status line major 38: Invalid Domain");

	vp_status_set(&st, 4, 7);
	vp_status_line(&st, line, sizeof(line));
	CHECK(strcmp(line, "-ERR 4.007 Invalid Command\r\n") == 0,
	    "minor zero-padded to 3 digits");
	CHECK(strcmp(vp_major_text(20),
	    "Invalid Directory.  .. not allowed in path") == 0 &&
	    strcmp(vp_major_text(36), "Not Implemented yet") == 0 &&
	    strcmp(vp_major_text(26), "Unauthorized Directory.") == 0,
	    "message table texts 20, 26, 36");

	vp_status_set(&st, VPM_INVALID_LOGIN, 207);
	n = vp_status_line(&st, tiny, sizeof(tiny));
	CHECK(n == sizeof(tiny) - 1 && strlen(tiny) == n &&
	    tiny[n - 2] == '\r' && tiny[n - 1] == '\n',
	    "a cut line still ends in CRLF (\"%.*s\")", (int)(n - 2), tiny);
}

static void
test_cmd_messages(void)
{
	static struct pr_buf b;
	static struct pr_cmd c, d;
	static struct pr_line l, m;
	static struct pr_user u, v;
	char line[64];
	int multi = 7;

	memset(&c, 0, sizeof(c));
	c.cmd = 5;
	c.nargs = 2;
	strcpy(c.args[0], "user@example.com");
	strcpy(c.args[1], "pass word");
	pr_put_cmd(&b, &c);
	b.pos = 2;
	CHECK(pr_get_cmd(&b, &d) == 0 && d.cmd == 5 && d.nargs == 2 &&
	    strcmp(d.args[1], "pass word") == 0 && d.args[2][0] == '\0',
	    "cmd: round trip, unused args empty");
	c.nargs = PR_CMD_ARGS + 1;
	pr_init(&b, PR_CMD);
	pr_put_u16(&b, 5);
	pr_put_u8(&b, PR_CMD_ARGS + 1);
	b.pos = 2;
	CHECK(pr_get_cmd(&b, &d) < 0, "cmd: more than PR_CMD_ARGS refused");
	pr_init(&b, PR_CMD);
	pr_put_u16(&b, 60000);
	pr_put_u8(&b, 0);
	b.pos = 2;
	CHECK(pr_get_cmd(&b, &d) < 0, "cmd: command id past the table refused");
	c.nargs = 1;
	pr_put_cmd(&b, &c);
	pr_put_u8(&b, 0);
	b.pos = 2;
	CHECK(pr_get_cmd(&b, &d) < 0, "cmd: a trailing byte is refused");

	pr_put_body_line(&b, "no_pop 1", 8);
	b.pos = 2;
	CHECK(pr_get_body_line(&b, line, sizeof(line)) == 0 &&
	    strcmp(line, "no_pop 1") == 0, "body line: round trip");
	pr_put_body_line(&b, "a\0b", 3);
	b.pos = 2;
	CHECK(pr_get_body_line(&b, line, sizeof(line)) < 0,
	    "body line: an embedded NUL is refused");

	pr_put_ok(&b, 1);
	b.pos = 2;
	CHECK(pr_get_ok(&b, &multi) == 0 && multi == 1, "ok: multi round trip");
	pr_init(&b, PR_R_OK);
	pr_put_u8(&b, 2);
	b.pos = 2;
	CHECK(pr_get_ok(&b, &multi) < 0, "ok: shape 2 refused");

	memset(&l, 0, sizeof(l));
	strcpy(l.key, "count");
	strcpy(l.value, "42");
	l.has_value = 1;
	pr_put_line(&b, &l);
	b.pos = 2;
	CHECK(pr_get_line(&b, &m) == 0 && m.has_value == 1 &&
	    strcmp(m.key, "count") == 0 && strcmp(m.value, "42") == 0,
	    "line: round trip");
	memset(&u, 0, sizeof(u));
	strcpy(u.name, "bob");
	u.flags = 0x10000;
	pr_put_user_reply(&b, &u);
	b.pos = 2;
	CHECK(pr_type(&b) == PR_R_USER && pr_get_user_reply(&b, &v) == 0 &&
	    strcmp(v.name, "bob") == 0 && v.flags == 0x10000,
	    "user reply: round trip");
}

int
main(void)
{
	test_roundtrips();
	test_prefixes();
	test_rejections();
	test_writer_overflow();
	test_transport();
	test_load_and_names();
	test_status_lines();
	test_cmd_messages();
	return T_DONE("test_codec");
}
