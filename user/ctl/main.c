// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - mxguard, the command-line tool for the guard's pinned maps.
 *
 * Grammar: mxguard [OPTIONS] OBJECT { COMMAND | help }. Each OBJECT lives in
 * its own file as do_<object>(). The tool works on the pinned maps directly,
 * so it works whether or not the daemon runs; it never keeps state itself.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"
#include "loader.h"
#include "log.h"

int json_output;
int pretty_output;
int opt_force;
const char *opt_ifname;
const char *opt_config;
const char *bin_name = "mxguard";
struct json *jw;

static struct json json_writer;
static int json_error_printed;

void json_start(void)
{
	if (!json_output || jw)
		return;
	json_init(&json_writer, stdout, pretty_output);
	jw = &json_writer;
}

void json_done(void)
{
	if (jw)
		json_finish(jw);
}

void p_err(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!json_output) {
		fprintf(stderr, "Error: %s\n", buf);
		return;
	}
	if (json_error_printed || jw)
		return;	/* stdout already holds a document */
	json_error_printed = 1;
	{
		struct json j;

		json_init(&j, stdout, pretty_output);
		json_begin_object(&j);
		json_kv_string(&j, "error", buf);
		json_end_object(&j);
		json_finish(&j);
	}
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (json_output)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int is_prefix(const char *arg, const char *word)
{
	return *arg && !strncmp(arg, word, strlen(arg));
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int, char **))
{
	const struct cmd *match = NULL;
	int i;

	/* an OBJECT without a COMMAND is a usage error, after the help */
	if (argc < 1) {
		if (!json_output)
			help(argc, argv);
		p_err("missing COMMAND after '%s'", *(argv - 1));
		return EXIT_USAGE;
	}
	for (i = 0; cmds[i].name; i++) {
		if (!strcmp(argv[0], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
		if (!is_prefix(argv[0], cmds[i].name))
			continue;
		if (match) {
			p_err("'%s' is ambiguous: it could be '%s' or '%s'",
			      argv[0], match->name, cmds[i].name);
			return EXIT_USAGE;
		}
		match = &cmds[i];
	}
	if (match)
		return match->fn(argc - 1, argv + 1);
	p_err("unknown command '%s'; try '%s help'", argv[0], bin_name);
	return EXIT_USAGE;
}

int ctl_open_guard(struct guard *g)
{
	char names[8][IF_NAMESIZE];
	struct loader_status st;
	const char *ifname = opt_ifname;
	int n, err;

	if (!ifname) {
		n = guard_list_ifaces(names, 8);
		if (n < 0) {
			p_err("failed to read '%s': %s", MXG_PIN_ROOT, strerror(-n));
			return EXIT_RUNTIME;
		}
		if (n == 0) {
			p_err("no interface is guarded; attach the guard with '%s prog attach IFACE'",
			      bin_name);
			return EXIT_RUNTIME;
		}
		if (n > 1) {
			p_err("%d interfaces are guarded; choose one with -i IFACE (see '%s prog show')",
			      n, bin_name);
			return EXIT_USAGE;
		}
		ifname = names[0];
	}

	err = loader_status(ifname, &st);
	if (!err && !st.attached) {
		p_err("the guard is not attached to '%s'; attach it with '%s prog attach %s'",
		      ifname, bin_name, ifname);
		return EXIT_RUNTIME;
	}
	err = guard_open(g, ifname);
	if (err == -ENOENT) {
		p_err("the guard is not attached to '%s'; attach it with '%s prog attach %s'",
		      ifname, bin_name, ifname);
		return EXIT_RUNTIME;
	}
	if (err) {
		p_err("failed to open the maps of '%s': %s%s", ifname,
		      strerror(-err),
		      err == -EPERM || err == -EACCES ? " (mxguard needs root)" : "");
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int ctl_check_ifname(const char *ifname)
{
	char dir[GUARD_DIR_MAX];

	if (guard_pin_dir(ifname, dir, sizeof(dir)) == 0)
		return EXIT_OK;
	p_err("invalid interface name '%s': expected 1 to %d characters without '/', ':' or blanks",
	      ifname, IF_NAMESIZE - 1);
	return EXIT_USAGE;
}

int ctl_lock(struct guard *g)
{
	int err = guard_lock(g);

	if (err) {
		p_err("failed to lock '%s': %s", g->dir, strerror(-err));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static int do_help(int argc, char **argv)
{
	if (json_output) {
		printf("null\n");
		return EXIT_OK;
	}
	fprintf(stderr,
		"Usage: %s [OPTIONS] OBJECT { COMMAND | help }\n"
		"       %s version\n"
		"\n"
		"       OBJECT := { block | allow | limit | stats | why | prog | daemon | dnsbl | log }\n"
		"       OPTIONS := { -i IFACE | -c FILE | -j | -p | -d | -f | -V | -h }\n"
		"\n"
		"  -i IFACE  interface to work on (needed when several are guarded)\n"
		"  -c FILE   configuration file (default /etc/mxguard/mxguard.conf)\n"
		"  -j        JSON output; -p pretty-printed JSON\n"
		"  -d        debug output, including libbpf's\n"
		"  -f        allow a block of a very wide prefix (--force)\n"
		"  -V        print the version\n"
		"\n"
		"'%s OBJECT help' lists the commands of an object; see mxguard(8).\n",
		bin_name, bin_name, bin_name);
	return EXIT_OK;
}

static int do_version(int argc, char **argv)
{
	if (json_output) {
		json_start();
		json_begin_object(jw);
		json_kv_string(jw, "version", MXG_VERSION);
		json_kv_uint(jw, "abi_version", MXG_ABI_VERSION);
		json_end_object(jw);
		json_done();
		return EXIT_OK;
	}
	printf("%s %s (map layout %u)\n", bin_name, MXG_VERSION, MXG_ABI_VERSION);
	return EXIT_OK;
}

static const struct cmd objects[] = {
	{ "help", do_help },
	{ "block", do_block },
	{ "allow", do_allow },
	{ "limit", do_limit },
	{ "stats", do_stats },
	{ "why", do_why },
	{ "prog", do_prog },
	{ "daemon", do_daemon },
	{ "dnsbl", do_dnsbl },
	{ "log", do_log },
	{ "version", do_version },
	{ 0 }
};

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int opt, ret;

	log_set_prefix(bin_name);
	log_set_level(LOG_LEVEL_WARN);
	log_libbpf_init();

	/* "+": stop at the first non-option, so OBJECT arguments are kept */
	while ((opt = getopt_long(argc, argv, "+i:c:jpdfVh", options, NULL)) >= 0) {
		switch (opt) {
		case 'i':
			opt_ifname = optarg;
			break;
		case 'c':
			opt_config = optarg;
			break;
		case 'p':
			pretty_output = 1;
			/* fall through */
		case 'j':
			json_output = 1;
			break;
		case 'd':
			log_set_level(LOG_LEVEL_DEBUG);
			break;
		case 'f':
			opt_force = 1;
			break;
		case 'V':
			return do_version(0, NULL);
		case 'h':
			return do_help(0, NULL);
		default:
			p_err("unknown option; try '%s help'", bin_name);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (opt_ifname && ctl_check_ifname(opt_ifname))
		return EXIT_USAGE;
	if (argc < 1) {
		if (!json_output)
			do_help(0, NULL);
		p_err("missing OBJECT; try '%s help'", bin_name);
		return EXIT_USAGE;
	}

	ret = cmd_select(objects, argc, argv, do_help);
	fflush(stdout);
	return ret;
}
