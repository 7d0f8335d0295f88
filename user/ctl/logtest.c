// SPDX-License-Identifier: GPL-2.0-only
/*
 * logtest.c - 'mxguard log test [--format FORMAT] FILE|-': run the log
 * parsers of mxguardd over a log and print every event, so an operator
 * can check them against their own logs. Reads no map and needs no root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"
#include "logfollow.h"
#include "logparse.h"

struct logtest {
	struct logparse *lp;
	uint64_t line;		/* 1-based number of the current line */
	uint64_t events;
};

static void on_line(const char *line, size_t len, const char *source, void *arg)
{
	struct logtest *t = arg;
	struct lp_event ev[8];
	char addr[PREFIX_STRLEN];
	int n, i;

	t->line++;
	n = logparse_line(t->lp, line, len, ev, 8);
	for (i = 0; i < n; i++) {
		t->events++;
		prefix_format(&ev[i].addr, addr, sizeof(addr));
		if (json_output) {
			json_begin_object(jw);
			json_kv_uint(jw, "line", t->line);
			json_kv_string(jw, "kind", lp_kind_name(ev[i].kind));
			json_kv_string(jw, "addr", addr);
			json_kv_string(jw, "format", ev[i].format);
			json_kv_uint(jw, "count", ev[i].count);
			json_end_object(jw);
		} else if (ev[i].count > 1) {
			printf("%llu: %s %s %s x%u\n", (unsigned long long)t->line,
			       lp_kind_name(ev[i].kind), addr, ev[i].format,
			       ev[i].count);
		} else {
			printf("%llu: %s %s %s\n", (unsigned long long)t->line,
			       lp_kind_name(ev[i].kind), addr, ev[i].format);
		}
	}
}

/* print_summary - counters on stderr, so stdout stays the events alone. */
static void print_summary(const struct logtest *t,
			  const struct logfollow_stats *fs, unsigned mask)
{
	const struct lp_stats *st = logparse_stats(t->lp);
	int f;

	/* the events first, when both streams go to one terminal */
	fflush(stdout);
	fprintf(stderr, "%llu lines read, %llu events, %llu lines cut at %d bytes\n",
		(unsigned long long)fs->lines, (unsigned long long)t->events,
		(unsigned long long)fs->lines_cut, LF_LINE_MAX);
	for (f = 0; f < LP_NFORMATS; f++) {
		if (!(mask & LP_FORMAT_BIT(f)))
			continue;
		fprintf(stderr, "  %-10s %llu lines recognised, %llu events\n",
			lp_format_name(f),
			(unsigned long long)st->format[f].lines,
			(unsigned long long)st->format[f].events);
	}
	if (st->ambiguous || st->bad_addr || st->sessions_evicted)
		fprintf(stderr,
			"  %llu lines with a repeated anchor, %llu bad address fields, %llu sessions evicted\n",
			(unsigned long long)st->ambiguous,
			(unsigned long long)st->bad_addr,
			(unsigned long long)st->sessions_evicted);
}

static int do_log_help(int argc, char **argv)
{
	if (json_output) {
		printf("null\n");
		return EXIT_OK;
	}
	fprintf(stderr,
		"Usage: %s log test [--format FORMAT] FILE|-\n"
		"       %s log help\n"
		"\n"
		"       FORMAT := { all | NAME[,NAME...] }\n"
		"       NAME := { postfix | dovecot | exim | sendmail | opensmtpd |\n"
		"                 courier | haraka }\n"
		"\n"
		"'log test' reads log lines from FILE (or standard input for '-'),\n"
		"runs the parsers of mxguardd on them and prints, for each line that\n"
		"is an event, its number, the kind (auth_fail, reject, protocol,\n"
		"login_ok), the client address, the format, and 'xN' when the line\n"
		"stands for N occurrences. With -j it prints one JSON array of\n"
		"objects {\"line\", \"kind\", \"addr\", \"format\", \"count\"}. The summary\n"
		"(lines read, events, lines recognised per format) always goes to\n"
		"stderr, so standard output contains only the events.\n",
		bin_name, bin_name);
	return EXIT_OK;
}

static int do_log_test(int argc, char **argv)
{
	struct logfollow_stats fs;
	struct logtest t = { 0 };
	unsigned mask = LP_FORMATS_ALL;
	const char *file = NULL;
	int fd, err;

	while (argc > 0) {
		if (!strcmp(*argv, "--format") || !strcmp(*argv, "format")) {
			NEXT_ARG();
			REQ_ARGS(1);
			if (logparse_format_parse(*argv, &mask)) {
				p_err("invalid format '%s': expected all or a comma-separated list of postfix, dovecot, exim, sendmail, opensmtpd, courier, haraka",
				      *argv);
				return EXIT_USAGE;
			}
		} else if (!file) {
			file = *argv;
		} else {
			p_err("unexpected argument '%s'; expected 'log test [--format FORMAT] FILE|-'",
			      *argv);
			return EXIT_USAGE;
		}
		NEXT_ARG();
	}
	if (!file) {
		p_err("missing FILE; expected 'log test [--format FORMAT] FILE|-'");
		return EXIT_USAGE;
	}

	if (!strcmp(file, "-")) {
		fd = 0;
	} else {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			p_err("failed to open '%s': %s", file, strerror(errno));
			return EXIT_RUNTIME;
		}
	}
	t.lp = logparse_new(mask);
	if (!t.lp) {
		p_err("failed to set up the parsers: %s", strerror(errno));
		if (fd)
			close(fd);
		return EXIT_RUNTIME;
	}

	json_start();
	if (json_output)
		json_begin_array(jw);
	err = logfollow_read_fd(fd, file, on_line, &t, &fs);
	if (json_output) {
		json_end_array(jw);
		json_done();
	}
	if (fd)
		close(fd);
	if (err) {
		if (!json_output)
			p_err("failed to read '%s': %s", file, strerror(-err));
		else
			fprintf(stderr, "Error: failed to read '%s': %s\n", file,
				strerror(-err));
		logparse_free(t.lp);
		return EXIT_RUNTIME;
	}
	print_summary(&t, &fs, mask);
	logparse_free(t.lp);
	return EXIT_OK;
}

int do_log(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "test", do_log_test },
		{ "help", do_log_help },
		{ 0 }
	};

	return cmd_select(cmds, argc, argv, do_log_help);
}
