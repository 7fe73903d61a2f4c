/*
 * test_status_line - proto/errors.c vp_status_line: an error line is one
 * line whatever text it carries (a CR or LF in a major-0 or bare text
 * became a second client line before; found by tests/fuzz/fuzz_proto).
 */
#include <string.h>

#include "errors.h"
#include "util.h"
#include "unit/t.h"

static void
expect(unsigned major, unsigned minor, const char *text, const char *want)
{
	struct vp_status st;
	char buf[VP_STATUS_TEXT + 64];
	size_t n;

	memset(&st, 0, sizeof(st));
	st.major = (uint16_t)major;
	st.minor = (uint16_t)minor;
	vp_strlcpy(st.text, text, sizeof(st.text));
	n = vp_status_line(&st, buf, sizeof(buf));
	CHECK(n == strlen(want) && memcmp(buf, want, n) == 0,
	    "status %u.%u with text of %zu bytes: one line", major, minor,
	    strlen(text));
}

int
main(void)
{
	expect(0, 2, "\n", "-ERR 0.002  \r\n");
	expect(0, 1513, "a\r\n+OK \r\nb", "-ERR 0.1513 a  +OK   b\r\n");
	expect(VPM_BARE, 3801, "not\rauthorized", "-ERR 3801 not authorized\r\n");
	expect(0, 1513, "File name too long", "-ERR 0.1513 File name too long\r\n");
	return T_DONE("test_status_line");
}
