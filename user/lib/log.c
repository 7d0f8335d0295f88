// SPDX-License-Identifier: GPL-2.0-only
/*
 * log.c - leveled logging to stderr or syslog, and libbpf's print hook.
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <bpf/libbpf.h>
#include "log.h"

static enum log_level log_level = LOG_LEVEL_INFO;
static const char *log_prefix = "mxguard";
static int log_syslog;
static int libbpf_silenced;

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

void log_set_prefix(const char *prefix)
{
	log_prefix = prefix;
}

void log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = 1;
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG };
	static const char *const tag[] = { "warning: ", "", "debug: ", "debug: " };

	if (level > log_level)
		return;
	if (log_syslog) {
		vsyslog(prio[level], fmt, ap);
		return;
	}
	fprintf(stderr, "%s: %s", log_prefix, tag[level]);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

/* libbpf_print - libbpf output, demoted one level: its warnings are our info. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	enum log_level ours;

	if (libbpf_silenced)
		return 0;
	switch (level) {
	case LIBBPF_WARN:
		ours = LOG_LEVEL_INFO;
		break;
	case LIBBPF_INFO:
		ours = LOG_LEVEL_DEBUG;
		break;
	default:
		ours = LOG_LEVEL_VERBOSE;
		break;
	}
	/* With -d every libbpf line is shown; otherwise warnings only. */
	if (log_level >= LOG_LEVEL_DEBUG && ours > log_level)
		ours = log_level;
	log_vmsg(ours, fmt, ap);
	return 0;
}

void log_libbpf_init(void)
{
	libbpf_set_print(libbpf_print);
}

void log_libbpf_silence(int on)
{
	libbpf_silenced = on;
}
