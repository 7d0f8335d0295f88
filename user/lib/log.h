/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.h - leveled logging for the CLI and the daemon.
 *
 * Messages go to stderr, or to syslog once log_to_syslog() is called.
 * libbpf's own output is routed through here one level lower than libbpf
 * rates it, and shown in full at LOG_DEBUG.
 */
#ifndef MXG_LOG_H
#define MXG_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_WARN = 0,
	LOG_LEVEL_INFO = 1,
	LOG_LEVEL_DEBUG = 2,
	LOG_LEVEL_VERBOSE = 3,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_set_prefix(const char *prefix);
void log_to_syslog(const char *ident);
void log_libbpf_init(void);
/* Silence libbpf while probing something that is expected to fail. */
void log_libbpf_silence(int on);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define pr_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define pr_verbose(...) log_msg(LOG_LEVEL_VERBOSE, __VA_ARGS__)

#endif /* MXG_LOG_H */
