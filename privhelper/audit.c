/*
 * audit.c - the audit trail. A record is written with one write(2) on an
 * O_APPEND descriptor, so concurrent sessions never interleave records.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

int
audit_open(struct ph_ctx *ctx, char *err, size_t errlen)
{
	const char *sink = ctx->cfg->audit_log;

	ctx->audit_fd = -1;
	ctx->audit_syslog = 0;
	if (strcmp(sink, "none") == 0 || sink[0] == '\0')
		return 0;
	if (strcmp(sink, "syslog") == 0) {
		/* LOG_NDELAY: connect now, while socket() is still allowed. */
		openlog("vpopmaild", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
		ctx->audit_syslog = 1;
		return 0;
	}
	ctx->audit_fd = open(sink, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW | O_NOCTTY, 0600);
	if (ctx->audit_fd < 0) {
		snprintf(err, errlen, "audit-log %s: %s", sink, strerror(errno));
		return -1;
	}
	return 0;
}

void
audit_json_escape(char *dst, size_t dstsz, const char *s)
{
	size_t n = strlen(dst);

	for (; *s && n + 7 < dstsz; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			dst[n++] = '\\';
			dst[n++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			n += (size_t)snprintf(dst + n, dstsz - n, "\\u%04x", c);
		} else
			dst[n++] = (char)c;
	}
	dst[n] = '\0';
}

#define AUDIT_FIELD_MAX	400	/* escaped bytes of one value */
#define AUDIT_TAIL	4	/* room always kept for "\"}\n" */

/* Each value is cut at AUDIT_FIELD_MAX so that every record, however long
 * its inputs, stays one well-formed line. */
static void
add_field(char *rec, size_t sz, const char *key, const char *val, int first)
{
	size_t n = strlen(rec), lim;

	snprintf(rec + n, sz - n, "%s\"%s\":\"", first ? "" : ",", key);
	n = strlen(rec);
	lim = n + AUDIT_FIELD_MAX < sz - AUDIT_TAIL ? n + AUDIT_FIELD_MAX :
	    sz - AUDIT_TAIL;
	audit_json_escape(rec, lim, val ? val : "");
	n = strlen(rec);
	rec[n++] = '"';
	rec[n] = '\0';
}

void
audit(struct ph_ctx *ctx, const char *op, const char *target,
    const char *result, const char *detail)
{
	char rec[4096], when[32], principal[PR_FIELD_MAX * 2 + 2];
	struct timespec ts;
	struct tm tm;
	size_t n;

	if (ctx->audit_fd < 0 && !ctx->audit_syslog)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	principal[0] = '\0';
	if (ctx->id.logged_in)
		snprintf(principal, sizeof(principal), "%s@%s", ctx->id.user,
		    ctx->id.domain);
	rec[0] = '{';
	rec[1] = '\0';
	add_field(rec, sizeof(rec), "time", when, 1);
	add_field(rec, sizeof(rec), "conn", ctx->conn, 0);
	add_field(rec, sizeof(rec), "peer", ctx->peer, 0);
	add_field(rec, sizeof(rec), "principal", principal, 0);
	add_field(rec, sizeof(rec), "op", op, 0);
	add_field(rec, sizeof(rec), "target", target, 0);
	add_field(rec, sizeof(rec), "result", result, 0);
	add_field(rec, sizeof(rec), "detail", detail, 0);
	n = strlen(rec);
	rec[n++] = '}';
	rec[n++] = '\n';
	rec[n] = '\0';
	if (ctx->audit_syslog) {
		rec[strlen(rec) - 1] = '\0';
		syslog(LOG_NOTICE, "%s", rec);
		return;
	}
	if (write(ctx->audit_fd, rec, strlen(rec)) < 0)
		return;
}
