// SPDX-License-Identifier: GPL-2.0-only
/*
 * limit.c - the limit object: show and set the tunables in mxguard_limits.
 *
 * 'limit set' validates every KEY VALUE pair first, then writes the whole
 * struct in one map update, so the program never sees half a change and a
 * bad pair changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "ctl.h"
#include "limits.h"

static void show_limits(const struct mxg_limits *lim, const char *ifname)
{
	char buf[128];
	int i;

	json_start();
	if (jw) {
		json_begin_object(jw);
		json_kv_string(jw, "interface", ifname);
		for (i = 0; limit_keys[i].name; i++) {
			unsigned long long v;

			if (!strcmp(limit_keys[i].name, "ports")) {
				int p;

				json_name(jw, "ports");
				json_begin_array(jw);
				for (p = 0; p < MXG_MAX_PORTS; p++)
					if (lim->ports[p])
						json_uint(jw, lim->ports[p]);
				json_end_array(jw);
			} else if (!strcmp(limit_keys[i].name, "mode")) {
				limits_get(lim, "mode", buf, sizeof(buf));
				json_kv_string(jw, "mode", buf);
			} else if (!limits_get_u64(lim, limit_keys[i].name, &v)) {
				json_kv_uint(jw, limit_keys[i].name, v);
			}
		}
		json_end_object(jw);
		json_done();
		return;
	}
	for (i = 0; limit_keys[i].name; i++) {
		limits_get(lim, limit_keys[i].name, buf, sizeof(buf));
		printf("%-17s %s\n", limit_keys[i].name, buf);
	}
}

static int do_limit_show(int argc, char **argv)
{
	struct mxg_limits lim;
	struct guard g;
	int ret, err;

	if (argc) {
		p_err("unexpected '%s': 'limit show' takes no argument", argv[0]);
		return EXIT_USAGE;
	}
	ret = ctl_open_guard(&g);
	if (ret)
		return ret;
	err = guard_limits_read(&g, &lim);
	if (err) {
		p_err("failed to read the limits: %s", strerror(-err));
		ret = EXIT_RUNTIME;
	} else {
		show_limits(&lim, g.ifname);
	}
	guard_close(&g);
	return ret;
}

/* apply_pairs - apply KEY VALUE pairs to lim; an exit code. */
static int apply_pairs(struct mxg_limits *lim, int argc, char **argv)
{
	char err[256];
	int i, e;

	for (i = 0; i < argc; i += 2) {
		e = limits_set(lim, argv[i], argv[i + 1], err, sizeof(err));
		if (e == -ENOENT) {
			p_err("unknown limit '%s': expected one of %s", argv[i],
			      limit_key_names());
			return EXIT_USAGE;
		}
		if (e) {
			p_err("%s", err);
			return EXIT_USAGE;
		}
	}
	if (limits_check(lim, err, sizeof(err))) {
		p_err("%s", err);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int do_limit_set(int argc, char **argv)
{
	struct mxg_limits lim, check;
	struct guard g;
	int ret, err;

	if (argc == 0) {
		p_err("expected 'limit set KEY VALUE [KEY VALUE ...]'");
		return EXIT_USAGE;
	}
	if (argc % 2) {
		p_err("missing VALUE after '%s'; expected 'limit set KEY VALUE [KEY VALUE ...]'",
		      argv[argc - 1]);
		return EXIT_USAGE;
	}
	/* validate against defaults first, so bad input fails before any I/O */
	memset(&check, 0, sizeof(check));
	check.syn_burst = check.global_syn_burst = 1;
	check.ports[0] = 25;
	ret = apply_pairs(&check, argc, argv);
	if (ret)
		return ret;

	ret = ctl_open_guard(&g);
	if (ret)
		return ret;
	ret = ctl_lock(&g);
	if (ret)
		goto out_close;
	err = guard_limits_read(&g, &lim);
	if (err) {
		p_err("failed to read the limits: %s", strerror(-err));
		ret = EXIT_RUNTIME;
		goto out_close;
	}
	ret = apply_pairs(&lim, argc, argv);
	if (ret)
		goto out_close;
	err = guard_limits_write(&g, &lim);
	if (err) {
		p_err("failed to write the limits: %s", strerror(-err));
		ret = EXIT_RUNTIME;
		goto out_close;
	}
	show_limits(&lim, g.ifname);
out_close:
	guard_close(&g);
	return ret;
}

static int do_limit_help(int argc, char **argv)
{
	int i;

	if (json_output) {
		printf("null\n");
		return EXIT_OK;
	}
	fprintf(stderr,
		"Usage: %1$s limit show\n"
		"       %1$s limit set KEY VALUE [KEY VALUE ...]\n"
		"\n"
		"A change takes effect on the next packet. KEY is one of:\n",
		bin_name);
	for (i = 0; limit_keys[i].name; i++)
		fprintf(stderr, "  %-17s %s\n", limit_keys[i].name,
			limit_keys[i].help);
	return EXIT_OK;
}

static const struct cmd limit_cmds[] = {
	{ "help", do_limit_help },
	{ "show", do_limit_show },
	{ "set", do_limit_set },
	{ 0 }
};

int do_limit(int argc, char **argv)
{
	return cmd_select(limit_cmds, argc, argv, do_limit_help);
}
