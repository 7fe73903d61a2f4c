/*
 * log.h - diagnostics for both processes (stderr, optionally syslog).
 *
 * fatal()/log_warn() append strerror(errno); the *x variants do not.
 * fatal*() are for process setup only: library code returns errors.
 */
#ifndef VP_LOG_H
#define VP_LOG_H

void log_init(const char *progname);
void log_set_role(const char *role);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
