/*
 * t.h - a minimal TAP-like harness for the unit and hostile tests.
 *
 *   CHECK(cond, "fmt", ...)  prints "ok - <desc>" or
 *                            "FAIL - <file>:<line>: <desc>"; returns cond
 *   T_INFO("fmt", ...)       prints "# <info>"
 *   T_SKIP("fmt", ...)       prints "skip - <desc>" (counts nothing)
 *   return T_DONE("name");   prints "name: N passed, M failed"; the value
 *                            is the exit status (0 iff nothing failed)
 *
 * Include it from exactly one translation unit per test binary.
 */
#ifndef VP_TESTS_T_H
#define VP_TESTS_T_H

#include <stdarg.h>
#include <stdio.h>

static unsigned t_passed, t_failed;

__attribute__((unused, format(printf, 4, 5))) static int
t_check(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		t_passed++;
		fputs("ok - ", stdout);
	} else {
		t_failed++;
		printf("FAIL - %s:%d: ", file, line);
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

__attribute__((unused, format(printf, 2, 3))) static void
t_note(const char *prefix, const char *fmt, ...)
{
	va_list ap;

	fputs(prefix, stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

__attribute__((unused)) static int
t_done(const char *name)
{
	printf("%s: %u passed, %u failed\n", name, t_passed, t_failed);
	fflush(stdout);
	return t_failed == 0 ? 0 : 1;
}

#define CHECK(cond, ...)	t_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define T_INFO(...)		t_note("# ", __VA_ARGS__)
#define T_SKIP(...)		t_note("skip - ", __VA_ARGS__)
#define T_DONE(name)		t_done(name)

#endif
